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
        indicators = [complete_levels(i) for i in read_indicators(table, doc.layout) if _is_indicator(i)]
        if header.found or header.goals or indicators:
            cards.append(_card(len(cards) + 1, region, header, indicators))
    return cards


#: The standard indicator system: which level1 each level2 belongs to (used only when a filing's
#: layout hid the printed level1, e.g. a merged cell whose text the page split elsewhere).
LEVEL1_OF: dict[str, str] = {
    "数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标", "成本指标": "产出指标",
    "经济效益指标": "效益指标", "社会效益指标": "效益指标", "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标", "服务对象满意度指标": "满意度指标",
}


def _is_indicator(row: dict[str, str | None]) -> bool:
    """A row without a level3 name or a value is no indicator (a footer, a page header)."""
    return bool(row.get("level3")) and bool(row.get("value"))


def complete_levels(row: dict[str, str | None]) -> dict[str, str | None]:
    """Fill a missing level1 from the standard system and a missing level2 from level3's cell row."""
    level2 = row.get("level2") or ""
    if not row.get("level1") and level2 in LEVEL1_OF:
        row = {**row, "level1": LEVEL1_OF[level2]}
    return row


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
