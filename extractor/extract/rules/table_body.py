"""Table bodies: drop repeated page headers and 栏次 rows, and assemble numbered rows.

A standard table prints a header block (agency line, 序号, column headings, the 栏次 row of
column numbers) on every page, then rows numbered 1..N. A row broken by a page break continues
on the next page without its number; its cells are rejoined with the cells above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.ingest.text import Line
from extractor.record.normalize import HANZI

_COLUMN_LABEL = re.compile(rf"^[{HANZI}]{{1,3}}$")
_PLACEHOLDER = re.compile(r"^[*＊]+$")
_PAGE_HEADER_WORDS = ("预算年度", "单位:万元", "单位:元", "单位:千元", "金额单位")
_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.])")
_AGENCY = re.compile(rf"^(\d{{3,6}})\s*[{HANZI}]")
_SEQ = re.compile(r"^(\d{1,3})(?:\s+|$)")


@dataclass
class RawRow:
    """A numbered table row: its cells (delimited layouts) or its printed lines (plain layout)."""

    seq: int | None
    cells: list[str]
    lines: list[Line] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Return the row text with cells separated by single spaces."""
        return " ".join(c for c in self.cells if c)

    def provenance(self, method: str = "rules") -> dict:
        """Return where the row was printed: its line span and first page (and ``source: ocr`` if OCR read it)."""
        numbers = [line.number for line in self.lines]
        out: dict = {"method": method, "lines": [min(numbers), max(numbers)] if numbers else [],
                     "page": self.lines[0].page if self.lines else None}
        if any(line.origin == "ocr" for line in self.lines):
            out["source"] = "ocr"
        return out


@dataclass(frozen=True)
class TableBody:
    """A table's header lines (first page), its rows, and the note lines printed under it."""

    header: tuple[Line, ...]
    rows: tuple[RawRow, ...]
    notes: tuple[str, ...]
    column_count: int


def column_numbers(line: Line) -> int:
    """Return n when the line is a 栏次 row numbering the columns 1..n, else 0."""
    tokens = line.text.split()
    while tokens and _PLACEHOLDER.match(tokens[0]):
        tokens = tokens[1:]  # "** ** 1 2 3": the label columns of a 栏次 row marked with asterisks
    if tokens and not tokens[0].isdigit():
        if not _COLUMN_LABEL.match(tokens[0]):
            return 0
        tokens = tokens[1:]
    if len(tokens) < 3 or tokens != [str(i) for i in range(1, len(tokens) + 1)]:
        return 0
    return len(tokens)


def is_page_header(line: Line) -> bool:
    """Return True for the agency/year/unit line repeated at the top of every page."""
    compact = line.text.replace(" ", "")
    return any(word in compact for word in _PAGE_HEADER_WORDS)


def split_body(lines: tuple[Line, ...], delimited: bool) -> TableBody:
    """Return the header, numbered rows and notes of a table region's lines (title excluded)."""
    header: list[Line] = []
    rows: list[RawRow] = []
    notes: list[str] = []
    in_body, seen_body, columns = False, False, 0
    repeated: set[str] = set()  # first-page header lines: seen again, they open a repeated header
    agencies: set[str] = set()  # agency codes printed before the agency name in the header
    after_break = False
    for line in lines:
        if line.text.startswith("注"):
            notes.append(line.text)
            continue
        n = column_numbers(line)
        if n:
            in_body, seen_body, columns = True, True, max(columns, n)
            continue
        if seen_body and (is_page_header(line) or _compact(line) in repeated
                          or _agency_line(line, agencies, rows)):
            in_body, after_break = False, True
            continue
        if not in_body:
            if not seen_body:
                header.append(line)
                repeated.add(_compact(line))
                agencies.update(_AGENCY.findall(line.text))
            continue
        _add_line(rows, line, delimited, after_break)
        after_break = False
    if not seen_body:
        return _unnumbered_body(lines, notes)
    return TableBody(tuple(header), tuple(rows), tuple(notes), columns)


def _compact(line: Line) -> str:
    return "".join(line.text.split())


def _unnumbered_body(lines: tuple[Line, ...], notes: list[str]) -> TableBody:
    """A table without a 栏次 row: header until the first line printing a decimal amount, then a row a line."""
    start = next((i for i, line in enumerate(lines) if _DECIMAL.search(line.text)
                  and not line.text.startswith("注")), len(lines))
    rows = [RawRow(None, list(line.cells), [line]) for line in lines[start:]
            if not line.text.startswith("注") and not is_page_header(line)]
    return TableBody(tuple(lines[:start]), tuple(rows), tuple(notes), 0)


def _expected_seq(rows: list[RawRow]) -> int:
    return rows[-1].seq + 1 if rows and rows[-1].seq is not None else 1


def _agency_line(line: Line, agencies: set[str], rows: list[RawRow]) -> bool:
    """Return True for a repeated agency line ("350 某局") that is not the next numbered row."""
    found = _AGENCY.match(line.text)
    return found is not None and found.group(1) in agencies and int(found.group(1)) != _expected_seq(rows)


def _add_line(rows: list[RawRow], line: Line, delimited: bool, after_break: bool) -> None:
    expected = _expected_seq(rows)
    seq = _leading_seq(line, delimited)
    if seq == expected or (seq is not None and not rows):
        rows.append(_new_row(seq, line, delimited))
    elif rows:
        _continue_row(rows[-1], line, delimited, after_break)


def _leading_seq(line: Line, delimited: bool) -> int | None:
    if delimited:
        first = line.cells[0].strip()
        return int(first) if first.isdigit() and len(first) <= 3 else None
    match = _SEQ.match(line.text)
    return int(match.group(1)) if match else None


def _new_row(seq: int | None, line: Line, delimited: bool) -> RawRow:
    if delimited:
        return RawRow(seq, list(line.cells[1:]), [line])
    return RawRow(seq, [_SEQ.sub("", line.text, count=1)], [line])


def _continue_row(row: RawRow, line: Line, delimited: bool, after_break: bool) -> None:
    """Append a line without a row number: cell-wise after a page break, else as wrapped text."""
    row.lines.append(line)
    if not delimited:
        last, tokens = row.cells[-1].split(), line.text.split()
        if after_break and len(last) == len(tokens) and (last[-1].endswith(".") or tokens[0].isdigit()):
            row.cells[-1] = " ".join(a + b for a, b in zip(last, tokens))
        else:
            row.cells.append(line.text)
        return
    cells = list(line.cells[1:])
    for i, cell in enumerate(cells):
        if i < len(row.cells):
            row.cells[i] = f"{row.cells[i]}{cell}" if cell else row.cells[i]
        else:
            row.cells.append(cell)
