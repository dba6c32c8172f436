"""eval/census.py: printed table titles and project cards counted from the page lines, compared with the record."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from eval import census
from extractor.ingest import read_filing
from tests.conftest import EXAMPLES, PDFS_DIR, needs_shared
from tests.grid_pdf import table_page

_FONT = "china-s"


def _prose_page(doc: pymupdf.Document, lines: list[str]) -> None:
    page = doc.new_page(width=595, height=842)
    for i, text in enumerate(lines):
        page.insert_text((60, 60 + 20 * i), text, fontname=_FONT, fontsize=11)


def _filing(tmp_path: Path) -> Path:
    """A contents page, a prose heading naming a table, a two-page 收支总表, a 收入总表 and one card."""
    doc = pymupdf.open()
    _prose_page(doc, ["目录", "一、部门收支总表", "二、部门收入总表", "三、项目支出绩效目标表"])
    _prose_page(doc, ["一般公共预算“三公”经费支出预算表", "本部门2024年“三公”经费预算为零。"])
    summary = [["收入", "金额", "支出", "金额"], ["一般公共预算拨款", "100.00", "一般公共服务支出", "100.00"]]
    table_page(doc, "部门收支总表", summary, [160, 80, 160, 80])
    table_page(doc, "部门收支总表", [["收入总计", "100.00", "支出总计", "100.00"]], [160, 80, 160, 80])
    table_page(doc, "部门收入总表", [["科目编码", "科目名称", "合计"], ["201", "一般公共服务支出", "100.00"]],
               [80, 160, 80])
    card = [["项目名称", "办公设备购置"], ["一级指标", "二级指标", "三级指标", "指标值"],
            ["产出指标", "数量指标", "购置台数", "10台"]]
    table_page(doc, "办公设备购置项目绩效目标表", card, [120, 120, 160, 80])
    path = tmp_path / "filing.pdf"
    doc.save(path)
    return path


def test_titles_heading_a_grid_are_counted_once_contents_and_prose_headings_are_not(tmp_path: Path) -> None:
    lines = read_filing([_filing(tmp_path)]).lines
    titles = census.printed_titles(lines)
    assert [(t.page, t.kind) for t in titles] == [
        (3, "income_expenditure_summary"), (4, "income_expenditure_summary"), (5, "income_summary"), (6, "card")]
    tables = census.count_tables(titles)
    assert {kind: len(found) for kind, found in tables.items()} == {
        "income_expenditure_summary": 1, "income_summary": 1}
    assert census.printed_cards(lines, titles) == ["办公设备购置"]


def test_a_gap_is_a_printed_table_or_card_the_record_lacks_or_files_as_other(tmp_path: Path) -> None:
    lines = read_filing([_filing(tmp_path)]).lines
    record = {"tables": [{"kind": "income_expenditure_summary", "title": "部门收支总表"},
                         {"kind": "other", "title": "部门收入总表"}], "performance_cards": []}
    found = census.compare("filing", lines, record)
    assert found.printed == {"income_expenditure_summary": 1, "income_summary": 1}
    assert found.found == {"income_expenditure_summary": 1}
    assert found.misfiled == ("部门收入总表",)
    assert (found.cards_printed, found.cards_found, found.gaps) == (1, 0, 3)
    whole = {"tables": [{"kind": "income_expenditure_summary"}, {"kind": "income_summary"}],
             "performance_cards": [{"project_name": "办公设备购置"}]}
    assert census.compare("filing", lines, whole).gaps == 0
    report = census.report([found])
    assert any("income_summary" in line and "MISSING" in line for line in report)
    assert report[-1].endswith("3 gaps")
    assert "  other: 部门收入总表" in census.report([found], others=True)
    unconverted = census.compare("filing", lines, None)
    assert not unconverted.converted and unconverted.gaps == 3  # two tables and the card, none in a record
    assert "(no record: not converted, or not in the store)" in census.report([unconverted])[1]


def test_a_listing_counts_one_card_per_project_not_per_row_or_unit(tmp_path: Path) -> None:
    doc = pymupdf.open()
    rows = [["项目名称", "资金总额", "绩效目标", "一级指标", "三级指标"],
            ["合计", "30.00", "", "", ""],
            ["某单位", "30.00", "", "", ""],
            ["培训经费", "10.00", "完成培训", "产出指标", "培训人次"],
            ["培训经费", "10.00", "完成培训", "效益指标", "满意度"],
            ["运行经费", "20.00", "保障运行", "产出指标", "保障天数"],
            ["另一单位", "5.00", "", "", ""],
            ["运行经费", "5.00", "保障运行", "产出指标", "保障天数"]]
    table_page(doc, "2026年项目支出绩效目标表", rows, [120, 60, 100, 80, 100])
    path = tmp_path / "listing.pdf"
    doc.save(path)
    lines = read_filing([path]).lines
    assert census.printed_cards(lines, census.printed_titles(lines)) == ["培训经费", "运行经费", "运行经费"]


def test_the_shipped_sample_prints_every_kind_and_the_record_has_them_all(capsys: pytest.CaptureFixture) -> None:
    assert census.main([str(EXAMPLES)]) == 0
    out = capsys.readouterr().out
    assert "tables 11/11 found; cards 13/13 found; 0 known tables filed as other; 0 gaps" in out


@needs_shared(PDFS_DIR / "cities", what="the city PDFs (pdfs/cities)")
def test_a_filing_of_prose_only_prints_no_table_and_its_record_claims_none() -> None:
    from extractor.pipeline import convert_file

    for path in sorted((PDFS_DIR / "cities" / "北京").glob("*.pdf")):
        found = census.compare(path.stem, read_filing([path]).lines, convert_file(path).record)
        assert (found.printed, found.found, found.gaps) == ({}, {}, 0), path.name


@needs_shared(PDFS_DIR.parent / "corpus", what="the dev text dumps (corpus/)")
def test_the_dev_dumps_of_every_layout_have_every_printed_table_and_card(capsys: pytest.CaptureFixture) -> None:
    """Word exports (one cell per line, a card title ending a prose block) and plain dumps are counted too."""
    assert census.main([str(PDFS_DIR.parent / "corpus")]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith("0 known tables filed as other; 0 gaps")
