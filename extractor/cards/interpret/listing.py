"""Interpret step, listings: cards printed as rows of one listing (项目支出绩效目标表 / 一般性项目绩效目标表).

Some filings print no card per project but one table whose header row names the project, its
money, its goals and its indicators (``vocabulary.LISTING_COLUMNS``; the rows are found by
``read.parts.listing_rows``). Two arrangements occur:

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

from extractor.cards.interpret.fields import BUDGET_KEYS, card_record, indicator_record, printed_value
from extractor.cards.read.grid import joined
from extractor.cards.read.parts import ListingRow
from extractor.cards.vocabulary import LISTING_KEY_COLUMNS, PERIOD_VALUE_LABEL, YEAR_VALUE_LABEL
from extractor.ingest.text import Line
from extractor.record.numbers import parse_amount

_DASH = r"\s*[-－—─]\s*"
#: The head of one running-text item: "2、1－产出指标，12－质量指标，" (item number, coded level1/level2).
_ITEM_HEAD = re.compile(
    r"(?:^|(?<=[;；]))\s*\d{1,3}\s*[、.．]\s*\d{1,3}" + _DASH + r"(?P<level1>[^,，;；]+?)\s*[,，]\s*\d{1,4}"
    + _DASH + r"(?P<level2>[^,，;；]+?)\s*[,，]"
)
_PERIOD = re.compile(r"[;；]?\s*" + PERIOD_VALUE_LABEL + r"\s*[:：]?")  # a filing may leave out the colon
_YEAR = re.compile(r"[,，]?\s*" + YEAR_VALUE_LABEL + r"\s*[:：]?")


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

    def record(self, seq: int) -> dict[str, Any]:
        """Return the contract card (no code, fund use or spending plan is printed)."""
        provenance = {"method": "rules", "lines": [self.lines[0], self.lines[-1]], "page": self.page}
        return card_record(seq, self.name, self.goals, self.indicators, provenance, budget=self.budget)


def read_listing(rows: Sequence[ListingRow]) -> list[ListingCard]:
    """Return the projects of a listing's rows in printed order; a row that cannot be read costs that row
    only (the coverage check reports its project unread)."""
    cards: list[ListingCard] = []
    for columns, line in rows:
        try:
            _add_row(cards, columns, line)
        except Exception:
            continue
    return cards


def _cell(line: Line, columns: dict[str, int], key: str) -> str:
    """Return a cell's text with its wrapped lines joined (nothing between them)."""
    index = columns.get(key)
    return "" if index is None or index >= len(line.cells) else joined(line.cells[index])


def _add_row(cards: list[ListingCard], columns: dict[str, int], line: Line) -> None:
    name, goals = _cell(line, columns, "name"), _cell(line, columns, "goals")
    per_indicator = "indicator_text" not in columns
    indicators = _row_indicators(line, columns)
    if not name or not (goals or indicators):
        return  # a subtotal (per unit) or the 合计 row
    key = tuple(_cell(line, columns, k) for k in LISTING_KEY_COLUMNS)
    budget = {k: parse_amount(_cell(line, columns, k)) if k in columns else None for k in BUDGET_KEYS}
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
    value = printed_value(*(_cell(line, columns, key) for key in ("sign", "value", "unit")))
    if not level3 or not value:
        return []
    cells = {"level3": level3, "value": value}
    return [indicator_record(_cell(line, columns, "level1"), _cell(line, columns, "level2"), cells)]


def parse_indicator_text(text: str) -> list[dict[str, str | None]]:
    """Return the indicators of a running-text cell, in printed order; the year's value is the value,
    the implementation period's is kept as ``value_period``."""
    heads = list(_ITEM_HEAD.finditer(text))
    indicators = []
    for k, head in enumerate(heads):
        end = heads[k + 1].start() if k + 1 < len(heads) else len(text)
        level3, period, value = _item_body(text[head.end() : end])
        cells = {"level3": level3, "value": value}
        record = indicator_record(head.group("level1").strip(), head.group("level2").strip(), cells)
        indicators.append({**record, "value_period": period})
    return indicators


def _item_body(body: str) -> tuple[str | None, str | None, str | None]:
    """Split "<三级>；实施周期指标值：X，年度指标值：Y；" into (三级, X, Y)."""
    body = body.strip().rstrip(";；").strip()
    year = _YEAR.search(body)
    head, value = (body[: year.start()], body[year.end() :].strip()) if year else (body, None)
    period_at = _PERIOD.search(head)
    level3, period = (head[: period_at.start()], head[period_at.end() :].strip()) if period_at else (head, None)
    return level3.strip(" ;；,，") or None, period or None, value or None
