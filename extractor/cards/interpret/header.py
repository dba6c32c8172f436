"""Interpret step, header blocks: a card's header block → project code and name, budget, fund use,
spending plan and goals.

The block is found by its printed labels (项目编码, 项目名称, 预算数, 资金支出计划, 绩效目标), which
every layout keeps; only the spending plan needs cell positions, and a plain dump that lost them
keeps the amounts in printed order, right-aligned so that a lone amount lands on 12月底.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from extractor.cards.interpret.fields import PLAN_SLOTS
from extractor.cards.read.grid import flat_text, is_header_label
from extractor.cards.vocabulary import (
    BLOCK_LABELS,
    BUDGET_LABELS,
    CODE_LABELS,
    FUND_USE_LABEL,
    GOALS_LABEL,
    OTHER_HEADER_LABELS,
    PLAN_LABEL,
    UNNUMBERED_GOALS_LABELS,
    code_label,
    name_label,
)
from extractor.ingest.text import Line
from extractor.record.normalize import normalize_text
from extractor.record.numbers import parse_amount

_NAME_LABEL = "项目名称"
_FUND_USE_LABEL = re.compile(r"^\s*(?:预\s*算\s*规\s*模\s*及\s*)?资\s*金\s*用\s*途\s*[:：]?\s*")
_MONTH = re.compile(r"(\d{1,2})\s*月\s*[底末]")
_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
_GOAL_ENUMERATOR = re.compile(r"^\s*(?:\d{1,2}\s*[.、．](?!\d)|[(（]\d{1,2}[)）]|目标\d{1,2}\s*[:：])\s*")
_ITEM_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.、．]\s*")
#: Another label printed in a later cell of the name's line ("项目名称 | X | 主管部门 | Y") ends the name.
_NEXT_CELL_LABEL = re.compile(r"(?:^|\s+)(?=(?:" + "|".join(OTHER_HEADER_LABELS) + "))")
_BRACKETS = {"(": "[(（]", ")": "[)）]"}
_PAGE_NUMBER = re.compile(r"^\s*[-—]?\s*\d{1,3}\s*[-—]?\s*$")
_UNIT_LINE = re.compile(r"^(?:单位|金额单位)[:：]")


@dataclass(frozen=True)
class CardHeader:
    """The header block of one card; ``found`` is False for a card that prints none."""

    found: bool = False
    project_code: str | None = None
    project_name: str | None = None
    budget: dict[str, float | None] = field(default_factory=dict)
    fund_use: str | None = None
    spending_plan: list[float | None] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)


def read_header(
    lines: tuple[Line, ...], positional: bool, centred: bool = False
) -> CardHeader:
    """Return the header fields of a card from the lines before its indicator table.

    ``centred`` says the lines are a PDF's visual lines with each value centred on its label, so a
    wrapped name or goal starts on lines above the label's line.
    """
    goals = _goals(lines, _goals_start(lines) if centred else None)
    code_at = _first(lines, lambda t: code_label(t) is not None)
    name_at = _first(lines, lambda t: name_label(t) is not None)
    budget_at = _first(lines, lambda t: any(label in t for label in BUDGET_LABELS["total"]))
    if code_at is None and name_at is None and budget_at is None:
        return CardHeader(goals=goals)
    return CardHeader(
        found=True,
        project_code=None if code_at is None else _code(flat_text(lines[code_at])),
        project_name=None if name_at is None else _name(lines, name_at, centred),
        budget={} if budget_at is None else _budget(lines, budget_at),
        fund_use=None if budget_at is None else _fund_use(lines, budget_at),
        spending_plan=_spending_plan(lines, positional),
        goals=goals,
    )


def _first(lines: tuple[Line, ...], test: Callable[[str], bool]) -> int | None:
    """Return the index of the first line whose normalised text passes ``test``."""
    return next((i for i, line in enumerate(lines) if test(normalize_text(line.text))), None)


def _is_block_label(text: str) -> bool:
    folded = normalize_text(text)
    return (
        any(folded.startswith(label) for label in (*BLOCK_LABELS, *OTHER_HEADER_LABELS, *BUDGET_LABELS["total"]))
        or bool(GOALS_LABEL.match(folded))
        or code_label(folded) is not None
        or name_label(folded) is not None
    )


def _code(text: str) -> str | None:
    """Return the project code printed after 项目编码 / 项目代码 (stray spaces inside it removed)."""
    code = _after_label(text, code_label(normalize_text(text)) or "", _NAME_LABEL)
    return re.sub(r"\s+", "", code) or None if code else None


def _name(lines: tuple[Line, ...], at: int, centred: bool = False) -> str | None:
    """Return the name printed after 项目名称, with the lines it wrapped onto joined (and, centred,
    the lines above the label's line that hold no label)."""
    above: list[str] = []
    for line in reversed(lines[:at] if centred else ()):
        if _is_block_label(line.text) or _UNIT_LINE.match(normalize_text(line.text)):
            break
        above.insert(0, flat_text(line).strip())
    label = name_label(normalize_text(lines[at].text)) or _NAME_LABEL
    stop = code_label(normalize_text(lines[at].text)) or CODE_LABELS[0]
    pieces = [*above, _NEXT_CELL_LABEL.split(_after_label(flat_text(lines[at]), label, stop) or "")[0]]
    for line in lines[at + 1 :]:
        if _is_block_label(line.text):
            break
        if not _PAGE_NUMBER.match(flat_text(line)):  # a name wrapped over a page break
            pieces.append(flat_text(line).strip())
    return "".join(pieces).strip() or None


def _after_label(text: str, label: str, stop_label: str) -> str | None:
    """Return the text printed after ``label`` up to ``stop_label`` (labels may carry inner spaces)."""
    match = re.search(r"\s*".join(_BRACKETS.get(c, re.escape(c)) for c in label) + r"\s*[:：]?", text)
    if not match:
        return None
    rest = text[match.end() :]
    stop = re.search(r"\s*".join(stop_label), rest)
    return (rest[: stop.start()] if stop else rest).strip()


def _budget(lines: tuple[Line, ...], budget_at: int) -> dict[str, float | None]:
    """Return the budget amounts, each read after its label on the first line from the budget row on
    that prints the label (one row in some templates, a row per amount in others)."""
    budget: dict[str, float | None] = {}
    texts = [normalize_text(flat_text(line)) for line in lines[budget_at:]]
    for key, labels in BUDGET_LABELS.items():
        budget[key] = None
        for folded in texts:
            found = [label for label in labels if label in folded]
            if found:
                budget[key] = _amount_after(folded, found)
                break
    return budget


def _amount_after(folded: str, labels: list[str]) -> float | None:
    for label in labels:
        match = re.search(re.escape(label) + r"[:：]?" + _NUMBER, folded)
        if match:
            return parse_amount(match.group(1))
    return None


def _fund_use(lines: tuple[Line, ...], budget_at: int) -> str | None:
    """Return the text printed after the budget row up to the spending plan, with a 资金用途 label
    the row may start with removed; None where the card prints no 资金用途 label."""
    if not any(FUND_USE_LABEL in normalize_text(line.text) for line in lines):
        return None
    pieces = []
    for line in lines[budget_at + 1 :]:
        folded = normalize_text(line.text)
        if folded.startswith(PLAN_LABEL) or GOALS_LABEL.match(folded) or _MONTH.search(line.text):
            break
        text = _FUND_USE_LABEL.sub("", flat_text(line).strip(), count=1)
        if text.strip() and (text != flat_text(line).strip() or not _is_block_label(line.text)):
            pieces.append(text.strip())
    return "".join(pieces) or None


def _spending_plan(lines: tuple[Line, ...], positional: bool) -> list[float | None]:
    months_at = _first(lines, lambda t: len(_MONTH.findall(t)) >= 2)
    plan: list[float | None] = [None] * PLAN_SLOTS
    if months_at is None or months_at + 1 >= len(lines):
        return plan
    values = lines[months_at + 1]
    if GOALS_LABEL.match(normalize_text(values.text)):
        return plan
    if positional:
        placed = _place_by_column(lines[months_at], values)
        if placed is not None:
            return placed
    tokens = [t for t in values.text.split() if not is_header_label(t)]
    amounts = [a for a in (_plan_amount(t) for t in tokens) if a is not None]
    if amounts and len(amounts) == len(tokens):
        amounts = amounts[-PLAN_SLOTS:]
        plan[PLAN_SLOTS - len(amounts) :] = amounts
    return plan


def _plan_amount(text: str) -> float | None:
    return parse_amount(text.strip().rstrip("%％"))


def _place_by_column(months: Line, values: Line) -> list[float | None] | None:
    """Put each amount under the month column it is printed in; None when the columns do not fit."""
    columns = [i for i, cell in enumerate(months.cells) if _MONTH.search(cell)]
    if len(columns) != PLAN_SLOTS:
        return None
    plan: list[float | None] = [None] * PLAN_SLOTS
    for index, cell in enumerate(values.cells):
        if not cell.strip() or (index < columns[0] and is_header_label(cell)):
            continue
        amount = _plan_amount(cell)
        slots = [s for s, column in enumerate(columns) if column <= index]
        if amount is None or not slots or plan[slots[-1]] is not None:
            return None
        plan[slots[-1]] = amount
    return plan


def _goals(lines: tuple[Line, ...], start: int | None = None) -> list[str]:
    """Return the goals printed after 绩效目标 (or from ``start``), one per enumerated item, wraps joined;
    each keeps its printed number ("1.…") unless the label is one whose goals are written without it."""
    label_at = _first(lines, lambda t: bool(GOALS_LABEL.match(t)))
    if label_at is None:
        return []
    start = label_at if start is None or start > label_at else start
    pieces: list[str] = []
    for offset, line in enumerate(lines[start:]):
        cells = [c for c in line.cells if c.strip()]
        if offset > label_at - start and _is_block_label(line.text):
            break
        if offset == label_at - start:
            cells = _without_goals_label(cells)
        pieces.extend(p.strip() for c in cells for p in c.split("\n") if p.strip())
    label = GOALS_LABEL.match(normalize_text(lines[label_at].text))
    numbered = label is None or label.group(0).rstrip(":：") not in UNNUMBERED_GOALS_LABELS
    return _enumerated_items(pieces, numbered)


def _without_goals_label(cells: list[str]) -> list[str]:
    """Drop the goals label from the start of its line (a label cell printed one character per line
    is dropped whole)."""
    if not cells:
        return cells
    if GOALS_LABEL.fullmatch(normalize_text(cells[0])):
        return cells[1:]
    return [GOALS_LABEL.sub("", cells[0].strip(), count=1), *cells[1:]]


def _goals_start(lines: tuple[Line, ...]) -> int | None:
    """Return the first line after the spending plan (its month labels and amounts)."""
    months_at = _first(lines, lambda t: len(_MONTH.findall(t)) >= 2)
    if months_at is None:
        return None
    following = lines[months_at + 1 : months_at + 2]
    tokens = [t for line in following for t in line.text.split() if not is_header_label(t)]
    amounts_line = bool(tokens) and all(_plan_amount(t) is not None for t in tokens)
    return months_at + 1 + (1 if amounts_line else 0)


def _enumerated_items(pieces: list[str], numbered: bool = False) -> list[str]:
    goals: list[str] = []
    for index, piece in enumerate(pieces):
        if _starts_item(piece, len(goals) + 1, pieces[index + 1 :]):
            pattern = _GOAL_ENUMERATOR if _GOAL_ENUMERATOR.match(piece) else _ITEM_NUMBER
            goals.append(piece.strip() if numbered else pattern.sub("", piece, count=1))
        elif not goals:
            goals.append(piece)
        else:
            goals[-1] += piece
    cleaned = (_strip_stray_quotes(goal) for goal in goals)
    return [goal for goal in cleaned if goal]


def _starts_item(piece: str, expected: int, later: list[str]) -> bool:
    """Return True when a piece opens the next enumerated goal ("2.", also "1.100%完成…")."""
    if _GOAL_ENUMERATOR.match(piece):
        return True
    match = _ITEM_NUMBER.match(piece)
    if not match or int(match.group(1)) != expected:
        return False
    return expected > 1 or any(_item_number(p) == expected + 1 for p in later)


def _item_number(piece: str) -> int | None:
    match = _ITEM_NUMBER.match(piece) or _GOAL_ENUMERATOR.match(piece)
    digits = re.search(r"\d+", match.group(0)) if match else None
    return int(digits.group(0)) if digits else None


def _strip_stray_quotes(text: str) -> str:
    """Drop an unpaired ASCII quote a PDF dump left at either end of a goal."""
    text = text.strip()
    if text.count('"') % 2 == 1:
        if text.startswith('"'):
            text = text[1:]
        elif text.endswith('"'):
            text = text[:-1]
    return text.strip()
