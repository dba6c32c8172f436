"""Tables whose rows keep their columns (ruled PDF grids, Word tables): header, rows, column roles.

Column meaning comes from the header text printed above each column (合计, 基本支出, 类/款/项,
科目名称 …), not from a fixed position, so tables of any province's layout map to the same keys.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from extractor.extract.rules.columns import COLUMNS
from extractor.extract.rules.table_body import column_numbers, is_page_header
from extractor.ingest.text import Line
from extractor.record.numbers import is_code, parse_amount

_GENERIC_AMOUNT = ("金额", "预算数", "总计", "预算额", "机关运行经费支出")
_CODE_HEADERS = frozenset({"类", "款", "项"})
#: A page number or footer printed under a table: "9", "- 9 -", "─13─", "第9页".
_PAGE_MARK = re.compile(r"^\s*(?:[-—─–]\s*)?(?:第\s*)?\d{1,3}\s*(?:页)?(?:\s*[-—─–])?\s*(?:/\s*\d{1,3})?\s*$")


@dataclass(frozen=True)
class GridBody:
    """Header lines, data lines and notes of a grid table, with the column count of its rows."""

    header: tuple[Line, ...]
    rows: tuple[Line, ...]
    notes: tuple[str, ...]
    width: int

    def column_headers(self) -> list[str]:
        """Return each column's header text (header lines aligned to the rows, joined top-down)."""
        texts = [""] * self.width
        for line in self.header:
            if len(line.cells) == self.width:
                for i, cell in enumerate(line.cells):
                    if not texts[i].endswith(_compact(cell)):  # a cell merged down repeats its text
                        texts[i] += _compact(cell)
        return texts


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def is_data_line(line: Line) -> bool:
    """Return True when a line prints an amount or a classification code in some cell."""
    for cell in line.cells:
        text = _compact(cell)
        if is_code(text) or (parse_amount(text) is not None and ("." in text or "," in text)):
            return True
    return False


def split_grid(lines: tuple[Line, ...]) -> GridBody:
    """Return the header (before the first data line), data rows and notes; repeated headers dropped."""
    if _unruled(lines):
        lines = align_by_position(lines)
    start = next((i for i, line in enumerate(lines) if is_data_line(line)), len(lines))
    header = [ln for ln in lines[:start] if not ln.text.startswith("注") and not is_page_header(ln)]
    seen = {_compact(ln.text) for ln in header}
    notes = [ln.text for ln in lines if ln.text.startswith("注")]
    rows = [ln for ln in lines[start:] if not ln.text.startswith("注") and not is_page_header(ln)
            and _compact(ln.text) not in seen and not column_numbers(ln) and not _PAGE_MARK.match(ln.text)]
    widths = Counter(len(ln.cells) for ln in rows)
    width = widths.most_common(1)[0][0] if widths else 0
    return GridBody(tuple(header), tuple(rows), tuple(notes), width)


def _unruled(lines: tuple[Line, ...]) -> bool:
    """Lines of a borderless table: positioned cells, none of them an empty grid cell."""
    positioned = [ln for ln in lines if ln.boxes]
    return bool(positioned) and all(all(b is not None for b in ln.boxes) for ln in positioned) and any(
        len(ln.cells) > 1 for ln in positioned)


def align_by_position(lines: tuple[Line, ...]) -> tuple[Line, ...]:
    """Give a borderless table one cell per column: columns are where the data rows print (their
    cell extents overlap down a column); every cell goes to the column it overlaps most."""
    spans = _column_spans([b for ln in lines if is_data_line(ln) for b in ln.boxes if b])
    if len(spans) < 2:
        return lines
    return tuple(_aligned(ln, spans) if ln.boxes and not is_page_header(ln) else ln for ln in lines)


def _column_spans(boxes: list) -> list[tuple[float, float]]:  # noqa: ANN001
    spans: list[list[float]] = []
    for x0, _, x1, _ in sorted(boxes, key=lambda b: b[0]):
        if spans and x0 <= spans[-1][1] + 2:
            spans[-1][1] = max(spans[-1][1], x1)
        else:
            spans.append([x0, x1])
    return [(a, b) for a, b in spans]


def _aligned(line: Line, spans: list[tuple[float, float]]) -> Line:
    cells = [""] * len(spans)
    boxes: list = [None] * len(spans)
    data = is_data_line(line)
    pairs = [(cell, box) for cell, box in zip(line.cells, line.boxes) if box is not None]
    claimed = {i for _, box in pairs for i, span in enumerate(spans) if _overlap(box, span)}
    for cell, box in pairs:
        column = max(range(len(spans)), key=lambda i: (_overlap(box, spans[i]), -_distance(box, spans[i])))
        if not data and not _overlap(box, spans[column]) and (
                column in claimed or _gap(box, spans[column]) > 0.75 * (box[2] - box[0])):
            continue  # a header over a column that prints no data names nothing we read
        cells[column] = f"{cells[column]}{cell}"
        boxes[column] = box
    return Line(line.number, line.page, tuple(cells), tuple(boxes))


def _gap(box, span: tuple[float, float]) -> float:  # noqa: ANN001
    return max(span[0] - box[2], box[0] - span[1], 0.0)


def _overlap(box, span: tuple[float, float]) -> float:  # noqa: ANN001
    return max(0.0, min(box[2], span[1]) - max(box[0], span[0]))


def _distance(box, span: tuple[float, float]) -> float:  # noqa: ANN001
    return abs((box[0] + box[2]) / 2 - (span[0] + span[1]) / 2)


@dataclass(frozen=True)
class Columns:
    """What each column holds: code parts, the name, value keys by column index, and skipped ones."""

    codes: tuple[int, ...]
    name: int | None
    values: dict[int, str]


def column_roles(kind: str, body: GridBody) -> Columns:
    """Return the roles of the columns from their header words, falling back to the data's shape."""
    headers = body.column_headers()
    codes: list[int] = []
    name: int | None = None
    values: dict[int, str] = {}
    spec = COLUMNS.get(kind, ())
    for i, text in enumerate(headers):
        if not text or "序号" in text or text == "栏次":
            continue
        if text in _CODE_HEADERS or "编码" in text or "代码" in text:
            codes.append(i)
        elif key := _value_key(spec, text):
            if key not in values.values():  # a key names its leftmost column
                values[i] = key
        elif name is None and ("名称" in text or text in ("项目", "科目")):
            name = i
    if not values or (name is None and not codes):
        return _roles_from_data(kind, body, codes, name, values)
    if not codes:  # a code column whose header does not say so (科目 over 编码 on another line)
        codes = [i for i in range(body.width) if i != name and i not in values and _mostly(body, i, is_code)]
    return Columns(tuple(codes), name, values)


def _value_key(spec: tuple[tuple[str, tuple[str, ...]], ...], text: str) -> str | None:
    """Return the value key whose words name this header (the most specific, lowest line wins)."""
    best: tuple[int, str] | None = None
    for key, words in spec:
        for word in words:
            at = text.rfind(word)
            if at >= 0 and (best is None or at > best[0]):
                best = (at, key)
    if best is None and spec and any(w in text for w in _GENERIC_AMOUNT):
        return spec[0][0]
    return best[1] if best else None


def _roles_from_data(kind: str, body: GridBody, codes: list[int], name: int | None,
                     values: dict[int, str]) -> Columns:
    """Columns whose header says nothing: code-like cells are codes, text is the name, numbers values."""
    numeric = [i for i in range(body.width) if _mostly(body, i, lambda t: parse_amount(t) is not None)]
    coded = codes or [i for i in range(body.width) if _mostly(body, i, is_code) and i not in numeric]
    texty = [i for i in range(body.width) if i not in numeric and i not in coded
             and _mostly(body, i, lambda t: bool(t))]
    label = name if name is not None else (texty[0] if texty else None)
    if not values:
        keys = [key for key, _ in COLUMNS.get(kind, ())]
        values = dict(zip([i for i in numeric if i != label], keys))
    return Columns(tuple(coded), label, values)


def _mostly(body: GridBody, column: int, test) -> bool:  # noqa: ANN001
    cells = [_compact(r.cells[column]) for r in body.rows if column < len(r.cells) and r.cells[column].strip()]
    return bool(cells) and sum(1 for c in cells if test(c)) >= 0.6 * len(cells)
