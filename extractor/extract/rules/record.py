"""Assemble the disclosure record of a text dump from its regions (the rules extractor)."""

from __future__ import annotations

from extractor.extract.rules.cards import extract_performance_cards
from extractor.extract.rules.document import extract_document
from extractor.extract.rules.narrative import extract_narrative
from extractor.extract.rules.tables import extract_table
from extractor.ingest.text import TextDocument
from extractor.record.kinds import SCHEMA_VERSION
from extractor.regions.model import Region
from extractor.regions.split import split_regions


class NotADisclosureError(ValueError):
    """The input reads fine but holds no budget disclosure tables."""


def extract_record(doc: TextDocument) -> dict:
    """Return the disclosure record of a text dump; raise NotADisclosureError if it has no tables."""
    regions = split_regions(doc)
    tables = [extract_table(r, doc.layout != "plain") for r in regions if r.kind == "table"]
    if not tables:
        raise NotADisclosureError(f"{doc.path}: no budget table found (not a budget disclosure?)")
    return {
        "schema_version": SCHEMA_VERSION,
        "document": extract_document(regions),
        "tables": _merge_same_kind(tables),
        "narrative": extract_narrative(_prose_text(regions)),
        "performance_cards": extract_performance_cards(doc),
    }


def _prose_text(regions: list[Region]) -> str:
    return "\n".join(line.text for r in regions if r.kind == "prose" for line in r.lines)


def _merge_same_kind(tables: list[dict]) -> list[dict]:
    """Keep one entry per kind: a table title repeated later (e.g. after a page break) continues it."""
    merged: dict[str, dict] = {}
    out = []
    for table in tables:
        kind = table["kind"]
        if kind in merged and kind != "other" and merged[kind]["empty"] is False and table["rows"]:
            merged[kind]["rows"].extend(table["rows"])
            continue
        if kind in merged and kind != "other" and not table["rows"]:
            continue
        merged[kind] = table
        out.append(table)
    return out
