"""PDF backend (PyMuPDF): each page's positioned words and ruling lines → lines of cells.

The only module that imports PyMuPDF. Coordinates are turned into the page's display orientation,
so rotated (landscape) pages read like the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pymupdf

from extractor.ingest.geometry import Row, Word, find_grids, grid_rows, inside, rules_from_rects, text_rows
from extractor.ingest.text import IngestError, Line, TextDocument
from extractor.record.normalize import fold_text

pymupdf.TOOLS.mupdf_display_errors(False)


def read_pdf(paths: Sequence[Path], ocr: str = "auto") -> TextDocument:
    """Read one filing (one PDF, or several read in order as one document) into lines of cells."""
    lines: list[Line] = []
    page_base = 0
    for path in paths:
        document = _open(path)
        with document:
            for page in document.pages():
                for row in page_rows(page):
                    lines.append(_line(row, len(lines) + 1, page_base + page.number + 1))
            page_base += document.page_count
    if not any(line.text for line in lines):
        raise IngestError(f"{paths[0]}: no text layer (image-only PDF; OCR is not available yet)")
    return TextDocument(str(paths[0]), "pdf", tuple(lines))


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
    """Return the page's rows top to bottom: ruled tables cell by cell, other text by visual line."""
    matrix = page.rotation_matrix if page.rotation else None
    words = [_word(w, matrix) for w in page.get_text("words") if w[4].strip()]
    grids = find_grids(rules_from_rects(_rule_rects(page, matrix)))
    rows: list[Row] = []
    for grid in grids:
        rows.extend(grid_rows(grid, words))
    outside = [w for w in words if not any(inside(w, g.box) for g in grids)]
    rows.extend(text_rows(outside))
    return sorted(rows, key=lambda r: r.y0)


def _word(raw: tuple, matrix: pymupdf.Matrix | None) -> Word:
    if matrix is None:
        return Word(raw[0], raw[1], raw[2], raw[3], fold_text(raw[4]))
    rect = pymupdf.Rect(raw[:4]) * matrix
    return Word(rect.x0, rect.y0, rect.x1, rect.y1, fold_text(raw[4]))


def _rule_rects(page: pymupdf.Page, matrix: pymupdf.Matrix | None) -> list[tuple[float, float, float, float]]:
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


def _line(row: Row, number: int, page: int) -> Line:
    return Line(number, page, row.cells, row.boxes)


__all__ = ["read_pdf", "page_rows"]
