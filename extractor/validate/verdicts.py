"""A verdict per table, card and document: verified, unverified or failed, and why (pure).

- ``failed``: an error finding on the part. Its ``cause`` is ``extraction`` when a completeness finding
  (``coverage.*``) shows the record differs from the print, else ``filing``: every printed amount is
  placed, the anchors hold, and still an identity fails — the filing's own figures do not add up
  (reported as printed, never fixed).
- ``unverified``: nothing failed, but a check could not run (a finding of severity ``unchecked``: no
  printed region to account for it, no total row to anchor its sums; a table of kind ``other``).
- ``verified``: every check ran and holds, and nothing printed is left unplaced.
Warnings (rounding, unit-price rounding, card budgets against 项目支出) do not change a verdict.
The document's verdict is the worst of its tables of known kinds and its cards.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from extractor.validate.coverage import UNCHECKED
from extractor.validate.rules_common import Finding

VERIFIED, UNVERIFIED, FAILED = "verified", "unverified", "failed"
STATUSES = (VERIFIED, UNVERIFIED, FAILED)
_RANK = {VERIFIED: 0, UNVERIFIED: 1, FAILED: 2}
CARDS = "performance_cards"
_DOUBLE_MIN = 0.01
_DOUBLE_SLACK = 0.02


@dataclass(frozen=True)
class Verdict:
    """One part's verdict: status, cause of a failure (filing / extraction), and the reasons in words."""

    status: str
    cause: str | None = None
    reasons: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The verdict as stored in the record (``{"status", "cause", "reasons"}``)."""
        return {"status": self.status, "cause": self.cause, "reasons": list(self.reasons)}


@dataclass(frozen=True)
class Verdicts:
    """The verdicts of one record: per table (record order), per card (record order) and the document's."""

    document: Verdict
    tables: tuple[Verdict, ...]
    cards: tuple[Verdict, ...]

    def counts(self) -> dict[str, int]:
        """How many tables and cards have each status."""
        parts = [*self.tables, *self.cards]
        return {status: sum(1 for v in parts if v.status == status) for status in STATUSES}


def part_verdict(findings: Sequence[Finding], extra_unchecked: Sequence[str] = ()) -> Verdict:
    """Return the verdict of one part from the findings that concern it."""
    errors = [f for f in findings if f.get("severity") == "error"]
    unchecked = [f for f in findings if f.get("severity") == UNCHECKED]
    if errors:
        cause = "filing" if all(blames_filing(f) for f in errors) else "extraction"
        return Verdict(FAILED, cause, _reasons(errors))
    if unchecked or extra_unchecked:
        return Verdict(UNVERIFIED, None, (*_reasons(unchecked), *extra_unchecked))
    return Verdict(VERIFIED)


def blames_filing(finding: Finding) -> bool:
    """True for an error the filing's own figures make: an identity that fails on figures the record holds.
    A completeness finding is the extraction's; so is a prose figure whose table figure is missing (0): the
    table was not read, the prose is not at fault; and so is a table identity one side of which is twice the
    other (a row counted twice)."""
    rule = str(finding.get("rule_id", ""))
    if rule.startswith("coverage."):
        return False
    expected, actual = finding.get("expected"), finding.get("actual")
    if rule.startswith("prose."):
        return all(v not in (None, 0, 0.0) for v in (expected, actual))
    if rule.startswith(("card.", "procurement.")) or not isinstance(expected, int | float) \
            or not isinstance(actual, int | float):
        return True
    return not (_doubled(expected, actual) or _doubled(actual, expected))


def _doubled(big: float, small: float) -> bool:
    """One side of a table identity twice the other: a row or a total counted twice (a heading read as an item,
    a total read as a part), not a figure the filing got wrong."""
    return abs(small) >= _DOUBLE_MIN and abs(big - 2 * small) < _DOUBLE_SLACK


def _reasons(findings: Sequence[Finding], limit: int = 5) -> tuple[str, ...]:
    reasons = [f"{f.get('rule_id')}: {f.get('message')}" for f in findings[:limit]]
    if len(findings) > limit:
        reasons.append(f"… and {len(findings) - limit} more")
    return tuple(reasons)


def _card_seq(card: Mapping[str, Any], position: int) -> str:
    seq = card.get("seq")
    return str(seq if isinstance(seq, int) and not isinstance(seq, bool) else position + 1)


def compute_verdicts(record: Mapping[str, Any], findings: Sequence[Finding]) -> Verdicts:
    """Return the verdicts of a record from all its findings (identities and completeness together)."""
    tables = [t for t in record.get("tables") or [] if isinstance(t, Mapping)]
    cards = [c for c in record.get("performance_cards") or [] if isinstance(c, Mapping)]
    first_of: dict[str, int] = {}
    for index, table in enumerate(tables):
        first_of.setdefault(str(table.get("kind")), index)
    by_table: dict[int, list[Finding]] = {}
    by_card: dict[str, list[Finding]] = {}
    loose: list[Finding] = []
    for finding in findings:
        kind = finding.get("table_kind")
        if kind == CARDS and finding.get("row_key"):
            by_card.setdefault(str(finding["row_key"]).split("/")[0], []).append(finding)
        elif kind in first_of:
            by_table.setdefault(first_of[kind], []).append(finding)
        else:
            loose.append(finding)
    table_verdicts = []
    for index, table in enumerate(tables):
        other = ["kind other: no identity or completeness check applies"] if table.get("kind") == "other" else []
        table_verdicts.append(part_verdict(by_table.get(index, []), other))
    card_verdicts = tuple(part_verdict(by_card.get(_card_seq(c, i), [])) for i, c in enumerate(cards))
    scored = [v for t, v in zip(tables, table_verdicts) if t.get("kind") != "other"] + list(card_verdicts)
    return Verdicts(document_verdict(scored, loose), tuple(table_verdicts), card_verdicts)


def document_verdict(parts: Sequence[Verdict], loose: Sequence[Finding]) -> Verdict:
    """The worst of the parts' verdicts and of the findings tied to no part (a card printed but unread)."""
    own = part_verdict(loose)
    worst = max([own, *parts], key=lambda v: _RANK[v.status])
    if worst.status == VERIFIED:
        return worst
    failing = [v for v in [own, *parts] if v.status == worst.status]
    causes = {v.cause for v in failing if v.cause}
    cause = "extraction" if "extraction" in causes else (causes.pop() if causes else None)
    counts = {s: sum(1 for v in parts if v.status == s) for s in STATUSES}
    summary = f"{counts[FAILED]} failed, {counts[UNVERIFIED]} unverified, {counts[VERIFIED]} verified parts"
    return Verdict(worst.status, cause, (summary, *own.reasons))


def with_verdicts(record: Mapping[str, Any], verdicts: Verdicts) -> dict[str, Any]:
    """Return a copy of the record with ``verdict`` on every table, every card and the record itself."""
    out = dict(record)
    tables = [t for t in record.get("tables") or [] if isinstance(t, Mapping)]
    cards = [c for c in record.get("performance_cards") or [] if isinstance(c, Mapping)]
    out["tables"] = [{**t, "verdict": v.as_dict()} for t, v in zip(tables, verdicts.tables)]
    out["performance_cards"] = [{**c, "verdict": v.as_dict()} for c, v in zip(cards, verdicts.cards)]
    out["verdict"] = verdicts.document.as_dict()
    return out


def verify_record(record: Mapping[str, Any], regions: Sequence[Any]) -> tuple[list[Finding], Verdicts]:
    """Return every finding of a record (identities, then completeness against its regions) and its verdicts."""
    from extractor.validate.arithmetic import check_record
    from extractor.validate.coverage import check_coverage

    findings = [*check_record(record), *check_coverage(record, regions)]
    return findings, compute_verdicts(record, findings)


def record_verdict_counts(record: Mapping[str, Any] | None) -> tuple[str | None, dict[str, int]]:
    """The document verdict written into a record (``with_verdicts``) and how many of its tables (of known kinds)
    and cards have each status; (None, zeros) for a record without verdicts."""
    record = record or {}
    parts = [t for t in record.get("tables") or [] if isinstance(t, Mapping) and t.get("kind") != "other"]
    parts += [c for c in record.get("performance_cards") or [] if isinstance(c, Mapping)]
    statuses = [(p.get("verdict") or {}).get("status") for p in parts]
    document = record.get("verdict")
    status = document.get("status") if isinstance(document, Mapping) else None
    return status, {s: statuses.count(s) for s in STATUSES}
