"""Read step, borderless PDF cards: rebuild the card as grid rows, so it is read like a ruled or
tab-separated card.

The header block becomes one line per printed row (label and value cells, a wrapped value joined
in its cell, the spending-plan amounts placed under their month columns); the indicator table
becomes one line per indicator with a cell per column of its header row, a level name printed once
for a merged block of rows repeated on every row of the block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.cards.read.grid import is_header_label, is_indicator_header
from extractor.cards.read.positional import (
    assign_blocks,
    cell_text,
    column_edges,
    column_of,
    extent,
    fragments,
    runs,
    split_across,
    touch_gap,
)
from extractor.ingest.geometry import Word
from extractor.ingest.text import Line
from extractor.record.normalize import normalize_text

_MONTH = re.compile(r"^\d{1,2}月[底末]$")
_PAGE_MARK = re.compile(r"^[-—]\s*\d{1,3}\s*[-—]$|^\d{1,3}$")
_LEVEL_KEYS = ("一级指标", "二级指标")


def rebuild_header(header_lines: tuple[Line, ...], table: tuple[Line, ...]) -> tuple[Line, ...]:
    """Return a borderless card's header block as one grid line per printed row."""
    return _header_rows(header_lines, _label_edge(header_lines, table))


def rebuild_table(table: tuple[Line, ...]) -> tuple[Line, ...]:
    """Return a borderless indicator table as its header line then one grid line per indicator."""
    return _table_rows(table)


# ---------------------------------------------------------------- header block


def _label_edge(header_lines: tuple[Line, ...], table: tuple[Line, ...]) -> float:
    """Return the right edge of the label column: the edge between the first two indicator
    columns, else just right of the leftmost printed label."""
    first_two = [box for box in table[0].boxes[:2] if box is not None] if table else []
    if len(first_two) == 2:
        return column_edges([(b[0], b[2]) for b in first_two], fragments(table[1:]))[0]
    labels = [f for f in fragments(header_lines) if is_header_label(f.text)]
    leftmost = min(labels, key=lambda f: f.x0, default=None)
    return leftmost.x1 + 1.0 if leftmost else float("-inf")


def _header_rows(lines: tuple[Line, ...], label_edge: float) -> tuple[Line, ...]:
    pieces = fragments(lines)
    if not pieces:
        return lines
    labels = [f for f in pieces if f.x1 <= label_edge + 1.0]
    values = [f for f in pieces if f.x1 > label_edge + 1.0]
    gap = touch_gap(pieces)
    rows = [row for page in _pages(values) for row in _value_rows(page, gap)]
    cells: list[list[list[Word]]] = [_cells(row) for row in rows]
    for block in (b for page in _pages(labels) for b in runs(page, gap)):
        target = _row_for(block, rows)
        if target is None:
            rows.append(block)
            cells.append([block])
        else:
            cells[target].insert(0, block)
    order = sorted(range(len(rows)), key=lambda k: (rows[k][0].page, extent(rows[k])[0]))
    out = [_line(cells[k]) for k in order]
    return tuple(_align_plan(out))


def _pages(pieces: Sequence[Word]) -> list[list[Word]]:
    by_page: dict[int, list[Word]] = {}
    for piece in pieces:
        by_page.setdefault(piece.page, []).append(piece)
    return [by_page[p] for p in sorted(by_page)]


def _value_rows(pieces: list[Word], gap: float) -> list[list[Word]]:
    """Rows of the header block: runs of touching text, a line of month labels always a row apart."""
    months = {f.line for f in pieces if _MONTH.match(normalize_text(f.text))}
    month_lines = {n for n in months if all(_MONTH.match(normalize_text(f.text)) or is_header_label(f.text)
                                           for f in pieces if f.line == n)}
    plain = [f for f in pieces if f.line not in month_lines]
    rows = runs(plain, gap)
    rows.extend([f for f in pieces if f.line == n] for n in sorted(month_lines))
    return rows


def _row_for(block: list[Word], rows: list[list[Word]]) -> int | None:
    """Return the row a label block belongs to: the one holding its middle, else the nearest."""
    same_page = [k for k, row in enumerate(rows) if row[0].page == block[0].page]
    if not same_page:
        return None
    top, bottom = extent(block)
    middle = (top + bottom) / 2

    def distance(k: int) -> float:
        row_top, row_bottom = extent(rows[k])
        return 0.0 if row_top <= middle <= row_bottom else min(abs(row_top - middle), abs(row_bottom - middle))

    return min(same_page, key=lambda k: (distance(k), extent(rows[k])[0]))


def _cells(row: list[Word]) -> list[list[Word]]:
    """Group a row's fragments into cells: fragments on different lines that overlap horizontally."""
    groups: list[list[Word]] = []
    for piece in sorted(row, key=lambda f: f.x0):
        target = next((g for g in groups if any(_overlap(piece, other) for other in g)), None)
        if target is None:
            groups.append([piece])
        else:
            target.append(piece)
    return sorted(groups, key=lambda g: min(f.x0 for f in g))


def _overlap(a: Word, b: Word) -> bool:
    return a.line != b.line and min(a.x1, b.x1) - max(a.x0, b.x0) > 0


def _line(cells: list[list[Word]]) -> Line:
    first = min((f for cell in cells for f in cell), key=lambda f: (f.y0, f.x0))
    texts = tuple(cell_text(cell) for cell in cells)
    boxes = tuple((min(f.x0 for f in c), min(f.y0 for f in c), max(f.x1 for f in c), max(f.y1 for f in c))
                  for c in cells)
    return Line(first.line, first.page, texts, boxes)


def _align_plan(lines: list[Line]) -> list[Line]:
    """Put the amounts of the row under the month labels into the month columns (a label first)."""
    out = list(lines)
    for k, line in enumerate(lines[:-1]):
        months = [i for i, text in enumerate(line.cells) if _MONTH.match(normalize_text(text))]
        boxes = [line.boxes[i] for i in months if i < len(line.boxes)]
        if len(months) < 2 or len(boxes) != len(months):
            continue
        centres = [(box[0] + box[2]) / 2 for box in boxes if box is not None]
        edges = [(a + b) / 2 for a, b in zip(centres, centres[1:], strict=False)]
        head = [t for i, t in enumerate(line.cells) if i < months[0]]
        out[k] = Line(line.number, line.page, ("\n".join(head), *(line.cells[i] for i in months)))
        out[k + 1] = _plan_values(lines[k + 1], edges, len(months))
    return out


def _plan_values(line: Line, edges: list[float], slots: int) -> Line:
    cells = [""] * (slots + 1)
    for text, box in zip(line.cells, line.boxes, strict=False):
        if is_header_label(text) or box is None:
            cells[0] = (cells[0] + text).strip()
        else:
            slot = 1 + sum(1 for edge in edges if (box[0] + box[2]) / 2 >= edge)
            cells[slot] = (cells[slot] + " " + text).strip()
    return Line(line.number, line.page, tuple(cells))


# ---------------------------------------------------------------- indicator table


def _table_rows(table: tuple[Line, ...]) -> tuple[Line, ...]:
    """Return the indicator table as its header line then one line per row, cells by column."""
    if not table or len(table[0].boxes) != len(table[0].cells):
        return table
    out: list[Line] = [table[0]]
    header = table[0]
    segment: list[Line] = []
    for line in [*table[1:], None]:
        if line is None or is_indicator_header(line) or (segment and line.page != segment[0].page):
            out.extend(_segment_rows(header, segment))
            segment = []
            if line is not None and is_indicator_header(line) and len(line.boxes) == len(line.cells):
                header = line
            if line is None or is_indicator_header(line):
                continue
        segment.append(line)
    return tuple(out)


def _segment_rows(header: Line, lines: list[Line]) -> list[Line]:
    """Rows of one page of the table: per-row columns make the rows, level columns are merged blocks."""
    anchors = [(b[0], b[2]) for b, text in zip(header.boxes, header.cells, strict=False) if b and text.strip()]
    labels = [normalize_text(t) for t in header.cells if t.strip()]
    top = min(b[1] for b in header.boxes if b) if lines and header.page == lines[0].page else float("-inf")
    pieces = _without_page_marks([f for f in fragments(lines) if f.y0 >= top])
    if not pieces or len(anchors) < 3:
        return []
    edges = column_edges(anchors, pieces)
    pieces = [part for f in pieces if not _spans_columns(f, edges) for part in split_across(f, edges)]
    level_columns = {k for k, label in enumerate(labels) if label in _LEVEL_KEYS}
    gap = touch_gap(pieces)
    rows = runs([f for f in pieces if column_of(f, edges) not in level_columns], gap)
    row_extents = [extent(row) for row in rows]
    cells = [[[f for f in row if column_of(f, edges) == c] for c in range(len(labels))] for row in rows]
    for column in sorted(level_columns):
        blocks = runs([f for f in pieces if column_of(f, edges) == column], gap)
        for k, owner in enumerate(assign_blocks(row_extents, [extent(b) for b in blocks])):
            if owner is not None:
                cells[k][column] = blocks[owner]
    return [Line(row[0].line, row[0].page, tuple(cell_text(c) for c in cells[k])) for k, row in enumerate(rows)]


def _spans_columns(piece: Word, edges: Sequence[float]) -> bool:
    """A fragment still crossing two column edges is no cell (a running head, a note)."""
    return sum(1 for edge in edges if piece.x0 + 2 < edge < piece.x1 - 2) >= 2


def _without_page_marks(pieces: list[Word]) -> list[Word]:
    """Drop page numbers: a line printing only "- 14 -" or "14" below everything else on its page."""
    bottom = max((f.y1 for f in pieces), default=0.0)
    lonely = {f.line for f in pieces} - {f.line for f, g in zip(pieces, pieces[1:], strict=False) if f.line == g.line}
    return [f for f in pieces
            if not (f.line in lonely and _PAGE_MARK.match(f.text) and (f.text[0] in "-—" or f.y1 >= bottom))]
