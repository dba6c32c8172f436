"""Draw small ruled tables as real PDF pages (PyMuPDF), for the table-layout tests.

A row is a list of cells; a cell is its text, ``Span(text, n)`` for a cell merged across n columns, or
``UP`` for a cell merged with the one above it (no rule between them, the text printed once on top).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pymupdf

UP = "^"
_ROW_HEIGHT = 18.0
_FONT = "china-s"


@dataclass(frozen=True)
class Span:
    """A cell merged across ``width`` columns."""

    text: str
    width: int


Row = list[str | Span]


def _expand(rows: list[Row], columns: int) -> list[list[tuple[str, int] | None]]:
    """Each row as one slot per column: (text, span) where a cell starts, None where a span covers it."""
    grid: list[list[tuple[str, int] | None]] = []
    for row in rows:
        slots: list[tuple[str, int] | None] = []
        for cell in row:
            text, width = (cell.text, cell.width) if isinstance(cell, Span) else (cell, 1)
            slots.append((text, width))
            slots.extend([None] * (width - 1))
        slots.extend([("", 1)] * (columns - len(slots)))
        grid.append(slots[:columns])
    return grid


def table_page(doc: pymupdf.Document, title: str, rows: list[Row], widths: list[float],
               label: str | None = None, unit: str = "单位:万元", after: tuple[str, ...] = ()) -> None:
    """Add a landscape page printing an optional table number label, the title, the unit line, the ruled
    table and any lines printed under it (notes, the next table's label)."""
    page = doc.new_page(width=842, height=595)
    left, top = 30.0, 40.0
    if label:
        page.insert_text((760, top), label, fontname=_FONT, fontsize=9)
    page.insert_text((300, top + 20), title, fontname=_FONT, fontsize=14)
    page.insert_text((760, top + 42), unit, fontname=_FONT, fontsize=9)
    top += 50
    xs = [left + sum(widths[:i]) for i in range(len(widths) + 1)]
    grid = _expand(rows, len(widths))
    for r, slots in enumerate(grid):
        y0, y1 = top + r * _ROW_HEIGHT, top + (r + 1) * _ROW_HEIGHT
        for c, slot in enumerate(slots):
            if slot is None:
                continue
            text, width = slot
            if text != UP:
                page.draw_line((xs[c], y0), (xs[c + width], y0), width=0.5)
                if text:
                    page.insert_text((xs[c] + 2, y0 + 12), text, fontname=_FONT, fontsize=8)
            page.draw_line((xs[c], y0), (xs[c], y1), width=0.5)
        page.draw_line((xs[-1], y0), (xs[-1], y1), width=0.5)
    bottom = top + len(grid) * _ROW_HEIGHT
    page.draw_line((xs[0], bottom), (xs[-1], bottom), width=0.5)
    for i, text in enumerate(after):
        page.insert_text((left, bottom + 20 + 14 * i), text, fontname=_FONT, fontsize=9)


def save_pages(path: Path, pages: list[dict]) -> Path:
    """Write one PDF page per ``table_page`` keyword set; return the path."""
    doc = pymupdf.open()
    for page in pages:
        table_page(doc, **page)
    doc.save(path)
    return path
