"""Figures the 情况说明 prose states, read with phrase patterns (contract: narrative).

The wordings are data (data/narrative.json): per key the phrases naming the figure, the words a filing
may print between a name and its number, and the keys whose figure a 比上年增减 sentence must follow.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files
from typing import Any

_NUM = r"(-?\d[\d,]*(?:\.\d+)?)"
_UNIT = r"万?元"
_CHANGE = re.compile(
    rf"(?:较|比|与)(?:上年|\d{{4}}年)(?:预算)?(?:相比)?[^，。,;；:\d]{{0,12}}?(增加|减少|增长|下降){_NUM}{_UNIT}"
)
#: The figure a change sentence follows: "…16,474.82万元，比2025年…减少…".
_STATED_BEFORE = re.compile(rf"{_NUM}{_UNIT}[，,]?$")
_SPACE = re.compile(r"\s+")


@cache
def _wordings() -> dict[str, Any]:
    """Return the parsed narrative.json shipped in data/."""
    text = files("extractor.extract.rules").joinpath("data", "narrative.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def patterns() -> dict[str, tuple[re.Pattern[str], ...]]:
    """Return key -> compiled patterns 'phrase, lead, tail, number, unit' (first match in printed order wins)."""
    words = _wordings()
    lead, tail = words["lead"], words["tail"]
    return {
        key: tuple(re.compile(rf"{phrase}{lead}{tail}{_NUM}{_UNIT}") for phrase in phrases)
        for key, phrases in words["phrases"].items()
    }


def extract_narrative(prose: str) -> dict[str, float]:
    """Return the narrative figures stated in the prose (keys the prose does not state are absent)."""
    text = _SPACE.sub("", prose)
    found: dict[str, float] = {}
    for key, compiled in patterns().items():
        value = _first(text, compiled)
        if value is not None:
            found[key] = value
    change = _change(text, found)
    if change is not None:
        found["change_amount"] = change
    return found


def _change(text: str, found: dict[str, float]) -> float | None:
    """The signed 比上年增减 of the whole budget.

    The first change whose subject is 收入/支出/收支 wins, else the first one stated right after a figure of the
    best anchor tier (income/expenditure total, then the general budget), else the first one printed.
    """
    words = _wordings()
    subject = re.compile(words["change_subject"])
    tiers = [{found[k] for k in keys if k in found} for keys in words["change_anchor"]]
    ranked: list[tuple[int, int, float]] = []
    for match in _CHANGE.finditer(text):
        before = ("。" + text[: match.start()])[-40:]
        if subject.search(before):
            rank = 0
        else:
            rank = next((n + 1 for n, tier in enumerate(tiers) if _follows_anchor(before, tier)), len(tiers) + 1)
        ranked.append((rank, match.start(), _signed(match)))
    return min(ranked)[2] if ranked else None


def _signed(match: re.Match[str]) -> float:
    amount = _number(match.group(2))
    return -amount if match.group(1) in ("减少", "下降") else amount


def _follows_anchor(before: str, anchors: set[float]) -> bool:
    stated = _STATED_BEFORE.search(before)
    return stated is not None and any(abs(_number(stated.group(1)) - a) < 0.005 for a in anchors)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _first(text: str, compiled: tuple[re.Pattern[str], ...]) -> float | None:
    changed = re.compile(_wordings()["change_verb_before"])
    matches = [m for p in compiled for m in p.finditer(text)
               if not changed.search(text[max(m.start() - 4, 0): m.start()])]
    if not matches:
        return None
    first = min(matches, key=lambda m: m.start())
    return _number(first.group(1))
