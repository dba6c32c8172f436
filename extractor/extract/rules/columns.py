"""Value columns of each table kind: canonical order and the header words that name them."""

from __future__ import annotations

#: kind -> (value key, header words any of which names the column), in the standard printed order.
COLUMNS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "income_summary": (
        ("total", ("合计",)), ("current_subtotal", ("小计",)), ("fiscal_allocation", ("财政拨款",)),
        ("special_account", ("财政专户",)), ("business_income", ("事业收入",)),
        ("operating_income", ("经营收入",)), ("superior_subsidy", ("上级补助",)),
        ("subsidiary_remittance", ("附属单位",)), ("other_income", ("其他收入",)),
        ("carryover", ("上年结转", "结转")),
    ),
    "expenditure_summary": (
        ("total", ("合计",)), ("basic", ("基本支出",)), ("project", ("项目支出",)),
        ("operating", ("经营支出",)), ("remit_superior", ("上解上级",)),
        ("subsidiary_grant", ("对附属单位",)), ("reserve", ("预留", "机动经费")),
    ),
    "general_budget_expenditure": (("total", ("合计",)), ("basic", ("基本支出",)), ("project", ("项目支出",))),
    "government_fund_expenditure": (("total", ("合计",)), ("basic", ("基本支出",)), ("project", ("项目支出",))),
    "state_capital_expenditure": (("total", ("合计",)), ("basic", ("基本支出",)), ("project", ("项目支出",))),
    "general_budget_basic_expenditure": (
        ("total", ("合计",)), ("personnel", ("人员经费",)), ("public", ("公用经费",)),
    ),
    "three_public_expenditure": (
        ("total", ("合计",)), ("general_budget", ("一般公共预算",)),
        ("government_fund", ("政府性基金", "基金预算")), ("state_capital", ("国有资本",)),
    ),
    "fiscal_allocation_summary": (
        ("total", ("合计",)), ("general_budget", ("一般公共预算",)),
        ("government_fund", ("政府性基金", "基金预算")), ("state_capital", ("国有资本",)),
    ),
    "fixed_assets": (("quantity", ("数量",)), ("value", ("价值", "金额"))),
    "procurement": (("quantity", ("数量",)), ("unit_price", ("单价",)), ("total", ("合计", "总计", "金额"))),
}

#: Columns that appear only in some provinces' versions and are left out unless the header names them.
_OPTIONAL = frozenset({"reserve"})


def value_keys(kind: str, header_text: str, value_columns: int) -> tuple[str, ...]:
    """Return the value keys printed, in order: those the header names, or the standard first n."""
    spec = COLUMNS.get(kind, ())
    compact = header_text.replace(" ", "")
    named = tuple(key for key, words in spec if any(w in compact for w in words))
    standard = tuple(key for key, _ in spec if key not in _OPTIONAL)
    if value_columns and len(named) != value_columns:
        return (standard + tuple(k for k, _ in spec if k in _OPTIONAL))[:value_columns]
    return named or standard
