"""The cross-table anchors added for issue 13 fire on a real record whose figures disagree, and not on the
right one (the shipped sample's gold record)."""

from __future__ import annotations

import json

from extractor.validate.arithmetic import check_record
from tests.conftest import EXAMPLES

GOLD = EXAMPLES / "gold" / "zhaoxian-kegongxin-2024.json"


def _record() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))


def _rules(record: dict) -> set[str]:
    return {f["rule_id"] for f in check_record(record) if f["severity"] == "error"}


def _row(record: dict, kind: str, name: str) -> dict:
    table = next(t for t in record["tables"] if t["kind"] == kind)
    return next(r for r in table["rows"] if r["name"] == name)


def test_right_record_holds_the_new_anchors() -> None:
    rules = _rules(_record())
    assert not rules & {"cross.basic_table_vs_expenditure_summary", "cross.fiscal_income_vs_income_summary"}


def test_basic_table_total_against_expenditure_summary_basic() -> None:
    record = _record()
    _row(record, "expenditure_summary", "合计")["values"]["basic"] += 5
    assert "cross.basic_table_vs_expenditure_summary" in _rules(record)


def test_fiscal_summary_income_against_income_summary() -> None:
    record = _record()
    _row(record, "income_summary", "合计")["values"]["fiscal_allocation"] += 5
    assert "cross.fiscal_income_vs_income_summary" in _rules(record)
