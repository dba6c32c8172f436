"""Completeness: everything a filing prints is in its record, or a finding says what is not (pure).

``check_coverage(record, regions)`` runs over the regions the extractor read (``regions.split``):
- every table region of a known kind yields a table of that kind (``coverage.table_unread``), a table
  read empty only where the region prints no amount;
- every amount printed in a table region is a cell of that table, on the row that prints it
  (``coverage_tables``: unplaced, unprinted, mislabelled);
- each kind's total rows are in the table where the region prints them (``coverage.missing_total``);
- every printed 绩效目标表 gives a card, and each card's indicators are all read (``coverage_cards``).
Checks that cannot run are findings of severity ``unchecked`` (a table whose kind no region prints,
a table with no total row to anchor its sums): a verdict never counts them as passed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from extractor.ingest.text import Line
from extractor.record.kinds import CODED_KINDS, SIDED_KINDS, STANDARD_KINDS
from extractor.record.normalize import normalize_text
from extractor.regions.model import Region
from extractor.validate import coverage_cards, coverage_tables
from extractor.validate.coverage_tokens import region_tokens
from extractor.validate.rules_common import Finding, Rule, Site, TableView, make_finding, row_values, table_views
from extractor.validate.rules_summary import split_side

UNCHECKED = "unchecked"

TABLE_UNREAD = Rule(
    "coverage.table_unread", "error",
    "A table title of a known kind is printed but the record has no table of that kind, or has it empty "
    "although the region prints amounts.",
)
MISSING_TOTAL = Rule(
    "coverage.missing_total", "error",
    "The region prints the kind's total row (合计/总计; 收入总计 and 支出总计 in a two-sided summary) but the "
    "table has none.",
)
NO_REGION = Rule(
    "coverage.no_region", UNCHECKED,
    "No printed region of the table's kind was found: its amounts cannot be accounted for.",
)
FEW_TABLES = Rule(
    "coverage.standard_tables", UNCHECKED,
    "Fewer than half of the nine standard tables (收支总表 … 三公) are printed or read: the filing's tables were "
    "not found (an attachment not given, titles no rule knows), so the document cannot be checked whole.",
)
TABLES_NOT_IN_FILE = Rule(
    "document.tables_not_in_file", UNCHECKED,
    "The filing prints none of the nine standard tables (its 情况说明 alone, or its cards alone): its tables are "
    "not in the file (a separate attachment, named as the prose names it: 附件：…报表), so the prose cannot be "
    "checked against them.",
)
NO_TOTAL = Rule(
    "coverage.no_total", UNCHECKED,
    "The table has no total row and the region prints none: its sums are not anchored to a printed total.",
)
RULES: tuple[Rule, ...] = (
    TABLE_UNREAD, *coverage_tables.RULES, MISSING_TOTAL, *coverage_cards.RULES, NO_REGION, NO_TOTAL, FEW_TABLES,
    TABLES_NOT_IN_FILE,
)

_RUNNING_PAGES = 3
_EDGE_LINES = 2
_HEAD_CHARS = 6
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: A line naming the tables' attachment: 附件：…报表, (见附件), 详见…附表.
_ATTACHMENT = re.compile(r"附件.*表|见附件|附表")
#: Amounts in this many cells of one line make a grid of amounts (a printed table).
_GRID_AMOUNTS = 2
_TOTAL_LINE = re.compile(r"^(\d+)?(合计|总计)")
_GRAND_LINE = {"income": re.compile(r"收入(总计|合计)"), "expenditure": re.compile(r"支出(总计|合计)")}


def check_coverage(record: Mapping[str, Any], regions: Sequence[Region]) -> list[Finding]:
    """Return the completeness findings of a record against the regions its filing was split into."""
    printed = _printed_kinds(regions)
    views = [v for v in table_views(record) if v.kind != "other"]
    by_kind: dict[str, TableView] = {}
    for one in views:
        by_kind.setdefault(one.kind, one)
    findings: list[Finding] = []
    for kind, lines in printed.items():
        view = by_kind.get(kind)
        if view is None:
            findings.append(_unread(kind, lines, None))
        elif view.empty or not view.rows:
            if _prints_amounts(lines):
                findings.append(_unread(kind, lines, view))
        else:
            findings += [dict(f) for f in _table_findings(_frozen(view.kind, view), lines)]
    for view in views:
        if view.kind not in printed and (view.rows or not view.empty):
            message = f"{view.title}: no printed table of kind {view.kind} found to check it against"
            findings.append(make_finding(NO_REGION, Site(view.kind, None, None, view.title), None, None, message))
    found = (set(printed) | set(by_kind)) & set(STANDARD_KINDS)
    if not found and not _prints_grid_of_amounts(regions):
        findings.append(tables_not_in_file(regions))
    elif 2 * len(found) < len(STANDARD_KINDS):
        message = f"{len(found)} of the {len(STANDARD_KINDS)} standard tables found: the filing's tables were not read"
        findings.append(make_finding(FEW_TABLES, Site(None, None, None, "document"), None, None, message))
    cards = record.get("performance_cards") or []
    card_regions = [r for r in regions if r.kind == "card"]
    findings += coverage_cards.check_cards_coverage([c for c in cards if isinstance(c, Mapping)], card_regions,
                                                    running_heads(regions))
    return findings


def _prints_grid_of_amounts(regions: Sequence[Region]) -> bool:
    """True when a line outside the cards prints two or more amounts in cells of their own: a table is printed
    (under a title no rule knows), so its absence from the record is no attachment's."""
    for region in regions:
        if region.kind == "card":
            continue
        tokens = region_tokens(region.lines)
        amounts: dict[int, set[int]] = {}
        for token in tokens:
            if token.formatted and not token.zero:
                amounts.setdefault(token.line, set()).add(token.cell)
        if any(len(cells) >= _GRID_AMOUNTS for cells in amounts.values()):
            return True
    return False


def tables_not_in_file(regions: Sequence[Region]) -> Finding:
    """The finding of a filing that prints no standard table, naming the attachment where the prose names it."""
    named = next((line for r in regions if r.kind == "prose" for line in r.lines
                  if _ATTACHMENT.search(normalize_text(line.text))), None)
    if named is not None:
        where = f"the prose names them as an attachment ({named.text.strip()[:50]}, page {named.page})"
    else:
        where = "they are published apart from it"
    message = f"no standard table is printed in this file: {where}; what it prints is not checked against them"
    return make_finding(TABLES_NOT_IN_FILE, Site(None, None, None, "document"), None, None, message)


def running_heads(regions: Sequence[Region]) -> frozenset[str]:
    """The texts printed at the top of three or more pages (running heads: the agency name and year), six
    characters of text at least (a figure or a short label at a page top is not a running head)."""
    return _running_heads(tuple(regions))


@lru_cache(maxsize=64)
def _running_heads(regions: tuple[Region, ...]) -> frozenset[str]:
    by_page: dict[int, list[str]] = {}
    for region in regions:
        for line in region.lines:
            by_page.setdefault(line.page, []).append(normalize_text(line.text))
    pages: dict[str, set[int]] = {}
    for page, texts in by_page.items():
        for text in set(texts[:_EDGE_LINES]):
            if len(_CJK.findall(text)) >= _HEAD_CHARS:
                pages.setdefault(text, set()).add(page)
    return frozenset(text for text, seen in pages.items() if len(seen) >= _RUNNING_PAGES and text)


def _frozen(kind: str, view: TableView) -> str:
    """A table's identity for the cache: its kind, title and rows as JSON."""
    return json.dumps([kind, view.title, view.unit, list(view.rows)], ensure_ascii=False, sort_keys=True, default=str)


@lru_cache(maxsize=512)
def _table_findings(table: str, lines: tuple[Line, ...]) -> tuple[Finding, ...]:
    """The table's coverage and total findings, cached: a mutated record changes one table, and the checks of
    the others against the same lines are not run again."""
    kind, title, unit, rows = json.loads(table)
    view = TableView.of({"kind": kind, "title": title, "unit": unit, "rows": rows}, unit)
    return (*coverage_tables.check_table_coverage(view, lines).findings, *total_findings(view, lines))


def _printed_kinds(regions: Sequence[Region]) -> dict[str, tuple[Line, ...]]:
    """Known table kind → the lines of every region printing it, in order."""
    found: dict[str, list[Line]] = {}
    for region in regions:
        if region.kind == "table" and region.table_kind and region.table_kind != "other":
            found.setdefault(region.table_kind, []).extend(region.lines)
    return {kind: tuple(lines) for kind, lines in found.items()}


def _prints_amounts(lines: Sequence[Line]) -> bool:
    return any(t.formatted and not t.zero for t in region_tokens(lines))


def _unread(kind: str, lines: Sequence[Line], view: TableView | None) -> Finding:
    page = lines[0].page if lines else None
    title = lines[0].text if lines else kind
    how = "has no table of that kind" if view is None else "has it empty although it prints amounts"
    message = f"printed {title[:40]} (page {page}, {kind}): the record {how}"
    if view is None and not _prints_amounts(lines):
        message = f"printed {title[:40]} (page {page}, {kind}) with no amounts: the record lacks the empty table"
    return make_finding(TABLE_UNREAD, Site(kind, None, None, title, page), None, None, message)


def total_findings(view: TableView, lines: Sequence[Line]) -> list[Finding]:
    """The kind's total rows: present where printed (error when missing), unchecked where printed nowhere."""
    if view.kind in SIDED_KINDS:
        return _sided_totals(view, lines)
    if view.kind not in CODED_KINDS and view.kind != "three_public_expenditure":
        return []
    if view.total_index() is not None:
        return []
    site = Site(view.kind, None, None, view.title)
    printed = next((line for line in lines if _TOTAL_LINE.match(normalize_text(line.text))
                    and any(t.formatted and not t.zero for t in region_tokens([line]))), None)
    if printed is not None and not _read_across(view, printed):
        return [make_finding(MISSING_TOTAL, Site(view.kind, None, None, view.title, printed.page), None, None,
                             f"{view.title}: 合计 printed on page {printed.page} but not in the table")]
    if view.kind == "three_public_expenditure":
        return []
    return [make_finding(NO_TOTAL, site, None, None, f"{view.title}: no 合计 row printed or read: its tree sums "
                                                     "are not anchored to a total")]


def _read_across(view: TableView, line: Line) -> bool:
    """A 三公 table printed with its items as columns is read from its 合计 line: each figure of that line is a
    row's value (小计, 公务接待费 …), so the printed 合计 is in the table, across its rows."""
    if view.kind != "three_public_expenditure":
        return False
    values = [v for i in view.indices() for v in row_values(view.rows[i]).values()]
    figures = [t.value for t in region_tokens([line]) if not t.zero]
    return bool(figures) and all(any(isinstance(v, (int, float)) and abs(v - f) < 0.005 for v in values)
                                 for f in figures)


def _sided_totals(view: TableView, lines: Sequence[Line]) -> list[Finding]:
    findings = []
    text = normalize_text(" ".join(line.text for line in lines))
    for side in ("income", "expenditure"):
        if split_side(view, side).grand is not None:
            continue
        word = "收入总计" if side == "income" else "支出总计"
        if _GRAND_LINE[side].search(text):
            findings.append(make_finding(MISSING_TOTAL, Site(view.kind, None, None, view.title), None, None,
                                         f"{view.title}: {word} is printed but the {side} side has no total row"))
        else:
            findings.append(make_finding(NO_TOTAL, Site(view.kind, None, None, view.title), None, None,
                                         f"{view.title}: no {word} row: the {side} side is not anchored"))
    return findings



def part_coverage_errors(part: str, value: Mapping[str, Any], unit: str | None, region: Region) -> int:
    """The completeness errors of one table (``part`` "table") or card checked against the region it was read
    from: used to tell which of two readings of a region (the rules', the model's) holds better."""
    if part == "table":
        view = TableView.of(value, unit)
        coverage = coverage_tables.check_table_coverage(view, region.lines)
        found = [*coverage.findings, *total_findings(view, region.lines)]
    else:
        found = [*coverage_cards.level_findings(0, value), *coverage_cards.indicator_findings(0, value, region)]
    return sum(1 for f in found if f.get("severity") == "error")
