"""What a store must look like after any run, killed or not: counts, orphans, duplicates, content."""

from __future__ import annotations

from pathlib import Path

import duckdb

CHILD_TABLES = ("tables", "line_items", "performance_cards", "indicators", "narrative", "findings", "verdicts")
#: Columns that differ between two runs of the same input (when and by which run).
VOLATILE = {"converted_at", "run_id", "seconds_total", "timings"}


def _connect(db: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(db), read_only=True)


def migrated(db: Path) -> bool:
    """Return True once the store's tables exist (a run killed while creating it leaves none)."""
    with _connect(db) as con:
        return bool(con.execute("select count(*) from information_schema.tables where table_name = 'documents'")
                    .fetchone()[0])


def counts(db: Path) -> dict[str, int]:
    """Return the row count of documents and of every child table."""
    with _connect(db) as con:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("documents", *CHILD_TABLES)}


def orphans(db: Path) -> dict[str, int]:
    """Return, per child table, the rows whose document is not stored (must all be 0)."""
    with _connect(db) as con:
        return {t: con.execute(f"select count(*) from {t} where document_id not in "
                               "(select document_id from documents)").fetchone()[0] for t in CHILD_TABLES}


def duplicate_documents(db: Path) -> int:
    """Return how many documents share a source path with another (must be 0)."""
    with _connect(db) as con:
        return con.execute("select count(*) - count(distinct source_path) from documents").fetchone()[0]


def fingerprint(db: Path) -> dict[str, list[tuple]]:
    """Return every table's rows as sorted tuples, without the columns that vary between runs."""
    with _connect(db) as con:
        result = {}
        for table in ("documents", *CHILD_TABLES):
            columns = [c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_name = ? order by ordinal_position",
                [table]).fetchall() if c not in VOLATILE]
            rows = con.execute(f"select {', '.join(columns)} from {table}").fetchall()
            result[table] = sorted(tuple(map(str, row)) for row in rows)
        return result


def rows_per_document(db: Path, table: str = "line_items") -> dict[str, int]:
    """Return document_id -> number of rows in ``table`` (documents without rows are absent)."""
    with _connect(db) as con:
        return dict(con.execute(f"select document_id, count(*) from {table} group by 1").fetchall())
