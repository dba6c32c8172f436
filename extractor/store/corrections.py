"""Corrections in the store: add, list, undo; stale marking; the corrected record's derived rows.

``corrections`` holds every correction (never deleted; undone ones stay with status ``undone``). For each
document with active corrections the store also keeps what the corrected record gives — ``review_records``
(the corrected record, with its re-checked verdicts written in) and ``review_<table>`` rows shaped like the
extraction's own tables — recomputed after every change (``refresh``). The views ``v_<table>_corrected`` read
those where present, else the extraction's rows. Converting a document again (``write_document``) calls
``after_write``: the document's corrections follow it to its new id (a changed file gets a new content hash),
each is re-judged against the new extracted record (``review.reconcile``: stale when its cell changed) and the
derived rows are recomputed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from duckdb import DuckDBPyConnection

from extractor.record.keys import FINDING_KEYS
from extractor.review.apply import applied
from extractor.review.model import Correction
from extractor.review.recheck import Rechecked, recheck
from extractor.review.reconcile import statuses
from extractor.store import rows as flat
from extractor.store.migrations import REVIEW_DERIVED
from extractor.store.verdict_rows import VERDICT_COLUMNS, verdict_rows

CORRECTION_COLUMNS = (
    "id", "document_id", "part", "field", "table_index", "table_kind", "card_seq", "row_key", "old", "new", "who",
    "made_at", "status", "note",
)
_ROWS = {
    "tables": (flat.TABLE_COLUMNS, flat.table_rows),
    "line_items": (flat.LINE_ITEM_COLUMNS, flat.line_item_rows),
    "performance_cards": (flat.CARD_COLUMNS, flat.card_rows),
    "indicators": (flat.INDICATOR_COLUMNS, flat.indicator_rows),
    "narrative": (flat.NARRATIVE_COLUMNS, flat.narrative_rows),
    "verdicts": (VERDICT_COLUMNS, verdict_rows),
}


def insert_correction(con: DuckDBPyConnection, correction: Correction, source_path: str | None = None) -> Correction:
    """Store a new correction (its ``id`` and ``at`` are assigned here) and return it as stored."""
    at = datetime.now(timezone.utc).replace(tzinfo=None)
    row = con.execute(
        "INSERT INTO corrections (document_id, source_path, part, table_index, table_kind, card_seq, row_key, field, "
        "old, new, who, made_at, status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [correction.document_id, source_path, correction.part, correction.table_index, correction.table_kind,
         correction.card_seq, correction.row_key, correction.field, _json(correction.old), _json(correction.new),
         correction.who, at, correction.status, correction.note],
    ).fetchone()
    assert row is not None
    stored = get_correction(con, int(row[0]))
    assert stored is not None
    return stored


def list_corrections(con: DuckDBPyConnection, document_id: str) -> list[Correction]:
    """Every correction of a document (active, stale and undone), oldest first."""
    result = con.execute(
        f"SELECT {', '.join(CORRECTION_COLUMNS)} FROM corrections WHERE document_id = ? ORDER BY id", [document_id]
    ).fetchall()
    return [_correction(row) for row in result]


def get_correction(con: DuckDBPyConnection, correction_id: int) -> Correction | None:
    """The correction with this id, or None."""
    row = con.execute(f"SELECT {', '.join(CORRECTION_COLUMNS)} FROM corrections WHERE id = ?",
                      [correction_id]).fetchone()
    return None if row is None else _correction(row)


def set_status(con: DuckDBPyConnection, correction_id: int, status: str) -> None:
    """Set a correction's status (active, undone, stale)."""
    con.execute("UPDATE corrections SET status = ? WHERE id = ?", [status, correction_id])


def _correction(row: Sequence[Any]) -> Correction:
    values = dict(zip(CORRECTION_COLUMNS, row))
    values["old"], values["new"] = _unjson(values["old"]), _unjson(values["new"])
    at = values.pop("made_at")
    values["at"] = at.isoformat(sep=" ", timespec="seconds") if isinstance(at, datetime) else at
    return Correction(**values)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _unjson(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def extracted(con: DuckDBPyConnection, document_id: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """A document's extracted record (None for a failed conversion) and the findings stored at conversion."""
    row = con.execute("SELECT record FROM documents WHERE document_id = ?", [document_id]).fetchone()
    record = json.loads(row[0]) if row and row[0] else None
    found = con.execute(f"SELECT {', '.join(FINDING_KEYS)} FROM findings WHERE document_id = ?",
                        [document_id]).fetchall()
    return record, [dict(zip(FINDING_KEYS, f)) for f in found]


def refresh(con: DuckDBPyConnection, document_id: str,
            base: tuple[dict[str, Any] | None, Sequence[Mapping[str, Any]]] | None = None) -> Rechecked | None:
    """Re-judge the document's corrections against its extracted record (stale / active), apply the active ones,
    re-check, and rewrite its derived review rows; return the re-check (None when no correction is active).
    ``base``: the extracted record and findings when the caller has them (else read from the store)."""
    record, findings = base if base is not None else extracted(con, document_id)
    corrections = list_corrections(con, document_id)
    for correction_id, status in statuses(record, corrections).items():
        set_status(con, correction_id, status)
    active = [c for c in list_corrections(con, document_id) if c.status == "active"]
    _delete_derived(con, [document_id])
    if record is None or not active:
        return None
    checked = recheck(applied(record, active), findings)
    _write_derived(con, document_id, checked, active)
    return checked


def after_write(con: DuckDBPyConnection, document_id: str, source_path: str, replaced: Iterable[str],
                record: dict[str, Any] | None, findings: Sequence[Mapping[str, Any]]) -> None:
    """Called by ``write_document`` in its transaction: the corrections of the documents it replaced (the same
    file, or an earlier version read from the same path) follow the new document, and are re-judged."""
    old = [i for i in replaced if i != document_id]
    ids = [document_id, *old]
    marks = ", ".join("?" for _ in ids)
    (found,) = con.execute(f"SELECT count(*) FROM corrections WHERE document_id IN ({marks})", ids).fetchone() or (0,)
    if not found:  # the usual case in a bulk run: nothing reviewed, so no derived rows either
        return
    if old:
        marks = ", ".join("?" for _ in old)
        con.execute(f"UPDATE corrections SET document_id = ? WHERE document_id IN ({marks})", [document_id, *old])
        _delete_derived(con, old)
    (count,) = con.execute("SELECT count(*) FROM corrections WHERE document_id = ?", [document_id]).fetchone() or (0,)
    if count:
        refresh(con, document_id, (record, findings))
    else:
        _delete_derived(con, [document_id])


def _delete_derived(con: DuckDBPyConnection, document_ids: Sequence[str]) -> None:
    marks = ", ".join("?" for _ in document_ids)
    for table in ("records", *REVIEW_DERIVED):
        con.execute(f"DELETE FROM review_{table} WHERE document_id IN ({marks})", list(document_ids))


#: Which derived tables a correction of each part can change; the others are copies of the extraction's rows.
_CHANGES = {"table": ("tables", "line_items"), "card": ("performance_cards", "indicators"),
            "document": ("narrative",)}


def _write_derived(con: DuckDBPyConnection, document_id: str, checked: Rechecked,
                   active: Sequence[Correction]) -> None:
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    con.execute("INSERT INTO review_records VALUES (?, ?, ?, ?)",
                [document_id, json.dumps(checked.record, ensure_ascii=False), len(active), now])
    changed = {table for c in active for table in _CHANGES.get(c.part, ())} | {"verdicts"}
    for table, (columns, make_rows) in _ROWS.items():
        if table in changed:
            _insert(con, f"review_{table}", columns, make_rows(document_id, checked.record))
        else:  # untouched by every correction: the extraction's rows as they are (a 300-card filing: ~1 s less)
            con.execute(f"INSERT INTO review_{table} SELECT * FROM {table} WHERE document_id = ?", [document_id])
    _insert(con, "review_findings", flat.FINDING_COLUMNS, flat.finding_rows(document_id, checked.findings))


def _insert(con: DuckDBPyConnection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from extractor.store.database import sql_literal  # database calls after_write: imported when used

    for start in range(0, len(rows), 500):
        values = ", ".join("(" + ", ".join(sql_literal(v) for v in row) + ")" for row in rows[start:start + 500])
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values}")
