"""Arithmetic validation of a disclosure record: the accounting identities a filing must satisfy.

Pure functions over a record dict (contract.md). ``check_record`` returns findings, dicts with exactly
``record.keys.FINDING_KEYS``; ``RULES`` is the catalogue of rule ids. Figures equal as printed (closer
than 0.005) pass; a difference within rounding (0.011 per summed part, ``identities.TOLERANCE``) is a
``rounding.within_tolerance`` warning naming the identity; anything larger is a finding of the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from extractor.validate import rules_cards, rules_cross, rules_prose, rules_summary, rules_tables
from extractor.validate.rules_common import ROUNDING, Finding, Rule, first_of_kind, table_views

__all__ = ["RULES", "Rule", "check_record", "rule_by_id"]

RULES: tuple[Rule, ...] = (
    *rules_tables.RULES, *rules_summary.RULES, *rules_cross.RULES, *rules_prose.RULES, *rules_cards.RULES,
    ROUNDING,
)

_BY_ID = {rule.id: rule for rule in RULES}


def rule_by_id(rule_id: str) -> Rule:
    """Return the catalogue entry of a rule id (KeyError for an unknown id)."""
    return _BY_ID[rule_id]


def check_record(record: Mapping[str, Any]) -> list[Finding]:
    """Given a disclosure record, return every arithmetic finding: tables, summaries, cross-table, prose, cards."""
    views = table_views(record)
    tables = first_of_kind(views)
    unit = (record.get("document") or {}).get("currency_unit")
    narrative = record.get("narrative") or {}
    cards = record.get("performance_cards") or []
    return [
        *rules_tables.check_tables(views),
        *rules_summary.check_summaries(views),
        *rules_cross.check_cross(tables),
        *rules_prose.check_prose(narrative if isinstance(narrative, Mapping) else {}, tables, unit),
        *rules_cards.check_cards(cards if isinstance(cards, list) else [], tables, unit),
    ]
