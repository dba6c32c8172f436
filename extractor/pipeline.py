"""Convert one filing: ingest → regions → extract → record → validate → check → verify, each stage once,
with timings and a status. The regions are split once and the same regions go to the chosen extractor and
to the completeness checks; the verdicts (verified / unverified / failed per table, card and document) are
written into the record.

Errors are data here: a file that cannot be read, is not a disclosure, or yields a record that
fails its schema comes back as a failed ConversionResult with a one-line reason, never raises.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from extractor import EXTRACTOR_VERSION
from extractor.extract.base import Extractor, LLMUsage, NotADisclosureError
from extractor.extract.ocr_numbers import confirm_repairs, propose_repairs
from extractor.extract.rules.record import RulesExtractor
from extractor.ingest import SUPPORTED_SUFFIXES, IngestError, read_filing
from extractor.regions.split import split_regions
from extractor.validate import validate_record
from extractor.validate.arithmetic import check_record as check_identities
from extractor.validate.coverage import check_coverage
from extractor.validate.prune import prune_invalid, summarize_dropped
from extractor.validate.rules_document import check_document
from extractor.validate.verdicts import compute_verdicts, with_verdicts


@dataclass(frozen=True)
class Filing:
    """One filing to convert: its name (records are named after it) and its files, in reading order."""

    name: str
    source: Path
    paths: tuple[Path, ...]


@dataclass(frozen=True)
class ConversionResult:
    """The outcome of converting one filing."""

    source_path: str
    status: str  # "ok" | "partial" (parts failing the schema left out) | "failed"
    record: dict | None = None
    error: str | None = None
    pages: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    findings: list[dict] = field(default_factory=list)
    inputs: tuple[str, ...] = ()
    extractor: str = "rules"
    llm: LLMUsage | None = None
    extractor_version: str = EXTRACTOR_VERSION
    ocr_pages: int = 0  # pages read by OCR instead of a text layer

    @property
    def source_name(self) -> str:
        """Return the file (or group folder) stem that names the document's exported record."""
        return Path(self.source_path).stem if Path(self.source_path).suffix else Path(self.source_path).name

    @property
    def seconds(self) -> float:
        """Return the total conversion time."""
        return sum(self.timings.values())


class MissingInputError(FileNotFoundError):
    """A file or folder given to convert or check does not exist (nothing is converted, no store is made)."""


def check_inputs(paths: Iterable[Path]) -> None:
    """Raise MissingInputError naming every given path that does not exist (a mistyped folder)."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise MissingInputError(f"no such file or folder: {', '.join(missing)}")


def collect_filings(paths: Iterable[Path], group: bool = False) -> Iterator[Filing]:
    """Yield the filings to convert: each file given, and each supported file under each folder.

    With ``group``, each folder given is one filing whose files (sorted by name) are read in order,
    e.g. a Jiangsu filing published as a prose PDF and a tables PDF. A path that does not exist
    raises MissingInputError before anything is yielded.
    """
    paths = list(paths)
    check_inputs(paths)
    for path in paths:
        if path.is_dir() and group:
            files = tuple(_supported_under(path, recursive=False))
            yield Filing(path.name, path, files or (path,))
        elif path.is_dir():
            yield from (Filing(p.stem, p, (p,)) for p in _supported_under(path, recursive=True))
        else:
            yield Filing(path.stem, path, (path,))


def _supported_under(folder: Path, recursive: bool) -> list[Path]:
    found = folder.rglob("*") if recursive else folder.iterdir()
    return sorted(p for p in found if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)


#: The default extractor (offline, deterministic).
RULES: Extractor = RulesExtractor()


def convert_filing(filing: Filing, extractor: Extractor = RULES, ocr: str = "auto") -> ConversionResult:
    """Convert one filing to a validated disclosure record with its arithmetic findings; failures are data.

    ``extractor``: rules (default), or one made by ``extract.choose.make_extractor``. ``ocr``: which PDF
    pages are OCR'd (auto: those without a usable text layer; force; off).
    """
    timings: dict[str, float] = {}
    source, inputs = str(filing.source), tuple(str(p) for p in filing.paths)
    usage: LLMUsage | None = None
    name = extractor.name
    try:
        doc, repairs = propose_repairs(_timed(timings, "ingest", lambda: read_filing(filing.paths, ocr)))
        regions = _timed(timings, "regions", lambda: split_regions(doc))
        extraction = _timed(timings, "extract", lambda: extractor.extract(doc, regions))
        usage = extraction.usage
        record = confirm_repairs(extraction.record, repairs, check_identities)
        issues = _timed(timings, "validate", lambda: validate_record(record))
    except (IngestError, NotADisclosureError) as exc:
        return ConversionResult(status="failed", error=str(exc), timings=timings, source_path=source, inputs=inputs,
                                extractor=name)
    except Exception as exc:  # noqa: BLE001 - a bad file must never stop a batch
        return ConversionResult(status="failed", error=f"{filing.source}: extractor error: {exc!r}",
                                timings=timings, source_path=source, inputs=inputs, extractor=name, llm=usage)
    status, error = "ok", None
    pruned = prune_invalid(record, issues)  # only the row, indicator, figure or field that fails is left out
    if issues:
        first = "; ".join(f"{i.path}: {i.message}" for i in issues[:3])
        if pruned.unresolved or validate_record(pruned.record):
            error = f"{filing.source}: record fails its schema ({len(issues)} issues): {first}"
            return ConversionResult(status="failed", error=error, pages=doc.page_count, timings=timings,
                                    source_path=source, inputs=inputs, extractor=name, llm=usage)
        record = pruned.record
        if pruned.dropped:
            status = "partial"
            error = f"{filing.source}: left out {summarize_dropped(pruned.dropped)} failing the schema ({first})"
    if usage is not None and usage.regions_failed and name == "llm":
        status = "partial"
        error = f"{filing.source}: the model gave no valid answer for {', '.join(usage.regions_failed)}"
    findings = _timed(timings, "check", lambda: [*pruned.findings, *check_document(record), *check_identities(record)])
    findings += _timed(timings, "verify", lambda: check_coverage(record, regions))
    record = with_verdicts(record, compute_verdicts(record, findings))
    return ConversionResult(status=status, record=record, error=error, pages=doc.page_count, timings=timings,
                            findings=findings, source_path=source, inputs=inputs, extractor=name,
                            llm=usage, ocr_pages=len(doc.ocr_pages))


def convert_file(path: Path, extractor: Extractor = RULES, ocr: str = "auto") -> ConversionResult:
    """Convert one file (see convert_filing)."""
    return convert_filing(Filing(path.stem, path, (path,)), extractor, ocr)


def _timed(timings: dict[str, float], stage: str, work):  # noqa: ANN001, ANN202
    start = time.perf_counter()
    try:
        return work()
    finally:
        timings[stage] = round(time.perf_counter() - start, 6)
