"""A worker task for the pool tests: converts like the real one, but a file named ``crash*`` kills its
own process the way a segfault in a parser or the out-of-memory killer would."""

from __future__ import annotations

import os
import signal

from extractor.batch.plan import Task
from extractor.batch.worker import convert_task
from extractor.pipeline import ConversionResult


def convert_or_die(task: Task, ocr: str) -> ConversionResult:
    """Convert the task, unless its file is named crash*: then SIGKILL this process."""
    if task.filing.name.startswith("crash"):
        os.kill(os.getpid(), signal.SIGKILL)
    return convert_task(task, ocr)
