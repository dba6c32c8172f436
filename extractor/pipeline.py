"""Convert one filing: ingest → regions → extract → validate → check, with timings and a status.

Errors are data here: a file that cannot be read, is not a disclosure, or yields a record that
fails its schema comes back as a failed ConversionResult with a one-line reason, never raises.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from extractor import EXTRACTOR_VERSION
from extractor.extract.rules.record import NotADisclosureError, extract_record
from extractor.ingest.text import IngestError, read_text_dump
from extractor.validate import validate_record
from extractor.validate.arithmetic import check_record as check_identities

#: File suffixes a backend can read, lower-case.
SUPPORTED_SUFFIXES = frozenset({".txt"})


@dataclass(frozen=True)
class ConversionResult:
    """The outcome of converting one source file."""

    source_path: str
    status: str  # "ok" | "failed"
    record: dict | None = None
    error: str | None = None
    pages: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    findings: list[dict] = field(default_factory=list)
    extractor: str = "rules"
    extractor_version: str = EXTRACTOR_VERSION

    @property
    def source_name(self) -> str:
        """Return the file stem that names the document's exported record."""
        return Path(self.source_path).stem

    @property
    def seconds(self) -> float:
        """Return the total conversion time."""
        return sum(self.timings.values())


class UnsupportedInputError(ValueError):
    """No backend reads this kind of file."""


def collect_inputs(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield the files to convert: each file given, and the supported files under each folder (sorted)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
        else:
            yield path


def convert_file(path: Path) -> ConversionResult:
    """Convert one file to a validated disclosure record with its arithmetic findings; failures are data."""
    timings: dict[str, float] = {}
    try:
        doc = _timed(timings, "ingest", lambda: _ingest(path))
        record = _timed(timings, "extract", lambda: extract_record(doc))
        issues = _timed(timings, "validate", lambda: validate_record(record))
    except (IngestError, NotADisclosureError, UnsupportedInputError) as exc:
        return ConversionResult(str(path), "failed", error=str(exc), timings=timings)
    except Exception as exc:  # noqa: BLE001 - a bad file must never stop a batch
        return ConversionResult(str(path), "failed", error=f"{path}: extractor error: {exc!r}", timings=timings)
    if issues:
        first = "; ".join(f"{i.path}: {i.message}" for i in issues[:3])
        return ConversionResult(str(path), "failed", error=f"{path}: record fails its schema ({len(issues)} "
                                f"issues): {first}", pages=doc.page_count, timings=timings)
    findings = _timed(timings, "check", lambda: check_identities(record))
    return ConversionResult(str(path), "ok", record=record, pages=doc.page_count, timings=timings,
                            findings=findings)


def _ingest(path: Path):  # noqa: ANN202 - returns the backend's document type
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedInputError(f"{path}: unsupported file type '{suffix or '(none)'}' "
                                    f"(supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})")
    return read_text_dump(path)


def _timed(timings: dict[str, float], stage: str, work):  # noqa: ANN001, ANN202
    start = time.perf_counter()
    try:
        return work()
    finally:
        timings[stage] = round(time.perf_counter() - start, 6)
