"""The per-document task every executor runs, and the setup of a worker process.

A task converts one filing with the rules extractor; it never raises (pipeline failures are data).
The LLM extractors hold an HTTP client and a cache in the parent's DuckDB file, so they are not run
here: ``yusuan convert`` runs them in the parent process.
"""

from __future__ import annotations

import os
import signal
import threading
import time

from extractor.batch.plan import Task
from extractor.pipeline import RULES, ConversionResult, convert_filing

#: Seconds between a worker's checks that the process that started it is still alive.
_PARENT_CHECK_SECONDS = 0.5


def convert_task(task: Task, ocr: str) -> ConversionResult:
    """Convert one planned document with the rules extractor; failures come back as a failed result."""
    return convert_filing(task.filing, RULES, ocr)


def init_worker(parent_pid: int, ocr_threads: int = 0) -> None:
    """Prepare a pool worker: leave Ctrl-C to the parent, exit when the parent is gone, and give the
    OCR engine its share of the cores (unless ``YUSUAN_OCR_THREADS`` is set already).

    A parent killed with SIGKILL cannot stop its pool; without this watch its workers would live on.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if ocr_threads > 0:
        os.environ.setdefault("YUSUAN_OCR_THREADS", str(ocr_threads))
    threading.Thread(target=_exit_when_orphaned, args=(parent_pid,), daemon=True, name="parent-watch").start()


def _exit_when_orphaned(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(_PARENT_CHECK_SECONDS)
    os._exit(70)
