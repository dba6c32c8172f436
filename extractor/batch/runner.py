"""The single writer: store each result as it arrives, one transaction per document.

Whatever the executor, only this process opens the DuckDB file. A document is committed (with its
child rows) or not at all, so a run killed at any moment leaves whole documents; the next run skips
them by content hash (see plan.py) and converts the rest.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from extractor.batch.plan import Task
from extractor.batch.staging import load_staged, staged_files
from extractor.extract.base import LLMUsage
from extractor.pipeline import ConversionResult
from extractor.store import StoredDocument, write_document
from extractor.validate.verdicts import record_verdict_counts


@dataclass(frozen=True)
class Outcome:
    """What a summary needs of one stored document (its record is not kept once stored)."""

    source_name: str
    status: str
    error: str | None
    pages: int
    errors: int
    warnings: int
    seconds: float
    tables: int = 0
    rows: int = 0
    cards: int = 0
    llm: LLMUsage | None = None
    ocr_pages: int = 0  # pages read by OCR
    verdict: str | None = None  # the document's verdict: verified / unverified / failed
    verdicts: tuple[int, int, int] = (0, 0, 0)  # tables and cards verified, unverified, failed
    source_path: str = ""  # the file (or group folder) converted: tells apart files with the same name


def outcome_of(result: ConversionResult) -> Outcome:
    """Return the summary line of a result: status, reason, pages, finding counts, verdicts."""
    errors = sum(f.get("severity") == "error" for f in result.findings)
    warnings = sum(f.get("severity") == "warning" for f in result.findings)
    record = result.record or {}
    tables = record.get("tables") or []
    verdict, counts = record_verdict_counts(record)
    return Outcome(result.source_name, result.status, result.error, result.pages, errors,
                   warnings, result.seconds, len(tables),
                   sum(len(t.get("rows") or []) for t in tables), len(record.get("performance_cards") or []),
                   result.llm, result.ocr_pages, verdict, (counts["verified"], counts["unverified"], counts["failed"]),
                   result.source_path)


def stored_document(result: ConversionResult, document_id: str, run_id: str | None) -> StoredDocument:
    """Return the store's view of a result, keyed by the content hash it was planned under."""
    return StoredDocument(
        document_id=document_id, source_path=str(Path(result.source_path).resolve()),
        source_name=result.source_name, status=result.status, error=result.error,
        extractor=result.extractor, extractor_version=result.extractor_version, pages=result.pages,
        seconds_total=result.seconds, timings=result.timings, record=result.record, run_id=run_id,
        findings=result.findings,
    )


def store_results(
    con,  # noqa: ANN001 - a store connection (extractor.store.open_store)
    results: Iterable[tuple[Task, ConversionResult]],
    run_id: str,
    records: Path | None = None,
    on_stored: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Write each (task, result) to the store as it arrives, in its own transaction; return the outcomes.

    ``records``: also write each record as JSON there. ``on_stored`` is called after each commit.
    """
    outcomes = []
    for task, result in results:
        store_one(con, task.document_id, result, run_id, records)
        outcome = outcome_of(result)
        outcomes.append(outcome)
        if on_stored is not None:
            on_stored(outcome)
    return outcomes


def store_one(con, document_id: str, result: ConversionResult, run_id: str,  # noqa: ANN001
              records: Path | None = None) -> None:
    """Commit one result (and the ledger of its LLM calls), then write its record file if asked."""
    write_document(con, stored_document(result, document_id, run_id))
    if result.llm is not None and result.llm.calls:
        from extractor.store.llm import record_calls

        record_calls(con, run_id, document_id, result.llm.calls)
    if records is not None and result.record is not None:
        write_record_file(records, document_id, result)


def store_staged(con, folder: Path, run_id: str, records: Path | None = None) -> list[Outcome]:  # noqa: ANN001
    """Load the results a killed run left staged in ``folder`` into the store, removing each once committed.

    A file that is not a staged result is left in place and reported as a failed outcome.
    """
    outcomes = []
    for path in staged_files(folder):
        try:
            document_id, result = load_staged(path)
        except ValueError as exc:
            outcomes.append(Outcome(path.name, "failed", str(exc), 0, 0, 0, 0.0))
            continue
        store_one(con, document_id, result, run_id, records)
        path.unlink(missing_ok=True)
        outcomes.append(outcome_of(result))
    return outcomes


SOURCES = ".yusuan-sources.tsv"  # a records folder's manifest: file name, then the source it was written from


def write_record_file(folder: Path, document_id: str, result: ConversionResult) -> None:
    """Write the result's record to ``folder/<source name>.json`` (atomically, by rename).

    The name is the source's stem, the name ``yusuan eval`` pairs with gold; a stem another source already
    wrote in this folder (two ``report.pdf`` of different folders) gets the start of the document_id appended
    instead, so neither overwrites the other. The folder's manifest (``.yusuan-sources.tsv``) remembers which
    source each file holds, so re-converting a source rewrites its own file.
    """
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / SOURCES
    holders = _read_manifest(manifest)
    name = record_file_name(holders, result.source_name, result.source_path, document_id)
    target = folder / name
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result.record, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(target)
    if holders.get(name) != result.source_path:
        _write_manifest(manifest, {**holders, name: result.source_path})


def record_file_name(holders: dict[str, str], stem: str, source_path: str, document_id: str) -> str:
    """Return the record file name of a source, given which source holds each name already (pure)."""
    plain = f"{stem}.json"
    if holders.get(plain, source_path) == source_path:
        return plain
    return f"{stem}-{document_id[:12]}.json"


def _read_manifest(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t", 1) for line in lines if "\t" in line)


def _write_manifest(path: Path, holders: dict[str, str]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(f"{name}\t{source}\n" for name, source in sorted(holders.items())), encoding="utf-8")
    tmp.replace(path)
