"""Apply a document's active corrections to its extracted record (pure): the corrected record, and what the
corrections touched (which rows, cells, cards and marks), for the re-check and the review views.

Corrections apply in the order they were made (by id), so the latest correction of a cell wins and undoing it
brings back the one before. The extracted record is never changed: a new record is returned.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from extractor.record.keys import card_seq, row_keys
from extractor.review.cells import cards, set_path, table_rows, tables
from extractor.review.model import (
    ACCEPTED,
    ADD_ROW,
    ADDED_PREFIX,
    DELETE_ROW,
    KIND,
    PRINTED_AS_IS,
    ROW_FIELDS,
    Correction,
    ReviewError,
)


@dataclass(frozen=True)
class Mark:
    """A value the reviewer marked "printed this way": the filing's own figure, not an extraction mistake."""

    part: str
    index: int | None  # table index or card seq
    row_key: str | None  # the row's target key (tables)
    value_key: str | None  # None: the whole row or card


@dataclass
class Applied:
    """A corrected record and what its corrections touched."""

    record: dict[str, Any]
    #: table index → the target key of each of its rows, in corrected order ("+<id>" for an added row)
    row_targets: dict[int, list[str]] = field(default_factory=dict)
    #: (table index, target key) → fields changed ('name', 'total', …, 'row' for an added row)
    changed: dict[tuple[int, str], list[str]] = field(default_factory=dict)
    #: table index → the row keys (extracted) of rows deleted
    deleted: dict[int, list[str]] = field(default_factory=dict)
    #: table index → its extracted kind, for tables whose kind was corrected
    kind_changed: dict[int, str] = field(default_factory=dict)
    #: card seq → the fields changed
    card_changes: dict[int, list[str]] = field(default_factory=dict)
    marks: list[Mark] = field(default_factory=list)
    accepted: set[tuple[str, int | None]] = field(default_factory=set)
    #: ids of corrections whose target the record no longer has (they changed nothing)
    unapplied: list[int] = field(default_factory=list)

    def touched_rows(self, index: int) -> set[str]:
        """Target keys of the rows of table ``index`` that a correction changed, added or marked."""
        keys = {key for (i, key) in self.changed if i == index}
        return keys | {m.row_key for m in self.marks if m.part == "table" and m.index == index and m.row_key}


def apply_corrections(record: Mapping[str, Any], corrections: Iterable[Correction]) -> dict[str, Any]:
    """Return the record with the active ``corrections`` applied (in id order); the input is not changed."""
    return applied(record, corrections).record


def applied(record: Mapping[str, Any], corrections: Iterable[Correction]) -> Applied:
    """Apply the active corrections in id order and say what they touched (see Applied)."""
    # Copies only down to what a correction replaces (a row, its values, a card): the input is never changed,
    # and the output shares the untouched rows with it (deep-copying a 300-card record took most of a second).
    out = dict(record)
    table_list = [dict(t) for t in tables(out)]
    entries: dict[int, list[list[Any]]] = {
        i: [[key, dict(row)] for key, row in zip(row_keys(table_rows(t)), table_rows(t))]
        for i, t in enumerate(table_list)}
    card_list = [dict(c) for c in cards(out)]
    result = Applied(out)
    for correction in sorted((c for c in corrections if c.status == "active"), key=lambda c: c.id):
        try:
            if correction.part == "table":
                _apply_table(correction, table_list, entries, result)
            elif correction.part == "card":
                _apply_card(correction, card_list, result)
            else:
                _apply_document(correction, result)
        except (ReviewError, LookupError, TypeError):
            result.unapplied.append(correction.id)
    for index, table in enumerate(table_list):
        table["rows"] = [row for _, row in entries[index]]
        result.row_targets[index] = [key for key, _ in entries[index]]
    out["tables"] = table_list
    if "performance_cards" in out:
        out["performance_cards"] = card_list
    return result


def _apply_table(c: Correction, table_list: list[dict[str, Any]], entries: dict[int, list[list[Any]]],
                 result: Applied) -> None:
    index = c.table_index
    if index is None or not 0 <= index < len(table_list):
        raise LookupError(index)
    rows = entries[index]
    if c.field == KIND:
        result.kind_changed.setdefault(index, str(table_list[index].get("kind")))
        table_list[index]["kind"] = c.new
    elif c.field == ACCEPTED:
        result.accepted.add(("table", index))
    elif c.field == ADD_ROW:
        key = f"{ADDED_PREFIX}{c.id}"
        row = {**copy.deepcopy(c.new), "provenance": {"method": "review", "correction": c.id}}
        at = len(rows) if c.row_key is None else _position(rows, c.row_key) + 1
        rows.insert(at, [key, row])
        result.changed.setdefault((index, key), []).append(ADD_ROW)
        table_list[index]["empty"] = False
    elif c.field == DELETE_ROW:
        del rows[_position(rows, c.row_key)]
        result.deleted.setdefault(index, []).append(str(c.row_key))
    elif c.field == PRINTED_AS_IS:
        _position(rows, c.row_key)
        result.marks.append(Mark("table", index, c.row_key, c.new))
    else:
        row = rows[_position(rows, c.row_key)][1]
        if c.field in ROW_FIELDS:
            row[c.field] = c.new
        else:
            row["values"] = {**(row.get("values") or {}), c.field: c.new}
        result.changed.setdefault((index, str(c.row_key)), []).append(c.field)


def _position(rows: list[list[Any]], key: str | None) -> int:
    for position, (row_key, _) in enumerate(rows):
        if row_key == key:
            return position
    raise LookupError(key)


def _apply_card(c: Correction, card_list: list[dict[str, Any]], result: Applied) -> None:
    position = next((i for i, card in enumerate(card_list) if card_seq(i, card) == c.card_seq), None)
    if position is None:
        raise LookupError(c.card_seq)
    seq = int(c.card_seq or 0)
    if c.field == ACCEPTED:
        result.accepted.add(("card", seq))
    elif c.field == PRINTED_AS_IS:
        result.marks.append(Mark("card", seq, None, c.new))
    else:
        card_list[position] = set_path(card_list[position], c.field, c.new)
        result.card_changes.setdefault(seq, []).append(c.field)


def _apply_document(c: Correction, result: Applied) -> None:
    if c.field == ACCEPTED:
        result.accepted.add(("document", None))
        return
    head, _, rest = c.field.partition(".")
    if not rest or head not in result.record:
        raise LookupError(c.field)
    result.record[head] = set_path(result.record[head], rest, c.new)
