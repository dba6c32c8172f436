"""Interpret step, shared: the contract's card and indicator records, built the same way for every
layout (a header-block card, a listing row, running text)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from extractor.cards.read.segment import ROW_SLOTS
from extractor.cards.vocabulary import LEVEL1_OF, SIGN_CHARACTERS

INDICATOR_KEYS = ("level1", "level2", *ROW_SLOTS)
BUDGET_KEYS = ("total", "fiscal", "other")
PLAN_SLOTS = 4


def indicator_record(
    level1: str | None, level2: str | None, cells: Mapping[str, str | None]
) -> dict[str, str | None]:
    """Return an indicator: its levels and its cells (``ROW_SLOTS``), blank text as None."""
    record = {"level1": level1 or None, "level2": level2 or None}
    record.update({key: (cells.get(key) or None) for key in ROW_SLOTS})
    return record


def printed_value(sign: str, value: str, unit: str) -> str:
    """Join a value printed across sign, number and unit columns as printed ("≥" "70" "%" → "≥70%"); a
    sign column printing anything but comparison signs (定性/定量) is no part of the value."""
    sign = sign if sign and all(c in SIGN_CHARACTERS for c in sign) else ""
    return sign + value + unit


def complete_levels(row: dict[str, str | None], standard: bool = False) -> dict[str, str | None]:
    """Fill a missing level1 from the standard system (``standard``: set it from there whenever
    level2 is a standard name, where the printed level1 could not be placed)."""
    level2 = row.get("level2") or ""
    if (standard or not row.get("level1")) and level2 in LEVEL1_OF:
        row = {**row, "level1": LEVEL1_OF[level2]}
    return row


def is_indicator(row: Mapping[str, str | None], levelled: bool = True) -> bool:
    """A row without a level3 name or a value is no indicator (a footer, a page header), nor is one of
    a table read from printed lines (``levelled``) whose level names could not be placed."""
    keys = ("level1", "level2", "level3", "value") if levelled else ("level3", "value")
    return all(row.get(key) for key in keys)


def card_record(
    seq: int,
    name: str | None,
    goals: list[str],
    indicators: list[dict[str, str | None]],
    provenance: dict[str, Any],
    *,
    code: str | None = None,
    budget: Mapping[str, float | None] | None = None,
    fund_use: str | None = None,
    spending_plan: Sequence[float | None] | None = None,
) -> dict[str, Any]:
    """Return the contract card: ``budget`` None where the card prints no budget (else every key, None
    where not printed), ``spending_plan`` None where it prints no plan."""
    return {
        "seq": seq,
        "project_name": name,
        "project_code": code,
        "budget": None if budget is None else {key: budget.get(key) for key in BUDGET_KEYS},
        "fund_use": fund_use,
        "spending_plan": None if spending_plan is None else list(spending_plan),
        "goals": goals,
        "indicators": indicators,
        "provenance": provenance,
    }
