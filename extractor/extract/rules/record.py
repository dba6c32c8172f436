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
    tables = [extract_table(r, doc.layout) for r in regions if r.kind == "table"]
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
    """Keep one entry per kind: a title repeated later continues the table, and a table printed
    with data replaces an empty mention of the same kind (e.g. a title quoted in the prose PDF)."""
    out: list[dict] = []
    for table in tables:
        earlier = next((t for t in out if t["kind"] == table["kind"] != "other"), None)
        if earlier is None:
            out.append(table)
        elif earlier["empty"] and table["rows"]:
            out[out.index(earlier)] = table
        elif table["rows"]:
            earlier["rows"].extend(table["rows"])
    return out
