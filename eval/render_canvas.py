"""A thin PyMuPDF drawing surface: pages with running head and page-number footer, text, rules, placements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pymupdf

from eval.render_style import ASCENDER, FONT, LINE_FACTOR, RenderStyle, text_width

PORTRAIT = (595.0, 842.0)
LANDSCAPE = (842.0, 595.0)
SIDE_MARGIN = 30.0
BOTTOM_MARGIN = 48.0
BLACK = (0, 0, 0)
RULE_WIDTH = 0.5


@dataclass(frozen=True)
class Placement:
    """Where one printed cell landed: page index, box, the text as printed, and what it shows."""

    page: int
    rect: tuple[float, float, float, float]
    text: str
    ref: tuple[Any, ...]


@dataclass
class PageSurface:
    """One page being drawn; text and rules are buffered and written when the page is done."""

    page: pymupdf.Page
    writer: pymupdf.TextWriter
    index: int
    width: float
    height: float
    rules: list[str] = field(default_factory=list)  # PDF path operators, page space (y up)

    @property
    def left(self) -> float:
        return SIDE_MARGIN

    @property
    def right(self) -> float:
        return self.width - SIDE_MARGIN

    @property
    def bottom(self) -> float:
        return self.height - BOTTOM_MARGIN


@dataclass
class Canvas:
    """A document under construction plus the placements of every referenced cell."""

    running_head: str
    style: RenderStyle
    doc: pymupdf.Document = field(default_factory=pymupdf.open)
    pages: list[PageSurface] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    cursor: float = 0.0

    @property
    def current(self) -> PageSurface:
        return self.pages[-1]

    def add_page(self, landscape: bool = False) -> PageSurface:
        """Start a page with the running head (agency, year) and the footer "- n -"; return it."""
        if self.pages:
            self._flush(self.current)
        width, height = LANDSCAPE if landscape else PORTRAIT
        page = self.doc.new_page(width=width, height=height)
        surface = PageSurface(page, pymupdf.TextWriter(page.rect), len(self.pages), width, height)
        self.pages.append(surface)
        head_size = 8.0
        self.line_text(surface.left, 24.0, self.running_head, head_size)
        if self.style.ruled:
            self.hline(surface.left, surface.right, 24.0 + head_size * LINE_FACTOR + 1.5)
        footer = f"- {surface.index + 1} -"
        self.line_text(width / 2 - text_width(footer, 9.0) / 2, height - 32.0, footer, 9.0)
        self.cursor = self.style.top_margin
        return surface

    def ensure_room(self, needed: float, landscape: bool = False) -> None:
        """Break to a new page unless `needed` points fit below the cursor."""
        if not self.pages or self.cursor + needed > self.current.bottom:
            self.add_page(landscape)

    def line_text(self, x: float, top: float, text: str, size: float) -> None:
        """Set one line of text whose glyph box starts at `top`."""
        if text:
            self.current.writer.append((x, top + ASCENDER * size), text, font=FONT, fontsize=size)

    def box_text(self, rect: tuple[float, float, float, float], lines: list[str], size: float, align: str = "left",
                 valign: str = "middle", ref: tuple[Any, ...] | None = None, inset: float = 0.0) -> None:
        """Set wrapped lines inside a cell box (left/right/center, top/middle) and record its placement."""
        x0, y0, x1, y1 = rect
        pitch = size * LINE_FACTOR
        hpad = self.style.hpad(size)
        block = pitch * len(lines)
        top = y0 + self.style.pad if valign == "top" else y0 + max((y1 - y0 - block) / 2, 0.0)
        for i, line in enumerate(lines):
            line_w = text_width(line, size)
            if align == "right":
                x = x1 - hpad - line_w
            elif align == "center":
                x = (x0 + x1 - line_w) / 2
            else:
                x = x0 + hpad + inset
            self.line_text(x, top + i * pitch, line, size)
        if ref is not None and any(lines):
            self.record(rect, "".join(lines), ref)

    def record(self, rect: tuple[float, float, float, float], text: str, ref: tuple[Any, ...]) -> None:
        """Note that `text` showing `ref` was printed in `rect` on the current page."""
        self.placements.append(Placement(self.current.index, rect, text, ref))

    def hline(self, x0: float, x1: float, y: float) -> None:
        """Rule a horizontal line (stroked with the page's other rules when the page is flushed)."""
        h = self.current.height
        self.current.rules.append(f"{x0:.2f} {h - y:.2f} m {x1:.2f} {h - y:.2f} l")

    def vline(self, x: float, y0: float, y1: float) -> None:
        """Rule a vertical line."""
        h = self.current.height
        self.current.rules.append(f"{x:.2f} {h - y0:.2f} m {x:.2f} {h - y1:.2f} l")

    def frame(self, rect: tuple[float, float, float, float]) -> None:
        """Rule a box."""
        x0, y0, x1, y1 = rect
        self.current.rules.append(f"{x0:.2f} {self.current.height - y1:.2f} {x1 - x0:.2f} {y1 - y0:.2f} re")

    @staticmethod
    def _flush(surface: PageSurface) -> None:
        """Stroke the page's rules, then write its text over them."""
        if surface.rules:
            shape = surface.page.new_shape()
            shape.draw_cont = "\n".join(surface.rules) + "\n"
            shape.finish(color=BLACK, width=RULE_WIDTH, closePath=False)
            shape.commit()
        surface.writer.write_text(surface.page)

    def to_bytes(self) -> bytes:
        """Write out buffered text and lines, subset the font and return deterministic PDF bytes."""
        if self.pages:
            self._flush(self.current)
        self.doc.set_metadata({"producer": "yusuan eval.render", "creator": "yusuan eval.render"})
        self.doc.subset_fonts()
        data = self.doc.tobytes(garbage=3, deflate=True, no_new_id=True)
        self.doc.close()
        return data
