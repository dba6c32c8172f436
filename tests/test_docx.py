"""Word backend: real table cells, merged cells on the grid, explicit page breaks, clear errors."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement

from extractor.ingest.docx import read_docx
from extractor.ingest.text import IngestError, read_text_dump
from tests.conftest import CORPUS_DIR, GOLD_DIR, needs_shared
from tests.docx_fixture import build_filing_docx, is_table_title

DUMP_001 = CORPUS_DIR / "001_ac22084b5fc62f54.txt"


def _merged_table_docx(path: Path) -> None:
    """A 4x4 table: a horizontal merge, a vertical merge and a 2x2 block merge."""
    document = Document()
    document.add_paragraph("部门预算支出总表")
    table = document.add_table(rows=4, cols=4)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"r{r}c{c}"
    table.cell(0, 0).merge(table.cell(0, 1)).text = "功能分类科目"
    table.cell(1, 3).merge(table.cell(2, 3)).text = "合计\n本年"
    table.cell(2, 0).merge(table.cell(3, 1)).text = "块"
    document.add_paragraph("注:空表列示。")
    document.save(str(path))


def test_merged_cells_keep_columns_aligned(tmp_path: Path) -> None:
    path = tmp_path / "merged.docx"
    _merged_table_docx(path)
    doc = read_docx(path)
    assert doc.layout == "docx"
    assert [line.cells for line in doc.lines] == [
        ("部门预算支出总表",),
        ("功能分类科目", "", "r0c2", "r0c3"),
        ("r1c0", "r1c1", "r1c2", "合计\n本年"),
        ("块", "", "r2c2"),
        ("", "", "r3c2", "r3c3"),
        ("注:空表列示。",),
    ]
    assert [line.number for line in doc.lines] == [1, 2, 3, 4, 5, 6]


def test_cell_text_is_folded_and_stripped(tmp_path: Path) -> None:
    document = Document()
    document.add_table(rows=1, cols=2).rows[0].cells[0].text = "  ＡＢ１２３．４５ "
    path = tmp_path / "fold.docx"
    document.save(str(path))
    assert read_docx(path).lines[0].cells == ("AB123.45",)


def _rendered_break_paragraph(document: DocxDocument, text: str) -> None:
    """Add a paragraph that opens with Word's rendered page-break mark, as Word saves it."""
    run = document.add_paragraph().add_run()
    run._r.append(OxmlElement("w:lastRenderedPageBreak"))
    run.add_text(text)


def test_pages_count_hard_and_rendered_breaks_once(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("一")
    document.add_page_break()
    _rendered_break_paragraph(document, "二")  # same page turn as the hard break above
    _rendered_break_paragraph(document, "三")
    document.add_table(rows=1, cols=2).rows[0].cells[0].text = "仍在第三页"
    path = tmp_path / "pages.docx"
    document.save(str(path))
    doc = read_docx(path)
    assert [(line.text, line.page) for line in doc.lines] == [("一", 1), ("二", 2), ("三", 3), ("仍在第三页", 3)]
    assert doc.page_count == 3


def _zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


def _empty_docx() -> bytes:
    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("部门预算收支总表\n收入\t支出\n".encode(), "not a valid docx"),
        (b"", "empty file"),
        (_zip_without_document(), "not a valid docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "encrypted"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "legacy .doc"),
        (_empty_docx(), "empty document"),
    ],
    ids=["text-renamed", "zero-bytes", "no-document-xml", "encrypted", "legacy-doc", "no-text"],
)
def test_unreadable_files_raise_one_line_error_naming_the_file(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "filing.docx"
    path.write_bytes(content)
    with pytest.raises(IngestError) as excinfo:
        read_docx(path)
    message = str(excinfo.value)
    assert str(path) in message and reason in message and "\n" not in message


def test_missing_file_raises_ingest_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="cannot read"):
        read_docx(tmp_path / "absent.docx")


@needs_shared(DUMP_001, what="the dev dump corpus/001_ac22084b5fc62f54.txt")
def test_word_filing_from_001_reads_back_the_dump_cells(tmp_path: Path) -> None:
    path = tmp_path / "001.docx"
    build_filing_docx(path, DUMP_001)
    dump, doc = read_text_dump(DUMP_001), read_docx(path)
    table_rows = [line.cells for line in doc.lines if len(line.cells) > 1]
    assert table_rows == [line.cells for line in dump.lines if len(line.cells) > 1]
    assert [line.cells for line in doc.lines] == [line.cells for line in dump.lines]
    title_pages = [line.page for line in doc.lines if is_table_title(line.cells)]
    assert title_pages == list(range(1, len(title_pages) + 1))
    assert doc.page_count == len(title_pages)


@needs_shared(DUMP_001, GOLD_DIR / "001_ac22084b5fc62f54.json", what="the dev dump 001 and its gold record")
def test_word_filing_converts_to_the_same_record_as_gold(tmp_path: Path) -> None:
    import json

    from extractor.evaluate.score import score_document
    from extractor.pipeline import convert_file

    path = tmp_path / "filing.docx"
    build_filing_docx(path, CORPUS_DIR / "001_ac22084b5fc62f54.txt")
    result = convert_file(path)
    assert result.status == "ok", result.error
    gold = json.loads((GOLD_DIR / "001_ac22084b5fc62f54.json").read_text(encoding="utf-8"))
    score = score_document(gold, result.record, "001")
    assert score.cells.f1 >= 0.98 and score.indicators.f1 >= 0.95 and score.narrative_accuracy >= 0.9
