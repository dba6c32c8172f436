"""The rules extractor: a filing's regions → its disclosure record, deterministic and offline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from extractor.cards.reader import extract_performance_cards
from extractor.extract.base import ExtractionResult, NotADisclosureError
from extractor.extract.rules.document import extract_document
from extractor.extract.rules.grid_body import is_page_mark
from extractor.extract.rules.narrative import extract_narrative
from extractor.extract.rules.tables import extract_table, merge_tables
from extractor.ingest.text import TextDocument
from extractor.record.build import build_record
from extractor.regions.model import Region

#: Narrative figures that make a prose a budget's 情况说明: a filing printing them is a disclosure without tables.
_BUDGET_TOTALS = ("income_total", "expenditure_total")


class RulesExtractor:
    """The default extractor: tables, narrative, cards and the document block read by rules."""

    name = "rules"

    def extract(self, doc: TextDocument, regions: Sequence[Region]) -> ExtractionResult:
        """Return the record of the filing's regions (no model usage)."""
        return ExtractionResult(extract_record(doc, regions))


def extract_record(doc: TextDocument, regions: Sequence[Region]) -> dict:
    """Return the disclosure record of a filing's regions; raise NotADisclosureError if it has no table, no
    card and no budget total in its prose (a filing may be all cards: one long 项目支出绩效目标表; or the
    情况说明 alone, its tables a separate attachment)."""
    tables = [extract_table(r, doc.layout) for r in regions if r.kind == "table"]
    narrative = extract_narrative(_prose_text(regions))
    if not tables and not any(r.kind == "card" for r in regions) and not states_budget(narrative):
        raise NotADisclosureError(f"{doc.path}: no budget table found (not a budget disclosure?)")
    return build_record(
        document=extract_document(list(regions)),
        tables=merge_tables(tables),
        narrative=narrative,
        performance_cards=extract_performance_cards(regions, doc.layout),
    )


def states_budget(narrative: Mapping[str, float]) -> bool:
    """True when the prose states the budget's income or expenditure total (a 情况说明)."""
    return any(key in narrative for key in _BUDGET_TOTALS)


def prose_states_budget(regions: Sequence[Region]) -> bool:
    """True when the filing's prose states the budget's income or expenditure total."""
    return states_budget(extract_narrative(_prose_text(regions)))


def _prose_text(regions: Sequence[Region]) -> str:
    """The prose's lines, without the page numbers printed between them (a figure broken by a page break,
    "支出222.5" | "27" | "万元", is not read as 222.527)."""
    return "\n".join(line.text for r in regions if r.kind == "prose" for line in r.lines
                     if not is_page_mark(line.text))
