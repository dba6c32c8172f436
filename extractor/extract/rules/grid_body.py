"""Tables whose rows keep their columns (ruled PDF grids, Word tables): header, rows, column roles.

Column meaning comes from the header text printed above each column (合计, 基本支出, 类/款/项,
科目名称 …), not from a fixed position, so tables of any province's layout map to the same keys.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from extractor.extract.rules.columns import COLUMNS, HEADED_COLUMNS
from extractor.extract.rules.table_body import column_numbers, is_page_header
from extractor.extract.rules.vocabulary import table_vocabulary
from extractor.extract.rules.vocabulary import words as vocabulary_words
from extractor.ingest.text import Line
from extractor.record.numbers import is_code, parse_amount

_GENERIC_AMOUNT = vocabulary_words("generic_amount_headers")
_CODE_HEADERS = frozenset({"类", "款", "项"})
#: A name column headed by the classification it lists (功能科目, 支出功能分类科目, 经济科目).
_NAMED_SUBJECT = re.compile(r"\S{0,6}(?:功能|经济)\S{0,4}科目")
_SUBTOTAL: str = table_vocabulary()["subtotal_word"]
_UNIT_CODE = re.compile(r"(?:单位|部门)(?:代码|编码|编号)")
#: A code/name pair whose name header says so is the second classification beside the row's own one.
_SECONDARY_CLASSIFICATION = vocabulary_words("secondary_classification")
#: A page number or footer printed under a table: "9", "- 9 -", "─13─", "第9页".
_PAGE_MARK = re.compile(r"^\s*(?:[-—─–]\s*)?(?:第\s*)?\d{1,3}\s*(?:页)?(?:\s*[-—─–])?\s*(?:/\s*\d{1,3})?\s*$")


def is_page_mark(text: str) -> bool:
    """Return True for a page number or footer printed on a line of its own ("9", "- 9 -", "第9页")."""
    return bool(_PAGE_MARK.match(text))


#: The number label a filing prints above a table's title ("公开表8", "部门公开表7", "表十一", "表2-1"): at the
#: foot of a region it belongs to the next table.
TABLE_NUMBER = re.compile(r"^[^\d表]{0,4}(?:表[一二三四五六七八九十\d]+(?:[-—]\d+)?|[一二三四五六七八九十\d]+表)$")


@dataclass(frozen=True)
class GridBody:
    """Header lines, data lines and notes of a grid table, with the column count of its rows."""

    header: tuple[Line, ...]
    rows: tuple[Line, ...]
    notes: tuple[str, ...]
    width: int

    def column_headers(self) -> list[str]:
        """Return each column's header text (header lines aligned to the rows, joined top-down; a 栏次 row
        numbering the columns is not header text)."""
        texts = [""] * self.width
        for line in self.header:
            if len(line.cells) == self.width and not column_numbers(line):
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
            and _compact(ln.text) not in seen and not column_numbers(ln) and not _PAGE_MARK.match(ln.text)
            and not TABLE_NUMBER.match(_compact(ln.text))]
    rows = _without_merged_header(rows, header)
    widths = Counter(len(ln.cells) for ln in rows if is_data_line(ln)) or Counter(len(ln.cells) for ln in rows)
    width = widths.most_common(1)[0][0] if widths else 0
    if width > 2:  # a one-cell line beside a grid is text outside it (a running page header), not a row
        rows = [ln for ln in rows if len(ln.cells) > 1]
        rows = widened(rows, width)
    return GridBody(tuple(header), tuple(rows), tuple(notes), width)


_EDGE_TOLERANCE = 3.0  # points: the same column rule drawn on another page


def widened(rows: list[Line], width: int) -> list[Line]:
    """A row drawn on a grid of fewer columns (a 合计 row alone on the table's last page, its cell merged across
    the code and name columns, so the page has no rules between them) is set on the table's columns: each cell
    goes to the column whose left and right rules its own box starts and ends on (a merged cell keeps its left
    column). A row whose cells do not all line up with the table's rules is left as it is."""
    edges = _column_edges([ln for ln in rows if len(ln.cells) == width], width)
    if edges is None:
        return rows
    return [_on_columns(ln, edges, width) if 1 < len(ln.cells) < width and ln.boxes else ln for ln in rows]


def _column_edges(lines: list[Line], width: int) -> list[tuple[float, float]] | None:
    found: list[tuple[float, float] | None] = [None] * width
    for line in lines:
        for i, box in enumerate(line.boxes[:width]):
            if box is not None and found[i] is None:
                found[i] = (box[0], box[2])
    return None if any(e is None for e in found) else [e for e in found if e is not None]


def _on_columns(line: Line, edges: list[tuple[float, float]], width: int) -> Line:
    cells: list[str] = [""] * width
    boxes: list[tuple[float, float, float, float] | None] = [None] * width
    for cell, box in zip(line.cells, line.boxes):
        if box is None:
            continue
        left = next((i for i, e in enumerate(edges) if abs(e[0] - box[0]) <= _EDGE_TOLERANCE), None)
        if left is None or not any(abs(e[1] - box[2]) <= _EDGE_TOLERANCE for e in edges[left:]) or cells[left]:
            return line
        cells[left], boxes[left] = cell, box
    return Line(line.number, line.page, tuple(cells), tuple(boxes), line.origin)


def _without_merged_header(rows: list[Line], header: list[Line]) -> list[Line]:
    """The first row without the text of header cells merged down beside it (部门经济科目编码 | 部门经济科目名称 |
    政府经济科目编码 printed over two rows, 合计 under 政府经济科目名称): those cells name columns, not the row."""
    if not rows:
        return rows
    above = {(i, _compact(c)) for ln in header for i, c in enumerate(ln.cells) if c.strip()}
    first = rows[0]
    cells = tuple("" if (i, text) in above and len(text) > 1 and text not in ("合计", "总计")
                  and parse_amount(text) is None else cell
                  for i, cell in enumerate(first.cells) for text in (_compact(cell),))
    return rows if cells == first.cells else [replace(first, cells=cells), *rows[1:]]


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
    first = next((i for i, ln in enumerate(lines) if is_data_line(ln)), len(lines))
    claimed = {i for ln in lines[:first] if not is_page_header(ln)
               for box in ln.boxes if box for i, span in enumerate(spans) if _overlap(box, span)}
    return tuple(_aligned(ln, spans, claimed) if ln.boxes and not is_page_header(ln) else ln for ln in lines)


def _column_spans(boxes: list) -> list[tuple[float, float]]:  # noqa: ANN001
    spans: list[list[float]] = []
    for x0, _, x1, _ in sorted(boxes, key=lambda b: b[0]):
        if spans and x0 <= spans[-1][1] + 2:
            spans[-1][1] = max(spans[-1][1], x1)
        else:
            spans.append([x0, x1])
    return [(a, b) for a, b in spans]


def _aligned(line: Line, spans: list[tuple[float, float]], header_claimed: set[int]) -> Line:
    """Place a line's cells in the columns; a header cell over no data column is dropped when its nearest
    column already has a header over it (on any header line: a wrapped 项目 / 支出 over a narrow column)."""
    cells = [""] * len(spans)
    boxes: list = [None] * len(spans)
    data = is_data_line(line)
    pairs = [(cell, box) for cell, box in zip(line.cells, line.boxes) if box is not None]
    claimed = header_claimed | {i for _, box in pairs for i, span in enumerate(spans) if _overlap(box, span)}
    placed: list[tuple[int, str, tuple]] = []
    for cell, box in pairs:
        column = max(range(len(spans)), key=lambda i: (_overlap(box, spans[i]), -_distance(box, spans[i])))
        if not data and not _overlap(box, spans[column]):
            flush = _flush_left_column(box, spans, [b for _, b in pairs])
            if flush is not None and flush not in claimed:
                column = flush  # a header set flush left in a wide column whose numbers are set right
            elif column in claimed or _gap(box, spans[column]) > 0.75 * (box[2] - box[0]):
                continue  # a header over a column that prints no data names nothing we read
        placed.append((column, cell, box))
    if not data:  # one header line names a column once: the cell nearest to it
        placed = [p for p in placed if p == min((q for q in placed if q[0] == p[0]),
                                                 key=lambda q: (-_overlap(q[2], spans[q[0]]), _gap(q[2], spans[q[0]])))]
    for column, cell, box in placed:
        cells[column] = f"{cells[column]}{cell}"
        boxes[column] = box
    return Line(line.number, line.page, tuple(cells), tuple(boxes))


def _flush_left_column(box, spans: list[tuple[float, float]], others: list) -> int | None:  # noqa: ANN001
    """The data column right of a header cell when no other cell of its line sits between them."""
    right = next((i for i, span in enumerate(spans) if span[0] >= box[2]), None)
    if right is None or any(box[2] <= b[0] < spans[right][0] for b in others if b is not box):
        return None
    return right if right == 0 or spans[right - 1][1] <= box[0] else None


def _gap(box, span: tuple[float, float]) -> float:  # noqa: ANN001
    return max(span[0] - box[2], box[0] - span[1], 0.0)


def _overlap(box, span: tuple[float, float]) -> float:  # noqa: ANN001
    return max(0.0, min(box[2], span[1]) - max(box[0], span[0]))


def _distance(box, span: tuple[float, float]) -> float:  # noqa: ANN001
    return abs((box[0] + box[2]) / 2 - (span[0] + span[1]) / 2)


_YEAR = re.compile(r"(20\d\d)年")
#: Header words of the columns that are not this year's budget: the previous year's half (上年, but not
#: 上年结转/上年结余, which are this year's income), the change, the previous year's outturn.
_OTHER_PERIOD = re.compile(table_vocabulary()["other_period"])


def current_year_columns(headers: list[str]) -> set[int]:
    """Return the columns holding this year's figures: not under an earlier year than the latest one
    the headers name (2025年预算数 beside 2026年预算数), nor under 上年/增减 words."""
    years = [int(y) for h in headers for y in _YEAR.findall(h)]
    latest = max(years, default=0)
    return {i for i, h in enumerate(headers)
            if not any(int(y) < latest for y in _YEAR.findall(h)) and not _OTHER_PERIOD.search(h)}


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
    spec = HEADED_COLUMNS.get(kind, ())
    current = current_year_columns(headers)
    for i, text in enumerate(headers):
        if not text or "序号" in text or text == "栏次" or i not in current:
            continue
        if _is_unit_code(text):
            continue  # a budget unit's code (单位编码 116001): the row is named by the unit, code null
        if text in _CODE_HEADERS or "编码" in text or "代码" in text:
            codes.append(i)
        elif key := _value_key(spec, text):
            if key not in values.values():  # a key names its leftmost column
                values[i] = key
        elif name is None and ("名称" in text or text in ("项目", "科目") or _NAMED_SUBJECT.fullmatch(text)):
            name = i
    codes, name = _first_classification(headers, codes, name)
    if not values or (name is None and not codes):
        return _roles_from_data(kind, body, codes, name, values)
    if not codes:  # a code column whose header does not say so (科目 over 编码 on another line)
        codes = [i for i in range(body.width) if i != name and i not in values and _mostly(body, i, is_code)]
    return Columns(tuple(codes), name, values)


def _is_unit_code(header: str) -> bool:
    """Return True for the code column of a table listed by budget unit (单位编码, 部门代码)."""
    return bool(_UNIT_CODE.search(header))


def _first_classification(headers: list[str], codes: list[int], name: int | None) -> tuple[list[int], int | None]:
    """Two classifications printed side by side (部门预算经济分类 类|款|名称, then 政府预算经济分类
    类|款|名称): the row is the department one's; the other's code and name columns are not read."""
    runs: list[list[int]] = []
    for i in codes:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    if len(runs) < 2:
        return codes, name
    primary = next((r for r in runs if not any(w in _name_after(headers, r) for w in _SECONDARY_CLASSIFICATION)),
                   runs[0])
    after = primary[-1] + 1
    if after < len(headers) and "名称" in headers[after]:
        name = after
    return primary, name


def _name_after(headers: list[str], run: list[int]) -> str:
    after = run[-1] + 1
    return headers[after] if after < len(headers) else ""


def _value_key(spec: tuple[tuple[str, tuple[str, ...]], ...], text: str) -> str | None:
    """Return the value key whose words name this header (the most specific, lowest line wins).

    A 小计 column under a merged heading is that heading's total ("财政拨款收入" over "小计").
    """
    if text.endswith(_SUBTOTAL) and (parent := _named_key(spec, text[: -len(_SUBTOTAL)])):
        return parent
    return _named_key(spec, text)


def _named_key(spec: tuple[tuple[str, tuple[str, ...]], ...], text: str) -> str | None:
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
