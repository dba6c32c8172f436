"""Rules extraction of tables: page headers dropped, split rows rejoined, numbers placed by identity."""

from __future__ import annotations

from extractor.extract.rules.placement import place_rows
from extractor.extract.rules.tables import extract_table
from extractor.ingest.text import parse_dump
from extractor.record.numbers import join_split_code, join_split_numbers
from extractor.regions.classify import classify_title
from extractor.regions.split import split_regions

HEADER = "001 某局 预算年度：2025 单位：万元\n序号\n功能分类科目\n合计 基本支出 项目支出\n科目编码 科目名称\n栏次 1 2 3 4 5\n"

PLAIN_EXPENDITURE = (
    "部门预算一般公共预算财政拨款支出表\n" + HEADER
    + "1 合计 30.00 10.00 20.00\n"
    + "2 206 科学技术支出 30.00 10.00 20.00\n"
    + "3 20601 科学技术管理事\n务\n30.00 10.00 20.00\n"
    + "4 2060101 行政运行 10.00 10.00\n"
    + " " + HEADER
    + "5 2060102 一般行政管理事务 20.00 20.00\n"
)


def _table(text: str) -> dict:
    doc = parse_dump(text)
    region = next(r for r in split_regions(doc) if r.kind == "table")
    return extract_table(region, doc.layout)


def _cells(table: dict) -> dict:
    return {(row.get("code"), row["name"]): row["values"] for row in table["rows"]}


def test_plain_table_drops_repeated_headers_joins_wrapped_names_and_places_by_identity() -> None:
    table = _table(PLAIN_EXPENDITURE)
    assert table["kind"] == "general_budget_expenditure" and table["unit"] == "万元"
    cells = _cells(table)
    assert list(cells) == [(None, "合计"), ("206", "科学技术支出"), ("20601", "科学技术管理事务"),
                           ("2060101", "行政运行"), ("2060102", "一般行政管理事务")]
    # "20.00 20.00" could be total+basic; only total+project makes 20601 = 2060101 + 2060102 hold.
    assert cells[("2060102", "一般行政管理事务")] == {"total": 20.0, "project": 20.0}
    assert cells[("2060101", "行政运行")] == {"total": 10.0, "basic": 10.0}


def test_row_split_by_a_page_break_is_rejoined_cell_by_cell() -> None:
    header = "001 某局\t预算年度：2025\t单位：万元\n序号\t科目编码\t科目名称\t合计\t基本支出\t项目支出\n栏次\t1\t2\t3\t4\t5\n"
    text = ("部门预算支出总表\n" + header + "1\t\t合计\t376.23\t376.23\t\n2\t2060\t行政\t376.\t376.\t\n"
            + header + "\t101\t运行\t23\t23\t\n")
    table = _table(text)
    assert _cells(table)[("2060101", "行政运行")] == {"total": 376.23, "basic": 376.23}


def test_empty_table_keeps_its_note() -> None:
    text = "部门预算政府性基金预算财政拨款支出表\n" + HEADER + "注：无政府性基金预算财政拨款预算，空表列示。\n"
    table = _table(text)
    assert table["empty"] is True and table["rows"] == []
    assert table["note"] == "注:无政府性基金预算财政拨款预算,空表列示。"


def test_two_sided_summary_reads_both_sides_and_prefixes_sub_rows() -> None:
    text = ("部门预算财政拨款收支总表\n001 某局 预算年度：2025 单位：万元\n栏次 1 2 3 4 5 6 7\n"
            "1 一、一般公共预算拨款 10.00 一、科学技术支出 12.00 12.00\n"
            "2 本年收入合计 10.00 本年支出合计 12.00 12.00\n"
            "3 年初财政拨款结转和结余 2.00 年末财政拨款结转和结余\n"
            "4 一、一般公共预算拨款 2.00\n"
            "5 收入总计 12.00 支出总计 12.00 12.00\n")
    rows = {(r["side"], r["name"]): r["values"] for r in _table(text)["rows"]}
    assert rows[("income", "一般公共预算拨款")] == {"amount": 10.0}
    assert rows[("expenditure", "科学技术支出")] == {"total": 12.0, "general_budget": 12.0}
    assert rows[("income", "年初财政拨款结转和结余/一般公共预算拨款")] == {"amount": 2.0}
    assert rows[("expenditure", "支出总计")] == {"total": 12.0, "general_budget": 12.0}


def test_split_numbers_and_codes_are_rejoined() -> None:
    assert join_split_numbers(["1396", ".37", "377.", "33", "32.3", "0"]) == ["1396.37", "377.33", "32.30"]
    assert join_split_code(["2014", "0", "信访事务"]) == ("20140", ["信访事务"])
    assert join_split_code(["2014", "004", "信访业务"]) == ("2014004", ["信访业务"])


def test_placement_uses_carryover_when_no_income_source_explains_the_total() -> None:
    keys = ("total", "current_subtotal", "fiscal_allocation", "special_account", "carryover")
    [values] = place_rows("income_summary", keys, [("21606", [185.34, 185.34])])
    assert values == {"total": 185.34, "carryover": 185.34}


def test_titles_are_classified_by_meaning_not_by_one_provinces_wording() -> None:
    assert classify_title("2025年部门财务收支预算总表") == "income_expenditure_summary"
    assert classify_title("单位预算财政拨款收支总表") == "fiscal_allocation_summary"
    assert classify_title("部门预算政府基金预算财政拨款支出表") == "government_fund_expenditure"
    assert classify_title("单位政府采购预算") == "procurement"
    assert classify_title("部门预算收支总表.....\t1") is None
    assert classify_title("详见政府采购预算表。") is None


def test_plain_page_header_printed_over_several_lines_is_not_read_as_row_text() -> None:
    header = "350 某某科学技术局\n预算年度：\n2024\n单位：万元\n序号 科目编码 科目名称 合计 基本支出 项目支出\n栏次 1 2 3 4 5\n"
    text = ("部门预算一般公共预算财政拨款支出表\n" + header + "1 合计 400.00 376.23 23.77\n"
            "2 206 科学技术支出 400.00 376.23 23.77\n3 20601 科学技术管理事务 400.00 376.23 23.77\n"
            "4 2060 行政 376. 376.\n" + header + "101 运行 23 23\n5 2060102 一般行政管理事务 23.77 23.77\n")
    cells = _cells(_table(text))
    assert cells[("2060101", "行政运行")] == {"total": 376.23, "basic": 376.23}
    assert cells[("2060102", "一般行政管理事务")] == {"total": 23.77, "project": 23.77}
    assert not any("某某" in name for _, name in cells)


def test_a_title_that_came_apart_in_two_cells_still_titles_its_table() -> None:
    from extractor.ingest.text import Line
    from extractor.regions.split import title_kind, title_text

    apart = Line(1, 1, ("2019", "年政府 采购预算表"))
    assert title_text(apart) == "2019年政府 采购预算表" and title_kind(apart) == "procurement"
    assert title_kind(Line(2, 1, ("收支预算总表", "单位:万元"))) == "income_expenditure_summary"
    assert title_text(Line(3, 1, ("合计", "2,416.43"))) == "合计"
