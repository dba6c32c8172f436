"""The convert use case as a library call (batch.convert.convert_batch) and what `yusuan convert` prints:
small batches run without a pool, nothing outlives the command, same-named files are told apart, and
each failure is printed once."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from typer.testing import CliRunner

from extractor.batch import convert as batch_convert
from extractor.batch.convert import BatchOptions, convert_batch
from extractor.batch.runner import Outcome
from extractor.cli import app
from extractor.report.batch import file_labels
from tests.bulk_corpus import BAD_INPUTS, SAMPLE, render_filings

runner = CliRunner()


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "a").mkdir(parents=True)
    (folder / "b").mkdir()
    shutil.copy(SAMPLE, folder / "a" / "report.txt")
    (folder / "b" / "report.txt").write_text(SAMPLE.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    shutil.copy(BAD_INPUTS / "empty.txt", folder / "empty.txt")
    return folder


def test_convert_batch_is_the_convert_use_case(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    planned = []
    report = convert_batch([folder], tmp_path / "x.duckdb", BatchOptions(ocr="off"), planned.append)
    assert len(planned) == 1 and len(planned[0].tasks) == 3
    assert sorted(o.status for o in report.outcomes) == ["failed", "ok", "ok"] and report.failed == 1
    again = convert_batch([folder], tmp_path / "x.duckdb", BatchOptions(ocr="off"))
    assert len(again.skipped) == 2 and [o.status for o in again.outcomes] == ["failed"]


def test_a_small_batch_starts_no_pool_and_a_long_one_hands_the_rest_to_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pools: list[int] = []

    def no_pool(tasks, workers, ocr, work=None):  # noqa: ANN001, ANN202, ARG001
        pools.append(len(list(tasks)))
        return iter(())

    monkeypatch.setattr("extractor.batch.pool.run_pool", no_pool)
    tasks = [object()] * 3
    monkeypatch.setattr("extractor.batch.pool.convert_task", lambda task, ocr: None)
    assert len(list(batch_convert.run_auto(tasks, 2, "off", serial_seconds=60))) == 3 and pools == []
    assert len(list(batch_convert.run_auto(tasks, 2, "off", serial_seconds=0))) == 0 and pools == [3]


def test_nothing_outlives_yusuan_convert(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    render_filings(folder, 4)
    command = [sys.executable, "-m", "extractor.cli", "convert", str(folder), "--db", str(tmp_path / "x.duckdb"),
               "--workers", "2", "--ocr", "off", "-q"]
    process = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen: set[int] = set()
    while process.poll() is None:
        try:
            seen |= {child.pid for child in process.children(recursive=True)}
        except psutil.Error:
            pass
        time.sleep(0.05)
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    assert seen, "the pool never started"
    time.sleep(0.2)
    alive = [pid for pid in seen if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    assert alive == []


def test_files_with_the_same_name_are_told_apart() -> None:
    def outcome(path: str) -> Outcome:
        return Outcome(Path(path).stem, "ok", None, 1, 0, 0, 0.1, source_path=path)

    outcomes = [outcome("in/a/report.pdf"), outcome("in/b/report.pdf"), outcome("in/report.txt"),
                outcome("in/other.pdf")]
    assert file_labels(outcomes) == ["a/report.pdf", "b/report.pdf", "report.txt", "other"]


def test_each_failure_is_printed_once(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    result = runner.invoke(app, ["convert", str(folder), "--db", str(tmp_path / "x.duckdb"), "--ocr", "off"])
    assert result.exit_code == 1
    assert result.output.count("empty.txt: empty file") == 1
    assert "a/report.txt" in result.output and "b/report.txt" in result.output
    quiet = runner.invoke(app, ["convert", str(folder), "--db", str(tmp_path / "y.duckdb"), "--ocr", "off", "-q"])
    assert quiet.exit_code == 1 and quiet.output.count("empty.txt: empty file") == 1
