"""Read step, plain dumps: the rows of an indicator table that a dump printed as lines without cells.

Rows are found by their level1/level2 words (产出指标, 数量指标 …, also when a dump wrapped them:
"服务对象满意" / "度指标"), and each row's remaining text is cut into cells by ``segment.split_rows``.
Level1/level2 printed once for a merged block are repeated on every row. Column header rows (also
repeated after a page break, also wrapped) and page numbers are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.cards.read.grid import flat_text, is_indicator_header
from extractor.cards.read.segment import split_rows
from extractor.cards.vocabulary import LEVEL1_NAMES, LEVEL2_NAMES, leads_with_level1
from extractor.ingest.text import Line
from extractor.record.normalize import normalize_text

_VOCABULARY = LEVEL1_NAMES | LEVEL2_NAMES
_PREFIXES = frozenset(name[:cut] for name in _VOCABULARY for cut in range(2, len(name) + 1))
_HEADER_TAIL = "指标值确定依据"


@dataclass
class _PrintedLine:
    tokens: list[str]
    number: int  # source line number (of the last source line when two were joined)


@dataclass
class _PlainRow:
    level1: str | None
    level2: str | None
    lines: list[_PrintedLine] = field(default_factory=list)
    starts_mid_line: bool = False

    def cells(self, spaced: bool) -> list[dict[str, str | None]]:
        """Split the printed lines into rows of cells (several when level2 was printed once for them);
        ``spaced`` says the dump separates some printed lines by blank lines."""
        tight = [i > 0 and line.number == self.lines[i - 1].number + 1 for i, line in enumerate(self.lines)]
        tokens = [line.tokens for line in self.lines]
        return split_rows(tokens, self.starts_mid_line, tight if spaced else None)


def plain_rows(table: tuple[Line, ...]) -> list[dict[str, str | None]]:
    """Return the rows of an indicator table printed as lines without cells (header row first): the
    level1 and level2 each row is printed under, and its cells (``segment.ROW_SLOTS``)."""
    printed = [_PrintedLine(flat_text(line).split(), line.number) for line in _table_body(table)]
    gaps = {b.number - a.number for a, b in zip(table, table[1:], strict=False)}
    spaced = 1 in gaps and any(gap > 1 for gap in gaps)
    lines = _merge_wrapped_names(printed)
    rows: list[_PlainRow] = []
    current: _PlainRow | None = None
    level1: str | None = None
    level2: str | None = None
    for index, line in enumerate(lines):
        following = lines[index + 1].tokens[0] if index + 1 < len(lines) and lines[index + 1].tokens else ""
        new_level1, new_level2, rest = _level_cells(line.tokens, following)
        if new_level1:
            level1, level2, current = new_level1, None, None
        if new_level2:
            level2 = new_level2
            current = _PlainRow(level1, level2, [], starts_mid_line=bool(rest))
            rows.append(current)
        elif current is None and rest:
            current = _PlainRow(level1, level2, [], starts_mid_line=bool(new_level1))
            rows.append(current)
        if rest and current is not None:
            current.lines.append(_PrintedLine(rest, line.number))
    return [{"level1": row.level1, "level2": row.level2, **cells} for row in rows for cells in row.cells(spaced)]


def _table_body(table: tuple[Line, ...]) -> list[Line]:
    """Drop the column header rows (also repeated after a page break, also wrapped) and stray marks."""
    body: list[Line] = []
    pending: tuple[str, ...] = ()
    for line in table:
        folded = normalize_text(line.text)
        if is_indicator_header(line):
            pending = _header_remainders(folded)
            continue
        pending = tuple(p[len(folded) :] for p in pending if folded and p.startswith(folded))
        if pending:
            pending = tuple(p for p in pending if p)
            continue
        if folded.strip('"“”') and not _is_page_number(folded, line, table):
            body.append(line)
    return body


def _header_remainders(folded_header: str) -> tuple[str, ...]:
    """Return what a wrapped header row may still print on the next lines (the last column label)."""
    if folded_header.endswith(_HEADER_TAIL):
        return ()
    tails = {_HEADER_TAIL[cut:] for cut in range(1, len(_HEADER_TAIL))
             if folded_header.endswith(_HEADER_TAIL[:cut])}
    return tuple(sorted(tails | {_HEADER_TAIL}))


def _is_page_number(folded: str, line: Line, table: tuple[Line, ...]) -> bool:
    if not (folded.isdigit() and len(folded) <= 3):
        return False
    position = table.index(line)
    return position + 1 == len(table) or table[position + 1].page != line.page or is_indicator_header(
        table[position + 1]
    )


def _join_split_names(tokens: list[str]) -> list[str]:
    """Join a level name a stray space split at the start of a line ("数量 指标" → "数量指标")."""
    out = list(tokens)
    for index in range(min(2, len(out) - 1)):
        while index + 1 < len(out) and out[index] not in _VOCABULARY and out[index] + out[index + 1] in _PREFIXES:
            out[index : index + 2] = [out[index] + out[index + 1]]
    return out


def _merge_wrapped_names(lines: list[_PrintedLine]) -> list[_PrintedLine]:
    """Join a level name a dump wrapped across lines ("可持续影响指" + "标") into one token."""
    merged: list[_PrintedLine] = []
    index = 0
    while index < len(lines):
        line = _PrintedLine(_join_split_names(lines[index].tokens), lines[index].number)
        while index + 1 < len(lines) and line.tokens and lines[index + 1].tokens:
            following = lines[index + 1]
            head, tail = line.tokens[-1], following.tokens[0]
            if head in _VOCABULARY or head + tail not in _VOCABULARY:
                break
            joined = _join_split_names([*line.tokens[:-1], head + tail, *following.tokens[1:]])
            line = _PrintedLine(joined, following.number)
            index += 1
        merged.append(line)
        index += 1
    return merged


def _level_cells(tokens: list[str], following: str) -> tuple[str | None, str | None, list[str]]:
    """Return (level1, level2, remaining tokens) for a printed line of the indicator table."""
    level1 = level2 = None
    rest = list(tokens)
    if leads_with_level1(rest, following):
        level1, rest = rest[0], rest[1:]
    if rest and rest[0] in LEVEL2_NAMES:
        level2, rest = rest[0], rest[1:]
    return level1, level2, rest
