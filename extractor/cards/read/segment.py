"""Read step, plain dumps: split the text of one indicator row of a plain PDF dump into its cells.

A plain dump keeps no cell boundaries: "展馆面积 儿童自行车展馆租赁面积 1200 平方米 年度工作计划" must
become level3 / description / value / basis. The dump prints a row's cells in column order;
cells on the same baseline share a line (separated by spaces, which also occur inside cells), and a
wrapped cell occupies lines of its own. The row is therefore cut into at most four cells by trying
every set of cut points and keeping the most plausible one, where plausibility says:

- a space between two ideographs is usually a cell boundary, a space next to a digit usually is not,
  and a number is never parted from the unit after it ("1200 | 平方米");
- a cell that wraps over several lines owns those lines alone, and its lines read like a wrap (no
  continuation line wider than the line it continues);
- the value column holds a value (comparator, number with unit, percentage, date) and the other
  columns do not;
- where the dump separates the lines of a wrapped cell by blank lines (and others not), a line
  that directly follows the one above starts a new cell.

``split_rows`` also parts several rows printed under one merged level2 cell, at line starts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

#: The cells of an indicator row after its level1/level2 cells, in printed order.
ROW_SLOTS = ("level3", "description", "value", "basis")
_VALUE_SLOT = ROW_SLOTS.index("value")
_MAX_TOKENS = 30
_MAX_LINES = 16
_MAX_ROW_LINES = 8

_COMPARATOR = r"(?:[≥≤<>=]=?|大于等于|小于等于|不低于|不高于|不少于|不多于|不超过|大于|小于|高于|低于|超过|达到|约)"
_QUANTITY = re.compile(
    rf"^{_COMPARATOR}?\d+(?:\.\d+)?(?:%|‰|[^\d\s(（]{{1,5}})?(?:[(（][^)）]*[)）])?$"
)
_DATE = re.compile(r"^\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?[^\d]{0,4}$")
_UNIT_START = frozenset("年月日天时周号万亿元角个家人次项名件台辆套场期批篇份户所座处条种间米吨亩分倍%‰平公千立小")
_OPENING = frozenset("、，,:：;；(（《“‘[【")
_CLOSING = frozenset("，,。、;；)）》”’]】")

# Plausibility weights (scores are summed; the best segmentation wins).
_CUT_BEFORE_UNIT = -3.0
_CUT_WEAK_SPACE = -1.5
_CUT_BEFORE_NUMBER = -0.5
_KEEP_STRONG_SPACE = -1.0
_KEEP_TIGHT_BREAK = -1.5
_BAD_WRAP = -4.0
_UNEVEN_WRAP = -2.0
_VALUE_PATTERN = 3.0
_VALUE_SHORT_DIGITS = 2.0
_VALUE_SHORT_TEXT = 1.0
_NUMBER_OUTSIDE_VALUE = -3.0
_EMPTY_SLOT = -2.0
_LEVEL3_LENGTH = -0.02
_NEW_ROW = -1.0
_WRAP_TOLERANCE = 1
_CUT_SCORES = {"unit": _CUT_BEFORE_UNIT, "number": _CUT_BEFORE_NUMBER, "weak": _CUT_WEAK_SPACE, "strong": 0.0}


@dataclass(frozen=True)
class _Token:
    text: str
    line: int  # index of the printed line the token is on


def display_width(text: str) -> int:
    """Return the printed width of text: two for wide (CJK) characters, one otherwise, spaces free."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text if not c.isspace())


def value_score(text: str) -> float:
    """Return how much a cell reads like an indicator value (0 for plain prose)."""
    compact = re.sub(r"\s+", "", text)
    if _QUANTITY.match(compact) or _DATE.match(compact):
        return _VALUE_PATTERN
    has_digit = any(c.isdigit() for c in compact)
    if has_digit and len(compact) <= 10 and not any(c in compact for c in "[【号"):
        return _VALUE_SHORT_DIGITS
    if not has_digit and len(compact) <= 8:
        return _VALUE_SHORT_TEXT
    return 0.0


def is_quantity(text: str) -> bool:
    """Return True when a cell is a bare quantity ("≥95%", "2 家", "600")."""
    return bool(_QUANTITY.match(re.sub(r"\s+", "", text)))


@dataclass(frozen=True)
class RowSplit:
    """The best segmentation of one row: its cells, its plausibility and how well its value reads."""

    score: float
    cells: dict[str, str | None]
    value_score: float
    filled: int


def split_row(
    lines: Sequence[Sequence[str]], starts_mid_line: bool = False, tight: Sequence[bool] | None = None
) -> dict[str, str | None]:
    """Return the row's cells keyed by ROW_SLOTS from its printed lines of space-separated tokens.

    ``starts_mid_line`` says the first line began with level cells, so it cannot be part of a wrap.
    ``tight[i]`` says line i followed line i-1 with no blank line between; PDF dumps put blank lines
    between the lines of a wrapped cell, so a tight line break is likely a cell boundary.
    """
    return best_split(lines, starts_mid_line, tight).cells


def split_rows(
    lines: Sequence[Sequence[str]], starts_mid_line: bool = False, tight: Sequence[bool] | None = None
) -> list[dict[str, str | None]]:
    """Like split_row, but the lines may hold several rows printed under one merged level2 cell.

    Rows start at line starts; a split into several rows is kept only when every row has all its
    cells (the basis may be blank) with a value-like value, and the rows read better than one row.
    """
    single = best_split(lines, starts_mid_line, tight)
    if not 2 <= len(lines) <= _MAX_LINES:
        return [single.cells]
    memo: dict[tuple[int, int], RowSplit] = {}

    def part(i: int, j: int) -> RowSplit:
        if (i, j) not in memo:
            part_tight = None if tight is None else [False, *tight[i + 1 : j]]
            memo[(i, j)] = best_split(lines[i:j], starts_mid_line and i == 0, part_tight)
        return memo[(i, j)]

    best: dict[int, tuple[float, list[RowSplit]]] = {0: (0.0, [])}
    for j in range(1, len(lines) + 1):
        options = [
            (best[i][0] + part(i, j).score + _NEW_ROW, [*best[i][1], part(i, j)])
            for i in range(max(0, j - _MAX_ROW_LINES), j) if i in best and _complete_row(part(i, j))
        ]
        if options:
            best[j] = max(options, key=lambda option: option[0])
    multi = best.get(len(lines))
    if multi is None or len(multi[1]) < 2 or multi[0] <= single.score + _NEW_ROW:
        return [single.cells]
    return [row.cells for row in multi[1]]


def _complete_row(split: RowSplit) -> bool:
    return split.value_score >= _VALUE_SHORT_TEXT and split.filled >= len(ROW_SLOTS) - 1


def best_split(
    lines: Sequence[Sequence[str]], starts_mid_line: bool = False, tight: Sequence[bool] | None = None
) -> RowSplit:
    """Return the most plausible segmentation of one row's printed lines (see split_row)."""
    tokens = [_Token(t, i) for i, line in enumerate(lines) for t in line if t]
    if not tokens:
        return RowSplit(0.0, dict.fromkeys(ROW_SLOTS), 0.0, 0)
    if len(tokens) > _MAX_TOKENS:
        return RowSplit(-100.0, _fallback(tokens), 0.0, 0)
    widths = _line_widths(lines)
    best: tuple[float, list[tuple[int, int]], tuple[int, ...]] | None = None
    count = len(tokens)
    for cells in range(max(1, min(count, len(ROW_SLOTS)) - 1), min(count, len(ROW_SLOTS)) + 1):
        for cuts in combinations(range(1, count), cells - 1):
            groups = _groups(count, cuts)
            base = _cut_score(tokens, set(cuts), tight) + _wrap_score(tokens, groups, widths, starts_mid_line)
            for slots in combinations(range(len(ROW_SLOTS)), cells):
                score = base + _content_score(tokens, groups, slots)
                if best is None or score > best[0] + 1e-9:
                    best = (score, groups, slots)
    assert best is not None
    score, groups, slots = best
    row: dict[str, str | None] = dict.fromkeys(ROW_SLOTS)
    for (start, end), slot in zip(groups, slots, strict=True):
        row[ROW_SLOTS[slot]] = _cell_text(tokens[start:end])
    value = value_score(row["value"]) if row["value"] else 0.0
    return RowSplit(score, row, value, len(slots))


def _fallback(tokens: list[_Token]) -> dict[str, str | None]:
    """A stream too long to search: one cell per printed line, the rest joined into the basis."""
    by_line: dict[int, list[str]] = {}
    for token in tokens:
        by_line.setdefault(token.line, []).append(token.text)
    texts = [" ".join(v) for v in by_line.values()]
    head, tail = texts[: len(ROW_SLOTS) - 1], texts[len(ROW_SLOTS) - 1 :]
    row: dict[str, str | None] = dict.fromkeys(ROW_SLOTS)
    for slot, text in zip(ROW_SLOTS, [*head, "".join(tail)], strict=False):
        row[slot] = text or None
    return row


def _line_widths(lines: Sequence[Sequence[str]]) -> list[int]:
    return [display_width("".join(line)) for line in lines]


def _groups(count: int, cuts: tuple[int, ...]) -> list[tuple[int, int]]:
    bounds = [0, *cuts, count]
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]


def _cell_text(tokens: Sequence[_Token]) -> str:
    """Join a cell's tokens: spaces within a printed line, nothing across a wrap."""
    text = tokens[0].text
    for previous, token in zip(tokens, tokens[1:], strict=False):
        text += (" " if token.line == previous.line else "") + token.text
    return text.strip()


def _space_kind(left: str, right: str) -> str:
    """Classify the space between two tokens: "unit" (number then its unit), "number" (text then a
    number, often a value), "weak" (next to Latin letters, digits or inner punctuation) or "strong"."""
    a, b = left[-1], right[0]
    if a.isdigit() and b in _UNIT_START:
        return "unit"
    if b.isdigit() and not (a.isascii() and a.isalnum()) and a not in _OPENING:
        return "number"
    if (a.isascii() and a.isalnum()) or (b.isascii() and b.isalnum()) or a in _OPENING or b in _CLOSING:
        return "weak"
    return "strong"


def _cut_score(tokens: list[_Token], cuts: set[int], tight: Sequence[bool] | None) -> float:
    score = 0.0
    for j in range(1, len(tokens)):
        if tokens[j].line != tokens[j - 1].line:
            if j not in cuts and tight is not None and tight[tokens[j].line]:
                score += _KEEP_TIGHT_BREAK
            continue
        kind = _space_kind(tokens[j - 1].text, tokens[j].text)
        if j in cuts:
            score += _CUT_SCORES[kind]
        elif kind == "strong":
            score += _KEEP_STRONG_SPACE
    return score


def _wrap_score(
    tokens: list[_Token], groups: list[tuple[int, int]], widths: list[int], starts_mid_line: bool
) -> float:
    """Penalise a multi-line cell that shares a line with another cell or does not read like a wrap."""
    score = 0.0
    for start, end in groups:
        first, last = tokens[start].line, tokens[end - 1].line
        if first == last:
            continue
        owns_first = (start == 0 and not starts_mid_line) or tokens[start - 1].line != first
        owns_last = end == len(tokens) or tokens[end].line != last
        if not (owns_first and owns_last):
            score += _BAD_WRAP
        span = widths[first : last + 1]
        if any(later > earlier + _WRAP_TOLERANCE for earlier, later in zip(span, span[1:], strict=False)):
            score += _UNEVEN_WRAP
        if any(abs(w - span[0]) > 2 * _WRAP_TOLERANCE + 2 for w in span[1:-1]):
            score += _UNEVEN_WRAP
    return score


def _content_score(tokens: list[_Token], groups: list[tuple[int, int]], slots: tuple[int, ...]) -> float:
    score = _EMPTY_SLOT * (len(ROW_SLOTS) - len(slots))
    for (start, end), slot in zip(groups, slots, strict=True):
        text = "".join(t.text for t in tokens[start:end])
        if slot == _VALUE_SLOT:
            score += value_score(text)
        elif is_quantity(text):
            score += _NUMBER_OUTSIDE_VALUE
        if ROW_SLOTS[slot] == "level3":
            score += _LEVEL3_LENGTH * len(text)
    return score
