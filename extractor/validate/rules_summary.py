"""Checks inside the two-sided summaries (收支总表, 财政拨款收支总表): each side adds up, the sides balance.

A side's rows (sub-rows with "/" in the name left out) are read as: body items, the current-year
total (本年收入合计 / 当年支出小计 …), carry rows (结转/结余) and the grand total (收入总计 / 支出合计 …).
On the expenditure side the body may list functional classes, expenditure types (基本支出, 项目支出 …)
and economic classes side by side; each such group adds up on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.record.kinds import SIDED_KINDS
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
_GRAND = re.compile(r"^(收入|支出)(总计|合计|总额)$")
_CARRY = re.compile(r"结转|结余")

#: Expenditure-type items of a summary's expenditure side → 支出总表 value key.
EXPENDITURE_TYPES: dict[str, str] = {
    "基本支出": "basic", "项目支出": "project", "经营支出": "operating", "事业单位经营支出": "operating",
    "上解上级支出": "remit_superior", "对附属单位补助支出": "subsidiary_grant", "单位预留机动经费": "reserve",
    "预留机动经费": "reserve",
}
ECONOMIC_CLASSES = frozenset({
    "工资福利支出", "商品和服务支出", "对个人和家庭的补助", "对个人和家庭补助", "资本性支出", "对企业补助",
    "债务利息及费用支出", "对事业单位经常性补助", "对事业单位资本性补助",
})


@dataclass
class Side:
    """The rows of one side of a summary, by role (indices into the table)."""

    name: str
    classes: list[int] = field(default_factory=list)
    types: list[int] = field(default_factory=list)
    economic: list[int] = field(default_factory=list)
    carry: list[int] = field(default_factory=list)
    current: int | None = None
    grand: int | None = None

    def groups(self) -> list[tuple[str, list[int]]]:
        """Return the non-empty body groups, each of which must add up to the side's totals."""
        named = (("classes", self.classes), ("types", self.types), ("economic", self.economic))
        return [(label, rows) for label, rows in named if rows]


def split_side(view: TableView, side: str) -> Side:
    """Sort one side's top-level rows into body groups, current total, carry rows and grand total."""
    found = Side(side)
    for i in view.indices():
        if view.rows[i].get("side") != side or "/" in (view.rows[i].get("name") or ""):
            continue
        name = view.name(i)
        if _GRAND.match(name):
            found.grand = i
        elif _CURRENT.match(name):
            found.current = i
        elif _CARRY.search(name):
            found.carry.append(i)
        elif side == "expenditure" and name in EXPENDITURE_TYPES:
            found.types.append(i)
        elif side == "expenditure" and name in ECONOMIC_CLASSES:
            found.economic.append(i)
        else:
            found.classes.append(i)
    return found


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


def _side_findings(view: TableView, side: Side, current_rule: Rule) -> list[Finding]:
    findings: list[Finding] = []
    for key in side_keys(view, side.name):
        carry = sum(view.amount(i, key) for i in side.carry)
        if side.current is not None:
            for label, rows in side.groups():
                findings += _group_sum(view, side.current, rows, key, current_rule, f"Σ{label}")
            if side.grand is not None:
                findings += compare(GRAND_TOTAL, view.site(side.grand, key), view.amount(side.grand, key),
                                    view.amount(side.current, key) + carry, "本年合计+结转",
                                    1 + len(side.carry))
        elif side.grand is not None:
            for label, rows in side.groups():
                findings += _group_sum(view, side.grand, rows + side.carry, key, GRAND_TOTAL, f"Σ{label}+结转")
    return findings


def _group_sum(view: TableView, target: int, rows: list[int], key: str, rule: Rule, word: str) -> list[Finding]:
    if view.value(target, key) is None and all(view.value(i, key) is None for i in rows):
        return []
    parts = [view.amount(i, key) for i in rows]
    return compare(rule, view.site(target, key), view.amount(target, key), sum(parts), word,
                   sum(1 for p in parts if p))


def _balance_findings(view: TableView, income: Side, expenditure: Side) -> list[Finding]:
    if income.grand is None or expenditure.grand is None:
        return []
    in_key, out_key = main_key(view, "income"), main_key(view, "expenditure")
    if view.value(income.grand, in_key) is None and view.value(expenditure.grand, out_key) is None:
        return []
    return compare(BALANCE, view.site(expenditure.grand, out_key), view.amount(expenditure.grand, out_key),
                   view.amount(income.grand, in_key), "收入总计")
