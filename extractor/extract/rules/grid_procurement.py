"""政府采购预算 tables printed as grids: by item (品目/物品/目录), by project, or by function code.

A row is named by the most specific goods/services cell it prints: the item column first, else its
label columns left to right (品目大类, 专项名称, 采购项目 …: the subtotal rows 合计, 货物, a unit's
name). A table with no item or label column but 类/款/项 codes is listed by function code.
"""

from __future__ import annotations

import re

from extractor.extract.rules.grid_body import Columns, GridBody
from extractor.extract.rules.grid_tables import cell_text, coded_rows, provenance, row_values
from extractor.extract.rules.vocabulary import words
from extractor.ingest.text import Line
from extractor.record.normalize import normalize_name
from extractor.record.numbers import parse_amount

TOTAL_NAMES = ("合计", "总计")

#: Header words of the item column (the goods or service bought), most specific first.
ITEM_HEADERS = words("procurement_item_headers")
#: Header words of columns that never name the row: codes, specifications, procedure, timing, notes.
NOT_NAME_HEADERS = words("procurement_not_name_headers")
#: 政府采购目录 code printed before an item's name ("C20030800预算绩效评价咨询服务").
_LEADING_CATALOG = re.compile(r"^[ABC]\d{4,}(?=\D)")


def grid_procurement_rows(body: GridBody, roles: Columns) -> list[dict]:
    """Return the procurement rows of a grid table (rows without a name or an amount are left out)."""
    headers = body.column_headers()
    order = name_columns(headers, roles, body)
    if not order and roles.codes:
        return coded_rows("procurement", body.rows, roles, keep_code=True)
    subjects = [i for i, h in enumerate(headers) if "科目" in h and i not in order and i not in roles.values
                and i not in roles.codes]
    rows = []
    for line in body.rows:
        name = next((text for i in order if (text := item_name(cell_text(line, i)))), "") or _total_label(line)
        name = name or _subject_name(line, subjects)
        values = row_values(line, roles)
        if name and values:
            rows.append({"name": name, "values": values, "provenance": provenance(line)})
    return rows


def name_columns(headers: list[str], roles: Columns, body: GridBody) -> list[int]:
    """Return the columns that may name a row, the item column(s) first, then labels left to right."""
    free = [i for i, h in enumerate(headers) if h and i not in roles.values and i not in roles.codes
            and not any(w in h for w in NOT_NAME_HEADERS) and _texty(body, i)]
    items = sorted((i for i in free if any(w in headers[i] for w in ITEM_HEADERS)),
                   key=lambda i: next(k for k, w in enumerate(ITEM_HEADERS) if w in headers[i]))
    if not items and all("科目" in headers[i] for i in free):
        return []  # only the function classification's 科目名称: a table by code
    return items + [i for i in free if i not in items]


def _texty(body: GridBody, column: int) -> bool:
    """Return True when some row prints words (not an amount) in the column."""
    return any(column < len(ln.cells) and ln.cells[column].strip() and parse_amount(ln.cells[column]) is None
               for ln in body.rows)


def _subject_name(line: Line, subjects: list[int]) -> str:
    """A project's further 经济科目 block (Jiangsu: the project named on the row above, or on the page before,
    buys under 培训费 then 会议费): its row prints only the subject and its amount, and is named by it."""
    return next((name for i in subjects if (name := normalize_name(cell_text(line, i)))
                 and parse_amount(name) is None and not name.isdigit()), "")


def _total_label(line: Line) -> str:
    """A 合计/总计 row printed its label in a code column."""
    return next((name for c in line.cells if (name := normalize_name(c)) in TOTAL_NAMES), "")


def item_name(printed: str) -> str:
    """Return the normalised item name without a leading 政府采购目录 code."""
    return normalize_name(_LEADING_CATALOG.sub("", printed.strip()))
