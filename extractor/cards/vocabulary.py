"""The printed words of performance cards (绩效目标表), loaded from data/cards.json: a new city's wording
is an edit there plus a test.

Each table maps a contract key to the labels that print it, matched against a cell's normalised
text (NFKC, no whitespace). Order matters where one label contains another: the first key whose
label matches a cell wins, so the longer, more specific labels come first.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

Columns = tuple[tuple[str, tuple[str, ...]], ...]


def load_card_vocabulary() -> dict[str, Any]:
    """Return the parsed data/cards.json shipped with the rules."""
    text = files("extractor.cards").joinpath("data", "cards.json").read_text(encoding="utf-8")
    return json.loads(text)


def _columns(entry: dict[str, Any]) -> Columns:
    return tuple((key, tuple(labels)) for key, labels in entry["columns"])


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
#: What a sign column may print (a 指标值类型 column also prints 定性/定量, which is no part of the value).
SIGN_CHARACTERS: str = _DATA["sign_characters"]
#: Labels of a header block's project name (the first one printed is used).
PROJECT_NAME_LABELS: tuple[str, ...] = tuple(_DATA["project_name_labels"])
#: Labels of the budget lines of a card's header block, per budget key.
BUDGET_LABELS: dict[str, tuple[str, ...]] = {key: tuple(v) for key, v in _DATA["budget_labels"].items()}
#: Goals labels under which the goals are written without their printed numbers (the Hebei template's
#: 绩效目标, as its gold records do); under 总体目标 / 年度总体目标 … the goals keep them as printed ("1.…").
UNNUMBERED_GOALS_LABELS: tuple[str, ...] = tuple(_DATA["unnumbered_goals_labels"]["labels"])
#: Other labels of a header block (rows the contract keeps no field for): they end a wrapped name.
OTHER_HEADER_LABELS: tuple[str, ...] = tuple(_DATA["other_header_labels"]["labels"])
#: Titles of 绩效目标表 that are not project cards (the department's own targets).
NOT_PROJECT_CARD_TITLES: tuple[str, ...] = tuple(_DATA["not_project_card_titles"])
#: The label of a card's fund use; a card without it prints no fund use.
FUND_USE_LABEL: str = _DATA["fund_use_label"]
#: Running-text indicators of a listing cell ("1、1－产出指标，11－数量指标，<三级>；实施周期指标值：X，
#: 年度指标值：Y；"): the labels of the implementation-period value and of the year's value (the
#: contract's value).
PERIOD_VALUE_LABEL: str = _DATA["period_value_label"]
YEAR_VALUE_LABEL: str = _DATA["year_value_label"]
