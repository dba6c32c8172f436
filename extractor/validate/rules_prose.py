"""Checks of the 情况说明 prose: every narrative figure against the table figure it restates.

Narrative figures are read in the document's currency unit; a table printed in another unit (e.g. 元) is
converted, and a figure that matches unconverted is accepted too, as is one that matches read in 万元 (the
unit the prose states its figures in, "预算收入 X 万元", even where every table and so the document is in
元). A comparison is skipped when either side is absent; a table printed empty counts as 0.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from extractor.validate.rules_common import (
    Finding,
    Rule,
    Site,
    TableView,
    coarser,
    compare,
    fmt,
    make_finding,
    number,
    unit_ratio,
)
from extractor.validate.rules_summary import main_key, split_side
from extractor.validate.rules_tables import three_public_role

#: The unit the 情况说明 prose states its figures in.
PROSE_UNIT = "万元"


@dataclass(frozen=True)
class Located:
    """A table figure a narrative key restates; ``index`` None means the table is printed empty (0)."""

    view: TableView
    index: int | None
    key: str
    what: str
    #: Keys whose sum stands for ``key`` where the table does not print it (a 三公 table by fund source).
    parts: tuple[str, ...] = ()

    def amount(self) -> float:
        if self.index is None:
            return 0.0
        if self.parts:
            return sum(self.view.amount(self.index, k) for k in self.parts)
        return self.view.amount(self.index, self.key)


Locator = Callable[[dict[str, TableView]], "Located | None"]
#: Half a unit: a figure the prose states as a whole number may be the table's rounded.
_WHOLE_UNIT = 0.5
#: The fund-source columns of a 三公 table whose items print no total (items × 一般公共预算 | 政府性基金 | 国有资本).
_FUND_KEYS = ("general_budget", "government_fund", "state_capital")


def _summary_grand(side: str, what: str) -> Locator:
    def locate(tables: dict[str, TableView]) -> Located | None:
        view = tables.get("income_expenditure_summary")
        if view is None or view.empty:
            return None
        grand = split_side(view, side).grand
        return None if grand is None else Located(view, grand, main_key(view, side), f"收支总表 {what}")
    return locate


def _summary_income(prefix: str) -> Locator:
    """The 收支总表 income row whose (last "/" part of the) name starts with ``prefix``, not a carryover."""
    def locate(tables: dict[str, TableView]) -> Located | None:
        view = tables.get("income_expenditure_summary")
        if view is None or view.empty:
            return None
        hits = [i for i in view.indices() if view.rows[i].get("side") == "income"
                and view.name(i).split("/")[-1].startswith(prefix) and not _is_carry(view.name(i))]
        hits.sort(key=lambda i: "/" in view.name(i))
        return Located(view, hits[0], "amount", f"收支总表 {view.name(hits[0])}") if hits else None
    return locate


def _is_carry(name: str) -> bool:
    return "结转" in name or "结余" in name


def _summary_carryover(tables: dict[str, TableView]) -> Located | None:
    view = tables.get("income_expenditure_summary")
    if view is None or view.empty:
        return None
    side = split_side(view, "income")
    return Located(view, side.carry[0], "amount", f"收支总表 {view.name(side.carry[0])}") if side.carry else None


def _total_column(kind: str, key: str, what: str) -> Locator:
    def locate(tables: dict[str, TableView]) -> Located | None:
        view = tables.get(kind)
        if view is None:
            return None
        if view.empty:
            return Located(view, None, key, what)
        total = view.total_index()
        return Located(view, total, key, what) if total is not None and key in view.printed else None
    return locate


def _three_public(role: str, what: str, empty_is_zero: bool = True) -> Locator:
    def locate(tables: dict[str, TableView]) -> Located | None:
        view = tables.get("three_public_expenditure")
        if view is None:
            return None
        if view.empty:
            return Located(view, None, "total", what) if empty_is_zero else None
        roles = [three_public_role(view.name(i)) for i in view.indices()]
        wanted = [role]
        if role == "subtotal" and "subtotal" not in roles and "other" not in roles:
            wanted = ["total"]
        hits = [i for i, r in zip(view.indices(), roles) if r in wanted]
        if not hits:
            return None
        funds = () if "total" in view.printed else tuple(k for k in _FUND_KEYS if k in view.printed)
        return Located(view, hits[0], "total", what, funds)
    return locate


def _fixed_assets(tables: dict[str, TableView]) -> Located | None:
    view = tables.get("fixed_assets")
    if view is None:
        return None
    if view.empty:
        return Located(view, None, "value", "固定资产 资产总额")
    hits = [i for i in view.indices() if "资产总额" in view.name(i) or view.name(i) in ("合计", "总计")]
    return Located(view, hits[0], "value", "固定资产 资产总额") if hits else None


def _column(kind: str, key: str, what: str) -> tuple[str, Locator]:
    return f"{what.split()[0]} 合计 {key}", _total_column(kind, key, what)


#: narrative key → (where its figure is printed, how to find it in the tables).
PROSE_LINKS: dict[str, tuple[str, Locator]] = {
    "income_total": ("收支总表 收入总计", _summary_grand("income", "收入总计")),
    "expenditure_total": ("收支总表 支出总计", _summary_grand("expenditure", "支出总计")),
    "general_budget_income": ("收支总表 一般公共预算拨款(收入)", _summary_income("一般公共预算")),
    "fund_budget_income": ("收支总表 政府性基金预算拨款(收入)", _summary_income("政府性基金")),
    "special_account_income": _column("income_summary", "special_account", "收入总表 合计 财政专户"),
    "carryover_income": ("收支总表 上年结转(结余)", _summary_carryover),
    "basic_expenditure": _column("expenditure_summary", "basic", "支出总表 合计 基本支出"),
    "project_expenditure": _column("expenditure_summary", "project", "支出总表 合计 项目支出"),
    "personnel_expenditure": _column("general_budget_basic_expenditure", "personnel", "基本支出表 合计 人员经费"),
    "public_expenditure": _column("general_budget_basic_expenditure", "public", "基本支出表 合计 公用经费"),
    "three_public_total": ("三公表 小计 (合计 without one)", _three_public("subtotal", "三公 小计")),
    "three_public_outbound": ("三公表 因公出国(境)费", _three_public("outbound", "因公出国(境)费")),
    "three_public_vehicle": ("三公表 公务用车购置及运维费", _three_public("vehicle", "公务用车购置及运维费")),
    "three_public_vehicle_purchase": ("三公表 公务用车购置费", _three_public("purchase", "公务用车购置费")),
    "three_public_vehicle_operation": ("三公表 公务用车运行维护费", _three_public("operation", "公务用车运行维护费")),
    "three_public_reception": ("三公表 公务接待费", _three_public("reception", "公务接待费")),
    "operating_expenses": ("三公表 机关运行经费 (where the table carries it)",
                           _three_public("operating", "机关运行经费", empty_is_zero=False)),
    "fixed_assets_total": ("固定资产占用情况表 资产总额 value", _fixed_assets),
}

LINK_RULES: dict[str, Rule] = {
    key: Rule(f"prose.{key}", "error", f"Narrative {key} = {where}.") for key, (where, _) in PROSE_LINKS.items()
}
OPERATING_WITHIN_PUBLIC = Rule(
    "prose.operating_within_public", "warning",
    "Narrative 机关运行经费 ≤ 公用经费 (narrative public_expenditure, else 基本支出表 合计 public).",
)
BASIC_PARTS = Rule("prose.basic_parts", "warning", "Narrative 基本支出 = 人员经费 + 公用经费.")
INCOME_PARTS = Rule(
    "prose.income_parts", "warning",
    "Narrative 预算收入 = 一般公共预算 + 基金 + 财政专户 + 其他 + 上年结转 (when 一般公共预算收入 is stated).",
)

RULES: tuple[Rule, ...] = (*LINK_RULES.values(), OPERATING_WITHIN_PUBLIC, BASIC_PARTS, INCOME_PARTS)


def check_prose(narrative: Mapping[str, Any], tables: dict[str, TableView], unit: str | None) -> list[Finding]:
    """Return the findings of the narrative figures against the tables and against each other."""
    figures = {k: v for k, v in ((k, number(v)) for k, v in narrative.items()) if v is not None}
    findings: list[Finding] = []
    for key, (_, locate) in PROSE_LINKS.items():
        if key in figures and (found := locate(tables)) is not None:
            findings += _restated(LINK_RULES[key], key, figures[key], unit, found)
    return findings + _operating_within_public(figures, tables, unit) + _internal_sums(figures)


def _restated(rule: Rule, key: str, stated: float, unit: str | None, found: Located) -> list[Finding]:
    table_value = found.amount()
    site = Site("narrative", key, None, f"narrative {key}", None)
    what = f"{found.what} ({found.view.kind})"
    if found.view.unit != unit and compare(rule, site, stated, table_value, what) == []:
        return []
    readings = [_in_units(rule, site, stated, prose_unit, table_value, found.view.unit, what)
                for prose_unit in dict.fromkeys((unit, PROSE_UNIT))]
    return [] if [] in readings else readings[0]


def _in_units(rule: Rule, site: Site, stated: float, prose_unit: str | None, table_value: float,
              table_unit: str | None, what: str) -> list[Finding]:
    compared_in = coarser(prose_unit, table_unit)
    prose, table = stated * unit_ratio(prose_unit, compared_in), table_value * unit_ratio(table_unit, compared_in)
    if float(stated).is_integer() and not float(table).is_integer() and abs(prose - table) <= _WHOLE_UNIT:
        return []  # the prose states the figure rounded to a whole unit (17,192万元 for 17,191.52)
    return compare(rule, site, prose, table, what)


def _operating_within_public(figures: dict[str, float], tables: dict[str, TableView], unit: str | None,
                             ) -> list[Finding]:
    operating = figures.get("operating_expenses")
    if operating is None:
        return []
    public: float | None = figures.get("public_expenditure")
    if public is None:
        found = _total_column("general_budget_basic_expenditure", "public", "")(tables)
        if found is None or found.index is None:
            return []
        public = found.amount() * unit_ratio(found.view.unit, unit)
    if operating <= public + 0.005:
        return []
    site = Site("narrative", "operating_expenses", None, "narrative operating_expenses", None)
    message = f"narrative 机关运行经费 {fmt(operating)} > 公用经费 {fmt(public)} (diff {operating - public:+.2f})"
    return [make_finding(OPERATING_WITHIN_PUBLIC, site, public, operating, message)]


def _internal_sums(figures: dict[str, float]) -> list[Finding]:
    findings: list[Finding] = []
    sums = (
        (BASIC_PARTS, "basic_expenditure", ("personnel_expenditure", "public_expenditure"), "personnel_expenditure"),
        (INCOME_PARTS, "income_total", ("general_budget_income", "fund_budget_income", "special_account_income",
                                        "other_income", "carryover_income"), "general_budget_income"),
    )
    for rule, total, parts, needed in sums:
        if total in figures and needed in figures:
            amounts = [figures.get(p, 0.0) for p in parts]
            site = Site("narrative", total, None, f"narrative {total}", None)
            findings += compare(rule, site, figures[total], sum(amounts), "Σ" + "+".join(parts),
                                sum(1 for a in amounts if a))
    return findings
