"""Performance cards (绩效目标表) drawn as boxed grids, level1/level2 printed once per merged block."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eval.render_canvas import BOTTOM_MARGIN, PORTRAIT, SIDE_MARGIN, Canvas
from eval.render_style import LINE_FACTOR, format_amount, text_width, wrap_text

#: column edges of the card grid as fractions of its width (一级 二级 三级 描述 指标值 依据)
EDGES = (0.0, 0.11, 0.24, 0.40, 0.67, 0.82, 1.0)
MONTHS = ("3月底", "6月底", "10月底", "12月底")
INDICATOR_HEADERS = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")
INDICATOR_FIELDS = ("level1", "level2", "level3", "description", "value", "basis")
TITLE_SIZE = 12.0


@dataclass(frozen=True)
class CardCell:
    """A cell spanning fractions x0..x1 of the card; cells with one merge key in consecutive rows merge."""

    x0: float
    x1: float
    text: str
    align: str = "left"
    ref: tuple[Any, ...] | None = None
    merge: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class CardRow:
    cells: tuple[CardCell, ...]
    section: str  # head | indicator_header | indicator


def _label(x0: float, x1: float, text: str, merge: tuple[Any, ...] | None = None) -> CardCell:
    return CardCell(x0, x1, text, "center", merge=merge)


def has_header_block(card: dict[str, Any]) -> bool:
    """Return whether the card prints the 项目名称/预算数/资金用途/资金支出计划 block (newer filings)."""
    return any(card.get(k) is not None for k in ("project_code", "budget", "fund_use", "spending_plan"))


def card_rows(card: dict[str, Any], c: int) -> list[CardRow]:
    """Given a record card and its index, return its grid rows in printed order."""
    e = EDGES
    rows: list[CardRow] = []
    if has_header_block(card):
        budget = card.get("budget") or {}
        plan = list(card.get("spending_plan") or [None] * 4) + [None] * 4
        rows += [
            CardRow(
                (
                    _label(e[0], e[1], "项目名称"),
                    CardCell(e[1], e[3], card.get("project_name") or "", ref=("card", c, "project_name")),
                    _label(e[3], e[4], "项目编码"),
                    CardCell(e[4], e[6], card.get("project_code") or "", ref=("card", c, "project_code")),
                ),
                "head",
            ),
            CardRow(
                (
                    _label(e[0], e[1], "预算数"),
                    _amount(e[1], e[2], budget.get("total"), ("card", c, "budget.total")),
                    _label(e[2], e[3], "其中：财政资金"),
                    _amount(e[3], e[4], budget.get("fiscal"), ("card", c, "budget.fiscal")),
                    _label(e[4], e[5], "其他资金"),
                    _amount(e[5], e[6], budget.get("other"), ("card", c, "budget.other")),
                ),
                "head",
            ),
            CardRow(
                (
                    _label(e[0], e[1], "资金用途"),
                    CardCell(e[1], e[6], card.get("fund_use") or "", ref=("card", c, "fund_use")),
                ),
                "head",
            ),
            CardRow(
                (_label(e[0], e[1], "资金支出计划", ("plan",)),)
                + tuple(_label(*_quarter(q), month) for q, month in enumerate(MONTHS)),
                "head",
            ),
            CardRow(
                (_label(e[0], e[1], "资金支出计划", ("plan",)),)
                + tuple(_amount(*_quarter(q), plan[q], ("card", c, "plan", q)) for q in range(4)),
                "head",
            ),
        ]
    goals = card.get("goals") or []
    if goals:
        rows.append(
            CardRow(
                (_label(e[0], e[1], "绩效目标"), CardCell(e[1], e[6], "\n".join(goals), ref=("card", c, "goals"))),
                "head",
            )
        )
    rows.append(indicator_header())
    for i, ind in enumerate(card.get("indicators") or []):
        cells = []
        for k, field in enumerate(INDICATOR_FIELDS):
            text = ind.get(field) or ""
            merge = (
                ("l1", ind.get("level1"))
                if k == 0
                else ("l2", ind.get("level1"), ind.get("level2"))
                if k == 1
                else None
            )
            cells.append(
                CardCell(e[k], e[k + 1], text, "center" if k < 2 else "left", ("card", c, "indicator", i, field), merge)
            )
        rows.append(CardRow(tuple(cells), "indicator"))
    return rows


def indicator_header() -> CardRow:
    return CardRow(
        tuple(_label(EDGES[k], EDGES[k + 1], h) for k, h in enumerate(INDICATOR_HEADERS)), "indicator_header"
    )


def _quarter(q: int) -> tuple[float, float]:
    step = (EDGES[6] - EDGES[1]) / 4
    return EDGES[1] + q * step, EDGES[1] + (q + 1) * step


def _amount(x0: float, x1: float, value: float | None, ref: tuple[Any, ...]) -> CardCell:
    return CardCell(x0, x1, format_amount(value), "right", ref)


@dataclass(frozen=True)
class CardGeometry:
    left: float
    width: float
    size: float
    pad: float
    hpad: float

    def x(self, fraction: float) -> float:
        return self.left + fraction * self.width

    def lines(self, cell: CardCell) -> list[str]:
        inner = (cell.x1 - cell.x0) * self.width - 2 * self.hpad
        return wrap_text(cell.text, inner, self.size, break_anywhere=cell.align == "right")


def row_heights(rows: list[CardRow], geo: CardGeometry) -> list[float]:
    """Return row heights: unmerged cells set each row; a merged block's text stretches the block's last row."""
    pitch = geo.size * LINE_FACTOR
    heights = [
        max([len(geo.lines(c)) for c in row.cells if c.merge is None] or [1]) * pitch + 2 * geo.pad for row in rows
    ]
    for start, end, cell in merged_runs(rows, range(len(rows))):
        need = len(geo.lines(cell)) * pitch + 2 * geo.pad
        have = sum(heights[start:end])
        if need > have:
            heights[end - 1] += need - have
    return heights


def merged_runs(rows: list[CardRow], indices: range | list[int]):
    """Yield (start, end, cell) for runs of consecutive rows sharing a merge key at the same column span."""
    indices = list(indices)
    spans = {(c.x0, c.x1) for i in indices for c in rows[i].cells if c.merge is not None}
    for span in sorted(spans):
        run_start, run_key = None, None
        for pos, i in enumerate(indices + [None]):
            cell = _cell_at(rows[i], span) if i is not None else None
            key = cell.merge if cell is not None else None
            if key != run_key or key is None:
                if run_key is not None and run_start is not None:
                    yield run_start, indices[pos - 1] + 1, _cell_at(rows[run_start], span)
                run_start, run_key = (i, key) if key is not None else (None, None)


def _cell_at(row: CardRow, span: tuple[float, float]) -> CardCell | None:
    return next((c for c in row.cells if (c.x0, c.x1) == span), None)


def draw_cards(canvas: Canvas, cards: list[dict[str, Any]]) -> None:
    """Draw every performance card; the first starts a new page, later ones follow while they fit."""
    style = canvas.style
    width = (PORTRAIT[0] - 2 * SIDE_MARGIN) * (0.78 if style.narrow else 1.0)
    size = style.font_size - 0.5
    geo = CardGeometry(SIDE_MARGIN, width, size, style.pad, style.hpad(size))
    for c, card in enumerate(cards):
        _draw_card(canvas, card, c, geo, first=c == 0)


def _draw_card(canvas: Canvas, card: dict[str, Any], c: int, geo: CardGeometry, first: bool) -> None:
    rows = card_rows(card, c)
    heights = row_heights(rows, geo)
    title = f"{card.get('seq') or c + 1}、{card.get('project_name') or ''}绩效目标表"
    title_lines = wrap_text(title, geo.width, TITLE_SIZE)
    lead = len(title_lines) * TITLE_SIZE * LINE_FACTOR + 9 * LINE_FACTOR + 6
    total = lead + sum(heights)
    body = PORTRAIT[1] - BOTTOM_MARGIN - canvas.style.top_margin
    room = canvas.current.bottom - canvas.cursor if canvas.pages else 0.0
    if first or (total > room and (total <= body or room < lead + sum(heights[:4]))):
        canvas.add_page()
    for line in title_lines:
        x = geo.left + (geo.width - text_width(line, TITLE_SIZE)) / 2
        canvas.line_text(x, canvas.cursor, line, TITLE_SIZE)
        canvas.record(
            (x, canvas.cursor, x + text_width(line, TITLE_SIZE), canvas.cursor + TITLE_SIZE * LINE_FACTOR),
            line,
            ("card_title", c),
        )
        canvas.cursor += TITLE_SIZE * LINE_FACTOR
    unit = "单位：万元"
    canvas.line_text(geo.left + geo.width - text_width(unit, 9.0), canvas.cursor + 2, unit, 9.0)
    canvas.cursor += 9 * LINE_FACTOR + 4
    _draw_rows(canvas, rows, heights, geo)
    canvas.cursor += 16.0


def _draw_rows(canvas: Canvas, rows: list[CardRow], heights: list[float], geo: CardGeometry) -> None:
    """Draw rows page by page; a page break inside the indicators repeats the indicator header."""
    header = indicator_header()
    header_h = row_heights([header], geo)[0]
    segment: list[int] = []
    tops: dict[int, float] = {}
    for i, row in enumerate(rows):
        if canvas.cursor + heights[i] > canvas.current.bottom and segment:
            _finish_segment(canvas, rows, segment, tops, heights, geo)
            canvas.add_page()
            segment, tops = [], {}
            if row.section == "indicator":
                _draw_plain_row(canvas, header, header_h, geo)
        tops[i] = canvas.cursor
        segment.append(i)
        canvas.cursor += heights[i]
    _finish_segment(canvas, rows, segment, tops, heights, geo)


def _draw_plain_row(canvas: Canvas, row: CardRow, height: float, geo: CardGeometry) -> None:
    _finish_segment(canvas, [row], [0], {0: canvas.cursor}, [height], geo)
    canvas.cursor += height


def _finish_segment(
    canvas: Canvas,
    rows: list[CardRow],
    segment: list[int],
    tops: dict[int, float],
    heights: list[float],
    geo: CardGeometry,
) -> None:
    """Draw the rows of one page: plain cells per row, merged cells once per run, ruled unless borderless."""
    if not segment:
        return
    for i in segment:
        for cell in rows[i].cells:
            if cell.merge is None:
                _draw_cell(canvas, cell, (tops[i], tops[i] + heights[i]), geo)
    for start, end, cell in merged_runs(rows, segment):
        _draw_cell(canvas, cell, (tops[start], tops[end - 1] + heights[end - 1]), geo)
    if not canvas.style.ruled:
        first, last = segment[0], segment[-1]
        canvas.frame((geo.x(0), tops[first], geo.x(1), tops[last] + heights[last]))


def _draw_cell(canvas: Canvas, cell: CardCell, span: tuple[float, float], geo: CardGeometry) -> None:
    rect = (geo.x(cell.x0), span[0], geo.x(cell.x1), span[1])
    if canvas.style.ruled:
        canvas.frame(rect)
    canvas.box_text(rect, geo.lines(cell), geo.size, align=cell.align, ref=cell.ref)
