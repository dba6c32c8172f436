"""kill -9 at any moment, then run again: nothing lost, nothing duplicated, no half-written document.

A real ``yusuan convert`` (process pool, 2 workers) is killed with SIGKILL at several points of one
batch: while the store is being created, after the first document, halfway, near the end. After every
kill the store must hold only whole documents; the run after the last kill must leave exactly what an
uninterrupted run leaves. A second test kills a writer inside a document's transaction, for certain.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import psutil
import pytest

from tests import store_checks
from tests.bulk_corpus import BAD_INPUTS, SAMPLE, render_filings, sample_record

pytestmark = pytest.mark.slow
FILINGS = 20


def _yusuan() -> list[str]:
    script = Path(sys.executable).with_name("yusuan")
    return [str(script)] if script.exists() else [sys.executable, "-m", "extractor.cli"]


def _convert(corpus: Path, db: Path, *extra: str) -> list[str]:
    return [*_yusuan(), "convert", str(corpus), "--db", str(db), "--workers", "2", "--ocr", "off", "-q", *extra]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kill") / "in"
    render_filings(folder, FILINGS)
    shutil.copy(SAMPLE, folder / "sample.txt")
    for bad in ("corrupt.pdf", "empty.txt"):
        shutil.copy(BAD_INPUTS / bad, folder / bad)
    return folder


@pytest.fixture(scope="module")
def clean(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("clean") / "clean.duckdb"
    done = subprocess.run(_convert(corpus, db), capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr  # the two bad files fail, the rest converts
    assert store_checks.counts(db)["documents"] == FILINGS + 3
    return db


def _kill_when(command: list[str], ready) -> None:  # noqa: ANN001
    """Start the command, SIGKILL it (the main process only) as soon as ``ready()``; its workers must go too."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not ready() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    workers = psutil.Process(process.pid).children(recursive=True) if process.poll() is None else []
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL, "the run ended before its kill point"
    _, alive = psutil.wait_procs(workers, timeout=15)
    assert not alive, f"workers outlived their killed parent: {alive}"


def _assert_whole_documents(db: Path, clean: Path, point: str = "") -> None:
    if not store_checks.migrated(db):
        return  # killed while creating the store: no table yet, the next run creates them
    assert store_checks.orphans(db) == dict.fromkeys(store_checks.CHILD_TABLES, 0)
    assert store_checks.duplicate_documents(db) == 0
    complete = store_checks.rows_per_document(clean)
    for document_id, rows in store_checks.rows_per_document(db).items():
        assert rows == complete[document_id], f"killed {point}: document {document_id} is half-written"


def test_killed_at_any_point_then_resumed_equals_an_uninterrupted_run(corpus: Path, clean: Path,
                                                                      tmp_path: Path) -> None:
    db = tmp_path / "killed.duckdb"
    good = FILINGS + 1  # the rendered filings and the sample; the two bad files never leave a record file
    # kill points in records this run has committed (a record file is written right after each commit),
    # out of the documents still to convert: 0 = while the store is being created
    kill_points = {"store being created": lambda left: 0, "first document": lambda left: 1,
                   "halfway": lambda left: left // 2, "near the end": lambda left: left - 1}
    for attempt, (point, threshold) in enumerate(kill_points.items()):
        records = tmp_path / f"records-{attempt}"
        left = good - (_stored_good(db) if db.exists() else 0)
        stored = threshold(left)
        assert left >= 2, f"nothing left to kill at {point}"

        def ready(records: Path = records, stored: int = stored) -> bool:
            if stored == 0:
                return db.exists()
            return records.is_dir() and sum(1 for _ in records.glob("*.json")) >= stored

        _kill_when(_convert(corpus, db, "--records", str(records)), ready)
        if db.exists():
            _assert_whole_documents(db, clean, point)
    resumed = subprocess.run(_convert(corpus, db), capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 1, resumed.stderr
    assert store_checks.counts(db) == store_checks.counts(clean)
    assert store_checks.fingerprint(db) == store_checks.fingerprint(clean)
    _assert_whole_documents(db, clean)


def _stored_good(db: Path) -> int:
    if not store_checks.migrated(db):
        return 0
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from documents where status <> 'failed'").fetchone()[0]


_WRITER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from extractor.store import StoredDocument, database, open_store, write_document

    db, marker, source = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    record = json.loads(source.read_text(encoding="utf-8"))
    con = open_store(db)
    write_document(con, StoredDocument("first", "/in/first.pdf", "first", "ok", record=record))
    real_insert = database._insert_rows

    def stall_after_line_items(con, table, columns, rows):
        real_insert(con, table, columns, rows)
        if table == "line_items":  # half the document's rows are in; wait here to be killed
            marker.write_text("in the transaction")
            time.sleep(120)

    database._insert_rows = stall_after_line_items
    write_document(con, StoredDocument("second", "/in/second.pdf", "second", "ok", record=record))
""")


def test_a_writer_killed_inside_a_documents_transaction_leaves_no_trace_of_it(tmp_path: Path) -> None:
    db, marker, record = tmp_path / "mid.duckdb", tmp_path / "marker", tmp_path / "record.json"
    record.write_text(json.dumps(sample_record(), ensure_ascii=False), encoding="utf-8")
    command = [sys.executable, "-c", _WRITER, str(db), str(marker), str(record)]
    _kill_when(command, marker.exists)
    counts = store_checks.counts(db)
    assert counts["documents"] == 1 and counts["line_items"] > 0 and counts["tables"] > 0
    assert store_checks.rows_per_document(db) == {"first": counts["line_items"]}
    assert store_checks.orphans(db) == dict.fromkeys(store_checks.CHILD_TABLES, 0)
    from extractor.store import StoredDocument, open_store, write_document

    con = open_store(db)
    write_document(con, StoredDocument("third", "/in/third.pdf", "third", "failed", error="x"))
    con.close()
    assert store_checks.counts(db)["documents"] == 2
