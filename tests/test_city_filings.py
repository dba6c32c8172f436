"""The real city filings of issue 14 whose layouts tests/test_city_grid_layouts.py and test_city_summary_layouts.py
pin: every table of the eleven kinds is `verified`, except the filing's own arithmetic errors (checked on the
printed pages), which are `failed` with cause `filing`. Needs ../shared/pdfs (skipped without it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.pipeline import convert_file
from tests.conftest import PDFS_DIR, shared_params

#: file under ../shared/pdfs/cities -> the kinds failed by the filing's own figures (as printed).
FILING_ERRORS: dict[str, set[str]] = {
    "西安/2026年西安市财政局部门预算.pdf": set(),
    # 支出总计 includes 90.57 of carryover that 本年支出合计 + 结转下年 (0) do not; units' 合计 without 上年结转
    "西安/人力资源和社会保障局_2026年部门预算.pdf": {"income_expenditure_summary", "fiscal_allocation_summary",
                                                   "income_summary"},
    "西安/宣传部_2026年部门预算.pdf": {"three_public_expenditure"},  # 合计 1,171,100 ≠ 65,100 + 320,000 + 1,096,000
    "西安/应急管理局_2026年部门预算.pdf": set(),
    "广州/信访局_2026年部门预算.pdf": set(),
    "重庆/2026年重庆市人民政府办公厅部门预算.pdf": set(),
    "重庆/2026年重庆市水利局部门预算.pdf": set(),
    # 20140 信访事务 carries 524.00 of project spending no 项 row carries (gold README)
    "烟台/2026年烟台市信访局部门预算.pdf": {"income_summary", "expenditure_summary", "general_budget_expenditure"},
}

_FILES = [name for name in FILING_ERRORS if (PDFS_DIR / "cities" / name).exists()]


@pytest.mark.parametrize("name", shared_params(_FILES, "the city PDFs (pdfs/cities/)"))
def test_city_tables_are_verified_but_for_the_filings_own_errors(name: str) -> None:
    result = convert_file(Path(PDFS_DIR / "cities" / name))
    assert result.record is not None, result.error
    verdicts = {(t["kind"], t["verdict"]["status"], t["verdict"]["cause"]) for t in result.record["tables"]
                if t["kind"] != "other"}
    failed = {kind for kind, status, cause in verdicts if status == "failed" and cause == "filing"}
    assert failed == FILING_ERRORS[name]
    assert {v for v in verdicts if v[1] != "verified" and v[0] not in failed} == set()
