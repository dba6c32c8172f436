"""Re-check a corrected record at once: identities, document fields and verdicts again; completeness kept (pure).

The identities (``validate.arithmetic.check_record``) and the document-field warnings run again on the corrected
record. The completeness findings (``coverage.*``) were made at conversion from the printed page text, which the
review does not read again, so they are kept — except those a correction answers:

- a finding on a row (or card, or indicator) a correction changed, added, deleted or marked: the reviewer has
  read that row against the page;
- ``coverage.unplaced_amount`` whose printed amount a corrected or added cell of that table now holds (a
  corrected cell is no longer unplaced);
- ``coverage.table_unread`` for a kind a reviewed table now has (its kind corrected, or rows added), and
  ``coverage.missing_total`` of a table a row was added to;
- every completeness finding of a table whose kind was corrected: they were made against the old kind's
  region. Such a table gets one ``review.kind_changed`` finding of severity ``unchecked`` instead (its printed
  amounts are not accounted for under the new kind), so it is ``unverified`` at best until converted again.
Schema findings (``schema.*``) are kept. A corrected value that is itself printed nowhere is not caught here (the
page text is not read again): the reviewer is trusted for the cells they touch.

"Printed this way": an error finding of the identities on a value the reviewer marked as the filing's own
(same table and row, or card, and value key when given) becomes a warning whose message starts with
``PRINTED_AS_IS_PREFIX``. Warnings do not fail a verdict, so a part whose only errors are marked is
``verified``: the record equals the print; the filing's own inconsistency stays listed as a warning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from extractor.record.keys import row_keys
from extractor.review.apply import Applied, Mark
from extractor.review.cells import table_rows, tables
from extractor.validate.arithmetic import check_record
from extractor.validate.coverage import UNCHECKED
from extractor.validate.rules_common import Finding
from extractor.validate.rules_document import check_document
from extractor.validate.verdicts import Verdicts, compute_verdicts, with_verdicts

PRINTED_AS_IS_PREFIX = "printed this way (reviewed): "
KIND_CHANGED = "review.kind_changed"
_KEPT_PREFIXES = ("schema.", "coverage.")
_CARDS = "performance_cards"
_EPSILON = 0.005


@dataclass(frozen=True)
class Rechecked:
    """The corrected record (with its new verdicts written in), all its findings, and the verdicts."""

    record: dict[str, Any]
    findings: list[Finding]
    verdicts: Verdicts


def recheck(result: Applied, base_findings: Sequence[Mapping[str, Any]]) -> Rechecked:
    """Return the findings and verdicts of the corrected record ``result.record`` (see the module docstring);
    ``base_findings`` are the findings stored at conversion."""
    corrected = result.record
    kept = [dict(f) for f in base_findings
            if str(f.get("rule_id", "")).startswith(_KEPT_PREFIXES) and not _answered(f, result)]
    fresh = [*check_document(corrected), *check_record(corrected)]
    findings = [*kept, *_kind_changed(result), *(_marked(f, result) for f in fresh)]
    verdicts = compute_verdicts(corrected, findings)
    return Rechecked(with_verdicts(corrected, verdicts), findings, verdicts)


def _extracted_kinds(result: Applied) -> list[str]:
    current = [str(t.get("kind")) for t in tables(result.record)]
    return [result.kind_changed.get(i, kind) for i, kind in enumerate(current)]


def _answered(finding: Mapping[str, Any], result: Applied) -> bool:
    """True when a correction answers this completeness finding (it is then left out)."""
    rule = str(finding.get("rule_id", ""))
    if not rule.startswith("coverage."):
        return False
    kind, row_key = finding.get("table_kind"), finding.get("row_key")
    if kind == _CARDS:
        return row_key is not None and str(row_key).split("/")[0] in {str(s) for s in result.card_changes}
    kinds = _extracted_kinds(result)
    if rule == "coverage.table_unread":
        return any(t.get("kind") == kind and (i in result.kind_changed or _has_added(result, i))
                   for i, t in enumerate(tables(result.record)))
    if kind not in kinds:
        return False
    index = kinds.index(kind)
    if index in result.kind_changed:
        return True
    if row_key is not None:
        return str(row_key) in result.touched_rows(index) | set(result.deleted.get(index, []))
    if rule == "coverage.unplaced_amount":
        return _holds(result, index, finding.get("actual"))
    if rule == "coverage.missing_total":
        return _has_added(result, index)
    return False


def _has_added(result: Applied, index: int) -> bool:
    return any(i == index and "row" in fields for (i, _), fields in result.changed.items())


def _holds(result: Applied, index: int, printed: Any) -> bool:
    """True when a corrected or added cell of table ``index`` holds the printed amount."""
    if not isinstance(printed, int | float):
        return False
    table = tables(result.record)[index]
    for key, row in zip(result.row_targets.get(index, []), table_rows(table)):
        fields = result.changed.get((index, key), [])
        values = row.get("values") or {}
        held = values.values() if "row" in fields else [values.get(f) for f in fields]
        if any(isinstance(v, int | float) and abs(v - printed) < _EPSILON for v in held):
            return True
    return False


def _kind_changed(result: Applied) -> list[Finding]:
    out = []
    for index, old in sorted(result.kind_changed.items()):
        table = tables(result.record)[index]
        message = (f"table {index} {table.get('title') or ''}: kind corrected from {old} to {table.get('kind')}; "
                   "its printed amounts are accounted for again only by converting it again")
        out.append({"rule_id": KIND_CHANGED, "severity": UNCHECKED, "table_kind": table.get("kind"),
                    "row_key": None, "value_key": None, "expected": None, "actual": None, "difference": None,
                    "page": None, "message": message})
    return out


def _marked(finding: Finding, result: Applied) -> Finding:
    """The finding as a warning when it is an error on a value the reviewer marked printed this way."""
    if finding.get("severity") != "error" or not any(_covers(m, finding, result) for m in result.marks):
        return finding
    return {**finding, "severity": "warning", "message": PRINTED_AS_IS_PREFIX + str(finding.get("message"))}


def _covers(mark: Mark, finding: Finding, result: Applied) -> bool:
    value_key = finding.get("value_key")
    if mark.value_key is not None and value_key is not None and mark.value_key != value_key \
            and not str(mark.value_key).startswith(f"{value_key}."):
        return False
    row_key = finding.get("row_key")
    if mark.part == "card":
        return finding.get("table_kind") == _CARDS and row_key is not None \
            and str(row_key).split("/")[0] == str(mark.index)
    table_list = tables(result.record)
    if mark.index is None or mark.index >= len(table_list):
        return False
    if finding.get("table_kind") != table_list[mark.index].get("kind"):
        return False
    targets = result.row_targets.get(mark.index, [])
    current = row_keys(table_rows(table_list[mark.index]))
    return mark.row_key in targets and current[targets.index(mark.row_key)] == row_key
