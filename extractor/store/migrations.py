"""Ordered, versioned schema migrations for the DuckDB store (pattern: simonw/llm ``migrations.py``).

Each migration is a list of SQL statements applied in one transaction together with its row in
``schema_migrations``; a migration, once released, is never edited: change the schema by appending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from duckdb import DuckDBPyConnection

from extractor.store.errors import StoreError


@dataclass(frozen=True)
class Migration:
    """One schema step: its version number, a short name and the SQL statements it runs."""

    version: int
    name: str
    statements: tuple[str, ...]


_CORE_TABLES = (
    """
    CREATE TABLE documents (
        document_id TEXT PRIMARY KEY,
        source_path TEXT NOT NULL,
        source_name TEXT NOT NULL,
        agency_code TEXT,
        agency_name TEXT,
        fiscal_year INTEGER,
        budget_level TEXT,
        currency_unit TEXT,
        status TEXT NOT NULL CHECK (status IN ('ok', 'partial', 'failed')),
        error TEXT,
        extractor TEXT,
        extractor_version TEXT,
        pages INTEGER,
        seconds_total DOUBLE,
        timings JSON,
        record JSON,
        converted_at TIMESTAMP NOT NULL,
        run_id TEXT
    )
    """,
    """
    CREATE TABLE tables (
        document_id TEXT NOT NULL,
        table_index INTEGER NOT NULL,
        kind TEXT NOT NULL,
        title TEXT,
        unit TEXT,
        empty BOOLEAN NOT NULL,
        note TEXT,
        row_count INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE line_items (
        document_id TEXT NOT NULL,
        table_index INTEGER NOT NULL,
        table_kind TEXT NOT NULL,
        table_title TEXT,
        row_index INTEGER NOT NULL,
        row_key TEXT NOT NULL,
        side TEXT,
        code TEXT,
        name TEXT,
        value_key TEXT NOT NULL,
        amount DOUBLE NOT NULL,
        unit TEXT,
        provenance JSON
    )
    """,
    """
    CREATE TABLE performance_cards (
        document_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        project_name TEXT,
        project_code TEXT,
        budget_total DOUBLE,
        budget_fiscal DOUBLE,
        budget_other DOUBLE,
        fund_use TEXT,
        spending_plan DOUBLE[],
        spending_plan_sum DOUBLE,
        goals JSON,
        indicator_count INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE indicators (
        document_id TEXT NOT NULL,
        card_seq INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        level1 TEXT,
        level2 TEXT,
        level3 TEXT,
        description TEXT,
        value TEXT,
        basis TEXT
    )
    """,
    """
    CREATE TABLE narrative (
        document_id TEXT NOT NULL,
        key TEXT NOT NULL,
        amount DOUBLE
    )
    """,
    """
    CREATE TABLE findings (
        document_id TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        severity TEXT,
        table_kind TEXT,
        row_key TEXT,
        value_key TEXT,
        expected DOUBLE,
        actual DOUBLE,
        difference DOUBLE,
        page INTEGER,
        message TEXT
    )
    """,
    """
    CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        command TEXT,
        extractor TEXT,
        files_total INTEGER,
        converted INTEGER,
        failed INTEGER,
        seconds DOUBLE
    )
    """,
)

_VIEWS = (
    # Project expenditure of each document: the 合计 row of its 支出总表.
    """
    CREATE VIEW v_project_spending AS
    SELECT d.document_id, d.source_name, d.agency_name, d.fiscal_year,
           li.amount AS project_total, li.unit
    FROM documents AS d
    JOIN line_items AS li ON li.document_id = d.document_id
    WHERE li.table_kind = 'expenditure_summary' AND li.code IS NULL AND li.name = '合计'
      AND li.value_key = 'project'
    """,
    # Cards whose 资金支出计划 does not reach the budget. A non-decreasing plan is cumulative (it
    # reaches its largest value), any other plan is a list of instalments (it reaches their sum).
    # Some filings print the plan in percent: when every plan of a document (two or more) peaks at
    # exactly 100, its plans are read as percentages and must reach 100 instead of budget_total.
    """
    CREATE VIEW v_card_plan_gaps AS
    WITH points AS (
        SELECT document_id, seq,
               unnest(spending_plan) AS amount, generate_subscripts(spending_plan, 1) AS position
        FROM performance_cards
    ),
    steps AS (
        SELECT document_id, seq, amount,
               amount < lag(amount) OVER (PARTITION BY document_id, seq ORDER BY position) AS falls
        FROM points
        WHERE amount IS NOT NULL
    ),
    reach AS (
        SELECT document_id, seq, max(amount) AS peak,
               NOT coalesce(bool_or(falls), false) AS cumulative,
               CASE WHEN coalesce(bool_or(falls), false) THEN sum(amount) ELSE max(amount) END
                   AS plan_reach
        FROM steps
        GROUP BY document_id, seq
    ),
    plan_units AS (
        SELECT document_id, count(*) >= 2 AND bool_and(peak = 100) AS percent
        FROM reach
        GROUP BY document_id
    ),
    targets AS (
        SELECT c.document_id, c.seq, c.project_name, c.project_code, c.budget_total, c.spending_plan,
               r.cumulative, r.plan_reach, u.percent,
               CASE WHEN u.percent THEN 100.0 ELSE c.budget_total END AS target
        FROM performance_cards AS c
        JOIN reach AS r ON r.document_id = c.document_id AND r.seq = c.seq
        JOIN plan_units AS u ON u.document_id = c.document_id
        WHERE c.budget_total IS NOT NULL
    )
    SELECT d.document_id, d.source_name, d.agency_name, d.fiscal_year, t.seq, t.project_name,
           t.project_code, t.budget_total, t.spending_plan,
           CASE WHEN t.percent THEN '%' ELSE d.currency_unit END AS plan_unit,
           t.cumulative, t.plan_reach, t.target, round(t.target - t.plan_reach, 2) AS shortfall
    FROM targets AS t
    JOIN documents AS d ON d.document_id = t.document_id
    WHERE t.plan_reach < t.target - 0.005
    """,
)

_LLM_TABLES = (
    """
    CREATE TABLE llm_cache (
        cache_key TEXT PRIMARY KEY,
        answer TEXT NOT NULL,
        created_at TIMESTAMP NOT NULL
    )
    """,
    """
    CREATE TABLE llm_calls (
        run_id TEXT,
        document_id TEXT,
        region TEXT,
        prompt_name TEXT,
        prompt_version TEXT,
        model TEXT,
        region_hash TEXT,
        attempt INTEGER,
        tokens_in INTEGER,
        tokens_out INTEGER,
        latency_s DOUBLE,
        outcome TEXT,
        called_at TIMESTAMP
    )
    """,
)

def _not_verified_view(name: str, verdicts: str) -> str:
    """The parts a user must look at: every table and card of ``verdicts`` that is not verified, with its
    document (over the extraction's verdicts, or the corrected ones)."""
    return f"""
    CREATE VIEW {name} AS
    SELECT d.source_name, v.part, v.kind, v.table_index, v.card_seq, v.title, v.status, v.cause, v.reasons,
           v.document_id
    FROM {verdicts} AS v
    JOIN documents AS d ON d.document_id = v.document_id
    WHERE v.part <> 'document' AND v.status <> 'verified'
    """


_VERDICTS = (
    # One row per document, table and card: verified / unverified / failed, the cause of a failure
    # (filing: its own figures do not add up; extraction: the record differs from the print) and why.
    """
    CREATE TABLE verdicts (
        document_id TEXT NOT NULL,
        part TEXT NOT NULL,
        table_index INTEGER,
        card_seq INTEGER,
        kind TEXT,
        title TEXT,
        status TEXT NOT NULL,
        cause TEXT,
        reasons TEXT[]
    )
    """,
    # The parts a user must look at: every table and card that is not verified, with its document.
    _not_verified_view("v_not_verified", "verdicts"),
)

#: Tables derived from a corrected record (one set of rows per document that has active corrections), shaped
#: like the extraction's own tables; and the views that read corrected values where present.
REVIEW_DERIVED = ("tables", "line_items", "performance_cards", "indicators", "narrative", "findings", "verdicts")

_CORRECTIONS = (
    "CREATE SEQUENCE corrections_id START 1",
    # A reviewer's correction of one cell, row, table kind, card or document field. It never overwrites the
    # extracted value: ``old`` is what the extraction holds there, ``new`` what the reviewer says; the stored
    # record stays as extracted. Kept when the document is converted again (keyed by document and cell).
    """
    CREATE TABLE corrections (
        id BIGINT PRIMARY KEY DEFAULT nextval('corrections_id'),
        document_id TEXT NOT NULL,
        source_path TEXT,
        part TEXT NOT NULL CHECK (part IN ('table', 'card', 'document')),
        table_index INTEGER,
        table_kind TEXT,
        card_seq INTEGER,
        row_key TEXT,
        field TEXT NOT NULL,
        old JSON,
        new JSON,
        who TEXT,
        made_at TIMESTAMP NOT NULL,  -- when (a column named at would need quoting: AT is an SQL keyword)
        status TEXT NOT NULL CHECK (status IN ('active', 'undone', 'stale')),
        note TEXT
    )
    """,
    """
    CREATE TABLE review_records (
        document_id TEXT PRIMARY KEY,
        record JSON NOT NULL,
        corrections INTEGER NOT NULL,
        rechecked_at TIMESTAMP NOT NULL
    )
    """,
    *(f"CREATE TABLE review_{name} AS SELECT * FROM {name} LIMIT 0" for name in REVIEW_DERIVED),
    *(f"""
    CREATE VIEW v_{name}_corrected AS
    SELECT * FROM review_{name}
    UNION ALL
    SELECT * FROM {name} WHERE document_id NOT IN (SELECT document_id FROM review_records)
    """ for name in REVIEW_DERIVED),
    """
    CREATE VIEW v_records_corrected AS
    SELECT d.document_id, d.source_name, coalesce(r.record, d.record) AS record,
           r.document_id IS NOT NULL AS corrected
    FROM documents AS d
    LEFT JOIN review_records AS r ON r.document_id = d.document_id
    WHERE d.record IS NOT NULL
    """,
    _not_verified_view("v_not_verified_corrected", "v_verdicts_corrected"),
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "core_tables", _CORE_TABLES),
    Migration(2, "views", _VIEWS),
    Migration(3, "llm_cache_and_ledger", _LLM_TABLES),
    Migration(4, "verdicts", _VERDICTS),
    Migration(5, "corrections", _CORRECTIONS),
)

LATEST_VERSION = MIGRATIONS[-1].version

_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    applied_at TIMESTAMP NOT NULL
)
"""


class SchemaError(StoreError):
    """The database's schema cannot be used by this version of the code."""


def applied_versions(con: DuckDBPyConnection) -> set[int]:
    """Return the migration versions recorded in ``schema_migrations`` (empty for a new database)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()
    if not exists or not exists[0]:
        return set()
    return {version for (version,) in con.execute("SELECT version FROM schema_migrations").fetchall()}


def pending_migrations(con: DuckDBPyConnection) -> list[Migration]:
    """Return the migrations not yet applied, in order; raise if the database is newer than the code."""
    done = applied_versions(con)
    unknown = done - {m.version for m in MIGRATIONS}
    if unknown:
        raise SchemaError(
            f"database has schema versions {sorted(unknown)} unknown to this code (latest {LATEST_VERSION})"
        )
    return [m for m in MIGRATIONS if m.version not in done]


def apply_migrations(con: DuckDBPyConnection) -> list[int]:
    """Apply every pending migration, each in its own transaction; return the versions applied."""
    con.execute(_BOOKKEEPING)
    applied: list[int] = []
    for migration in pending_migrations(con):
        _apply_one(con, migration)
        applied.append(migration.version)
    return applied


def _apply_one(con: DuckDBPyConnection, migration: Migration) -> None:
    con.begin()
    try:
        for statement in migration.statements:
            con.execute(statement)
        applied_at = datetime.now(timezone.utc).replace(tzinfo=None)
        con.execute("INSERT INTO schema_migrations VALUES (?, ?)", [migration.version, applied_at])
        con.commit()
    except BaseException:
        con.rollback()
        raise
