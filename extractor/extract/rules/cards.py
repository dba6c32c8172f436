"""Extract the performance-target cards (绩效目标表) of a text dump (contract: performance_cards).

Each card is found by its title (``card_regions``), its header block is read by its printed labels
(``card_header``) and its indicator table by column positions or, in a plain PDF dump, by splitting
each printed row into cells (``card_indicators``, ``card_segment``).
"""

from __future__ import annotations

from typing import Any

from extractor.extract.rules.card_header import PLAN_SLOTS, CardHeader, header_part, read_header
from extractor.extract.rules.card_indicators import read_indicators
from extractor.extract.rules.card_regions import CardRegion, card_title_name, find_card_regions
from extractor.ingest.text import TextDocument

_BUDGET_KEYS = ("total", "fiscal", "other")


def extract_performance_cards(doc: TextDocument) -> list[dict[str, Any]]:
    """Return the contract's performance_cards list of a dump, in printed order, with provenance.

    A title with nothing of a card after it (no header block, goals or indicators) is not a card.
    """
    cards: list[dict[str, Any]] = []
    for region in find_card_regions(doc):
        header_lines, table = header_part(region.body)
        header = read_header(header_lines, positional=doc.layout != "plain")
        indicators = read_indicators(table, doc.layout)
        if header.found or header.goals or indicators:
            cards.append(_card(len(cards) + 1, region, header, indicators))
    return cards


def _card(
    seq: int, region: CardRegion, header: CardHeader, indicators: list[dict[str, str | None]]
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
        "provenance": {"method": "rules", "lines": [region.first_line, region.last_line], "page": region.page},
    }
    if header.found:
        card.update(
            project_code=header.project_code,
            budget={key: header.budget.get(key) for key in _BUDGET_KEYS},
            fund_use=header.fund_use,
            spending_plan=header.spending_plan or [None] * PLAN_SLOTS,
        )
    return card
