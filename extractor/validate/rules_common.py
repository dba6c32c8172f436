"""Shared pieces of the arithmetic checks: the Rule type, finding construction, table views, units.

A finding is a dict with exactly ``record.keys.FINDING_KEYS``; ``difference`` is ``actual - expected``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from extractor.record.identities import difference_kind, rounding_slack
from extractor.record.keys import FINDING_KEYS, row_keys
from extractor.record.normalize import normalize_name

Finding = dict[str, Any]


@dataclass(frozen=True)
class Rule:
    """One named identity of the catalogue: stable id, "error" or "warning", and what it asserts."""

    id: str
    severity: str
    meaning: str


ROUNDING = Rule(
    "rounding.within_tolerance", "warning",
    "A total or restated figure misses what an identity says by more than 0.005 but within rounding "
    "(0.011 per summed part): the filing's printed figures do not add up exactly. "
    "The message names the identity.",
)

#: Multiples of one 元 for the units filings print.
UNIT_SCALE: dict[str, float] = {"元": 1.0, "千元": 1e3, "万元": 1e4, "百万元": 1e6, "亿元": 1e8}

_TOTAL_NAMES = frozenset({"合计", "总计"})


@dataclass(frozen=True)
class Site:
    """Where a checked figure sits: table kind, contract row key, value key, page and a readable label."""

    table_kind: str | None
    row_key: str | None
    value_key: str | None
    label: str
    page: int | None = None


def number(value: Any) -> float | None:
    """Return a JSON number as float, anything else (blank, text, bool) as None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def fmt(value: float | None) -> str:
    """Format an amount for a message: two decimals, blank as "—"."""
    return "—" if value is None else f"{value:.2f}"


def make_finding(rule: Rule, site: Site, expected: float | None, actual: float | None, message: str) -> Finding:
    """Return a finding dict carrying exactly the store's FINDING_KEYS."""
    difference = None if expected is None or actual is None else round(actual - expected, 6)
    values = {
        "rule_id": rule.id, "severity": rule.severity, "table_kind": site.table_kind, "row_key": site.row_key,
        "value_key": site.value_key, "expected": expected, "actual": actual, "difference": difference,
        "page": site.page, "message": message,
    }
    return {key: values[key] for key in FINDING_KEYS}


def compare(
    rule: Rule, site: Site, actual: float, expected: float, what: str, parts: int = 1, field: str | None = None,
) -> list[Finding]:
    """Check ``actual`` against ``expected`` (``what`` names it, e.g. "Σ款"); [] when equal as printed.

    A difference within rounding of ``parts`` summed figures is a ROUNDING warning naming ``rule``.
    ``field`` overrides the value key shown in the message.
    """
    diff = actual - expected
    kind = difference_kind(diff, parts)
    if kind == "exact":
        return []
    shown = field if field is not None else site.value_key or ""
    text = f"{site.label} {shown} {fmt(actual)} ≠ {what} {fmt(expected)} (diff {diff:+.2f})"
    text = " ".join(text.split())
    if kind == "rounding":
        slack = rounding_slack(parts)
        return [make_finding(ROUNDING, site, expected, actual, f"[{rule.id}] {text}, within rounding {slack:.3f}")]
    return [make_finding(rule, site, expected, actual, text)]


def row_values(row: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return a row's ``values`` mapping ({} when missing or malformed)."""
    values = row.get("values")
    return values if isinstance(values, Mapping) else {}


def row_page(row: Mapping[str, Any]) -> int | None:
    """Return the page a row (or card) was read from, from its ``provenance.page`` or ``page``."""
    provenance = row.get("provenance")
    page = provenance.get("page") if isinstance(provenance, Mapping) else None
    page = page if page is not None else row.get("page")
    return page if isinstance(page, int) and not isinstance(page, bool) else None


def is_total_row(row: Mapping[str, Any]) -> bool:
    """True for a line-item table's 合计 row (no code, name 合计/总计)."""
    return not row.get("code") and normalize_name(row.get("name")) in _TOTAL_NAMES


@dataclass(frozen=True)
class TableView:
    """Read access to one contract table: rows with their contract row keys, printed columns, unit."""

    kind: str
    title: str
    empty: bool
    unit: str | None
    rows: Sequence[Mapping[str, Any]]
    keys: Sequence[str]
    printed: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, table: Mapping[str, Any], document_unit: str | None) -> TableView:
        """Build the view of one ``tables`` entry."""
        rows = [row for row in table.get("rows") or [] if isinstance(row, Mapping)]
        printed = frozenset(k for row in rows for k, v in row_values(row).items() if number(v) is not None)
        return cls(
            kind=str(table.get("kind") or "other"), title=str(table.get("title") or table.get("kind") or ""),
            empty=bool(table.get("empty")), unit=table.get("unit") or document_unit, rows=rows,
            keys=row_keys(rows), printed=printed,
        )

    def value(self, index: int, key: str) -> float | None:
        """Return row ``index``'s ``key`` as printed (None when blank)."""
        return number(row_values(self.rows[index]).get(key))

    def amount(self, index: int, key: str) -> float:
        """Return row ``index``'s ``key`` with a blank read as 0."""
        return self.value(index, key) or 0.0

    def name(self, index: int) -> str:
        """Return row ``index``'s normalised name."""
        return normalize_name(self.rows[index].get("name"))

    def code(self, index: int) -> str | None:
        """Return row ``index``'s classification code, or None."""
        code = self.rows[index].get("code")
        return str(code) if code else None

    def label(self, index: int) -> str:
        """Return a readable row label: ``code name`` or ``side:name``."""
        row = self.rows[index]
        head = row.get("code") or (f"{row['side']}:" if row.get("side") else "")
        sep = " " if row.get("code") else ""
        return f"{head}{sep}{row.get('name') or ''}"

    def site(self, index: int, value_key: str | None, label: str | None = None) -> Site:
        """Return the Site of row ``index``'s ``value_key``."""
        return Site(self.kind, self.keys[index], value_key, label or self.label(index), row_page(self.rows[index]))

    def total_index(self) -> int | None:
        """Return the index of the 合计 row; without one, of the row of the one budget unit the table is
        listed for (see ``unit_total_index``); else None."""
        found = next((i for i, row in enumerate(self.rows) if is_total_row(row)), None)
        return found if found is not None else self.unit_total_index()

    def unit_total_index(self) -> int | None:
        """A table listed for one budget unit and printing no 合计 (预算单位 | 科目编码 | 科目名称 …) heads its
        classification rows with the unit's own row, which is the table's total: the first row, named and
        without code, when every other row carries a code (or is the table's only row)."""
        if not self.rows or self.code(0) or not self.name(0) or self.rows[0].get("side"):
            return None
        return 0 if all(self.code(i) for i in range(1, len(self.rows))) else None

    def code_index(self) -> dict[str, int]:
        """Return code → index of its first row."""
        found: dict[str, int] = {}
        for i in range(len(self.rows)):
            code = self.code(i)
            if code and code not in found:
                found[code] = i
        return found

    def indices(self) -> Iterator[int]:
        """Yield every row index."""
        return iter(range(len(self.rows)))


def table_views(record: Mapping[str, Any]) -> list[TableView]:
    """Return a view of every table of the record, in order."""
    unit = (record.get("document") or {}).get("currency_unit")
    return [TableView.of(t, unit) for t in record.get("tables") or [] if isinstance(t, Mapping)]


def first_of_kind(views: Sequence[TableView]) -> dict[str, TableView]:
    """Return kind → the first table of that kind."""
    found: dict[str, TableView] = {}
    for view in views:
        found.setdefault(view.kind, view)
    return found


def unit_ratio(from_unit: str | None, to_unit: str | None) -> float:
    """Return the factor turning an amount in ``from_unit`` into ``to_unit`` (1 when either is unknown)."""
    if from_unit in UNIT_SCALE and to_unit in UNIT_SCALE:
        return UNIT_SCALE[from_unit] / UNIT_SCALE[to_unit]  # type: ignore[index]
    return 1.0


def coarser(unit_a: str | None, unit_b: str | None) -> str | None:
    """Return the larger of two known units (the one to compare in), else the first."""
    if unit_a in UNIT_SCALE and unit_b in UNIT_SCALE:
        return unit_a if UNIT_SCALE[unit_a] >= UNIT_SCALE[unit_b] else unit_b  # type: ignore[index]
    return unit_a


def compare_across(
    rule: Rule, site: Site, actual: tuple[float, str | None], expected: tuple[float, str | None], what: str,
    parts: int = 1,
) -> list[Finding]:
    """Compare two (amount, unit) figures printed in possibly different units, in the coarser of the two."""
    unit = coarser(actual[1], expected[1])
    return compare(rule, site, actual[0] * unit_ratio(actual[1], unit), expected[0] * unit_ratio(expected[1], unit),
                   what, parts)


def class_rows(view: TableView) -> dict[str, int]:
    """Return normalised name → index of a line-item table's 类 (3-digit) rows."""
    found: dict[str, int] = {}
    for code, index in view.code_index().items():
        if len(code) == 3:
            found.setdefault(view.name(index), index)
    return found
