"""The printed words of performance cards (绩效目标表), loaded from data/cards.json: a new city's wording
is an edit there plus a test. Every step of the card reader takes its words from here.

Each table maps a contract key to the labels that print it, matched against a cell's normalised
text (NFKC, no whitespace). Order matters where one label contains another: the first key whose
label matches a cell wins, so the longer, more specific labels come first.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from typing import Any

from extractor.record.normalize import normalize_text

Columns = tuple[tuple[str, tuple[str, ...]], ...]


def load_card_vocabulary() -> dict[str, Any]:
    """Return the parsed data/cards.json shipped with the card package."""
    text = files("extractor.cards").joinpath("data", "cards.json").read_text(encoding="utf-8")
    return json.loads(text)


def _columns(entry: dict[str, Any]) -> Columns:
    return tuple((key, tuple(labels)) for key, labels in entry["columns"])


def _longest_first(words: list[str]) -> str:
    """An alternation of literal words, the longer first (so a word's longest printed form wins)."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_DATA = load_card_vocabulary()

#: Columns of a card listing (one row per project, or per indicator of a project): which printed
#: header means which field. A cell matches a label when it starts with it.
LISTING_COLUMNS: Columns = _columns(_DATA["listing_columns"])
#: The columns whose cells together say which project a listing row belongs to.
LISTING_KEY_COLUMNS: tuple[str, ...] = tuple(_DATA["listing_key_columns"])
#: A listing's header row has a project-name column and one of these (its indicators).
LISTING_INDICATOR_KEYS: tuple[str, ...] = tuple(_DATA["listing_indicator_keys"])
#: Indicator grid columns of a header-block card (一级指标 … 指标值确定依据), matched by containment.
#: ``sign``, ``value`` and ``unit`` are joined as printed ("≥" "70" "%" → "≥70%"); ``weight`` is
#: read only to end the value column where a 分值 column follows it.
INDICATOR_COLUMNS: Columns = _columns(_DATA["indicator_columns"])
#: The indicator grid's column header row prints all of these, or a name label and the value label.
INDICATOR_HEADER_LEVELS: tuple[str, ...] = tuple(_DATA["indicator_header"]["level_labels"])
INDICATOR_HEADER_NAMES: tuple[str, ...] = tuple(_DATA["indicator_header"]["name_labels"])
INDICATOR_HEADER_VALUE: str = _DATA["indicator_header"]["value_label"]
#: What a sign column may print (a 指标值类型 column also prints 定性/定量, which is no part of the value).
SIGN_CHARACTERS: str = _DATA["sign_characters"]
#: Labels of a header block's project name (the first one printed is used).
PROJECT_NAME_LABELS: tuple[str, ...] = tuple(_DATA["project_name_labels"])
#: Labels of the budget lines of a card's header block, per budget key.
BUDGET_LABELS: dict[str, tuple[str, ...]] = {key: tuple(v) for key, v in _DATA["budget_labels"].items()}
#: Labels that print a card's goals (年度总体目标, 绩效目标 …).
GOALS_LABELS: tuple[str, ...] = tuple(_DATA["goals"]["labels"])
#: Goals labels under which the goals are written without their printed numbers (the Hebei template's
#: 绩效目标, as its gold records do); under 总体目标 / 年度总体目标 … the goals keep them as printed ("1.…").
UNNUMBERED_GOALS_LABELS: tuple[str, ...] = tuple(_DATA["goals"]["unnumbered_labels"])
#: Column headings of goals printed for the implementation period and for the year (the year's are kept).
PERIOD_GOALS_COLUMNS: tuple[str, ...] = tuple(_DATA["goals"]["period_columns"])
YEAR_GOALS_COLUMNS: tuple[str, ...] = tuple(_DATA["goals"]["year_columns"])
#: Labels of a header block's cells (besides the goals labels and the month columns 3月底 …).
HEADER_CELL_LABELS: tuple[str, ...] = tuple(_DATA["header_labels"]["cells"])
#: The project code's labels, the spending plan's label (as printed before a wrap) and the labels ending a
#: wrapped name or fund use.
CODE_LABELS: tuple[str, ...] = tuple(_DATA["header_labels"]["code"])
PLAN_LABEL: str = _DATA["header_labels"]["plan"]
BLOCK_LABELS: tuple[str, ...] = tuple(_DATA["header_labels"]["block"])
#: Other labels of a header block (rows the contract keeps no field for): they end a wrapped name.
OTHER_HEADER_LABELS: tuple[str, ...] = tuple(_DATA["other_header_labels"]["labels"])
#: Titles of 绩效目标表 that are not project cards (the department's own targets).
NOT_PROJECT_CARD_TITLES: tuple[str, ...] = tuple(_DATA["not_project_card_titles"])
#: The label of a card's fund use; a card without it prints no fund use.
FUND_USE_LABEL: str = _DATA["fund_use_label"]
#: The standard indicator system: which level1 each level2 belongs to (a level2 name may be a level1
#: name too: 成本指标).
LEVEL1_OF: dict[str, str] = {
    level2: level1 for level1, names in _DATA["indicator_levels"]["levels"].items() for level2 in names
}
#: First-level (一级指标) and second-level (二级指标) indicator names.
LEVEL1_NAMES: frozenset[str] = frozenset(_DATA["indicator_levels"]["levels"])
LEVEL2_NAMES: frozenset[str] = frozenset(LEVEL1_OF)
#: Running-text indicators of a listing cell ("1、1－产出指标，11－数量指标，<三级>；实施周期指标值：X，
#: 年度指标值：Y；"): the labels of the implementation-period value and of the year's value (the
#: contract's value).
PERIOD_VALUE_LABEL: str = _DATA["running_text"]["period_value_label"]
YEAR_VALUE_LABEL: str = _DATA["running_text"]["year_value_label"]

#: A goals label at the start of a line's normalised text (not 绩效目标表, a title), with its colon.
GOALS_LABEL = re.compile(r"^(?:" + _longest_first(list(GOALS_LABELS)) + r")(?!表)\s*[:：]?")
#: A cell printing a header block's label only (项目名称, 其中：财政拨款, 3月底, 年度总体目标 …).
HEADER_LABEL = re.compile(
    r"^(?:其中[:：]?)?(?:" + _longest_first([*HEADER_CELL_LABELS, *GOALS_LABELS])
    + r"|\d{1,2}月[底末])(?:[(（]%[)）])?[:：]?$"
    r"|^(?:" + "|".join(re.escape(label) for label in OTHER_HEADER_LABELS) + r")(?:及代码|[(（]万元[)）])?[:：]?$"
)
#: A goals column heading (the period's or the year's goals).
GOALS_COLUMN = re.compile(r"^(?:" + _longest_first([*PERIOD_GOALS_COLUMNS, *YEAR_GOALS_COLUMNS]) + r")$")


def column_keys(cells: tuple[str, ...], columns: Columns, prefix: bool = False) -> dict[str, int]:
    """Return the column of each field a header row prints: a cell takes the first key not yet taken one
    of whose labels it contains (``prefix``: starts with, a trailing colon ignored)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        folded = normalize_text(cell).rstrip(":：") if prefix else normalize_text(cell)
        for key, labels in columns:
            matched = any(folded.startswith(w) for w in labels) if prefix else any(w in folded for w in labels)
            if matched and key not in found:
                found[key] = index
                break
    return found


def code_label(folded: str) -> str | None:
    """Return the project-code label a normalised line prints, if any."""
    return next((label for label in CODE_LABELS if label in folded), None)


def name_label(folded: str) -> str | None:
    """Return the project-name label a normalised line prints, if any."""
    return next((label for label in PROJECT_NAME_LABELS if label in folded), None)


def is_project_card_title(title: str) -> bool:
    """A 绩效目标表 title of a project card (not the department's own, 部门整体…)."""
    return not any(word in title for word in NOT_PROJECT_CARD_TITLES)


def leads_with_level1(tokens: list[str], following: str = "") -> bool:
    """Return True when a printed line's first token is a level1 name: 成本指标, both a level1 and a
    level2 name, only where a level2 name follows it (on the line, else ``following``, the next line's
    first token)."""
    if not tokens or tokens[0] not in LEVEL1_NAMES:
        return False
    after = tokens[1] if len(tokens) > 1 else following
    return tokens[0] not in LEVEL2_NAMES or after in LEVEL2_NAMES
