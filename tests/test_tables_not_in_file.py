"""Filings whose tables are not in the file (Beijing's 情况说明 PDFs: the tables are a separate attachment) convert
their prose and say so; a table title heads a table only where a grid follows it (a contents page, a heading in
the prose name no table); a title wrapped over two lines still heads its table."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from extractor.ingest import read_filing
from extractor.pipeline import convert_file
from extractor.regions.split import split_regions
from tests.conftest import PDFS_DIR, needs_shared
from tests.grid_pdf import table_page

_FONT = "china-s"


def _prose_page(doc: pymupdf.Document, lines: list[str]) -> None:
    page = doc.new_page(width=595, height=842)
    for i, text in enumerate(lines):
        page.insert_text((60, 60 + 20 * i), text, fontname=_FONT, fontsize=11)


def _prose_only(tmp_path: Path, attachment: bool = True) -> Path:
    """A 情况说明 whose contents page lists the tables and whose last page names them as an attachment."""
    doc = pymupdf.open()
    _prose_page(doc, ["某局2026年度部门预算信息公开", "目 录", "第一部分 2026年度部门预算情况说明",
                      "第二部分 2026年度部门预算报表", "一、收支总表", "二、收入总表", "九、财政拨款“三公”经费支出表",
                      "十、政府采购预算明细表", "- 1 -"])
    _prose_page(doc, ["十二、项目支出绩效目标表", "十三、部门整体支出绩效目标表", "- 2 -"])
    _prose_page(doc, ["二、收入预算情况说明", "2026年度收入预算1000.00万元，比2025年增加10.00万元。",
                      "三、支出预算情况说明", "2026年支出预算1000.00万元，比2025年增加10.00万元。",
                      "“三公”经费财政拨款预算数：指本部门当年部门预算",
                      "中财政拨款安排的因公出国（境）费用。"])
    _prose_page(doc, ["第二部分", "2026年度部门预算报表", *(["附件：某局2026年度部门预算报表"] if attachment else [])])
    path = tmp_path / "prose.pdf"
    doc.save(path)
    return path


def test_contents_entries_and_prose_headings_head_no_table(tmp_path: Path) -> None:
    regions = split_regions(read_filing([_prose_only(tmp_path)]))
    assert [r.table_kind for r in regions if r.kind == "table"] == []


def test_a_prose_only_filing_converts_and_says_its_tables_are_an_attachment(tmp_path: Path) -> None:
    result = convert_file(_prose_only(tmp_path))
    assert result.status == "ok", result.error
    record = result.record
    assert record["tables"] == []
    assert record["narrative"]["income_total"] == pytest.approx(1000.0)
    found = [f for f in result.findings if f["rule_id"] == "document.tables_not_in_file"]
    assert len(found) == 1 and "(附件:某局2026年度部门预算报表, page 4)" in found[0]["message"]
    assert not any(f["rule_id"] == "coverage.standard_tables" for f in result.findings)
    verdict = record["verdict"]
    assert verdict["status"] == "unverified"
    assert any(reason.startswith("document.tables_not_in_file") for reason in verdict["reasons"])


def test_without_an_attachment_line_the_finding_says_the_tables_are_published_apart(tmp_path: Path) -> None:
    result = convert_file(_prose_only(tmp_path, attachment=False))
    found = [f for f in result.findings if f["rule_id"] == "document.tables_not_in_file"]
    assert len(found) == 1 and "published apart" in found[0]["message"]


def test_prose_without_budget_figures_is_still_not_a_disclosure(tmp_path: Path) -> None:
    doc = pymupdf.open()
    _prose_page(doc, ["本报告介绍本单位年度工作情况。", "第二部分 年度工作总结"])
    path = tmp_path / "report.pdf"
    doc.save(path)
    result = convert_file(path)
    assert result.status == "failed" and "no budget table found" in (result.error or "")


def test_a_title_wrapped_over_two_lines_heads_its_table(tmp_path: Path) -> None:
    doc = pymupdf.open()
    table_page(doc, "部门综合预算财政拨款收支总表", [["收入", "金额", "支出", "金额"],
                                                   ["一般公共预算拨款", "100.00", "一般公共服务支出", "100.00"]],
               [160, 80, 160, 80])
    rows = [["功能科目编码", "功能科目名称", "合计"], ["201", "一般公共服务支出", "100.00"]]
    table_page(doc, "部门综合预算一般公共预算支出明细表(按支出功能分类科", rows, [100, 160, 80], unit="目-不含上年结转)")
    path = tmp_path / "wrapped.pdf"
    doc.save(path)
    regions = [r for r in split_regions(read_filing([path])) if r.kind == "table"]
    assert [(r.table_kind, r.pages) for r in regions] == [
        ("fiscal_allocation_summary", (1,)), ("general_budget_expenditure", (2,))]
    assert regions[1].title == "部门综合预算一般公共预算支出明细表(按支出功能分类科目-不含上年结转)"


@needs_shared(PDFS_DIR / "cities" / "北京", what="the Beijing PDFs (pdfs/cities/北京)")
def test_beijing_prose_filings_are_not_failed_for_their_missing_tables() -> None:
    paths = sorted((PDFS_DIR / "cities" / "北京").glob("*.pdf"))
    assert paths
    for path in paths:
        result = convert_file(path)
        assert result.status == "ok", result.error
        assert result.record["tables"] == [], path.name
        assert result.record["verdict"]["status"] == "unverified", path.name
        found = [f for f in result.findings if f["rule_id"] == "document.tables_not_in_file"]
        assert len(found) == 1 and "附件" in found[0]["message"], path.name


def test_a_grid_of_amounts_under_an_unknown_title_is_no_attachment() -> None:
    """Tables printed under titles no rule knows are not 'not in the file': the finding stays standard_tables."""
    from extractor.ingest.text import Line
    from extractor.regions.model import Region
    from extractor.validate.coverage import check_coverage

    prose = Region("prose", None, "", (Line(1, 1, ("附件：某局部门预算报表",)),))
    grid = Region("prose", None, "", (Line(2, 2, ("某某明细", "")), Line(3, 2, ("一般公共服务支出", "100.00", "80.00"))))
    record = {"tables": [], "performance_cards": []}
    assert [f["rule_id"] for f in check_coverage(record, [prose])] == ["document.tables_not_in_file"]
    assert [f["rule_id"] for f in check_coverage(record, [prose, grid])] == ["coverage.standard_tables"]
