"""PDF backend (PyMuPDF): each page's positioned words and ruling lines → lines of cells.

The only module that imports PyMuPDF. Coordinates are turned into the page's display orientation,
so rotated (landscape) pages read like the others. A page whose text layer is missing or garbled
is rendered and read by OCR (ocr.py), whose words and rules go through the same geometry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pymupdf

from extractor.ingest.geometry import Row, Word, layout_rows
from extractor.ingest.text import IngestError, Line, TextDocument
from extractor.ingest.textlayer import TextLayerVerdict, judge_text_layer
from extractor.record.normalize import fold_text

if TYPE_CHECKING:
    from extractor.ingest.ocr import OcrPage

pymupdf.TOOLS.mupdf_display_errors(False)


#: Resolution pages are rendered at for OCR (about 28 px per line of 10 pt text).
OCR_DPI = 200


@dataclass(frozen=True)
class PageReading:
    """How one page was read: its rows, and whether (and why) OCR read it."""

    rows: list[Row]
    ocr: bool = False
    reason: str = "ok"


def read_pdf(paths: Sequence[Path], ocr: str = "auto") -> TextDocument:
    """Read one filing (one PDF, or several read in order as one document) into lines of cells.

    ``ocr``: ``auto`` OCRs the pages whose text layer is missing or garbled, ``force`` every page,
    ``off`` none (an image-only filing then fails).
    """
    lines: list[Line] = []
    ocr_pages: list[int] = []
    page_base = 0
    for path in paths:
        document = _open(path)
        with document:
            for page in document.pages():
                number = page_base + page.number + 1
                reading = read_page(page, ocr, path)
                origin = "ocr" if reading.ocr else "text"
                if reading.ocr:
                    ocr_pages.append(number)
                for row in reading.rows:
                    lines.append(Line(len(lines) + 1, number, row.cells, row.boxes, origin, row.indents))
            page_base += document.page_count
    if not any(line.text for line in lines):
        if ocr == "off":
            hint = "image-only PDF? run with --ocr auto to read it"
        elif ocr_pages:
            hint = f"and OCR read no text on its {len(ocr_pages)} page(s)"
        else:
            hint = "and nothing on its pages to OCR"
        raise IngestError(f"{paths[0]}: no text layer ({hint})")
    return TextDocument(str(paths[0]), "pdf", tuple(lines), tuple(ocr_pages), page_base)


def read_page(page: pymupdf.Page, ocr: str, path: Path) -> PageReading:
    """Read one page from its text layer, or by OCR when asked to or when the layer is unusable."""
    words = _page_words(page)
    if ocr == "off":
        return PageReading(layout_rows(words, _rule_rects(page)))
    verdict = judge_text_layer(" ".join(w.text for w in words))
    if ocr == "auto" and (verdict.usable or not _has_marks(page, verdict)):
        return PageReading(layout_rows(words, _rule_rects(page)))
    scanned = _ocr_page(page, path)
    return PageReading(layout_rows(list(scanned.words), list(scanned.rules)), True,
                       "forced" if ocr == "force" else verdict.reason)


_OUTLINED_TEXT = 50  # drawing items on a page without text that may be glyphs drawn as outlines


def _has_marks(page: pymupdf.Page, verdict: TextLayerVerdict) -> bool:
    """A page without text is worth OCR only if something is on it: an image (a scan) or many
    vector paths (text drawn as outlines); a blank page or a lone frame is not."""
    if verdict.reason != "no text" or page.get_images(full=False):
        return True
    return sum(len(d["items"]) for d in page.get_cdrawings()) >= _OUTLINED_TEXT


def _ocr_page(page: pymupdf.Page, path: Path) -> OcrPage:
    from extractor.ingest.ocr import OcrUnavailableError, ocr_image

    pix = page.get_pixmap(dpi=OCR_DPI, colorspace=pymupdf.csGRAY, alpha=False)
    image = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, pix.n)[:, :, 0]
    try:
        return ocr_image(np.ascontiguousarray(image), OCR_DPI / 72)
    except OcrUnavailableError as exc:
        raise IngestError(f"{path}: page {page.number + 1} needs OCR, which is unavailable ({exc})") from exc


def _open(path: Path) -> pymupdf.Document:
    try:
        document = pymupdf.open(path)
    except Exception as exc:  # noqa: BLE001 - PyMuPDF raises several types for bad files
        raise IngestError(f"{path}: not a readable PDF ({exc})") from exc
    if document.needs_pass:
        document.close()
        raise IngestError(f"{path}: encrypted PDF (password required)")
    if document.page_count == 0:
        document.close()
        raise IngestError(f"{path}: PDF has no pages")
    return document


def page_rows(page: pymupdf.Page) -> list[Row]:
    """Return the page's rows from its text layer (see geometry.layout_rows)."""
    return layout_rows(_page_words(page), _rule_rects(page))


def _page_words(page: pymupdf.Page) -> list[Word]:
    matrix = page.rotation_matrix if page.rotation else None
    return [_word(w, matrix) for w in page.get_text("words") if w[4].strip()]


def _word(raw: tuple, matrix: pymupdf.Matrix | None) -> Word:
    if matrix is None:
        return Word(raw[0], raw[1], raw[2], raw[3], fold_text(raw[4]))
    rect = pymupdf.Rect(raw[:4]) * matrix
    return Word(rect.x0, rect.y0, rect.x1, rect.y1, fold_text(raw[4]))


def _rule_rects(page: pymupdf.Page) -> list[tuple[float, float, float, float]]:
    matrix = page.rotation_matrix if page.rotation else None
    rects = []
    for drawing in page.get_cdrawings():
        if drawing.get("type") == "f" and drawing.get("fill") == (1.0, 1.0, 1.0):
            continue  # white background fills are not rules
        for item in drawing["items"]:
            if item[0] == "re":
                rect = pymupdf.Rect(item[1])
                rects.extend(_edges(rect * matrix if matrix else rect, drawing.get("type", "")))
            elif item[0] == "l":
                a, b = pymupdf.Point(item[1]), pymupdf.Point(item[2])
                if matrix:
                    a, b = a * matrix, b * matrix
                rects.append((min(a.x, b.x), min(a.y, b.y), max(a.x, b.x), max(a.y, b.y)))
    return rects


def _edges(rect: pymupdf.Rect, kind: str) -> list[tuple[float, float, float, float]]:
    """A thin filled rectangle is a rule; a stroked box contributes its four edges."""
    if rect.width <= 2 or rect.height <= 2 or "s" not in kind:
        return [(rect.x0, rect.y0, rect.x1, rect.y1)]
    x0, y0, x1, y1 = rect.x0, rect.y0, rect.x1, rect.y1
    return [(x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)]


__all__ = ["OCR_DPI", "PageReading", "page_rows", "read_page", "read_pdf"]
