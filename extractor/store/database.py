"""The DuckDB store: open with migrations, write one converted document atomically, record runs, query.

A document is keyed by the content hash of its source bytes, so converting the same file again
replaces its rows instead of adding new ones, and a file changed on disk replaces its old version.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

from extractor.store import rows as flat
from extractor.store.errors import StoreError, StoreLockedError
from extractor.store.migrations import SchemaError, apply_migrations, pending_migrations
from extractor.store.verdict_rows import VERDICT_COLUMNS, verdict_rows

Connection = duckdb.DuckDBPyConnection

STATUSES = ("ok", "partial", "failed")

DOCUMENT_COLUMNS = (
    "document_id", "source_path", "source_name", "agency_code", "agency_name", "fiscal_year",
    "budget_level", "currency_unit", "status", "error", "extractor", "extractor_version", "pages",
    "seconds_total", "timings", "record", "converted_at", "run_id",
)

#: Tables holding a document's child rows, deleted when the document is replaced.
CHILD_TABLES = ("tables", "line_items", "performance_cards", "indicators", "narrative", "findings", "verdicts")


class QueryError(RuntimeError):
    """A query against the store failed (bad SQL, a write on a read-only store, a missing file)."""


@dataclass(frozen=True)
class StoredDocument:
    """One converted (or failed) source document, ready to be written to the store."""

    document_id: str
    source_path: str
    source_name: str
    status: str
    error: str | None = None
    extractor: str | None = None
    extractor_version: str | None = None
    pages: int | None = None
    seconds_total: float | None = None
    timings: dict[str, float] = field(default_factory=dict)
    record: dict[str, Any] | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    run_id: str | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")
        if self.record is None and self.status != "failed":
            raise ValueError(f"a document without a record must have status 'failed', got {self.status!r}")


def open_store(path: str | Path, read_only: bool = False) -> Connection:
    """Open (creating if needed) the store at ``path`` and apply pending migrations.

    A read-only store is never migrated: it must already be at the latest schema version. A file
    another process is writing raises StoreLockedError, any other file that cannot be opened as a
    store a StoreError (a SchemaError for a schema this code cannot use); each names the file.
    """
    if read_only:
        con = connect(path, read_only=True)
        if pending_migrations(con):
            con.close()
            raise SchemaError(f"{path} needs migrating: open it once read-write")
        return con
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = connect(path)
    try:
        apply_migrations(con)
    except SchemaError as error:
        con.close()
        raise SchemaError(f"{path}: {error}") from error
    return con


def connect(path: str | Path, read_only: bool = False) -> Connection:
    """Open the DuckDB file at ``path``; DuckDB's refusal becomes a one-line StoreError naming the file."""
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as error:
        raise store_error(path, error) from error


_LOCK_HOLDER = re.compile(r"\(PID (\d+)\)")


def store_error(path: str | Path, error: Exception) -> StoreError:
    """Return the StoreError that says in one line why DuckDB could not open ``path``."""
    text = str(error)
    if "lock" in text.lower():
        holder = _LOCK_HOLDER.search(text)
        pid = f"PID {holder.group(1)}: " if holder else ""
        return StoreLockedError(f"{path} is in use by another process ({pid}a running yusuan convert?)")
    if "not a valid DuckDB database" in text or "not a DuckDB" in text:
        return StoreError(f"{path} is not a DuckDB database file")
    return StoreError(f"{path}: cannot open the store ({text.splitlines()[0] if text else type(error).__name__})")


def write_document(con: Connection, doc: StoredDocument) -> None:
    """Replace the stored version(s) of ``doc`` with it, in one transaction.

    Removes the rows of the same document_id and of any earlier document read from the same
    source_path, then inserts the new rows; any exception rolls everything back and is re-raised.
    Reviewers' corrections are kept: they follow the document and are re-judged (``corrections.after_write``).
    """
    from extractor.store.corrections import after_write  # corrections uses this module's helpers

    con.begin()
    try:
        replaced = _delete_previous(con, doc.document_id, doc.source_path)
        _upsert_document(con, doc)
        if doc.record is not None:
            _insert_children(con, doc.document_id, doc.record, doc.findings)
        after_write(con, doc.document_id, doc.source_path, replaced, doc.record, doc.findings)
        con.commit()
    except BaseException:
        con.rollback()
        raise


def _delete_previous(con: Connection, document_id: str, source_path: str) -> list[str]:
    """Delete the child rows of the stored versions of a document (corrections are kept); return their ids."""
    ids = [row[0] for row in con.execute(
        "SELECT document_id FROM documents WHERE document_id = ? OR source_path = ?",
        [document_id, source_path],
    ).fetchall()]
    for old_id in ids:
        for table in CHILD_TABLES:
            con.execute(f"DELETE FROM {table} WHERE document_id = ?", [old_id])
        # The row keyed document_id itself is overwritten by the upsert: DuckDB before 1.2 rejects
        # deleting and re-inserting one primary key inside a transaction.
        if old_id != document_id:
            con.execute("DELETE FROM documents WHERE document_id = ?", [old_id])
    return ids


def _upsert_document(con: Connection, doc: StoredDocument) -> None:
    values = ", ".join(sql_literal(v) for v in _document_row(doc))
    con.execute(f"INSERT OR REPLACE INTO documents ({', '.join(DOCUMENT_COLUMNS)}) VALUES ({values})")


def _insert_children(
    con: Connection, document_id: str, record: dict[str, Any], findings: Sequence[dict[str, Any]]
) -> None:
    _insert_rows(con, "tables", flat.TABLE_COLUMNS, flat.table_rows(document_id, record))
    _insert_rows(con, "line_items", flat.LINE_ITEM_COLUMNS, flat.line_item_rows(document_id, record))
    _insert_rows(con, "performance_cards", flat.CARD_COLUMNS, flat.card_rows(document_id, record))
    _insert_rows(con, "indicators", flat.INDICATOR_COLUMNS, flat.indicator_rows(document_id, record))
    _insert_rows(con, "narrative", flat.NARRATIVE_COLUMNS, flat.narrative_rows(document_id, record))
    _insert_rows(con, "findings", flat.FINDING_COLUMNS, flat.finding_rows(document_id, findings))
    _insert_rows(con, "verdicts", VERDICT_COLUMNS, verdict_rows(document_id, record))


_ROWS_PER_STATEMENT = 500


def sql_literal(value: Any) -> str:
    """Return a DuckDB SQL literal for a stored value (text quoted, lists as list literals)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "NULL"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(sql_literal(v) for v in value) + "]"
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    return "'" + str(value).replace("'", "''") + "'"


def _insert_rows(con: Connection, table: str, columns: Sequence[str], rows: Sequence[flat.Row]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table``; nothing to do for no rows."""
    for start in range(0, len(rows), _ROWS_PER_STATEMENT):
        chunk = rows[start:start + _ROWS_PER_STATEMENT]
        # One multi-row INSERT of SQL literals: DuckDB's Python parameter binding (and executemany)
        # costs far more per value than the insert itself.
        values = ", ".join("(" + ", ".join(sql_literal(v) for v in row) + ")" for row in chunk)
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values}")


def _document_row(doc: StoredDocument) -> flat.Row:
    fields = flat.document_fields(doc.record)
    record_json = None if doc.record is None else json.dumps(doc.record, ensure_ascii=False)
    return (
        doc.document_id, str(doc.source_path), doc.source_name, fields["agency_code"],
        fields["agency_name"], fields["fiscal_year"], fields["budget_level"], fields["currency_unit"],
        doc.status, doc.error, doc.extractor, doc.extractor_version, doc.pages, doc.seconds_total,
        json.dumps(doc.timings, ensure_ascii=False), record_json, _utc_now(), doc.run_id,
    )


def stored_hashes(con: Connection) -> dict[str, tuple[str, str | None, str]]:
    """Return ``source_path -> (document_id, extractor_version, status)`` of every stored document."""
    result = con.execute(
        "SELECT source_path, document_id, extractor_version, status FROM documents ORDER BY converted_at"
    ).fetchall()
    return {path: (document_id, version, status) for path, document_id, version, status in result}


def stored_documents(con: Connection) -> dict[str, tuple[str | None, str | None, str]]:
    """Return ``document_id -> (extractor, extractor_version, status)`` of every stored document."""
    result = con.execute("SELECT document_id, extractor, extractor_version, status FROM documents").fetchall()
    return {document_id: (extractor, version, status) for document_id, extractor, version, status in result}


def start_run(con: Connection, command: str, extractor: str | None) -> str:
    """Record the start of a batch run and return its new run_id."""
    run_id = uuid.uuid4().hex
    con.execute(
        "INSERT INTO runs (run_id, started_at, command, extractor) VALUES (?, ?, ?, ?)",
        [run_id, _utc_now(), command, extractor],
    )
    return run_id


def finish_run(
    con: Connection,
    run_id: str,
    *,
    files_total: int,
    converted: int,
    failed: int,
    seconds: float | None = None,
) -> None:
    """Record the end of run ``run_id`` with its counts; ``seconds`` defaults to the wall time since start."""
    finished = _utc_now()
    started = con.execute("SELECT started_at FROM runs WHERE run_id = ?", [run_id]).fetchone()
    if started is None:
        raise KeyError(f"no run {run_id!r}")
    elapsed = seconds if seconds is not None else (finished - started[0]).total_seconds()
    con.execute(
        "UPDATE runs SET finished_at = ?, files_total = ?, converted = ?, failed = ?, seconds = ? "
        "WHERE run_id = ?",
        [finished, files_total, converted, failed, elapsed, run_id],
    )


def query(db_path: str | Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one SQL statement on a read-only connection to the store; return (column names, rows).

    Writes are rejected by DuckDB's read-only mode; SQL that is not exactly one statement and every
    database error become a QueryError; a store that cannot be opened (locked by a writer) a StoreError.
    """
    if not Path(db_path).exists():
        raise QueryError(f"no store at {db_path}")
    with connect(db_path, read_only=True) as con:
        try:
            statements = len(con.extract_statements(sql))
            if statements != 1:
                raise QueryError(f"give exactly one SQL statement, got {statements or 'none'}")
            cursor = con.execute(sql)
            if cursor.description is None:
                return [], []
            return [column[0] for column in cursor.description], cursor.fetchall()
        except duckdb.Error as error:
            raise QueryError(f"query failed: {error}") from error


def _utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
