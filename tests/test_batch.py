"""Bulk conversion: planning against the store, the process pool, bad inputs in a real folder, resuming."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from extractor import EXTRACTOR_VERSION
from extractor.batch import hash_filing, plan_batch, store_results
from extractor.batch.plan import Task
from extractor.batch.pool import ocr_threads, run_pool, run_serial
from extractor.cli import app
from extractor.pipeline import Filing, collect_filings
from extractor.store import finish_run, open_store, start_run, stored_documents
from tests import store_checks
from tests.bulk_corpus import BAD_INPUTS, BAD_REASONS, SAMPLE, big_filing, render_filings
from tests.crashing_worker import convert_or_die

runner = CliRunner()
V = EXTRACTOR_VERSION


def _filing(name: str) -> Filing:
    path = Path(f"/in/{name}.pdf")
    return Filing(name, path, (path,))


# --- the plan (pure) ------------------------------------------------------------------------------------------

def test_plan_skips_documents_stored_by_the_same_extractor_and_version() -> None:
    a, b, c, d = (_filing(n) for n in "abcd")
    stored = {"ha": ("rules", V, "ok"), "hb": ("rules", V, "partial"), "hc": ("rules", "rules-0.0.9", "ok"),
              "hd": ("hybrid", V, "ok")}
    plan = plan_batch([(a, "ha"), (b, "hb"), (c, "hc"), (d, "hd")], stored, "rules", V)
    assert [t.filing.name for t in plan.tasks] == ["c", "d"]
    assert [(s.filing.name, s.duplicate) for s in plan.skipped] == [("a", False), ("b", False)]
    assert "already stored (ok" in plan.skipped[0].reason


def test_plan_retries_failed_documents_and_force_redoes_everything() -> None:
    a, b = _filing("a"), _filing("b")
    stored = {"ha": ("rules", V, "failed"), "hb": ("rules", V, "ok")}
    assert [t.filing.name for t in plan_batch([(a, "ha"), (b, "hb")], stored, "rules", V).tasks] == ["a"]
    assert [t.filing.name for t in plan_batch([(a, "ha"), (b, "hb")], stored, "rules", V, force=True).tasks] \
        == ["a", "b"]


def test_plan_converts_identical_files_once() -> None:
    a, b = _filing("a"), _filing("b")
    plan = plan_batch([(a, "h"), (b, "h")], {}, "rules", V, force=True)
    assert [t.filing.name for t in plan.tasks] == ["a"]
    assert plan.skipped[0].duplicate and plan.skipped[0].reason == "same content as /in/a.pdf"


def test_unreadable_and_empty_filings_are_keyed_by_their_path(tmp_path: Path) -> None:
    gone, other, empty, void = (tmp_path / n for n in ("gone.pdf", "other.pdf", "empty.pdf", "void.txt"))
    empty.write_bytes(b"")
    void.write_bytes(b"")
    keys = {hash_filing(Filing(p.stem, p, (p,))) for p in (gone, other, empty, void)}
    assert len(keys) == 4


# --- the pool ---------------------------------------------------------------------------------------------------

def _store(db: Path, outcomes_source) -> list:  # noqa: ANN001
    con = open_store(db)
    try:
        run_id = start_run(con, "test", "rules")
        outcomes = store_results(con, outcomes_source, run_id)
        finish_run(con, run_id, files_total=len(outcomes), converted=0, failed=0)
        return outcomes
    finally:
        con.close()


def _tasks(folder: Path) -> list[Task]:
    return [Task(f, hash_filing(f)) for f in collect_filings([folder])]


def test_pool_and_serial_store_the_same_documents(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    render_filings(folder, 4)
    shutil.copy(SAMPLE, folder / "sample.txt")
    _store(tmp_path / "pool.duckdb", run_pool(_tasks(folder), 2, "off"))
    _store(tmp_path / "serial.duckdb", run_serial(_tasks(folder), "off"))
    assert store_checks.counts(tmp_path / "pool.duckdb")["documents"] == 5
    assert store_checks.fingerprint(tmp_path / "pool.duckdb") == store_checks.fingerprint(tmp_path / "serial.duckdb")


def test_a_worker_that_dies_fails_only_its_own_document(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    render_filings(folder, 4)
    shutil.copy(folder / sorted(p.name for p in folder.iterdir())[0], folder / "crash.pdf")
    (folder / "crash.pdf").write_bytes((folder / "crash.pdf").read_bytes() + b"\n%distinct")
    results = list(run_pool(_tasks(folder), 2, "off", convert_or_die))
    by_name = {task.filing.name: result for task, result in results}
    assert len(results) == 5 and set(by_name) == {p.stem for p in folder.iterdir()}
    assert by_name["crash"].status == "failed" and "process died" in by_name["crash"].error
    assert all(r.status == "ok" for name, r in by_name.items() if name != "crash")


def test_a_file_that_vanishes_after_planning_fails_alone(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    render_filings(folder, 3)
    shutil.copy(SAMPLE, folder / "vanishing.txt")
    tasks = _tasks(folder)
    (folder / "vanishing.txt").unlink()
    db = tmp_path / "v.duckdb"
    outcomes = _store(db, run_pool(tasks, 2, "off"))
    failed = [o for o in outcomes if o.status == "failed"]
    assert [o.source_name for o in failed] == ["vanishing"]
    assert "vanishing.txt: cannot read" in failed[0].error and "\n" not in failed[0].error
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select source_name, status from documents order by 1").fetchall()
    assert len(rows) == 4 and ("vanishing", "failed") in rows
    # the file comes back: a re-run tries it again (a failure is never skipped) and it converts
    shutil.copy(SAMPLE, folder / "vanishing.txt")
    con = open_store(db)
    plan = plan_batch(((t.filing, hash_filing(t.filing)) for t in tasks), stored_documents(con), "rules", V)
    con.close()
    assert [t.filing.name for t in plan.tasks] == ["vanishing"]


# --- the bad-input corpus through the command ------------------------------------------------------------------

@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder as users have them: the committed bad inputs, good filings, a GB18030 dump, 500 pages."""
    folder = tmp_path_factory.mktemp("bad") / "in"
    shutil.copytree(BAD_INPUTS, folder)
    shutil.copy(SAMPLE, folder / "good.txt")
    (folder / "good-gb18030.txt").write_bytes(SAMPLE.read_text(encoding="utf-8").encode("gb18030") + b"\n")
    render_filings(folder / "rendered", 2)
    big_filing(folder / "five-hundred-pages.pdf")
    return folder


def test_bad_inputs_never_stop_a_batch_nor_corrupt_the_store(tmp_path: Path, bad_folder: Path) -> None:
    db = tmp_path / "bad.duckdb"
    result = runner.invoke(app, ["convert", str(bad_folder), "--db", str(db), "--workers", "2", "--ocr", "off"])
    assert result.exit_code == 1, result.output
    with duckdb.connect(str(db), read_only=True) as con:
        rows = {Path(p).name: (s, e, pages) for p, s, e, pages in con.execute(
            "select source_path, status, error, pages from documents").fetchall()}
    assert len(rows) == len(BAD_REASONS) + 5
    for name, reason in BAD_REASONS.items():
        status, error, _ = rows[name]
        assert status == "failed" and reason in error and name in error and "\n" not in error, (name, error)
    for name in ("good.txt", "good-gb18030.txt", "five-hundred-pages.pdf"):
        assert rows[name][0] == "ok", (name, rows[name])
    assert rows["five-hundred-pages.pdf"][2] == 500
    assert store_checks.orphans(db) == dict.fromkeys(store_checks.CHILD_TABLES, 0)
    # the summary: totals, then one line per failure naming the file and the reason
    summary = result.stdout
    assert re.search(rf"failed \({len(BAD_REASONS)}\):", summary)
    for name, reason in BAD_REASONS.items():
        assert any(name in line and reason in line for line in summary.splitlines()), (name, summary)


def test_a_rerun_skips_what_is_stored_and_retries_failures(tmp_path: Path, bad_folder: Path) -> None:
    db = tmp_path / "rerun.duckdb"
    args = ["convert", str(bad_folder), "--db", str(db), "--workers", "2", "--ocr", "off"]
    runner.invoke(app, args)
    first, before = store_checks.fingerprint(db), _run_ids(db)
    again = runner.invoke(app, args)
    assert "skipped 5: 5 already stored" in again.stdout and f"failed ({len(BAD_REASONS)})" in again.stdout
    assert store_checks.fingerprint(db) == first
    after = _run_ids(db)
    assert all(after[name] == before[name] for name in before if not name.startswith(tuple(BAD_REASONS)))
    forced = runner.invoke(app, [*args, "--force"])
    assert "skipped 5" not in forced.stdout and store_checks.fingerprint(db) == first
    assert len(set(_run_ids(db).values())) == 1 and set(_run_ids(db).values()).isdisjoint(after.values())


def _run_ids(db: Path) -> dict[str, str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {Path(p).name: r for p, r in con.execute("select source_path, run_id from documents").fetchall()}


def test_pool_workers_share_the_cores_for_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert [ocr_threads(n) for n in (1, 2, 3, 8, 16)] == [8, 4, 2, 1, 1]
