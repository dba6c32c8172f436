"""Extract the performance-target cards (绩效目标表) of a filing (contract: performance_cards).

Each card region (``cards.find``) is read by one of two rules, both driven by the printed words in
``card_vocabulary``: a listing (one table whose rows are projects or their indicators, ``card_listing``),
or header-block cards: the header block read by its printed labels (``card_header``), the indicator
table by its column headers or, in a plain PDF dump, by splitting each printed row into cells
(``card_indicators``, ``card_segment``). A card in a PDF is first turned into such rows (``card_pdf``):
grid rows as they are, a card printed without rules rebuilt from its cells' positions (``card_rebuild``).
Several projects printed under one title are split at each project-name row after an indicator table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from extractor.cards.find import card_title_name
from extractor.cards.interpret.header import (
    PLAN_SLOTS,
    CardHeader,
    header_part,
    is_indicator_header,
    read_header,
    starts_project,
)
from extractor.cards.interpret.indicators import read_indicators
from extractor.cards.interpret.listing import ListingCard, read_listing
from extractor.cards.read.pdf import CardParts, pdf_card_parts
from extractor.cards.vocabulary import NOT_PROJECT_CARD_TITLES
from extractor.ingest.text import Line
from extractor.regions.model import Region

_BUDGET_KEYS = ("total", "fiscal", "other")


def extract_performance_cards(regions: Sequence[Region], layout: str) -> list[dict[str, Any]]:
    """Return the contract's performance_cards list of a filing's card regions, in printed order, with
    provenance. A title with nothing of a card after it (no header block, goals or indicators) is not a card.
    """
    cards: list[dict[str, Any]] = []
    last_listing: ListingCard | None = None  # a listing's last project, which the next page may continue
    for region in (r for r in regions if r.kind == "card"):
        try:
            listing = read_listing(region.lines)
            if listing is None:
                last_listing = None
                if not any(word in region.title for word in NOT_PROJECT_CARD_TITLES):
                    found = (_header_block_card(region, body, layout) for body in project_bodies(region.lines))
                    cards.extend(_numbered(len(cards), [card for card in found if card is not None]))
                continue
        except Exception:  # a malformed card costs that card only: coverage reports its region unread
            last_listing = None
            continue
        for item in listing:
            if last_listing is not None and last_listing.continued_by(item):
                last_listing.extend(item)
                cards[-1] = _listing_card(len(cards), last_listing)
            else:
                cards.append(_listing_card(len(cards) + 1, item))
                last_listing = item
    return cards


def _numbered(before: int, cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Number the cards of one region after the ``before`` cards read so far."""
    return [{**card, "seq": before + k} for k, card in enumerate(cards, start=1)]


def _header_block_card(region: Region, body: tuple[Line, ...], layout: str) -> dict[str, Any] | None:
    """Return the card of one project's header block and indicator table, or None if it has neither."""
    parts = card_parts(body, layout)
    header = read_header(parts.header, positional=parts.header_layout == "cells",
                         centred=parts.header_layout == "centred")
    rows = read_indicators(parts.table, parts.table_layout)
    standard = parts.table_layout == "centred"
    levelled = parts.table_layout in ("plain", "centred")
    indicators = [row for row in (complete_levels(i, standard) for i in rows) if _is_indicator(row, levelled)]
    if indicators or (header.found and header.project_name) or header.goals:
        return _card(0, region, header, indicators)
    return None


def project_bodies(lines: tuple[Line, ...]) -> list[tuple[Line, ...]]:
    """Split a card region that prints several projects under one title: a project-name row after
    an indicator table starts the next project."""
    bodies: list[list[Line]] = [[]]
    seen_table = False
    for line in lines:
        if seen_table and starts_project(line):
            bodies.append([])
            seen_table = False
        bodies[-1].append(line)
        seen_table = seen_table or is_indicator_header(line)
    return [tuple(body) for body in bodies]


def card_parts(body: tuple[Line, ...], layout: str) -> CardParts:
    """Return a card's header lines and indicator table, and how to read each."""
    if layout == "pdf":
        return pdf_card_parts(body)
    header_lines, table = header_part(body)
    return CardParts(header_lines, table, "plain" if layout == "plain" else "cells", layout)


#: The standard indicator system: which level1 each level2 belongs to (used only when a filing's
#: layout hid the printed level1, e.g. a merged cell whose text the page split elsewhere).
LEVEL1_OF: dict[str, str] = {
    "数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标", "成本指标": "产出指标",
    "经济效益指标": "效益指标", "社会效益指标": "效益指标", "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标", "服务对象满意度指标": "满意度指标",
    "经济成本指标": "成本指标", "社会成本指标": "成本指标", "生态环境成本指标": "成本指标",
}


def _is_indicator(row: dict[str, str | None], levelled: bool = True) -> bool:
    """A row without a level3 name or a value is no indicator (a footer, a page header), nor is one of
    a table read from printed lines (``levelled``) whose level names could not be placed."""
    keys = ("level1", "level2", "level3", "value") if levelled else ("level3", "value")
    return all(row.get(key) for key in keys)


def complete_levels(row: dict[str, str | None], standard: bool = False) -> dict[str, str | None]:
    """Fill a missing level1 from the standard system (``standard``: set it from there whenever
    level2 is a standard name, where the printed level1 could not be placed)."""
    level2 = row.get("level2") or ""
    if (standard or not row.get("level1")) and level2 in LEVEL1_OF:
        row = {**row, "level1": LEVEL1_OF[level2]}
    return row


def _listing_card(seq: int, item: ListingCard) -> dict[str, Any]:
    """Return the contract card of one project of a listing (see ``card_listing``)."""
    provenance = {"method": "rules", "lines": [item.lines[0], item.lines[-1]], "page": item.page}
    return {"seq": seq, **item.record(), "provenance": provenance}


def _card(
    seq: int, region: Region, header: CardHeader, indicators: list[dict[str, str | None]]
) -> dict[str, Any]:
    card: dict[str, Any] = {
        "seq": seq,
        "project_name": (header.project_name if header.found else None) or card_title_name(region.title),
        "project_code": None,
        "budget": None,
        "fund_use": None,
        "spending_plan": None,
        "goals": header.goals,
        "indicators": indicators,
        "provenance": card_provenance(region),
    }
    if header.found:
        card.update(
            project_code=header.project_code,
            budget={key: header.budget.get(key) for key in _BUDGET_KEYS},
            fund_use=header.fund_use,
            spending_plan=header.spending_plan or [None] * PLAN_SLOTS,
        )
    return card


def card_provenance(region: Region) -> dict[str, Any]:
    """Return where a card region was printed: its title's first line to its last line, its title's page."""
    first, last_title = region.title_span or region.line_span
    last = region.lines[-1].number if region.lines else last_title
    return {"method": "rules", "lines": [first, last], "page": region.title_page}
