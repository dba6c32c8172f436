"""Load the versioned prompt files in ``prompts/`` by name and render them (``string.Template``).

A prompt file is ``<name>.v<N>.md``: a front matter block whose ``version:`` equals ``N``, then the
template with ``$placeholders``. ``render`` requires exactly the template's placeholders.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

PROMPTS_ENV = "YUSUAN_PROMPTS_DIR"
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


def prompts_dir() -> Path:
    """Return the prompt folder: ``$YUSUAN_PROMPTS_DIR`` or the repository's ``prompts/``."""
    override = os.environ.get(PROMPTS_ENV)
    return Path(override) if override else Path(__file__).resolve().parents[3] / "prompts"


def prompt_files(root: Path | None = None) -> dict[str, dict[int, Path]]:
    """Return every prompt file under the folder, by name then version."""
    found: dict[str, dict[int, Path]] = {}
    for path in sorted((root or prompts_dir()).glob("*.md")):
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
