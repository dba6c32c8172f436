"""Lay out one budget table: fit columns to the page, wrap cells, break pages repeating unit line and header."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from eval.render_canvas import LANDSCAPE, PORTRAIT, SIDE_MARGIN, Canvas
from eval.render_style import LINE_FACTOR, RenderStyle, balanced_wrap, text_width, wrap_text

TITLE_SIZE = 15.0
UNIT_SIZE = 9.0
NARROW_AMOUNT = "0000.00"  # the widest amount a narrow column holds on one line


@dataclass(frozen=True)
class Column:
    """A printed column: header text, role (code, name or amount) and an optional spanning group header."""

    header: str
    role: str = "amount"
    group: str | None = None


@dataclass(frozen=True)
class Cell:
    """One body cell: printed text, what it shows (for placements), and an indent in ems."""

    text: str = ""
    ref: tuple[Any, ...] | None = None
    indent: float = 0.0


@dataclass(frozen=True)
class TableGrid:
    """A table ready to draw: title, unit line (left, middle, right), columns, body rows and note."""

    index: int
    title: str
    unit_line: tuple[str, str, str]
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str | None = None


@dataclass(frozen=True)
class ColumnFit:
    """The chosen page orientation, font size and column widths."""

    landscape: bool
    size: float
    widths: tuple[float, ...]


@dataclass(frozen=True)
class RowBox:
    """A body row after wrapping: lines per cell and the row height."""

    lines: tuple[tuple[str, ...], ...]
    height: float


def fit_columns(grid: TableGrid, style: RenderStyle) -> ColumnFit:
    """Choose orientation, font size and widths so the table fits the page width (narrow: as tight as allowed)."""
    rng = style.rng(f"columns:{grid.index}")
    jitter = [rng.uniform(1.0, 1.06) for _ in grid.columns]
    base = style.font_size
    sizes = [base - step for step in (0.0, 0.5, 1.0, 1.5, 2.0) if base - step >= 6.5]
    candidates = [(False, s) for s in sizes[:3]] + [(True, s) for s in sizes]
    for landscape, size in candidates:
        usable = (LANDSCAPE if landscape else PORTRAIT)[0] - 2 * SIDE_MARGIN
        widths = [_natural_width(grid, i, size, style) * j for i, j in enumerate(jitter)]
        if sum(widths) <= usable:
            if not style.narrow:
                widths = [w * usable / sum(widths) for w in widths]
            return ColumnFit(landscape, size, tuple(widths))
    usable = LANDSCAPE[0] - 2 * SIDE_MARGIN
    widths = [_natural_width(grid, i, sizes[-1], style) for i in range(len(grid.columns))]
    return ColumnFit(True, sizes[-1], tuple(w * usable / sum(widths) for w in widths))


def _natural_width(grid: TableGrid, i: int, size: float, style: RenderStyle) -> float:
    column = grid.columns[i]
    content = max((text_width(row[i].text, size) + row[i].indent * size for row in grid.rows), default=0.0)
    header = max(2 * size, math.ceil(text_width(column.header, size) / 3 / size) * size)
    if column.role == "name":
        width = _narrow_name_width(grid, i, size) if style.narrow else max(min(content, 16 * size), 4 * size)
    elif column.role == "amount" and style.narrow:
        width = min(content, text_width(NARROW_AMOUNT, size))
    else:
        width = content
    return max(width, header) + 2 * style.hpad(size) + 0.5


def _narrow_name_width(grid: TableGrid, i: int, size: float) -> float:
    """Return the least width (at least four characters) that keeps every name in column i within three lines."""
    texts = [row[i].text for row in grid.rows if row[i].text]
    widest = max((text_width(t, size) for t in texts), default=0.0)
    width = max(4 * size, widest / 3)
    while any(len(wrap_text(t, width, size)) > 3 for t in texts):
        width += size / 2
    return width


def layout_rows(grid: TableGrid, fit: ColumnFit, style: RenderStyle) -> list[RowBox]:
    """Wrap every body cell to its column and return rows with their heights."""
    boxes = []
    pitch = fit.size * LINE_FACTOR
    for row in grid.rows:
        lines = []
        for cell, column, width in zip(row, grid.columns, fit.widths):
            inner = width - 2 * style.hpad(fit.size) - cell.indent * fit.size
            lines.append(tuple(wrap_text(cell.text, inner, fit.size, break_anywhere=column.role == "amount")))
        height = max(len(cell_lines) for cell_lines in lines) * pitch + 2 * style.pad
        boxes.append(RowBox(tuple(lines), height))
    return boxes


def draw_table(canvas: Canvas, grid: TableGrid) -> None:
    """Draw a table from a fresh page: title once, then unit line and header on every page it spans."""
    style = canvas.style
    fit = fit_columns(grid, style)
    rows = layout_rows(grid, fit, style)
    canvas.add_page(fit.landscape)
    x0 = _table_left(canvas, fit)
    _draw_title(canvas, grid, x0 + sum(fit.widths) / 2)
    _draw_unit_line(canvas, grid, fit, x0)
    _draw_header(canvas, grid, fit, x0)
    for row, box in zip(grid.rows, rows):
        if canvas.cursor + box.height > canvas.current.bottom:
            canvas.add_page(fit.landscape)
            _draw_unit_line(canvas, grid, fit, x0)
            _draw_header(canvas, grid, fit, x0)
        _draw_row(canvas, grid, fit, x0, row, box)
    if grid.note:
        _draw_note(canvas, grid, fit, x0)


def _table_left(canvas: Canvas, fit: ColumnFit) -> float:
    surface = canvas.current
    return max(surface.left, (surface.width - sum(fit.widths)) / 2)


def _draw_title(canvas: Canvas, grid: TableGrid, center: float) -> None:
    width = canvas.current.right - canvas.current.left
    for line in wrap_text(grid.title, width, TITLE_SIZE):
        line_w = text_width(line, TITLE_SIZE)
        rect = (center - line_w / 2, canvas.cursor, center + line_w / 2, canvas.cursor + TITLE_SIZE * LINE_FACTOR)
        canvas.box_text(rect, [line], TITLE_SIZE, align="center", ref=("title", grid.index))
        canvas.cursor += TITLE_SIZE * LINE_FACTOR
    canvas.cursor += 6.0


def _draw_unit_line(canvas: Canvas, grid: TableGrid, fit: ColumnFit, x0: float) -> None:
    left, middle, right = grid.unit_line
    x1 = x0 + sum(fit.widths)
    gap = 2 * UNIT_SIZE
    widths = [text_width(t, UNIT_SIZE) for t in grid.unit_line]
    if x1 - x0 < sum(widths) + 2 * gap:
        x0, x1 = canvas.current.left, canvas.current.right  # a narrow table's unit line spans the page
    middle_x = max((x0 + x1 - widths[1]) / 2, x0 + widths[0] + gap)
    top, bottom = canvas.cursor, canvas.cursor + UNIT_SIZE * LINE_FACTOR
    canvas.line_text(x0, top, left, UNIT_SIZE)
    canvas.line_text(middle_x, top, middle, UNIT_SIZE)
    right_x = x1 - text_width(right, UNIT_SIZE)
    canvas.line_text(right_x, top, right, UNIT_SIZE)
    canvas.record((right_x, top, x1, bottom), right, ("unit", grid.index))
    canvas.cursor = bottom + 3.0


def _draw_header(canvas: Canvas, grid: TableGrid, fit: ColumnFit, x0: float) -> None:
    style = canvas.style
    pitch = fit.size * LINE_FACTOR
    lines = [balanced_wrap(c.header, w - 2 * style.hpad(fit.size), fit.size) for c, w in zip(grid.columns, fit.widths)]
    lower = max(len(cl) for cl in lines) * pitch + 2 * style.pad
    upper = pitch + 2 * style.pad if any(c.group for c in grid.columns) else 0.0
    top = canvas.cursor
    edges = _edges(x0, fit.widths)
    i = 0
    while i < len(grid.columns):
        group = grid.columns[i].group
        j = i + 1
        while group and j < len(grid.columns) and grid.columns[j].group == group:
            j += 1
        if group:
            span = (edges[i], top, edges[j], top + upper)
            _cell(canvas, span, [group], fit.size, "center", ("group", grid.index, i))
        for k in range(i, j):
            cell_top = top + upper if group else top
            rect = (edges[k], cell_top, edges[k + 1], top + upper + lower)
            _cell(canvas, rect, lines[k], fit.size, "center", ("header", grid.index, k))
        i = j
    canvas.cursor = top + upper + lower


def _draw_row(canvas: Canvas, grid: TableGrid, fit: ColumnFit, x0: float, row: tuple[Cell, ...], box: RowBox) -> None:
    edges = _edges(x0, fit.widths)
    top = canvas.cursor
    for k, (cell, lines) in enumerate(zip(row, box.lines)):
        align = "right" if grid.columns[k].role == "amount" else "left"
        rect = (edges[k], top, edges[k + 1], top + box.height)
        _cell(canvas, rect, list(lines), fit.size, align, cell.ref, cell.indent * fit.size)
    canvas.cursor = top + box.height


def _cell(canvas: Canvas, rect: tuple[float, float, float, float], lines: list[str], size: float, align: str,
          ref: tuple[Any, ...] | None, inset: float = 0.0) -> None:
    if canvas.style.ruled:
        canvas.frame(rect)
    canvas.box_text(rect, lines, size, align=align, ref=ref, inset=inset)


def _draw_note(canvas: Canvas, grid: TableGrid, fit: ColumnFit, x0: float) -> None:
    canvas.cursor += 4.0
    width = max(sum(fit.widths), 300.0)
    for line in wrap_text(grid.note or "", width, UNIT_SIZE):
        if canvas.cursor + UNIT_SIZE * LINE_FACTOR > canvas.current.bottom:
            canvas.add_page(fit.landscape)
        rect = (x0, canvas.cursor, x0 + text_width(line, UNIT_SIZE), canvas.cursor + UNIT_SIZE * LINE_FACTOR)
        canvas.line_text(x0, canvas.cursor, line, UNIT_SIZE)
        canvas.record(rect, line, ("note", grid.index))
        canvas.cursor += UNIT_SIZE * LINE_FACTOR


def _edges(x0: float, widths: tuple[float, ...]) -> list[float]:
    edges = [x0]
    for w in widths:
        edges.append(edges[-1] + w)
    return edges
