"""Column identities of the line-item tables: which value is the sum of which others.

Shared by identity-guided placement (extraction) and the arithmetic checks (validation).
"""

from __future__ import annotations

from collections.abc import Mapping

#: kind -> tuple of (total key, part keys); a missing value counts as 0.
ROW_IDENTITIES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "income_summary": (
        ("total", ("current_subtotal", "carryover", "prior_balance")),  # prior_balance: 上年实户资金余额 (kept)
        ("current_subtotal", ("fiscal_allocation", "special_account", "business_income",
                              "operating_income", "superior_subsidy", "subsidiary_remittance",
                              "other_income")),
    ),
    "expenditure_summary": (
        ("total", ("basic", "project", "operating", "remit_superior", "subsidiary_grant", "reserve")),
    ),
    "general_budget_expenditure": (("total", ("basic", "project")),),
    "government_fund_expenditure": (("total", ("basic", "project")),),
    "state_capital_expenditure": (("total", ("basic", "project")),),
    "general_budget_basic_expenditure": (("total", ("personnel", "public")),),
    "three_public_expenditure": (("total", ("general_budget", "government_fund", "state_capital")),),
    "fiscal_allocation_summary": (("total", ("general_budget", "government_fund", "state_capital")),),
}

#: Printed precision of amounts: a sum may differ from its parts by rounding of each part.
TOLERANCE = 0.011


def identity_holds(values: Mapping[str, float | None], total: str, parts: tuple[str, ...]) -> bool:
    """Return True when values[total] equals the sum of the parts within rounding (blanks are 0)."""
    present = [k for k in (total, *parts) if values.get(k) is not None]
    if not present:
        return True
    expected = sum(values.get(k) or 0.0 for k in parts)
    slack = TOLERANCE * max(1, len([k for k in parts if values.get(k)]))
    return abs((values.get(total) or 0.0) - expected) <= slack


def parent_code(code: str) -> str | None:
    """Return the classification parent of a code (2060101 → 20601 → 206), None for a 类 code."""
    return code[:-2] if len(code) in (5, 7) else None


#: Income sources that make up 本年收入小计 in 收入总表.
INCOME_SOURCES: tuple[str, ...] = dict(ROW_IDENTITIES["income_summary"])["current_subtotal"]

#: Two printed figures closer than this are the same figure (amounts print two decimals).
PRINTED_PRECISION = 0.005


def rounding_slack(parts: int) -> float:
    """Return how far a total may stray from the sum of ``parts`` printed, rounded parts."""
    return TOLERANCE * max(1, parts)


def difference_kind(difference: float, parts: int = 1) -> str:
    """Classify ``actual - expected``: "exact", "rounding" (within rounding_slack) or "mismatch"."""
    size = abs(difference)
    if size < PRINTED_PRECISION + 1e-9:
        return "exact"
    return "rounding" if size <= rounding_slack(parts) + 1e-9 else "mismatch"


def applicable_identities(kind: str, printed: set[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Return the row identities of ``kind`` a table printing the columns ``printed`` can be checked on.

    An identity needs its total column and at least one part column. A 收入总表 without a
    本年收入小计 column checks total = every income source + 上年结转 (+ 上年实户资金余额) instead.
    """
    chosen: list[tuple[str, tuple[str, ...]]] = []
    for total, parts in ROW_IDENTITIES.get(kind, ()):
        if kind == "income_summary" and total == "total" and "current_subtotal" not in printed:
            parts = (*INCOME_SOURCES, *parts[1:])
        if total in printed and printed.intersection(parts):
            chosen.append((total, parts))
    return tuple(chosen)
