"""The DuckDB store against a real database file, with the gold records as payloads."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from extractor.store import (
    EXPORT_TABLES,
    LATEST_VERSION,
    QueryError,
    SchemaError,
    StoredDocument,
    apply_migrations,
    content_hash,
    export,
    file_content_hash,
    finish_run,
    open_store,
    query,
    row_keys,
    start_run,
    stored_hashes,
    write_document,
)
from extractor.store import database as store_database
from tests.conftest import EXAMPLES, GOLD_DIR, gold_files, needs_gold, shared_params, shared_reason

GOLD_FILES = gold_files()
#: The gold record shipped with the example filing: the payload of the tests that need any record.
SHIPPED = EXAMPLES / "gold" / "zhaoxian-kegongxin-2024.json"
SAMPLE = SHIPPED.stem
CHILD_TABLES = ("tables", "line_items", "performance_cards", "indicators", "narrative", "findings", "verdicts")


def load_gold(stem: str) -> dict[str, Any]:
    """Return the shipped gold record, or one of ../shared/gold (skipping the test without it)."""
    path = SHIPPED if stem == SAMPLE else GOLD_DIR / f"{stem}.json"
    if not path.is_file():
        pytest.skip(shared_reason(f"the gold record gold/{stem}.json"))
    return json.loads(path.read_text(encoding="utf-8"))


def make_doc(
    stem: str,
    record: dict[str, Any] | None,
    *,
    salt: bytes = b"",
    status: str = "ok",
    findings: list[dict[str, Any]] | None = None,
    error: str | None = None,
) -> StoredDocument:
    return StoredDocument(
        document_id=content_hash([stem.encode(), salt]),
        source_path=f"/corpus/{stem}.pdf",
        source_name=stem,
        status=status,
        error=error,
        extractor="rules",
        extractor_version="rules-test",
        pages=12,
        seconds_total=1.5,
        timings={"ingest": 0.5, "extract": 1.0},
        record=record,
        findings=findings or [],
        run_id=None,
    )


def non_null_values(record: dict[str, Any]) -> int:
    return sum(
        value is not None
        for table in record["tables"]
        for row in table["rows"]
        for value in row.get("values", {}).values()
    )


def counts(con: Any, document_id: str | None = None) -> dict[str, int]:
    where, params = ("WHERE document_id = ?", [document_id]) if document_id else ("", [])
    return {
        table: con.execute(f"SELECT count(*) FROM {table} {where}", params).fetchone()[0]
        for table in ("documents", *CHILD_TABLES)
    }


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "yusuan.duckdb"


@pytest.fixture
def con(db_path: Path):
    connection = open_store(db_path)
    yield connection
    connection.close()


@pytest.mark.parametrize("gold", [SHIPPED, *shared_params(GOLD_FILES, "the gold records (gold/)")],
                         ids=lambda p: p.stem)
def test_write_stores_one_line_item_per_non_null_value(con: Any, gold: Path) -> None:
    record = load_gold(gold.stem)
    doc = make_doc(gold.stem, record)
    write_document(con, doc)
    stored = counts(con, doc.document_id)
    assert stored["documents"] == 1
    assert stored["line_items"] == non_null_values(record)
    assert stored["tables"] == len(record["tables"])
    assert stored["performance_cards"] == len(record["performance_cards"])
    assert stored["indicators"] == sum(len(card["indicators"]) for card in record["performance_cards"])
    assert stored["narrative"] == sum(v is not None for v in record["narrative"].values())


def test_document_columns_come_from_the_record(con: Any) -> None:
    doc = make_doc(SAMPLE, load_gold(SAMPLE))
    write_document(con, doc)
    row = con.execute(
        "SELECT agency_code, agency_name, fiscal_year, budget_level, currency_unit, status, pages, "
        "timings->>'$.extract' FROM documents"
    ).fetchone()
    assert row == ("350", "赵县科学技术和工业信息化局", 2024, "department", "万元", "ok", 12, "1.0")


def test_row_keys_follow_the_contract() -> None:
    rows = [
        {"code": None, "name": "合计"},
        {"code": "2060101", "name": "行政运行"},
        {"side": "income", "name": "一般公共预算拨款收入"},
        {"name": "纸制品"},
        {"name": "纸制品"},
        {"name": "纸制品"},
    ]
    assert row_keys(rows) == [
        "合计", "2060101", "income:一般公共预算拨款收入", "纸制品", "纸制品#2", "纸制品#3",
    ]


def test_line_items_carry_keys_units_and_provenance(con: Any) -> None:
    record = load_gold("sh-bgs-2025")
    record["tables"][0]["rows"][0]["page"] = 3
    write_document(con, make_doc("sh-bgs-2025", record))
    units = dict(con.execute("SELECT DISTINCT table_kind, unit FROM line_items").fetchall())
    assert units["expenditure_summary"] == "元"
    assert units["three_public_expenditure"] == "万元"
    first = con.execute(
        "SELECT row_key, side, provenance->>'$.page' FROM line_items WHERE table_index = 0 AND row_index = 0"
    ).fetchall()
    row = record["tables"][0]["rows"][0]
    assert {r[0] for r in first} == {f"{row['side']}:{row['name']}"}
    assert {r[2] for r in first} == {"3"}


def test_writing_the_same_document_twice_keeps_identical_counts(con: Any) -> None:
    doc = make_doc(SAMPLE, load_gold(SAMPLE))
    write_document(con, doc)
    first = counts(con)
    write_document(con, doc)
    assert counts(con) == first


def test_changed_file_replaces_its_previous_version(con: Any) -> None:
    old = make_doc(SAMPLE, load_gold(SAMPLE))
    write_document(con, old)
    write_document(con, make_doc("another", load_gold(SAMPLE)))
    before = counts(con)
    changed = load_gold(SAMPLE)
    changed["tables"] = changed["tables"][:1]
    new = make_doc(SAMPLE, changed, salt=b"edited on disk")
    assert new.document_id != old.document_id and new.source_path == old.source_path
    write_document(con, new)
    assert all(count == 0 for count in counts(con, old.document_id).values())
    assert counts(con, new.document_id)["line_items"] == non_null_values(changed)
    assert counts(con)["documents"] == before["documents"]
    assert stored_hashes(con)[new.source_path] == (new.document_id, "rules-test", "ok")


@pytest.mark.parametrize("same_id", [True, False], ids=["same-content", "changed-content"])
def test_failure_mid_write_leaves_previous_version_intact(
    con: Any, monkeypatch: pytest.MonkeyPatch, same_id: bool
) -> None:
    old = make_doc(SAMPLE, load_gold(SAMPLE))
    write_document(con, old)
    before = counts(con)
    real_insert = store_database._insert_rows

    def failing_insert(connection: Any, table: str, columns: Any, rows: Any) -> None:
        if table == "performance_cards":  # documents, tables and line_items are already written
            raise RuntimeError("disk full")
        real_insert(connection, table, columns, rows)

    monkeypatch.setattr(store_database, "_insert_rows", failing_insert)
    new = make_doc(SAMPLE, load_gold(SAMPLE), salt=b"" if same_id else b"v2")
    with pytest.raises(RuntimeError, match="disk full"):
        write_document(con, new)
    assert counts(con) == before
    assert counts(con, old.document_id) == before
    assert stored_hashes(con) == {old.source_path: (old.document_id, "rules-test", "ok")}


def test_bad_finding_rolls_back_the_whole_document(con: Any) -> None:
    doc = make_doc(SAMPLE, load_gold(SAMPLE), findings=[{"rule_id": "x", "severty": "error"}])
    with pytest.raises(ValueError, match="severty"):
        write_document(con, doc)
    assert counts(con) == dict.fromkeys(counts(con), 0)


def test_findings_are_stored(con: Any) -> None:
    finding = {
        "rule_id": "expenditure_summary.total", "severity": "error", "table_kind": "expenditure_summary",
        "row_key": "合计", "value_key": "total", "expected": 10.0, "actual": 9.5, "difference": -0.5,
        "page": 4, "message": "合计 does not add up",
    }
    doc = make_doc(SAMPLE, load_gold(SAMPLE), findings=[finding, {"rule_id": "other"}])
    write_document(con, doc)
    rows = con.execute("SELECT rule_id, difference, page FROM findings ORDER BY rule_id").fetchall()
    assert rows == [("expenditure_summary.total", -0.5, 4), ("other", None, None)]


def test_failed_document_gets_a_row_and_no_children(con: Any) -> None:
    doc = make_doc("sh-bgs-2025", None, status="failed", error="PDF is encrypted")
    write_document(con, doc)
    assert con.execute("SELECT status, error, record FROM documents").fetchall() == [
        ("failed", "PDF is encrypted", None)
    ]
    assert all(counts(con)[table] == 0 for table in CHILD_TABLES)
    with pytest.raises(ValueError):
        make_doc("sh-bgs-2025", None, status="ok")
    with pytest.raises(ValueError):
        make_doc(SAMPLE, load_gold(SAMPLE), status="done")


def test_failed_conversion_replaces_an_earlier_success(con: Any) -> None:
    write_document(con, make_doc(SAMPLE, load_gold(SAMPLE)))
    write_document(con, make_doc(SAMPLE, None, status="failed", error="boom"))
    assert counts(con)["documents"] == 1
    assert counts(con)["line_items"] == 0


@pytest.mark.parametrize("gold", [SHIPPED, *shared_params(GOLD_FILES, "the gold records (gold/)")],
                         ids=lambda p: p.stem)
def test_export_records_round_trips(db_path: Path, tmp_path: Path, gold: Path) -> None:
    record = load_gold(gold.stem)
    with open_store(db_path) as con:
        write_document(con, make_doc(gold.stem, copy.deepcopy(record)))
        write_document(con, make_doc("other", None, status="failed", error="x"))
    written = export(db_path, "records", tmp_path / "records")
    assert [path.name for path in written] == [f"{gold.stem}.json"]
    assert json.loads(written[0].read_text(encoding="utf-8")) == record
    assert "\\u" not in written[0].read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_table_exports_are_readable_by_duckdb(db_path: Path, tmp_path: Path, fmt: str) -> None:
    with open_store(db_path) as con:
        for gold in [SHIPPED, *GOLD_FILES]:
            write_document(con, make_doc(gold.stem, load_gold(gold.stem)))
        finish_run(con, start_run(con, "convert", "rules"), files_total=5, converted=5, failed=0)
        expected = counts(con) | {"runs": 1, "llm_calls": 0, "llm_cache": 0, "schema_migrations": LATEST_VERSION}
        expected |= {t: 0 for t in EXPORT_TABLES if t == "corrections" or t.startswith("review_")}  # none made
    written = export(db_path, fmt, tmp_path / fmt)
    assert [path.name for path in written] == [f"{table}.{fmt}" for table in EXPORT_TABLES]
    reader = "read_parquet" if fmt == "parquet" else "read_csv_auto"
    with open_store(tmp_path / "check.duckdb") as check:
        for path in written:
            (count,) = check.execute(f"SELECT count(*) FROM {reader}(?)", [str(path)]).fetchone()
            assert count == expected[path.stem], path.name


def test_export_writes_every_table_of_the_store(con: Any) -> None:
    tables = {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert sorted(EXPORT_TABLES) == sorted(tables)


def test_query_returns_columns_and_rows(db_path: Path) -> None:
    with open_store(db_path) as con:
        write_document(con, make_doc(SAMPLE, load_gold(SAMPLE)))
    columns, rows = query(db_path, "SELECT agency_name, project_total FROM v_project_spending")
    assert columns == ["agency_name", "project_total"]
    assert rows == [("赵县科学技术和工业信息化局", 983.34)]


def test_query_is_read_only_and_reports_errors(db_path: Path) -> None:
    open_store(db_path).close()
    with pytest.raises(QueryError, match="read-only"):
        query(db_path, "INSERT INTO narrative VALUES ('d', 'income_total', 1.0)")
    with pytest.raises(QueryError):
        query(db_path, "SELECT * FROM no_such_table")
    with pytest.raises(QueryError):
        query(db_path.parent / "missing.duckdb", "SELECT 1")
    with pytest.raises(QueryError, match="exactly one SQL statement, got 2"):
        query(db_path, "SELECT 1; SELECT 2")
    with pytest.raises(QueryError, match="exactly one SQL statement, got none"):
        query(db_path, "  ")
    assert query(db_path, "SELECT count(*) AS n FROM narrative") == (["n"], [(0,)])


def test_migrations_are_idempotent(db_path: Path) -> None:
    with open_store(db_path) as con:
        first = counts(con)
    with open_store(db_path) as con:
        assert apply_migrations(con) == []
        versions = con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
        assert counts(con) == first
    assert versions == [(v,) for v in range(1, LATEST_VERSION + 1)]
    with open_store(db_path, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (0,)


def test_read_only_open_refuses_an_unmigrated_store(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    open_store(":memory:").close()
    with open_store(path) as con:
        con.execute("DELETE FROM schema_migrations WHERE version = ?", [LATEST_VERSION])
    with pytest.raises(SchemaError):
        open_store(path, read_only=True)


def test_runs_are_recorded(con: Any) -> None:
    run_id = start_run(con, "convert corpus/", "rules")
    finish_run(con, run_id, files_total=3, converted=2, failed=1)
    row = con.execute(
        "SELECT command, extractor, files_total, converted, failed, seconds >= 0, finished_at IS NOT NULL "
        "FROM runs WHERE run_id = ?", [run_id],
    ).fetchone()
    assert row == ("convert corpus/", "rules", 3, 2, 1, True, True)
    with pytest.raises(KeyError):
        finish_run(con, "nope", files_total=0, converted=0, failed=0)


@needs_gold
def test_views_report_project_spending_and_known_plan_gaps(con: Any) -> None:
    for gold in GOLD_FILES:
        write_document(con, make_doc(gold.stem, load_gold(gold.stem)))
    spending = dict(con.execute("SELECT source_name, project_total FROM v_project_spending").fetchall())
    assert spending["000_e4300b43dd08e525"] == 2370.22
    gaps = con.execute("SELECT source_name, seq, shortfall FROM v_card_plan_gaps ORDER BY ALL").fetchall()
    # gold/README.md: the filings' own plan-below-budget errors (001 prints its plans in percent).
    assert gaps == [
        ("000_e4300b43dd08e525", 1, 100.0),
        ("000_e4300b43dd08e525", 10, 89.1),
        ("002_e9dd90ecd9c1084d", 3, 0.3),
    ]


def test_content_hash_of_a_group_is_the_hash_of_the_concatenated_bytes(tmp_path: Path) -> None:
    prose, tables = tmp_path / "a.pdf", tmp_path / "b.pdf"
    prose.write_bytes(b"prose")
    tables.write_bytes(b"tables")
    assert file_content_hash([prose, tables]) == content_hash([b"prosetables"])
    assert file_content_hash([prose]) != file_content_hash([tables])
