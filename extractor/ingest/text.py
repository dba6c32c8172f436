"""Text-dump backend: read an OCR'd / exported text dump into lines of cells.

Three dump layouts occur in the wild and are told apart by their tabs:
- ``plain``: one printed line per text line, cells separated only by spaces (PDF text dumps);
- ``tsv``: one table row per line, cells separated by tabs (spreadsheet-style exports);
- ``word``: one cell per line, each cell line starting with a tab and rows separated by blank
  lines (Word exports); a line without the leading tab continues the cell above it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from extractor.record.normalize import fold_text


class IngestError(ValueError):
    """The file cannot be read as a filing (one line, names the reason)."""


@dataclass(frozen=True)
class Line:
    """One printed row: its cells (one cell when the dump keeps no cell boundaries)."""

    number: int
    page: int
    cells: tuple[str, ...]
    #: Page-space boxes (x0, y0, x1, y1) of the cells, where the backend knows positions (PDF).
    boxes: tuple[tuple[float, float, float, float] | None, ...] = ()
    #: How the line was read: "text" (a dump or a text layer) or "ocr" (recognised from the page image).
    origin: str = "text"
    #: Per cell of a ruled grid, how far its text is indented from the cell's left rule, in character heights.
    indents: tuple[float | None, ...] = ()

    @property
    def text(self) -> str:
        """Return the row as one string with single spaces between non-empty cells."""
        return " ".join(c for c in self.cells if c)


@dataclass(frozen=True)
class TextDocument:
    """A filing split into lines; ``layout`` is plain, tsv, word (text dumps), pdf or docx."""

    path: str
    layout: str
    lines: tuple[Line, ...]
    #: Pages (1-based) read by OCR instead of a text layer.
    ocr_pages: tuple[int, ...] = ()
    #: Pages in the source, where the backend knows (PDF); otherwise counted from the lines.
    pages: int = 0

    @property
    def page_count(self) -> int:
        """Return the number of pages (1 when a dump has no page marks)."""
        return self.pages or max((line.page for line in self.lines), default=1)


_BOM = "\ufeff"
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_PAGE_NUMBER = re.compile(r"^\s*-?\s*\d{1,3}\s*-?\s*$")


def decode_dump(data: bytes, path: str) -> str:
    """Return the text of a dump, trying UTF-8 then GB18030; raise IngestError if neither fits."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding).lstrip(_BOM)
        except UnicodeDecodeError:
            continue
    raise IngestError(f"{path}: not a text file (neither UTF-8 nor GB18030)")


def detect_layout(raw_lines: list[str]) -> str:
    """Return ``word``, ``tsv`` or ``plain`` from how tabs are used in the lines."""
    nonblank = [ln for ln in raw_lines if ln.strip()]
    if not nonblank:
        return "plain"
    lead_only = sum(1 for ln in nonblank if ln.startswith("\t") and "\t" not in ln[1:])
    inner = sum(1 for ln in nonblank if "\t" in ln.lstrip("\t"))
    if lead_only > 0.3 * len(nonblank) and lead_only > inner:
        return "word"
    if inner > 0.05 * len(nonblank):
        return "tsv"
    return "plain"


def _clean(cell: str) -> str:
    return _BOOKMARK.sub("", fold_text(cell)).strip()


def _plain_lines(raw_lines: list[str]) -> list[Line]:
    """A line that starts with a space opens a new page in PDF text dumps."""
    lines, page = [], 1
    for number, raw in enumerate(raw_lines, start=1):
        if "\f" in raw or (raw.startswith(" ") and raw.strip() and number > 1):
            page += 1
        text = _clean(raw.replace("\f", ""))
        if text:
            lines.append(Line(number, page, (text,)))
    return lines


def _tsv_lines(raw_lines: list[str]) -> list[Line]:
    lines, page = [], 1
    for number, raw in enumerate(raw_lines, start=1):
        if "\f" in raw:
            page += 1
        cells = tuple(_clean(c) for c in raw.replace("\f", "").split("\t"))
        if any(cells):
            lines.append(Line(number, page, _trim_trailing(cells)))
    return lines


def _trim_trailing(cells: tuple[str, ...]) -> tuple[str, ...]:
    end = len(cells)
    while end > 1 and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _word_lines(raw_lines: list[str]) -> list[Line]:
    """Group one-cell-per-line blocks into rows; untabbed lines continue the cell above."""
    lines: list[Line] = []
    block: list[str] = []
    start, page = 0, 1
    for number, raw in enumerate([*raw_lines, ""], start=1):
        if "\f" in raw:
            page += 1
        raw = raw.replace("\f", "")
        if raw.strip() == "" and not raw.startswith("\t"):
            if block:
                lines.extend(_word_block(block, start, page))
            block = []
            continue
        if not block:
            start = number
        block.append(raw)
    return lines


def _word_block(block: list[str], start: int, page: int) -> list[Line]:
    """Turn a block into rows: leading untabbed lines are prose lines, the last one opens the row."""
    lead = next((i for i, raw in enumerate(block) if raw.startswith("\t")), len(block))
    prose = block[: max(lead - 1, 0)] if lead < len(block) else block
    lines = [Line(start + i, page, (_clean(raw),)) for i, raw in enumerate(prose)
             if _clean(raw) and not _PAGE_NUMBER.match(raw)]
    if lead == len(block):
        return lines
    cells: list[str] = []
    for raw in block[len(prose):]:
        if raw.startswith("\t") or not cells:
            cells.append(raw[1:] if raw.startswith("\t") else raw)
        else:
            cells[-1] = f"{cells[-1]}\n{raw}"
    folded = tuple(_clean(c) for c in cells)
    if any(folded):
        lines.append(Line(start + len(prose), page, _trim_trailing(folded)))
    return lines


def parse_dump(text: str, path: str = "<text>") -> TextDocument:
    """Return the dump's lines of cells, page-numbered where the dump marks pages."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    layout = detect_layout(raw_lines)
    builders = {"plain": _plain_lines, "tsv": _tsv_lines, "word": _word_lines}
    return TextDocument(path, layout, tuple(builders[layout](raw_lines)))


def read_text_dump(path: Path) -> TextDocument:
    """Read a text dump from disk; raise IngestError naming the file on any read problem."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise IngestError(f"{path}: empty file")
    if b"\x00" in data[:4096]:
        raise IngestError(f"{path}: binary file, not a text dump")
    return parse_dump(decode_dump(data, str(path)), str(path))
