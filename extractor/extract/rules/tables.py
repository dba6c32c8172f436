"""Rules extraction of the line-item and summary tables from a table region."""

from __future__ import annotations

from extractor.extract.rules.columns import value_keys
from extractor.extract.rules.grid_body import GridBody, split_grid
from extractor.extract.rules.grid_tables import grid_rows, inherit_levels, join_code_parts
from extractor.extract.rules.listed import fixed_asset_rows, procurement_rows
from extractor.extract.rules.placement import place_rows
from extractor.extract.rules.row_text import name_and_numbers, split_code, tokens_of
from extractor.extract.rules.sided import continue_indented, continue_numbered, grid_sided_rows, sided_rows
from extractor.extract.rules.table_body import RawRow, TableBody, column_numbers, split_body
from extractor.record.kinds import CODED_KINDS, SIDED_KINDS
from extractor.record.normalize import normalize_name
from extractor.record.numbers import is_code, parse_amount
from extractor.regions.model import Region

_EMPTY_MARKS = ("空表", "无")  # a note with either word explains an empty table


#: Layouts whose rows keep one cell per printed column (ruled PDF grids, Word tables). A table
#: that numbers its columns (栏次 1 2 3 …) is read like a delimited dump instead: numbered rows,
#: values in the standard column order.
GRID_LAYOUTS = frozenset({"pdf", "docx"})


def extract_table(region: Region, layout: str) -> dict:
    """Return the contract's table entry for a table region of a filing in the given layout."""
    kind = region.table_kind or "other"
    rows: list[dict]
    notes: tuple[str, ...]
    if kind == "other":
        rows, notes = [], ()
    elif layout in GRID_LAYOUTS and not _numbered_rows(region.lines):
        grid = split_grid(region.lines[1:])
        rows, notes = _grid_rows_for(kind, grid), grid.notes
        if kind in CODED_KINDS:
            _complete_short_codes(rows)
    else:
        body = split_body(region.lines[1:], layout != "plain")
        header = " ".join(line.text for line in body.header)
        rows, notes = _rows_for(kind, body, header, layout != "plain"), body.notes
    rows = [r for r in rows if any(v is not None for v in r["values"].values())]
    if all(v == 0 for r in rows for v in r["values"].values()):
        rows = []  # a table printed with 0.00 in every cell prints no data (0 and blank are alike): empty
    table: dict = {"kind": kind, "title": _title(region), "empty": False, "rows": rows}
    note = next((n for n in notes if any(m in n for m in _EMPTY_MARKS)), None)
    if not rows and kind != "other":
        table["empty"] = True
        if note:
            table["note"] = note.replace(" ", "")
    unit = _unit(region)
    if unit:
        table["unit"] = unit
    table["provenance"] = {"method": "rules", "lines": list(region.line_span), "pages": list(region.pages)}
    return table


def _numbered_rows(lines: tuple) -> bool:
    """A table that numbers its columns (栏次 1 2 3) and its rows (1, 2, 3 … in the first cell)."""
    at = next((i for i, line in enumerate(lines) if column_numbers(line)), None)
    if at is None:
        return False
    following = next((line for line in lines[at + 1:] if line.text.strip()), None)
    return following is not None and following.cells[0].strip() == "1"


def merge_tables(tables: list[dict]) -> list[dict]:
    """Keep one entry per kind: a title repeated later continues the table, and a table printed
    with data replaces an empty mention of the same kind (e.g. a title quoted in the prose PDF).

    A continued table's first rows may print only the lower levels of their split codes (款 "11",
    项 "99"); they take the levels above from the last coded row before the page break. A table of kind
    other whose title the table just before it printed is that table continued on the next page.
    """
    out: list[dict] = []
    for table in tables:
        earlier = next((t for t in out if t["kind"] == table["kind"] != "other"), None)
        if table["kind"] == "other" and out and out[-1]["kind"] == "other" and out[-1]["title"] == table["title"]:
            _continue_pages(out[-1], table)
        elif earlier is None:
            out.append(table)
        elif earlier["empty"] and table["rows"]:
            out[out.index(earlier)] = table
        elif table["rows"]:
            _resolve_levels(earlier["rows"], table["rows"])
            if table["kind"] in SIDED_KINDS:
                continue_indented(earlier["rows"], table["rows"])
                continue_numbered(earlier["rows"], table["rows"])
            earlier["rows"].extend(table["rows"])
    for table in out:
        for row in table["rows"]:
            row.get("provenance", {}).pop("code_levels", None)
            for passing in ("indent", "lane", "level"):
                row.get("provenance", {}).pop(passing, None)
    return out


def _continue_pages(table: dict, continued: dict) -> None:
    """Extend a table's provenance over the pages and lines of its continuation."""
    mine, theirs = table.get("provenance") or {}, continued.get("provenance") or {}
    if "pages" in mine and "pages" in theirs:
        mine["pages"] = sorted({*mine["pages"], *theirs["pages"]})
    if "lines" in mine and "lines" in theirs:
        mine["lines"] = [min(mine["lines"][0], theirs["lines"][0]), max(mine["lines"][-1], theirs["lines"][-1])]


def _resolve_levels(before: list[dict], rows: list[dict]) -> None:
    """Give continued rows that print only lower code levels the levels of the rows before them."""
    last = next((r["code"] for r in reversed(before) if r.get("code")), "")
    for row in rows:
        levels = row.get("provenance", {}).pop("code_levels", None)
        if row.get("code"):
            last = row["code"]
        elif levels and last:
            context = [last[:3], last[3:5], last[5:7]][: len(levels)]
            code = join_code_parts(inherit_levels(list(levels), context))
            if is_code(code):
                row["code"] = last = code


def _complete_short_codes(rows: list[dict]) -> None:
    """One code column printing a 款 as its own two digits ("10" under 201) and each 项 in full (2011007):
    the 款 is the 类 above it and those digits, when the next full code starts with that (20110)."""
    group = ""
    for at, row in enumerate(rows):
        code = row.get("code") or ""
        levels = row.get("provenance", {}).get("code_levels")
        if len(code) == 3:
            group = code
        elif not code and group and levels and len(levels) == 1 and len(levels[0]) == 2:
            following = next((r["code"] for r in rows[at + 1:] if r.get("code")), "")
            if len(following) == 7 and following.startswith(group + levels[0]):
                row["code"] = group + levels[0]
                row["provenance"].pop("code_levels")


def _title(region: Region) -> str:
    return "".join(region.title.split())


def _unit(region: Region) -> str | None:
    for line in region.lines[:12]:
        compact = line.text.replace(" ", "")
        for unit in ("万元", "千元", "元"):
            if f"单位:{unit}" in compact:
                return unit
    return None


def _grid_rows_for(kind: str, grid: GridBody) -> list[dict]:
    if kind in SIDED_KINDS:
        return grid_sided_rows(kind, grid)
    return grid_rows(kind, grid)


def _rows_for(kind: str, body: TableBody, header: str, delimited: bool) -> list[dict]:
    if kind in SIDED_KINDS:
        return sided_rows(kind, body, header, delimited)
    if kind == "fixed_assets":
        return fixed_asset_rows(body, delimited)
    if kind == "procurement":
        return procurement_rows(body, delimited)
    labels = 2 if kind in CODED_KINDS else 1
    keys = value_keys(kind, header, max(body.column_count - labels, 0))
    if delimited:
        return [_delimited_row(kind, row, keys, labels) for row in body.rows]
    return _plain_rows(kind, body.rows, keys, labels)


def _delimited_row(kind: str, row: RawRow, keys: tuple[str, ...], labels: int) -> dict:
    cells = list(row.cells)
    if labels == 2:
        code_cell = cells[0].replace(" ", "") if cells else ""
        code, rest = split_code([code_cell]) if code_cell else (None, [])
        name_cell = (rest[0] if rest else "") + (cells[1] if len(cells) > 1 else "")
        values = cells[2:]
    else:
        code, name_cell, values = None, cells[0] if cells else "", cells[1:]
    amounts = {key: parse_amount(cell) for key, cell in zip(keys, values)}
    return _row(kind, code, normalize_name(name_cell), amounts, row)


def _plain_rows(kind: str, raw_rows: tuple[RawRow, ...], keys: tuple[str, ...], labels: int) -> list[dict]:
    parsed = []
    for row in raw_rows:
        pieces = [tokens_of(text) for text in row.cells]
        code, pieces[0] = split_code(pieces[0]) if labels == 2 else (None, pieces[0])
        split = [name_and_numbers(tokens) for tokens in pieces]
        name = normalize_name("".join(words for words, _ in split))
        parsed.append((code, name, [n for _, numbers in split for n in numbers], row))
    placed = place_rows(kind, keys, [(code, nums) for code, _, nums, _ in parsed])
    return [_row(kind, code, name, values, row, placed=True)
            for (code, name, _, row), values in zip(parsed, placed)]


def _row(kind: str, code: str | None, name: str, values: dict, row: RawRow, placed: bool = False) -> dict:
    clean = {k: v for k, v in values.items() if v is not None}
    entry: dict = {"code": code, "name": name, "values": clean} if kind in CODED_KINDS else {
        "name": name, "values": clean}
    entry["provenance"] = row.provenance("identity-placed" if placed and len(clean) > 1 else "rules")
    return entry

