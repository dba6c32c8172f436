"""“三公” tables printed as a grid of items × fund sources, one row per year (Shenzhen 财政拨款“三公”经费支出表).

The header names each column twice: the item above (总计, 因公出国(境)费, 公务接待费, 公务用车购置及运行维护费
over 小计 | 公务用车购置费 | 公务用车运行维护费), the fund source below (一般公共预算 | 政府性基金预算 |
国有资本经营预算). The rows are years (2025年, 2026年, 增减变化金额): the latest year's row is the budget.
Each item becomes a row with one value per fund source.
"""

from __future__ import annotations

import re

from extractor.extract.rules.grid_body import GridBody
from extractor.extract.rules.vocabulary import table_vocabulary
from extractor.ingest.text import Line
from extractor.record.numbers import parse_amount

#: Fund-source header words → value key (the 三公 kind's keys other than total).
_FUNDS = tuple((word, key) for key, words in table_vocabulary()["value_columns"]["three_public_expenditure"]
               if key != "total" for word in words)
_YEAR = re.compile(r"^(20\d\d)\s*年")
_OTHER_PERIOD = re.compile(table_vocabulary()["other_period"])


def fund_grid_rows(body: GridBody) -> list[dict] | None:
    """Return the item rows of a 三公 grid of items × fund sources read from its latest year's row, or None when
    the table is not printed so (fewer than two items or two fund sources across, no year rows)."""
    from extractor.extract.rules.grid_tables import provenance, three_public_name

    columns: dict[int, tuple[str, str]] = {}
    for j, path in enumerate(header_paths(body)):
        fund = _fund(path[-1]) if path else None
        items = [p for p in path[:-1] if _fund(p) is None]
        if fund and items:
            columns[j] = (three_public_name(items[-1], items[-2] if len(items) > 1 else ""), fund)
    line = latest_year_row(body.rows)
    if line is None or len({i for i, _ in columns.values()}) < 2 or len({f for _, f in columns.values()}) < 2:
        return None
    rows: dict[str, dict] = {}
    for j, (item, fund) in columns.items():
        amount = parse_amount(line.cells[j]) if j < len(line.cells) else None
        if amount is not None:
            row = rows.setdefault(item, {"name": item, "values": {}, "provenance": provenance(line)})
            row["values"][fund] = amount
    return list(rows.values())


def header_paths(body: GridBody) -> list[list[str]]:
    """Each column's header texts top-down; a cell merged across columns (its text in its left column, the
    cells right of it blank) heads every column up to the next printed cell of its line."""
    paths: list[list[str]] = [[] for _ in range(body.width)]
    for line in body.header:
        if len(line.cells) != body.width:
            continue
        carried = ""
        for j, cell in enumerate(line.cells):
            carried = re.sub(r"\s+", "", cell) or carried
            if carried and (not paths[j] or paths[j][-1] != carried):
                paths[j].append(carried)
    return paths


def latest_year_row(rows: tuple[Line, ...]) -> Line | None:
    """The row labelled with the latest year (2026年 below 2025年), not a change row (增减变化金额)."""
    dated = [(int(m.group(1)), line) for line in rows for cell in line.cells
             if (m := _YEAR.match(cell.strip())) and not _OTHER_PERIOD.search(line.text)]
    return max(dated, key=lambda d: d[0])[1] if dated else None


def _fund(text: str) -> str | None:
    return next((key for word, key in _FUNDS if word in text), None)
