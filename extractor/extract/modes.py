"""Extractor modes over the same regions: rules (default), llm (every region by the model) and
hybrid (rules first; only regions whose rules result fails the checks go to the model, and the
better-checked result wins). All three fill the same schemas and face the same checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from extractor.extract.rules.card_regions import find_card_regions
from extractor.extract.rules.document import extract_document
from extractor.extract.rules.record import NotADisclosureError
from extractor.ingest.text import TextDocument
from extractor.record.kinds import SCHEMA_VERSION
from extractor.regions.model import Region
from extractor.regions.split import split_regions
from extractor.validate.arithmetic import check_record

EXTRACTORS = ("rules", "llm", "hybrid")


@dataclass
class LLMUsage:
    """What the model was asked in one conversion: regions sent, outcomes and the ledger of calls."""

    regions_sent: int = 0
    regions_failed: list[str] = field(default_factory=list)
    regions_replaced: list[str] = field(default_factory=list)
    calls: list[Any] = field(default_factory=list)


def table_regions(doc: TextDocument) -> list[Region]:
    """Return the table regions that have a body (one per printed table)."""
    return [r for r in split_regions(doc) if r.kind == "table" and r.table_kind != "other"]


def card_regions(doc: TextDocument) -> list[Region]:
    """Return each performance card as a region (title line and body)."""
    return [Region("card", None, c.title, c.body) for c in find_card_regions(doc)]


def narrative_region(doc: TextDocument) -> Region | None:
    """Return the prose lines that state amounts, as one region for the narrative figures."""
    lines = tuple(line for r in split_regions(doc) if r.kind == "prose" for line in r.lines
                  if "元" in line.text and any(ch.isdigit() for ch in line.text))
    return Region("prose", None, "情况说明", lines) if lines else None


def error_count(part_kind: str, part: dict, document: dict) -> int:
    """Return the error-severity identity findings of one table or card checked on its own."""
    record = {"schema_version": SCHEMA_VERSION, "document": document, "tables": [], "narrative": {},
              "performance_cards": []}
    if part_kind == "table":
        record["tables"] = [part]
    else:
        record["performance_cards"] = [part]
    return sum(f["severity"] == "error" for f in check_record(record))


def llm_record(doc: TextDocument, client: Any, cache: Any, concurrency: int) -> tuple[dict, LLMUsage]:
    """Every table, card and the narrative by the model; the document block by the rules."""
    from extractor.extract.llm.extract import extract_regions

    tables, cards, prose = table_regions(doc), card_regions(doc), narrative_region(doc)
    if not tables:
        raise NotADisclosureError(f"{doc.path}: no budget table found (not a budget disclosure?)")
    regions = [*tables, *cards, *([prose] if prose else [])]
    outcomes = extract_regions(regions, client, cache, concurrency)
    usage = LLMUsage(regions_sent=len(regions))
    tables_out: list[dict] = []
    cards_out: list[dict] = []
    record: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "document": extract_document(split_regions(doc)),
                              "tables": tables_out, "narrative": {}, "performance_cards": cards_out}
    for region, outcome in zip(regions, outcomes):
        usage.calls.extend(outcome.calls)
        if outcome.part is None:
            usage.regions_failed.append(_label(region))
        elif region.kind == "table":
            tables_out.append(outcome.part)
        elif region.kind == "card":
            cards_out.append({**outcome.part, "seq": len(cards_out) + 1})
        else:
            record["narrative"] = outcome.part
    return record, usage


def hybrid_record(doc: TextDocument, rules: dict, client: Any, cache: Any, concurrency: int) -> tuple[dict, LLMUsage]:
    """Send only the tables and cards whose rules result fails an identity; keep the better one."""
    from extractor.extract.llm.extract import extract_regions

    document = rules["document"]
    failing_tables = {f["table_kind"] for f in check_record(rules) if f["severity"] == "error"}
    tables = [r for r in table_regions(doc) if r.table_kind in failing_tables]
    cards = [(i, r) for i, (r, card) in enumerate(zip(card_regions(doc), rules["performance_cards"]))
             if error_count("card", card, document)]
    regions = [*tables, *(r for _, r in cards)]
    usage = LLMUsage(regions_sent=len(regions))
    if not regions:
        return rules, usage
    outcomes = extract_regions(regions, client, cache, concurrency)
    record = {**rules, "tables": list(rules["tables"]), "performance_cards": list(rules["performance_cards"])}
    for region, outcome in zip(tables, outcomes[: len(tables)]):
        _maybe_replace_table(record, region, outcome, usage)
    for (index, region), outcome in zip(cards, outcomes[len(tables):]):
        _maybe_replace_card(record, index, region, outcome, usage)
    return record, usage


def _maybe_replace_table(record: dict, region: Region, outcome: Any, usage: LLMUsage) -> None:
    usage.calls.extend(outcome.calls)
    index = next((i for i, t in enumerate(record["tables"]) if t["kind"] == region.table_kind), None)
    if outcome.part is None or index is None:
        usage.regions_failed.append(_label(region))
        return
    current = record["tables"][index]
    if _better(error_count("table", outcome.part, record["document"]), cell_count(outcome.part),
               error_count("table", current, record["document"]), cell_count(current)):
        record["tables"][index] = outcome.part
        usage.regions_replaced.append(_label(region))


def _maybe_replace_card(record: dict, index: int, region: Region, outcome: Any, usage: LLMUsage) -> None:
    usage.calls.extend(outcome.calls)
    if outcome.part is None:
        usage.regions_failed.append(_label(region))
        return
    current = record["performance_cards"][index]
    candidate = {**outcome.part, "seq": current["seq"]}
    if _better(error_count("card", candidate, record["document"]), len(candidate.get("indicators") or []),
               error_count("card", current, record["document"]), len(current.get("indicators") or [])):
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
