"""Read the indicator table of a card (一级指标 … 指标值确定依据) into indicator records.

Table layouts (tsv, word) keep the columns, so each row is read by the header's column positions.
A plain PDF dump keeps only printed lines: rows are found by their level1/level2 words (产出指标,
数量指标 …, also when a dump wrapped them: "服务对象满意" / "度指标"), and each row's remaining text
is cut into cells by ``card_segment.split_row``. Level1/level2 printed once for a merged block are
repeated on every row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.cards.interpret.header import flat_text, is_indicator_header
from extractor.cards.read.grid import span_text
from extractor.cards.read.segment import ROW_SLOTS, split_rows
from extractor.cards.vocabulary import INDICATOR_COLUMNS
from extractor.ingest.text import Line
from extractor.record.normalize import normalize_text

#: First-level indicator names (一级指标).
LEVEL1_NAMES: frozenset[str] = frozenset({"产出指标", "效益指标", "满意度指标", "成本指标"})
#: Second-level indicator names (二级指标) across the filing templates in use.
LEVEL2_NAMES: frozenset[str] = frozenset({
    "数量指标", "质量指标", "时效指标", "成本指标",
    "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标",
    "经济成本指标", "社会成本指标", "生态环境成本指标",
})
_VOCABULARY = LEVEL1_NAMES | LEVEL2_NAMES
_PREFIXES = frozenset(name[:cut] for name in _VOCABULARY for cut in range(2, len(name) + 1))
#: Column header words, matched against the normalised header cell.
_COLUMNS = INDICATOR_COLUMNS
#: Columns printing one value between them, joined as printed ("≥" "70" "%" → "≥70%").
_VALUE_PARTS = ("sign", "value", "unit")
_HEADER_TAIL = "指标值确定依据"
INDICATOR_KEYS = ("level1", "level2", *ROW_SLOTS)


def read_indicators(table: tuple[Line, ...], layout: str) -> list[dict[str, str | None]]:
    """Return the indicators of a card from its indicator table (header row first); ``plain`` and
    ``centred`` tables are printed lines without cells, any other layout has cells by column."""
    if not table:
        return []
    if layout in ("plain", "centred"):
        return _plain_indicators(table)
    return _table_indicators(table)


# ---------------------------------------------------------------- tsv / word


def _column_map(header: Line) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header.cells):
        folded = normalize_text(cell)
        for key, words in _COLUMNS:
            if key not in columns and any(w in folded for w in words):
                columns[key] = index
                break
    return columns


def _spans(columns: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Return each column's cells: from its header cell up to the next header cell (a PDF grid
    shared with the header block gives a column several grid cells)."""
    starts = sorted(set(columns.values()))
    ends = {start: end for start, end in zip(starts, [*starts[1:], 10_000], strict=True)}
    return {key: (index, ends[index]) for key, index in columns.items()}


def _cell(line: Line, span: tuple[int, int] | None, shift: int) -> str:
    if span is None or not 0 <= span[0] - shift < len(line.cells):
        return ""
    text = span_text(line.cells[max(span[0] - shift, 0) : max(span[1] - shift, 0)])
    return "".join(piece.strip() for piece in text.split("\n"))


def _table_indicators(table: tuple[Line, ...]) -> list[dict[str, str | None]]:
    columns = _column_map(table[0])
    if "level3" not in columns and "description" in columns:  # 指标内容 names the indicator
        columns["level3"] = columns.pop("description")
    spans = _spans(columns)
    indicators: list[dict[str, str | None]] = []
    level1 = level2 = ""
    for line in table[1:]:
        if is_indicator_header(line) or not any(c.strip() for c in line.cells):
            continue
        shift = _shift(line, columns)
        row = {key: _cell(line, spans.get(key), shift) for key in INDICATOR_KEYS}
        row["value"] = "".join(_cell(line, spans.get(key), shift) for key in _VALUE_PARTS)
        if not row["level3"] and not row["value"] and not row["level2"] and indicators:
            _continue_row(indicators[-1], row)
            continue
        level1 = row["level1"] or level1
        level2 = row["level2"] or level2
        indicators.append(_record(level1, level2, row))
    return indicators


def _shift(line: Line, columns: dict[str, int]) -> int:
    """Return how many columns to the left a row is printed, when an export dropped merged cells.

    The first printed cell says where the row starts: a level1 name in the level1 column, a level2
    name in the level2 column, anything else in the level3 column.
    """
    first = next((i for i, cell in enumerate(line.cells) if cell.strip()), None)
    if first is None:
        return 0
    text = normalize_text(line.cells[first])
    key = "level1" if text in LEVEL1_NAMES and text not in LEVEL2_NAMES else (
        "level2" if text in LEVEL2_NAMES else "level3")
    target = columns.get(key)
    if target is None or target <= first or len(line.cells) > max(columns.values()):
        return 0
    return target - first


def _continue_row(previous: dict[str, str | None], row: dict[str, str]) -> None:
    """A row with no level3 and no value continues the cells of the row above (a page-split row)."""
    for key in ROW_SLOTS:
        if row[key]:
            previous[key] = (previous[key] or "") + row[key]


def _record(level1: str | None, level2: str | None, cells: dict) -> dict[str, str | None]:
    record = {"level1": level1 or None, "level2": level2 or None}
    record.update({key: (cells.get(key) or None) for key in ROW_SLOTS})
    return record


# ---------------------------------------------------------------- plain dumps


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


def _plain_indicators(table: tuple[Line, ...]) -> list[dict[str, str | None]]:
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
    return [_record(row.level1, row.level2, cells) for row in rows for cells in row.cells(spaced)]


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
    if rest and rest[0] in LEVEL1_NAMES:
        after = rest[1] if len(rest) > 1 else following
        if rest[0] not in LEVEL2_NAMES or after in LEVEL2_NAMES:
            level1, rest = rest[0], rest[1:]
    if rest and rest[0] in LEVEL2_NAMES:
        level2, rest = rest[0], rest[1:]
    return level1, level2, rest
