"""A (corrected) record as a contract-format gold record: what ``yusuan eval --gold`` reads (pure + one write).

The gold records in ``../shared/gold`` are records in the contract's format without the converter's own keys;
so the gold written here drops ``provenance`` and ``verdict`` wherever they stand (the contract allows them in
predictions; the scorer ignores them) and keeps everything else as the corrected record holds it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from extractor.review.model import InvalidCorrection
from extractor.validate.schema import validate_record

#: Keys the converter adds to a record that are not part of a gold record.
NON_CONTRACT_KEYS = frozenset({"provenance", "verdict"})


def gold_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """Return the record without the converter's keys (provenance, verdicts), as a new dict."""
    stripped = _strip(record)
    assert isinstance(stripped, dict)
    return stripped


def _strip(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {k: _strip(v) for k, v in node.items() if k not in NON_CONTRACT_KEYS}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def write_gold(record: Mapping[str, Any], target: Path) -> Path:
    """Write ``gold_record(record)`` as pretty-printed JSON to ``target`` (parents made); the gold must pass the
    record schema (else InvalidCorrection and nothing is written)."""
    gold = gold_record(record)
    issues = validate_record(gold)
    if issues:
        raise InvalidCorrection(f"the corrected record fails its schema: {issues[0].path}: {issues[0].message}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".tmp")
    partial.write_text(json.dumps(gold, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    partial.replace(target)
    return target
