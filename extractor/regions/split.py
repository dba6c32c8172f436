"""Split a text dump into regions: the tables, the performance cards and the prose around them."""

from __future__ import annotations

import re

from extractor.ingest.text import Line, TextDocument
from extractor.regions.classify import classify_title
from extractor.regions.model import Region

_SECTION_HEADING = re.compile(r"^[一二三四五六七八九十]+[、.]\S")
_PROSE_MARKS = ("情况说明",)


def title_kind(line: Line) -> str | None:
    """Return the region kind a line's title names (a table kind or "card"), else None."""
    return classify_title(title_text(line)) if line.cells else None


def title_text(line: Line) -> str:
    """Return the title a line may print: its first cell, or both its cells when a title letter-spaced
    in print (or read by OCR with gaps) came apart ("2019" | "年政府采购预算表")."""
    if len(line.cells) == 2 and classify_title(line.cells[0]) is None:
        joined = "".join(line.cells)
        if classify_title(joined) is not None:
            return joined
    return line.cells[0] if line.cells else ""


def is_prose_break(line: Line) -> bool:
    """Return True for a line that cannot belong to a table: a section heading or a sentence."""
    text = line.text
    if text.startswith("注") or len(line.cells) != 1:
        return False
    return bool(_SECTION_HEADING.match(text)) or any(m in text for m in _PROSE_MARKS) or "。" in text


def split_regions(doc: TextDocument) -> list[Region]:
    """Return the document's regions in printed order (every line in exactly one region)."""
    regions: list[Region] = []
    kind: str = "prose"
    table_kind: str | None = None
    title = ""
    current: list[Line] = []
    for line in doc.lines:
        found = title_kind(line)
        ends_table = kind == "table" and is_prose_break(line)
        ends_card = kind == "card" and _SECTION_HEADING.match(line.text) is not None
        if found or ends_table or ends_card:
            if current:
                regions.append(_region(kind, table_kind, title, current))
            current = []
            if found == "card":
                kind, table_kind, title = "card", None, line.text
            elif found:
                kind, table_kind, title = "table", found, title_text(line)
            else:
                kind, table_kind, title = "prose", None, ""
        current.append(line)
    if current:
        regions.append(_region(kind, table_kind, title, current))
    return regions


def _region(kind: str, table_kind: str | None, title: str, lines: list[Line]) -> Region:
    """A table title with nothing under it (a table named in the prose) is prose."""
    if kind == "table" and len(lines) == 1:
        return Region("prose", None, "", tuple(lines))
    return Region(kind, table_kind, title, tuple(lines))
