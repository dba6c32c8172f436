"""Rows of grid tables (ruled PDFs, Word): line items, horizontal and vertical layouts, listed tables."""

from __future__ import annotations

import re

from extractor.extract.rules.grid_body import Columns, GridBody, column_roles, current_year_columns
from extractor.extract.rules.listed import CATALOG_CODE, procurement_rows
from extractor.extract.rules.table_body import RawRow, TableBody
from extractor.extract.rules.vocabulary import table_vocabulary
from extractor.extract.rules.vocabulary import words as vocabulary_words
from extractor.ingest.text import Line
from extractor.record.kinds import CODED_KINDS
from extractor.record.normalize import normalize_name
from extractor.record.numbers import is_code, parse_amount

_TOTAL_NAMES = ("合计", "总计")


def grid_rows(kind: str, body: GridBody) -> list[dict]:
    """Return the contract rows of a grid table of the given kind."""
    if kind == "three_public_expenditure" and (items := _items_row(body)) is not None:
        return settle_three_public_total(three_public_columns(body, items))
    if kind == "three_public_expenditure":
        from extractor.extract.rules.grid_three_public import fund_grid_rows

        if (by_fund := fund_grid_rows(body)) is not None:
            return settle_three_public_total(by_fund)
    roles = column_roles(kind, body)
    if kind == "income_summary" and _vertical_income(body, roles):
        return [vertical_income_total(body)]
    if kind in CODED_KINDS and roles.name is None and not roles.codes:
        return [_total_row(body, roles)] if body.rows else []
    if kind == "procurement" and any(CATALOG_CODE.match(c.strip()) for line in body.rows for c in line.cells):
        return procurement_rows(TableBody((), tuple(RawRow(None, list(ln.cells), [ln]) for ln in body.rows), (), 0),
                                delimited=True)
    if kind == "procurement":
        from extractor.extract.rules.grid_procurement import grid_procurement_rows

        return grid_procurement_rows(body, roles)
    rows = coded_rows(kind, body.rows, roles)
    return settle_three_public_total(rows) if kind == "three_public_expenditure" else rows


def coded_rows(kind: str, lines: tuple[Line, ...], roles: Columns, keep_code: bool = False) -> list[dict]:
    """Rows of a line-item grid; split 类/款/项 columns that print only each row's own level
    ("201" | "" | "", then "" | "40" | "", then "" | "" | "01") take the levels above from the rows before.
    ``keep_code``: the row carries its code although the kind is not a coded one (procurement by code)."""
    context: list[str] = [""] * len(roles.codes)
    rows = []
    for line in lines:
        parts = [re.sub(r"\s+", "", _cell(line, i)) for i in roles.codes]
        rows.append(_row(kind, line, roles, inherit_levels(parts, context), keep_code))
    return rows


def inherit_levels(parts: list[str], context: list[str]) -> list[str]:
    """Return the code parts with blank leading levels filled from ``context`` (updated in place) when
    the row prints only a lower level of a split code; parts printed whole are returned as printed."""
    filled = [i for i, p in enumerate(parts) if p]
    if len(parts) < 2 or not filled or not all(parts[i].isdigit() for i in filled):
        return parts
    first = filled[0]
    if first == 0:
        context[:] = [*parts]
        return parts
    if len(filled) > 1 or not all(context[:first]):
        return parts
    out = [*context[:first], parts[first], *[""] * (len(parts) - first - 1)]
    context[:] = out
    return out


def _cell(line: Line, i: int | None) -> str:
    return line.cells[i] if i is not None and i < len(line.cells) else ""


cell_text = _cell  # for grid_procurement


def _values(line: Line, roles: Columns) -> dict[str, float]:
    out = {}
    for i, key in roles.values.items():
        amount = parse_amount(_cell(line, i))
        if amount is not None:
            out[key] = amount
    return out


def _row(kind: str, line: Line, roles: Columns, parts: list[str] | None = None, keep_code: bool = False) -> dict:
    if parts is None:
        parts = [re.sub(r"\s+", "", _cell(line, i)) for i in roles.codes]
    code_text = join_code_parts(parts)
    name = normalize_name(_cell(line, roles.name))
    code = code_text if is_code(code_text) else None
    if code is None and code_text and not name:
        name = normalize_name(code_text)  # 合计 printed in the code column
    if not name:
        name = next((n for c in line.cells if (n := normalize_name(c)) in _TOTAL_NAMES), "")
    if not name and code is None:
        name = unit_name(line, roles)
    if kind == "three_public_expenditure":
        name = three_public_name(name)
    entry: dict = {"name": name, "values": _values(line, roles)}
    if kind in CODED_KINDS or keep_code:
        entry = {"code": code, **entry}
    entry["provenance"] = provenance(line)
    if code is None and any(parts) and all(p.isdigit() for p in parts if p):
        entry["provenance"]["code_levels"] = parts  # a lower level whose parents printed on an earlier page
    return entry


def unit_name(line: Line, roles: Columns) -> str:
    """The budget unit a row without code or name stands for: the text of a column the table does not read as
    code, name or value (预算单位 | 科目编码 | 科目名称 …: the unit's own row heads its classification rows)."""
    taken = {*roles.codes, roles.name, *roles.values}
    return next((normalize_name(cell) for i, cell in enumerate(line.cells)
                 if i not in taken and cell.strip() and parse_amount(cell) is None and not is_code(cell.strip())), "")


def join_code_parts(parts: list[str]) -> str:
    """Join 类/款/项 columns into one code; a 款 or 项 printed without its leading zero ("2") is "02"."""
    if len(parts) < 2 or not all(p.isdigit() for p in parts if p):
        return "".join(parts)
    return parts[0] + "".join(p.zfill(2) for p in parts[1:] if p)


def provenance(line: Line) -> dict:
    """Return where a row was printed: line number, page, box (union of its cell boxes), OCR or not."""
    boxes = [b for b in line.boxes if b]
    out: dict = {"method": "rules", "lines": [line.number, line.number], "page": line.page}
    if line.origin == "ocr":
        out["source"] = "ocr"
    if boxes:
        out["bbox"] = [round(min(b[0] for b in boxes), 1), round(min(b[1] for b in boxes), 1),
                       round(max(b[2] for b in boxes), 1), round(max(b[3] for b in boxes), 1)]
    return out


row_values = _values  # for grid_procurement


def _total_row(body: GridBody, roles: Columns) -> dict:
    """A table printing only its totals (one row of numbers under value headers) is the 合计 row."""
    line = body.rows[0]
    return {"code": None, "name": "合计", "values": _values(line, roles), "provenance": provenance(line)}


def _numbers_only(line: Line) -> bool:
    cells = [c for c in line.cells if c.strip()]
    return bool(cells) and all(parse_amount(c) is not None for c in cells)


def _horizontal(body: GridBody) -> bool:
    return bool(body.rows) and all(_numbers_only(line) for line in body.rows)


#: (words, canonical row name) of the 三公 items, whatever the printed wording.
_THREE_PUBLIC_WORDS: tuple[tuple[tuple[str, ...], str], ...] = tuple(
    (tuple(w), canonical) for w, canonical in table_vocabulary()["three_public_items"])


def three_public_name(printed: str, parent: str = "") -> str:
    """Return the contract's row name for a 三公 item however the filing words it.

    A column headed only 小计 takes its meaning from the merged header above it (``parent``).
    """
    name = normalize_name(printed)
    if name == "小计" or (not name and parent):
        context = normalize_name(parent)
        if "公务用车" in context:
            return "公务用车购置及运维费"
        if "三公" in context:
            return "“三公”经费小计"
    if "三公" in name and "小计" in name:
        return "“三公”经费小计"
    if "三公" in name and any(t in name for t in _TOTAL_NAMES):
        return _THREE_PUBLIC_TOTAL
    for words, canonical in _THREE_PUBLIC_WORDS:
        if any(w in name for w in words):
            return canonical
    return "合计" if any(t in name for t in _TOTAL_NAMES) else name


_THREE_PUBLIC_TOTAL = "“三公”经费合计"
#: Items a 三公 table may list beside the 三公 ones; with them, the printed “三公”经费合计 is the 三公 subtotal.
_BESIDE_THREE_PUBLIC = vocabulary_words("beside_three_public")


def settle_three_public_total(rows: list[dict]) -> list[dict]:
    """Name a printed “三公”经费合计 as the contract does: the 三公 subtotal when 会议费/培训费 are listed
    apart, else 合计."""
    apart = any(r["name"] in _BESIDE_THREE_PUBLIC for r in rows)
    for row in rows:
        if row["name"] == _THREE_PUBLIC_TOTAL:
            row["name"] = "“三公”经费小计" if apart else "合计"
    return rows


def _items_row(body: GridBody) -> Line | None:
    """The row to read when a 三公 table prints its items as columns: the one row of numbers, or (a table
    by unit, the items across) its 合计 row."""
    if _horizontal(body):
        return body.rows[0]
    own, _ = _header_paths(body)
    items = {c for _, c in _THREE_PUBLIC_WORDS} | {"“三公”经费小计", *_BESIDE_THREE_PUBLIC}
    named = {name for text in own if (name := three_public_name(text)) in items}
    if len(named) < 2:
        return None
    return next((ln for ln in body.rows if any(normalize_name(c) in _TOTAL_NAMES for c in ln.cells)), None)


def three_public_columns(body: GridBody, line: Line) -> list[dict]:
    """A 三公 table printed with its items as columns: each column of this year's figures becomes the row
    its header names, read from ``line`` (the one row of numbers, or the 合计 row)."""
    own, parents = _header_paths(body)
    current = current_year_columns([p + o for p, o in zip(parents, own)])
    rows = []
    for i, cell in enumerate(line.cells):
        amount = parse_amount(cell)
        if amount is not None and i < len(own) and (own[i] or parents[i]) and i in current:
            rows.append({"name": three_public_name(own[i], parents[i]), "values": {"total": amount},
                         "provenance": provenance(line)})
    return rows


def _header_paths(body: GridBody) -> tuple[list[str], list[str]]:
    """Each column's own header text (its cells, top-down) and the merged header text above it.

    A merged header cell covers the columns inside its box; without boxes, only its own column.
    """
    centers = _column_centers(body)
    own, parents = [""] * body.width, [""] * body.width
    for line in body.header:
        if len(line.cells) != body.width:
            continue
        for i, cell in enumerate(line.cells):
            text = re.sub(r"\s+", "", cell)
            if not text:
                continue
            box = line.boxes[i] if i < len(line.boxes) else None
            for j in _covered(i, box, centers):
                if j == i and not own[j].endswith(text):  # a cell merged down repeats its text
                    own[j] += text
                elif j != i and not parents[j].endswith(text):
                    parents[j] += text
    return own, parents


def _column_centers(body: GridBody) -> list[float | None]:
    centers: list[float | None] = [None] * body.width
    for line in (*body.rows, *body.header):
        for j, box in enumerate(line.boxes[: body.width]):
            if box and centers[j] is None and line.cells[j].strip():
                centers[j] = (box[0] + box[2]) / 2
    return centers


def _covered(i: int, box, centers: list[float | None]) -> list[int]:  # noqa: ANN001
    if box is None:
        return [i]
    return [j for j, c in enumerate(centers) if c is not None and box[0] <= c <= box[2]] or [i]


_INCOME_SOURCES = (("事业收入", "business_income"), ("经营收入", "operating_income"), ("其他收入", "other_income"),
                   ("专户", "special_account"), ("结转", "carryover"), ("上级补助", "superior_subsidy"),
                   ("附属单位", "subsidiary_remittance"), ("财政拨款", "fiscal_allocation"),
                   ("公共预算", "fiscal_allocation"), ("基金", "fiscal_allocation"), ("专项收入", "fiscal_allocation"))


def _vertical_income(body: GridBody, roles: Columns) -> bool:
    """收入总表 printed as a list of sources (项目名称 | 金额) rather than columns per source."""
    headers = "".join(body.column_headers())
    return len(roles.values) < 2 and "合计" not in headers and "小计" not in headers and any(
        "总计" in line.text or "合计" in line.text for line in body.rows)


def vertical_income_total(body: GridBody) -> dict:
    """Return the 合计 row of a listed 收入总表: the total and each source's amount.

    Sources are printed in blocks (a 小计 row and its sub-items) under a category label that a
    merged cell may print on any row of its block; a sub-item's own words decide its key first.
    """
    values: dict[str, float] = {}
    for block in _income_blocks(body.rows):
        category = next((normalize_name(line.cells[0]) for line in block if line.cells and line.cells[0].strip()), "")
        for line in block:
            labels = [normalize_name(c) for c in line.cells if c.strip() and parse_amount(c) is None]
            amounts = [a for c in line.cells if (a := parse_amount(c)) is not None]
            if not amounts or any("小计" in label for label in labels):
                continue
            if any(t in label for label in labels for t in _TOTAL_NAMES):
                values["total"] = amounts[-1]
                continue
            key = _source_key(labels[1:] if len(labels) > 1 else labels) or _source_key([category])
            if key:
                values[key] = values.get(key, 0.0) + amounts[-1]
    return {"code": None, "name": "合计", "values": values, "provenance": provenance(body.rows[0])}


def _income_blocks(rows: tuple[Line, ...]) -> list[list[Line]]:
    blocks: list[list[Line]] = [[]]
    for line in rows:
        if any("小计" in c for c in line.cells) and blocks[-1]:
            blocks.append([])
        blocks[-1].append(line)
    return blocks


def _source_key(labels: list[str]) -> str | None:
    return next((k for label in reversed(labels) for word, k in _INCOME_SOURCES if word in label), None)
