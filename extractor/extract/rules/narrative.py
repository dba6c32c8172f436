"""Figures the 情况说明 prose states, read with phrase patterns (contract: narrative)."""

from __future__ import annotations

import re

_NUM = r"(-?\d[\d,]*(?:\.\d+)?)"
_UNIT = r"万?元"
#: Words a filing may print between a figure's name and its number (预算数为, 支出, 总计 …).
_TAIL = r"(?:预算数|预算|总计|合计|共计|安排|支出|收入|为|是|:)*"

#: key -> phrases naming the figure; the first match in printed order wins.
PHRASES: dict[str, tuple[str, ...]] = {
    "income_total": (r"预算收入", r"收入预算", r"收入总计"),
    "general_budget_income": (r"一般公共预算(?:拨款)?收入",),
    "fund_budget_income": (r"(?:政府性)?基金(?:预算)?(?:拨款)?收入",),
    "special_account_income": (r"财政专户(?:核拨|管理资金)?收入",),
    "other_income": (r"(?:单位资金|其他来源|其他资金|其他)收入",),
    "carryover_income": (r"上年结转(?:结余|和结余)?(?:资金)?(?:收入)?",),
    "expenditure_total": (r"支出预算", r"支出总计"),
    "basic_expenditure": (r"基本支出",),
    "personnel_expenditure": (r"人员(?:类项目)?经费",),
    "public_expenditure": (r"(?:日常|运转类)?公用(?:项目)?经费",),
    "project_expenditure": (r"项目支出",),
    "operating_expenses": (r"机关运行经费",),
    "three_public_total": (r"[“\"]?三公[”\"]?经费",),
    "three_public_outbound": (r"因公出国\(境\)费",),
    "three_public_vehicle": (r"公务用车购置及运(?:行)?(?:维(?:护)?)?费",),
    "three_public_vehicle_purchase": (r"公务用车购置费",),
    "three_public_vehicle_operation": (r"公务用车运(?:行)?(?:维(?:护)?)?费",),
    "three_public_reception": (r"公务接待费",),
    "fixed_assets_total": (r"上年末固定资产(?:金额|总额|原值)?",),
}
PATTERNS: dict[str, tuple[str, ...]] = {
    key: tuple(rf"{phrase}{_TAIL}{_NUM}{_UNIT}" for phrase in phrases) for key, phrases in PHRASES.items()
}
_CHANGE = re.compile(
    rf"(?:较|比|与)(?:上年|\d{{4}}年)(?:预算)?(?:相比)?[^，。,;；:\d]{{0,12}}?(增加|减少|增长|下降){_NUM}{_UNIT}"
)
_SPACE = re.compile(r"\s+")


def extract_narrative(prose: str) -> dict[str, float]:
    """Return the narrative figures stated in the prose (keys the prose does not state are absent)."""
    text = _SPACE.sub("", prose)
    found: dict[str, float] = {}
    for key, patterns in PATTERNS.items():
        value = _first(text, patterns)
        if value is not None:
            found[key] = value
    change = _CHANGE.search(text)
    if change:
        amount = float(change.group(2).replace(",", ""))
        found["change_amount"] = -amount if change.group(1) in ("减少", "下降") else amount
    return found


def _first(text: str, patterns: tuple[str, ...]) -> float | None:
    matches = [m for p in patterns for m in re.finditer(p, text)]
    if not matches:
        return None
    first = min(matches, key=lambda m: m.start())
    return float(first.group(1).replace(",", ""))
