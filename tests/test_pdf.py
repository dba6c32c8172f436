"""PDF backend: geometry of ruled grids, real filings against gold, bad PDFs as clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pymupdf
import pytest

from extractor.evaluate.score import score_document
from extractor.ingest import read_filing
from extractor.ingest.geometry import Rule, Word, find_grids, grid_rows, split_at
from extractor.ingest.text import IngestError
from extractor.pipeline import Filing, convert_filing
from tests.conftest import GOLD_DIR, PDFS_DIR, shared_reason

PDFS = PDFS_DIR
REAL = {
    "sh-bgs-2025": [PDFS / "shanghai" / "上海市普陀区人民政府办公室25年预算.pdf"],
    "js-rd-2019": sorted((PDFS / "jiangsu" / "江苏省人大常委会办公厅2019").glob("*.pdf")),
}
needs_pdfs = pytest.mark.skipif(not all(p and all(x.exists() for x in p) for p in REAL.values()),
                                reason=shared_reason("the dev PDFs (pdfs/shanghai, pdfs/jiangsu)"))


def _grid_2x3() -> list[Rule]:
    """Rules of a 2-row, 3-column table whose top-left header cell spans two columns."""
    rules = [Rule(True, y, 0, 300) for y in (0, 20, 40)]
    rules += [Rule(False, 0, 0, 40), Rule(False, 300, 0, 40), Rule(False, 200, 0, 40), Rule(False, 100, 20, 40)]
    return rules


def test_merged_header_cell_keeps_its_left_column_and_rows_align() -> None:
    [grid] = find_grids(_grid_2x3())
    words = [Word(60, 5, 140, 15, "项目名称"), Word(220, 5, 280, 15, "金额"),
             Word(10, 25, 60, 35, "201"), Word(110, 25, 190, 35, "一般公共服务"), Word(220, 25, 290, 35, "1,000.00")]
    rows = grid_rows(grid, words)
    assert [r.cells for r in rows] == [("项目名称", "", "金额"), ("201", "一般公共服务", "1,000.00")]
    assert rows[0].boxes[0] == (0, 0, 200, 20)


def test_word_running_over_a_cell_rule_is_split_at_the_rule() -> None:
    parts = split_at(Word(0, 0, 180, 10, "台式计算机分散自行组织"), [90.0])
    assert [p.text for p in parts] == ["台式计算机", "分散自行组织"]


def test_rotated_landscape_page_reads_in_display_order(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.set_rotation(90)
    for y, text in ((100, "部门预算支出总表"), (140, "预算年度:2025 单位:万元")):
        point = pymupdf.Point(50, y) * page.derotation_matrix
        page.insert_text(point, text, fontname="china-s", fontsize=12, rotate=90)
    path = tmp_path / "rotated.pdf"
    doc.save(path)
    lines = read_filing([path]).lines
    assert [line.text for line in lines][:2] == ["部门预算支出总表", "预算年度:2025 单位:万元"]


@pytest.mark.parametrize(("content", "reason"), [(b"%PDF-1.4 garbage", "not a readable PDF"),
                                                 (b"", "not a readable PDF")])
def test_broken_pdf_is_a_one_line_error(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    with pytest.raises(IngestError, match=reason):
        read_filing([path])


def test_encrypted_and_image_only_pdfs_are_reported(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "部门预算收支总表", fontname="china-s")
    locked = tmp_path / "locked.pdf"
    doc.save(locked, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="secret")
    with pytest.raises(IngestError, match="encrypted"):
        read_filing([locked])
    blank = pymupdf.open()
    blank.new_page().draw_rect((50, 50, 200, 200), fill=(0.5, 0.5, 0.5))
    image_only = tmp_path / "scan.pdf"
    blank.save(image_only)
    with pytest.raises(IngestError, match="no text layer"):
        read_filing([image_only])


@needs_pdfs
@pytest.mark.parametrize("name", sorted(REAL))
def test_real_pdf_filing_matches_gold(name: str) -> None:
    paths = REAL[name]
    result = convert_filing(Filing(name, paths[0].parent, tuple(paths)))
    assert result.status == "ok", result.error
    gold = json.loads((GOLD_DIR / f"{name}.json").read_text(encoding="utf-8"))
    score = score_document(gold, result.record, name)
    assert score.cells.f1 >= 0.98, score.cell_errors[:10]
    assert score.tables.precision == 1.0 and score.tables.recall == 1.0
    assert score.narrative_accuracy >= 0.9 and score.document_accuracy == 1.0
    assert not [f for f in result.findings if f["severity"] == "error"]


@needs_pdfs
def test_values_carry_page_and_box_provenance() -> None:
    result = convert_filing(Filing("sh", REAL["sh-bgs-2025"][0], tuple(REAL["sh-bgs-2025"])))
    table = next(t for t in result.record["tables"] if t["kind"] == "expenditure_summary")
    row = next(r for r in table["rows"] if r["code"] == "2010301")
    assert row["provenance"]["page"] == 11 and len(row["provenance"]["bbox"]) == 4


@needs_pdfs
def test_every_dev_pdf_converts() -> None:
    from eval.pdf_report import filings_under

    failures = [(f.name, r.error) for f in filings_under(PDFS) if (r := convert_filing(f)).status != "ok"]
    assert failures == []
