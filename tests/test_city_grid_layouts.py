"""Grid layouts of the city filings (issue 14), on ruled tables drawn at test time (tests/grid_pdf.py): each test
pins one layout rule that once left a table failed or unverified."""

from __future__ import annotations

from pathlib import Path

from extractor.extract.rules.grid_tables import three_public_name
from extractor.extract.rules.sided import _name_overflow
from extractor.ingest.text import Line
from extractor.pipeline import convert_file
from tests.grid_pdf import UP, Span, save_pages
from tests.test_table_layouts import _tables


def test_a_column_number_row_marked_with_asterisks_is_not_header_text(tmp_path: Path) -> None:
    """Xi'an's 收入总表: a 栏次 row "** ** 1 2 3 …" under the header; 一般公共预算拨款 merged over 小计 | 其中."""
    rows = [["单位编码", "单位名称", "合计", Span("一般公共预算拨款", 2), "上年结转", "其他收入"],
            [UP, UP, UP, "小计", "其中:专项资金", UP, UP],
            ["**", "**", "1", "2", "3", "4", "5"],
            ["", "合计", "110.00", "90.00", "30.00", "10.00", "10.00"],
            ["242001", "某某局", "110.00", "90.00", "30.00", "10.00", "10.00"]]
    table = _tables(tmp_path, [dict(title="部门综合预算收入总表", rows=rows, widths=[50, 120] + [70] * 5)])
    assert table["income_summary"]["rows"][0]["values"] == {
        "total": 110.0, "fiscal_allocation": 90.0, "carryover": 10.0, "other_income": 10.0}


def test_a_kuan_printed_as_its_own_two_digits_takes_the_class_above(tmp_path: Path) -> None:
    """One code column: 类 "201", then 款 "10" alone, then each 项 in full (2011007)."""
    rows = [["功能科目编码", "功能科目名称", "合计", "基本支出", "项目支出"],
            ["", "合计", "63.52", "7.00", "56.52"],
            ["201", "一般公共服务支出", "63.52", "7.00", "56.52"],
            ["10", "人力资源事务", "63.52", "7.00", "56.52"],
            ["2011007", "博士后日常经费", "7.00", "7.00", ""],
            ["2011004", "政府特殊津贴", "56.52", "", "56.52"],
            ["99", "不是款", "1.00", "", "1.00"]]  # no full code after it to confirm a 款: left uncoded
    table = _tables(tmp_path, [dict(title="一般公共预算支出明细表", rows=rows, widths=[70, 150, 70, 70, 70])])
    assert [r["code"] for r in table["general_budget_expenditure"]["rows"]] == [
        None, "201", "20110", "2011007", "2011004", None]


def test_a_grid_drawn_further_right_on_the_next_page_keeps_its_columns(tmp_path: Path) -> None:
    """The same table continued on a page whose grid starts 4 points further right: a figure's cell overlaps its
    left neighbour's cell of the first page by those points, which is not the same column."""
    header = [["功能科目编码", "功能科目名称", "合计", "人员经费支出", "公用经费支出", "专项业务经费支出"]]
    first = [["", "合计", "120.00", "50.00", "10.00", "60.00"],
             ["201", "一般公共服务支出", "60.00", "20.00", "10.00", "30.00"],
             ["20101", "人大事务", "60.00", "20.00", "10.00", "30.00"],
             ["2010101", "行政运行", "60.00", "20.00", "10.00", "30.00"]]
    second = [["205", "教育支出", "60.00", "30.00", "", "30.00"],
              ["20503", "职业教育", "60.00", "30.00", "", "30.00"],
              ["2050301", "初等职业教育", "40.00", "20.00", "", "20.00"],
              ["2050303", "技校教育", "20.00", "10.00", "", "10.00"]]
    title = "一般公共预算支出明细表(按支出功能分类科目)"
    widths = [70, 150, 70, 70, 70, 70]
    path = save_pages(tmp_path / "t.pdf", [dict(title=title, rows=header + first, widths=widths),
                                           dict(title=title, rows=header + second, widths=[74, *widths[1:]])])
    result = convert_file(path)
    assert not [f for f in result.findings if f["rule_id"] == "coverage.column_mismatch"]
    table = next(t for t in result.record["tables"] if t["kind"] == "general_budget_expenditure")
    assert table["verdict"]["status"] == "verified", table["verdict"]


def _three_public_by_unit(tmp_path: Path, unit_meeting: float) -> dict:
    """Xi'an's 三公 table: 上年 | 当年 | 增减变化情况 halves, items across under 一般公共预算 headings, a 合计 line,
    the department's own line (code 116, equal to 合计), then its units (116001, 116002)."""
    half = [["合计", Span("一般公共预算三公经费", 2), "会议费"], [UP, "小计", "公务接待费", UP]]
    header = [["单位编码", "单位名称", Span("上年", 4), Span("当年", 4), Span("增减变化情况", 4)],
              [UP, UP, *half[0] * 3], [UP, UP, *half[1] * 3]]

    def line(code: str, name: str, *halves: tuple[float, ...]) -> list[str | Span]:
        return [code, name, *(f"{v:.2f}" for half in halves for v in half)]
    rows = [line("", "合计", (6, 2, 2, 4), (8, 3, 3, 5), (2, 1, 1, 1)),
            line("116", "某某局", (6, 2, 2, 4), (8, 3, 3, 5), (2, 1, 1, 1)),
            line("116001", "某某局本级", (4, 1, 1, 3), (5, 2, 2, 3), (1, 1, 1, 0)),
            line("116002", "某某中心", (2, 1, 1, 1), (1 + unit_meeting, 1, 1, unit_meeting), (1, 0, 0, 1))]
    title = "一般公共预算拨款“三公”经费及会议费、培训费支出预算表"
    path = save_pages(tmp_path / "t.pdf", [dict(title=title, rows=header + rows, widths=[50, 60] + [55] * 12,
                                                unit="单位:元")])
    result = convert_file(path)
    return next(t for t in result.record["tables"] if t["kind"] == "three_public_expenditure")


def test_three_public_by_unit_with_last_years_half_and_the_change_is_verified(tmp_path: Path) -> None:
    table = _three_public_by_unit(tmp_path, 2)
    assert {r["name"]: r["values"]["total"] for r in table["rows"]} == {
        "合计": 8.0, "“三公”经费小计": 3.0, "公务接待费": 3.0, "会议费": 5.0}
    assert table["verdict"]["status"] == "verified", table["verdict"]


def test_three_public_units_that_do_not_restate_the_total_are_unplaced(tmp_path: Path) -> None:
    table = _three_public_by_unit(tmp_path, 3)
    assert table["verdict"]["status"] == "failed"
    assert any(r.startswith("coverage.unplaced_amount") for r in table["verdict"]["reasons"])


def test_three_public_vehicle_headers_without_fee() -> None:
    """Xi'an's headers 公务用车购置 and 公务用车运行维护 (no 费) name the contract's rows."""
    assert three_public_name("公务用车购置") == "公务用车购置费"
    assert three_public_name("公务用车运行维护") == "公务用车运行维护费"
    assert three_public_name("公务用车购置及运行维护费") == "公务用车购置及运维费"


def test_basic_table_with_merged_header_over_its_total_and_figures_without_trailing_zeros(tmp_path: Path) -> None:
    """Xi'an's 基本支出表: the code/name headers merged down beside the 合计 printed under 政府经济科目名称; 7-digit
    项 (3010201) printed without their 款 row; figures without trailing zeros (24.8 above an 8 in its column)."""
    header = [["部门经济科目编码", "部门经济科目名称", "政府经济科目编码", "政府经济科目名称", "合计", "人员经费支出",
               "公用经费支出"],
              [UP, UP, UP, "合计", "58.8", "26", "32.8"]]
    rows = [["301", "工资福利支出", "", "", "26", "26", "0"],
            ["30101", "基本工资", "50101", "工资奖金津补贴", "12", "12", "0"],
            ["3010201", "津贴补贴", "50501", "工资福利支出", "14", "14", "0"],
            ["302", "商品和服务支出", "", "", "32.8", "0", "32.8"],
            ["30207", "邮电费", "50201", "办公经费", "24.8", "0", "24.8"],
            ["30213", "维修(护)费", "50209", "维修(护)费", "8", "0", "8"]]
    title = "一般公共预算基本支出明细表(按支出经济分类科目)"
    path = save_pages(tmp_path / "t.pdf", [dict(title=title, rows=header + rows, widths=[80, 110, 80, 110, 70, 70, 70])])
    result = convert_file(path)
    table = next(t for t in result.record["tables"] if t["kind"] == "general_budget_basic_expenditure")
    assert table["rows"][0]["name"] == "合计" and table["rows"][0]["code"] is None
    assert table["verdict"]["status"] == "verified", table["verdict"]


def test_summary_sub_items_continued_on_the_next_page_keep_their_numbered_parent(tmp_path: Path) -> None:
    """Xi'an's 收支总表 over two pages under its repeated title: (6)资本性支出 heads page 2 under the 2、专项业务经费
    支出 of page 1; 3、上缴上级支出 after it is no sub-item."""
    header = [["项目", "预算数", "支出功能分类科目", "预算数", "部门预算支出经济分类科目", "预算数"]]
    first = [["一、部门预算", "100.00", "一、部门预算", "100.00", "一、部门预算", "100.00"],
             ["1、财政拨款", "100.00", "1、一般公共服务支出", "60.00", "1、人员经费和公用经费支出", "40.00"],
             ["", "", "2、教育支出", "40.00", "(1)工资福利支出", "40.00"],
             ["", "", "", "", "2、专项业务经费支出", "60.00"],
             ["", "", "", "", "(1)商品和服务支出", "50.00"]]
    second = [["", "", "", "", "(6)资本性支出", "10.00"],
              ["", "", "", "", "3、上缴上级支出", "0.00"],
              ["本年收入合计", "100.00", "本年支出合计", "100.00", "本年支出合计", "100.00"],
              ["收入总计", "100.00", "支出总计", "100.00", "支出总计", "100.00"]]
    title = "部门综合预算收支总表"
    widths = [100, 60, 130, 60, 150, 60]
    tables = _tables(tmp_path, [dict(title=title, rows=header + first, widths=widths, label="表1"),
                                dict(title=title, rows=header + second, widths=widths, label="表1")])
    names = [r["name"] for r in tables["income_expenditure_summary"]["rows"] if r["side"] == "expenditure"]
    assert "专项业务经费支出/资本性支出" in names and "上缴上级支出" in names
    assert not any("lane" in r["provenance"] or "level" in r["provenance"]
                   for r in tables["income_expenditure_summary"]["rows"])


def test_a_name_printed_past_its_cell_ends_in_the_amount_column() -> None:
    """"(3)对个人和家庭的补" | "助 4.82": the characters before the figure end the name on their left."""
    line = Line(1, 3, ("(3)对个人和家庭的补", "助 4.82", "3、机关资本性支出(一", ") 104.31", "4、对企业补助", "0.00"))
    fixed = _name_overflow(line, {1, 3, 5})
    assert fixed.cells == ("(3)对个人和家庭的补助", "4.82", "3、机关资本性支出(一)", "104.31", "4、对企业补助", "0.00")
    long_words = Line(2, 3, ("一、部门预算", "其他收入 5.00"))
    assert _name_overflow(long_words, {1}) is long_words  # more than a few characters: an item of its own


def test_a_table_printing_zeros_only_is_empty(tmp_path: Path) -> None:
    """Xi'an's 政府性基金收支表 printed with 0.00 in every cell: no data, so an empty table (0 and blank alike)."""
    rows = [["功能科目编码", "功能科目名称", "合计", "基本支出", "项目支出"],
            ["", "合计", "0.00", "0.00", "0.00"],
            ["212", "城乡社区支出", "0.00", "0.00", "0.00"]]
    table = _tables(tmp_path, [dict(title="政府性基金预算支出表", rows=rows, widths=[70, 150, 70, 70, 70])])
    assert table["government_fund_expenditure"]["empty"] is True
    assert table["government_fund_expenditure"]["rows"] == []
