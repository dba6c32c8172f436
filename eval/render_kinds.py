"""Printed columns per table kind (Hebei names) and the record rows turned into body cells."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from eval.render_style import RenderStyle, chinese_numeral, format_value
from eval.render_table import Cell, Column, TableGrid

INCOME = "本年收入"

#: value columns each kind prints: (value key, header, group header)
VALUE_COLUMNS: dict[str, list[tuple[str, str, str | None]]] = {
    "income_summary": [
        ("total", "合计", None), ("current_subtotal", "小计", INCOME), ("fiscal_allocation", "财政拨款收入", INCOME),
        ("special_account", "财政专户收入", INCOME), ("business_income", "事业收入", INCOME),
        ("operating_income", "经营收入", INCOME), ("superior_subsidy", "上级补助收入", INCOME),
        ("subsidiary_remittance", "附属单位上缴收入", INCOME), ("other_income", "其他收入", INCOME),
        ("carryover", "上年结转", None),
    ],
    "expenditure_summary": [
        ("total", "合计", None), ("basic", "基本支出", None), ("project", "项目支出", None),
        ("operating", "经营支出", None), ("remit_superior", "上解上级支出", None),
        ("subsidiary_grant", "对附属单位补助支出", None),
    ],
    "general_budget_basic_expenditure": [("total", "合计", None), ("personnel", "人员经费", None),
                                         ("public", "公用经费", None)],
    "three_public_expenditure": [
        ("total", "合计", None), ("general_budget", "一般公共预算财政拨款", None),
        ("government_fund", "政府性基金预算拨款", None), ("state_capital", "国有资本经营预算财政拨款", None),
    ],
    "fixed_assets": [("quantity", "数量", None), ("value", "价值", None)],
    "procurement": [("quantity", "数量", None), ("unit_price", "单价", None), ("total", "金额", None)],
}
for _kind in ("general_budget_expenditure", "government_fund_expenditure", "state_capital_expenditure"):
    VALUE_COLUMNS[_kind] = [("total", "合计", None), ("basic", "基本支出", None), ("project", "项目支出", None)]

#: headers for value keys a kind does not print by default but a filing may carry (Jiangsu reserve)
EXTRA_HEADERS = {"reserve": "单位预留机动经费", "amount": "金额", "total": "合计"}

CODE_KINDS = {"income_summary", "expenditure_summary", "general_budget_expenditure", "government_fund_expenditure",
              "state_capital_expenditure", "general_budget_basic_expenditure"}
NAME_HEADERS = {"procurement": "采购物品名称"}

#: the two sides of the two-sided summaries: value columns (key, header)
SIDED_COLUMNS: dict[str, dict[str, list[tuple[str, str]]]] = {
    "income_expenditure_summary": {"income": [("amount", "金额")], "expenditure": [("amount", "金额")]},
    "fiscal_allocation_summary": {
        "income": [("amount", "金额")],
        "expenditure": [("total", "合计"), ("general_budget", "一般公共预算"), ("government_fund", "政府性基金"),
                        ("state_capital", "国有资本经营")],
    },
}
SIDE_HEADERS = {"income": "收入", "expenditure": "支出"}
_TAIL = re.compile(r"合计|小计|总计")
THREE_PUBLIC_SUBROWS = {"公务用车购置费", "公务用车运行维护费", "公务用车运维费"}


@dataclass(frozen=True)
class SideEntry:
    """One printed item on a side of a two-sided summary; row is None for a heading printed without values."""

    row: int | None
    name: str
    indent: float = 0.0


def table_grid(table: dict[str, Any], index: int, document: dict[str, Any], style: RenderStyle) -> TableGrid:
    """Given a record table, return the grid to draw: columns per kind and formatted body cells."""
    kind = table.get("kind", "other")
    unit = table.get("unit") or document.get("currency_unit") or "万元"
    agency = " ".join(str(p) for p in (document.get("agency_code"), document.get("agency_name")) if p)
    year = document.get("fiscal_year")
    unit_line = (agency, f"预算年度：{year}" if year else "", f"单位：{unit}")
    rows = table.get("rows") or []
    if kind in SIDED_COLUMNS:
        columns, body = _sided(kind, rows, index, style)
    else:
        columns, body = _line_items(kind, rows, index, style)
    return TableGrid(index, table.get("title") or kind, unit_line, tuple(columns), tuple(body), table.get("note"))


def _value_specs(kind: str, rows: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    specs = list(VALUE_COLUMNS.get(kind, []))
    known = {key for key, _, _ in specs}
    for row in rows:
        for key in row.get("values") or {}:
            if key not in known:
                specs.append((key, EXTRA_HEADERS.get(key, key), None))
                known.add(key)
    return specs or [("total", "合计", None)]


def _line_items(kind: str, rows: list[dict[str, Any]], index: int, style: RenderStyle):
    specs = _value_specs(kind, rows)
    columns: list[Column] = []
    if kind in CODE_KINDS:
        group = "经济分类科目" if kind == "general_budget_basic_expenditure" else "功能分类科目"
        columns += [Column("科目编码", "code", group), Column("科目名称", "name", group)]
    else:
        columns.append(Column(NAME_HEADERS.get(kind, "项目"), "name"))
    columns += [Column(header, "amount", group) for _, header, group in specs]
    body = []
    for r, row in enumerate(rows):
        values = row.get("values") or {}
        cells = []
        if kind in CODE_KINDS:
            cells.append(Cell(row.get("code") or "", ("code", index, r)))
        indent = 1.0 if kind == "three_public_expenditure" and row.get("name") in THREE_PUBLIC_SUBROWS else 0.0
        cells.append(Cell(row.get("name") or "", ("name", index, r), indent))
        for key, _, _ in specs:
            cells.append(Cell(format_value(key, values.get(key), style.thousands), ("value", index, r, key)))
        body.append(tuple(cells))
    return columns, body


def _sided(kind: str, rows: list[dict[str, Any]], index: int, style: RenderStyle):
    specs = {side: list(cols) for side, cols in SIDED_COLUMNS[kind].items()}
    for row in rows:
        side_specs = specs.setdefault(row.get("side", "income"), [])
        for key in row.get("values") or {}:
            if key not in {k for k, _ in side_specs}:
                side_specs.append((key, EXTRA_HEADERS.get(key, key)))
    sides = [s for s in ("income", "expenditure") if s in specs]
    columns = []
    for side in sides:
        columns.append(Column("项目", "name", SIDE_HEADERS[side]))
        columns += [Column(header, "amount", SIDE_HEADERS[side]) for _, header in specs[side]]
    entries = {side: side_entries(rows, side, style.enumerate_items) for side in sides}
    body = []
    for line in align_sides([entries[s] for s in sides], rows):
        cells: list[Cell] = []
        for side, entry in zip(sides, line):
            cells += _side_cells(entry, rows, specs[side], index, style)
        body.append(tuple(cells))
    return columns, body


def side_entries(rows: list[dict[str, Any]], side: str, enumerate_items: bool) -> list[SideEntry]:
    """Return the printed items of one side in order; "heading/item" rows print under their heading, indented."""
    entries: list[SideEntry] = []
    number = 0
    in_tail = False
    for r, row in enumerate(rows):
        if row.get("side") != side:
            continue
        name = row.get("name") or ""
        in_tail = in_tail or bool(_TAIL.search(name.split("/")[0]))
        if "/" in name:
            heading, item = name.split("/", 1)
            if not any(e.name.endswith(heading) and e.indent == 0 for e in entries[-3:]):
                entries.append(SideEntry(None, heading))
                sub = 0
            sub = sub + 1 if entries[-1].indent else 1
            entries.append(SideEntry(r, f"{sub}. {item}", 1.0))  # filings number the items under a heading
            continue
        if enumerate_items and not in_tail:
            number += 1
            name = f"{chinese_numeral(number)}、{name}"
        entries.append(SideEntry(r, name))
    return entries


def align_sides(sides: list[list[SideEntry]], rows: list[dict[str, Any]]) -> list[tuple[SideEntry | None, ...]]:
    """Pair the sides line by line: items from the top, totals so the first and the last total lines meet."""
    heads, tails = [], []
    for entries in sides:
        cut = next((i for i, e in enumerate(entries) if e.row is not None and e.indent == 0
                    and _TAIL.search(rows[e.row].get("name") or "")), len(entries))
        heads.append(entries[:cut])
        tails.append(entries[cut:])
    lines: list[tuple[SideEntry | None, ...]] = []
    for i in range(max(len(h) for h in heads)):
        lines.append(tuple(h[i] if i < len(h) else None for h in heads))
    depth = max(len(t) for t in tails)
    padded = [t[:-1] + [None] * (depth - len(t)) + t[-1:] if t else [None] * depth for t in tails]
    lines += [tuple(p[i] for p in padded) for i in range(depth)]
    return lines


def _side_cells(entry: SideEntry | None, rows: list[dict[str, Any]], specs: list[tuple[str, str]], index: int,
                style: RenderStyle) -> list[Cell]:
    if entry is None:
        return [Cell()] * (1 + len(specs))
    cells = [Cell(entry.name, ("name", index, entry.row) if entry.row is not None else None, entry.indent)]
    values = rows[entry.row].get("values") or {} if entry.row is not None else {}
    for key, _ in specs:
        ref = ("value", index, entry.row, key) if entry.row is not None else None
        cells.append(Cell(format_value(key, values.get(key), style.thousands), ref))
    return cells
