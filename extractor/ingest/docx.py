"""Word backend: read a ``.docx`` filing into lines of cells, keeping Word's own table cells.

Paragraphs become one-cell lines and table rows become lines of cells, in body order. Merged
cells keep the grid: a horizontally merged cell gives its text once and ``""`` for the grid
columns it spans, the continuation of a vertically merged cell gives ``""``. As in the text
backends, empty paragraphs and rows are dropped and trailing empty cells trimmed. Pages are counted
from explicit breaks only (hard page breaks and the page breaks Word rendered when it last saved).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from extractor.ingest.text import IngestError, Line, TextDocument
from extractor.record.normalize import fold_text

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
_T, _BR, _RENDERED_BREAK, _TYPE = qn("w:t"), qn("w:br"), qn("w:lastRenderedPageBreak"), qn("w:type")
#: What python-docx and zipfile raise on a malformed package: whatever their parsers trip on (a damaged
#: deflate stream inside a well-formed zip is a zlib.error or an EOFError, only when the part is read).
_MALFORMED_PACKAGE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    ValueError,
    AttributeError,
    TypeError,
    RuntimeError,
    NotImplementedError,
    etree.XMLSyntaxError,
)


class _PageCounter:
    """Track the page in body order: 1 + explicit page breaks seen before an element's text."""

    def __init__(self) -> None:
        self.page = 1
        self._after_hard_break = False

    def page_of(self, element: etree._Element) -> int:
        """Return the page the element's first text lands on; advance past its breaks."""
        first: int | None = None
        for node in element.iter(_T, _BR, _RENDERED_BREAK):
            if node.tag == _BR and node.get(_TYPE) == "page":
                self.page, self._after_hard_break = self.page + 1, True
            elif node.tag == _RENDERED_BREAK:
                # Word marks a rendered break right after a hard one too: same page turn, count once.
                if not self._after_hard_break:
                    self.page += 1
                self._after_hard_break = False
            elif node.text:
                first = self.page if first is None else first
                self._after_hard_break = False
        return self.page if first is None else first


def _clean(text: str) -> str:
    return fold_text(text).strip()


def _trim_trailing(cells: list[str]) -> tuple[str, ...]:
    end = len(cells)
    while end > 1 and not cells[end - 1]:
        end -= 1
    return tuple(cells[:end])


def _iter_blocks(container: etree._Element) -> Iterator[etree._Element]:
    """Yield the ``w:p`` and ``w:tbl`` children in document order, opening content controls."""
    for child in container.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            for content in child.iterchildren(_SDT_CONTENT):
                yield from _iter_blocks(content)


def _row_cells(tr: CT_Row, table: Table) -> tuple[str, ...]:
    """Return one text per grid column: merged spans and vertical continuations give ``""``."""
    cells = [""] * tr.grid_before
    for tc in tr.tc_lst:
        text = "" if tc.vMerge == "continue" else "\n".join(Paragraph(p, table).text for p in tc.p_lst)
        cells += [_clean(text)] + [""] * (tc.grid_span - 1)
    return _trim_trailing(cells)


def _block_rows(
    block: etree._Element, document: DocxDocument, pages: _PageCounter
) -> Iterator[tuple[int, tuple[str, ...]]]:
    """Yield (page, cells) for a paragraph, or for each row of a table; skip empty ones."""
    if block.tag == _P:
        page, text = pages.page_of(block), _clean(Paragraph(block, document).text)
        if text:
            yield page, (text,)
        return
    table = Table(block, document)
    for tr in block.tr_lst:
        page, cells = pages.page_of(tr), _row_cells(tr, table)
        if any(cells):
            yield page, cells


def _package_problem(data: bytes) -> str | None:
    """Return why the bytes are not a Word package (zip with a main document part), or None."""
    if data.startswith(_OLE_MAGIC):
        return "encrypted (password-protected)" if _ENCRYPTED_STREAM in data else "legacy .doc (OLE), not a docx"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return "not a valid docx (not a zip archive)"
    if "[Content_Types].xml" not in names:
        return "not a valid docx (no [Content_Types].xml)"
    if not any(name.startswith("word/document") and name.endswith(".xml") for name in names):
        return "not a valid docx (no word/document.xml)"
    return None


def _open_docx(data: bytes, path: Path) -> DocxDocument:
    """Return the parsed document; raise IngestError with the reason it cannot be one."""
    if not data or data.isspace():
        raise IngestError(f"{path}: empty file")
    problem = _package_problem(data)
    if problem:
        raise IngestError(f"{path}: {problem}")
    try:
        return Document(io.BytesIO(data))
    except _MALFORMED_PACKAGE as exc:
        detail = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        raise IngestError(f"{path}: not a valid docx ({' '.join(str(detail).split())})") from exc


def _body(document: DocxDocument, path: Path) -> etree._Element:
    """Return the document body; raise IngestError when the main part is not a Word document."""
    root = document.element
    body = root.find(qn("w:body"))
    if root.tag != qn("w:document") or body is None:
        raise IngestError(f"{path}: not a valid docx (main part has no w:document/w:body)")
    return body


def read_docx(path: Path) -> TextDocument:
    """Read a Word filing into a ``docx``-layout TextDocument; raise IngestError naming the file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    document, pages = _open_docx(data, path), _PageCounter()
    blocks = _iter_blocks(_body(document, path))
    rows = [row for block in blocks for row in _block_rows(block, document, pages)]
    if not rows:
        raise IngestError(f"{path}: empty document (no text)")
    lines = tuple(Line(number, page, cells) for number, (page, cells) in enumerate(rows, start=1))
    return TextDocument(str(path), "docx", lines)
