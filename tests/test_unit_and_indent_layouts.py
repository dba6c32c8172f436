"""Layouts of Shenzhen, Changsha, Shanghai and Jiangsu tables (issue 14), on ruled tables drawn at test time
(tests/grid_pdf.py) and on the real filings where ../shared has them: each test pins one layout rule that once
left a table failed or unverified although the filing adds up, with a violated twin that still fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.pipeline import convert_file
from tests.conftest import PDFS_DIR, needs_shared
from tests.grid_pdf import UP, Span, save_pages

SUMMARY = "收支总表"
SUMMARY_WIDTHS = [150, 70, 170, 70]
SUMMARY_HEADER = [["项目", "预算数", "项目", "预算数"]]


def _convert(path: Path) -> tuple[dict[str, dict], list[dict]]:
    result = convert_file(path)
    assert result.record is not None, result.error
    return {t["kind"]: t for t in result.record["tables"]}, result.findings


def _errors(findings: list[dict], kind: str) -> set[str]:
    return {f["rule_id"] for f in findings if f["severity"] == "error" and f.get("table_kind") == kind}


def _indented_summary() -> list[dict]:
    """收支总表 whose expenditure side lists 类 (一、…), 款 one step in and 项 two steps in, continued on a second
    page under the repeated title with the 款 and 项 of the class that closed the first page."""
    first = [["一、财政拨款", "4,684.30", "一、一般公共服务支出", "3,459.13"],
             ["", "", "  信访事务", "3,459.13"],
             ["", "", "    行政运行", "1,866.84"],
             ["", "", "    信访业务", "1,592.29"],
             ["", "", "二、住房保障支出", "1,225.17"]]
    second = [["", "", "  住房改革支出", "1,225.17"],
              ["", "", "    住房公积金", "671.84"],
              ["", "", "    购房补贴", "553.33"],
              ["本年收入合计", "4,684.30", "本年支出合计", "4,684.30"],
              ["收入总计", "4,684.30", "支出总计", "4,684.30"]]
    return [dict(title=SUMMARY, rows=SUMMARY_HEADER + first, widths=SUMMARY_WIDTHS),
            dict(title=SUMMARY, rows=SUMMARY_HEADER + second, widths=SUMMARY_WIDTHS)]


def test_an_item_indented_under_another_is_its_sub_item_across_a_page_break(tmp_path: Path) -> None:
    tables, findings = _convert(save_pages(tmp_path / "t.pdf", _indented_summary()))
    names = [r["name"] for r in tables["income_expenditure_summary"]["rows"] if r["side"] == "expenditure"]
    assert names == ["一般公共服务支出", "一般公共服务支出/信访事务", "信访事务/行政运行", "信访事务/信访业务",
                     "住房保障支出", "住房保障支出/住房改革支出", "住房改革支出/住房公积金", "住房改革支出/购房补贴",
                     "本年支出合计", "支出总计"]
    assert tables["income_expenditure_summary"]["verdict"]["status"] == "verified"
    assert not {r for r in _errors(findings, "income_expenditure_summary") if r.startswith("summary.")}


def test_a_class_that_breaks_the_sum_still_fails_beside_its_indented_items(tmp_path: Path) -> None:
    pages = _indented_summary()
    pages[0]["rows"][-1][3] = "1,300.00"  # 二、住房保障支出 no longer adds up with 一、 to 本年支出合计
    _, findings = _convert(save_pages(tmp_path / "t.pdf", pages))
    assert "summary.current_expenditure" in _errors(findings, "income_expenditure_summary")


def _unit_table(unit_total: str = "80.00") -> list[dict]:
    """支出总表 listed for one budget unit and printing no 合计: 预算单位 | 科目编码 | 科目名称 | amounts, the unit's
    own row first, then the classification rows with the unit column blank."""
    rows = [["预算单位", "科目编码", "科目名称", "支出总计", "基本支出", "项目支出"],
            ["某某局", "", "", unit_total, "50.00", "30.00"],
            ["", "201", "一般公共服务支出", "80.00", "50.00", "30.00"],
            ["", "20140", "信访事务", "80.00", "50.00", "30.00"],
            ["", "2014001", "行政运行", "50.00", "50.00", "0.00"],
            ["", "2014004", "信访业务", "30.00", "0.00", "30.00"]]
    return [dict(title="支出总表", rows=rows, widths=[90, 70, 150, 70, 70, 70])]


def test_the_one_units_row_anchors_a_table_printing_no_total(tmp_path: Path) -> None:
    tables, findings = _convert(save_pages(tmp_path / "t.pdf", _unit_table()))
    table = tables["expenditure_summary"]
    assert table["rows"][0]["name"] == "某某局" and table["rows"][0]["code"] is None
    assert not [f for f in findings if f["rule_id"] == "coverage.no_total"]
    assert table["verdict"]["status"] == "verified", table["verdict"]
    tables, findings = _convert(save_pages(tmp_path / "u.pdf", _unit_table(unit_total="90.00")))
    assert "tree.total_sum" in _errors(findings, "expenditure_summary")


def _three_public_by_unit(unit_row: tuple[str, ...]) -> list[dict]:
    """“三公” table with its items as columns and one row per department under the 合计 row."""
    rows = [["部门名称", Span("三公经费预算数(财政拨款)", 6)],
            [UP, "小计", "公务接待费", "因公出国(境)费", "公务用车购置及运行费", "其中:公务用车购置", "其中:公务用车运行费"],
            ["合计", "8.00", "3.00", "", "5.00", "", "5.00"],
            ["某某局", *unit_row]]
    return [dict(title="2026年一般公共预算“三公”经费支出情况表", rows=rows, widths=[120] + [80] * 6)]


def test_the_units_rows_of_a_three_public_table_restate_its_total(tmp_path: Path) -> None:
    tables, findings = _convert(save_pages(tmp_path / "t.pdf", _three_public_by_unit(
        ("8.00", "3.00", "", "5.00", "", "5.00"))))
    assert not _errors(findings, "three_public_expenditure")
    assert tables["three_public_expenditure"]["verdict"]["status"] == "verified"
    _, findings = _convert(save_pages(tmp_path / "u.pdf", _three_public_by_unit(
        ("9.00", "4.00", "", "5.00", "", "5.00"))))
    assert "coverage.unplaced_amount" in _errors(findings, "three_public_expenditure")


SHENZHEN = PDFS_DIR / "cities" / "深圳" / "2026年深圳市信访局部门预算.pdf"
CHANGSHA = PDFS_DIR / "cities" / "长沙" / "2026年长沙市信访局部门预算.pdf"


@pytest.mark.slow
@needs_shared(SHENZHEN, CHANGSHA, what="the Shenzhen and Changsha PDFs (pdfs/cities/)")
@pytest.mark.parametrize("path", [SHENZHEN, CHANGSHA], ids=["shenzhen", "changsha"])
def test_the_city_filings_tables_of_the_eleven_kinds_are_verified(path: Path) -> None:
    tables, _ = _convert(path)
    statuses = {kind: t["verdict"]["status"] for kind, t in tables.items() if kind != "other"}
    assert set(statuses.values()) == {"verified"}, statuses


def _total_alone_on_the_last_page(total: str = "1,300,000") -> list[dict]:
    """收入总表 with split 类|款|项 code columns whose 合计 row is printed alone on the next page, its cell merged
    across the code and name columns (that page's grid has no rules between them)."""
    header = [["类", "款", "项", "功能分类科目名称", "合计", "财政拨款收入", "事业收入"]]
    body = [["201", "", "", "一般公共服务支出", "1,300,000", "1,300,000", "0"],
            ["201", "05", "", "统计信息事务", "1,300,000", "1,300,000", "0"],
            ["201", "05", "07", "专项普查活动", "1,300,000", "1,300,000", "0"]]
    widths = [35, 35, 35, 160, 80, 80, 80]
    return [dict(title="2024年部门收入预算总表", rows=header + body, widths=widths, unit="单位:元"),
            dict(title="", unit="", rows=[[Span("合计", 4), total, total, "0"]], widths=widths)]


def test_a_total_row_alone_on_a_page_of_fewer_columns_is_read(tmp_path: Path) -> None:
    tables, findings = _convert(save_pages(tmp_path / "t.pdf", _total_alone_on_the_last_page()))
    total = tables["income_summary"]["rows"][-1]
    assert (total["code"], total["name"], total["values"]["total"]) == (None, "合计", 1300000.0)
    assert tables["income_summary"]["verdict"]["status"] == "verified", tables["income_summary"]["verdict"]
    _, findings = _convert(save_pages(tmp_path / "u.pdf", _total_alone_on_the_last_page("1,400,000")))
    assert "tree.total_sum" in _errors(findings, "income_summary")


def _procurement_by_project(subject_amount: str = "50.00") -> list[dict]:
    """Jiangsu's 政府采购预算表: 类别 | 项目 | 经济科目 | 采购品目 | 组织形式 | 金额; a project row, its 品目 rows, and a
    further 经济科目 block of the same project printed with the project cell blank."""
    rows = [["类别", "项目", "经济科目", "采购品目", "组织形式", "金额"],
            ["合计", "", "", "", "", "75.00"],
            ["服务C", "", "", "", "", "75.00"],
            ["", "商品和服务支出", "培训费", "", "", "25.00"],
            ["", "", "", "会议服务", "政府集中采购", "25.00"],
            ["", "", "会议费", "", "", subject_amount],
            ["", "", "", "会议服务", "政府集中采购", "50.00"]]
    return [dict(title="2017年政府采购预算表", rows=rows, widths=[80, 150, 90, 150, 90, 80])]


def test_a_projects_further_subject_block_is_a_row_named_by_its_subject(tmp_path: Path) -> None:
    tables, findings = _convert(save_pages(tmp_path / "t.pdf", _procurement_by_project()))
    names = [(r["name"], r["values"]["total"]) for r in tables["procurement"]["rows"]]
    assert ("会议费", 50.0) in names and ("商品和服务支出", 25.0) in names
    assert not _errors(findings, "procurement")


def _summary_broken_by_a_page(carry: str = "") -> list[dict]:
    """Jiangsu's 收支预算总表 running over a page break with no repeated title: "八、社会保障和就" | "业支出" and
    "当年收入" | "小计" are names broken by the break."""
    first = [["项目名称", "金额", "功能科目名称", "金额"],
             ["一、财政拨款", "130.00", "一、一般公共服务支出", "100.00"],
             ["", "", "八、社会保障和就", "30.00"]]
    second = [["", "", "业支出", ""],
              ["当年收入", "130.00", "当年支出小计", "130.00"],
              ["小计", "", "", ""],
              ["上年结转资金", carry, "结转下年资金", ""],
              ["收入合计", "130.00", "支出合计", "130.00"]]
    widths = [150, 80, 150, 80]
    return [dict(title="收支预算总表", rows=first, widths=widths),
            dict(title="", unit="", rows=second[:2], widths=widths),
            dict(title="", unit="", rows=second[2:], widths=widths)]


def test_names_broken_by_a_page_break_are_joined(tmp_path: Path) -> None:
    tables, findings = _convert(save_pages(tmp_path / "t.pdf", _summary_broken_by_a_page()))
    names = [r["name"] for r in tables["income_expenditure_summary"]["rows"]]
    assert "社会保障和就业支出" in names and "当年收入小计" in names
    assert not _errors(findings, "income_expenditure_summary")
    _, findings = _convert(save_pages(tmp_path / "u.pdf", _summary_broken_by_a_page(carry="10.00")))
    assert "summary.grand_total" in _errors(findings, "income_expenditure_summary")


def test_a_name_column_headed_by_its_classification_names_the_rows(tmp_path: Path) -> None:
    """Changsha's 部门支出总体情况表: 科目编码 merged over 类 | 款 | 项, the name column headed 功能科目, a 栏次 row
    of asterisks and numbers under the header."""
    rows = [[Span("科目编码", 3), "功能科目", "总计", "基本支出", "项目支出"],
            ["类", "款", "项", UP, UP, UP, UP],
            ["**", "**", "**", "**", "1", "2", "3"],
            ["", "", "", "合计", "30.00", "20.00", "10.00"],
            ["201", "", "", "一般公共服务支出", "30.00", "20.00", "10.00"],
            ["", "40", "", "信访事务", "30.00", "20.00", "10.00"],
            ["201", "40", "01", "行政运行", "20.00", "20.00", ""],
            ["201", "40", "04", "信访业务", "10.00", "", "10.00"]]
    tables, _ = _convert(save_pages(tmp_path / "t.pdf", [dict(title="2026年部门支出总体情况表", rows=rows,
                                                                widths=[40, 40, 40, 150, 70, 70, 70])]))
    assert [(r["code"], r["name"]) for r in tables["expenditure_summary"]["rows"]] == [
        (None, "合计"), ("201", "一般公共服务支出"), ("20140", "信访事务"), ("2014001", "行政运行"),
        ("2014004", "信访业务")]


def _three_public_by_fund(reception_2026: str = "2.98") -> list[dict]:
    """Shenzhen's 财政拨款“三公”经费支出表: items across, each split by fund source, one row per year and the change."""
    funds = ["一般公共预算", "政府性基金", "国有资本"]
    rows = [["预算单位", "年度", Span("总计", 3), Span("公务接待费", 3), Span("公务用车购置及运行维护费", 6)],
            [UP, UP, *([UP] * 6), Span("小计", 3), Span("公务用车运行维护费", 3)],
            [UP, UP, *funds * 4]]
    figures = ["5.58", "0.00", "0.00", "2.98", "0.00", "0.00", "2.60", "0.00", "0.00", "2.60", "0.00", "0.00"]
    current = [*figures[:3], reception_2026, *figures[4:]]
    rows += [["某某局", "2025年", *figures], ["", "2026年", *current], ["", "增减变化金额", *["0.00"] * 12]]
    return [dict(title="财政拨款“三公”经费支出表", rows=rows, widths=[60, 60] + [55] * 12)]


def test_a_three_public_grid_of_items_by_fund_reads_the_latest_year(tmp_path: Path) -> None:
    tables, findings = _convert(save_pages(tmp_path / "t.pdf", _three_public_by_fund()))
    rows = {r["name"]: r["values"] for r in tables["three_public_expenditure"]["rows"]}
    assert rows["合计"] == {"general_budget": 5.58, "government_fund": 0.0, "state_capital": 0.0}
    assert rows["公务接待费"]["general_budget"] == 2.98
    assert rows["公务用车购置及运维费"]["general_budget"] == rows["公务用车运行维护费"]["general_budget"] == 2.6
    assert not _errors(findings, "three_public_expenditure")
    _, findings = _convert(save_pages(tmp_path / "u.pdf", _three_public_by_fund(reception_2026="3.98")))
    assert "three_public.subtotal" in _errors(findings, "three_public_expenditure")


def test_an_other_table_continued_under_its_repeated_title_is_one_table(tmp_path: Path) -> None:
    """Shenzhen's 基本支出总表 (a table of no contract kind) printed over two pages, its title on each."""
    rows = [["支出项目类别", "总计", "一般公共预算拨款"], ["某某局", "30.00", "30.00"], ["工资福利支出", "30.00", "30.00"]]
    page = dict(title="基本支出总表", rows=rows, widths=[150, 80, 80])
    result = convert_file(save_pages(tmp_path / "t.pdf", [page, page, dict(page, title="项目支出总表")]))
    assert result.record is not None
    titles = [t["title"] for t in result.record["tables"] if t["kind"] == "other"]
    assert titles == ["基本支出总表", "项目支出总表"]
