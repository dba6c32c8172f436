"""Table layouts of the city filings, each pinned on a small ruled PDF drawn at test time (tests/grid_pdf.py).

One test per rule of the format: split 类/款/项 codes printed per level (and continued on the next page),
a 小计 under a merged heading, two classifications side by side, 三公 tables with their items as columns
(one row with two years; by unit with 上年/当年/增减 halves), procurement by item, by project and by code,
收入总表 by unit, unnumbered and (一) sub-items in two-sided summaries, previous-year columns, and the lines
around a table (the next table's label, a running page header, a 栏次 row).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.extract.rules.tables import extract_table, merge_tables
from extractor.extract.rules.vocabulary import table_vocabulary, value_columns
from extractor.ingest import read_filing
from extractor.record.kinds import VALUE_KEYS
from extractor.regions.classify import classify_title
from extractor.regions.split import split_regions
from tests.grid_pdf import UP, Span, save_pages


def _tables(tmp_path: Path, pages: list[dict]) -> dict[str, dict]:
    """Convert the drawn pages and return the tables by kind."""
    doc = read_filing([save_pages(tmp_path / "t.pdf", pages)])
    tables = merge_tables([extract_table(r, doc.layout) for r in split_regions(doc) if r.kind == "table"])
    return {t["kind"]: t for t in tables}


def _cells(table: dict) -> dict[tuple[str, str], float]:
    """(row key, value key) -> value, the row key being the code, else side:name, else the name."""
    out = {}
    for row in table["rows"]:
        key = row.get("code") or (f"{row['side']}:{row['name']}" if row.get("side") else row["name"])
        for value_key, value in row["values"].items():
            out[(key, value_key)] = value
    return out


THREE_PUBLIC_ROWS = {"因公出国(境)费", "公务用车购置及运维费", "公务用车购置费", "公务用车运行维护费", "公务接待费",
                     "机关运行经费"}


def test_the_table_vocabulary_speaks_the_contracts_keys_and_names() -> None:
    columns = value_columns()
    assert set(columns) == set(VALUE_KEYS) - {"income_expenditure_summary"}
    for kind, spec in columns.items():
        assert all(key in VALUE_KEYS[kind] and words for key, words in spec), kind
    vocabulary = table_vocabulary()
    assert {name for _, name in vocabulary["three_public_items"]} == THREE_PUBLIC_ROWS
    assert set(vocabulary["summary_grouping_headings"]) == {"income", "expenditure"}
    assert set(vocabulary["optional_keys"]) <= {key for spec in columns.values() for key, _ in spec}


@pytest.mark.parametrize(("title", "kind"), [
    ("2026年部门收支总体情况表", "income_expenditure_summary"),
    ("收入总体情况表", "income_summary"),
    ("本年支出总体情况表", "expenditure_summary"),
    ("政府采购支出表", "procurement"),
    ("部门综合预算政府采购(资产配置、购买服务)预算表", "procurement"),
    ("部门综合预算政府性基金收支表", "government_fund_expenditure"),
    ("基本支出总表", "other"),
    ("项目支出总表", "other"),
    ("一般公共预算支出表(按经济分类)", "other"),
    ("部门综合预算一般公共预算支出明细表(按支出经济分类科目)", "other"),
    ("部门综合预算一般公共预算基本支出明细表(按支出功能分类科目)", "other"),
    ("一般公共预算项目支出情况表(按经济分类科目)", "other"),
    ("部门综合预算一般公共预算基本支出明细表(按支出经济分类科目)", "general_budget_basic_expenditure"),
    ("部门综合预算一般公共预算支出明细表(按支出功能分类科目)", "general_budget_expenditure"),
])
def test_titles_of_the_city_filings_name_their_kind(title: str, kind: str) -> None:
    assert classify_title(title) == kind


def test_codes_printed_one_level_per_row_take_the_levels_above_even_across_a_page(tmp_path: Path) -> None:
    header = [[Span("科目编码", 3), "科目名称", "合计", "基本支出", "项目支出"], ["类", "款", "项", UP, UP, UP, UP]]
    widths = [30, 30, 30, 150, 70, 70, 70]
    first = [["", "", "", "合计", "1,450.49", "926.49", "524.00"],
             ["201", "", "", "一般公共服务支出", "1,378.84", "854.84", "524.00"],
             ["", "40", "", "信访事务", "1,378.84", "854.84", "524.00"],
             ["", "", "01", "行政运行", "854.84", "854.84", ""],
             ["210", "", "", "卫生健康支出", "71.65", "71.65", ""],
             ["", "11", "", "行政事业单位医疗", "71.65", "71.65", ""],
             ["", "", "01", "行政单位医疗", "60.85", "60.85", ""]]
    second = [["", "", "99", "其他行政事业单位医疗支出", "10.80", "10.80", ""]]
    tables = _tables(tmp_path, [dict(title="支出总体情况表", rows=header + first, widths=widths, label="公开表3"),
                                dict(title="支出总体情况表", rows=header + second, widths=widths, label="公开表3")])
    cells = _cells(tables["expenditure_summary"])
    assert cells[("合计", "total")] == 1450.49
    assert cells[("20140", "project")] == 524.00
    assert cells[("2014001", "basic")] == 854.84
    assert cells[("2101101", "total")] == 60.85
    assert cells[("2101199", "total")] == 10.80  # continued on the next page under 21011
    assert not any("code_levels" in row["provenance"] for row in tables["expenditure_summary"]["rows"])


def test_subtotal_under_a_merged_heading_is_that_heading_and_one_row_per_budget_unit(tmp_path: Path) -> None:
    rows = [["部门代码", "部门名称", "合计", Span("本年收入", 3), Span("财政拨款收入", 2), "上年结转"],
            [UP, UP, UP, "小计", "一般公共预算", "事业收入", "小计", "一般公共预算收入", UP],
            ["合计", "", "4,651.67", "4,651.67", "4,651.67", "", "4,651.67", "4,651.67", ""],
            ["024", "苏州市审计局", "4,651.67", "4,651.67", "4,651.67", "", "4,651.67", "4,651.67", ""],
            ["024001", "苏州市审计局", "4,651.67", "4,651.67", "4,651.67", "", "4,651.67", "4,651.67", ""]]
    table = _tables(tmp_path, [dict(title="收入总表", rows=rows, widths=[50, 90] + [70] * 7)])["income_summary"]
    assert [(r["code"], r["name"]) for r in table["rows"]] == [(None, "合计"), (None, "苏州市审计局"),
                                                               (None, "苏州市审计局")]
    assert table["rows"][1]["values"] == {"total": 4651.67, "current_subtotal": 4651.67, "fiscal_allocation": 4651.67}


def test_department_classification_beside_the_government_one_gives_the_rows(tmp_path: Path) -> None:
    rows = [[Span("科目编码", 2), "部门预算支出经济分类科目名称", Span("科目编码", 2), "政府预算支出经济分类科目名称",
             Span("基本支出预算", 3)],
            ["类", "款", UP, "类", "款", UP, "小计", "人员支出", "日常公用支出"],
            ["", "", "合计", "", "", "", "36.06", "30.00", "6.06"],
            ["301", "", "工资福利支出", "501", "", "机关工资福利支出", "30.00", "30.00", ""],
            ["301", "01", "基本工资", "501", "01", "工资奖金津补贴", "30.00", "30.00", ""],
            ["302", "01", "办公费", "502", "01", "办公经费", "6.06", "", "6.06"]]
    table = _tables(tmp_path, [dict(title="一般公共预算基本支出情况表", rows=rows,
                                    widths=[30, 30, 120, 30, 30, 120, 60, 60, 60])])["general_budget_basic_expenditure"]
    cells = _cells(table)
    assert cells[("30101", "total")] == 30.00 and cells[("30101", "personnel")] == 30.00
    assert cells[("30201", "public")] == 6.06
    assert cells[("合计", "total")] == 36.06
    assert [r["name"] for r in table["rows"]][1:] == ["工资福利支出", "基本工资", "办公费"]


def test_three_public_as_one_row_reads_this_years_half_not_the_next_tables_label(tmp_path: Path) -> None:
    rows = [[Span("2025年预算数", 6), Span("2026年预算数", 6)],
            ["合计", "因公出国(境)费", Span("公务用车购置及运行维护费", 3), "公务接待费",
             "合计", "因公出国(境)费", Span("公务用车购置及运行维护费", 3), "公务接待费"],
            [UP, UP, "小计", "公务用车购置费", "公务用车运行费", UP, UP, UP, "小计", "公务用车购置费", "公务用车运行费", UP],
            ["22.00", "", "20.00", "", "20.00", "2.00", "17.00", "", "15.00", "", "15.00", "2.00"]]
    tables = _tables(tmp_path, [dict(title="一般公共预算“三公”经费支出情况表", rows=rows, widths=[60] * 12,
                                     after=("公开表8",))])
    assert _cells(tables["three_public_expenditure"]) == {
        ("合计", "total"): 17.00, ("公务用车购置及运维费", "total"): 15.00,
        ("公务用车运行维护费", "total"): 15.00, ("公务接待费", "total"): 2.00}


def test_three_public_by_unit_reads_the_total_row_of_this_years_half(tmp_path: Path) -> None:
    items = ["合计", "三公小计", "公务接待费", "会议费"]
    rows = [["单位编码", "单位名称", Span("上年", 4), Span("当年", 4), Span("增减变化情况", 4)],
            [UP, UP, *items, *items, *items],
            ["合计", "", "300.00", "100.00", "100.00", "200.00", "250.00", "90.00", "90.00", "160.00",
             "-50.00", "-10.00", "-10.00", "-40.00"],
            ["116001", "某局", "300.00", "100.00", "100.00", "200.00", "250.00", "90.00", "90.00", "160.00",
             "-50.00", "-10.00", "-10.00", "-40.00"]]
    tables = _tables(tmp_path, [dict(title="一般公共预算拨款“三公”经费及会议费、培训费支出预算表", rows=rows,
                                     widths=[50, 60] + [55] * 12)])
    assert _cells(tables["three_public_expenditure"]) == {
        ("合计", "total"): 250.00, ("“三公”经费小计", "total"): 90.00, ("公务接待费", "total"): 90.00,
        ("会议费", "total"): 160.00}


def test_three_public_total_printed_with_meeting_costs_apart_is_the_three_public_subtotal(tmp_path: Path) -> None:
    rows = [["“三公”经费合计", "因公出国(境)费", "公务接待费", "会议费", "培训费"],
            ["10.00", "0.00", "10.00", "10.00", "43.00"]]
    tables = _tables(tmp_path, [dict(title="一般公共预算“三公”经费、会议费、培训费支出表", rows=rows, widths=[80] * 5,
                                     after=("某某局2026年度部门预算公开", "公开10 表"))])
    cells = _cells(tables["three_public_expenditure"])
    assert cells[("“三公”经费小计", "total")] == 10.00 and cells[("培训费", "total")] == 43.00


def test_procurement_rows_are_named_by_the_item_else_by_their_label(tmp_path: Path) -> None:
    rows = [["采购品目大类", "专项名称", "经济科目", "采购品目名称", "采购组织形式", "总计"],
            ["合计", "", "", "", "", "188.50"],
            ["货物", "", "", "", "", "5.50"],
            ["", "定额", "办公费", "复印纸", "集中采购", "1.30"],
            ["", "办公设备购置费", "", "", "", "4.20"],
            ["", "", "", "C16010302行业应用软件开发服务", "", "4.20"]]
    table = _tables(tmp_path, [dict(title="政府采购支出表", rows=rows, widths=[80, 100, 80, 150, 80, 70])])["procurement"]
    assert [(r["name"], r["values"]) for r in table["rows"]] == [
        ("合计", {"total": 188.5}), ("货物", {"total": 5.5}), ("复印纸", {"total": 1.3}),
        ("办公设备购置费", {"total": 4.2}), ("行业应用软件开发服务", {"total": 4.2})]


def test_procurement_by_project_number_and_by_function_code(tmp_path: Path) -> None:
    by_project = [["项目编号", "项目", "总计", "一般公共预算拨款收入"],
                  ["合计", "", "4,542.69", "4,542.69"], ["A", "货物", "110.00", "110.00"],
                  ["C", "服务", "4,432.69", "4,432.69"]]
    tables = _tables(tmp_path, [dict(title="2026年政府采购预算明细表", rows=by_project, widths=[60, 120, 80, 80])])
    assert _cells(tables["procurement"]) == {("合计", "total"): 4542.69, ("货物", "total"): 110.0,
                                             ("服务", "total"): 4432.69, ("合计", "general_budget"): 4542.69,
                                             ("货物", "general_budget"): 110.0, ("服务", "general_budget"): 4432.69}
    by_code = [[Span("科目编码", 3), "科目名称", "合计", Span("财政拨款", 2)],
               ["类", "款", "项", UP, UP, "小计", "一般公共预算"],
               ["", "", "", "合计", "71.89", "71.89", "71.89"],
               ["201", "", "", "一般公共服务支出", "71.89", "71.89", "71.89"],
               ["", "40", "", "信访事务", "71.89", "71.89", "71.89"],
               ["", "", "01", "行政运行", "1.56", "1.56", "1.56"]]
    tables = _tables(tmp_path, [dict(title="政府采购预算表", rows=by_code, widths=[30, 30, 30, 150, 70, 70, 70])])
    totals = {key: v for key, v in _cells(tables["procurement"]).items() if key[1] == "total"}
    assert totals == {("合计", "total"): 71.89, ("201", "total"): 71.89, ("20140", "total"): 71.89,
                      ("2014001", "total"): 1.56}


def test_summary_sub_items_take_their_parent_unless_it_is_a_plain_grouping_heading(tmp_path: Path) -> None:
    rows = [["收入", "", "支出", ""], ["项目", "预算数", "项目", "预算数"],
            ["一、本年收入", "17,552.65", "一、本年支出", "18,417.70"],
            ["(一)一般公共预算资金", "17,552.65", "(一)一般公共服务支出", "18,417.70"],
            ["二、上年结转", "865.06", "二、结转下年", ""],
            ["(一)一般公共预算拨款", "865.06", "", ""],
            ["三、财政拨款收入", "1.00", "", ""],
            ["一般公共预算收入", "1.00", "", ""],
            ["四、事业收入", "", "", ""],
            ["收入合计", "18,418.70", "支出合计", "18,418.70"]]
    table = _tables(tmp_path, [dict(title="2026年财政拨款收支总体情况表", rows=rows,
                                    widths=[160, 80, 160, 80])])["fiscal_allocation_summary"]
    names = [(r["side"], r["name"]) for r in table["rows"]]
    assert ("income", "一般公共预算资金") in names and ("expenditure", "一般公共服务支出") in names
    assert ("income", "上年结转/一般公共预算拨款") in names
    assert ("income", "财政拨款收入/一般公共预算收入") in names  # unnumbered, between 三、 and 四、


def test_previous_year_columns_are_not_read_but_carryover_is(tmp_path: Path) -> None:
    rows = [["科目编码", "科目名称", "2025年预算数", Span("2026年预算数", 3)],
            [UP, UP, UP, "总计", "基本支出", "专项业务经费支出"],
            ["合计", "", "15,635.80", "18,417.70", "9,018.47", "9,399.23"],
            ["201", "一般公共服务支出", "12,679.50", "18,417.70", "9,018.47", "9,399.23"]]
    income = [["合计", "上年结转", "一般公共预算拨款收入", "其他收入"], ["50,616.94", "2,254.12", "16,474.82", "31,888.00"]]
    tables = _tables(tmp_path, [dict(title="2026年一般公共预算支出情况表", rows=rows, widths=[60, 120, 80, 80, 80, 80]),
                                dict(title="部门收入总表", rows=income, widths=[90] * 4)])
    assert _cells(tables["general_budget_expenditure"])[("201", "total")] == 18417.70
    assert _cells(tables["general_budget_expenditure"])[("201", "project")] == 9399.23
    assert _cells(tables["income_summary"]) == {("合计", "total"): 50616.94, ("合计", "carryover"): 2254.12,
                                                ("合计", "fiscal_allocation"): 16474.82,
                                                ("合计", "other_income"): 31888.0}


def test_column_number_row_without_numbered_rows_is_read_as_a_grid(tmp_path: Path) -> None:
    rows = [["功能分类科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"], ["栏次", "", "1", "2", "3"],
            ["合计", "", "32,640.00", "", "32,640.00"], ["223", "国有资本经营预算支出", "32,640.00", "", "32,640.00"]]
    tables = _tables(tmp_path, [dict(title="国有资本经营预算支出预算表", rows=rows, widths=[80, 150, 80, 80, 80])])
    assert _cells(tables["state_capital_expenditure"]) == {("合计", "total"): 32640.0, ("合计", "project"): 32640.0,
                                                           ("223", "total"): 32640.0, ("223", "project"): 32640.0}


def test_printed_columns_without_a_contract_key_are_kept_under_their_own_keys(tmp_path: Path) -> None:
    rows = [["科目编码", "科目名称", "合计", Span("基本支出", 3), "项目支出"],
            [UP, UP, UP, "小计", "人员经费", "公用经费", UP],
            ["201", "一般公共服务支出", "100.00", "60.00", "50.00", "10.00", "40.00"]]
    income = [["科目编码", "科目名称", "合计", "一般公共预算拨款收入", "政府性基金预算拨款收入"],
              ["213", "农林水支出", "1,000.00", "27.00", "973.00"]]
    tables = _tables(tmp_path, [dict(title="一般公共预算支出情况表", rows=rows, widths=[60, 120, 70, 70, 70, 70, 70]),
                                dict(title="部门收入总体情况表", rows=income, widths=[60, 120, 70, 110, 110])])
    assert tables["general_budget_expenditure"]["rows"][0]["values"] == {
        "total": 100.0, "basic": 60.0, "personnel": 50.0, "public": 10.0, "project": 40.0}
    assert tables["income_summary"]["rows"][0]["values"] == {
        "total": 1000.0, "fiscal_allocation": 27.0, "government_fund": 973.0}


def test_header_synonyms_of_other_cities(tmp_path: Path) -> None:
    """小计 alone is the total (福州); 人员类 is 人员经费 (长沙); a 政府采购 column 预留给中小企业 is no 预留机动经费
    and an income column 对附属单位上缴收入 no 对附属单位补助支出 (深圳, 西安)."""
    general = [["科目编码", "科目名称", "小计", "基本支出", "项目支出"],
               ["208", "社会保障和就业支出", "1073.21", "1073.21", ""]]
    basic = [["经济科目编码", "经济科目名称", "总计", "人员类", "公用经费"], ["301", "工资福利支出", "1,212.01", "1,212.01", ""]]
    summary = [["科目编码", "科目名称", "支出总计", "基本支出", "项目支出", "对附属单位上缴收入", "预留给中小企业的项目资金"],
               ["201", "一般公共服务支出", "3,459.13", "1,866.84", "1,592.29", "", "156.69"]]
    tables = _tables(tmp_path, [dict(title="2026年度一般公共预算拨款支出预算表", rows=general, widths=[60, 150, 70, 70, 70]),
                                dict(title="2026年一般公共预算基本支出情况表", rows=basic, widths=[70, 120, 70, 70, 70]),
                                dict(title="支出总表", rows=summary, widths=[60, 120, 70, 70, 70, 110, 130])])
    assert tables["general_budget_expenditure"]["rows"][0]["values"] == {"total": 1073.21, "basic": 1073.21}
    assert tables["general_budget_basic_expenditure"]["rows"][0]["values"] == {"total": 1212.01, "personnel": 1212.01}
    assert tables["expenditure_summary"]["rows"][0]["values"] == {"total": 3459.13, "basic": 1866.84, "project": 1592.29}


def test_names_compare_without_quotation_marks() -> None:
    """Contract: names are compared with quotation marks removed (“三公”经费小计 is 三公经费小计)."""
    from extractor.evaluate.score import row_key

    assert row_key({"name": "“三公”经费小计"}) == row_key({"name": "三公经费小计"}) == "三公经费小计"
