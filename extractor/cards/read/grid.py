"""Read step, cells: a cell's text, grid rows, merged cells the PDF reader split, framed blocks.

A PDF grid row has one cell per grid column. The cards' header rows and indicator rows share one
grid, so a cell of the indicator table may span several grid columns; where its words fell into
different columns the reader split it ("在全市排前 12" | "名"). ``span_text`` puts such a cell back
together, line by line. A card drawn in a frame without inner rules is read as one cell holding
every printed line; the card finder (``cards.find``) turns it back into one line per printed line.
"""

from __future__ import annotations

from collections.abc import Sequence

from extractor.cards.vocabulary import (
    GOALS_COLUMN,
    HEADER_LABEL,
    INDICATOR_HEADER_LEVELS,
    INDICATOR_HEADER_NAMES,
    INDICATOR_HEADER_VALUE,
    YEAR_GOALS_COLUMNS,
)
from extractor.ingest.text import Line
from extractor.record.normalize import normalize_text
from extractor.record.numbers import parse_amount

_TOUCH = 1.0  # points: grid cells of one row share their edges


def is_header_label(text: str) -> bool:
    """Return True for a printed label of the card header block (项目名称, 预算数, 3月底 …)."""
    return bool(HEADER_LABEL.match(normalize_text(text)))


def is_indicator_header(line: Line) -> bool:
    """Return True for the column header row of the indicator table: 一级指标 / 二级指标 …, or a
    grid without level columns (指标名称 | 指标性质 | 指标值 …)."""
    folded = normalize_text(line.text)
    return all(label in folded for label in INDICATOR_HEADER_LEVELS) or (
        any(label in folded for label in INDICATOR_HEADER_NAMES) and INDICATOR_HEADER_VALUE in folded)


def is_grid_line(line: Line) -> bool:
    """Return True for a row of a ruled grid: one cell per column, neighbouring cells touching."""
    if len(line.boxes) != len(line.cells) or len(line.cells) < 2:
        return False
    if any(box is None for box in line.boxes):
        return True
    boxes = [box for box in line.boxes if box is not None]
    return all(abs(a[2] - b[0]) <= _TOUCH for a, b in zip(boxes, boxes[1:], strict=False))


def is_text_row(line: Line) -> bool:
    """Return True for a visual line split into cells at wide gaps (text outside ruled grids)."""
    return len(line.boxes) == len(line.cells) >= 1 and not is_grid_line(line) and None not in line.boxes


def joined(cell: str) -> str:
    """Return a cell's text with its wrapped lines joined (nothing between them)."""
    return "".join(piece.strip() for piece in cell.split("\n"))


def flat_text(line: Line) -> str:
    """Return a line's text with wrapped cell text joined (no line breaks) and cells space-separated."""
    return " ".join(joined(c) for c in line.cells if c.strip())


def span_text(cells: Sequence[str]) -> str:
    """Join the cells one merged cell was split into: the n-th printed line of each piece, left to
    right, makes the n-th line (a wrapped cell's last line is the short one, so a piece with fewer
    lines lacks the last ones)."""
    pieces = [[part.strip() for part in cell.split("\n")] for cell in cells if cell.strip()]
    if len(pieces) <= 1:
        return "\n".join(pieces[0]) if pieces else ""
    depth = max(len(piece) for piece in pieces)
    return "\n".join("".join(piece[k] for piece in pieces if k < len(piece)) for k in range(depth))


def aligned(line: Line, header: Line) -> Line:
    """Return a row of another grid than its header row's (a page the header was not printed on again,
    its columns merged differently) with each cell moved under the header cell its box's centre lies in;
    a cell without a box (merged down from a row above) stands as many columns left of the next boxed cell
    as it is printed. Any other line (no grid row, or where the boxes do not tell) is returned as it is."""
    edges = [(i, box[0], box[2]) for i, box in enumerate(header.boxes) if box is not None]
    if len(line.cells) == len(header.cells) or not is_grid_line(line) or not edges:
        return line
    centres = [None if box is None else (box[0] + box[2]) / 2 for box in line.boxes]
    places = [None if c is None else next((i for i, x0, x1 in edges if x0 <= c <= x1), None) for c in centres]
    if all(place is None for place in places):
        return line
    anchor: tuple[int, int] | None = None  # the nearest boxed cell to the right: (its index, its column)
    for index in range(len(places) - 1, -1, -1):
        place = places[index]
        if place is not None:
            anchor = (index, place)
        elif anchor is not None and line.boxes[index] is None:
            places[index] = max(anchor[1] - (anchor[0] - index), 0)
    cells = [""] * len(header.cells)
    for text, place in zip(line.cells, places, strict=True):
        if place is None:
            if text.strip():
                return line
            continue
        cells[place] = span_text([cells[place], text]) if cells[place].strip() else text
    return Line(line.number, line.page, tuple(cells), (None,) * len(cells))


def condense_header_line(line: Line) -> Line:
    """Return a grid row of the header block with each run of value cells between labels joined
    into the run's first cell (a row of plan amounts keeps its columns)."""
    cells = list(line.cells)
    run: list[int] = []
    for index in [*range(len(cells)), len(cells)]:
        if index < len(cells) and not is_header_label(cells[index]):
            run.append(index)
            continue
        texts = [cells[i] for i in run if cells[i].strip()]
        if len(texts) > 1 and not all(parse_amount(t) is not None for t in texts):
            joined = span_text([cells[i] for i in run])
            for i in run:
                cells[i] = ""
            cells[run[0]] = joined
        run = []
    return Line(line.number, line.page, tuple(cells), line.boxes)


def year_goals(lines: Sequence[Line]) -> tuple[Line, ...]:
    """Where the goals are printed under column headings (实施期总目标 | 年度总目标, or 年度目标 alone),
    keep the year's: the heading row and the rows under it become one line, the label then the text."""
    out: list[Line] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        headings = {i: normalize_text(c) for i, c in enumerate(line.cells) if GOALS_COLUMN.match(normalize_text(c))}
        year = next((i for i, text in headings.items() if text in YEAR_GOALS_COLUMNS), None)
        if not year:  # none, or the goals label itself (年度总体目标) in the first cell
            out.append(line)
            index += 1
            continue
        end = min((i for i in headings if i > year), default=len(line.cells))
        texts, index = [], index + 1
        while index < len(lines) and lines[index].cells[:1] == line.cells[:1]:
            texts.append(span_text(lines[index].cells[year:end]))
            index += 1
        out.append(Line(line.number, line.page, (line.cells[0], "\n".join(t for t in texts if t))))
    return tuple(out)
