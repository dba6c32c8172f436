"""OCR look-alikes in numbers, pure: "1O2.5" → "102.5", "3,767,295,58" → "3,767,295.58".

Two steps around extraction. ``propose_repairs`` rewrites, on OCR'd lines only, each cell that reads
as a whole amount once look-alike characters and separators are repaired. ``confirm_repairs`` then
keeps a repaired figure in the record only where the accounting identities confirm it (the record
has fewer error findings with the figure than without it); otherwise the figure is left out. Either
way the row's provenance says so (method ``ocr``) and keeps the raw text.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from extractor.ingest.text import TextDocument
from extractor.record.numbers import parse_amount

#: Characters OCR confuses with digits, and the digit they stand for.
DIGIT_LOOKALIKES = {"O": "0", "o": "0", "〇": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1", "i": "1",
                    "!": "1", "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "g": "9", "q": "9"}
_SEPARATORS = {"，": ",", "、": ",", "。": ".", "·": ".", "．": ".", "'": ",", "`": ","}
_SHAPE = re.compile(r"^[-−]?[0-9OoDQlI|i!ZzSsBgq〇，、。·．'`,.\s]+$")


def repair_amount(text: str) -> str | None:
    """Return the cell text with look-alike characters and separators repaired when that makes it a
    printed amount, else None (the text already parses, or cannot be made to)."""
    stripped = text.strip()
    if not stripped or parse_amount(stripped) is not None or not _SHAPE.match(stripped):
        return None
    digits = sum(ch.isdigit() for ch in stripped)
    if digits < 2 or digits < 0.6 * sum(not ch.isspace() and ch not in ",." for ch in stripped):
        return None
    candidate = "".join(DIGIT_LOOKALIKES.get(ch, _SEPARATORS.get(ch, ch)) for ch in stripped)
    candidate = re.sub(r"(?<=[\d,.])\s+(?=[\d,.])", "", candidate)
    candidate = _decimal_point(candidate)
    return candidate if parse_amount(candidate) is not None else None


def _decimal_point(text: str) -> str:
    """Fix the separators of a number read with the wrong ones: a last comma before two digits is the
    decimal point ("295,58"); several points are thousands separators but the last ("3.767.295.58")."""
    if "." not in text and re.search(r",\d{2}$", text):
        head, _, tail = text.rpartition(",")
        return f"{head}.{tail}"
    if text.count(".") > 1:
        head, _, tail = text.rpartition(".")
        return f"{head.replace('.', ',')}.{tail}"
    return text


def repair_cells(cells: tuple[str, ...]) -> tuple[str, ...] | None:
    """Return the cells with amounts repaired, or None when no cell needed it."""
    repaired = tuple(repair_amount(cell) or cell for cell in cells)
    return repaired if repaired != cells else None


@dataclass(frozen=True)
class Repair:
    """One cell of an OCR'd line read as a number only after repair."""

    line: int
    cell: int
    raw: str
    text: str
    value: float


def propose_repairs(doc: TextDocument) -> tuple[TextDocument, list[Repair]]:
    """Return the document with repairable amounts on OCR'd lines rewritten, and the repairs made."""
    if not doc.ocr_pages:
        return doc, []
    lines, repairs = [], []
    for line in doc.lines:
        fixed = repair_cells(line.cells) if line.origin == "ocr" else None
        if fixed is None:
            lines.append(line)
            continue
        for i, (raw, text) in enumerate(zip(line.cells, fixed)):
            if raw != text:
                repairs.append(Repair(line.number, i, raw, text, parse_amount(text) or 0.0))
        lines.append(replace(line, cells=fixed))
    return replace(doc, lines=tuple(lines)), repairs


Check = Callable[[Mapping[str, Any]], list]


def confirm_repairs(record: dict, repairs: list[Repair], check: Check) -> dict:
    """Return the record keeping each repaired figure only where the identities confirm it."""
    if not repairs:
        return record
    out = copy.deepcopy(record)
    for repair in repairs:
        for part, holder, key in _places(out, repair):
            with_figure = _errors(check(out))
            value = holder.pop(key)
            confirmed = with_figure < _errors(check(out))
            if confirmed:
                holder[key] = value
            provenance = part.setdefault("provenance", {})
            provenance["method"] = "ocr"
            provenance.setdefault("ocr_repairs", []).append(
                {"key": key, "raw": repair.raw, "value": repair.value, "confirmed": confirmed})
    return out


def _errors(findings: list) -> int:
    return sum(1 for f in findings if f.get("severity") == "error")


def _places(record: dict, repair: Repair) -> Iterator[tuple[dict, dict, str]]:
    """Yield (part, dict holding the figure, key) for the repaired figure in the parts printed on its line."""
    parts = [row for table in record.get("tables") or [] for row in table.get("rows") or []]
    parts += list(record.get("performance_cards") or [])
    for part in parts:
        lines = (part.get("provenance") or {}).get("lines") or []
        if len(lines) == 2 and lines[0] <= repair.line <= lines[1]:
            for holder, key in _numbers(part):
                if abs(holder[key] - repair.value) < 0.005:
                    yield part, holder, key


def _numbers(node: Any) -> Iterator[tuple[dict, str]]:
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if key == "provenance":
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                yield node, key
            else:
                yield from _numbers(value)
    elif isinstance(node, list):
        for item in node:
            yield from _numbers(item)


__all__ = ["DIGIT_LOOKALIKES", "Repair", "confirm_repairs", "propose_repairs", "repair_amount", "repair_cells"]
