"""Plan a batch: give every filing its content hash and decide, against what the store already holds,
which to convert and which to skip. The decision is pure; only ``hash_filing`` reads files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from extractor.pipeline import Filing
from extractor.store import content_hash, file_content_hash

#: Statuses whose stored document a re-run keeps; a failed one is tried again (its cause may have passed:
#: a file that vanished, a worker that was killed).
KEPT_STATUSES = ("ok", "partial")


@dataclass(frozen=True)
class Task:
    """One document to convert: the filing and the content hash it is stored under."""

    filing: Filing
    document_id: str


@dataclass(frozen=True)
class Skip:
    """A filing left out of the batch, and why (already stored, or the same bytes as another file)."""

    filing: Filing
    document_id: str
    reason: str
    duplicate: bool = False


@dataclass(frozen=True)
class Plan:
    """The batch: tasks to run, in input order, and the filings skipped."""

    tasks: tuple[Task, ...]
    skipped: tuple[Skip, ...]


def hash_filing(filing: Filing) -> str:
    """Return the content hash of the filing's files; an unreadable or empty filing is keyed by its path
    instead (it holds no document, and two empty files are not one)."""
    try:
        if any(path.stat().st_size for path in filing.paths):
            return file_content_hash(list(filing.paths))
        return content_hash([f"empty:{filing.source}".encode()])
    except OSError:
        return content_hash([f"unreadable:{filing.source}".encode()])


def plan_batch(
    hashed: Iterable[tuple[Filing, str]],
    stored: Mapping[str, tuple[str | None, str | None, str]],
    extractor: str,
    version: str,
    force: bool = False,
) -> Plan:
    """Given (filing, content hash) pairs and ``stored`` (document_id -> extractor, version, status),
    return the plan: a filing whose hash is stored ok or partial by the same extractor and version is
    skipped unless ``force``; a second file with the same bytes as an earlier one is skipped always."""
    tasks: list[Task] = []
    skipped: list[Skip] = []
    first_seen: dict[str, Filing] = {}
    for filing, document_id in hashed:
        if document_id in first_seen:
            skipped.append(Skip(filing, document_id, f"same content as {first_seen[document_id].source}", True))
            continue
        first_seen[document_id] = filing
        held = stored.get(document_id)
        if not force and held is not None and held[0] == extractor and held[1] == version \
                and held[2] in KEPT_STATUSES:
            skipped.append(Skip(filing, document_id, f"already stored ({held[2]}, {version})"))
            continue
        tasks.append(Task(filing, document_id))
    return Plan(tuple(tasks), tuple(skipped))
