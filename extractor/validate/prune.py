"""Leave out only what fails the schema: one row, one indicator, one narrative figure, one document field.

Pure functions over a record dict and its schema issues (``validate_record``). A row whose code or
amount the schema rejects is dropped, not its table; an indicator, not its card; a narrative figure,
not the narrative; a document field is set to null. Only an issue that is not inside one of those
(a table's kind, an empty table printed with rows, a card's budget …) leaves out its whole table or
card, and an issue outside every table, card, narrative and document field is not resolved here
(the caller rejects the record). Every part left out is a finding (``store.rows.FINDING_KEYS``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from extractor.record.kinds import DOCUMENT_KEYS
from extractor.validate.rules_common import Finding, Rule, Site, make_finding, row_page
from extractor.validate.schema import SchemaIssue

ROW_DROPPED = Rule(
    "schema.row_dropped", "error",
    "A table row the schema rejects (a malformed code, a text amount …) is left out; the rest of its table is kept.",
)
INDICATOR_DROPPED = Rule(
    "schema.indicator_dropped", "error",
    "A card's indicator row the schema rejects is left out; the rest of the card is kept.",
)
PART_DROPPED = Rule(
    "schema.part_dropped", "error",
    "A table or card whose schema issue is not inside one row or indicator (its kind, its header fields) "
    "is left out whole.",
)
NARRATIVE_DROPPED = Rule(
    "schema.narrative_dropped", "error", "A narrative figure the schema rejects is left out.",
)
FIELD_NULLED = Rule(
    "document.invalid_field", "warning",
    "A document field the schema rejects (e.g. a year outside 1990–2100) is set to null.",
)

#: The structural rules of this module, in the order they are applied.
RULES: tuple[Rule, ...] = (ROW_DROPPED, INDICATOR_DROPPED, PART_DROPPED, NARRATIVE_DROPPED, FIELD_NULLED)

_ROW = re.compile(r"^\$\.tables\[(\d+)\]\.rows\[(\d+)\]")
_INDICATOR = re.compile(r"^\$\.performance_cards\[(\d+)\]\.indicators\[(\d+)\]")
_PART = re.compile(r"^\$\.(tables|performance_cards)\[(\d+)\]")
_NARRATIVE = re.compile(r"^\$\.narrative\.(\w+)$")
_DOCUMENT = re.compile(r"^\$\.document\.(\w+)$")


@dataclass(frozen=True)
class Pruned:
    """A record with what fails its schema left out: the findings saying so, the parts left out, and the
    issues this module cannot resolve (anything outside tables, cards, narrative and document fields)."""

    record: dict
    findings: list[Finding] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    unresolved: list[SchemaIssue] = field(default_factory=list)


@dataclass
class _Plan:
    parts: dict[str, dict[int, list[SchemaIssue]]] = field(
        default_factory=lambda: {"tables": {}, "performance_cards": {}})
    rows: dict[tuple[int, int], list[SchemaIssue]] = field(default_factory=dict)
    indicators: dict[tuple[int, int], list[SchemaIssue]] = field(default_factory=dict)
    narrative: dict[str, list[SchemaIssue]] = field(default_factory=dict)
    document: dict[str, list[SchemaIssue]] = field(default_factory=dict)
    unresolved: list[SchemaIssue] = field(default_factory=list)


def prune_invalid(record: Mapping[str, Any], issues: Sequence[SchemaIssue]) -> Pruned:
    """Return ``record`` without the smallest parts ``issues`` point into, with one finding per part."""
    plan = _plan(record, issues)
    kept = dict(record)
    findings: list[Finding] = []
    dropped: list[str] = []
    tables, cards = _items(record, "tables"), _items(record, "performance_cards")
    kept["tables"] = [_prune_rows(i, t, plan, findings, dropped) for i, t in enumerate(tables)
                      if i not in plan.parts["tables"]]
    kept["performance_cards"] = [_prune_indicators(i, c, plan, findings, dropped) for i, c in enumerate(cards)
                                 if i not in plan.parts["performance_cards"]]
    for part, items in (("tables", tables), ("performance_cards", cards)):
        for index, part_issues in sorted(plan.parts[part].items()):
            findings.append(_part_finding(part, index, items[index], part_issues))
            dropped.append(f"{part}[{index}]")
    if plan.narrative:
        narrative = dict(record.get("narrative") or {})
        for key, key_issues in plan.narrative.items():
            findings.append(make_finding(NARRATIVE_DROPPED, Site(None, key, key, key), None, None,
                                         f"narrative {key} {narrative.get(key)!r} left out: {_reasons(key_issues)}"))
            narrative.pop(key, None)
            dropped.append(f"narrative.{key}")
        kept["narrative"] = narrative
    if plan.document:
        document = dict(record.get("document") or {})
        for key, key_issues in plan.document.items():
            findings.append(make_finding(FIELD_NULLED, Site(None, None, key, key), None, None,
                                         f"document.{key} {document.get(key)!r} set to null: {_reasons(key_issues)}"))
            document[key] = None
        kept["document"] = document
    return Pruned(kept, findings, dropped, plan.unresolved)


def _plan(record: Mapping[str, Any], issues: Sequence[SchemaIssue]) -> _Plan:
    """Assign each issue to the smallest part it lies in; a part-level issue overrides its rows'."""
    plan = _Plan()
    tables, cards = _items(record, "tables"), _items(record, "performance_cards")
    for issue in issues:
        if (found := _ROW.match(issue.path)) and _is_row(tables, int(found[1]), int(found[2])):
            plan.rows.setdefault((int(found[1]), int(found[2])), []).append(issue)
        elif (found := _INDICATOR.match(issue.path)) and _is_indicator(cards, int(found[1]), int(found[2])):
            plan.indicators.setdefault((int(found[1]), int(found[2])), []).append(issue)
        elif found := _PART.match(issue.path):
            plan.parts[found[1]].setdefault(int(found[2]), []).append(issue)
        elif (found := _NARRATIVE.match(issue.path)) and isinstance(record.get("narrative"), Mapping):
            plan.narrative.setdefault(found[1], []).append(issue)
        elif (found := _DOCUMENT.match(issue.path)) and found[1] in DOCUMENT_KEYS and _has_document(record):
            plan.document.setdefault(found[1], []).append(issue)
        else:
            plan.unresolved.append(issue)
    return plan


def _prune_rows(index: int, table: Any, plan: _Plan, findings: list[Finding], dropped: list[str]) -> Any:
    bad = sorted(j for (t, j) in plan.rows if t == index)
    if not bad:
        return table
    kind = table.get("kind") if isinstance(table.get("kind"), str) else None
    rows = table["rows"]
    for j in bad:
        row = rows[j] if isinstance(rows[j], Mapping) else {}
        key, label = _row_label(row)
        site = Site(kind, key, None, label, row_page(row))
        message = (f"table {index} ({kind or 'unknown kind'}) row {j} {label} left out: "
                   f"{_reasons(plan.rows[(index, j)], f'$.tables[{index}].rows[{j}]')}")
        findings.append(make_finding(ROW_DROPPED, site, None, None, message))
        dropped.append(f"tables[{index}].rows[{j}]")
    return {**table, "rows": [row for j, row in enumerate(rows) if j not in set(bad)]}


def _prune_indicators(index: int, card: Any, plan: _Plan, findings: list[Finding], dropped: list[str]) -> Any:
    bad = sorted(j for (c, j) in plan.indicators if c == index)
    if not bad:
        return card
    indicators = card["indicators"]
    name = card.get("project_name") or f"card {index + 1}"
    for j in bad:
        item = indicators[j] if isinstance(indicators[j], Mapping) else {}
        label = item.get("level3") or f"indicator {j}"
        site = Site("performance_cards", str(card.get("seq") or index + 1), None, str(label), row_page(card))
        message = (f"card {index + 1} {name} indicator {j} {label} left out: "
                   f"{_reasons(plan.indicators[(index, j)], f'$.performance_cards[{index}].indicators[{j}]')}")
        findings.append(make_finding(INDICATOR_DROPPED, site, None, None, message))
        dropped.append(f"performance_cards[{index}].indicators[{j}]")
    return {**card, "indicators": [item for j, item in enumerate(indicators) if j not in set(bad)]}


def _part_finding(part: str, index: int, item: Any, issues: list[SchemaIssue]) -> Finding:
    item = item if isinstance(item, Mapping) else {}
    if part == "tables":
        kind = item.get("kind") if isinstance(item.get("kind"), str) else None
        label = f"table {index} {item.get('title') or kind or ''}".strip()
        site = Site(kind, None, None, label)
    else:
        label = f"card {index + 1} {item.get('project_name') or ''}".strip()
        site = Site("performance_cards", str(item.get("seq") or index + 1), None, label, row_page(item))
    return make_finding(PART_DROPPED, site, None, None,
                        f"{label} left out whole: {_reasons(issues, f'$.{part}[{index}]')}")


def _row_label(row: Mapping[str, Any]) -> tuple[str | None, str]:
    """Return a row's key (code, else side:name, else name) and a label naming it for a message."""
    code, name, side = row.get("code"), row.get("name"), row.get("side")
    key = str(code) if code else (f"{side}:{name}" if side and name else (str(name) if name else None))
    label = " ".join(str(part) for part in (code, name) if part) or "(unnamed)"
    return key, label


def _reasons(issues: Sequence[SchemaIssue], prefix: str = "") -> str:
    """Return the issues as one line: each path relative to ``prefix`` with its message."""
    shown = []
    for issue in issues[:3]:
        where = issue.path[len(prefix):].lstrip(".") if prefix and issue.path.startswith(prefix) else ""
        shown.append(f"{where}: {issue.message}" if where else issue.message)
    more = f" (+{len(issues) - 3} more)" if len(issues) > 3 else ""
    return "; ".join(shown) + more


def _items(record: Mapping[str, Any], part: str) -> list[Any]:
    items = record.get(part)
    return items if isinstance(items, list) else []


def _is_row(tables: list[Any], t: int, j: int) -> bool:
    table = tables[t] if t < len(tables) else None
    rows = table.get("rows") if isinstance(table, Mapping) else None
    return isinstance(rows, list) and j < len(rows)


def _is_indicator(cards: list[Any], c: int, j: int) -> bool:
    card = cards[c] if c < len(cards) else None
    indicators = card.get("indicators") if isinstance(card, Mapping) else None
    return isinstance(indicators, list) and j < len(indicators)


def _has_document(record: Mapping[str, Any]) -> bool:
    return isinstance(record.get("document"), Mapping)


def summarize_dropped(dropped: Sequence[str]) -> str:
    """Return the parts left out as a short phrase: ``tables[3] (2 rows), performance_cards[1]``."""
    counts: dict[str, list[str]] = {}
    for part in dropped:
        found = re.match(r"^(\w+\[\d+\]|narrative)", part)
        counts.setdefault(found[1] if found else part, []).append(part)
    phrases = []
    for head, parts in counts.items():
        inner = [p for p in parts if p != head]
        if len(inner) < len(parts) or not inner:
            phrases.append(head)
        else:
            what = "rows" if ".rows[" in inner[0] else ("indicators" if ".indicators[" in inner[0] else "keys")
            phrases.append(f"{head} ({len(inner)} {what if len(inner) > 1 else what[:-1]})")
    return ", ".join(phrases)
