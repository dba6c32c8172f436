"""What the model is shown of a region, and what the answer is checked against: the printed text.

Pure functions over a Region: the delimited prompt text (line numbers, cells joined with " | "), the
numbers the region prints, and the line each answered row came from (provenance).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from extractor.ingest.text import Line
from extractor.record.normalize import fold_text, normalize_name, normalize_text
from extractor.regions.model import Region

METHOD = "llm"

_DELIMITER = re.compile(r"<(/?)\s*filing_text", re.IGNORECASE)
_DEFUSED = r"(\1filing-text"  # a tag inside the filing cannot close the quoted data early
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
#: A number a text dump split at its decimal point: "1396 .37" or "1396. 37".
_SPLIT_NUMBER = re.compile(r"(\d+)\s+(\.\d+)|(\d+\.)\s+(\d+)")
_PLACES = 6


def region_text(region: Region) -> str:
    """Return the region as prompt text: ``L<line> p<page>: cell | cell``, delimiter tags defused."""
    return "\n".join(_line_text(line) for line in region.lines)


def _line_text(line: Line) -> str:
    cells = _DELIMITER.sub(_DEFUSED, " | ".join(line.cells))
    return f"L{line.number} p{line.page}: {cells}"


def text_hash(text: str) -> str:
    """Return the sha256 hex digest of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def number_key(value: float) -> float:
    """Return the comparison form of an amount: unsigned, rounded to six places (sign is semantics)."""
    return round(abs(float(value)), _PLACES)


def printed_numbers(lines: Iterable[Line]) -> frozenset[float]:
    """Return every number the lines print ("1,234.50", "1234.5", "1396 .37"), in comparison form."""
    found: set[float] = set()
    for line in lines:
        for cell in line.cells:
            found |= cell_numbers(cell)
    return frozenset(found)


def cell_numbers(cell: str) -> set[float]:
    """Return the numbers printed in one cell, in comparison form."""
    text = fold_text(cell)
    found = {number_key(float(match.replace(",", ""))) for match in _NUMBER.findall(text)}
    for match in _SPLIT_NUMBER.finditer(text):
        found.add(number_key(float("".join(part for part in match.groups() if part))))
    return found


def region_provenance(region: Region) -> dict[str, Any]:
    """Return the provenance of a whole region (a card, or a row that cannot be placed on a line)."""
    pages = region.pages
    return {"method": METHOD, "lines": list(region.line_span), "page": pages[0] if pages else None}


def table_provenance(region: Region) -> dict[str, Any]:
    """Return a table's own provenance: its line span and pages, as the rules extractor gives it."""
    return {"method": METHOD, "lines": list(region.line_span), "pages": list(region.pages)}


def row_provenances(rows: Sequence[Mapping[str, Any]], region: Region) -> list[dict[str, Any]]:
    """Return one provenance per row: the printed line that carries its name and numbers."""
    index = _LineIndex(region.lines)
    start = 0
    out: list[dict[str, Any]] = []
    for row in rows:
        found = index.find(row, start)
        if found is None:
            out.append(region_provenance(region))
            continue
        start = found
        line = region.lines[found]
        out.append({"method": METHOD, "lines": [line.number, line.number], "page": line.page})
    return out


class _LineIndex:
    """The lines of a region with their normalised text and numbers, for placing rows on lines."""

    def __init__(self, lines: Sequence[Line]) -> None:
        self.texts = [normalize_text(line.text) for line in lines]
        self.numbers = [printed_numbers([line]) for line in lines]

    def find(self, row: Mapping[str, Any], start: int) -> int | None:
        """Return the best line for a row, searching from ``start`` on and then before it."""
        name = normalize_name(str(row.get("name") or "")).split("/")[-1]
        values = row.get("values")
        values = values if isinstance(values, Mapping) else {}
        wanted = {number_key(v) for v in values.values() if _amount(v) and v != 0}
        order = [*range(start, len(self.texts)), *range(0, start)]
        scored = [(self._score(i, name, wanted), -position, i) for position, i in enumerate(order)]
        best = max(scored, default=(0, 0, None))
        return best[2] if best[0] > 0 else None

    def _score(self, i: int, name: str, wanted: set[float]) -> int:
        named = bool(name) and name in self.texts[i]
        numbered = bool(wanted) and wanted <= self.numbers[i]
        return 2 * named + numbered


def _amount(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
