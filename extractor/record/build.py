"""The one place a disclosure record is assembled from its parts (contract: the record's top level)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from extractor.record.kinds import SCHEMA_VERSION


def build_record(
    document: Mapping[str, Any],
    tables: Sequence[dict[str, Any]] = (),
    narrative: Mapping[str, Any] | None = None,
    performance_cards: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """Return a disclosure record of the current schema version from its document block and parts."""
    return {
        "schema_version": SCHEMA_VERSION,
        "document": dict(document),
        "tables": list(tables),
        "narrative": dict(narrative or {}),
        "performance_cards": list(performance_cards),
    }


def part_record(part: str, value: dict[str, Any], document: Mapping[str, Any]) -> dict[str, Any]:
    """Return a record holding one part alone (``table``, ``performance_card`` or ``narrative``), so the
    part can be checked by itself."""
    if part == "table":
        return build_record(document, tables=[value])
    if part == "performance_card":
        return build_record(document, performance_cards=[value])
    if part == "narrative":
        return build_record(document, narrative=value)
    raise ValueError(f"unknown record part {part!r} (table, performance_card or narrative)")
