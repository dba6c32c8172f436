"""The review calls over a DuckDB store (the I/O edge the web app uses): list documents, show a document, a
table or a card, add or undo a correction (validated, re-checked at once, stored), step to the next part to
review, save a corrected record as gold, and a page's image or text.

Every call opens the store for itself and closes it, so the app holds no lock between requests. Unknown ids
raise ``NotFound``, input a record cannot take ``InvalidCorrection`` (nothing is stored), a store another process
is writing ``StoreLockedError`` (one line naming the file).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from extractor.ingest import IngestError
from extractor.review.apply import Applied, applied
from extractor.review.cells import card_position, cards, coerce, extracted_value, table_at, table_rows, tables
from extractor.review.gold import write_gold
from extractor.review.model import ACCEPTED, ADDED_PREFIX, Correction, InvalidCorrection, NotFound, ReviewError, Target
from extractor.review.views import (
    CardView,
    CorrectionResult,
    DocumentPage,
    DocumentSummary,
    DocumentView,
    PageImage,
    TableView,
    build_card_view,
    build_table_view,
    finding_views,
    group_findings,
    part_summaries,
    verdict_view,
)
from extractor.store import corrections as stored
from extractor.store import open_store
from extractor.store.database import Connection, connect
from extractor.validate.schema import validate_part, validate_record

SORTS = {"source_name": "d.source_name", "agency": "d.agency_name", "year": "d.fiscal_year",
         "failed": "failed", "unverified": "unverified", "verdict": "verdict_rank"}
VERDICT_FILTERS = ("failed", "unverified", "verified")


#: Store files (path, device, inode) this process has opened, and so migrated, once: later calls connect
#: without checking the schema (a file made anew at the same path is another inode, and is migrated again).
_MIGRATED: set[tuple[Path, int, int]] = set()


@contextmanager
def _store(db: str | Path) -> Iterator[Connection]:
    path = Path(db)
    if not path.is_file():
        raise ReviewError(f"no store at {db}")
    stat = path.stat()
    key = (path.resolve(), stat.st_dev, stat.st_ino)
    con = connect(path) if key in _MIGRATED else open_store(path)
    _MIGRATED.add(key)
    try:
        yield con
    finally:
        con.close()


@dataclass(frozen=True)
class _Document:
    """A stored document as the review reads it: extracted and corrected record, findings, corrections."""

    document_id: str
    source_name: str
    source_path: str
    pages: int | None
    extracted: dict[str, Any]
    corrected: dict[str, Any]
    findings: list[dict[str, Any]]
    corrections: tuple[Correction, ...]
    applied: Applied


def _load(con: Connection, document_id: str) -> _Document:
    row = con.execute("SELECT source_name, source_path, pages, record FROM documents WHERE document_id = ?",
                      [document_id]).fetchone()
    if row is None:
        raise NotFound(f"no document {document_id!r} in the store")
    if row[3] is None:
        raise NotFound(f"document {row[0]} failed to convert: it has no record to review")
    extracted = json.loads(row[3])
    review = con.execute("SELECT record FROM review_records WHERE document_id = ?", [document_id]).fetchone()
    corrected = json.loads(review[0]) if review else extracted
    columns = ("rule_id", "severity", "table_kind", "row_key", "value_key", "expected", "actual", "difference",
               "page", "message")
    findings = [dict(zip(columns, f)) for f in con.execute(
        f"SELECT {', '.join(columns)} FROM v_findings_corrected WHERE document_id = ?", [document_id]).fetchall()]
    corrections = tuple(stored.list_corrections(con, document_id))
    result = applied(extracted, [c for c in corrections if c.status == "active"])
    return _Document(document_id, row[0], row[1], row[2], extracted, corrected, findings, corrections, result)


def list_documents(db: str | Path, *, verdict: str | None = None, agency: str | None = None, year: int | None = None,
                   rule: str | None = None, sort: str = "source_name", descending: bool = False, page: int = 1,
                   per_page: int = 50) -> DocumentPage:
    """One page of the stored documents with their corrected verdicts and part counts, filtered and sorted."""
    if sort not in SORTS:
        raise ReviewError(f"unknown sort {sort!r} (one of {', '.join(SORTS)})")
    if verdict is not None and verdict not in VERDICT_FILTERS:
        raise ReviewError(f"unknown verdict {verdict!r} (one of {', '.join(VERDICT_FILTERS)})")
    page, per_page = max(1, page), max(1, min(per_page, 500))
    where: list[str] = ["TRUE"]
    params: list[Any] = []
    if verdict:
        where.append("c.verdict = ?")
        params.append(verdict)
    if agency:
        where.append("(d.agency_name ILIKE ? OR d.source_name ILIKE ?)")
        params += [f"%{agency}%", f"%{agency}%"]
    if year is not None:
        where.append("d.fiscal_year = ?")
        params.append(year)
    if rule:
        where.append("d.document_id IN (SELECT document_id FROM v_findings_corrected WHERE starts_with(rule_id, ?))")
        params.append(rule)
    sql = f"""
        WITH c AS (
            SELECT document_id,
                   max(CASE WHEN part = 'document' THEN status END) AS verdict,
                   count(*) FILTER (WHERE part <> 'document' AND status = 'verified') AS verified,
                   count(*) FILTER (WHERE part <> 'document' AND status = 'unverified') AS unverified,
                   count(*) FILTER (WHERE part <> 'document' AND status = 'failed') AS failed
            FROM v_verdicts_corrected WHERE coalesce(kind, '') <> 'other' GROUP BY document_id),
        k AS (
            SELECT document_id, count(*) FILTER (WHERE status = 'active') AS active,
                   count(*) FILTER (WHERE status = 'stale') AS stale
            FROM corrections WHERE field <> '{ACCEPTED}' GROUP BY document_id)
        SELECT d.document_id, d.source_name, d.source_path, d.agency_name, d.fiscal_year, d.status, c.verdict,
               coalesce(c.verified, 0), coalesce(c.unverified, 0), coalesce(c.failed, 0),
               coalesce(k.active, 0), coalesce(k.stale, 0),
               CASE c.verdict WHEN 'failed' THEN 2 WHEN 'unverified' THEN 1 WHEN 'verified' THEN 0 ELSE 3 END
                   AS verdict_rank,
               count(*) OVER () AS total
        FROM documents AS d
        LEFT JOIN c ON c.document_id = d.document_id
        LEFT JOIN k ON k.document_id = d.document_id
        WHERE {' AND '.join(where)}
        ORDER BY {SORTS[sort]} {'DESC' if descending else 'ASC'} NULLS LAST, d.source_name, d.document_id
        LIMIT {per_page} OFFSET {(page - 1) * per_page}
    """
    with _store(db) as con:
        rows = con.execute(sql, params).fetchall()
        total = rows[0][-1] if rows else _count(con, where, params)
    items = tuple(DocumentSummary(*row[:12]) for row in rows)
    return DocumentPage(items, int(total), page, per_page)


def _count(con: Connection, where: Sequence[str], params: Sequence[Any]) -> int:
    """How many documents pass the filters (for a page past the last)."""
    row = con.execute(
        "SELECT count(*) FROM documents AS d LEFT JOIN (SELECT document_id, max(CASE WHEN part = 'document' "
        "THEN status END) AS verdict FROM v_verdicts_corrected GROUP BY 1) AS c USING (document_id) "
        f"WHERE {' AND '.join(where)}", list(params)).fetchone()
    return int(row[0]) if row else 0


def _format(source_path: str) -> str:
    suffix = Path(source_path).suffix.lower().lstrip(".")
    return suffix if suffix in ("pdf", "docx", "txt") else "group"


def document_parts(db: str | Path, document_id: str) -> DocumentView:
    """A document's tables and cards with their (corrected) verdicts, its own findings and its corrections."""
    with _store(db) as con:
        doc = _load(con, document_id)
    loose = group_findings(doc.corrected, doc.findings).get(("document", None), [])
    return DocumentView(doc.document_id, doc.source_name, doc.source_path, _format(doc.source_path), doc.pages,
                        verdict_view(doc.corrected.get("verdict")), part_summaries(doc.corrected, doc.applied),
                        finding_views(loose), doc.corrections)


def table_view(db: str | Path, document_id: str, table_index: int) -> TableView:
    """One table of a document: corrected rows (with page and box), findings, verdict, corrections."""
    with _store(db) as con:
        doc = _load(con, document_id)
    table_at(doc.corrected, table_index)
    own = group_findings(doc.corrected, doc.findings).get(("table", table_index), [])
    view = build_table_view(document_id, table_index, doc.corrected, doc.extracted, doc.applied, own, doc.corrections)
    return replace(view, source_name=doc.source_name, document_verdict=verdict_view(doc.corrected.get("verdict")))


def card_view(db: str | Path, document_id: str, card_seq: int) -> CardView:
    """One card of a document: the corrected card, the extracted one, findings, verdict, corrections."""
    with _store(db) as con:
        doc = _load(con, document_id)
    card_position(doc.corrected, card_seq)
    own = group_findings(doc.corrected, doc.findings).get(("card", card_seq), [])
    view = build_card_view(document_id, card_seq, doc.corrected, doc.extracted, own, doc.corrections)
    return replace(view, source_name=doc.source_name, document_verdict=verdict_view(doc.corrected.get("verdict")))


def add_correction(db: str | Path, document_id: str, target: Target, new: Any, *, who: str,
                   note: str | None = None) -> CorrectionResult:
    """Validate a correction against the record (schema included), store it, re-check the document at once and
    return the part's new verdict and findings. InvalidCorrection / NotFound: nothing is stored."""
    with _store(db) as con:
        doc = _load(con, document_id)
        candidate = _candidate(doc, target, new, who, note)
        con.begin()
        try:
            correction = stored.insert_correction(con, candidate, doc.source_path)
            stored.refresh(con, document_id)
            con.commit()
        except BaseException:
            con.rollback()
            raise
        return _result(con, correction)


def _candidate(doc: _Document, target: Target, new: Any, who: str, note: str | None) -> Correction:
    if target.part not in ("table", "card", "document"):
        raise InvalidCorrection(f"unknown part {target.part!r} (table, card or document)")
    if not who or not who.strip():
        raise InvalidCorrection("say who makes the correction")
    kind = None
    if target.part == "table":
        kind = table_at(doc.extracted, target.table_index).get("kind")
    if target.row_key and target.row_key.startswith(ADDED_PREFIX):
        if target.row_key not in doc.applied.row_targets.get(target.table_index or 0, []):
            raise NotFound(f"no added row {target.row_key!r} in table {target.table_index}")
        old = None
    else:
        old = extracted_value(doc.extracted, target)
    value = coerce(doc.corrected, target, new)
    candidate = Correction(0, doc.document_id, target.part, target.field, target.table_index, kind, target.card_seq,
                           target.row_key, old, value, who.strip(), None, "active", note)
    active = [c for c in doc.corrections if c.status == "active"]
    last = max((c.id for c in doc.corrections), default=0)
    trial = applied(doc.extracted, [*active, replace(candidate, id=last + 1)])
    if trial.unapplied:
        raise InvalidCorrection(f"{target.describe()}: the record has no such field to change")
    issues = _schema_issues(trial.record, target)
    if issues:
        raise InvalidCorrection(f"{target.describe()}: the record would fail its schema: "
                                f"{issues[0].path}: {issues[0].message}")
    return candidate


def _schema_issues(record: dict[str, Any], target: Target) -> list[Any]:
    """The schema issues of the part a correction changed (its table or card; the whole record for the document):
    validating only that part keeps a correction on a 300-card filing quick."""
    if target.part == "table" and target.table_index is not None:
        return validate_part("table", table_at(record, target.table_index))
    if target.part == "card":
        return validate_part("performance_card", cards(record)[card_position(record, target.card_seq)])
    return validate_record(record)


def _result(con: Connection, correction: Correction) -> CorrectionResult:
    doc = _load(con, correction.document_id)
    grouped = group_findings(doc.corrected, doc.findings)
    if correction.part == "table" and correction.table_index is not None:
        part_verdict = table_at(doc.corrected, correction.table_index).get("verdict")
        own = grouped.get(("table", correction.table_index), [])
    elif correction.part == "card":
        part_verdict = cards(doc.corrected)[card_position(doc.corrected, correction.card_seq)].get("verdict")
        own = grouped.get(("card", correction.card_seq), [])
    else:
        part_verdict, own = doc.corrected.get("verdict"), grouped.get(("document", None), [])
    fresh = next((c for c in doc.corrections if c.id == correction.id), correction)
    return CorrectionResult(fresh, verdict_view(part_verdict), verdict_view(doc.corrected.get("verdict")),
                            finding_views(own))


def undo_correction(db: str | Path, correction_id: int, *, who: str) -> CorrectionResult:
    """Undo a correction (status ``undone``; it stays stored) and re-check its document."""
    with _store(db) as con:
        correction = stored.get_correction(con, correction_id)
        if correction is None:
            raise NotFound(f"no correction {correction_id}")
        con.begin()
        try:
            stored.set_status(con, correction_id, "undone")
            note = f"{correction.note + '; ' if correction.note else ''}undone by {who}"
            con.execute("UPDATE corrections SET note = ? WHERE id = ?", [note, correction_id])
            stored.refresh(con, correction.document_id)
            con.commit()
        except BaseException:
            con.rollback()
            raise
        return _result(con, correction)


def accept(db: str | Path, document_id: str, part: str, index: int | None, *, who: str) -> CorrectionResult:
    """Mark a table or card (or the document) as reviewed and right as it is; ``next_part`` then skips it."""
    target = Target(part, index if part == "table" else None, index if part == "card" else None, None, ACCEPTED)
    return add_correction(db, document_id, target, None, who=who)


def next_part(db: str | Path, *, after: tuple[str, str, int] | None = None,
              statuses: Sequence[str] = ("failed", "unverified")) -> tuple[str, str, int] | None:
    """The next table or card (document_id, part, index) whose corrected verdict is in ``statuses``, in the order
    of the document list (source name), tables before cards; accepted parts and tables of kind other skipped."""
    marks = ", ".join("?" for _ in statuses) or "NULL"
    sql = f"""
        SELECT v.document_id, v.part, coalesce(v.table_index, v.card_seq) AS idx
        FROM v_verdicts_corrected AS v JOIN documents AS d ON d.document_id = v.document_id
        WHERE v.part <> 'document' AND coalesce(v.kind, '') <> 'other' AND v.status IN ({marks})
          AND NOT EXISTS (SELECT 1 FROM corrections AS c WHERE c.document_id = v.document_id
                          AND c.field = '{ACCEPTED}' AND c.status = 'active' AND c.part = v.part
                          AND coalesce(c.table_index, c.card_seq) = coalesce(v.table_index, v.card_seq))
        ORDER BY d.source_name, v.document_id, v.part DESC, idx
    """
    with _store(db) as con:
        order = [(str(a), str(b), int(c)) for a, b, c in con.execute(sql, list(statuses)).fetchall()]
        if after is None:
            return order[0] if order else None
        names = dict(con.execute("SELECT document_id, source_name FROM documents").fetchall())
    rank = {"table": 0, "card": 1}
    key = (names.get(after[0], ""), after[0], rank.get(after[1], 2), after[2])
    return next((p for p in order if (names.get(p[0], ""), p[0], rank[p[1]], p[2]) > key), None)


def save_gold(db: str | Path, document_id: str, out: Path) -> Path:
    """Write the document's corrected record as contract-format gold JSON: ``out`` a .json path, or a folder
    (``out/<source_name>.json``, the name ``yusuan eval`` pairs with the exported record)."""
    with _store(db) as con:
        doc = _load(con, document_id)
    target = out if out.suffix == ".json" else out / f"{doc.source_name}.json"
    return write_gold(doc.corrected, target)


def page_image(db: str | Path, document_id: str, page: int, dpi: int = 110) -> PageImage:
    """The page image (PNG, cached in ``<db>.review-cache/``) of a PDF filing's page, with its OCR text when the
    page was read by OCR; for a text dump or Word file the page's text."""
    from extractor.ingest.render import cache_key, page_lines, page_size, render_page

    with _store(db) as con:
        doc = _load(con, document_id)
    inputs = _inputs(doc)
    if doc.pages is not None and not 1 <= page <= max(doc.pages, 1):
        raise NotFound(f"no page {page} in {doc.source_name} ({doc.pages} pages)")
    missing = [str(p) for p in inputs if not p.is_file()]
    if missing:
        raise NotFound(f"the source file is not where it was converted from: {missing[0]}")
    if cache_key(inputs) != document_id:
        raise NotFound(f"{doc.source_path} changed since it was converted: convert it again to see its pages")
    cache = Path(f"{db}.review-cache")
    try:
        if _format(doc.source_path) in ("pdf", "group") and all(p.suffix.lower() == ".pdf" for p in inputs):
            path = render_page(inputs, page, dpi, cache, key=document_id)
            size = page_size(inputs, page)
            text = _ocr_text(inputs, page, cache / f"{document_id}-p{page}.txt") \
                if _ocr_page(doc.extracted, page) else None
            return PageImage("png", path, text, size.width, size.height)
        lines = tuple(page_lines(inputs, page))
        return PageImage("text", None, "\n".join(text for _, text in lines), None, None, lines)
    except IngestError as exc:
        raise NotFound(str(exc)) from exc


def _ocr_text(inputs: Sequence[Path], page: int, cached: Path) -> str:
    """The OCR text of a scanned page, read once (OCR takes seconds a page) and then from the cache file."""
    from extractor.ingest.render import page_text

    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    text = page_text(inputs, page)
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(text, encoding="utf-8")
    return text


def _inputs(doc: _Document) -> list[Path]:
    source = Path(doc.source_path)
    if source.is_dir():
        return sorted(p for p in source.iterdir() if p.is_file() and p.suffix.lower() == ".pdf")
    return [source]


def _ocr_page(record: dict[str, Any], page: int) -> bool:
    """True when rows of the record on ``page`` were read by OCR (their provenance says ``source: ocr``)."""
    return any(isinstance(r.get("provenance"), dict) and r["provenance"].get("page") == page
               and r["provenance"].get("source") == "ocr" for t in tables(record) for r in table_rows(t))
