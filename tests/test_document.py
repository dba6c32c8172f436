"""The document block: agency code and name wherever the filing prints them, null (with a warning) elsewhere."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from extractor.extract.rules.document import extract_document
from extractor.ingest import read_filing
from extractor.ingest.text import Line
from extractor.regions.model import Region
from extractor.regions.split import split_regions
from tests.conftest import GOLD_DIR, SHARED, shared_params


def _region(kind: str, title: str, *rows: tuple[str, ...], table_kind: str | None = None) -> Region:
    lines = tuple(Line(number=i, page=1, cells=cells) for i, cells in enumerate(rows))
    return Region(kind, table_kind if kind != "table" else (table_kind or "income_summary"), title, lines)


def test_code_printed_before_the_name_in_table_headers_comes_first() -> None:
    table = _region("table", "收入总表", ("收入总表",), ("306001 某某县科技局", "单位：万元"))
    card = _region("card", "项目绩效目标表", ("主管部门及代码", "[999]别的部门"))
    document = extract_document([table, card])
    assert (document["agency_code"], document["agency_name"]) == ("306001", "某某县科技局")


def test_code_from_a_unit_code_column_is_the_first_unit_row() -> None:
    table = _region("table", "收入总表", ("收入总表",), ("部门：某某市审计局", "单位：万元"),
                    ("部门代\n码", "部门名称", "合计"), ("合计", "", "4,651.67"),
                    ("024", "某某市审计局", "4,651.67"), ("024001", "某某市审计局", "4,651.67"))
    document = extract_document([table])
    assert (document["agency_code"], document["agency_name"]) == ("024", "某某市审计局")


@pytest.mark.parametrize(("value", "code"), [("[292]某某信访局", "292"), ("229_某某市信访局", "229"),
                                           ("3130 某某市信访局", "3130")])
def test_code_from_a_card_header(value: str, code: str) -> None:
    table = _region("table", "收入总表", ("收入总表",), ("部门（单位）：某某市信访局", "单位：万元"))
    card = _region("card", "项目绩效目标表", ("主管部门及代码", "", value, "实施单位", "某某市信访局"))
    assert extract_document([table, card])["agency_code"] == code


def test_no_code_printed_anywhere_is_null() -> None:
    table = _region("table", "收入总表", ("收入总表",), ("科目编码", "科目名称", "合计"), ("201", "一般公共服务支出", "1.00"))
    assert extract_document([table])["agency_code"] is None


def test_name_from_a_title_with_the_year_first_not_a_part_heading() -> None:
    regions = [_region("prose", "", ("2026年某某市信访局部门预算",), ("目 录",)),
               _region("prose", "", ("第二部分 2026年部门预算表",))]
    assert extract_document(regions)["agency_name"] == "某某市信访局"


def test_name_from_a_labelled_opening_line() -> None:
    regions = [_region("prose", "", ("上海市2025年市级单位预算",), ("预算单位:某某市财政局",)),
               _region("table", "2025年预算单位收入预算总表", ("编制单位:某某市财政局", "单位:元"))]
    assert extract_document(regions)["agency_name"] == "某某市财政局"


def test_name_from_a_cover_line_between_year_and_budget() -> None:
    regions = [_region("prose", "", ("2026 年度",), ("某某市医疗保障局",), ("部门预算",), ("目录",))]
    assert extract_document(regions)["agency_name"] == "某某市医疗保障局"


def test_nothing_to_read_gives_nulls_not_headings() -> None:
    regions = [_region("prose", "", ("第一部分 2026年部门概况",), ("目 录",))]
    document = extract_document(regions)
    assert document["agency_name"] is None and document["agency_code"] is None


def _gold_pdfs() -> list[tuple[str, Path]]:
    sources = SHARED / "gold" / "sources.tsv"
    if not sources.is_file():
        return []
    rows = list(csv.reader(sources.open(encoding="utf-8"), delimiter="\t"))[1:]
    return [(gold, SHARED / source) for gold, source in rows if source.endswith(".pdf")]


@pytest.mark.parametrize("case", shared_params(_gold_pdfs(), "the gold PDFs (gold/sources.tsv, pdfs/)"),
                         ids=lambda c: c[0] if c else "no-shared")
def test_agency_code_and_name_of_the_gold_pdfs(case: tuple[str, Path]) -> None:
    gold_name, pdf = case
    expected = json.loads((GOLD_DIR / f"{gold_name}.json").read_text(encoding="utf-8"))["document"]
    document = extract_document(list(split_regions(read_filing((pdf,), "off"))))
    assert document["agency_code"] == expected["agency_code"]
    assert document["agency_name"] is not None and document["fiscal_year"] == expected["fiscal_year"]


@pytest.mark.parametrize(("printed", "name"), [("某某市财政局（汇总）", "某某市财政局"), ("某某市财政局(部门汇总)", "某某市财政局"),
                                               ("某某市交通运输局（本级）", "某某市交通运输局（本级）")])
def test_a_consolidation_mark_is_no_part_of_the_name_a_scope_is(printed: str, name: str) -> None:
    regions = [_region("prose", "", ("2026年部门预算",), (f"部门名称：{printed}",))]
    assert extract_document(regions)["agency_name"] == name


def _unit_table(kind: str | None, unit: str) -> Region:
    return _region("table", "表", ("表",), ("部门：某某局", f"单位：{unit}"), table_kind=kind)


@pytest.mark.parametrize(("tables", "prose", "unit"), [
    ((("income_summary", "元"), ("expenditure_summary", "元"), ("other", "万元")), "支出1.00万元", "元"),
    ((("income_summary", "元"), ("expenditure_summary", "万元")), "支出1.00万元", "万元"),
    ((("income_summary", "万元"),), "", "万元"),
    ((("other", "元"),), "支出1.00万元", "元"),
    ((), "合计1,000.00元", "元"),
    ((), "", "万元"),
])
def test_the_unit_is_the_budget_tables_then_any_tables_then_the_proses(tables, prose, unit) -> None:
    regions = [*(_unit_table(kind, u) for kind, u in tables), _region("prose", "", (prose,))]
    assert extract_document(regions)["currency_unit"] == unit
