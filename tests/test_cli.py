"""The yusuan command line as a user runs it: convert, re-convert, bad files, export, eval, query."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from extractor.cli import app
from tests.conftest import GOLD_DIR, REPO, corpus_files, needs_corpus

runner = CliRunner()
SAMPLE = REPO / "examples" / "zhaoxian-kegongxin-2024.txt"
EXAMPLE_GOLD = REPO / "examples" / "gold" / "zhaoxian-kegongxin-2024.json"
COUNTED = ("documents", "tables", "line_items", "performance_cards", "indicators", "narrative")


def _counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in COUNTED}
    finally:
        con.close()


def test_shipped_sample_converts_into_a_queryable_database(tmp_path: Path) -> None:
    db = tmp_path / "yusuan.duckdb"
    result = runner.invoke(app, ["convert", str(SAMPLE), "--db", str(db)])
    assert result.exit_code == 0, result.output
    counts = _counts(db)
    assert counts["documents"] == 1 and counts["tables"] >= 9 and counts["line_items"] > 100
    query = runner.invoke(app, ["query", "--db", str(db), "--format", "json",
                                "select status, agency_name, fiscal_year from documents"])
    assert query.exit_code == 0, query.output
    assert json.loads(query.stdout) == [{"status": "ok", "agency_name": "赵县科学技术和工业信息化局",
                                         "fiscal_year": 2024}]


def test_query_is_read_only(tmp_path: Path) -> None:
    db = tmp_path / "yusuan.duckdb"
    runner.invoke(app, ["convert", str(SAMPLE), "--db", str(db), "-q"])
    result = runner.invoke(app, ["query", "--db", str(db), "delete from documents"])
    assert result.exit_code == 1 and "read-only" in result.output
    assert _counts(db)["documents"] == 1


@needs_corpus
def test_converting_the_corpus_twice_leaves_the_same_rows(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in corpus_files():
        shutil.copy(path, folder / path.name)
    db = tmp_path / "corpus.duckdb"
    assert runner.invoke(app, ["convert", str(folder), "--db", str(db), "-q"]).exit_code == 0
    once = _counts(db)
    assert runner.invoke(app, ["convert", str(folder), "--db", str(db), "-q"]).exit_code == 0
    assert _counts(db) == once and once["documents"] == len(corpus_files())


def test_bad_files_get_one_line_errors_and_the_rest_of_the_batch_converts(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01garbage")
    (folder / "novel.txt").write_text("从前有座山，山里有座庙。\n" * 20, encoding="utf-8")
    db = tmp_path / "batch.duckdb"
    result = runner.invoke(app, ["convert", str(folder), "--db", str(db), "-q"])
    assert result.exit_code == 1
    failures = [line for line in result.output.splitlines() if line.startswith("failed")]
    assert len(failures) == 3
    for name, reason in (("empty.txt", "empty file"), ("binary.txt", "binary"), ("novel.txt", "no budget table")):
        assert any(name in line and reason in line for line in failures), failures
    con = duckdb.connect(str(db), read_only=True)
    statuses = dict(con.execute("select source_name, status from documents").fetchall())
    con.close()
    assert statuses == {"good": "ok", "empty": "failed", "binary": "failed", "novel": "failed"}


def test_unsupported_file_is_reported_not_crashed(tmp_path: Path) -> None:
    path = tmp_path / "filing.xlsx"
    path.write_bytes(b"PK\x03\x04")
    result = runner.invoke(app, ["convert", str(path), "--db", str(tmp_path / "x.duckdb"), "-q"])
    assert result.exit_code == 1 and "unsupported file type '.xlsx'" in result.output


def test_quick_start_converts_the_examples_and_scores_them_against_the_shipped_gold(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    # README, Quick start: exactly these two commands
    converted = runner.invoke(app, ["convert", "examples/", "--db", "x.duckdb", "--records", "out/"])
    assert converted.exit_code == 0, converted.output
    assert [p.name for p in Path("out").glob("*.json")] == [SAMPLE.with_suffix(".json").name]  # the gold is no filing
    scored = runner.invoke(app, ["eval", "--gold", "examples/gold", "--pred", "out/", "--json", "report.json"])
    assert scored.exit_code == 0, scored.output
    report = json.loads(Path("report.json").read_text(encoding="utf-8"))
    assert [d["flag"] for d in report["documents"]] == [None] and report["overall"]["cells"]["f1"] == 1.0


def test_the_shipped_gold_is_valid_and_fails_only_the_filings_own_identities() -> None:
    from extractor.validate import validate_record
    from extractor.validate.arithmetic import check_record

    gold = json.loads(EXAMPLE_GOLD.read_text(encoding="utf-8"))
    assert validate_record(gold) == []
    findings = sorted((f["severity"], f["rule_id"], f.get("row_key")) for f in check_record(gold))
    # README, Arithmetic checks: the 单位取暖费 card plans 1.70 of 2.00; card budgets exceed 项目支出 by 0.29
    assert findings == [("error", "card.plan_reaches_budget", "3"), ("warning", "card.budgets_vs_project", None)]


@needs_corpus
def test_export_records_then_eval_against_gold(tmp_path: Path) -> None:
    db, records, report = tmp_path / "c.duckdb", tmp_path / "records", tmp_path / "report.json"
    files = [str(p) for p in corpus_files()]
    assert runner.invoke(app, ["convert", *files, "--db", str(db), "-q"]).exit_code == 0
    exported = runner.invoke(app, ["export", "--db", str(db), "--format", "records", "--out", str(records)])
    assert exported.exit_code == 0, exported.output
    assert sorted(p.stem for p in records.glob("*.json")) == sorted(Path(f).stem for f in files)
    gold = tmp_path / "gold"
    gold.mkdir()
    for path in corpus_files():
        shutil.copy(GOLD_DIR / f"{path.stem}.json", gold)
    scored = runner.invoke(app, ["eval", "--gold", str(gold), "--pred", str(records), "--json", str(report)])
    assert scored.exit_code == 0, scored.output
    overall = json.loads(report.read_text())["overall"]
    assert overall["cells"]["f1"] >= 0.95


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_tables(tmp_path: Path, fmt: str) -> None:
    db = tmp_path / "s.duckdb"
    runner.invoke(app, ["convert", str(SAMPLE), "--db", str(db), "-q"])
    result = runner.invoke(app, ["export", "--db", str(db), "--format", fmt, "--out", str(tmp_path / fmt)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / fmt / f"line_items.{fmt}").exists()


@needs_corpus
def test_check_reports_the_filings_own_errors_from_the_store_and_from_files(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    files = [str(p) for p in corpus_files()]
    assert runner.invoke(app, ["convert", *files, "--db", str(db), "-q"]).exit_code == 0
    con = duckdb.connect(str(db), read_only=True)
    stored = con.execute("select rule_id, severity, row_key from findings where severity = 'error'").fetchall()
    con.close()
    assert ("card.plan_reaches_budget", "error", "1") in stored  # 000 车都印象: plan below budget
    from_db = runner.invoke(app, ["check", "--db", str(db), "--errors-only"])
    from_files = runner.invoke(app, ["check", *files, "--errors-only"])
    assert from_db.exit_code == 1 and from_files.exit_code == 1  # error findings present
    assert "card.plan_reaches_budget" in from_db.output and "failed" in from_files.output  # the verdict
    assert from_db.output.count("plan_reaches_budget") == from_files.output.count("plan_reaches_budget")


def test_check_needs_files_or_a_database() -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 2 and "either filings" in result.output


@pytest.mark.parametrize(("args", "message"), [(["--extractor", "magic"], "must be one of rules, llm, hybrid"),
                                               (["--extractor", "llm"], "needs --llm-base-url")])
def test_extractor_options_fail_loudly(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["convert", str(SAMPLE), "--db", str(tmp_path / "x.duckdb"), *args],
                           env={"YUSUAN_LLM_BASE_URL": "", "YUSUAN_LLM_MODEL": ""})
    assert result.exit_code == 2 and message in result.output


def test_two_filings_of_one_stem_write_two_record_files_and_a_rerun_rewrites_its_own(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    for folder, content in (("a", text), ("b", text + "\n附注：另一份同名文件。\n")):  # b: another, same name
        (tmp_path / folder).mkdir()
        (tmp_path / folder / SAMPLE.name).write_text(content, encoding="utf-8")
    db, records = tmp_path / "x.duckdb", tmp_path / "records"
    args = ["convert", str(tmp_path / "a"), str(tmp_path / "b"), "--db", str(db), "--records", str(records)]
    assert runner.invoke(app, args).exit_code == 0
    written = sorted(p.name for p in records.glob("*.json"))
    assert len(written) == 2 and SAMPLE.with_suffix(".json").name in written
    manifest = dict(line.split("\t") for line in (records / ".yusuan-sources.tsv").read_text("utf-8").splitlines())
    assert sorted(manifest) == written and {Path(p).parent.name for p in manifest.values()} == {"a", "b"}
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    assert sorted(p.name for p in records.glob("*.json")) == written  # each source rewrote its own file
