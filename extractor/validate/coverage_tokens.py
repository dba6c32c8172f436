"""The numbers a table region prints, as tokens the completeness checks account for (pure).

A token is a whitespace-delimited word of a cell that is wholly a number ("1,396.37", "654.30", "-12.5",
"2060101", "13"). Words mixing digits and text ("2025年", "冀财建[2024]269号", "95%") are not tokens:
they are dates, document numbers, percentages, never table amounts. Amounts a dump split with spaces
("1396 .37", "377. 33") are rejoined as the extractor rejoins them, and so is an amount a tab dump
wrapped to the same cell of the next line ("376." / "33").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from extractor.ingest.text import Line
from extractor.record.normalize import normalize_text
from extractor.record.numbers import join_split_numbers, parse_amount

_NUMBER = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?$")
_FORMATTED = re.compile(r"[.,]")
_NOTE = re.compile(r"^(注|说明|备注)[:：\d]")
_YEAR = re.compile(r"^(19|20)\d\d$")
#: How many lines below an amount cut at its decimal point its digits are looked for.
_WRAP_REACH = 8
_WRAPPED_DIGITS = re.compile(r"(?<=[\d,.])\n(?=[\d,.])")
#: A number followed by a unit word is prose ("4,312.17 万元，其中："), not a cell.
_UNITS = ("万元", "元", "亿元", "%")
_BLANK_MARKS = frozenset({"-", "—", "--", "——", "/", "－", "0"})
#: How close two amounts must be to be the same printed figure.
SAME = 0.005


@dataclass(frozen=True)
class Token:
    """One printed number of a region: where it stands (line index, cell, x centre) and what it reads."""

    line: int
    cell: int
    word: int  # position among the cell's words
    text: str
    value: float
    page: int
    span: tuple[float, float] | None = None  # the cell's x extent on the page, where the backend knows it
    order: int = 0  # position among the region's tokens

    @property
    def formatted(self) -> bool:
        """True for a figure printed as an amount (decimals or thousands separators), not a bare integer."""
        return bool(_FORMATTED.search(self.text))

    @property
    def zero(self) -> bool:
        """True for a printed zero: the contract reads 0 and blank alike."""
        return abs(self.value) < SAME


def cell_words(cell: str) -> list[str]:
    """Return a cell's words with split amounts rejoined ("1396 .37" is one word, and so is an amount a narrow
    cell wrapped over two lines: "910167" / "75.35")."""
    return join_split_numbers(_WRAPPED_DIGITS.sub("", cell.replace("−", "-")).split())


def _x_span(line: Line, cell: int) -> tuple[float, float] | None:
    box = line.boxes[cell] if cell < len(line.boxes) else None
    return None if box is None else (box[0], box[2])


def line_tokens(line: Line, index: int) -> list[Token]:
    """Return the number tokens of one line, in printed order."""
    tokens = []
    for cell, text in enumerate(line.cells):
        words = cell_words(text)
        for position, word in enumerate(words):
            if not _NUMBER.match(word) or (position + 1 < len(words) and words[position + 1].startswith(_UNITS)):
                continue
            value = parse_amount(word.rstrip("."))
            if value is not None:
                tokens.append(Token(index, cell, position, word, value, line.page, _x_span(line, cell)))
    return tokens


def region_tokens(lines: Sequence[Line]) -> tuple[Token, ...]:
    """Return every number token of a region's lines; an amount a tab dump wrapped ("376." then "33" in the
    same cell of a later line, page headers between) is one token (not on a PDF page, whose cells keep their
    wrapped lines, where "24.8" is a figure printed without its trailing zero). Cached: a filing's regions are checked
    against every record made of them (the mutation test checks thousands)."""
    return _region_tokens(tuple(lines))


@lru_cache(maxsize=256)
def _region_tokens(lines: tuple[Line, ...]) -> tuple[Token, ...]:
    per_line = [line_tokens(line, i) for i, line in enumerate(lines)]
    for i, tokens in enumerate(per_line):
        for k, token in enumerate(tokens):
            if _cut_short(token) and len(lines[i].cells) > 1 and not any(lines[i].boxes):
                tokens[k] = _join_wrapped(token, [
                    below for n, below in enumerate(per_line[i + 1: i + 1 + _WRAP_REACH], start=i + 1)
                    if not is_column_numbers(lines[n])])
    flat = [token for tokens in per_line for token in tokens]
    return tuple(replace(token, order=i) for i, token in enumerate(flat))


def _cut_short(token: Token) -> bool:
    """An amount cut at its decimal point ("376.") or after one decimal ("59.5", its "0" wrapped)."""
    head, dot, tail = token.text.partition(".")
    return bool(dot) and len(tail) < 2


def _join_wrapped(token: Token, below: list[list[Token]]) -> Token:
    digits = 1 if token.text.partition(".")[2] else 2
    for tokens in below:
        tail = next((t for t in tokens if t.cell == token.cell and t.text.isdigit() and len(t.text) == digits),
                    None)
        if tail is not None:
            tokens.remove(tail)
            text = token.text + tail.text
            return replace(token, text=text, value=float(text.replace(",", "")))
    return token


def is_column_numbers(line: Line) -> bool:
    """True for a 栏次 line: the column numbers 1, 2, 3 … (with or without its label)."""
    numbers = [w for cell in line.cells for w in cell.split() if w.isdigit()]
    return len(numbers) >= 3 and numbers == [str(n) for n in range(int(numbers[0]), int(numbers[0]) + len(numbers))]


def tail_figures(line: Line) -> set[tuple[int, int]]:
    """The (cell, word) positions of the figures a line ends with: the run of numbers (and blank marks)
    after its last word of text — a row's values, where its 序号 and code stand before its name."""
    words = [(c, w, word) for c, text in enumerate(line.cells) for w, word in enumerate(cell_words(text))]
    run: set[tuple[int, int]] = set()
    for cell, position, word in reversed(words):
        if _NUMBER.match(word):
            run.add((cell, position))
        elif word not in _BLANK_MARKS:
            break
    return run


def is_note_line(line: Line) -> bool:
    """True for a note printed under a table (注：…, 说明：…): its figures are prose, not cells."""
    return bool(_NOTE.match(normalize_text(line.text)))


def is_year(token: Token) -> bool:
    """True for a bare four-digit year (预算年度 2025)."""
    return not token.formatted and bool(_YEAR.match(token.text))


def is_code_shaped(token: Token) -> bool:
    """True for a bare integer of 3, 5 or 7 digits (a classification code) or a 6-digit agency code."""
    return not token.formatted and len(token.text.lstrip("-")) in (3, 5, 6, 7)
