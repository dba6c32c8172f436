"""Load the versioned prompt files in ``prompts/`` by name and render them (``string.Template``).

The prompts ship inside the package as ``extractor.prompts`` and are read with ``importlib.resources``.

A prompt file is ``<name>.v<N>.md``: a front matter block whose ``version:`` equals ``N``, then the
template with ``$placeholders``. ``render`` requires exactly the template's placeholders.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

PROMPTS_ENV = "YUSUAN_PROMPTS_DIR"
PACKAGE = "extractor.prompts"  # the top-level prompts/ folder, mapped into the package (pyproject.toml)
PROMPT_NAMES: tuple[str, ...] = ("table", "performance_card", "narrative", "repair")

_FILE = re.compile(r"^(?P<name>[a-z_]+)\.v(?P<version>[0-9]+)\.md$")
_PINNED = re.compile(r"^(?P<name>[a-z_]+)\.v(?P<version>[0-9]+)$")
_FRONT_MATTER = re.compile(r"\A---\n(?P<meta>.*?)\n---\n(?P<body>.*)\Z", re.DOTALL)


class PromptError(ValueError):
    """A prompt file is missing or malformed, or a render got the wrong fields."""


@dataclass(frozen=True)
class Prompt:
    """One prompt file: its name, its version (from the front matter) and its template text."""

    name: str
    version: str
    template: str

    @property
    def fields(self) -> frozenset[str]:
        """Return the placeholders the template needs."""
        return frozenset(Template(self.template).get_identifiers())


def prompts_dir() -> Traversable:
    """Return the prompt folder: ``$YUSUAN_PROMPTS_DIR``, else the package data ``extractor.prompts``
    (the repository's ``prompts/``, shipped inside the wheel)."""
    override = os.environ.get(PROMPTS_ENV)
    if override:
        return Path(override)
    try:
        return files(PACKAGE)
    except ModuleNotFoundError as error:
        raise PromptError(f"package data {PACKAGE} is missing: reinstall yusuan (pip install -e .)") from error


def prompt_files(root: Traversable | None = None) -> dict[str, dict[int, Traversable]]:
    """Return every prompt file under the folder, by name then version."""
    found: dict[str, dict[int, Traversable]] = {}
    for path in sorted((root or prompts_dir()).iterdir(), key=lambda entry: entry.name):
        match = _FILE.match(path.name)
        if match:
            found.setdefault(match["name"], {})[int(match["version"])] = path
    return found


def load_prompt(name: str) -> Prompt:
    """Return the prompt ``name`` ("table": its newest version; "table.v1": that version)."""
    pinned = _PINNED.match(name)
    base = pinned["name"] if pinned else name
    versions = prompt_files().get(base)
    if not versions:
        raise PromptError(f"no prompt {base!r} in {prompts_dir()}")
    version = int(pinned["version"]) if pinned else max(versions)
    if version not in versions:
        raise PromptError(f"no version {version} of prompt {base!r}; known: {sorted(versions)}")
    return parse_prompt(base, versions[version].read_text(encoding="utf-8"), str(version))


def parse_prompt(name: str, text: str, expected_version: str) -> Prompt:
    """Split a prompt file into front matter and template; the version must match the file name."""
    match = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not match:
        raise PromptError(f"prompt {name!r} has no front matter block (---/version: N/---)")
    meta = dict(_meta_line(name, line) for line in match["meta"].splitlines() if line.strip())
    version = meta.get("version")
    if version != expected_version:
        raise PromptError(f"prompt {name!r} declares version {version!r}, its file name says {expected_version!r}")
    return Prompt(name, version, match["body"].strip() + "\n")


def _meta_line(name: str, line: str) -> tuple[str, str]:
    """Parse one ``key: value`` front matter line."""
    key, sep, value = line.partition(":")
    if not sep:
        raise PromptError(f"prompt {name!r}: front matter line {line!r} is not 'key: value'")
    return key.strip(), value.strip()


def render(prompt: Prompt, **fields: str) -> str:
    """Fill the template; raise PromptError naming any missing or unknown field."""
    missing = sorted(prompt.fields - fields.keys())
    unknown = sorted(fields.keys() - prompt.fields)
    if missing or unknown:
        raise PromptError(f"prompt {prompt.name!r}: missing fields {missing}, unknown fields {unknown}")
    return Template(prompt.template).substitute(fields)


#: The version of each prompt in use, by name (goes into cache keys and the call ledger).
PROMPT_VERSION: dict[str, str] = {name: load_prompt(name).version for name in PROMPT_NAMES}
