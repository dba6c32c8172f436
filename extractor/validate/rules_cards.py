"""Checks of the 绩效目标表 cards: the budget adds up, the spending plan reaches it, cards cover 项目支出.

Spending plans print amounts in some filings and percentages in others. A card's plan is read as
percentages when the filing's every plan ends at 100, or when the card's own plan has the shape of one
(two or more values, none above 100, non-decreasing, ending at 100); a lone 100 in a filing of amounts is
an amount.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from extractor.record.identities import PRINTED_PRECISION, difference_kind
from extractor.record.keys import card_seq
from extractor.validate.rules_common import (
    Finding,
    Rule,
    Site,
    TableView,
    compare,
    compare_across,
    number,
    row_page,
)

BUDGET_PARTS = Rule(
    "card.budget_parts", "error",
    "Card budget: 资金总额 total = 财政资金 fiscal + 其他资金 other (+ a part kept under its own budget key, e.g. "
    "上年结转); with other blank and no such part, fiscal ≤ total.",
)
PLAN_REACHES_BUDGET = Rule(
    "card.plan_reaches_budget", "error",
    "Card 资金支出计划 reaches the budget: cumulative (non-decreasing) ending at budget.total, or summing to it; "
    "a percentage plan reaches 100.",
)
BUDGETS_VS_PROJECT = Rule(
    "card.budgets_vs_project", "warning", "Σ card budget.total = 支出总表 合计 project (项目支出).",
)

RULES: tuple[Rule, ...] = (BUDGET_PARTS, PLAN_REACHES_BUDGET, BUDGETS_VS_PROJECT)

_PERCENT = 100.0
_BUDGET_KEYS = frozenset({"total", "fiscal", "other"})


def check_cards(cards: Sequence[Mapping[str, Any]], tables: dict[str, TableView], unit: str | None,
                ) -> list[Finding]:
    """Return the findings of every card and of the cards against 项目支出."""
    cards = [c for c in cards if isinstance(c, Mapping)]
    plans = [plan_values(card) for card in cards]
    percent_filing = any(plans) and all(_ends_at_percent(p) for p in plans if p)
    findings: list[Finding] = []
    for position, (card, plan) in enumerate(zip(cards, plans)):
        findings += budget_findings(position, card)
        findings += plan_findings(position, card, plan, percent_filing)
    return findings + budgets_vs_project(cards, tables, unit)


def plan_values(card: Mapping[str, Any]) -> list[float]:
    """Return the non-null values of a card's spending plan, in order."""
    plan = card.get("spending_plan")
    if not isinstance(plan, list):
        return []
    return [v for v in (number(x) for x in plan) if v is not None]


def _budget(card: Mapping[str, Any], key: str) -> float | None:
    budget = card.get("budget")
    return number(budget.get(key)) if isinstance(budget, Mapping) else None


def _site(position: int, card: Mapping[str, Any], value_key: str) -> Site:
    try:
        seq = card_seq(position, card)
    except (TypeError, ValueError):
        seq = position + 1
    return Site("performance_cards", str(seq), value_key, f"card {seq} {card.get('project_name') or ''}".strip(),
                row_page(card))


def _ends_at_percent(plan: list[float]) -> bool:
    return abs(plan[-1] - _PERCENT) < PRINTED_PRECISION


def _non_decreasing(plan: list[float]) -> bool:
    return all(b >= a - PRINTED_PRECISION for a, b in zip(plan, plan[1:]))


def is_percent_plan(plan: list[float]) -> bool:
    """True when a plan has the shape of percentages: 2+ values, none above 100, rising to 100."""
    return len(plan) >= 2 and max(plan) <= _PERCENT and _non_decreasing(plan) and _ends_at_percent(plan)


def budget_findings(position: int, card: Mapping[str, Any]) -> list[Finding]:
    """Check budget.total = fiscal + other where a part is printed.

    With 其他资金 blank or 0 (the same, as the contract scores them) the card may still print a part the
    contract has no key for (上年结转 beside 财政拨款: total = fiscal + 上年结转): such a part counts where the
    record keeps it under its own budget key, else only fiscal ≤ total is asserted.
    """
    total, fiscal, other = (_budget(card, k) for k in ("total", "fiscal", "other"))
    if total is None or (fiscal is None and other is None):
        return []
    budget = card.get("budget")
    kept = [v for k, v in budget.items() if k not in _BUDGET_KEYS and number(v) is not None] \
        if isinstance(budget, Mapping) else []
    if not other and not kept and fiscal is not None and fiscal <= total + PRINTED_PRECISION:
        return []
    parts = [fiscal or 0.0, other or 0.0, *(number(v) or 0.0 for v in kept)]
    return compare(BUDGET_PARTS, _site(position, card, "budget.total"), total, sum(parts), "fiscal+other",
                   sum(1 for p in parts if p))


def plan_findings(position: int, card: Mapping[str, Any], plan: list[float], percent_filing: bool,
                  ) -> list[Finding]:
    """Check the spending plan reaches the budget (or 100 for a percentage plan)."""
    total = _budget(card, "total")
    if not plan or total is None:
        return []
    percent = percent_filing or is_percent_plan(plan)
    target, what = (_PERCENT, "100%") if percent else (total, "budget.total")
    readings = ([("ends at", plan[-1], 1)] if _non_decreasing(plan) else []) + [("sums to", sum(plan), len(plan))]
    kinds = [difference_kind(value - target, parts) for _, value, parts in readings]
    if "exact" in kinds:
        return []
    chosen = kinds.index("rounding") if "rounding" in kinds else 0
    how, value, parts = readings[chosen]
    return compare(PLAN_REACHES_BUDGET, _site(position, card, "spending_plan"), value, target, what, parts,
                   field=f"spending_plan {how}")


def budgets_vs_project(cards: Sequence[Mapping[str, Any]], tables: dict[str, TableView], unit: str | None,
                       ) -> list[Finding]:
    """Check Σ card budgets against 支出总表 合计 project."""
    budgets = [b for b in (_budget(card, "total") for card in cards) if b is not None]
    view = tables.get("expenditure_summary")
    total = view.total_index() if view is not None and not view.empty else None
    if not budgets or view is None or total is None or "project" not in view.printed:
        return []
    site = Site("performance_cards", None, "budget.total", f"Σ {len(budgets)} card budgets", None)
    return compare_across(BUDGETS_VS_PROJECT, site, (sum(budgets), unit), (view.amount(total, "project"), view.unit),
                          "支出总表 合计 project", len(budgets))
