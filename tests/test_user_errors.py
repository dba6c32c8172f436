"""What a new user runs into, as one-line errors with usable exit codes: a store locked by a running convert,
a mistyped folder, a DuckDB file that is not a store, check's exit code, query's one statement."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.store import StoreError, StoreLockedError, open_store, query
from tests.conftest import REPO

runner = CliRunner()
SAMPLE = REPO / "examples" / "zhaoxian-kegongxin-2024.txt"

#: A second process that opens the DuckDB file for writing and holds it until its stdin closes.
HOLDER = "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('holding', flush=True); sys.stdin.read()"


def yusuan(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the yusuan command of this checkout in its own process."""
    return subprocess.run([sys.executable, "-m", "extractor.cli", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def locked_store(tmp_path: Path) -> Iterator[Path]:
    """A migrated store that another process holds open for writing while the test runs."""
    db = tmp_path / "busy.duckdb"
    open_store(db).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        yield db
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=60)


def test_opening_a_store_another_process_writes_raises_a_one_line_store_error(locked_store: Path) -> None:
    for read_only in (False, True):
        with pytest.raises(StoreLockedError) as raised:
            open_store(locked_store, read_only=read_only)
        message = str(raised.value)
        assert str(locked_store) in message and "in use by another process" in message and "\n" not in message
    with pytest.raises(StoreLockedError):
        query(locked_store, "select 1")


@pytest.mark.parametrize("command", [
    ["convert", str(SAMPLE), "-q"],
    ["check"],
    ["export", "--format", "parquet", "--out", "{tmp}/export"],
    ["export", "--format", "records", "--out", "{tmp}/export"],
    ["query", "select count(*) from documents"],
], ids=["convert", "check", "export-parquet", "export-records", "query"])
def test_every_command_on_a_locked_store_says_so_in_one_line(locked_store: Path, command: list[str]) -> None:
    args = [a.replace("{tmp}", str(locked_store.parent)) for a in command]
    result = yusuan(*args, "--db", str(locked_store))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {locked_store} is in use by another process")
    assert lines[0].endswith("a running yusuan convert?)") and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_file_that_is_not_a_duckdb_store_is_one_line(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.duckdb"
    bogus.write_text("not a database\n" * 100, encoding="utf-8")
    with pytest.raises(StoreError, match="not a DuckDB database file"):
        open_store(bogus, read_only=True)
    result = runner.invoke(app, ["query", "--db", str(bogus), "select 1"])
    assert result.exit_code == 2 and f"{bogus} is not a DuckDB database file" in result.output


@pytest.mark.parametrize("group", [[], ["--group"]], ids=["folders", "group"])
def test_a_mistyped_folder_is_named_and_leaves_no_database(tmp_path: Path, group: list[str]) -> None:
    db, typo = tmp_path / "x.duckdb", tmp_path / "exmaples"
    result = runner.invoke(app, ["convert", str(SAMPLE), str(typo), "--db", str(db), "-q", *group])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: no such file or folder: {typo}"
    assert not db.exists() and list(tmp_path.iterdir()) == []


def test_check_of_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2 and f"no such file or folder: {tmp_path / 'nope.txt'}" in result.output


def _sample_without_its_card_error(folder: Path) -> Path:
    """The shipped sample with card 3's spending plan (1.70 of a 2.00 budget, the filing's own error) at 2.00."""
    text = SAMPLE.read_text(encoding="utf-8")
    plan = text.index("1.70", text.index("资金支出计划", text.index("单位取暖费")))
    fixed = folder / "fixed.txt"
    fixed.write_text(text[:plan] + "2.00" + text[plan + len("1.70"):], encoding="utf-8")
    return fixed


def test_check_exit_code_says_whether_error_findings_are_present(tmp_path: Path) -> None:
    with_error = runner.invoke(app, ["check", str(SAMPLE)])
    assert with_error.exit_code == 1 and "card.plan_reaches_budget" in with_error.output
    clean = runner.invoke(app, ["check", str(_sample_without_its_card_error(tmp_path))])
    assert clean.exit_code == 0, clean.output
    assert "card.budgets_vs_project" in clean.output and "plan_reaches_budget" not in clean.output  # a warning
    db = tmp_path / "s.duckdb"
    assert runner.invoke(app, ["convert", str(SAMPLE), "--db", str(db), "-q"]).exit_code == 0
    assert runner.invoke(app, ["check", "--db", str(db)]).exit_code == 1
    assert runner.invoke(app, ["check", "--db", str(db), "--errors-only"]).exit_code == 1
    assert runner.invoke(app, ["check", "--db", str(tmp_path / "none.duckdb")]).exit_code == 2


def test_check_help_documents_its_exit_codes() -> None:
    result = runner.invoke(app, ["check", "--help"])
    assert result.exit_code == 0
    assert "0 no error finding" in result.output and "1 error findings present" in result.output


def test_query_takes_exactly_one_statement(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    open_store(db).close()
    result = runner.invoke(app, ["query", "--db", str(db), "select 1; select 2"])
    assert result.exit_code == 1 and "exactly one SQL statement, got 2" in result.output
    assert runner.invoke(app, ["query", "--db", str(db), "select 1 as one"]).exit_code == 0
