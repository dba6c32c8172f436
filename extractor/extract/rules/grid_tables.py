"""Rows of grid tables (ruled PDFs, Word): line items, horizontal and vertical layouts, listed tables."""

from __future__ import annotations

import re

from extractor.extract.rules.grid_body import Columns, GridBody, column_roles
from extractor.extract.rules.listed import CATALOG_CODE, procurement_rows
from extractor.extract.rules.table_body import RawRow, TableBody
from extractor.ingest.text import Line
from extractor.record.kinds import CODED_KINDS
from extractor.record.normalize import normalize_name
from extractor.record.numbers import is_code, parse_amount

_TOTAL_NAMES = ("合计", "总计")


def grid_rows(kind: str, body: GridBody) -> list[dict]:
    """Return the contract rows of a grid table of the given kind."""
    if kind == "three_public_expenditure" and _horizontal(body):
        return three_public_columns(body)
    if kind == "income_summary" and _vertical_income(body):
        return [vertical_income_total(body)]
    roles = column_roles(kind, body)
    if kind in CODED_KINDS and roles.name is None and not roles.codes:
        return [_total_row(body, roles)] if body.rows else []
    if kind == "procurement" and any(CATALOG_CODE.match(c.strip()) for line in body.rows for c in line.cells):
        return procurement_rows(TableBody((), tuple(RawRow(None, list(ln.cells), [ln]) for ln in body.rows), (), 0),
                                delimited=True)
    if kind == "procurement":
        return [r for line in body.rows if (r := _procurement_row(line, body)) is not None]
    return [_row(kind, line, roles) for line in body.rows]


def _cell(line: Line, i: int | None) -> str:
    return line.cells[i] if i is not None and i < len(line.cells) else ""


def _values(line: Line, roles: Columns) -> dict[str, float]:
    out = {}
    for i, key in roles.values.items():
        amount = parse_amount(_cell(line, i))
        if amount is not None:
            out[key] = amount
    return out


def _row(kind: str, line: Line, roles: Columns) -> dict:
    code_text = join_code_parts([re.sub(r"\s+", "", _cell(line, i)) for i in roles.codes])
    name = normalize_name(_cell(line, roles.name))
    code = code_text if is_code(code_text) else None
    if code is None and code_text and not name:
        name = normalize_name(code_text)  # 合计 printed in the code column
    if kind == "three_public_expenditure":
        name = three_public_name(name)
    entry: dict = {"name": name, "values": _values(line, roles)}
    if kind in CODED_KINDS:
        entry = {"code": code, **entry}
    entry["provenance"] = provenance(line)
    return entry


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


def _total_row(body: GridBody, roles: Columns) -> dict:
    """A table printing only its totals (one row of numbers under value headers) is the 合计 row."""
    line = body.rows[0]
    return {"code": None, "name": "合计", "values": _values(line, roles), "provenance": provenance(line)}


def _numbers_only(line: Line) -> bool:
    cells = [c for c in line.cells if c.strip()]
    return bool(cells) and all(parse_amount(c) is not None for c in cells)


def _horizontal(body: GridBody) -> bool:
    return bool(body.rows) and all(_numbers_only(line) for line in body.rows)


_THREE_PUBLIC_WORDS = (
    (("出国",), "因公出国(境)费"), (("接待",), "公务接待费"), (("机关运行",), "机关运行经费"),
    (("购置及运",), "公务用车购置及运维费"), (("购置费",), "公务用车购置费"),
    (("运行费", "运维费", "运行维护费"), "公务用车运行维护费"),
)


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
    for words, canonical in _THREE_PUBLIC_WORDS:
        if any(w in name for w in words):
            return canonical
    return "合计" if any(t in name for t in _TOTAL_NAMES) else name


def three_public_columns(body: GridBody) -> list[dict]:
    """A 三公 table printed as one row of numbers: each column becomes the row its header names."""
    own, parents = _header_paths(body)
    line = body.rows[0]
    rows = []
    for i, cell in enumerate(line.cells):
        amount = parse_amount(cell)
        if amount is not None and i < len(own) and (own[i] or parents[i]):
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


def _vertical_income(body: GridBody) -> bool:
    """收入总表 printed as a list of sources (项目名称 | 金额) rather than columns per source."""
    headers = "".join(body.column_headers())
    return "合计" not in headers and "小计" not in headers and any(
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


def _procurement_row(line: Line, body: GridBody) -> dict | None:
    roles = column_roles("procurement", body)
    headers = body.column_headers()
    order = sorted((i for i, h in enumerate(headers) if i not in roles.values),
                   key=lambda i: (0 if "物品" in headers[i] else 1 if "专项" in headers[i] or "项目" in headers[i]
                                  else 2 if "品目" in headers[i] else 3))
    name = next((normalize_name(_cell(line, i)) for i in order
                 if _cell(line, i).strip() and "组织" not in headers[i] and "科目" not in headers[i]
                 and "目录" not in headers[i] and "单位" != headers[i][-2:]), "")
    values = _values(line, roles)
    if not name or not values:
        return None
    return {"name": name, "values": values, "provenance": provenance(line)}
