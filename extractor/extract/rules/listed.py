"""Listed tables without classification codes: fixed assets and the procurement budget."""

from __future__ import annotations

import re

from extractor.extract.rules.row_text import name_and_numbers, tokens_of
from extractor.extract.rules.table_body import RawRow, TableBody
from extractor.record.normalize import normalize_name
from extractor.record.numbers import parse_amount

#: 政府采购目录 code printed beside an item (A02010199, C23120301).
CATALOG_CODE = re.compile(r"^[ABC]\d{4,}$")


def fixed_asset_rows(body: TableBody, delimited: bool) -> list[dict]:
    """Return 固定资产占用情况表 rows: quantity and value (a lone number is the value)."""
    rows = []
    for row in body.rows:
        if delimited and len(row.cells) >= 3:
            name = normalize_name(row.cells[0])
            values = {"quantity": parse_amount(row.cells[1]), "value": parse_amount(row.cells[2])}
        else:
            name, numbers = name_and_numbers(tokens_of(row.text))
            keys = ("quantity", "value")[-len(numbers):] if 0 < len(numbers) <= 2 else ()
            values = dict(zip(keys, numbers))
        rows.append(_entry(name, values, row))
    return rows


def procurement_rows(body: TableBody, delimited: bool) -> list[dict]:
    """Return 政府采购预算 rows: items (by catalogue code) with quantity, unit price, total."""
    rows = []
    for row in body.rows:
        tokens = [c for c in row.cells if c] if delimited else tokens_of(row.text)
        at = next((i for i, t in enumerate(tokens) if CATALOG_CODE.match(t.replace(" ", ""))), None)
        if at is not None and at >= 1:
            numbers = [n for t in tokens[at + 1:] if (n := parse_amount(t)) is not None]
            values = dict(zip(("quantity", "unit_price", "total"), numbers[:3]))
            rows.append(_entry(normalize_name(tokens[at - 1]), values, row))
        else:
            name, numbers = name_and_numbers(tokens)
            if name and numbers:
                rows.append(_entry(name, {"total": numbers[0]}, row))
    return rows


def _entry(name: str, values: dict, row: RawRow) -> dict:
    clean = {k: v for k, v in values.items() if v is not None}
    return {"name": name, "values": clean, "provenance": row.provenance()}
