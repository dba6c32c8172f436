"""Corrections and their targets (pure data), and the errors a review call raises."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

PARTS = ("table", "card", "document")
STATUSES = ("active", "undone", "stale")

#: Fields of a table target other than a value key.
ROW_FIELDS = ("name", "code", "side")
KIND, ADD_ROW, DELETE_ROW, PRINTED_AS_IS, ACCEPTED = "kind", "row", "delete_row", "printed_as_is", "accepted"
#: Fields that change no value (a mark on the record, not an edit).
MARKS = (PRINTED_AS_IS, ACCEPTED)
#: The row key of a row added by correction ``id`` (rows read by the extractor keep their contract row key).
ADDED_PREFIX = "+"


class ReviewError(Exception):
    """A review call cannot be done; the message says why in one line."""


class NotFound(ReviewError):
    """An unknown document, table, card, row, correction or page (the app answers 404)."""


class InvalidCorrection(ReviewError):
    """A correction the record cannot take: a non-number in an amount cell, a field the part lacks, a record
    that fails its schema once changed (nothing is stored)."""


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
