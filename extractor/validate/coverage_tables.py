"""Every printed amount of a table is a cell of the record, on the row that prints it (pure).

The record's rows are anchored, in order, to the printed lines of the table's region: a row's values
must all stand on one line (else each is looked for on its own, for rows a dump wrapped), and the text
printed just before them (since the previous amount) must carry the row's code or name. What the rows
leave over is checked: a printed amount no row took is unplaced; a row value printed nowhere is
unprinted; a row whose values stand under another row's label is mislabelled.

Printed numbers that are not amounts are recognised and left alone: zeros (the contract reads 0 and
blank alike), bare integers of 3/5/6/7 digits (codes), years, small bare integers (序号, 行次, 栏次,
page numbers), figures in a note under the table (注：…, prose, not cells), integers in the header above
the first row, and amounts in a printed column no row of the record takes a value from (a column the
contract has no key for, e.g. the fund-source columns of a 政府采购 table), and amounts under a header of
another period (上年 / an earlier year / 增减: coverage_periods.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from extractor.ingest.text import Line
from extractor.record.kinds import SIDED_KINDS, VALUE_KEYS
from extractor.record.normalize import normalize_name, normalize_text
from extractor.validate.coverage_periods import in_other_period, other_period_lines, other_period_spans
from extractor.validate.coverage_tokens import (
    SAME,
    Token,
    cell_words,
    is_code_shaped,
    is_column_numbers,
    is_note_line,
    is_year,
    region_tokens,
    tail_figures,
)
from extractor.validate.rules_common import Finding, Rule, Site, TableView, make_finding, number, row_values

UNPLACED = Rule(
    "coverage.unplaced_amount", "error",
    "An amount printed inside a table's region is a cell of no row of the record's table of that kind "
    "(a dropped or merged row, a lost page, a number split or misread).",
)
UNPRINTED = Rule(
    "coverage.unprinted_value", "error",
    "A value of the record's table is printed nowhere in the table's region (misread digit, split number, "
    "invented figure).",
)
ROW_LABEL = Rule(
    "coverage.row_label", "error",
    "A row's values are printed under another label: the text printed before them carries neither the row's "
    "code nor its name (rows swapped, merged or shifted).",
)
COLUMN = Rule(
    "coverage.column_mismatch", "error",
    "A value stands in the printed column of another value key (read into the neighbouring column).",
)
RULES: tuple[Rule, ...] = (UNPLACED, UNPRINTED, ROW_LABEL, COLUMN)

#: Share of a name's characters the printed label must carry (canonical 三公 names differ a little from print).
_NAME_SHARE = 0.6
#: How many lines below a row its continuation line is looked for.
_CONTINUATION_REACH = 8
#: A column is keyed when at least one in this many of its amounts are rows' values.
_KEYED_SHARE = 3
#: Rows sharing one printed line in a table that is not two-sided: a table printed horizontally.
_HORIZONTAL_ROWS = 3
#: Share of the narrower x extent two figures must overlap by to stand in one column.
_COLUMN_OVERLAP = 0.5
#: Bare integers up to this many digits are ordinals (序号/行次/栏次), quantities or page numbers.
_SMALL_DIGITS = 2


@dataclass
class _Placed:
    tokens: dict[str, Token] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    label_ok: bool = True


def _row_amounts(view: TableView, index: int) -> list[tuple[str, float]]:
    """A row's non-zero values in the contract's column order (total before its parts, as printed), then the
    keys the contract does not list."""
    order = VALUE_KEYS.get(view.kind, ())
    found = []
    for key, raw in row_values(view.rows[index]).items():
        value = number(raw)
        if value is not None and abs(value) >= SAME:
            found.append((key, value))
    return sorted(found, key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))


def _match(amounts: list[tuple[str, float]], pool: list[Token],
           seen: dict[str, list[Token]] | None = None, side: str = "") -> dict[str, Token] | None:
    """Assign each amount an equal token of ``pool``; None if any lacks one. Among equal tokens, the one in the
    column the key's earlier values stand in (``seen``), else formatted tokens first, in printed order."""
    free = sorted(pool, key=lambda t: (not t.formatted,))
    chosen: dict[str, Token] = {}
    for key, value in amounts:
        equal = [t for t in free if abs(t.value - value) < SAME]
        if not equal:
            return None
        history = (seen or {}).get(side + key, [])
        token = max(equal, key=lambda t: sum(1 for h in history if _same_column(t, h))) if history else equal[0]
        free.remove(token)
        chosen[key] = token
    return chosen


class _Ledger:
    """The tokens of a region with what is used, and the label text printed before each token."""

    def __init__(self, lines: Sequence[Line]) -> None:
        self.lines = lines
        self.tokens = region_tokens(lines)
        self.used: set[int] = set()
        self.seen: dict[str, list[Token]] = {}  # (side +) value key → the tokens rows took for it so far
        self.by_line: dict[int, list[int]] = {}
        for token in self.tokens:
            self.by_line.setdefault(token.line, []).append(token.order)

    def free_on(self, line: int) -> list[Token]:
        return [self.tokens[i] for i in self.by_line.get(line, []) if i not in self.used]

    def use(self, chosen: dict[str, Token], side: str = "") -> None:
        self.used.update(token.order for token in chosen.values())
        for key, token in chosen.items():
            self.seen.setdefault(side + key, []).append(token)

    def label_before(self, first: Token) -> str:
        """The text printed before ``first`` since the previous row's last number (a number another row took, or
        an amount on an earlier line): the row's label. Amounts on the same line that no row took are columns
        the record keeps no key for (last year's figures) and stay inside the label."""
        stop = next((j for j in range(first.order - 1, -1, -1) if j in self.used
                     or (self.tokens[j].formatted and self.tokens[j].line < first.line)), None)
        begin = self.tokens[stop] if stop is not None else None
        start = (begin.line, begin.cell) if begin is not None else (max(first.line - 6, 0), 0)
        end = (first.line, first.cell)
        parts: list[str] = []
        for n in range(start[0], end[0] + 1):
            for c, text in enumerate(self.lines[n].cells):
                if (n, c) < start or (n, c) > end:
                    continue
                words = cell_words(text)
                lo = begin.word + 1 if begin is not None and (n, c) == start else 0
                hi = first.word if (n, c) == end else len(words)
                parts += words[lo:hi]
        return normalize_text(" ".join([*parts, *self._continuation(first.line)]))

    def _continuation(self, line: int) -> list[str]:
        """The words of the row's continuation line in a cell dump: the next line that starts with a blank
        cell and prints digits but no amount (a code or name wrapped over a page break), page headers between."""
        if len(self.lines[line].cells) <= 1:
            return []
        for n in range(line + 1, min(line + 1 + _CONTINUATION_REACH, len(self.lines))):
            cells = self.lines[n].cells
            if any(self.tokens[i].formatted for i in self.by_line.get(n, [])):
                return []
            if len(cells) > 1 and not cells[0] and n in self.by_line and not is_column_numbers(self.lines[n]):
                return [w for c in cells for w in cell_words(c)]
        return []


def label_matches(view: TableView, index: int, label: str) -> bool:
    """True when the printed label carries the row's code, or most characters of its name."""
    code = view.code(index)
    if code and code in label.replace(" ", ""):
        return True
    name = normalize_name((view.rows[index].get("name") or "").split("/")[-1])
    chars = [c for c in name if c.isalnum()]
    if not chars:
        return True
    return sum(1 for c in chars if c in label) >= _NAME_SHARE * len(chars)


def _line_order(start: int, count: int) -> list[int]:
    return [*range(start, count), *range(0, start)]


def _place_row(view: TableView, index: int, ledger: _Ledger, cursor: int) -> tuple[_Placed, int]:
    amounts = _row_amounts(view, index)
    if not amounts:
        return _Placed(), cursor
    side = f"{view.rows[index].get('side') or ''}:"
    fallback: tuple[int, dict[str, Token]] | None = None
    order, read = _read_from_first(view, index, ledger, _line_order(cursor, len(ledger.lines)))
    for line in order:
        chosen = _match(amounts, ledger.free_on(line), ledger.seen, side)
        if chosen is None:
            continue
        first = min(chosen.values(), key=lambda t: t.order)
        if label_matches(view, index, ledger.label_before(first)):
            ledger.use(chosen, side)
            return _Placed(chosen), line
        if line == read:  # its values stand on the line it was read from, under another label
            ledger.use(chosen, side)
            return _Placed(chosen, label_ok=False), line
        fallback = fallback or (line, chosen)
    if fallback is not None:
        ledger.use(fallback[1], side)
        return _Placed(fallback[1], label_ok=False), fallback[0]
    return _place_apart(amounts, ledger, cursor, side)


def _read_from_first(view: TableView, index: int, ledger: _Ledger, order: list[int]) -> tuple[list[int], int | None]:
    """The lines to look for a row's values on, and the line the row says it was read from (its provenance),
    first: equal figures printed on several lines (a 2025年 row above the 2026年 one) anchor where they were
    read; then from the cursor on."""
    provenance = view.rows[index].get("provenance")
    read = provenance.get("lines") if isinstance(provenance, Mapping) else None
    number = read[0] if isinstance(read, list) and read and isinstance(read[0], int) else None
    at = next((n for n in order if ledger.lines[n].number == number), None) if number is not None else None
    return (order, None) if at is None else ([at, *(n for n in order if n != at)], at)


def _place_apart(amounts: list[tuple[str, float]], ledger: _Ledger, cursor: int, side: str,
                 ) -> tuple[_Placed, int]:
    """A row whose values stand on several lines: take each from the first line (from the cursor) printing it."""
    placed = _Placed()
    for key, value in amounts:
        for line in _line_order(cursor, len(ledger.lines)):
            chosen = _match([(key, value)], ledger.free_on(line), ledger.seen, side)
            if chosen is not None:
                ledger.use(chosen, side)
                placed.tokens.update(chosen)
                break
        else:
            placed.missing.append(key)
    lines = [t.line for t in placed.tokens.values()]
    return placed, min(lines) if lines else cursor


@dataclass(frozen=True)
class TableCoverage:
    """What anchoring a record table to its printed lines found: findings, and how many rows were anchored."""

    findings: list[Finding]
    anchored: int
    printed_amounts: int


def check_table_coverage(view: TableView, lines: Sequence[Line]) -> TableCoverage:
    """Anchor the table's rows to the region's lines; return unplaced, unprinted and mislabelled findings."""
    ledger = _Ledger(lines)
    findings: list[Finding] = []
    cursor = 0
    placements: list[_Placed] = []
    for index in view.indices():
        placed, cursor = _place_row(view, index, ledger, cursor)
        placements.append(placed)
    horizontal = _accept_horizontal(view, placements)
    for index, placed in enumerate(placements):
        findings += _row_findings(view, index, placed, lines)
    findings += column_findings(view, placements)
    anchored = sum(1 for p in placements if p.tokens)
    first_row_line = min((t.line for p in placements for t in p.tokens.values()), default=None)
    keyed = _keyed_columns(ledger, _lost_keys(view, lines, first_row_line))
    row_lines = {t.line for i, t in enumerate(ledger.tokens) if i in ledger.used}
    periods = other_period_spans(lines, first_row_line)
    elsewhere = {t.order for t in ledger.tokens if in_other_period(t, periods)}
    restated = unit_breakdown(ledger, horizontal, elsewhere)
    leftovers = [t for i, t in enumerate(ledger.tokens)
                 if i not in ledger.used and i not in restated and i not in elsewhere]
    other_period = other_period_lines(lines)
    for token in leftovers:
        if token.line in other_period or is_year(token):
            continue
        if token.line in horizontal:
            if not token.zero and not _other_half(token, ledger):
                findings.append(_unplaced(view, token, lines[token.line]))
        elif (_is_amount(token, lines, first_row_line, keyed, token.line in row_lines)
              and not _restates_subtotal(token, ledger)):
            findings.append(_unplaced(view, token, lines[token.line]))
    printed = sum(1 for t in ledger.tokens if t.formatted and not t.zero)
    return TableCoverage(findings, anchored, printed)


def _row_findings(view: TableView, index: int, placed: _Placed, lines: Sequence[Line]) -> list[Finding]:
    findings = []
    for key in placed.missing:
        value = view.value(index, key)
        site = view.site(index, key)
        message = f"{view.label(index)} {key} {value:.2f} is printed nowhere in the table"
        findings.append(make_finding(UNPRINTED, site, None, value, message))
    if not placed.label_ok and placed.tokens:
        token = min(placed.tokens.values(), key=lambda t: (t.line, t.cell))
        site = Site(view.kind, view.keys[index], None, view.label(index), token.page)
        text = _short(lines[token.line].text)
        message = f"{view.label(index)}: its values are printed under another label (page {token.page}: {text})"
        findings.append(make_finding(ROW_LABEL, site, None, None, message))
    return findings


def _accept_horizontal(view: TableView, placements: list[_Placed]) -> set[int]:
    """A table printed as one row of figures under a header of row names (a horizontal 三公 table) has its rows'
    labels in the header: rows that share one line, three or more of them, are not label-checked. Return
    those lines (every figure on them is some row's)."""
    if view.kind in SIDED_KINDS:
        return set()
    lines = [min(t.line for t in p.tokens.values()) for p in placements if p.tokens]
    shared = {line for line in lines if lines.count(line) >= _HORIZONTAL_ROWS}
    for placed in placements:
        if placed.tokens and min(t.line for t in placed.tokens.values()) in shared:
            placed.label_ok = True
    return shared


def unit_breakdown(ledger: _Ledger, horizontal: set[int], elsewhere: frozenset[int] | set[int] = frozenset(),
                   ) -> set[int]:
    """The figures of the lines printed under a horizontal line the rows took (a 三公 table by unit: its 合计
    line, then one line per 预算单位) that restate it column by column: every figure stands in one of its
    columns and, summed over those lines, each column gives the horizontal line's figure; a line equal to it
    column by column (the department's own subtotal above its units) restates it alone. The units' codes
    (242, 242001) and the figures of another period's columns (``elsewhere``) are left aside. Return the
    figures accounted for."""
    found: set[int] = set()
    for line in sorted(horizontal):
        taken = [t for t in ledger.tokens if t.line == line and t.order in ledger.used]
        below = {n: [t for t in ledger.free_on(n) if t.order not in elsewhere and not is_code_shaped(t)]
                 for n in sorted({t.line for t in ledger.tokens if t.line > line} - horizontal)
                 if _all_free(ledger, n)}
        below = {n: tokens for n, tokens in below.items() if _within_columns(tokens, taken)}
        equal = [n for n, tokens in below.items() if _column_sums(tokens, taken)]
        parts = [t for n, tokens in below.items() if n not in equal for t in tokens]
        if taken and below and (not parts or _column_sums(parts, taken)):
            found.update(t.order for tokens in below.values() for t in tokens)
    return found


def _column_sums(tokens: list[Token], columns: list[Token]) -> bool:
    """True when the figures, summed per column, give each of the ``columns`` figures."""
    return all(abs(sum(t.value for t in tokens if _same_column(t, h)) - h.value) < SAME for h in columns)


def _all_free(ledger: _Ledger, line: int) -> bool:
    """True when every figure of the line is free (no row took one)."""
    return all(i not in ledger.used for i in ledger.by_line.get(line, []))


def _within_columns(tokens: list[Token], columns: list[Token]) -> bool:
    return any(not t.zero for t in tokens) and all(
        t.zero or any(_same_column(t, c) for c in columns) for t in tokens)


def _other_half(token: Token, ledger: _Ledger) -> bool:
    """On a horizontal line, as many figures no row took as figures the rows took: the other year's half of
    the table (2025 | 2026)."""
    on_line = [t for t in ledger.tokens if t.line == token.line and not t.zero]
    taken = sum(1 for t in on_line if t.order in ledger.used)
    return 2 * taken == len(on_line)


def _under(token: Token, header: Token) -> bool:
    """A figure printed under a header cell: their x extents overlap at all (or the same cell of a dump)."""
    if token.span is not None and header.span is not None:
        return token.span[0] < header.span[1] and header.span[0] < token.span[1]
    return token.cell == header.cell


def _same_column(a: Token, b: Token) -> bool:
    """Two figures stand in one column when their x extents overlap over most of the narrower one: a grid
    drawn a few points further right on the next page does not put a cell over its left neighbour's."""
    if a.span is not None and b.span is not None:
        overlap = min(a.span[1], b.span[1]) - max(a.span[0], b.span[0])
        narrower = min(a.span[1] - a.span[0], b.span[1] - b.span[0])
        return overlap > 0 and overlap >= _COLUMN_OVERLAP * narrower
    return a.cell == b.cell


def column_findings(view: TableView, placements: list[_Placed]) -> list[Finding]:
    """A value whose printed column other keys' values share more than its own key's do (layouts with columns:
    cells of a tab or Word dump, x extents of a PDF page). Rows of one line (horizontal tables) are left out."""
    placed = [(i, key, t) for i, p in enumerate(placements) for key, t in p.tokens.items()
              if t.span is not None or t.cell > 0]
    lines = [t.line for _, _, t in placed]
    placed = [(i, key, t) for i, key, t in placed if lines.count(t.line) < len(placed) or len(placed) < 4]
    findings = []
    for index, key, token in placed:
        shares: dict[str, int] = {}
        for other_index, other_key, other in placed:
            if other_index != index and _same_column(token, other):
                shares[other_key] = shares.get(other_key, 0) + 1
        best = max(shares, key=lambda k: shares[k], default=key)
        if best != key and shares[best] > shares.get(key, 0):
            site = view.site(index, key)
            message = (f"{view.label(index)} {key} {token.text} is printed in the {best} column "
                       f"(page {token.page})")
            findings.append(make_finding(COLUMN, site, None, token.value, message))
    return findings


def _restates_subtotal(token: Token, ledger: _Ledger) -> bool:
    """True for the single item of a breakdown printed under a 小计 line, restating it in the same column
    (收入总表 listed by source: 一般公共预算资金 小计 18,330.37 / 公共财政拨款资金 18,330.37)."""
    above = [t for t in ledger.tokens[: token.order] if t.line < token.line]
    if not above or any(is_code_shaped(t) for t in ledger.free_on(token.line) if t.cell < token.cell):
        return False
    line = above[-1].line
    if "小计" not in normalize_text(ledger.lines[line].text):
        return False
    return any(t.order in ledger.used and t.cell == token.cell and abs(t.value - token.value) < SAME
               for t in above if t.line == line)


@dataclass(frozen=True)
class _Columns:
    """Which printed columns the rows take values from: a column (cell position in a cell dump, x extent on a
    PDF page) is keyed when at least a third of the amounts printed in it are some row's values; a column
    of figures no row keeps (last year's 预算数, a fund-source breakdown) is not, whatever a coincidence of
    equal figures made a row take from it."""

    tokens: tuple[Token, ...]
    used: frozenset[int]
    known: bool
    #: x extents / cells of header cells that name a contract column the table holds no value of.
    lost: tuple[Token, ...] = ()

    def keyed(self, token: Token) -> bool:
        if not self.known or any(_under(token, header) for header in self.lost):
            return True
        column = [t for t in self.tokens if ((t.formatted and not t.zero) or t.order in self.used)
                  and _same_column(t, token)]
        taken = sum(1 for t in column if t.order in self.used)
        return bool(taken) and taken * _KEYED_SHARE >= len(column)


def _keyed_columns(ledger: _Ledger, lost: tuple[Token, ...] = ()) -> _Columns:
    """The columns rows take values from (unknown for a layout with one cell per line and no positions)."""
    known = any(len(line.cells) > 1 for line in ledger.lines)
    return _Columns(tuple(ledger.tokens), frozenset(ledger.used), known, lost)


#: Header words naming a contract column (value key → words): a column so headed is never "a column the
#: contract has no key for", so its amounts must be rows' values even if no row took one (a lost column).
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "basic": ("基本支出",), "project": ("项目支出",), "personnel": ("人员经费", "人员支出"),
    "public": ("公用经费", "公用支出"), "fiscal_allocation": ("财政拨款",), "carryover": ("上年结转",),
    "operating": ("经营支出",), "general_budget": ("一般公共预算",), "government_fund": ("政府性基金",),
    "state_capital": ("国有资本",), "unit_price": ("单价",),
}


def _lost_keys(view: TableView, lines: Sequence[Line], first_row_line: int | None) -> tuple[Token, ...]:
    """Header cells above the rows that name a contract column of the kind of which no row holds a value:
    a whole column the record lost. Returned as position-only tokens (cell index, x extent)."""
    missing = [k for k in VALUE_KEYS.get(view.kind, ()) if k in HEADER_WORDS and k not in view.printed]
    if not missing or first_row_line is None:
        return ()
    found = []
    for n in range(first_row_line):
        line = lines[n]
        for cell, text in enumerate(line.cells):
            folded = normalize_text(text)
            if len(line.cells) > 1 and any(w in folded for k in missing for w in HEADER_WORDS[k]):
                box = line.boxes[cell] if cell < len(line.boxes) else None
                span = (box[0], box[2]) if box is not None else None
                found.append(Token(n, cell, 0, text, 0.0, line.page, span))
    return tuple(found)


def _is_amount(token: Token, lines: Sequence[Line], first_row_line: int | None, columns: _Columns,
               row_line: bool) -> bool:
    """True for a leftover token that must have been a cell (see the module docstring for what is not)."""
    if token.zero or is_note_line(lines[token.line]):
        return False
    if not columns.keyed(token):
        return False
    if token.formatted:
        return True
    if first_row_line is None or token.line < first_row_line:
        return False
    if row_line and (token.cell, token.word) in tail_figures(lines[token.line]) and not is_year(token):
        return True
    digits = len(token.text.lstrip("-"))
    return digits > _SMALL_DIGITS and not is_year(token) and not is_code_shaped(token)


def _unplaced(view: TableView, token: Token, line: Line) -> Finding:
    site = Site(view.kind, None, None, view.title, token.page)
    message = f"printed {token.text} (page {token.page}: {_short(line.text)}) is in no row of {view.kind}"
    return make_finding(UNPLACED, site, None, token.value, message)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
