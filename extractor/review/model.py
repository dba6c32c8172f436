"""Corrections and their targets (pure data); the errors a review call raises are in ``errors``."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from extractor.review.errors import InvalidCorrection, NotFound, ReviewError

PARTS = ("table", "card", "document")
STATUSES = ("active", "undone", "stale")

#: Fields of a table target other than a value key.
ROW_FIELDS = ("name", "code", "side")
KIND, ADD_ROW, DELETE_ROW, PRINTED_AS_IS, ACCEPTED = "kind", "row", "delete_row", "printed_as_is", "accepted"
#: Fields that change no value (a mark on the record, not an edit).
MARKS = (PRINTED_AS_IS, ACCEPTED)
#: The row key of a row added by correction ``id`` (rows read by the extractor keep their contract row key).
ADDED_PREFIX = "+"


@dataclass(frozen=True)
class Target:
    """What a correction changes: a part (table by index, card by seq, or the document), a row of a table by its
    row key, and a field (a value key, name, code, side, kind, row, delete_row, printed_as_is, accepted; a dotted
    path into a card or the record for cards and the document)."""

    part: str
    table_index: int | None = None
    card_seq: int | None = None
    row_key: str | None = None
    field: str = ""

    def describe(self) -> str:
        """The target in words, for messages."""
        where = {"table": f"table {self.table_index}", "card": f"card {self.card_seq}"}.get(self.part, "document")
        row = f" row {self.row_key}" if self.row_key else ""
        return f"{where}{row} {self.field}".strip()


@dataclass(frozen=True)
class Correction:
    """One stored correction: its target, the extracted value it replaces (``old``), the new one, who and when,
    and its status (active, undone, or stale: the re-converted record no longer holds ``old`` there)."""

    id: int
    document_id: str
    part: str
    field: str
    table_index: int | None = None
    table_kind: str | None = None
    card_seq: int | None = None
    row_key: str | None = None
    old: Any = None
    new: Any = None
    who: str | None = None
    at: str | None = None
    status: str = "active"
    note: str | None = None

    @property
    def target(self) -> Target:
        """The correction's target."""
        return Target(self.part, self.table_index, self.card_seq, self.row_key, self.field)

    def as_dict(self) -> dict[str, Any]:
        """The correction as plain data (JSON-ready)."""
        return asdict(self)


__all__ = ["Correction", "InvalidCorrection", "NotFound", "ReviewError", "Target"]
