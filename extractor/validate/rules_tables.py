"""Checks inside one table: classification trees, column identities, 三公 breakdown, procurement lines."""

from __future__ import annotations

from collections import defaultdict

from extractor.record.identities import PRINTED_PRECISION, applicable_identities, difference_kind, parent_code
from extractor.record.kinds import CODED_KINDS
from extractor.validate.rules_common import Finding, Rule, TableView, compare, fmt, make_finding, row_values

TOTAL_SUM = Rule("tree.total_sum", "error", "合计 of a line-item table = Σ 类 (3-digit) rows, per value key.")
CLASS_SUM = Rule(
    "tree.class_sum", "error",
    "A 类 (3-digit) row = Σ its 款 (5-digit) rows, per value key; economic classification alike (301 = Σ 301xx).",
)
ITEM_SUM = Rule("tree.item_sum", "error", "A 款 (5-digit) row = Σ its 项 (7-digit) rows, per value key.")
TOTAL_PARTS = Rule(
    "row.total_parts", "error",
    "Per row: total = basic + project (+ operating, remit_superior, subsidiary_grant, reserve); "
    "total = personnel + public; income total = current_subtotal + carryover (every source + carryover "
    "without a 本年收入小计 column); 财政拨款/三公 total = general_budget + government_fund + state_capital.",
)
SUBTOTAL_PARTS = Rule(
    "row.current_subtotal_parts", "error",
    "Per 收入总表 row, where the table prints 本年收入小计: current_subtotal = Σ income sources.",
)
THREE_PUBLIC_SUBTOTAL = Rule(
    "three_public.subtotal", "error",
    "三公 小计 (or 合计 when no 小计 and no other items) = 因公出国(境)费 + 公务用车购置及运维费 + 公务接待费.",
)
THREE_PUBLIC_VEHICLE = Rule(
    "three_public.vehicle", "error", "公务用车购置及运维费 = 公务用车购置费 + 公务用车运行维护费.",
)
THREE_PUBLIC_TOTAL = Rule(
    "three_public.total", "error",
    "三公 table 合计 = 三公 小计 + the other items it prints (会议费, 培训费 …; 机关运行经费 excluded).",
)
PROCUREMENT_LINE = Rule(
    "procurement.line_total", "warning",
    "Procurement line: quantity × unit_price = total (a warning: the printed unit price is rounded).",
)

RULES: tuple[Rule, ...] = (
    TOTAL_SUM, CLASS_SUM, ITEM_SUM, TOTAL_PARTS, SUBTOTAL_PARTS, THREE_PUBLIC_SUBTOTAL, THREE_PUBLIC_VEHICLE,
    THREE_PUBLIC_TOTAL, PROCUREMENT_LINE,
)

_LEVEL_RULE = {3: CLASS_SUM, 5: ITEM_SUM}
_BASIC_PARTS = frozenset({"personnel", "public"})
_KEPT_FUNDS = ("government_fund", "state_capital")
_LEVEL_WORD = {3: "Σ款", 5: "Σ项"}


def check_tables(views: list[TableView]) -> list[Finding]:
    """Return the findings of every within-table identity over all tables."""
    findings: list[Finding] = []
    for view in views:
        if view.empty:
            continue
        if view.kind in CODED_KINDS:
            findings += tree_findings(view)
        findings += row_identity_findings(view)
        if view.kind == "three_public_expenditure":
            findings += three_public_findings(view)
        if view.kind == "procurement":
            findings += procurement_findings(view)
    return findings


def tree_findings(view: TableView) -> list[Finding]:
    """Check 合计 = Σ类, 类 = Σ款, 款 = Σ项 wherever the parent has children printed.

    A child belongs to the last row of its parent code printed above it (else to the parent's first row), so
    a classification printed in repeated blocks (301 … 303 once per 政府经济分类 group) or with its 款 rows
    repeated under one 类 adds up block by block; 合计 is the sum of every 类 row printed. A 项 whose 款 is not
    printed (Xi'an's 3010201 津贴补贴 under 301, no 30102 row) counts under the nearest printed ancestor.
    """
    codes = view.code_index()
    last_seen: dict[str, int] = {}
    children: dict[int, list[int]] = defaultdict(list)
    for index in view.indices():
        code = view.code(index)
        if not code:
            continue
        above = parent_code(code)
        while above and above not in codes:  # a 项 printed without its 款 row (3010201 under 301) is the 类's
            above = parent_code(above)
        parent = last_seen.get(above, codes.get(above)) if above else None
        if parent is not None:
            children[parent].append(index)
        last_seen[code] = index
    findings: list[Finding] = []
    for parent, kids in children.items():
        level = len(view.code(parent) or "")
        findings += _sum_findings(view, parent, kids, _LEVEL_RULE.get(level, ITEM_SUM), _LEVEL_WORD.get(level, "Σ"))
    total = view.total_index()
    classes = [i for i in view.indices() if len(view.code(i) or "") == 3]
    if total is not None and classes:
        findings += _sum_findings(view, total, classes, TOTAL_SUM, "Σ类")
    return findings


def _sum_findings(view: TableView, parent: int, kids: list[int], rule: Rule, word: str) -> list[Finding]:
    keys = sorted({k for i in (parent, *kids) for k in row_values(view.rows[i])} & view.printed)
    findings: list[Finding] = []
    for key in keys:
        if view.value(parent, key) is None and all(view.value(i, key) is None for i in kids):
            continue
        parts = [view.amount(i, key) for i in kids]
        findings += compare(rule, view.site(parent, key), view.amount(parent, key), sum(parts), word,
                            sum(1 for p in parts if p))
    return findings


def row_identity_findings(view: TableView) -> list[Finding]:
    """Check every applicable column identity (identities.ROW_IDENTITIES) on every row."""
    findings: list[Finding] = []
    for total, printed_parts in applicable_identities(view.kind, set(view.printed)):
        parts = _with_kept_funds(view, total, _split_basic(view, printed_parts))
        rule = SUBTOTAL_PARTS if total == "current_subtotal" else TOTAL_PARTS
        word = "Σ" + "+".join(p for p in parts if p in view.printed)
        for i in view.indices():
            if view.value(i, total) is None and all(view.value(i, p) is None for p in parts):
                continue
            amounts = [view.amount(i, p) for p in parts]
            findings += compare(rule, view.site(i, total), view.amount(i, total), sum(amounts), word,
                                sum(1 for a in amounts if a))
    return findings


def _holding_rows(view: TableView, total: str, parts: tuple[str, ...]) -> int:
    return sum(1 for i in view.indices()
               if difference_kind(view.amount(i, total) - sum(view.amount(i, p) for p in parts)) == "exact")


def _with_kept_funds(view: TableView, total: str, parts: tuple[str, ...]) -> tuple[str, ...]:
    """A 收入总表 keeps its 政府性基金/国有资本经营 columns under their own keys: they are income sources beside a
    fiscal_allocation that holds the 一般公共预算 column only (a table listed by unit), but already inside one
    that holds 财政拨款. Read as parts where that makes more of the table's rows add up (a parent or its
    children, never both)."""
    kept = tuple(k for k in _KEPT_FUNDS if k in view.printed)
    if view.kind != "income_summary" or "fiscal_allocation" not in parts or not kept:
        return parts
    wider = (*parts, *kept)
    return wider if _holding_rows(view, total, wider) > _holding_rows(view, total, parts) else parts


def _split_basic(view: TableView, parts: tuple[str, ...]) -> tuple[str, ...]:
    """A table printing 人员经费/公用经费 but no 基本支出 column (basic = personnel + public) counts those two
    kept columns in place of basic; any other kept column is no part."""
    if "basic" not in parts or "basic" in view.printed or not _BASIC_PARTS & view.printed:
        return parts
    return tuple(p for part in parts for p in (("personnel", "public") if part == "basic" else (part,)))


def three_public_role(name: str) -> str:
    """Classify a 三公 table row name: total, subtotal, outbound, vehicle, purchase, operation, reception,
    operating (机关运行经费) or other."""
    if name in ("合计", "总计"):
        return "total"
    if "三公" in name:
        return "subtotal"
    if "出国" in name:
        return "outbound"
    if "公务用车" in name:
        buys, runs = "购置" in name, "运" in name
        return "purchase" if buys and not runs else "operation" if runs and not buys else "vehicle"
    if "接待" in name:
        return "reception"
    return "operating" if "机关运行" in name else "other"


def three_public_findings(view: TableView) -> list[Finding]:
    """Check 小计 = 出国 + 车 + 接待, 车 = 购置 + 运行, 合计 = 小计 + other items, per value key."""
    roles: dict[str, list[int]] = defaultdict(list)
    for i in view.indices():
        roles[three_public_role(view.name(i))].append(i)
    findings: list[Finding] = []
    for key in sorted(view.printed):
        findings += _three_public_key(view, roles, key)
    return findings


def _three_public_key(view: TableView, roles: dict[str, list[int]], key: str) -> list[Finding]:
    def one(role: str) -> int | None:
        return roles[role][0] if roles.get(role) else None

    def amount(role: str) -> float:
        return sum(view.amount(i, key) for i in roles.get(role, []))

    findings: list[Finding] = []
    vehicle_parts = amount("purchase") + amount("operation")
    vehicle = one("vehicle")
    if vehicle is not None and (roles.get("purchase") or roles.get("operation")):
        findings += compare(THREE_PUBLIC_VEHICLE, view.site(vehicle, key), view.amount(vehicle, key),
                            vehicle_parts, "购置+运行", 2)
    car = view.amount(vehicle, key) if vehicle is not None else vehicle_parts
    three = amount("outbound") + car + amount("reception")
    subtotal, total, others = one("subtotal"), one("total"), amount("other")
    if subtotal is None and total is not None and not roles.get("other"):
        subtotal = total
    if subtotal is not None and any(roles.get(r) for r in ("outbound", "vehicle", "purchase", "operation",
                                                             "reception")):
        findings += compare(THREE_PUBLIC_SUBTOTAL, view.site(subtotal, key), view.amount(subtotal, key), three,
                            "出国+车+接待", 3)
    if total is not None and total != subtotal and roles.get("other"):
        base = view.amount(subtotal, key) if subtotal is not None else three
        findings += compare(THREE_PUBLIC_TOTAL, view.site(total, key), view.amount(total, key), base + others,
                            "三公+其他", 1 + len(roles["other"]))
    return findings


def procurement_findings(view: TableView) -> list[Finding]:
    """Check quantity × unit_price = total on every line printing all three."""
    findings: list[Finding] = []
    for i in view.indices():
        quantity, price, total = (view.value(i, k) for k in ("quantity", "unit_price", "total"))
        if quantity is None or price is None or total is None:
            continue
        expected = quantity * price
        if abs(total - expected) < PRINTED_PRECISION + 1e-9:
            continue
        slack = PRINTED_PRECISION * (abs(quantity) + 1)
        note = "within unit-price rounding" if abs(total - expected) <= slack + 1e-9 else "beyond rounding"
        message = (f"{view.label(i)} total {fmt(total)} ≠ quantity {quantity:g} × unit_price {fmt(price)} = "
                   f"{fmt(expected)} (diff {total - expected:+.2f}, {note})")
        findings.append(make_finding(PROCUREMENT_LINE, view.site(i, "total"), round(expected, 6), total, message))
    return findings
