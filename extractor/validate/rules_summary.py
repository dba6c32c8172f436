"""Checks inside the two-sided summaries (收支总表, 财政拨款收支总表): each side adds up, the sides balance.

A side's rows (sub-rows with "/" in the name left out) are read as: body items, the current-year
total (本年收入合计 / 当年支出小计 …), carry rows (结转/结余) and the grand total (收入总计 / 支出合计 …).
On the expenditure side the body may list functional classes, expenditure types (基本支出, 项目支出 …)
and economic classes side by side; each such group adds up on its own.

A parent is counted or its children, never both: "/" sub-rows are left out (their parent is counted; a
parent printed blank counts its sub-rows instead), and a plain grouping heading (本年收入, 部门预算 …: the
contract writes the items under it bare) is not an item but the total of the items, read as the side's
本年合计 where none is printed. A side printed as several breakdowns side by side (Xi'an's function /
department-economic / government-economic columns, each with its own 部门预算, 本年支出合计 and 支出总计, so
those names repeat) adds up as a whole: all the breakdowns' items = the n totals together, whatever the
order the rows are listed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.record.kinds import SIDED_KINDS
from extractor.record.normalize import normalize_name
from extractor.validate.rules_common import Finding, Rule, TableView, compare, row_values

BALANCE = Rule("summary.income_equals_expenditure", "error", "Two-sided summary: 收入总计 = 支出总计.")
CURRENT_INCOME = Rule(
    "summary.current_income", "error",
    "Two-sided summary: 本年收入合计 = Σ income items above it (sub-rows with \"/\" excluded).",
)
CURRENT_EXPENDITURE = Rule(
    "summary.current_expenditure", "error",
    "Two-sided summary: 本年支出合计 = Σ expenditure classes (and, separately, Σ 基本/项目… types "
    "or Σ economic classes where printed).",
)
GRAND_TOTAL = Rule(
    "summary.grand_total", "error",
    "Two-sided summary: 收入总计 = 本年收入合计 + 结转/结余 items (支出总计 likewise); without a current-year "
    "total, 总计 = Σ items.",
)

RULES: tuple[Rule, ...] = (BALANCE, CURRENT_INCOME, CURRENT_EXPENDITURE, GRAND_TOTAL)

_CURRENT = re.compile(r"^(本年|当年)(收入|支出)(合计|小计|总计)$")
#: A side's grand total: 收入总计 / 支出合计 …, or a bare 合计 / 总计 printed on the side's own line (Chongqing's
#: 收支总体情况表 heads each side with 合计 and prints no 本年合计 or 结转 rows).
_GRAND = re.compile(r"^(?:(收入|支出)(总计|合计|总额)|合计|总计)$")
#: Money carried in from last year or out to the next: 结转/结余, Xi'an's 上年实户资金余额 and 未安排支出的实户资金.
_CARRY = re.compile(r"结转|结余|余额|实户资金")

#: Expenditure-type items of a summary's expenditure side → 支出总表 value key.
EXPENDITURE_TYPES: dict[str, str] = {
    "基本支出": "basic", "项目支出": "project", "经营支出": "operating", "事业单位经营支出": "operating",
    "上解上级支出": "remit_superior", "对附属单位补助支出": "subsidiary_grant", "单位预留机动经费": "reserve",
    "预留机动经费": "reserve",
}
ECONOMIC_CLASSES = frozenset({
    "工资福利支出", "商品和服务支出", "对个人和家庭的补助", "对个人和家庭补助", "资本性支出", "对企业补助",
    "债务利息及费用支出", "对事业单位经常性补助", "对事业单位资本性补助",
    # 政府预算支出经济分类 (501…599), printed as a breakdown of its own beside the 部门 classes
    "机关工资福利支出", "机关商品和服务支出", "机关资本性支出", "机关资本性支出(一)", "机关资本性支出(二)",
    "对企业资本性支出", "对社会保障基金补助", "债务还本支出", "转移性支出", "预备费及预留",
})
#: The items that make a breakdown by type or by economic class one of its own: without any of them, a few
#: such names in the side's list (Guangdong's 收支总体情况表 numbers 对附属单位补助支出, 上缴上级支出, 债务还本支出,
#: 转移性支出 on after its functional classes, 二十四、…二十八、) are items of the functional list.
_CORE_TYPES = frozenset({"基本支出", "项目支出"})
_CORE_ECONOMIC = frozenset({"工资福利支出", "商品和服务支出", "机关工资福利支出", "机关商品和服务支出"})
#: The contract's plain grouping headings per side: the items under them are written bare.
GROUPING_HEADINGS: dict[str, frozenset[str]] = {
    "income": frozenset({"本年收入", "部门预算"}), "expenditure": frozenset({"本年支出", "部门预算", "财政拨款"}),
}


@dataclass
class Side:
    """The rows of one side of a summary, by role (indices into the table). ``current``/``grand`` are the
    last 本年合计/总计 printed, ``currents``/``grands`` all of them (one per breakdown printed side by side)."""

    name: str
    classes: list[int] = field(default_factory=list)
    types: list[int] = field(default_factory=list)
    economic: list[int] = field(default_factory=list)
    carry: list[int] = field(default_factory=list)
    current: int | None = None
    grand: int | None = None
    currents: list[int] = field(default_factory=list)
    grands: list[int] = field(default_factory=list)
    headings: list[int] = field(default_factory=list)
    children: dict[int, list[int]] = field(default_factory=dict)

    def groups(self) -> list[tuple[str, list[int]]]:
        """Return the non-empty body groups, each of which must add up to the side's totals."""
        named = (("classes", self.classes), ("types", self.types), ("economic", self.economic))
        return [(label, rows) for label, rows in named if rows]

    def body(self) -> list[int]:
        """Return every body item, of all groups."""
        return [*self.classes, *self.types, *self.economic]


def split_side(view: TableView, side: str) -> Side:
    """Sort one side's top-level rows into body groups, totals, grouping headings and carry rows; each "/"
    sub-row is filed under its parent (the last top-level row of that name printed above it, else the first).
    A sub-row whose parent is no row (a heading printed blank, such as Xi'an's 1、财政拨款 over its (1)(2)(3)
    items, is not kept) stands in the list itself, unless its parent is another sub-row."""
    found = Side(side)
    rows = [i for i in view.indices() if view.rows[i].get("side") == side]
    first: dict[str, int] = {}
    for i in rows:
        if "/" not in (view.rows[i].get("name") or ""):
            first.setdefault(view.name(i), i)
    last: dict[str, int] = {}
    tails = {normalize_name(raw.rsplit("/", 1)[-1]) for i in rows if "/" in (raw := view.rows[i].get("name") or "")}
    for i in rows:
        raw = view.rows[i].get("name") or ""
        if "/" in raw:
            head, tail = (normalize_name(part) for part in raw.rsplit("/", 1))
            parent = last.get(head, first.get(head))
            if parent is not None:
                found.children.setdefault(parent, []).append(i)
            elif head not in tails:  # its parent printed blank, so not kept: the sub-row stands in the list
                last[tail] = i
                _file_row(found, i, tail)
            continue
        name = view.name(i)
        last[name] = i
        _file_row(found, i, name)
    for group, core in ((found.types, _CORE_TYPES), (found.economic, _CORE_ECONOMIC)):
        if group and not any(view.name(i) in core for i in group):
            found.classes = sorted([*found.classes, *group])
            group.clear()
    return found


def _file_row(found: Side, i: int, name: str) -> None:
    side = found.name
    if name in GROUPING_HEADINGS.get(side, frozenset()):
        found.headings.append(i)
    elif _GRAND.match(name):
        found.grand = i
        found.grands.append(i)
    elif _CURRENT.match(name):
        found.current = i
        found.currents.append(i)
    elif _CARRY.search(name):
        found.carry.append(i)
    elif side == "expenditure" and name in EXPENDITURE_TYPES:
        found.types.append(i)
    elif side == "expenditure" and name in ECONOMIC_CLASSES:
        found.economic.append(i)
    else:
        found.classes.append(i)


def side_keys(view: TableView, side: str) -> list[str]:
    """Return the value keys printed on one side (amount; total, general_budget … on 财政拨款 expenditure)."""
    keys = {k for i in view.indices() if view.rows[i].get("side") == side for k in row_values(view.rows[i])}
    return sorted(keys & view.printed)


def main_key(view: TableView, side: str) -> str:
    """Return the key holding a side's headline figure: amount, else total."""
    keys = side_keys(view, side)
    return "amount" if "amount" in keys or not keys else "total" if "total" in keys else keys[0]


def check_summaries(views: list[TableView]) -> list[Finding]:
    """Return the findings of every two-sided summary."""
    findings: list[Finding] = []
    for view in views:
        if view.kind in SIDED_KINDS and not view.empty:
            income, expenditure = split_side(view, "income"), split_side(view, "expenditure")
            findings += _side_findings(view, income, CURRENT_INCOME)
            findings += _side_findings(view, expenditure, CURRENT_EXPENDITURE)
            findings += _balance_findings(view, income, expenditure)
    return findings


def side_amount(view: TableView, side: Side, index: int, key: str) -> float:
    """Return a top-level row's figure; a parent printed blank counts its "/" sub-rows instead."""
    value = view.value(index, key)
    if value is not None:
        return value
    return sum(view.amount(i, key) for i in side.children.get(index, []))


def _side_findings(view: TableView, side: Side, current_rule: Rule) -> list[Finding]:
    """One breakdown: each body group adds up to the 本年合计 (or the grouping heading standing for it), which
    with the carry rows makes the 总计. Several breakdowns printed side by side (n 本年合计 or n 总计 rows,
    their rows in any order): all their items add up to the n totals together."""
    findings: list[Finding] = []
    for key in side_keys(view, side.name):
        carry = sum(side_amount(view, side, i, key) for i in side.carry)
        headings = _repeats(view, [i for i in side.headings if view.value(i, key) is not None])
        currents, grands = _repeats(view, side.currents), _repeats(view, side.grands)
        totals = currents or headings
        for rows in (currents, headings):
            findings += _body_sum(view, side, rows, key, current_rule, "")
        if totals and grands:
            each = sum(view.amount(t, key) for t in totals) / len(totals)
            findings += _sum_of(view, grands, key, each * len(grands) + carry, GRAND_TOTAL, "本年合计+结转",
                                1 + len(side.carry))
        elif grands:
            findings += _body_sum(view, side, grands, key, GRAND_TOTAL, "+结转", side.carry)
    return findings


def _repeats(view: TableView, rows: list[int]) -> list[int]:
    """The totals of breakdowns printed side by side: one name printed n times; otherwise the last one."""
    if len(rows) > 1 and len({view.name(i) for i in rows}) == 1:
        return rows
    return rows[-1:]


def _body_sum(view: TableView, side: Side, targets: list[int], key: str, rule: Rule, suffix: str,
              extra: list[int] | None = None) -> list[Finding]:
    """One target: each body group (+ ``extra`` rows) adds up to it; n targets: all body items together."""
    extra = extra or []
    if len(targets) == 1:
        findings: list[Finding] = []
        for label, rows in side.groups():
            findings += _group_sum(view, side, targets[0], rows + extra, key, rule, f"Σ{label}{suffix}")
        return findings
    if not targets or not side.body():
        return []
    parts = [side_amount(view, side, i, key) for i in side.body() + extra]
    return _sum_of(view, targets, key, sum(parts), rule, f"Σ{len(targets)} breakdowns{suffix}",
                   sum(1 for p in parts if p))


def _sum_of(view: TableView, targets: list[int], key: str, expected: float, rule: Rule, word: str, parts: int,
            ) -> list[Finding]:
    """Σ of the ``targets`` figures (shown at the first) against ``expected``."""
    if all(view.value(t, key) is None for t in targets) and not expected:
        return []
    actual = sum(view.amount(t, key) for t in targets)
    return compare(rule, view.site(targets[0], key), actual, expected, word, parts)


def _group_sum(view: TableView, side: Side, target: int, rows: list[int], key: str, rule: Rule, word: str,
               ) -> list[Finding]:
    parts = [side_amount(view, side, i, key) for i in rows]
    if view.value(target, key) is None and not any(parts):
        return []
    return compare(rule, view.site(target, key), view.amount(target, key), sum(parts), word,
                   sum(1 for p in parts if p))


def _balance_findings(view: TableView, income: Side, expenditure: Side) -> list[Finding]:
    if income.grand is None:
        return []
    in_key, out_key = main_key(view, "income"), main_key(view, "expenditure")
    findings: list[Finding] = []
    for grand in _repeats(view, expenditure.grands):
        if view.value(income.grand, in_key) is not None or view.value(grand, out_key) is not None:
            findings += compare(BALANCE, view.site(grand, out_key), view.amount(grand, out_key),
                                view.amount(income.grand, in_key), "收入总计")
    return findings
