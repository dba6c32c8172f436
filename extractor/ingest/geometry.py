"""Page geometry, pure: ruling lines → table grids, positioned words → rows of cells.

A ruled table is a connected set of horizontal and vertical rules. Its rows are the bands between
horizontal rules and its columns the gaps between the vertical rules that cross each band, so a
merged cell keeps the column of its left edge and wrapped text stays in its cell. Words outside
any grid become visual lines, split into cells where the gap between words is wide.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from extractor.record.numbers import is_amount, is_code

Box = tuple[float, float, float, float]

_SNAP = 2.0  # points: rules this close are the same rule; a rule this short is a dot


@dataclass(frozen=True)
class Word:
    """A positioned word (or printed cell) in display coordinates; ``page`` and ``line`` say where it
    was read once it belongs to a line of the document (0 while a page is still being laid out)."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    page: int = 0
    line: int = 0

    @property
    def cx(self) -> float:
        """Return the horizontal centre."""
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        """Return the vertical centre."""
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class Rule:
    """A horizontal (y fixed) or vertical (x fixed) ruling segment."""

    horizontal: bool
    at: float
    start: float
    end: float


@dataclass(frozen=True)
class Grid:
    """A ruled table: its row edges (y) and column edges (x), and the rules that draw it."""

    ys: tuple[float, ...]
    xs: tuple[float, ...]
    verticals: tuple[Rule, ...]
    horizontals: tuple[Rule, ...] = ()

    @property
    def box(self) -> Box:
        """Return the grid's bounding box."""
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])


@dataclass(frozen=True)
class Row:
    """A printed row: cell texts and boxes, aligned to columns when it comes from a grid."""

    y0: float
    cells: tuple[str, ...]
    boxes: tuple[Box | None, ...]
    #: Per grid cell, how far its text starts from the cell's left rule, in character heights (None: blank).
    indents: tuple[float | None, ...] = ()


def rules_from_rects(rects: list[Box]) -> list[Rule]:
    """Return the ruling segments drawn as thin rectangles (or as the edges of outlined boxes)."""
    rules = []
    for x0, y0, x1, y1 in rects:
        width, height = x1 - x0, y1 - y0
        if height <= _SNAP and width > _SNAP:
            rules.append(Rule(True, (y0 + y1) / 2, x0, x1))
        elif width <= _SNAP and height > _SNAP:
            rules.append(Rule(False, (x0 + x1) / 2, y0, y1))
    return rules


def join_collinear(rules: list[Rule]) -> list[Rule]:
    """Join rules drawn end to end on one line (a row rule drawn cell by cell) into one rule, so that a
    piece with no cross rule of its own still connects the grid on either side of it."""
    lines: list[list[Rule]] = []
    for rule in sorted(rules, key=lambda r: (r.horizontal, r.at)):
        if lines and lines[-1][0].horizontal == rule.horizontal and rule.at - lines[-1][-1].at <= _SNAP:
            lines[-1].append(rule)
        else:
            lines.append([rule])
    out: list[Rule] = []
    for line in lines:
        joined: list[Rule] = []
        for rule in sorted(line, key=lambda r: r.start):
            last = joined[-1] if joined else None
            if last is not None and rule.start <= last.end + _SNAP:
                joined[-1] = Rule(last.horizontal, last.at, last.start, max(last.end, rule.end))
            else:
                joined.append(rule)
        out.extend(joined)
    return out


def find_grids(rules: list[Rule]) -> list[Grid]:
    """Return the ruled tables: connected groups of at least two horizontal and two vertical rules."""
    parent = list(range(len(rules)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(rules):
        for j in range(i + 1, len(rules)):
            if _touch(a, rules[j]):
                parent[root(i)] = root(j)
    groups: dict[int, list[Rule]] = {}
    for i, rule in enumerate(rules):
        groups.setdefault(root(i), []).append(rule)
    return [g for g in (_grid(members) for members in groups.values()) if g is not None]


def _touch(a: Rule, b: Rule) -> bool:
    if a.horizontal == b.horizontal:
        return False
    h, v = (a, b) if a.horizontal else (b, a)
    return h.start - _SNAP <= v.at <= h.end + _SNAP and v.start - _SNAP <= h.at <= v.end + _SNAP


def _grid(members: list[Rule]) -> Grid | None:
    ys = cluster([r.at for r in members if r.horizontal])
    xs = cluster([r.at for r in members if not r.horizontal])
    if len(ys) < 2 or len(xs) < 2 or (len(ys) == 2 and len(xs) == 2):
        return None  # no rules, or a bare frame around text (a box is no table)
    return Grid(tuple(ys), tuple(xs), tuple(r for r in members if not r.horizontal),
                tuple(r for r in members if r.horizontal))


def cluster(values: list[float], tolerance: float = _SNAP) -> list[float]:
    """Return sorted representative values, merging those within the tolerance."""
    out: list[float] = []
    for value in sorted(values):
        if out and value - out[-1] <= tolerance:
            continue
        out.append(value)
    return out


def inside(word: Word, box: Box) -> bool:
    """Return True when the word's centre lies in the box."""
    return box[0] <= word.cx <= box[2] and box[1] <= word.cy <= box[3]


def grid_rows(grid: Grid, words: list[Word]) -> list[Row]:
    """Return the grid's non-empty rows with one cell per column (merged cells left-aligned)."""
    ordered = sorted((w for w in words if grid.xs[0] <= w.cx <= grid.xs[-1]), key=lambda w: w.cy)
    centres = [w.cy for w in ordered]
    bands: list[Row | None] = []
    for top, bottom in zip(grid.ys, grid.ys[1:]):
        band = ordered[bisect_left(centres, top):bisect_right(centres, bottom)]
        bands.append(_band_row(grid, top, bottom, band) if band else None)
    return [row for row in _spread_merged(grid, bands) if row is not None]


def _spread_merged(grid: Grid, bands: list[Row | None]) -> list[Row | None]:
    """A cell merged down several rows (no rule between them in its column) prints its text once,
    in the middle; give that text to every row it covers, as the contract repeats level names."""
    cells = [list(b.cells) if b else [""] * (len(grid.xs) - 1) for b in bands]
    for column in range(len(grid.xs) - 1):
        centre = (grid.xs[column] + grid.xs[column + 1]) / 2
        open_below = [not _ruled(grid, y, centre) for y in grid.ys[1:-1]]
        _join_wrapped(cells, column, open_below)
        for order in (range(1, len(cells)), range(len(cells) - 2, -1, -1)):
            for k in order:
                source = k - 1 if order.step == 1 else k + 1
                if open_below[min(k, source)] and not cells[k][column] and cells[source][column]:
                    cells[k][column] = cells[source][column]
    return [Row(b.y0, tuple(c), b.boxes, b.indents) if b else None for b, c in zip(bands, cells)]


def _join_wrapped(cells: list[list[str]], column: int, open_below: list[bool]) -> None:
    """Text of one merged cell that the row rules of other columns cut in two ("资金支出计" | "划")
    is joined back, so every row the cell covers reads the whole text."""
    k = 0
    while k < len(cells) - 1:
        end = k
        while end < len(cells) - 1 and open_below[end]:
            end += 1
        parts = [cells[i][column] for i in range(k, end + 1) if cells[i][column]]
        if len(parts) > 1:
            for i in range(k, end + 1):
                cells[i][column] = "".join(parts)
        k = end + 1


def _ruled(grid: Grid, y: float, x: float) -> bool:
    return any(abs(h.at - y) <= _SNAP and h.start - _SNAP <= x <= h.end + _SNAP for h in grid.horizontals)


def _band_row(grid: Grid, top: float, bottom: float, band: list[Word]) -> Row:
    crossing = cluster([v.at for v in grid.verticals if v.start <= top + _SNAP and v.end >= bottom - _SNAP])
    edges = sorted({grid.xs[0], grid.xs[-1], *crossing})
    band = [part for w in band for part in split_at(w, crossing)]
    cells = [""] * (len(grid.xs) - 1)
    boxes: list[Box | None] = [None] * (len(grid.xs) - 1)
    indents: list[float | None] = [None] * (len(grid.xs) - 1)
    for left, right in zip(edges, edges[1:]):
        inner = [w for w in band if left <= w.cx < right or w.cx == right == edges[-1]]
        if not inner:
            continue
        for cell_left, cell_right in _split_unmerged(grid.xs, left, right, inner):
            words = [w for w in inner if cell_left <= w.cx < cell_right or w.cx == right == cell_right]
            if words:
                column = _column_of(grid.xs, cell_left)
                cells[column] = cell_text(words)
                boxes[column] = (cell_left, top, cell_right, bottom)
                indents[column] = text_indent(words, cell_left)
    return Row(top, tuple(cells), tuple(boxes), tuple(indents))


def text_indent(words: list[Word], left: float) -> float:
    """How far a cell's first line starts from the cell's left edge, in character heights (an indented item)."""
    first = visual_lines(words)[0][0]
    return round((first.x0 - left) / max(first.y1 - first.y0, 1.0), 2)


def _char_weight(ch: str) -> float:
    return 1.0 if ord(ch) >= 0x2E80 else 0.55


def split_at(word: Word, edges: list[float]) -> list[Word]:
    """Split a word that runs across a cell rule (text the PDF wrote without a gap) at the rule,
    estimating character positions from their widths (CJK full, Latin and digits about half)."""
    inner = [x for x in edges if word.x0 + 1 < x < word.x1 - 1]
    if not inner or len(word.text) < 2:
        return [word]
    weights = [_char_weight(ch) for ch in word.text]
    scale = (word.x1 - word.x0) / sum(weights)
    parts, start, x = [], 0, word.x0
    for edge in inner:
        end, pos = start, x
        while end < len(word.text) and pos + weights[end] * scale / 2 < edge:
            pos += weights[end] * scale
            end += 1
        if end > start:
            parts.append(Word(x, word.y0, pos, word.y1, word.text[start:end]))
        start, x = end, pos
    parts.append(Word(x, word.y0, word.x1, word.y1, word.text[start:]))
    return [p for p in parts if p.text]


def _split_unmerged(xs: tuple[float, ...], left: float, right: float, words: list[Word]) -> list[tuple[float, float]]:
    """A cell spanning several columns whose words sit in different columns (a rule the PDF left
    out) is split back into those columns; a merged cell's text, in one place, stays merged."""
    interior = [x for x in xs if left + _SNAP < x < right - _SNAP]
    bounds = [left, *interior, right]
    spans = list(zip(bounds, bounds[1:]))
    for line in visual_lines(words):  # side by side in one printed line, apart: separate cells
        columns = [next(i for i, (_, b) in enumerate(spans) if w.cx < b or b == right) for w in line]
        for (a, ca), (b, cb) in zip(zip(line, columns), zip(line[1:], columns[1:])):
            if ca != cb and b.x0 - a.x1 > 0.8 * (a.y1 - a.y0):
                return spans
    return [(left, right)]  # a merged cell: its words sit a space apart or wrap over lines


def _column_of(xs: tuple[float, ...], left: float) -> int:
    return min(range(len(xs) - 1), key=lambda i: abs(xs[i] - left))


def cell_text(words: list[Word]) -> str:
    """Return the words of one cell in reading order, visual lines joined by newlines."""
    lines = visual_lines(words)
    return "\n".join(" ".join(w.text for w in line) for line in lines)


def visual_lines(words: list[Word]) -> list[list[Word]]:
    """Group words into lines by vertical overlap, each sorted left to right, lines top to bottom."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.cy, w.x0)):
        if lines and abs(word.cy - _mean_cy(lines[-1])) <= 0.45 * (word.y1 - word.y0):
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _mean_cy(line: list[Word]) -> float:
    return sum(w.cy for w in line) / len(line)


def text_rows(words: list[Word]) -> list[Row]:
    """Return visual lines as rows, split into cells where the gap exceeds about a character."""
    rows = []
    for line in visual_lines(words):
        groups: list[list[Word]] = [[line[0]]]
        for prev, word in zip(line, line[1:]):
            # about a character of the smaller of the two: OCR boxes of digits are shorter than of hanzi
            height = max(min(word.y1 - word.y0, prev.y1 - prev.y0), 1.0)
            leading_code = len(groups) == 1 and len(groups[0]) == 1 and is_code(prev.text)
            # an amount ends its cell: a word printed apart after it is the next cell's
            label_after_amount = is_amount(prev.text) and word.text[:1] >= "\u2e80"
            if word.x0 - prev.x1 > (0.3 if leading_code else 0.6 if label_after_amount else 1.2) * height:
                groups.append([word])
            else:
                groups[-1].append(word)
        cells = tuple(" ".join(w.text for w in g) for g in groups)
        boxes = tuple((g[0].x0, min(w.y0 for w in g), g[-1].x1, max(w.y1 for w in g)) for g in groups)
        rows.append(Row(min(w.y0 for w in line), cells, boxes))
    return rows


def layout_rows(words: list[Word], rects: list[Box]) -> list[Row]:
    """Return a page's rows top to bottom: ruled tables cell by cell, other text by visual line."""
    grids = find_grids(join_collinear(rules_from_rects(rects)))
    rows: list[Row] = []
    for grid in grids:
        rows.extend(grid_rows(grid, words))
    rows.extend(text_rows([w for w in words if not any(inside(w, g.box) for g in grids)]))
    return sorted(rows, key=lambda r: r.y0)
