"""Judge a model's answer for one region: parse it, shape it, and check it before anything is accepted.

An answer passes only when it parses as one JSON object, validates against the record part's schema,
lists rows for a table it does not call empty (``llm.rows_missing``), prints no number the region does not
print (``llm.number_not_in_source``), and (tables and cards) breaks no error-severity accounting identity.
Provenance is added here, never taken from the model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from extractor.extract.llm.source import (
    number_key,
    printed_numbers,
    region_provenance,
    row_provenances,
    table_provenance,
)
from extractor.extract.llm.targets import Target
from extractor.record.build import part_record
from extractor.record.normalize import normalize_name
from extractor.regions.model import Region
from extractor.validate.arithmetic import check_record
from extractor.validate.schema import validate_part

NOT_IN_SOURCE = "llm.number_not_in_source"
MALFORMED = "llm.malformed_json"
ROWS_MISSING = "llm.rows_missing"

_FENCE = re.compile(r"```[A-Za-z]*")
_MAX_ISSUES = 12
_PLACEHOLDER_DOCUMENT = {"agency_code": None, "agency_name": "region", "fiscal_year": 2000,
                         "budget_level": None, "currency_unit": "万元"}


@dataclass(frozen=True)
class Verdict:
    """The answer as a record part (None when it does not parse) and every reason to reject it."""

    part: dict[str, Any] | None
    issues: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.part is not None and not self.issues


def judge(answer: str, target: Target, region: Region) -> Verdict:
    """Return the shaped part of an answer and its issues (none means accept)."""
    parsed = parse_json_object(answer)
    if isinstance(parsed, str):
        return Verdict(None, (f"{MALFORMED}: {parsed}",))
    part = shape(parsed, target, region)
    issues = [f"schema: {issue.path}: {issue.message}" for issue in validate_part(target.part, part)]
    if not issues:
        issues = [*rows_missing(part, target), *numbers_not_in_source(part, target, region),
                  *identity_issues(part, target)]
    return Verdict(part, tuple(_capped(issues)))


def parse_json_object(text: str) -> dict[str, Any] | str:
    """Return the first JSON object in a reply (code fences stripped), or why there is none."""
    cleaned = _FENCE.sub("", text)
    start = cleaned.find("{")
    if start < 0:
        return "the answer holds no JSON object"
    try:
        value, _ = json.JSONDecoder().raw_decode(cleaned, start)
    except json.JSONDecodeError as exc:
        return f"the answer is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
    return value


def shape(parsed: dict[str, Any], target: Target, region: Region) -> dict[str, Any]:
    """Return the part with what the extractor knows set: kind, title, normalised names, provenance."""
    part = dict(parsed)
    if target.part == "table":
        part["kind"] = target.table_kind
        part.setdefault("title", region.title)
        rows = part.get("rows")
        if isinstance(rows, list) and all(isinstance(row, Mapping) for row in rows):
            part["rows"] = _shaped_rows(rows, region)
        part["provenance"] = table_provenance(region)
    elif target.part == "performance_card":
        part.setdefault("seq", 1)
        part["provenance"] = region_provenance(region)
    return part


def _shaped_rows(rows: list[Mapping[str, Any]], region: Region) -> list[dict[str, Any]]:
    shaped = []
    for row, provenance in zip(rows, row_provenances(rows, region)):
        entry = dict(row)
        if isinstance(entry.get("name"), str):
            entry["name"] = normalize_name(entry["name"])
        entry["provenance"] = provenance
        shaped.append(entry)
    return shaped


def rows_missing(part: Mapping[str, Any], target: Target) -> list[str]:
    """Return an issue when a table answer says the table is not empty but lists no row (a model held to
    the schema by a grammar can close the rows at once; such an answer would drop the table's data)."""
    if target.part != "table" or part.get("empty") is True or part.get("rows"):
        return []
    return [f"{ROWS_MISSING}: the table is not empty (\"empty\": false) but the answer lists no row; "
            "give every printed row"]


def numbers_not_in_source(part: Mapping[str, Any], target: Target, region: Region) -> list[str]:
    """Return an issue for every non-zero number of the answer the region text does not print."""
    printed = printed_numbers(region.lines)
    return [
        f"{NOT_IN_SOURCE}: {path} = {value:g} does not appear in the filing text"
        for path, value in answered_numbers(part, target.part)
        if value != 0 and number_key(value) not in printed
    ]


def answered_numbers(part: Mapping[str, Any], kind: str) -> Iterator[tuple[str, float]]:
    """Yield (JSON path, value) of every amount the answer states."""
    if kind == "table":
        for i, row in enumerate(part.get("rows") or []):
            yield from _numbers(f"$.rows[{i}].values", row.get("values"))
    elif kind == "performance_card":
        yield from _numbers("$.budget", part.get("budget"))
        plan = part.get("spending_plan")
        yield from _numbers("$.spending_plan", dict(enumerate(plan)) if isinstance(plan, list) else None)
    else:
        yield from _numbers("$", part)


def _numbers(path: str, values: Any) -> Iterator[tuple[str, float]]:
    if not isinstance(values, Mapping):
        return
    for key, value in values.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            yield (f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}"), float(value)


def identity_issues(part: Mapping[str, Any], target: Target) -> list[str]:
    """Return the error-severity accounting identities a table or card breaks, checked on its own."""
    if target.part not in ("table", "performance_card"):
        return []
    record = part_record(target.part, dict(part), _PLACEHOLDER_DOCUMENT)
    return [f"{finding['rule_id']}: {finding['message']}" for finding in check_record(record)
            if finding["severity"] == "error"]


def _capped(issues: list[str]) -> list[str]:
    """Keep the repair prompt short: the first issues and a count of the rest."""
    if len(issues) <= _MAX_ISSUES:
        return issues
    return [*issues[:_MAX_ISSUES], f"... and {len(issues) - _MAX_ISSUES} more issue(s) of the same kinds"]
