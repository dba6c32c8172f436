"""The rules extractor: a filing's regions → its disclosure record, deterministic and offline."""

from __future__ import annotations

from collections.abc import Sequence

from extractor.cards.reader import extract_performance_cards
from extractor.extract.base import ExtractionResult, NotADisclosureError
from extractor.extract.rules.document import extract_document
from extractor.extract.rules.narrative import extract_narrative
from extractor.extract.rules.tables import extract_table, merge_tables
from extractor.ingest.text import TextDocument
from extractor.record.build import build_record
from extractor.regions.model import Region


class RulesExtractor:
    """The default extractor: tables, narrative, cards and the document block read by rules."""

    name = "rules"

    def extract(self, doc: TextDocument, regions: Sequence[Region]) -> ExtractionResult:
        """Return the record of the filing's regions (no model usage)."""
        return ExtractionResult(extract_record(doc, regions))


def extract_record(doc: TextDocument, regions: Sequence[Region]) -> dict:
    """Return the disclosure record of a filing's regions; raise NotADisclosureError if it has neither
    tables nor cards (a filing may be all cards: one long 项目支出绩效目标表)."""
    tables = [extract_table(r, doc.layout) for r in regions if r.kind == "table"]
    if not tables and not any(r.kind == "card" for r in regions):
        raise NotADisclosureError(f"{doc.path}: no budget table found (not a budget disclosure?)")
    return build_record(
        document=extract_document(list(regions)),
        tables=merge_tables(tables),
        narrative=extract_narrative(_prose_text(regions)),
        performance_cards=extract_performance_cards(regions, doc.layout),
    )


def _prose_text(regions: Sequence[Region]) -> str:
    return "\n".join(line.text for r in regions if r.kind == "prose" for line in r.lines)
