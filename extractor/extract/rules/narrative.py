"""Figures the 情况说明 prose states, read with phrase patterns (contract: narrative)."""

from __future__ import annotations

import re

_NUM = r"(-?\d[\d,]*(?:\.\d+)?)"
_UNIT = r"万?元"

#: key -> patterns over whitespace-free prose; the first match in printed order wins.
PATTERNS: dict[str, tuple[str, ...]] = {
    "income_total": (rf"预算收入(?:总计|合计)?(?:为|共)?{_NUM}{_UNIT}", rf"收入预算(?:总计|合计)?(?:为)?{_NUM}{_UNIT}"),
    "general_budget_income": (rf"一般公共预算(?:拨款)?收入(?:为)?{_NUM}{_UNIT}",),
    "fund_budget_income": (rf"(?:政府性)?基金预算(?:拨款)?收入(?:为)?{_NUM}{_UNIT}",),
    "special_account_income": (rf"财政专户(?:核拨|管理资金)?收入(?:为)?{_NUM}{_UNIT}",),
    "other_income": (rf"(?:单位资金|其他来源|其他)收入(?:为)?{_NUM}{_UNIT}",),
    "carryover_income": (rf"上年结转(?:结余|和结余)?(?:收入)?(?:为)?{_NUM}{_UNIT}",),
    "expenditure_total": (rf"支出预算(?:总计|合计)?(?:为|共)?{_NUM}{_UNIT}",),
    "basic_expenditure": (rf"基本支出(?:为)?{_NUM}{_UNIT}",),
    "personnel_expenditure": (rf"人员(?:类项目)?经费(?:为)?{_NUM}{_UNIT}",),
    "public_expenditure": (rf"(?:日常|运转类)?公用(?:项目)?经费(?:为)?{_NUM}{_UNIT}",),
    "project_expenditure": (rf"项目支出(?:为)?{_NUM}{_UNIT}",),
    "operating_expenses": (rf"机关运行经费(?:共计|合计)?(?:安排)?(?:为)?{_NUM}{_UNIT}",),
    "three_public_total": (rf"[“\"]?三公[”\"]?经费(?:预算)?(?:安排|合计|共计)?(?:为)?{_NUM}{_UNIT}",),
    "three_public_outbound": (rf"因公出国\(境\)费(?:为)?{_NUM}{_UNIT}",),
    "three_public_vehicle": (rf"公务用车购置及运(?:行)?维(?:护)?费(?:为)?{_NUM}{_UNIT}",),
    "three_public_vehicle_purchase": (rf"公务用车购置费(?:为)?{_NUM}{_UNIT}",),
    "three_public_vehicle_operation": (rf"公务用车运(?:行)?维(?:护)?费(?:为)?{_NUM}{_UNIT}",),
    "three_public_reception": (rf"公务接待费(?:为)?{_NUM}{_UNIT}",),
    "fixed_assets_total": (rf"上年末固定资产(?:金额|总额|原值)?(?:为|共)?{_NUM}{_UNIT}",),
}
_CHANGE = re.compile(rf"(?:较|比|与)(?:上年|\d{{4}}年)(?:预算)?(?:相比)?(增加|减少|增长|下降){_NUM}{_UNIT}")
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
