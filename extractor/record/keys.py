"""How the contract names things inside a record: row keys, card numbers, the keys of a finding.

Shared by the checks (``validate``), the scoring (``evaluate``) and the store, so none of them needs
another's module for them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

#: Keys a finding dict may carry, in column order; ``rule_id`` is required, the rest may be absent.
FINDING_KEYS = (
    "rule_id", "severity", "table_kind", "row_key", "value_key", "expected", "actual", "difference",
    "page", "message",
)


def base_row_key(row: Mapping[str, Any]) -> str:
    """Return a row's key before de-duplication: its code, else ``side:name``, else its name."""
    code = row.get("code")
    if code:
        return str(code)
    name = row.get("name") or ""
    side = row.get("side")
    return f"{side}:{name}" if side else name


def row_keys(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Return the contract row key of every row of one table, the n-th repeat suffixed ``#n``."""
    seen: Counter[str] = Counter()
    keys = []
    for row in rows:
        base = base_row_key(row)
        seen[base] += 1
        keys.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return keys


def card_seq(position: int, card: Mapping[str, Any]) -> int:
    """Return a card's printed ``seq``, or its 1-based position when the record omits it."""
    seq = card.get("seq")
    return int(seq) if seq is not None else position + 1
