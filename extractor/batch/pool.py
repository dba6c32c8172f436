"""Executors on one machine: every task in this process, or a pool of worker processes.

Each yields ``(task, result)`` as results arrive. The consumer (the single writer) stores a result
before asking for the next one, so at most ``2 × workers`` finished-but-unstored documents exist at
any moment. A worker that dies (a parser crash, the out-of-memory killer) breaks the whole pool; the
tasks in flight are then re-run one at a time in a fresh process, so only the document that kills
its process fails, and the batch goes on in a new pool.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from extractor.batch.plan import Task
from extractor.batch.worker import convert_task, init_worker
from extractor.pipeline import ConversionResult

Work = Callable[[Task, str], ConversionResult]
Outcomes = Iterator[tuple[Task, ConversionResult]]

#: Workers start from a fresh interpreter: the parent holds a DuckDB connection and a progress thread,
#: neither of which may be forked.
_CONTEXT = multiprocessing.get_context("spawn")


def run_serial(tasks: Iterable[Task], ocr: str, work: Callable[[Task], ConversionResult] | None = None) -> Outcomes:
    """Run every task in this process, in order (one worker, or the LLM extractors)."""
    for task in tasks:
        yield task, (work(task) if work is not None else convert_task(task, ocr))


def run_pool(tasks: Iterable[Task], workers: int, ocr: str, work: Work = convert_task) -> Outcomes:
    """Run the tasks on ``workers`` processes; yield each result as it arrives (not in input order).

    ``work`` must be a module-level function (it is pickled by name into the workers).
    """
    queue = deque(tasks)
    while queue:
        suspects = yield from _pool_generation(queue, workers, ocr, work)
        for task in suspects:
            yield task, _isolated(task, ocr, work)


def _pool_generation(
    queue: deque[Task], workers: int, ocr: str, work: Work
) -> Generator[tuple[Task, ConversionResult], None, list[Task]]:
    """Run tasks from ``queue`` on one pool until it is empty or the pool breaks; return the tasks that
    were in flight when it broke (any of them may be the one that killed its worker)."""
    pool = ProcessPoolExecutor(workers, mp_context=_CONTEXT, initializer=init_worker,
                               initargs=(os.getpid(), ocr_threads(workers)))
    in_flight: dict[Future[ConversionResult], Task] = {}
    suspects: list[Task] = []
    try:
        while queue or in_flight:
            while queue and len(in_flight) < 2 * workers and not suspects:
                task = queue.popleft()
                try:
                    in_flight[pool.submit(work, task, ocr)] = task
                except BrokenProcessPool:
                    suspects.append(task)
            if not in_flight:
                break
            done, _ = wait(in_flight, return_when=ALL_COMPLETED if suspects else FIRST_COMPLETED)
            for future in done:
                task = in_flight.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    suspects.append(task)
                    continue
                except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled back
                    result = failed_result(task, f"worker error: {exc!r}")
                yield task, result
            if suspects and in_flight:
                continue  # collect the rest of the broken pool's futures before starting a new pool
            if suspects:
                break
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return suspects


def _isolated(task: Task, ocr: str, work: Work) -> ConversionResult:
    """Run one task alone in a fresh process; if that process dies too, the document is the cause."""
    with ProcessPoolExecutor(1, mp_context=_CONTEXT, initializer=init_worker,
                             initargs=(os.getpid(), ocr_threads(1))) as pool:
        try:
            return pool.submit(work, task, ocr).result()
        except BrokenProcessPool:
            return failed_result(task, "the converting process died (a crash while parsing, or killed, "
                                       "e.g. for memory)")
        except Exception as exc:  # noqa: BLE001
            return failed_result(task, f"worker error: {exc!r}")


def ocr_threads(workers: int) -> int:
    """Threads each worker's OCR engine may use: its share of the cores (OCR is the one heavy step;
    N workers each using every core would only fight over them)."""
    return max(1, (os.cpu_count() or 1) // max(workers, 1))


def failed_result(task: Task, reason: str) -> ConversionResult:
    """Return a failed result for a task whose conversion gave no result of its own."""
    filing = task.filing
    return ConversionResult(source_path=str(filing.source), status="failed", error=f"{filing.source}: {reason}",
                            inputs=tuple(str(p) for p in filing.paths))
