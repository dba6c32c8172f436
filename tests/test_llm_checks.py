"""Judging a model's answer without a model: parsing, printed-number forms, shaping and provenance."""

from __future__ import annotations

import json

import pytest

from extractor.extract.llm.checks import judge, parse_json_object
from extractor.extract.llm.source import cell_numbers, printed_numbers, region_text
from extractor.extract.llm.targets import target_for
from extractor.ingest.text import Line
from extractor.regions.model import Region
from tests.test_llm_faults import GOOD_NARRATIVE, GOOD_TABLE
from tests.test_llm_prompts import snippet_regions


@pytest.mark.parametrize(("cell", "expected"), [
    ("1,234.50", {1234.5}),
    ("1234.5", {1234.5}),
    ("１２３.４０万元", {123.4}),
    ("1396 .37", {1396.0, 37.0, 1396.37}),
    ("比上年减少5.00万元，下降2%", {5.0, 2.0}),
    ("-12.30", {12.3}),
])
def test_printed_number_forms(cell: str, expected: set[float]) -> None:
    assert cell_numbers(cell) == expected


def test_line_numbers_are_not_printed_numbers() -> None:
    region = Region("table", "expenditure_summary", "t", (Line(777, 9, ("合计", "1.00")),))
    assert "L777 p9: 合计 | 1.00" == region_text(region)
    assert printed_numbers(region.lines) == {1.0}


@pytest.mark.parametrize(("text", "expected"), [
    ('```json\n{"a": 1}\n```', {"a": 1}),
    ('Sure! {"a": {"b": [1, 2]}} trailing words {"c": 3}', {"a": {"b": [1, 2]}}),
    ("no json here", "the answer holds no JSON object"),
])
def test_parse_json_object(text: str, expected: object) -> None:
    assert parse_json_object(text) == expected


def test_parse_reports_where_json_breaks() -> None:
    assert str(parse_json_object('{"a": 1,')).startswith("the answer is not valid JSON (")


def thousands_region() -> Region:
    lines = (Line(1, 2, ("部门预算支出总表",)), Line(2, 2, ("", "合计", "1,234.50", "1,234.50", "")),
             Line(3, 2, ("206", "科学技术 支出", "1,234.50", "1,234.50", "")))
    return Region("table", "expenditure_summary", "部门预算支出总表", lines)


def test_numbers_printed_with_separators_are_accepted_and_names_normalised() -> None:
    region = thousands_region()
    answer = {"kind": "income_summary", "title": "部门预算支出总表", "empty": False, "rows": [
        {"code": None, "name": "合计", "values": {"total": 1234.5, "basic": 1234.50}},
        {"code": "206", "name": "一、科学技术 支出", "values": {"total": 1234.5, "basic": 1234.5}}]}
    verdict = judge(json.dumps(answer, ensure_ascii=False), target_for(region), region)
    assert verdict.ok, verdict.issues
    assert verdict.part is not None
    assert verdict.part["kind"] == "expenditure_summary"  # the region's kind, not the model's
    assert verdict.part["rows"][1]["name"] == "科学技术支出"
    assert verdict.part["rows"][1]["provenance"] == {"method": "llm", "lines": [3, 3], "page": 2}


def test_a_row_not_found_on_any_line_gets_the_region_span() -> None:
    region = thousands_region()
    answer = {"kind": "expenditure_summary", "title": "x", "empty": False,
              "rows": [{"code": None, "name": "不存在", "values": {}}]}
    verdict = judge(json.dumps(answer, ensure_ascii=False), target_for(region), region)
    assert verdict.part is not None
    assert verdict.part["rows"][0]["provenance"] == {"method": "llm", "lines": [1, 3], "page": 2}


def test_schema_issues_are_named_by_path() -> None:
    region = snippet_regions()["table"]
    bad = json.loads(json.dumps(GOOD_TABLE))
    bad["rows"][1]["code"] = 206
    bad["rows"][2]["values"]["bogus"] = "1"  # another snake_case column may be kept, but as an amount or null
    verdict = judge(json.dumps(bad, ensure_ascii=False), target_for(region), region)
    assert not verdict.ok
    assert any(i.startswith("schema: $.rows[1].code:") for i in verdict.issues)
    assert any(i.startswith("schema: $.rows[2].values.bogus:") for i in verdict.issues)


def test_narrative_signs_are_semantics_not_printing() -> None:
    region = Region("prose", None, "", (Line(5, 1, ("收入预算100.00万元，比上年减少5.00万元。",)),))
    answer = {"income_total": 100.0, "change_amount": -5.0}
    assert judge(json.dumps(answer), target_for(region), region).ok
    assert not judge(json.dumps(GOOD_NARRATIVE), target_for(region), region).ok  # 60.00 is not printed here


def test_a_table_answer_without_rows_must_say_the_table_is_empty() -> None:
    region = snippet_regions()["table"]
    target = target_for(region)
    no_rows = {"kind": "expenditure_summary", "title": "部门预算支出总表", "empty": False, "rows": []}
    verdict = judge(json.dumps(no_rows, ensure_ascii=False), target, region)
    assert not verdict.ok and verdict.issues[0].startswith("llm.rows_missing: the table is not empty")
    assert judge(json.dumps({**no_rows, "empty": True}, ensure_ascii=False), target, region).ok
    assert judge(json.dumps(GOOD_TABLE, ensure_ascii=False), target, region).ok
