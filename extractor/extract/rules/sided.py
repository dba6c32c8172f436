"""Two-sided summaries (收支总表, 财政拨款收支总表): income items left, expenditure items right."""

from __future__ import annotations

import re
from dataclasses import replace

from extractor.extract.rules.columns import COLUMNS, value_keys
from extractor.extract.rules.grid_body import GridBody
from extractor.extract.rules.grid_tables import provenance
from extractor.extract.rules.placement import place_rows
from extractor.extract.rules.row_text import Segment, segments, tokens_of
from extractor.extract.rules.table_body import RawRow, TableBody
from extractor.extract.rules.vocabulary import table_vocabulary
from extractor.ingest.text import Line
from extractor.record.numbers import parse_amount

_EXPENDITURE_WORDS = ("支出", "预备费", "人行科目", "年终结转", "年末", "结转下年")
_TOTAL_WORDS = ("合计", "总计")

Item = tuple[str, Segment, RawRow]


def is_expenditure_item(name: str) -> bool:
    """Return True when an item name belongs on the expenditure side."""
    return any(word in name for word in _EXPENDITURE_WORDS)


def sided_rows(kind: str, body: TableBody, header: str, delimited: bool) -> list[dict]:
    """Return the rows of a two-sided summary with their side, income sub-rows prefixed."""
    exp_keys: tuple[str, ...] = ("amount",)
    if kind == "fiscal_allocation_summary":
        exp_keys = value_keys(kind, header, max(body.column_count - 3, 0))
    items: list[Item] = []
    for row in body.rows:
        found = _delimited_items(row) if delimited else _plain_items(row)
        items.extend((side, seg, row) for side, seg in found)
    names = _prefixed_names(items)
    return [_sided_row(kind, side, name, seg, exp_keys, row)
            for (side, seg, row), name in zip(items, names)]


def _delimited_items(row: RawRow) -> list[tuple[str, Segment]]:
    cells = list(row.cells) + ["", "", ""]
    income = Segment(cells[0], _amounts(cells[1:2]))
    expenditure = Segment(cells[2], _amounts(cells[3:]))
    return [(side, seg) for side, seg in (("income", income), ("expenditure", expenditure)) if seg.name]


def _amounts(cells: list[str]) -> tuple[float, ...]:
    """Return the cells' amounts with blanks as NaN so positions survive."""
    return tuple(a if (a := parse_amount(c)) is not None else float("nan") for c in cells)


def _plain_items(row: RawRow) -> list[tuple[str, Segment]]:
    segs = [s for s in segments(tokens_of(row.text)) if s.name]
    if len(segs) >= 2:
        right = Segment("".join(s.raw for s in segs[1:]), tuple(n for s in segs[1:] for n in s.numbers))
        return [("income", segs[0]), ("expenditure", right)]
    if len(segs) == 1:
        return [("expenditure" if is_expenditure_item(segs[0].name) else "income", segs[0])]
    return []


def _sided_row(kind: str, side: str, name: str, seg: Segment, exp_keys: tuple[str, ...],
               row: RawRow) -> dict:
    numbers = list(seg.numbers)
    if side == "income" or kind == "income_expenditure_summary":
        first = next((n for n in numbers if n == n), None)
        values = {"amount": first} if first is not None else {}
    elif all(n == n for n in numbers):
        values = place_rows(kind, exp_keys, [(None, numbers)])[0]
    else:
        values = {k: n for k, n in zip(exp_keys, numbers) if n == n}
    return {"side": side, "name": name, "values": values, "provenance": row.provenance()}


#: Plain grouping headings per side: the items under them are written bare (contract: two-sided summaries).
GROUPING_HEADINGS: dict[str, tuple[str, ...]] = {
    side: tuple(names) for side, names in table_vocabulary()["summary_grouping_headings"].items()}
_LEVELS = (  # enumerator patterns, outermost first: 一、 > (一) > 1、/1. > (1) > 其中
    re.compile(r"^[一二三四五六七八九十]+[、.]"), re.compile(r"^\([一二三四五六七八九十]+\)"),
    re.compile(r"^\d{1,2}\s*[、.．](?!\d)"), re.compile(r"^\(\d{1,2}\)"), re.compile(r"^其中"),
)
_UNNUMBERED = 0  # an unnumbered heading after the total: everything below it is its sub-item
_PLAIN = 2.5  # an unnumbered item before the total: 1./(1) items sit under it, 一、/(一) items do not


def enumerator_level(raw: str) -> int | None:
    """Return 1 for 一、, 2 for (一), 3 for 1./1、, 4 for (1), 5 for 其中; None when unnumbered."""
    text = raw.strip()
    return next((level for level, pattern in enumerate(_LEVELS, start=1) if pattern.match(text)), None)


def _prefixed_names(items: list[Item], lanes: list[object] | None = None,
                    indents: list[float | None] | None = None) -> list[str]:
    """Name each item; a sub-item takes its immediate parent's name as a prefix ("parent/item").

    Parents are told by the enumerators (一、 > (一) > 1. > (1) > 其中), per side (per printed column
    where a side prints several). An unnumbered heading after 本年收入合计 (年初财政拨款结转和结余) is the
    parent of what follows; an unnumbered item between 一、 and 二、 is a sub-item of the 一、 item. A plain
    grouping heading (本年收入 …) gives no prefix. Where a grid prints the items of a side indented by level
    (一、类 / 款 one step in / 项 two steps in: ``indents``), an unnumbered item set deeper than an item above
    it is that item's sub-item.
    """
    lanes = lanes or [side for side, _, _ in items]
    indents = indents or [None] * len(items)
    stacks: dict[object, list[tuple[float, str, float | None]]] = {}
    after_total: dict[object, bool] = {}
    later = {lane: _numbered_later([seg for (_, seg, _), ln in zip(items, lanes) if ln == lane])
             for lane in set(lanes)}
    stepped = _stepped_lanes(items, lanes, indents)
    seen: dict[object, int] = {}
    names: list[str] = []
    for (side, seg, _), lane, indent in zip(items, lanes, indents):
        at = seen[lane] = seen.get(lane, -1) + 1
        stack = stacks.setdefault(lane, [])
        name, level = seg.name, enumerator_level(seg.raw)
        if any(w in name for w in _TOTAL_WORDS):
            stack.clear()
            after_total[lane] = True
        elif (level is None and lane in stepped and indent is not None and not after_total.get(lane)
              and (parent := _indent_parent(stack, indent)) is not None):
            stack.append((parent[0] + _STEP, name, indent))
            name = _child(side, parent[1], name)
        elif level is None and not after_total.get(lane) and stack and stack[-1][0] == 1 and later[lane][at]:
            name = _child(side, stack[-1][1], name)
        elif level is None:
            stack[:] = [(_UNNUMBERED if after_total.get(lane) else _PLAIN, name, indent)]
        else:
            while stack and stack[-1][0] >= level:
                stack.pop()
            parent_name = stack[-1][1] if stack else None
            stack.append((level, name, indent))
            if parent_name:
                name = _child(side, parent_name, name)
        names.append(name)
    return names


_STEP = 0.01  # the level of an item placed by indentation: just below its parent's
#: Indentation steps told apart (in character heights), and the deepest indent read as a level, not centring.
_INDENT_STEP, _MAX_INDENT = 0.5, 4.0


def _indent_parent(stack: list[tuple[float, str, float | None]], indent: float,
                   ) -> tuple[float, str, float | None] | None:
    """Pop the items set as deep as ``indent`` or deeper; return the nearest one set shallower, if any."""
    while stack and stack[-1][2] is not None and stack[-1][2] > indent - _INDENT_STEP:
        stack.pop()
    if stack and stack[-1][2] is not None:
        return stack[-1]
    return None


def _stepped_lanes(items: list[Item], lanes: list[object], indents: list[float | None]) -> set[object]:
    """The lanes whose items before the total are set at two or more indentation steps, all within a few
    characters of the cell's left rule (a level-indented list, not names centred in their cells)."""
    found: dict[object, list[float]] = {}
    closed: set[object] = set()
    for (_, seg, _), lane, indent in zip(items, lanes, indents):
        if any(w in seg.name for w in _TOTAL_WORDS):
            closed.add(lane)
        elif lane not in closed and indent is not None:
            found.setdefault(lane, []).append(indent)
    return {lane for lane, values in found.items()
            if max(values) <= _MAX_INDENT and max(values) - min(values) >= _INDENT_STEP}


def _child(side: str, parent: str, name: str) -> str:
    return name if parent in GROUPING_HEADINGS.get(side, ()) else f"{parent}/{name}"


def _numbered_later(segs: list[Segment]) -> list[bool]:
    """For each item, whether a first-level numbered item (二、) follows it before the side's total."""
    out, ahead = [False] * len(segs), False
    for i in range(len(segs) - 1, -1, -1):
        if any(w in segs[i].name for w in _TOTAL_WORDS):
            ahead = False
        out[i] = ahead
        ahead = ahead or segs[i].enumerated
    return out


def grid_sided_rows(kind: str, body: GridBody) -> list[dict]:
    """Return the rows of a two-sided summary printed as a grid (columns known from the header)."""
    headers = body.column_headers()
    split = next((i for i, h in enumerate(headers) if i and "支出" in h), None) or _second_name_column(body)
    while split > 1 and not _texty(body, split) and _texty(body, split - 1):
        split -= 1  # the 支出 heading sat over an amount column: the side starts at its item names
    keys = _expenditure_keys(kind, headers, split)
    items: list[Item] = []
    values: list[dict] = []
    lanes: list[object] = []
    indents: list[float | None] = []
    columns: list[int] = []
    figures = {i for i in range(body.width) if not _texty(body, i)}
    for line in joined_across_pages(body.rows):
        for column, seg, amounts in _grid_items(_name_overflow(line, figures)):
            side = "income" if column < split else "expenditure"
            items.append((side, seg, RawRow(None, list(line.cells), [line])))
            values.append(_side_values(kind, side, amounts, keys))
            lanes.append((side, column))
            columns.append(column)
            indents.append(line.indents[column] if column < len(line.indents) else None)
    names = _prefixed_names(items, lanes, indents)
    stepped = _stepped_lanes(items, lanes, indents)
    rows: list[dict] = []
    for (side, seg, row), name, vals, lane, column, indent in zip(items, names, values, lanes, columns, indents):
        if name:
            where = provenance(row.lines[0])
            if lane in stepped and indent is not None:
                where["indent"] = indent  # for a continuation on the next page (merge)
            where["lane"], where["level"] = column, enumerator_level(seg.raw)  # likewise (merge)
            rows.append({"side": side, "name": name, "values": vals, "provenance": where})
    return rows


_OVERFLOW = 3  # characters at most of a name printed past its cell's right rule


def _name_overflow(line: Line, figures: set[int]) -> Line:
    """A name printed past its cell's right rule into the amount column ("(3)对个人和家庭的补" | "助 4.82",
    "3、机关资本性支出(一" | ") 104.31"): the few characters an amount column prints before its figure (or
    alone) end the name on their left."""
    cells = list(line.cells)
    for i in sorted(figures):
        text = cells[i].strip() if 0 < i < len(cells) else ""
        if not text or parse_amount(text) is not None or not cells[i - 1].strip() \
                or parse_amount(cells[i - 1]) is not None:
            continue
        head, _, tail = text.rpartition(" ")
        words, figure = (head, tail) if head and parse_amount(tail) is not None else (text, "")
        if len(words.replace(" ", "")) <= _OVERFLOW:
            cells[i - 1], cells[i] = cells[i - 1] + words.replace(" ", ""), figure
    return line if tuple(cells) == line.cells else replace(line, cells=tuple(cells))


def continue_indented(before: list[dict], rows: list[dict]) -> None:
    """A summary continued on a new page under its repeated title: the first items of a level-indented side
    (款/项 whose 类 printed on the page before) take their parent from the rows before the break."""
    for side in ("income", "expenditure"):
        stack: list[tuple[float, str]] = []
        for row in (r for r in before if r.get("side") == side):
            indent = row.get("provenance", {}).get("indent")
            if any(w in row["name"] for w in _TOTAL_WORDS):
                stack = []
            elif indent is not None:
                _pop_deeper(stack, indent)
                stack.append((indent, row["name"].split("/")[-1]))
        for row in (r for r in rows if r.get("side") == side):
            indent = row.get("provenance", {}).get("indent")
            if indent is None or any(w in row["name"] for w in _TOTAL_WORDS):
                break
            _pop_deeper(stack, indent)
            if not stack:
                break  # a first-level item: the rows from here were named on their own page
            if "/" not in row["name"]:
                row["name"] = _child(side, stack[-1][1], row["name"])
            stack.append((indent, row["name"].split("/")[-1]))


def continue_numbered(before: list[dict], rows: list[dict]) -> None:
    """A summary continued on a new page under its repeated title: the first items of a printed column whose
    parent printed on the page before ((6)资本性支出 under 2、专项业务经费支出) take it from the rows before the
    break, by the enumerator levels of each column (provenance lane/level of grid summaries)."""
    stacks: dict[tuple[str, int], list[tuple[int, str]]] = {}
    for row in before:
        lane, level = _lane_level(row)
        if lane is None:
            continue
        stack = stacks.setdefault(lane, [])
        if any(w in row["name"] for w in _TOTAL_WORDS):
            stack.clear()
        elif level is not None:
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, row["name"].split("/")[-1]))
    done: set[tuple[str, int]] = set()
    for row in rows:
        lane, level = _lane_level(row)
        if lane is None or lane in done:
            continue
        stack = stacks.get(lane, [])
        if level is None or any(w in row["name"] for w in _TOTAL_WORDS):
            done.add(lane)
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        if not stack:
            done.add(lane)  # a first-level item: the rows from here were named on their own page
            continue
        if "/" not in row["name"]:
            row["name"] = _child(lane[0], stack[-1][1], row["name"])
        stack.append((level, row["name"].split("/")[-1]))


def _lane_level(row: dict) -> tuple[tuple[str, int] | None, int | None]:
    where = row.get("provenance", {})
    lane = where.get("lane")
    return ((row.get("side") or "", lane) if lane is not None else None), where.get("level")


def _pop_deeper(stack: list[tuple[float, str]], indent: float) -> None:
    while stack and stack[-1][0] > indent - _INDENT_STEP:
        stack.pop()


def joined_across_pages(rows: tuple[Line, ...]) -> list[Line]:
    """Item names broken by a page break ("当年收入" | next page "小计", "八、社会保障和就" | "业支出"): the first
    row of a page that prints no amount, its words only in columns where the last row of the page before
    prints a name, continues those names."""
    out: list[Line] = []
    for at, line in enumerate(rows):
        before = out[-1] if out else None
        if before is not None and at and line.page != rows[at - 1].page and _continues(before, line):
            cells = [a + b if b.strip() else a for a, b in zip(before.cells, line.cells)]
            out[-1] = replace(before, cells=(*cells, *before.cells[len(cells):]))
        else:
            out.append(line)
    return out


_BROKEN_TAIL = 5  # characters at most of a name's tail carried over a page break (a heading is no tail)


def _continues(before: Line, line: Line) -> bool:
    filled = [i for i, c in enumerate(line.cells) if c.strip()]
    return bool(filled) and all(
        parse_amount(line.cells[i]) is None and len(line.cells[i].strip()) <= _BROKEN_TAIL
        and enumerator_level(line.cells[i]) is None and i < len(before.cells) and before.cells[i].strip()
        and parse_amount(before.cells[i]) is None for i in filled)


def _second_name_column(body: GridBody) -> int:
    """Without a 支出 header, the expenditure side starts at the first text column after an amount column."""
    seen_amount = False
    for i in range(1, body.width):
        if _texty(body, i) and seen_amount:
            return i
        seen_amount = seen_amount or not _texty(body, i)
    return max(body.width // 2, 1)


def _texty(body: GridBody, column: int) -> bool:
    """Return True when most filled cells of the column are words, not amounts."""
    cells = [ln.cells[column] for ln in body.rows if column < len(ln.cells) and ln.cells[column].strip()]
    return bool(cells) and sum(parse_amount(c) is None for c in cells) > len(cells) / 2


def _expenditure_keys(kind: str, headers: list[str], split: int) -> dict[int, str]:
    if kind != "fiscal_allocation_summary":
        return {}
    spec = COLUMNS[kind]
    out: dict[int, str] = {}
    for i, text in enumerate(headers[split:], start=split):
        key = next((k for k, words in spec if any(w in text for w in words)), None)
        if key and key not in out.values():
            out[i] = key
    return out


def _grid_items(line) -> list[tuple[int, Segment, list[tuple[int, float]]]]:  # noqa: ANN001
    """Each text cell opens an item; the amount cells after it, up to the next text cell, are its values."""
    found: list[tuple[int, Segment, list[tuple[int, float]]]] = []
    for i, cell in enumerate(line.cells):
        if not cell.strip():
            continue
        amount = parse_amount(cell)
        if amount is None:
            found.append((i, Segment(cell.replace("\n", ""), ()), []))
        elif found:
            found[-1][2].append((i, amount))
    return found


def _side_values(kind: str, side: str, amounts: list[tuple[int, float]], keys: dict[int, str]) -> dict:
    if not amounts:
        return {}
    if side == "income" or kind == "income_expenditure_summary":
        return {"amount": amounts[0][1]}
    if keys and all(i in keys for i, _ in amounts):
        return {keys[i]: a for i, a in amounts}
    order = ("total", "general_budget", "government_fund", "state_capital")
    return dict(zip(order, (a for _, a in amounts)))
