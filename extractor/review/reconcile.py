"""Which corrections still fit a document's extracted record (pure).

A correction remembers the extracted value it replaced (``old``), keyed by document and cell. When the same
file is converted again, its extracted record is the same and every correction still applies. When a changed
file replaces it (its rows re-read), a correction whose table, row or field is gone, or whose cell now holds a
value other than ``old``, no longer fits: it is marked ``stale`` — kept for review, not applied, not dropped. A
stale correction that fits again (the earlier file converted once more) becomes ``active`` again. An added row
is stale once the extractor reads a row of the same key itself; a change to an added row follows that row's
correction. Undone corrections stay undone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from extractor.record.keys import base_row_key, row_keys
from extractor.review.cells import extracted_value, same_value, table_at, table_rows
from extractor.review.model import ADD_ROW, ADDED_PREFIX, KIND, Correction, ReviewError


def fits(record: Mapping[str, Any], correction: Correction) -> bool:
    """True when the extracted ``record`` still holds, at the correction's target, the value it replaced."""
    try:
        if correction.part == "table":
            table = table_at(record, correction.table_index)
            if correction.field != KIND and correction.table_kind and table.get("kind") != correction.table_kind:
                return False
            if correction.field == ADD_ROW and isinstance(correction.new, Mapping):
                keys = set(row_keys(table_rows(table)))
                if base_row_key(correction.new) in keys:
                    return False
        current = extracted_value(record, correction.target)
    except (ReviewError, LookupError, TypeError):
        return False
    return same_value(current, correction.old)


def statuses(record: Mapping[str, Any] | None, corrections: Iterable[Correction]) -> dict[int, str]:
    """The status each correction should have against the extracted ``record`` (None: a conversion that failed —
    nothing fits); only corrections whose status changes are returned."""
    changes: dict[int, str] = {}
    live: set[str] = set()  # the row keys of added rows whose correction stays active
    for correction in sorted(corrections, key=lambda c: c.id):
        if correction.status == "undone":
            continue
        if correction.row_key and correction.row_key.startswith(ADDED_PREFIX):
            fitting = record is not None and correction.row_key in live  # a change to a row a correction added
        else:
            fitting = record is not None and fits(record, correction)
        status = "active" if fitting else "stale"
        if fitting and correction.field == ADD_ROW:
            live.add(f"{ADDED_PREFIX}{correction.id}")
        if status != correction.status:
            changes[correction.id] = status
    return changes
