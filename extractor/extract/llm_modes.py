"""The extractors that ask a model, over the same regions as the rules: ``llm`` (every table, card and
the narrative by the model) and ``hybrid`` (rules first; every table and card whose rules result is not
``verified`` goes to the model, and the better-checked result wins: fewer failed identities and
completeness errors against the same region, nothing left out). Both fill the same schemas and
face the same checks; the model is reached only through ``extract.llm``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from extractor.extract.base import ExtractionResult, LLMUsage, NotADisclosureError
from extractor.extract.rules.document import extract_document
from extractor.extract.rules.record import extract_record, prose_states_budget
from extractor.ingest.text import TextDocument
from extractor.record.build import build_record, part_record
from extractor.regions.model import Region
from extractor.validate.arithmetic import check_record
from extractor.validate.coverage import part_coverage_errors
from extractor.validate.verdicts import VERIFIED, verify_record

if TYPE_CHECKING:
    from extractor.extract.llm.client import ChatClient
    from extractor.extract.llm.extract import Cache, RegionOutcome


def table_regions(regions: Sequence[Region]) -> list[Region]:
    """Return the table regions that have a body (one per printed table)."""
    return [r for r in regions if r.kind == "table" and r.table_kind != "other"]


def card_regions(regions: Sequence[Region]) -> list[Region]:
    """Return each performance card's region (its title, and its body as lines)."""
    return [r for r in regions if r.kind == "card"]


def narrative_region(regions: Sequence[Region]) -> Region | None:
    """Return the prose lines that state amounts, as one region for the narrative figures."""
    lines = tuple(line for r in regions if r.kind == "prose" for line in r.lines
                  if "元" in line.text and any(ch.isdigit() for ch in line.text))
    return Region("prose", None, "情况说明", lines) if lines else None


def error_count(part: str, value: dict, document: dict) -> int:
    """Return the error-severity identity findings of one table or card checked on its own."""
    return sum(f["severity"] == "error" for f in check_record(part_record(part, value, document)))


@dataclass(frozen=True)
class LLMExtractor:
    """Every table, card and the narrative by the model; the document block by the rules."""

    client: ChatClient
    cache: Cache | None = None
    concurrency: int = 2
    name: str = "llm"

    def extract(self, doc: TextDocument, regions: Sequence[Region]) -> ExtractionResult:
        """Ask the model for every region's part; a region without a valid answer is left out (and named)."""
        from extractor.extract.llm.extract import extract_regions

        tables, cards, prose = table_regions(regions), card_regions(regions), narrative_region(regions)
        if not tables and not cards and not prose_states_budget(regions):  # cards or prose only, as in the rules
            raise NotADisclosureError(f"{doc.path}: no budget table found (not a budget disclosure?)")
        asked = [*tables, *cards, *([prose] if prose else [])]
        outcomes = extract_regions(asked, self.client, self.cache, self.concurrency)
        usage = LLMUsage(regions_sent=len(asked))
        tables_out: list[dict] = []
        cards_out: list[dict] = []
        narrative: dict[str, Any] = {}
        for region, outcome in zip(asked, outcomes, strict=True):
            usage.calls.extend(outcome.calls)
            if outcome.part is None:
                usage.regions_failed.append(_label(region))
            elif region.kind == "table":
                tables_out.append(outcome.part)
            elif region.kind == "card":
                cards_out.append({**outcome.part, "seq": len(cards_out) + 1})
            else:
                narrative = outcome.part
        record = build_record(extract_document(list(regions)), tables_out, narrative, cards_out)
        return ExtractionResult(record, usage)


@dataclass(frozen=True)
class HybridExtractor:
    """The rules first; only the tables and cards whose rules result fails an identity go to the model."""

    client: ChatClient
    cache: Cache | None = None
    concurrency: int = 2
    name: str = "hybrid"

    def extract(self, doc: TextDocument, regions: Sequence[Region]) -> ExtractionResult:
        """Return the rules record with the parts that are not verified (a failed or unchecked identity, an
        amount left unplaced, a table unread) replaced where the model's answer checks better."""
        from extractor.extract.llm.extract import extract_regions

        rules = extract_record(doc, regions)
        findings, verdicts = verify_record(rules, regions)
        unsure = {t.get("kind") for t, v in zip(rules["tables"], verdicts.tables) if v.status != VERIFIED}
        unsure |= {f["table_kind"] for f in findings if f["rule_id"] == "coverage.table_unread"}
        tables = [r for r in table_regions(regions) if r.table_kind in unsure]
        cards = [(index, region) for index, region in _card_sources(rules, regions)
                 if verdicts.cards[index].status != VERIFIED]
        asked = [*tables, *(r for _, r in cards)]
        usage = LLMUsage(regions_sent=len(asked))
        if not asked:
            return ExtractionResult(rules, usage)
        outcomes = extract_regions(asked, self.client, self.cache, self.concurrency)
        record = {**rules, "tables": list(rules["tables"]), "performance_cards": list(rules["performance_cards"])}
        for region, outcome in zip(tables, outcomes[: len(tables)], strict=True):
            _maybe_replace_table(record, region, outcome, usage)
        for (index, region), outcome in zip(cards, outcomes[len(tables):], strict=True):
            _maybe_replace_card(record, index, region, outcome, usage)
        return ExtractionResult(record, usage)


def _card_sources(record: dict, regions: Sequence[Region]) -> list[tuple[int, Region]]:
    """Pair each rules card with the region it was read from (by its title's first line)."""
    by_line = {r.title_span[0]: r for r in card_regions(regions) if r.title_span is not None}
    pairs = []
    for index, card in enumerate(record["performance_cards"]):
        region = by_line.get(((card.get("provenance") or {}).get("lines") or [None])[0])
        if region is not None:
            pairs.append((index, region))
    return pairs


def _maybe_replace_table(record: dict, region: Region, outcome: RegionOutcome, usage: LLMUsage) -> None:
    usage.calls.extend(outcome.calls)
    index = next((i for i, t in enumerate(record["tables"]) if t["kind"] == region.table_kind), None)
    if outcome.part is None or index is None:
        usage.regions_failed.append(_label(region))
        return
    current = record["tables"][index]
    document = record["document"]
    unit = document.get("currency_unit")
    if _better(error_count("table", outcome.part, document) + part_coverage_errors("table", outcome.part, unit, region),
               cell_count(outcome.part),
               error_count("table", current, document) + part_coverage_errors("table", current, unit, region),
               cell_count(current)):
        record["tables"][index] = outcome.part
        usage.regions_replaced.append(_label(region))


def _maybe_replace_card(record: dict, index: int, region: Region, outcome: RegionOutcome, usage: LLMUsage) -> None:
    usage.calls.extend(outcome.calls)
    if outcome.part is None:
        usage.regions_failed.append(_label(region))
        return
    current = record["performance_cards"][index]
    candidate = {**outcome.part, "seq": current["seq"]}
    document = record["document"]
    unit = document.get("currency_unit")
    if _better(error_count("performance_card", candidate, document)
               + part_coverage_errors("card", candidate, unit, region), len(candidate.get("indicators") or []),
               error_count("performance_card", current, document)
               + part_coverage_errors("card", current, unit, region), len(current.get("indicators") or [])):
        record["performance_cards"][index] = candidate
        usage.regions_replaced.append(_label(region))


def cell_count(table: dict) -> int:
    """Return the number of values a table carries."""
    return sum(1 for row in table.get("rows") or [] for v in (row.get("values") or {}).values() if v)


def _better(errors: int, size: int, current_errors: int, current_size: int) -> bool:
    """The model's answer wins only with fewer failed identities and nothing left out (an answer that
    drops rows could otherwise dodge the very identities that sent the region to the model)."""
    return errors < current_errors and size >= current_size


def _label(region: Region) -> str:
    return region.table_kind or f"{region.kind}:{region.title[:30]}"
