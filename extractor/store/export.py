"""Export the store: one Parquet or CSV file per table (DuckDB ``COPY``), or one record JSON per document."""

from __future__ import annotations

import json
from pathlib import Path

from extractor.store.database import Connection, open_store
from extractor.store.migrations import REVIEW_DERIVED

FORMATS = ("parquet", "csv", "records")

#: Tables written by a parquet/csv export, in this order: every table of the store (a test holds this list
#: to the store's own catalogue), the LLM answer cache, call ledger and migration history included, and the
#: reviewers' corrections with what the corrected records give (``review_*``; see store/corrections.py).
EXPORT_TABLES = (
    "documents", "tables", "line_items", "performance_cards", "indicators", "narrative", "findings", "verdicts",
    "runs", "llm_calls", "llm_cache", "schema_migrations", "corrections", "review_records",
    *(f"review_{name}" for name in REVIEW_DERIVED),
)


def export(db_path: str | Path, fmt: str, out_dir: str | Path) -> list[Path]:
    """Write the store at ``db_path`` to ``out_dir`` in ``fmt`` and return the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {FORMATS}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    con = open_store(db_path, read_only=True)
    try:
        if fmt == "records":
            return export_records(con, out)
        return [export_table(con, table, fmt, out) for table in EXPORT_TABLES]
    finally:
        con.close()


def export_table(con: Connection, table: str, fmt: str, out: Path) -> Path:
    """Copy one table to ``out/<table>.<fmt>`` and return the path."""
    if table not in EXPORT_TABLES:
        raise ValueError(f"not an exportable table: {table!r}")
    target = out / f"{table}.{fmt}"
    options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
    con.execute(f"COPY (SELECT * FROM {table} ORDER BY ALL) TO {_sql_string(target)} ({options})")
    return target


def export_records(con: Connection, out: Path) -> list[Path]:
    """Write each stored record as pretty-printed JSON named ``<source_name>.json``; return the paths.

    A record a reviewer corrected is written corrected (``v_records_corrected``: active corrections applied,
    verdicts re-checked); the others as extracted. Failed documents (no record) are skipped; a stem shared
    by two documents gets the start of the document_id appended so that neither file overwrites the other.
    """
    stored = con.execute(
        "SELECT source_name, document_id, record FROM v_records_corrected ORDER BY source_name, document_id"
    ).fetchall()
    written: list[Path] = []
    taken: set[str] = set()
    for source_name, document_id, record in stored:
        stem = source_name if source_name not in taken else f"{source_name}-{document_id[:12]}"
        taken.add(stem)
        target = out / f"{stem}.json"
        text = json.dumps(json.loads(record), ensure_ascii=False, indent=2)
        target.write_text(text + "\n", encoding="utf-8")
        written.append(target)
    return written


def _sql_string(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"
