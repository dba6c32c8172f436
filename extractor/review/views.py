"""What the review app shows, as frozen dataclasses built from records and findings (pure).

A view is built from the extracted record, the corrected record (its verdicts written in), the findings of the
corrected record and what the corrections touched (``apply.Applied``). Findings belong to a part as the verdicts
group them (``validate.verdicts``): a table finding to the first table of its kind, a card finding to the card
its row key numbers, the rest to the document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from extractor.record.keys import card_seq, row_keys
from extractor.record.kinds import TABLE_KINDS, VALUE_KEYS
from extractor.review.apply import Applied
from extractor.review.cells import cards, table_at, table_rows, tables
from extractor.review.model import ADDED_PREFIX, Correction
from extractor.review.recheck import PRINTED_AS_IS_PREFIX

PartKey = tuple[str, int | None]


class _View:
    def as_dict(self) -> dict[str, Any]:
        """The view as plain data (JSON-ready)."""
        return asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True)
class VerdictView(_View):
    status: str | None
    cause: str | None = None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class FindingView(_View):
    id: int
    rule_id: str
    severity: str | None
    table_kind: str | None
    row_key: str | None
    value_key: str | None
    expected: float | None
    actual: float | None
    page: int | None
    message: str | None
    printed_as_is: bool


@dataclass(frozen=True)
class RowView(_View):
    row_key: str
    code: str | None
    name: str | None
    side: str | None
    values: dict[str, float | None]
    extracted: dict[str, float | None] | None
    corrected: tuple[str, ...]
    printed_as_is: tuple[str, ...]
    added: bool
    page: int | None
    bbox: tuple[float, ...] | None
    source: str | None
    finding_ids: tuple[int, ...]
    lines: tuple[int, int] | None = None  # the row's printed lines (1-based, PageImage.lines' numbering)


@dataclass(frozen=True)
class TableView(_View):
    document_id: str
    table_index: int
    kind: str
    title: str | None
    unit: str | None
    empty: bool
    value_keys: tuple[str, ...]
    rows: tuple[RowView, ...]
    findings: tuple[FindingView, ...]
    verdict: VerdictView
    pages: tuple[int, ...]
    corrections: tuple[Correction, ...]
    kinds: tuple[str, ...] = TABLE_KINDS
    lines: tuple[int, int] | None = None  # the table's printed lines (its region)
    source_name: str | None = None
    document_verdict: VerdictView | None = None


@dataclass(frozen=True)
class CardView(_View):
    document_id: str
    card_seq: int
    card: dict[str, Any]
    extracted: dict[str, Any] | None
    findings: tuple[FindingView, ...]
    verdict: VerdictView
    page: int | None
    bbox: tuple[float, ...] | None
    corrections: tuple[Correction, ...]
    lines: tuple[int, int] | None = None  # the card's printed lines
    source_name: str | None = None
    document_verdict: VerdictView | None = None


@dataclass(frozen=True)
class PartSummary(_View):
    part: str
    index: int
    kind: str | None
    title: str | None
    status: str | None
    cause: str | None
    reasons: tuple[str, ...]
    page: int | None
    rows: int
    corrected: bool
    accepted: bool


@dataclass(frozen=True)
class DocumentView(_View):
    document_id: str
    source_name: str
    source_path: str
    source_format: str
    pages: int | None
    verdict: VerdictView
    parts: tuple[PartSummary, ...]
    findings: tuple[FindingView, ...]
    corrections: tuple[Correction, ...]


@dataclass(frozen=True)
class DocumentSummary(_View):
    document_id: str
    source_name: str
    source_path: str
    agency_name: str | None
    fiscal_year: int | None
    status: str
    verdict: str | None
    verified: int
    unverified: int
    failed: int
    corrections: int
    stale: int


@dataclass(frozen=True)
class DocumentPage(_View):
    items: tuple[DocumentSummary, ...]
    total: int
    page: int
    per_page: int


@dataclass(frozen=True)
class CorrectionResult(_View):
    correction: Correction
    verdict: VerdictView
    document_verdict: VerdictView
    findings: tuple[FindingView, ...]


@dataclass(frozen=True)
class PageImage(_View):
    kind: str  # 'png' or 'text'
    path: Path | None
    text: str | None
    width_pt: float | None
    height_pt: float | None
    #: (line number, text) of each line of the page as the converter read it — the numbers the provenance
    #: ``lines`` of rows, tables and cards use — for text dumps and Word files; None for a PDF page
    lines: tuple[tuple[int, str], ...] | None = None


def verdict_view(verdict: Any) -> VerdictView:
    """A verdict dict of a record (``{"status", "cause", "reasons"}``) as a view; no verdict → status None."""
    if not isinstance(verdict, Mapping):
        return VerdictView(None)
    return VerdictView(verdict.get("status"), verdict.get("cause"), tuple(verdict.get("reasons") or ()))


def group_findings(record: Mapping[str, Any], findings: Sequence[Mapping[str, Any]]) -> dict[PartKey, list[dict]]:
    """The findings of each part: ('table', index), ('card', seq), ('document', None), as the verdicts group them."""
    first_of: dict[str, int] = {}
    for index, table in enumerate(tables(record)):
        first_of.setdefault(str(table.get("kind")), index)
    seqs = {str(card_seq(i, c)) for i, c in enumerate(cards(record))}
    grouped: dict[PartKey, list[dict]] = {}
    for finding in findings:
        kind, row_key = finding.get("table_kind"), finding.get("row_key")
        seq = str(row_key).split("/")[0] if row_key else None
        if kind == "performance_cards" and seq in seqs:
            key: PartKey = ("card", int(seq))
        elif kind in first_of:
            key = ("table", first_of[str(kind)])
        else:
            key = ("document", None)
        grouped.setdefault(key, []).append(dict(finding))
    return grouped


def finding_views(findings: Sequence[Mapping[str, Any]]) -> tuple[FindingView, ...]:
    """Findings as views numbered in order."""
    return tuple(FindingView(
        i, str(f.get("rule_id")), f.get("severity"), f.get("table_kind"), f.get("row_key"), f.get("value_key"),
        f.get("expected"), f.get("actual"), f.get("page"), f.get("message"),
        str(f.get("message") or "").startswith(PRINTED_AS_IS_PREFIX),
    ) for i, f in enumerate(findings))


def line_span(provenance: Any) -> tuple[int, int] | None:
    """The first and last printed line of a row, table or card (its provenance ``lines``), if recorded."""
    lines = provenance.get("lines") if isinstance(provenance, Mapping) else None
    if isinstance(lines, list) and len(lines) == 2 and all(isinstance(n, int) for n in lines):
        return lines[0], lines[1]
    return None


def _box(provenance: Any) -> tuple[int | None, tuple[float, ...] | None, str | None]:
    if not isinstance(provenance, Mapping):
        return None, None, None
    bbox = provenance.get("bbox")
    page = provenance.get("page")
    return (page if isinstance(page, int) else None, tuple(bbox) if isinstance(bbox, list) else None,
            provenance.get("source"))


def build_table_view(document_id: str, index: int, corrected: Mapping[str, Any], extracted: Mapping[str, Any],
                     result: Applied, findings: Sequence[Mapping[str, Any]],
                     corrections: Sequence[Correction]) -> TableView:
    """The table ``index`` of the corrected record with its rows, findings, verdict and corrections."""
    table = table_at(corrected, index)
    kind = str(table.get("kind"))
    rows = table_rows(table)
    own = finding_views(findings)
    extracted_rows = dict(zip(row_keys(table_rows(table_at(extracted, index))), table_rows(table_at(extracted, index))))
    marks = {(m.row_key, m.value_key) for m in result.marks if m.part == "table" and m.index == index}
    views = []
    targets = result.row_targets.get(index) or row_keys(rows)
    for target, key, row in zip(targets, row_keys(rows), rows):
        page, bbox, source = _box(row.get("provenance"))
        original = extracted_rows.get(target)
        views.append(RowView(
            target, row.get("code"), row.get("name"), row.get("side"), dict(row.get("values") or {}),
            None if original is None else dict(original.get("values") or {}),
            tuple(result.changed.get((index, target), ())),
            tuple(sorted(v or "*" for (r, v) in marks if r == target)),
            target.startswith(ADDED_PREFIX), page, bbox, source,
            tuple(f.id for f in own if f.row_key == key), line_span(row.get("provenance")),
        ))
    keys = VALUE_KEYS.get(kind) or tuple(dict.fromkeys(k for r in rows for k in (r.get("values") or {})))
    pages = tuple(sorted({v.page for v in views if v.page is not None}))
    return TableView(document_id, index, kind, table.get("title"), table.get("unit"), bool(table.get("empty")),
                     tuple(keys), tuple(views), own, verdict_view(table.get("verdict")), pages,
                     tuple(c for c in corrections if c.part == "table" and c.table_index == index),
                     lines=line_span(table.get("provenance")))


def build_card_view(document_id: str, seq: int, corrected: Mapping[str, Any], extracted: Mapping[str, Any],
                    findings: Sequence[Mapping[str, Any]], corrections: Sequence[Correction]) -> CardView:
    """The card ``seq`` of the corrected record with the extracted card, findings, verdict and corrections."""
    card = next(dict(c) for i, c in enumerate(cards(corrected)) if card_seq(i, c) == seq)
    original = next((dict(c) for i, c in enumerate(cards(extracted)) if card_seq(i, c) == seq), None)
    page, bbox, _ = _box(card.get("provenance"))
    return CardView(document_id, seq, card, original, finding_views(findings), verdict_view(card.get("verdict")),
                    page, bbox, tuple(c for c in corrections if c.part == "card" and c.card_seq == seq),
                    line_span(card.get("provenance")))


def part_summaries(corrected: Mapping[str, Any], result: Applied) -> tuple[PartSummary, ...]:
    """Every table and card of the corrected record with its verdict, first page and whether it was corrected."""
    out = []
    for index, table in enumerate(tables(corrected)):
        verdict = verdict_view(table.get("verdict"))
        rows = table_rows(table)
        pages = [p for p in (_box(r.get("provenance"))[0] for r in rows) if p is not None]
        page = min(pages) if pages else _box(table.get("provenance"))[0] or _first_page(table)
        touched = any(i == index for (i, _) in result.changed) or index in result.kind_changed \
            or index in result.deleted or any(m.part == "table" and m.index == index for m in result.marks)
        out.append(PartSummary("table", index, table.get("kind"), table.get("title"), verdict.status, verdict.cause,
                               verdict.reasons, page, len(rows), touched, ("table", index) in result.accepted))
    for position, card in enumerate(cards(corrected)):
        seq = card_seq(position, card)
        verdict = verdict_view(card.get("verdict"))
        touched = seq in result.card_changes or any(m.part == "card" and m.index == seq for m in result.marks)
        out.append(PartSummary("card", seq, "performance_card", card.get("project_name"), verdict.status,
                               verdict.cause, verdict.reasons, _box(card.get("provenance"))[0],
                               len(card.get("indicators") or []), touched, ("card", seq) in result.accepted))
    return tuple(out)


def _first_page(table: Mapping[str, Any]) -> int | None:
    pages = (table.get("provenance") or {}).get("pages") if isinstance(table.get("provenance"), Mapping) else None
    return pages[0] if isinstance(pages, list) and pages and isinstance(pages[0], int) else None

