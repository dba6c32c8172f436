"""The convert use case as one library call: filings → plan → executor → single writer → report.

``yusuan convert`` parses its options into BatchOptions, calls ``convert_batch`` and renders the report;
``eval/bench_bulk.py`` calls the same function. Whatever runs, nothing outlives the call: the process pool
is shut down (its workers joined) before ``convert_batch`` returns or raises.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor import EXTRACTOR_VERSION
from extractor.batch.plan import Plan, Skip, Task, hash_filing, plan_batch
from extractor.batch.runner import Outcome, store_results, store_staged
from extractor.extract.base import Extractor
from extractor.pipeline import RULES, ConversionResult, collect_filings, convert_filing
from extractor.store import finish_run, open_store, start_run, stored_documents

Results = Iterator[tuple[Task, ConversionResult]]

#: Seconds a batch converts in this process before the rest goes to a process pool (``workers=None``).
#: Starting the pool (fresh interpreters importing PyMuPDF, jsonschema, the OCR engine) costs about a
#: second of both cores on a 2-core machine, so a batch that takes less than this serially would be slower
#: with a pool; a longer one pays it at most once, against the full speed-up on the rest.
POOL_AFTER_SECONDS = 2.0


@dataclass(frozen=True)
class BatchOptions:
    """How to convert a batch (``yusuan convert``'s options).

    ``workers``: processes converting documents; None chooses: this process for a small batch (it finishes
    within POOL_AFTER_SECONDS), then a pool of one worker per core for the rest. ``extractor``: given the
    store connection (where the LLM extractors keep their answer cache), the extractor to use; the LLM
    extractors always run in this process.
    """

    workers: int | None = None
    force: bool = False
    group: bool = False
    ocr: str = "auto"
    records: Path | None = None
    executor: str = "local"  # local | ray
    ray_address: str | None = None
    staging: Path | None = None  # default: the DB path + .staging
    extractor: Callable[[Any], Extractor] = field(default=lambda con: RULES)
    label: str = "convert"


@dataclass(frozen=True)
class BatchReport:
    """What a batch did: one outcome per document stored, the filings skipped, and the totals."""

    outcomes: list[Outcome]
    skipped: tuple[Skip, ...]
    files: int
    seconds: float
    run_id: str
    extractor: str

    @property
    def failed(self) -> int:
        """Return the number of documents that failed."""
        return sum(o.status == "failed" for o in self.outcomes)


def convert_batch(
    paths: Sequence[Path],
    db: Path,
    options: BatchOptions = BatchOptions(),
    on_planned: Callable[[Plan], None] | None = None,
    on_stored: Callable[[Outcome], None] | None = None,
) -> BatchReport:
    """Convert the filings under ``paths`` into the store ``db``, one transaction per document; return the report.

    ``on_planned`` is called once the batch is planned (what will run, what is skipped), ``on_stored`` after
    each document is committed (for a progress display). Raises MissingInputError for a path that does
    not exist, before the store is created.
    """
    files = list(collect_filings(paths, options.group))
    con = open_store(db)
    try:
        extractor = options.extractor(con)
        run_id = start_run(con, f"{options.label} " + " ".join(map(str, paths)), extractor.name)
        started = time.perf_counter()
        staging = options.staging or db.with_name(db.name + ".staging")
        outcomes = store_staged(con, staging, run_id, options.records) if options.executor == "ray" else []
        for outcome in outcomes:
            if on_stored is not None:
                on_stored(outcome)
        plan = plan_batch(((f, hash_filing(f)) for f in files), stored_documents(con), extractor.name,
                          EXTRACTOR_VERSION, options.force)
        if on_planned is not None:
            on_planned(plan)
        results = _execute(plan.tasks, extractor, options, staging)
        try:
            outcomes += store_results(con, results, run_id, options.records, on_stored)
        finally:
            close = getattr(results, "close", None)
            if close is not None:
                close()  # stops an executor left half-way (an error while storing): its pool is shut down
        seconds = time.perf_counter() - started
        failed = sum(o.status == "failed" for o in outcomes)
        finish_run(con, run_id, files_total=len(files), converted=len(outcomes) - failed, failed=failed,
                   seconds=seconds)
    finally:
        con.close()
    return BatchReport(outcomes, plan.skipped, len(files), seconds, run_id, extractor.name)


def _execute(tasks: Sequence[Task], extractor: Extractor, options: BatchOptions, staging: Path) -> Results:
    """Return the (task, result) stream of the chosen executor."""
    from extractor.batch.pool import run_pool, run_serial

    if options.executor == "ray":
        from extractor.batch.cluster import run_ray

        return run_ray(tasks, staging, options.ocr, options.ray_address)
    if extractor.name != "rules":
        return run_serial(tasks, options.ocr, lambda task: convert_filing(task.filing, extractor, options.ocr))
    if options.workers is None:
        return run_auto(tasks, os.cpu_count() or 1, options.ocr)
    count = min(options.workers, len(tasks))
    return run_pool(tasks, count, options.ocr) if count > 1 else run_serial(tasks, options.ocr)


def run_auto(tasks: Iterable[Task], workers: int, ocr: str, serial_seconds: float = POOL_AFTER_SECONDS) -> Results:
    """Convert in this process while the batch is young; after ``serial_seconds`` hand what is left to a pool
    of ``workers`` processes (a small batch never pays for starting one)."""
    from extractor.batch.pool import run_pool, run_serial

    queue = list(tasks)
    started = time.perf_counter()
    done = 0
    while done < len(queue) and time.perf_counter() - started < serial_seconds:
        yield from run_serial(queue[done: done + 1], ocr)
        done += 1
    rest = queue[done:]
    count = min(workers, len(rest))
    if count > 1:
        yield from run_pool(rest, count, ocr)
    else:
        yield from run_serial(rest, ocr)
