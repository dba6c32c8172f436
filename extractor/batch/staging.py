"""Results staged as files in a shared folder: what a remote worker writes and the single writer loads.

One JSON file per document, named after its content hash, written to a temporary name and renamed,
so a reader never sees half a file. A staged file stays until its document is committed to the store;
a run that was killed leaves its staged files behind and the next run loads them first.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from extractor.batch.plan import Task
from extractor.pipeline import ConversionResult

SUFFIX = ".result.json"
_FIELDS = ("source_path", "status", "record", "error", "pages", "timings", "findings", "inputs", "extractor",
           "extractor_version")


def result_to_json(document_id: str, result: ConversionResult) -> dict[str, Any]:
    """Return a rules-extractor result as plain JSON data, keyed by the document's content hash."""
    return {"document_id": document_id, **{name: getattr(result, name) for name in _FIELDS}}


def result_from_json(data: dict[str, Any]) -> tuple[str, ConversionResult]:
    """Return (document_id, result) from ``result_to_json`` data."""
    fields = {name: data[name] for name in _FIELDS}
    fields["inputs"] = tuple(fields["inputs"])
    return data["document_id"], ConversionResult(**fields)


def stage_result(folder: Path, task: Task, result: ConversionResult) -> Path:
    """Write the task's result into ``folder`` atomically; return the file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{task.document_id}{SUFFIX}"
    tmp = folder / f".{task.document_id}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(result_to_json(task.document_id, result), ensure_ascii=False), encoding="utf-8")
    tmp.replace(target)
    return target


def load_staged(path: Path) -> tuple[str, ConversionResult]:
    """Read one staged result; raise ValueError naming the file when it is not one."""
    try:
        return result_from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: not a staged result ({exc})") from exc


def staged_files(folder: Path) -> Iterator[Path]:
    """Yield the staged result files in ``folder`` (none when it does not exist), in name order."""
    if folder.is_dir():
        yield from sorted(folder.glob(f"*{SUFFIX}"))
