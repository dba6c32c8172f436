"""Tell what a printed title names: a table kind, a performance card, or nothing.

Classification is by meaning (the words a title of that kind must carry), not by one
province's exact titles: 部门预算收支总表, 2025年部门财务收支预算总表 and 公开01表 headings all
name the same kind.
"""

from __future__ import annotations

import re

from extractor.record.normalize import normalize_text

_TOC_LEADER = re.compile(r"(\.{3,}|…{2,}|·{3,})")
_SENTENCE = re.compile(r"[，。；;,]")
_MAX_TITLE = 60
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")  # 支出预算表(功能科目)

#: (kind, words that must all appear, words that must not appear), first match wins.
_TITLE_RULES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("card", ("绩效目标表",), ()),
    ("three_public_expenditure", ("三公",), ("说明",)),
    ("fiscal_allocation_summary", ("财政拨款收支",), ()),
    ("government_fund_expenditure", ("基金", "收支"), ()),  # 政府性基金收支表
    ("income_expenditure_summary", ("收支", "总表"), ()),
    ("income_expenditure_summary", ("收支", "总体"), ()),  # 部门收支总体情况表
    ("income_summary", ("收入", "总表"), ()),
    ("income_summary", ("收入", "总体"), ()),
    # 基本支出总表 / 项目支出总表 break the 支出总表 down further: tables of their own
    ("expenditure_summary", ("支出", "总表"), ("基本支出", "项目支出")),
    ("expenditure_summary", ("支出", "总体"), ("基本支出", "项目支出")),
    # the basic kind is by economic class: a 基本支出表 by 功能分类 is another table
    ("general_budget_basic_expenditure", ("一般公共预算", "基本支出"), ("机关运行", "功能分类")),
    ("government_fund_expenditure", ("基金", "支出"), ()),
    ("state_capital_expenditure", ("国有资本经营", "支出"), ()),
    # the kind is by function class: a 支出表 by 经济分类, or of 项目支出 only, is another table
    ("general_budget_expenditure", ("一般公共预算", "支出"), ("机关运行", "经济分类", "项目支出", "基本支出")),
    ("fixed_assets", ("固定资产", "表"), ()),
    ("procurement", ("政府采购",), ("情况", "详见")),
)
#: A title-shaped line ending in 表 with one of these words is a budget table of kind "other".
_OTHER_WORDS = ("预算", "支出", "收入", "经费", "资产")


def _title_shaped(text: str) -> bool:
    return 4 <= len(text) <= _MAX_TITLE and not _TOC_LEADER.search(text) and not _SENTENCE.search(text)


def classify_title(text: str) -> str | None:
    """Return the region kind a title line names (a table kind or "card"), else None."""
    folded = normalize_text(text)
    if not _title_shaped(folded):
        return None
    head = _TRAILING_NOTE.sub("", folded)  # the words of the note still count: 支出表(按经济分类)
    if not (head.endswith("表") or head.endswith("预算") or "绩效目标表" in head):
        return None
    for kind, required, forbidden in _TITLE_RULES:
        if all(w in folded for w in required) and not any(w in folded for w in forbidden):
            return kind
    if head.endswith("表") and any(w in folded for w in _OTHER_WORDS) and "目录" not in folded:
        return "other"
    return None
