"""The LLM path end to end against a real OpenAI-compatible server on loopback (llama-cpp-python
serving Gemma 3 270M): request with a schema, validation, repair loop, identity findings, cache hit
on re-run, ledger rows, DuckDB storage. The tiny model is not expected to extract well."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from extractor.cli import app
from tests.llm_server import MODEL_ALIAS

runner = CliRunner()

#: A small tab-separated filing whose table does not add up (206 = 10.00 but its 款 print 10.50): the
#: rules result fails an identity, so hybrid mode must send it to the model, and no faithful answer
#: can pass the identities, so the repair loop runs.
FILING = (
    "部门预算一般公共预算财政拨款支出表\n"
    "001 某某县科学技术局\t预算年度：2025\t单位：万元\n"
    "序号\t科目编码\t科目名称\t合计\t基本支出\t项目支出\n"
    "栏次\t1\t2\t3\t4\t5\n"
    "1\t\t合计\t10.00\t10.00\t\n"
    "2\t206\t科学技术支出\t10.00\t10.00\t\n"
    "3\t20601\t科学技术管理事务\t10.50\t10.50\t\n"
    "\n部门预算信息公开情况说明\n"
    "2025年预算收入 10.00万元，支出预算 10.00万元。\n"
)


def _convert(path: Path, db: Path, url: str, extractor: str, *extra: str) -> str:
    result = runner.invoke(app, ["convert", str(path), "--db", str(db), "--extractor", extractor,
                                 "--llm-base-url", url, "--llm-model", MODEL_ALIAS, "--llm-repair-attempts", "1",
                                 "--llm-concurrency", "1", "--llm-max-tokens", "320", "--llm-timeout", "240", "-q",
                                 *extra])
    assert result.exit_code in (0, 1), result.output
    return result.output


def _ledger(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select run_id, prompt_name, prompt_version, model, attempt, tokens_in, tokens_out, "
                           "outcome from llm_calls order by called_at, attempt").fetchall()
    finally:
        con.close()


@pytest.mark.slow
def test_llm_and_hybrid_modes_run_the_whole_path_against_a_real_server(llm_server: str, tmp_path: Path) -> None:
    path = tmp_path / "filing.txt"
    path.write_text(FILING, encoding="utf-8")
    db = tmp_path / "llm.duckdb"

    output = _convert(path, db, llm_server, "hybrid")
    assert "region(s) sent" in output
    first = _ledger(db)
    assert first and all(row[3] == MODEL_ALIAS and row[2] for row in first)  # model and prompt version
    assert all(row[5] > 0 for row in first if row[7] != "cache_hit")  # real calls report tokens
    assert any(row[4] >= 2 for row in first), "the repair loop must have run"

    con = duckdb.connect(str(db), read_only=True)
    status, = con.execute("select status from documents").fetchone()
    rules_found = con.execute("select count(*) from findings where rule_id like 'tree.%'").fetchone()[0]
    con.close()
    assert status in ("ok", "partial") and rules_found >= 1  # the filing's own error is reported

    _convert(path, db, llm_server, "hybrid", "--force")  # a plain re-run would skip the stored file
    second = [row for row in _ledger(db) if row[0] != first[0][0]]
    assert second and all(row[7] == "cache_hit" and row[5] == 0 for row in second)  # re-run costs nothing

    llm_db = tmp_path / "llm-only.duckdb"
    _convert(path, llm_db, llm_server, "llm")
    calls = _ledger(llm_db)
    assert {row[1] for row in calls} >= {"table", "narrative"}  # every region went to the model
    con = duckdb.connect(str(llm_db), read_only=True)
    assert con.execute("select count(*) from documents").fetchone()[0] == 1
    con.close()
