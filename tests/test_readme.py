"""The README stays true about the repository: every path it names exists, and so does every module of its
folder-layout map."""

from __future__ import annotations

import re

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
#: A path into the repository written in backticks (`extractor/batch/`, `tests/test_batch.py`, ...).
_REPO_PATH = re.compile(r"`((?:extractor|tests|eval|schemas|prompts|examples|\.ci)/[\w./-]*)`")
_MODULE = re.compile(r"\b\w+\.py\b")


def test_every_path_the_readme_names_exists() -> None:
    named = sorted(set(_REPO_PATH.findall(README)))
    assert named, "no repository path found in the README"
    assert [path for path in named if not (REPO / path).exists()] == []


def layout_modules(text: str) -> list[str]:
    """Return the module paths the folder-layout map names: each `name.py` under the folder of its entry.

    The map is the code block after "The data flow is the folder layout:"; an entry starts at an indent of
    0, 2 or 4 spaces with a folder (`ingest/`) or a module, and its description may run on deeper lines.
    """
    block = text.split("The data flow is the folder layout:", 1)[1].split("```", 2)[1]
    folders: list[str] = []
    entry: list[str] = []
    modules = []
    for line in block.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        head = line.strip().split(" ", 1)[0] if line.strip() else ""
        if head and indent <= 4:
            depth = indent // 2
            folders = folders[:depth]
            if head.endswith("/"):
                folders.append(head.rstrip("/"))
            entry = list(folders)
        modules += ["/".join([*entry, name]) for name in _MODULE.findall(line)]
    return modules


def test_every_module_of_the_layout_map_is_where_the_map_puts_it() -> None:
    modules = layout_modules(README)
    assert "extractor/pipeline.py" in modules and "extractor/ingest/pdf.py" in modules
    assert [module for module in modules if not (REPO / module).is_file()] == []
