"""Completeness checks: each fires on a real record with a real extractor mistake, and not on the right record.

The subject is the shipped sample filing (examples/, a tab dump of a Hebei 2024 filing) with its hand-labelled
gold record; the PDF case draws the same record with the test renderer.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from extractor.ingest import read_filing
from extractor.ingest.text import Line
from extractor.regions.model import Region
from extractor.regions.split import split_regions
from extractor.validate.card_pairing import card_spans
from extractor.validate.coverage import check_coverage
from extractor.validate.coverage_cards import check_cards_coverage
from extractor.validate.coverage_tables import check_table_coverage
from extractor.validate.rules_common import TableView
from tests.conftest import EXAMPLES

SAMPLE = EXAMPLES / "zhaoxian-kegongxin-2024.txt"
GOLD = EXAMPLES / "gold" / "zhaoxian-kegongxin-2024.json"


@pytest.fixture(scope="module")
def regions() -> list:
    return split_regions(read_filing([SAMPLE]))


@pytest.fixture()
def record() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))


def _table(record: dict, kind: str) -> dict:
    return next(t for t in record["tables"] if t["kind"] == kind)


def _rules(findings: list[dict]) -> set[str]:
    return {f["rule_id"] for f in findings if f["severity"] != "warning"}


def test_right_record_has_no_completeness_finding(record: dict, regions: list) -> None:
    assert check_coverage(record, regions) == []


def test_dropped_row_leaves_its_amounts_unplaced(record: dict, regions: list) -> None:
    table = _table(record, "expenditure_summary")
    dropped = next(r for r in table["rows"] if r.get("code") == "2060404")
    table["rows"].remove(dropped)
    findings = [f for f in check_coverage(record, regions) if f["rule_id"] == "coverage.unplaced_amount"]
    assert findings and all(f["table_kind"] == "expenditure_summary" for f in findings)
    assert {f["actual"] for f in findings} == {dropped["values"]["total"]}
    assert findings[0]["page"] is not None and "2060404" in findings[0]["message"]


def test_misread_digit_is_unprinted_and_its_printed_figure_unplaced(record: dict, regions: list) -> None:
    row = next(r for r in _table(record, "general_budget_expenditure")["rows"] if r.get("code") == "2060102")
    row["values"]["total"] = round(row["values"]["total"] + 10, 2)
    findings = check_coverage(record, regions)
    assert {"coverage.unprinted_value", "coverage.unplaced_amount"} <= _rules(findings)
    unprinted = next(f for f in findings if f["rule_id"] == "coverage.unprinted_value")
    assert (unprinted["row_key"], unprinted["value_key"]) == ("2060102", "total")


def test_swapped_rows_are_printed_under_other_labels(record: dict, regions: list) -> None:
    rows = _table(record, "income_summary")["rows"]
    a = next(r for r in rows if r.get("code") == "2060404")
    b = next(r for r in rows if r.get("code") == "2060499")
    a["values"], b["values"] = b["values"], a["values"]
    findings = [f for f in check_coverage(record, regions) if f["rule_id"] == "coverage.row_label"]
    assert {f["row_key"] for f in findings} == {"2060404", "2060499"}


def test_dropped_and_misclassified_tables_are_unread(record: dict, regions: list) -> None:
    dropped = copy.deepcopy(record)
    dropped["tables"] = [t for t in dropped["tables"] if t["kind"] != "three_public_expenditure"]
    unread = [f for f in check_coverage(dropped, regions) if f["rule_id"] == "coverage.table_unread"]
    assert [f["table_kind"] for f in unread] == ["three_public_expenditure"]
    _table(record, "fixed_assets")["kind"] = "procurement"
    rules = _rules(check_coverage(record, regions))
    assert "coverage.table_unread" in rules


def test_empty_table_with_printed_amounts_is_unread(record: dict, regions: list) -> None:
    table = _table(record, "general_budget_basic_expenditure")
    table["rows"], table["empty"] = [], True
    findings = [f for f in check_coverage(record, regions) if f["rule_id"] == "coverage.table_unread"]
    assert [f["table_kind"] for f in findings] == ["general_budget_basic_expenditure"]


def test_missing_total_row_is_an_error(record: dict, regions: list) -> None:
    table = _table(record, "general_budget_expenditure")
    table["rows"] = [r for r in table["rows"] if r.get("name") != "合计"]
    assert {"coverage.missing_total", "coverage.unplaced_amount"} <= _rules(check_coverage(record, regions))


def test_card_indicator_mistakes(record: dict, regions: list) -> None:
    card = record["performance_cards"][0]
    dropped = copy.deepcopy(record)
    dropped["performance_cards"][0]["indicators"].pop(0)
    assert "coverage.indicator_unread" in _rules(check_coverage(dropped, regions))
    shifted = copy.deepcopy(record)
    first = next(i for i, x in enumerate(card["indicators"]) if x["level1"] != card["indicators"][0]["level1"])
    shifted["performance_cards"][0]["indicators"][first]["level1"] = card["indicators"][0]["level1"]
    assert "coverage.indicator_level" in _rules(check_coverage(shifted, regions))
    swapped = copy.deepcopy(record)
    values = swapped["performance_cards"][0]["indicators"]
    k = next(i for i in range(len(values) - 1) if values[i]["value"] != values[i + 1]["value"])
    values[k]["value"], values[k + 1]["value"] = values[k + 1]["value"], values[k]["value"]
    assert "coverage.indicator_unprinted" in _rules(check_coverage(swapped, regions))


def test_unread_card_is_reported(record: dict, regions: list) -> None:
    record["performance_cards"].pop(3)
    unread = [f for f in check_coverage(record, regions) if f["rule_id"] == "coverage.card_unread"]
    assert len(unread) == 1


def test_value_moved_to_the_neighbouring_column(record: dict, regions: list) -> None:
    row = next(r for r in _table(record, "fixed_assets")["rows"] if r["values"].get("quantity"))
    row["values"]["value"] = row["values"].pop("quantity")
    assert _rules(check_coverage(record, regions)) & {"coverage.column_mismatch", "coverage.unplaced_amount"}


def test_table_without_region_is_unchecked(record: dict, regions: list) -> None:
    unfound = [r for r in regions if r.table_kind != "fixed_assets"]
    unchecked = [f for f in check_coverage(record, unfound) if f["severity"] == "unchecked"]
    assert [(f["rule_id"], f["table_kind"]) for f in unchecked] == [("coverage.no_region", "fixed_assets")]


def _lines(*texts: str) -> list[Line]:
    return [Line(n, 1, (text,)) for n, text in enumerate(texts, start=1)]


def test_notes_zeros_ordinals_and_split_numbers_are_not_unplaced() -> None:
    view = TableView.of({"kind": "general_budget_expenditure", "title": "t", "rows": [
        {"code": None, "name": "合计", "values": {"total": 1396.37, "basic": 1396.37}},
        {"code": "206", "name": "科学技术支出", "values": {"total": 1396.37, "basic": 1396.37}},
    ]}, "万元")
    lines = _lines("栏次 1 2 3", "1 合计 1396 .37 1,396.37 0.00", "2 206 科学技术支出 1396.37 1396.37 -",
                   "注：本表另有 55.00 万元结转。")
    assert check_table_coverage(view, lines).findings == []
    lost = _lines("1 合计 1396.37 1396.37", "2 206 科学技术支出 1396.37 1396.37", "3 208 社会保障 12.50 12.50")
    findings = check_table_coverage(view, lost).findings
    assert [(f["rule_id"], f["actual"]) for f in findings] == [("coverage.unplaced_amount", 12.5)] * 2


def test_gold_pdf_drawn_by_the_renderer_is_covered(record: dict, tmp_path: Path) -> None:
    from eval.render import render_record

    path = tmp_path / "sample.grid.pdf"
    path.write_bytes(render_record(record, "grid", 0))
    pdf_regions = split_regions(read_filing([path]))
    assert _rules(check_coverage(record, pdf_regions)) == set()
    _table(record, "expenditure_summary")["rows"].pop(2)
    assert "coverage.unplaced_amount" in _rules(check_coverage(record, pdf_regions))


def test_a_whole_lost_column_is_unplaced_where_its_header_names_a_contract_key(record: dict, regions: list) -> None:
    table = _table(record, "general_budget_basic_expenditure")
    for row in table["rows"]:
        row["values"].pop("personnel", None)
    findings = [f for f in check_coverage(record, regions) if f["rule_id"] == "coverage.unplaced_amount"]
    assert findings and {f["table_kind"] for f in findings} == {"general_budget_basic_expenditure"}


def _listing_region() -> Region:
    rows = ["项目名称 总计 财政拨款 绩效目标 绩效指标",
            "河湖巡查工作经费 12.00 12.00 完成河湖巡查 1－产出指标，11－数量指标，巡查河湖数量；年度指标值：≥30条",
            "设备购置经费 8.00 8.00 保障河湖巡查工作经费使用 1－产出指标，11－数量指标，购置设备数量；年度指标值：≥2台"]
    lines = tuple(Line(n, 1, (text,)) for n, text in enumerate(rows, 1))
    return Region("card", None, "项目支出绩效目标表", lines)


def _listing_card(seq: int, name: str, level3: str, value: str) -> dict:
    return {"seq": seq, "project_name": name, "goals": [], "indicators": [
        {"level1": "产出指标", "level2": "数量指标", "level3": level3, "value": value}]}


def test_a_listing_region_checks_each_of_its_cards_on_its_own_row() -> None:
    region = _listing_region()
    cards = [_listing_card(1, "河湖巡查工作经费", "巡查河湖数量", "≥30条"),
             _listing_card(2, "设备购置经费", "购置设备数量", "≥2台")]
    spans = card_spans(cards, [region])
    assert [span[0] for span in spans if span] == [0, 0]
    assert spans[0] is not None and spans[1] is not None and spans[0][2] <= spans[1][1]
    assert [f["rule_id"] for f in check_cards_coverage(cards, [region]) if f["severity"] == "error"] == []
    dropped = [cards[0], _listing_card(2, "设备购置经费", "巡查河湖数量", "≥30条")]
    assert any(f["rule_id"] == "coverage.indicator_unprinted" for f in check_cards_coverage(dropped, [region]))


def test_a_name_two_listings_print_pairs_each_card_with_its_own_row() -> None:
    first = _listing_region()
    rows = ["项目名称 总计 财政拨款 绩效目标 绩效指标",
            "设备购置经费 5.00 5.00 保障监测站运行 1－产出指标，11－数量指标，监测设备数量；年度指标值：≥3台"]
    second = Region("card", None, "项目支出绩效目标表", tuple(Line(n, 2, (t,)) for n, t in enumerate(rows, 10)))
    cards = [_listing_card(1, "河湖巡查工作经费", "巡查河湖数量", "≥30条"),
             _listing_card(2, "设备购置经费", "购置设备数量", "≥2台"),
             _listing_card(3, "设备购置经费", "监测设备数量", "≥3台")]
    spans = card_spans(cards, [first, second])
    assert [span[0] if span else None for span in spans] == [0, 0, 1]
    assert [f["rule_id"] for f in check_cards_coverage(cards, [first, second]) if f["severity"] == "error"] == []
