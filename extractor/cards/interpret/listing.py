"""Read cards printed as rows of one listing (项目支出绩效目标表 / 一般性项目绩效目标表).

Some filings print no card per project but one table whose header row names the project, its
money, its goals and its indicators (``card_vocabulary.LISTING_COLUMNS``). Two arrangements occur:

- one row per project, the indicators as running text in one cell ("1、1－产出指标，11－数量指标，
  <三级>；实施周期指标值：X，年度指标值：Y；2、…"), with subtotal rows per unit and a 合计 row that
  have no goals or indicators and are not cards;
- one row per indicator (指标名称 | 指标性质 | 指标值 | 计量单位 columns), the project's cells merged
  down its rows, so consecutive rows with the same 序号 and name are one card.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from extractor.cards.vocabulary import (
    LISTING_COLUMNS,
    LISTING_INDICATOR_KEYS,
    LISTING_KEY_COLUMNS,
    PERIOD_VALUE_LABEL,
    SIGN_CHARACTERS,
    YEAR_VALUE_LABEL,
)
from extractor.ingest.text import Line
from extractor.record.normalize import normalize_text
from extractor.record.numbers import parse_amount

_DASH = r"\s*[-－—─]\s*"
#: The head of one running-text item: "2、1－产出指标，12－质量指标，" (item number, coded level1/level2).
_ITEM_HEAD = re.compile(
    r"(?:^|(?<=[;；]))\s*\d{1,3}\s*[、.．]\s*\d{1,3}" + _DASH + r"(?P<level1>[^,，;；]+?)\s*[,，]\s*\d{1,4}"
    + _DASH + r"(?P<level2>[^,，;；]+?)\s*[,，]"
)
_PERIOD = re.compile(r"[;；]?\s*" + PERIOD_VALUE_LABEL + r"\s*[:：]?")  # a filing may leave out the colon
_YEAR = re.compile(r"[,，]?\s*" + YEAR_VALUE_LABEL + r"\s*[:：]?")
_BUDGET_KEYS = ("total", "fiscal", "other")


@dataclass
class ListingCard:
    """One project of a listing: its fields and indicators, and where it was printed."""

    key: tuple[str, ...]
    name: str
    budget: dict[str, float | None]
    goals: list[str]
    page: int
    lines: list[int]
    indicators: list[dict[str, str | None]] = field(default_factory=list)
    per_indicator: bool = False  # one row per indicator (the project's cells merged down its rows)

    def continued_by(self, other: ListingCard) -> bool:
        """Return True when ``other`` is the rest of this project (its rows went on on the next page)."""
        return self.per_indicator and other.per_indicator and other.key == self.key

    def extend(self, other: ListingCard) -> None:
        """Take the indicators and lines of the rest of this project."""
        self.indicators.extend(other.indicators)
        self.lines.extend(other.lines)

    def record(self) -> dict[str, Any]:
        """Return the card's contract fields (no code, fund use or spending plan is printed)."""
        return {"project_name": self.name, "project_code": None, "budget": self.budget, "fund_use": None,
                "spending_plan": None, "goals": self.goals, "indicators": self.indicators}


def listing_columns(line: Line) -> dict[str, int] | None:
    """Return the column of each field when ``line`` is a listing's header row, else None."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(line.cells):
        folded = normalize_text(cell).rstrip(":：")
        key = next((k for k, labels in LISTING_COLUMNS if any(folded.startswith(w) for w in labels)), None)
        if key is not None and key not in columns:
            columns[key] = index
    has_indicators = any(key in columns for key in LISTING_INDICATOR_KEYS)
    return columns if "name" in columns and has_indicators else None


def read_listing(lines: Sequence[Line]) -> list[ListingCard] | None:
    """Return the projects of a listing in printed order, or None when ``lines`` hold no listing."""
    columns: dict[str, int] | None = None
    width = 0
    cards: list[ListingCard] = []
    for line in lines:
        header = listing_columns(line)
        if header is not None:
            columns, width = header, len(line.cells)
            continue
        if columns is None or len(line.cells) != width:
            continue
        _add_row(cards, columns, line)
    return None if columns is None else cards


def _cell(line: Line, columns: dict[str, int], key: str) -> str:
    """Return a cell's text with its wrapped lines joined (nothing between them)."""
    index = columns.get(key)
    if index is None or index >= len(line.cells):
        return ""
    return "".join(piece.strip() for piece in line.cells[index].split("\n")).strip()


def _add_row(cards: list[ListingCard], columns: dict[str, int], line: Line) -> None:
    name, goals = _cell(line, columns, "name"), _cell(line, columns, "goals")
    per_indicator = "indicator_text" not in columns
    indicators = _row_indicators(line, columns)
    if not name or not (goals or indicators):
        return  # a subtotal (per unit) or the 合计 row
    key = tuple(_cell(line, columns, k) for k in LISTING_KEY_COLUMNS)
    budget = {k: parse_amount(_cell(line, columns, k)) if k in columns else None for k in _BUDGET_KEYS}
    card = ListingCard(key, name, budget, [goals] if goals else [], line.page, [line.number], indicators,
                       per_indicator)
    if cards and cards[-1].continued_by(card):
        cards[-1].extend(card)
    else:
        cards.append(card)


def _row_indicators(line: Line, columns: dict[str, int]) -> list[dict[str, str | None]]:
    if "indicator_text" in columns:
        return parse_indicator_text(_cell(line, columns, "indicator_text"))
    level3 = _cell(line, columns, "level3")
    sign = _cell(line, columns, "sign")
    sign = sign if sign and all(c in SIGN_CHARACTERS for c in sign) else ""
    value = sign + _cell(line, columns, "value") + _cell(line, columns, "unit")
    if not level3 or not value:
        return []
    return [{"level1": _cell(line, columns, "level1") or None, "level2": _cell(line, columns, "level2") or None,
             "level3": level3, "description": None, "value": value, "basis": None}]


def parse_indicator_text(text: str) -> list[dict[str, str | None]]:
    """Return the indicators of a running-text cell, in printed order; the year's value is the value,
    the implementation period's is kept as ``value_period``."""
    heads = list(_ITEM_HEAD.finditer(text))
    indicators = []
    for k, head in enumerate(heads):
        end = heads[k + 1].start() if k + 1 < len(heads) else len(text)
        level3, period, value = _item_body(text[head.end() : end])
        indicators.append({"level1": head.group("level1").strip(), "level2": head.group("level2").strip(),
                           "level3": level3, "description": None, "value": value, "basis": None,
                           "value_period": period})
    return indicators


def _item_body(body: str) -> tuple[str | None, str | None, str | None]:
    """Split "<三级>；实施周期指标值：X，年度指标值：Y；" into (三级, X, Y)."""
    body = body.strip().rstrip(";；").strip()
    year = _YEAR.search(body)
    head, value = (body[: year.start()], body[year.end() :].strip()) if year else (body, None)
    period_at = _PERIOD.search(head)
    level3, period = (head[: period_at.start()], head[period_at.end() :].strip()) if period_at else (head, None)
    return level3.strip(" ;；,，") or None, period or None, value or None
