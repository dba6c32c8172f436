"""Printed columns of another period than the record's (pure): the previous year's half of a table and its
change columns (上年 | 当年 | 增减变化情况; 2019年 | 2020年 | 增减).

A table may print this year's budget beside last year's and the change; the record keeps this year's figures
only, so the other halves' figures are known printed columns, not amounts the record lost. They are told by
the header cell above them (merged over the half): an earlier year than the latest one the header names, or
the period words of the table vocabulary (上年, but not 上年结转; 增减; 执行数 …). A table printed with one row
per period (2025年 | 2026年 | 增减变化金额 down the 年度 column) has them as rows instead: ``other_period_lines``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.extract.rules.vocabulary import table_vocabulary
from extractor.ingest.text import Line
from extractor.record.numbers import parse_amount
from extractor.validate.coverage_tokens import Token

_YEAR = re.compile(r"(20\d\d)年")
_OTHER_PERIOD = re.compile(table_vocabulary()["other_period"])

Span = tuple[float, float]


def other_period_spans(lines: Sequence[Line], first_row_line: int | None) -> list[Span]:
    """The x extents of the header cells (above the first row) that head another period's columns."""
    if first_row_line is None:
        return []
    cells = [(re.sub(r"\s+", "", text), box) for line in lines[:first_row_line] if len(line.cells) > 1
             for text, box in zip(line.cells, line.boxes) if box is not None and text.strip()]
    latest = max((int(y) for text, _ in cells for y in _YEAR.findall(text)), default=0)
    return [(box[0], box[2]) for text, box in cells
            if _OTHER_PERIOD.search(text) or any(int(y) < latest for y in _YEAR.findall(text))]


def in_other_period(token: Token, spans: Sequence[Span]) -> bool:
    """True when the figure's cell stands under one of those header cells (its middle inside the extent)."""
    if token.span is None:
        return False
    middle = (token.span[0] + token.span[1]) / 2
    return any(x0 <= middle <= x1 for x0, x1 in spans)


_YEAR_LABEL = re.compile(r"^(20\d\d)\s*年")


def other_period_lines(lines: Sequence[Line]) -> set[int]:
    """Lines labelled as another period than the budget's: a year earlier than the latest year the table's rows
    are labelled with (2025年 above 2026年), or the change between them (增减变化金额). Their figures are not cells
    of the record (the contract keeps this year's)."""
    years: dict[int, int] = {}
    change: set[int] = set()
    for n, line in enumerate(lines):
        labels = [c.strip() for c in line.cells if c.strip() and parse_amount(c) is None]
        if len(line.cells) < 2 or not labels:
            continue
        year = next((int(m.group(1)) for c in labels if (m := _YEAR_LABEL.match(c))), None)
        if year is not None:
            years[n] = year
        elif any(_OTHER_PERIOD.search(c) for c in labels) and len(labels) == 1:
            change.add(n)
    latest = max(years.values(), default=0)
    return {n for n, year in years.items() if year < latest} | (change if years else set())
