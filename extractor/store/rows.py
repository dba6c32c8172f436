"""Flatten a disclosure record (contract.md) into the store's row tuples; pure, no database.

Positions (``table_index``, ``row_index``, indicator ``idx``) are 0-based list positions in the
record; a card keeps its printed ``seq``. Row keys and finding keys are the record's (``record.keys``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from extractor.record.keys import FINDING_KEYS, card_seq, row_keys

Row = tuple[Any, ...]

TABLE_COLUMNS = ("document_id", "table_index", "kind", "title", "unit", "empty", "note", "row_count")
LINE_ITEM_COLUMNS = (
    "document_id", "table_index", "table_kind", "table_title", "row_index", "row_key", "side", "code",
    "name", "value_key", "amount", "unit", "provenance",
)
CARD_COLUMNS = (
    "document_id", "seq", "project_name", "project_code", "budget_total", "budget_fiscal", "budget_other",
    "fund_use", "spending_plan", "spending_plan_sum", "goals", "indicator_count",
)
INDICATOR_COLUMNS = (
    "document_id", "card_seq", "idx", "level1", "level2", "level3", "description", "value", "basis",
)
NARRATIVE_COLUMNS = ("document_id", "key", "amount")
FINDING_COLUMNS = ("document_id", *FINDING_KEYS)

#: Row keys the contract defines; anything else on a row (page, bbox, confidence...) is provenance.
_ROW_FIELDS = frozenset({"code", "name", "side", "values"})


def content_hash(chunks: Iterable[bytes]) -> str:
    """Return the sha256 hex digest of the concatenated byte chunks (a document's identity)."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def file_content_hash(paths: Sequence[str | Path]) -> str:
    """Return the content hash of one source file, or of a multi-file group read in the given order."""
    return content_hash(Path(path).read_bytes() for path in paths)


def document_fields(record: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return the record's ``document`` block as the documents-table columns (all None without one)."""
    block = (record or {}).get("document") or {}
    keys = ("agency_code", "agency_name", "fiscal_year", "budget_level", "currency_unit")
    return {key: block.get(key) for key in keys}


def table_unit(table: Mapping[str, Any], record: Mapping[str, Any]) -> str | None:
    """Return the unit a table's amounts are in: its own ``unit``, else the document's currency unit."""
    return table.get("unit") or document_fields(record)["currency_unit"]


def table_rows(document_id: str, record: Mapping[str, Any]) -> list[Row]:
    """Return one ``tables`` row per table of the record."""
    return [
        (
            document_id, index, table.get("kind") or "other", table.get("title"), table_unit(table, record),
            bool(table.get("empty", False)), table.get("note"), len(table.get("rows") or []),
        )
        for index, table in enumerate(record.get("tables") or [])
    ]


def line_item_rows(document_id: str, record: Mapping[str, Any]) -> list[Row]:
    """Return one ``line_items`` row per non-null cell of every table of the record."""
    items: list[Row] = []
    for index, table in enumerate(record.get("tables") or []):
        items.extend(_table_line_items(document_id, index, table, table_unit(table, record)))
    return items


def _table_line_items(document_id: str, index: int, table: Mapping[str, Any], unit: str | None) -> list[Row]:
    rows = table.get("rows") or []
    kind = table.get("kind") or "other"
    items: list[Row] = []
    for row_index, (row, key) in enumerate(zip(rows, row_keys(rows), strict=True)):
        extras = {k: v for k, v in row.items() if k not in _ROW_FIELDS}
        provenance = _json_or_none(extras) if extras else None
        for value_key, amount in (row.get("values") or {}).items():
            if amount is None:
                continue
            items.append((
                document_id, index, kind, table.get("title"), row_index, key, row.get("side"),
                row.get("code"), row.get("name"), value_key, float(amount), unit, provenance,
            ))
    return items


def card_rows(document_id: str, record: Mapping[str, Any]) -> list[Row]:
    """Return one ``performance_cards`` row per card of the record."""
    return [_card_row(document_id, position, card) for position, card in _cards(record)]


def _card_row(document_id: str, position: int, card: Mapping[str, Any]) -> Row:
    budget = card.get("budget") or {}
    plan = card.get("spending_plan")
    plan_values = None if plan is None else [None if v is None else float(v) for v in plan]
    present = [v for v in plan_values or [] if v is not None]
    return (
        document_id, card_seq(position, card), card.get("project_name"), card.get("project_code"),
        _float_or_none(budget.get("total")), _float_or_none(budget.get("fiscal")),
        _float_or_none(budget.get("other")), card.get("fund_use"), plan_values,
        round(sum(present), 6) if present else None, _json_or_none(card.get("goals")),
        len(card.get("indicators") or []),
    )


def indicator_rows(document_id: str, record: Mapping[str, Any]) -> list[Row]:
    """Return one ``indicators`` row per indicator of every card of the record."""
    fields = INDICATOR_COLUMNS[3:]
    return [
        (document_id, card_seq(position, card), idx, *(indicator.get(field) for field in fields))
        for position, card in _cards(record)
        for idx, indicator in enumerate(card.get("indicators") or [])
    ]


def _cards(record: Mapping[str, Any]) -> list[tuple[int, Mapping[str, Any]]]:
    return list(enumerate(record.get("performance_cards") or []))


def narrative_rows(document_id: str, record: Mapping[str, Any]) -> list[Row]:
    """Return one ``narrative`` row per stated (non-null) narrative figure."""
    narrative = record.get("narrative") or {}
    return [(document_id, key, float(amount)) for key, amount in narrative.items() if amount is not None]


def finding_rows(document_id: str, findings: Sequence[Mapping[str, Any]]) -> list[Row]:
    """Return one ``findings`` row per finding dict; unknown keys or a missing ``rule_id`` raise."""
    return [_finding_row(document_id, finding) for finding in findings]


def _finding_row(document_id: str, finding: Mapping[str, Any]) -> Row:
    unknown = set(finding) - set(FINDING_KEYS)
    if unknown:
        raise ValueError(f"finding has unknown keys {sorted(unknown)}; allowed: {FINDING_KEYS}")
    if not finding.get("rule_id"):
        raise ValueError(f"finding without rule_id: {dict(finding)}")
    return (document_id, *(finding.get(key) for key in FINDING_KEYS))


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def _json_or_none(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)
