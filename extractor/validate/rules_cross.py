"""Checks across tables: the summaries restate the line-item tables, the fund tables agree with each other."""

from __future__ import annotations

from extractor.record.identities import INCOME_SOURCES, PRINTED_PRECISION, difference_kind
from extractor.validate.rules_common import (
    Finding,
    Rule,
    Site,
    TableView,
    class_rows,
    compare_across,
    make_finding,
    row_page,
    unit_ratio,
)
from extractor.validate.rules_summary import EXPENDITURE_TYPES, Side, main_key, side_amount, split_side

SUMMARY_VS_EXPENDITURE = Rule(
    "cross.summary_vs_expenditure_summary", "error",
    "收支总表 expenditure side restates 支出总表: each class = the 3-digit row of the same name (total); "
    "基本支出/项目支出… = 合计 basic/project…; 本年支出合计 = 合计 total.",
)
SUMMARY_VS_INCOME = Rule(
    "cross.summary_vs_income_summary", "error",
    "收支总表 收入总计 = 收入总表 合计 total; 本年收入合计 = 合计 current_subtotal where printed.",
)
FISCAL_VS_FUND_TABLES = Rule(
    "cross.fiscal_summary_vs_fund_tables", "error",
    "财政拨款收支总表 expenditure rows restate the fund tables: general_budget = 一般公共预算财政拨款支出表 class "
    "total; government_fund / state_capital likewise (0 when that table is printed empty); with no fund column "
    "printed, total = Σ the fund tables' row (where those print this year's money only: 0 ≤ row − Σ ≤ 上年结转).",
)
EXPENDITURE_VS_GENERAL_BUDGET = Rule(
    "cross.expenditure_vs_general_budget", "error",
    "When all money is general budget (收入总表 shows only 财政拨款, no fund tables with data): 支出总表 = "
    "一般公共预算财政拨款支出表 row by row (code and 合计), per value key.",
)
BASIC_VS_GENERAL_BUDGET = Rule(
    "cross.basic_table_vs_general_budget", "error",
    "基本支出表 合计 total = 一般公共预算财政拨款支出表 合计 basic.",
)
BASIC_VS_EXPENDITURE_SUMMARY = Rule(
    "cross.basic_table_vs_expenditure_summary", "error",
    "When all money is general budget: 基本支出表 合计 total = 支出总表 合计 basic.",
)
FISCAL_INCOME_VS_INCOME_SUMMARY = Rule(
    "cross.fiscal_income_vs_income_summary", "error",
    "财政拨款收支总表 本年收入合计 = 收入总表 合计 fiscal_allocation (财政拨款收入), where both are printed.",
)
INCOME_VS_EXPENDITURE = Rule(
    "cross.income_vs_expenditure_by_code", "warning",
    "收入总表 total = 支出总表 total for every code both print, and for 合计 (budgets balance per function).",
)

RULES: tuple[Rule, ...] = (
    SUMMARY_VS_EXPENDITURE, SUMMARY_VS_INCOME, FISCAL_VS_FUND_TABLES, EXPENDITURE_VS_GENERAL_BUDGET,
    BASIC_VS_GENERAL_BUDGET, INCOME_VS_EXPENDITURE, BASIC_VS_EXPENDITURE_SUMMARY, FISCAL_INCOME_VS_INCOME_SUMMARY,
)

FUND_TABLES = {
    "general_budget": "general_budget_expenditure", "government_fund": "government_fund_expenditure",
    "state_capital": "state_capital_expenditure",
}
_SHORT = {
    "expenditure_summary": "支出总表", "income_summary": "收入总表", "general_budget_expenditure": "一般公共预算支出表",
    "government_fund_expenditure": "政府性基金支出表", "state_capital_expenditure": "国有资本经营支出表",
    "general_budget_basic_expenditure": "基本支出表",
}


def check_cross(tables: dict[str, TableView]) -> list[Finding]:
    """Return the findings of every cross-table identity (first table of each kind)."""
    return [
        *summary_vs_expenditure(tables), *summary_vs_income(tables), *fiscal_vs_fund_tables(tables),
        *expenditure_vs_general_budget(tables), *basic_vs_general_budget(tables), *income_vs_expenditure(tables),
        *basic_vs_expenditure_summary(tables), *fiscal_income_vs_income_summary(tables),
    ]


def _usable(tables: dict[str, TableView], kind: str) -> TableView | None:
    view = tables.get(kind)
    return view if view is not None and not view.empty else None


def _side_total(side: Side) -> int | None:
    """The row holding the current-year total: 本年合计, else 总计 when the side has no carry rows."""
    return side.current if side.current is not None else side.grand if not side.carry else None


def _cell(view: TableView, index: int, key: str) -> tuple[float, str | None]:
    return view.amount(index, key), view.unit


def summary_vs_expenditure(tables: dict[str, TableView]) -> list[Finding]:
    """收支总表 expenditure classes, types and total against 支出总表."""
    summary, target = _usable(tables, "income_expenditure_summary"), _usable(tables, "expenditure_summary")
    if summary is None or target is None:
        return []
    side, key, classes = split_side(summary, "expenditure"), main_key(summary, "expenditure"), class_rows(target)
    total, findings = target.total_index(), []
    for i in side.classes:
        if summary.name(i) in classes:
            findings += compare_across(SUMMARY_VS_EXPENDITURE, summary.site(i, key), _cell(summary, i, key),
                                       _cell(target, classes[summary.name(i)], "total"), "支出总表")
    if total is None:
        return findings
    for i in side.types:
        column = EXPENDITURE_TYPES[summary.name(i)]
        if column in target.printed:
            findings += compare_across(SUMMARY_VS_EXPENDITURE, summary.site(i, key), _cell(summary, i, key),
                                       _cell(target, total, column), f"支出总表 合计 {column}")
    row = _side_total(side)
    if row is not None and side.grand is not None and not target.printed & set(EXPENDITURE_TYPES.values()):
        row = _nearer(summary, (row, side.grand), key,
                      target.amount(total, "total") * unit_ratio(target.unit, summary.unit))
    if row is not None:
        findings += compare_across(SUMMARY_VS_EXPENDITURE, summary.site(row, key), _cell(summary, row, key),
                                   _cell(target, total, "total"), "支出总表 合计")
    return findings


def _nearer(summary: TableView, rows: tuple[int, int], key: str, figure: float) -> int:
    """A 支出总表 listing its money by source (上年结转, 上年实户资金余额 among them; no 基本/项目 columns: Xi'an)
    totals the whole side, 结转下年 included: its 合计 is the 支出总计 where it is not the 本年支出合计."""
    return min(rows, key=lambda i: abs(summary.amount(i, key) - figure))


def summary_vs_income(tables: dict[str, TableView]) -> list[Finding]:
    """收支总表 收入总计 / 本年收入合计 against 收入总表 合计."""
    summary, target = _usable(tables, "income_expenditure_summary"), _usable(tables, "income_summary")
    total = target.total_index() if target is not None else None
    if summary is None or target is None or total is None:
        return []
    side, key = split_side(summary, "income"), main_key(summary, "income")
    findings: list[Finding] = []
    if side.grand is not None:
        findings += compare_across(SUMMARY_VS_INCOME, summary.site(side.grand, key), _cell(summary, side.grand, key),
                                   _cell(target, total, "total"), "收入总表 合计")
    if side.current is not None and "current_subtotal" in target.printed:
        findings += compare_across(SUMMARY_VS_INCOME, summary.site(side.current, key),
                                   _cell(summary, side.current, key), _cell(target, total, "current_subtotal"),
                                   "收入总表 合计 current_subtotal")
    return findings


def fiscal_vs_fund_tables(tables: dict[str, TableView]) -> list[Finding]:
    """财政拨款收支总表 expenditure rows against the general-budget, fund and state-capital tables."""
    summary = _usable(tables, "fiscal_allocation_summary")
    if summary is None:
        return []
    side = split_side(summary, "expenditure")
    rows = [*side.classes, *([t] if (t := _side_total(side)) is not None else [])]
    if not set(FUND_TABLES) & summary.printed:
        return _one_column_vs_fund_tables(summary, side, rows, tables)
    findings: list[Finding] = []
    for fund, kind in FUND_TABLES.items():
        target = tables.get(kind)
        if target is None:
            continue
        for i in rows:
            findings += _fund_row(summary, i, fund, target, is_class=i in side.classes)
    return findings


def _one_column_vs_fund_tables(summary: TableView, side: Side, rows: list[int], tables: dict[str, TableView],
                               ) -> list[Finding]:
    """A 财政拨款收支总表 printing one amount per row (no fund columns): each row = the sum of that row over
    the fund tables printed (一般公共预算 + 政府性基金 + 国有资本经营; an empty one is 0). Fund tables that print
    only this year's money (their 合计 = the summary's total − the income side's 上年结转) leave each class
    short of the summary by part of that carryover: 0 ≤ summary − tables ≤ 上年结转."""
    targets = [view for kind in FUND_TABLES.values() if (view := tables.get(kind)) is not None]
    total = _side_total(side)
    if not targets or total is None:
        return []
    key = main_key(summary, "expenditure")
    expected = {i: _fund_tables_sum(summary, i, targets, is_class=i in side.classes) for i in rows}
    carry, at_total = _income_carry(summary), expected[total]
    this_year_only = at_total is not None and carry > 0 and difference_kind(
        summary.amount(total, key) - carry - at_total[0] * unit_ratio(at_total[1], summary.unit)) == "exact"
    findings: list[Finding] = []
    for i, found in expected.items():
        if found is None:
            continue
        value = (summary.amount(i, key), summary.unit)
        if not this_year_only:
            findings += compare_across(FISCAL_VS_FUND_TABLES, summary.site(i, key), value, found, "Σ fund tables")
        elif i == total:
            findings += compare_across(FISCAL_VS_FUND_TABLES, summary.site(i, key), (value[0] - carry, value[1]),
                                       found, "Σ fund tables (上年结转 deducted)")
        elif not -PRINTED_PRECISION <= _gap(value, found) <= carry + PRINTED_PRECISION:
            findings += compare_across(FISCAL_VS_FUND_TABLES, summary.site(i, key), value, found,
                                       f"Σ fund tables (+ ≤ 上年结转 {carry:.2f})")
    return findings


def _gap(value: tuple[float, str | None], found: tuple[float, str | None]) -> float:
    return value[0] - found[0] * unit_ratio(found[1], value[1])


def _fund_tables_sum(summary: TableView, index: int, targets: list[TableView], is_class: bool,
                     ) -> tuple[float, str | None] | None:
    """The row's total over the fund tables in the first table's unit; None when no table holds the row."""
    unit, amount, held = targets[0].unit, 0.0, False
    for target in targets:
        if target.empty:
            held = held or not is_class
            continue
        row = class_rows(target).get(summary.name(index)) if is_class else target.total_index()
        if row is not None:
            held = True
            amount += target.amount(row, "total") * unit_ratio(target.unit, unit)
    return (amount, unit) if held else None


def _income_carry(summary: TableView) -> float:
    income = split_side(summary, "income")
    key = main_key(summary, "income")
    return sum(side_amount(summary, income, i, key) for i in income.carry)


def _fund_value(summary: TableView, index: int, fund: str) -> tuple[float | None, str]:
    """The row's figure for one fund: its column, or its total where no fund column is printed."""
    if fund in summary.printed:
        return summary.amount(index, fund), fund
    others = [k for k in FUND_TABLES if k != fund]
    if fund == "general_budget" and not any(summary.amount(index, k) for k in others):
        key = "total" if summary.value(index, "total") is not None else "amount"
        return summary.value(index, key), key
    return None, fund


def _fund_row(summary: TableView, index: int, fund: str, target: TableView, is_class: bool) -> list[Finding]:
    value, key = _fund_value(summary, index, fund)
    if value is None:
        return []
    label = _SHORT.get(target.kind, target.kind)
    if target.empty:
        expected: tuple[float, str | None] = (0.0, target.unit)
    else:
        row = class_rows(target).get(summary.name(index)) if is_class else target.total_index()
        if row is None:
            return []
        expected = _cell(target, row, "total")
    return compare_across(FISCAL_VS_FUND_TABLES, summary.site(index, key), (value, summary.unit), expected, label)


def all_general_budget(tables: dict[str, TableView]) -> bool:
    """True when the whole budget is general-budget money: 收入总表 shows only 财政拨款 (and a carryover the
    财政拨款收支总表 accounts for), and no fund or state-capital table carries data."""
    income = _usable(tables, "income_summary")
    total = income.total_index() if income is not None else None
    if income is None or total is None or not income.amount(total, "fiscal_allocation"):
        return False
    if any(income.amount(total, k) for k in INCOME_SOURCES if k != "fiscal_allocation"):
        return False
    for kind in ("government_fund_expenditure", "state_capital_expenditure"):
        view = _usable(tables, kind)
        if view is not None and any(view.amount(i, "total") for i in view.indices()):
            return False
    if income.amount(total, "carryover"):
        return _fiscal_summary_covers(tables, income.amount(total, "total"))
    return True


def _fiscal_summary_covers(tables: dict[str, TableView], income_total: float) -> bool:
    summary = _usable(tables, "fiscal_allocation_summary")
    grand = split_side(summary, "income").grand if summary is not None else None
    if summary is None or grand is None:
        return False
    return abs(summary.amount(grand, main_key(summary, "income")) - income_total) < 0.01


def expenditure_vs_general_budget(tables: dict[str, TableView]) -> list[Finding]:
    """支出总表 against 一般公共预算财政拨款支出表, row by row, when all money is general budget."""
    source, target = _usable(tables, "expenditure_summary"), _usable(tables, "general_budget_expenditure")
    if source is None or target is None or not all_general_budget(tables):
        return []
    pairs = _row_pairs(source, target)
    keys = [k for k in ("total", "basic", "project") if k in source.printed and k in target.printed]
    findings: list[Finding] = []
    for s, t in pairs:
        if s is None or t is None:
            findings += _missing_row(source, target, s, t)
            continue
        for key in keys:
            if source.value(s, key) is not None or target.value(t, key) is not None:
                findings += compare_across(EXPENDITURE_VS_GENERAL_BUDGET, target.site(t, key), _cell(target, t, key),
                                           _cell(source, s, key), "支出总表")
    return findings


def _row_pairs(source: TableView, target: TableView) -> list[tuple[int | None, int | None]]:
    """Pair rows by code (and 合计); a code one table prints and the other lacks pairs with None,
    but only where both tables print coded rows."""
    pairs: list[tuple[int | None, int | None]] = []
    s_total, t_total = source.total_index(), target.total_index()
    if s_total is not None and t_total is not None:
        pairs.append((s_total, t_total))
    s_codes, t_codes = source.code_index(), target.code_index()
    both_detailed = bool(s_codes) and bool(t_codes)
    for code in sorted(set(s_codes) | set(t_codes)):
        if code in s_codes and code in t_codes:
            pairs.append((s_codes[code], t_codes[code]))
        elif both_detailed:
            pairs.append((s_codes.get(code), t_codes.get(code)))
    return pairs


def _missing_row(source: TableView, target: TableView, s: int | None, t: int | None) -> list[Finding]:
    if s is not None and source.amount(s, "total"):
        amount = source.amount(s, "total")
        message = f"{source.label(s)} total {amount:.2f} in 支出总表 missing from 一般公共预算财政拨款支出表"
        site = Site(target.kind, source.keys[s], "total", source.label(s), row_page(source.rows[s]))
        return [make_finding(EXPENDITURE_VS_GENERAL_BUDGET, site, amount, None, message)]
    if t is not None and target.amount(t, "total"):
        amount = target.amount(t, "total")
        message = f"{target.label(t)} total {amount:.2f} in 一般公共预算财政拨款支出表 missing from 支出总表"
        return [make_finding(EXPENDITURE_VS_GENERAL_BUDGET, target.site(t, "total"), None, amount, message)]
    return []


def basic_vs_general_budget(tables: dict[str, TableView]) -> list[Finding]:
    """基本支出表 合计 total against the basic column of 一般公共预算财政拨款支出表 合计."""
    basic, general = _usable(tables, "general_budget_basic_expenditure"), _usable(tables, "general_budget_expenditure")
    if basic is None or general is None or "basic" not in general.printed:
        return []
    return _basic_total_against(BASIC_VS_GENERAL_BUDGET, basic, general, "一般公共预算支出表 合计 basic")


def income_vs_expenditure(tables: dict[str, TableView]) -> list[Finding]:
    """收入总表 total against 支出总表 total per code both print, and for 合计."""
    income, spend = _usable(tables, "income_summary"), _usable(tables, "expenditure_summary")
    if income is None or spend is None:
        return []
    findings: list[Finding] = []
    for i, s in _row_pairs(income, spend):
        if i is not None and s is not None:
            findings += compare_across(INCOME_VS_EXPENDITURE, income.site(i, "total"), _cell(income, i, "total"),
                                       _cell(spend, s, "total"), "支出总表")
    return findings


def basic_vs_expenditure_summary(tables: dict[str, TableView]) -> list[Finding]:
    """基本支出表 合计 total against 支出总表 合计 basic, when all money is general budget."""
    basic, spend = _usable(tables, "general_budget_basic_expenditure"), _usable(tables, "expenditure_summary")
    if basic is None or spend is None or "basic" not in spend.printed or not all_general_budget(tables):
        return []
    return _basic_total_against(BASIC_VS_EXPENDITURE_SUMMARY, basic, spend, "支出总表 合计 basic")


def _basic_total_against(rule: Rule, basic: TableView, other: TableView, label: str) -> list[Finding]:
    """The 基本支出表 合计 total against the 合计 basic of another table, where both print a 合计."""
    b_total, o_total = basic.total_index(), other.total_index()
    if b_total is None or o_total is None:
        return []
    return compare_across(rule, basic.site(b_total, "total"), _cell(basic, b_total, "total"),
                          _cell(other, o_total, "basic"), label)


def fiscal_income_vs_income_summary(tables: dict[str, TableView]) -> list[Finding]:
    """财政拨款收支总表 本年收入合计 against 收入总表 合计 财政拨款收入."""
    summary, income = _usable(tables, "fiscal_allocation_summary"), _usable(tables, "income_summary")
    if summary is None or income is None or "fiscal_allocation" not in income.printed:
        return []
    current, total = split_side(summary, "income").current, income.total_index()
    if current is None or total is None:
        return []
    key = main_key(summary, "income")
    return compare_across(FISCAL_INCOME_VS_INCOME_SUMMARY, summary.site(current, key), _cell(summary, current, key),
                          _cell(income, total, "fiscal_allocation"), "收入总表 合计 fiscal_allocation")
