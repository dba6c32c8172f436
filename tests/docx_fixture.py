"""Render Word filings for the docx backend tests with python-docx (rendered here, never downloaded)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell

from extractor.ingest.text import Line, read_text_dump


def is_table_title(cells: Sequence[str]) -> bool:
    """Tell a table title line (…表, …绩效目标表); Word exports often fuse it with the header cells."""
    return bool(cells) and cells[0].endswith("表")


def _groups(lines: Sequence[Line]) -> Iterator[list[Line]]:
    """Split lines into one-cell paragraphs and runs of multi-cell rows; a title opens a new run."""
    run: list[Line] = []
    for line in lines:
        if run and (len(line.cells) == 1 or is_table_title(line.cells)):
            yield run
            run = []
        if len(line.cells) == 1:
            yield [line]
        else:
            run.append(line)
    if run:
        yield run


def _set_cell_text(cell: _Cell, text: str) -> None:
    """Write text as one Word paragraph per line, as Word keeps multi-line cells."""
    first, *rest = text.split("\n")
    cell.paragraphs[0].text = first
    for part in rest:
        cell.add_paragraph(part)


def _add_table(document: DocxDocument, rows: Sequence[Line]) -> None:
    width = max(len(row.cells) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for row, line in zip(table.rows, rows):
        for cell, text in zip(row.cells, line.cells):
            _set_cell_text(cell, text)


def _new_filing() -> DocxDocument:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    return document


def build_filing_docx(path: Path, text_dump: Path) -> None:
    """Build a Word filing from a Word-export text dump: prose as paragraphs, row runs as tables.

    A page break precedes each table title line (except at the very start), so each statement
    table opens a page as in the printed filing.
    """
    document, started = _new_filing(), False
    for group in _groups(read_text_dump(text_dump).lines):
        if started and is_table_title(group[0].cells):
            document.add_page_break()
        if len(group[0].cells) == 1:
            document.add_paragraph(group[0].cells[0])
        else:
            _add_table(document, group)
        started = True
    document.save(str(path))
