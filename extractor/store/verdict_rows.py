"""Flatten the verdicts written into a record (``validate.verdicts.with_verdicts``) into rows of the store's
``verdicts`` table: one for the document, one per table, one per card (pure, no database)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Row = tuple[Any, ...]

VERDICT_COLUMNS = (
    "document_id", "part", "table_index", "card_seq", "kind", "title", "status", "cause", "reasons",
)


def _row(document_id: str, part: str, index: int | None, seq: int | None, kind: str | None, title: str | None,
         verdict: Any) -> Row | None:
    if not isinstance(verdict, Mapping) or not verdict.get("status"):
        return None
    reasons = [str(r) for r in verdict.get("reasons") or []]
    return (document_id, part, index, seq, kind, title, verdict["status"], verdict.get("cause"), reasons)


def verdict_rows(document_id: str, record: Mapping[str, Any] | None) -> list[Row]:
    """Return the verdict rows of a record; none for a record without verdicts."""
    record = record or {}
    rows = [_row(document_id, "document", None, None, None, None, record.get("verdict"))]
    for index, table in enumerate(t for t in record.get("tables") or [] if isinstance(t, Mapping)):
        rows.append(_row(document_id, "table", index, None, table.get("kind"), table.get("title"),
                         table.get("verdict")))
    for position, card in enumerate(c for c in record.get("performance_cards") or [] if isinstance(c, Mapping)):
        seq = card.get("seq") if isinstance(card.get("seq"), int) else position + 1
        rows.append(_row(document_id, "card", None, seq, "performance_card", card.get("project_name"),
                         card.get("verdict")))
    return [row for row in rows if row is not None]
