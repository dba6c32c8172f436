"""Verdicts per table, card and document on the shipped sample: right record, filing's own error, extraction
mistakes, checks that cannot run; the verdicts written into the record still pass the schema."""

from __future__ import annotations

import json

import pytest

from extractor.ingest import read_filing
from extractor.regions.split import split_regions
from extractor.validate import validate_record
from extractor.validate.verdicts import (
    FAILED,
    UNVERIFIED,
    VERIFIED,
    Verdict,
    compute_verdicts,
    part_verdict,
    verify_record,
    with_verdicts,
)
from tests.conftest import EXAMPLES

SAMPLE = EXAMPLES / "zhaoxian-kegongxin-2024.txt"
GOLD = EXAMPLES / "gold" / "zhaoxian-kegongxin-2024.json"


@pytest.fixture(scope="module")
def regions() -> list:
    return split_regions(read_filing([SAMPLE]))


@pytest.fixture()
def record() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))


def _table_verdict(record: dict, verdicts, kind: str) -> Verdict:  # noqa: ANN001
    index = next(i for i, t in enumerate(record["tables"]) if t["kind"] == kind)
    return verdicts.tables[index]


def test_right_record_is_verified_but_the_filings_own_error(record: dict, regions: list) -> None:
    _, verdicts = verify_record(record, regions)
    assert all(v.status == VERIFIED for v in verdicts.tables)
    failed = [(c["project_name"], v) for c, v in zip(record["performance_cards"], verdicts.cards)
              if v.status != VERIFIED]
    # the sample's known filing error: card 单位取暖费 plans 1.70 of a 2.00 budget
    assert [(name, v.status, v.cause) for name, v in failed] == [("单位取暖费", FAILED, "filing")]
    assert "card.plan_reaches_budget" in failed[0][1].reasons[0]
    assert (verdicts.document.status, verdicts.document.cause) == (FAILED, "filing")


def test_extraction_mistake_fails_its_table_with_extraction_as_cause(record: dict, regions: list) -> None:
    table = next(t for t in record["tables"] if t["kind"] == "income_summary")
    table["rows"].pop(3)
    _, verdicts = verify_record(record, regions)
    verdict = _table_verdict(record, verdicts, "income_summary")
    assert (verdict.status, verdict.cause) == (FAILED, "extraction")
    assert _table_verdict(record, verdicts, "expenditure_summary").status == VERIFIED
    assert verdicts.document.cause == "extraction"


def test_check_that_cannot_run_leaves_the_table_unverified(record: dict, regions: list) -> None:
    unfound = [r for r in regions if r.table_kind != "fixed_assets"]
    _, verdicts = verify_record(record, unfound)
    verdict = _table_verdict(record, verdicts, "fixed_assets")
    assert verdict.status == UNVERIFIED and "coverage.no_region" in verdict.reasons[0]


def test_other_tables_are_unverified_and_do_not_decide_the_document() -> None:
    record = {"tables": [{"kind": "other", "title": "项目支出表", "rows": []}], "performance_cards": []}
    verdicts = compute_verdicts(record, [])
    assert verdicts.tables[0].status == UNVERIFIED
    assert verdicts.document.status == VERIFIED


def test_warnings_do_not_change_a_verdict() -> None:
    warning = {"rule_id": "rounding.within_tolerance", "severity": "warning", "table_kind": "income_summary"}
    assert part_verdict([warning]).status == VERIFIED


def test_verdicts_written_into_the_record_pass_the_schema(record: dict, regions: list) -> None:
    _, verdicts = verify_record(record, regions)
    written = with_verdicts(record, verdicts)
    assert written["verdict"]["status"] == FAILED
    assert {t["verdict"]["status"] for t in written["tables"]} == {VERIFIED}
    assert written["performance_cards"][2]["verdict"]["cause"] == "filing"
    assert validate_record(written) == []
    assert verdicts.counts()[FAILED] == 1


def test_a_row_counted_twice_blames_the_extraction_not_the_filing() -> None:
    from extractor.validate.verdicts import blames_filing

    doubled = {"rule_id": "summary.grand_total", "severity": "error", "expected": 9303.34, "actual": 4651.67}
    off = {"rule_id": "tree.item_sum", "severity": "error", "expected": 100.0, "actual": 624.0}
    plan = {"rule_id": "card.plan_reaches_budget", "severity": "error", "expected": 200.0, "actual": 100.0}
    assert not blames_filing(doubled)
    assert blames_filing(off) and blames_filing(plan)
