"""Two-sided summaries (收支总表, 财政拨款收支总表): income items left, expenditure items right."""

from __future__ import annotations

from extractor.extract.rules.columns import value_keys
from extractor.extract.rules.numbers import parse_amount
from extractor.extract.rules.placement import place_rows
from extractor.extract.rules.row_text import Segment, segments, tokens_of
from extractor.extract.rules.table_body import RawRow, TableBody

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
    lines = [line.number for line in row.lines]
    return {"side": side, "name": name, "values": values,
            "provenance": {"method": "rules", "lines": [min(lines), max(lines)], "page": row.lines[0].page}}


def _prefixed_names(items: list[Item]) -> list[str]:
    """Name each item; enumerated income items under a heading item after 本年收入合计 get "heading/"."""
    names, heading, after_total = [], None, False
    for side, seg, _ in items:
        name = seg.name
        if side == "income":
            if any(w in name for w in _TOTAL_WORDS):
                heading, after_total = None, True
            elif seg.enumerated and heading:
                name = f"{heading}/{name}"
            elif not seg.enumerated:
                heading = name if after_total else None
        names.append(name)
    return names
