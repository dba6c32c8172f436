"""The Ray executor: the same per-document task on a Ray cluster, results through shared storage.

Each Ray task converts one filing and writes its result as a file into the staging folder (which,
like the input files, must be on storage every node sees); the driver loads each file as its task
finishes and hands it to the single writer. The staged file is removed only after the writer has
committed the document, so a driver killed at any moment leaves either nothing or a file the next
run loads. Ray is an optional dependency (``pip install 'yusuan[ray]'``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from extractor.batch.plan import Task
from extractor.batch.pool import failed_result
from extractor.batch.staging import load_staged, stage_result
from extractor.batch.worker import convert_task
from extractor.pipeline import ConversionResult


def stage_one(task: Task, folder: str, ocr: str) -> str:
    """Convert one document and stage its result in ``folder``; return the staged file's path."""
    return str(stage_result(Path(folder), task, convert_task(task, ocr)))


def run_ray(tasks: Iterable[Task], staging: Path, ocr: str, address: str | None = None) -> Iterator[
        tuple[Task, ConversionResult]]:
    """Run the tasks as Ray tasks; yield each (task, result) loaded from the staging folder as it arrives.

    Connects to ``address`` (or ``RAY_ADDRESS``, or starts a local instance) unless Ray is already
    initialised in this process, and shuts down only what it started.
    """
    import ray

    started = not ray.is_initialized()
    if started:
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    try:
        yield from _run(ray, deque(tasks), staging, ocr)
    finally:
        if started:
            ray.shutdown()


def _run(ray: Any, queue: deque[Task], staging: Path, ocr: str) -> Iterator[tuple[Task, ConversionResult]]:
    remote = ray.remote(num_cpus=1, max_retries=1)(stage_one)
    window = 2 * max(int(ray.cluster_resources().get("CPU", 1)), 1)
    in_flight: dict[Any, Task] = {}
    while queue or in_flight:
        while queue and len(in_flight) < window:
            task = queue.popleft()
            in_flight[remote.remote(task, str(staging), ocr)] = task
        ready, _ = ray.wait(list(in_flight), num_returns=1)
        task = in_flight.pop(ready[0])
        staged, result = _collect(ray, ready[0], task)
        yield task, result
        if staged is not None:  # reached only once the writer has committed the document
            staged.unlink(missing_ok=True)


def _collect(ray: Any, ref: Any, task: Task) -> tuple[Path | None, ConversionResult]:
    """Return the staged file and its result, or a failed result when the Ray task itself failed."""
    try:
        staged = Path(ray.get(ref))
    except ray.exceptions.RayError as exc:
        reason = " ".join(str(exc).split())[:300]
        return None, failed_result(task, f"ray task failed ({type(exc).__name__}: {reason})")
    try:
        return staged, load_staged(staged)[1]
    except ValueError as exc:
        return staged, failed_result(task, str(exc))
