"""Grid layouts of the city filings (issue 14), on ruled tables drawn at test time (tests/grid_pdf.py): each test
pins one layout rule that once left a table failed or unverified."""

from __future__ import annotations

from pathlib import Path

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
