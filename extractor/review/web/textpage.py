"""A text source's page (a .txt dump, a Word file, a page's OCR text) as numbered lines, each with the rows read
from it, so the table view can light a row's lines as it lights a PDF row's box (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TextLine:
    """One line of the page's text: its 1-based number, its text, the keys of the rows read from it, and
    whether it lies inside the part shown."""

    number: int
    text: str
    row_keys: tuple[str, ...]
    in_part: bool


def _span(lines: Any) -> tuple[int, int] | None:
    if isinstance(lines, (list, tuple)) and len(lines) == 2 and all(isinstance(n, int) for n in lines):
        return int(lines[0]), int(lines[1])
    return None


def numbered_lines(page: Any, rows: Sequence[Any] = (), part_lines: Any = None) -> list[TextLine]:
    """Return the lines of a text page (its numbered ``lines`` if given, else its ``text`` numbered from 1), each
    with the keys of the rows whose ``lines`` span covers it; a line is ``in_part`` inside ``part_lines`` (else
    inside any row's span)."""
    owners: dict[int, list[str]] = {}
    for row in rows:
        span = _span(getattr(row, "lines", None))
        if span:
            for number in range(span[0], span[1] + 1):
                owners.setdefault(number, []).append(row.row_key)
    part = _span(part_lines)
    numbered = getattr(page, "lines", None)
    if numbered is None:
        numbered = list(enumerate((getattr(page, "text", None) or "").split("\n"), start=1))
    return [
        TextLine(number, line, tuple(owners.get(number, ())),
                 (part[0] <= number <= part[1]) if part else number in owners)
        for number, line in numbered
    ]
