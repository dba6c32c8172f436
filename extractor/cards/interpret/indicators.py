"""Interpret step, indicator grids: a card's indicator table (一级指标 … 指标值确定依据) → indicator records.

A grid with cells by column (ruled or rebuilt PDF, tab-separated, Word) is read by its header row: each
header cell's words say its field (``vocabulary.INDICATOR_COLUMNS``), and a column takes the cells from
its header cell up to the next one. Level1/level2 printed once for a merged block are repeated on every
row; a row with no level3 and no value continues the row above (a page-split row). A table printed as
lines without cells comes as rows of cells already (``read.plain``).
"""

from __future__ import annotations

from extractor.cards.interpret.fields import INDICATOR_KEYS, ROW_SLOTS, indicator_record, printed_value
from extractor.cards.read.grid import aligned, is_indicator_header, joined, span_text
from extractor.cards.read.plain import plain_rows
from extractor.cards.vocabulary import INDICATOR_COLUMNS, LEVEL1_NAMES, LEVEL2_NAMES, column_keys
from extractor.ingest.text import Line
from extractor.record.normalize import normalize_text

#: Columns printing one value between them, joined as printed ("≥" "70" "%" → "≥70%").
_VALUE_PARTS = ("sign", "value", "unit")


def read_indicators(table: tuple[Line, ...], layout: str) -> list[dict[str, str | None]]:
    """Return the indicators of a card from its indicator table (header row first); ``plain`` and
    ``centred`` tables are printed lines without cells, any other layout has cells by column."""
    if not table:
        return []
    if layout in ("plain", "centred"):
        return [indicator_record(row["level1"], row["level2"], row) for row in plain_rows(table)]
    return _table_indicators(table)


def _spans(columns: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Return each column's cells: from its header cell up to the next header cell (a PDF grid
    shared with the header block gives a column several grid cells)."""
    starts = sorted(set(columns.values()))
    ends = {start: end for start, end in zip(starts, [*starts[1:], 10_000], strict=True)}
    return {key: (index, ends[index]) for key, index in columns.items()}


def _cell(line: Line, span: tuple[int, int] | None, shift: int) -> str:
    if span is None or not 0 <= span[0] - shift < len(line.cells):
        return ""
    return joined(span_text(line.cells[max(span[0] - shift, 0) : max(span[1] - shift, 0)]))


def _table_indicators(table: tuple[Line, ...]) -> list[dict[str, str | None]]:
    columns = column_keys(table[0].cells, INDICATOR_COLUMNS)
    if "level3" not in columns and "description" in columns:  # 指标内容 names the indicator
        columns["level3"] = columns.pop("description")
    spans = _spans(columns)
    indicators: list[dict[str, str | None]] = []
    level1 = level2 = ""
    for line in table[1:]:
        if is_indicator_header(line) or not any(c.strip() for c in line.cells):
            continue
        line = aligned(line, table[0])
        shift = _shift(line, columns)
        row = {key: _cell(line, spans.get(key), shift) for key in INDICATOR_KEYS}
        row["value"] = printed_value(*(_cell(line, spans.get(key), shift) for key in _VALUE_PARTS))
        if not row["level3"] and not row["value"] and not row["level2"] and indicators:
            _continue_row(indicators[-1], row)
            continue
        level1 = row["level1"] or level1
        level2 = row["level2"] or level2
        indicators.append(indicator_record(level1, level2, row))
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
