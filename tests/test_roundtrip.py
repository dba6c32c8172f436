"""Round trip: a random valid record → a rendered PDF (three layouts) → the extractor → the same cells."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eval.render import render_record
from extractor.evaluate.score import score_document
from extractor.pipeline import convert_file
from extractor.validate import validate_record
from tests.conftest import GOLD_DIR, shared_reason

#: Real 类/款 function classes and names, so rendered tables look like filings.
CLASSES = {
    "201": ("一般公共服务支出", {"20101": "人大事务", "20103": "政府办公厅(室)及相关机构事务"}),
    "206": ("科学技术支出", {"20601": "科学技术管理事务", "20604": "技术研究与开发"}),
    "208": ("社会保障和就业支出", {"20805": "行政事业单位养老支出", "20899": "其他社会保障和就业支出"}),
    "210": ("卫生健康支出", {"21011": "行政事业单位医疗"}),
    "221": ("住房保障支出", {"22102": "住房改革支出"}),
}
LAYOUTS = ("grid", "borderless", "narrow")


def _amount() -> st.SearchStrategy[float]:
    return st.integers(min_value=1, max_value=9_999_999).map(lambda cents: cents / 100)


@st.composite
def line_item_table(draw: st.DrawFn, kind: str) -> dict:
    """A 支出 table whose rows add up: 合计 = Σ类, 类 = Σ款, total = basic + project."""
    classes = draw(st.lists(st.sampled_from(sorted(CLASSES)), min_size=1, max_size=4, unique=True))
    rows, totals = [], {"basic": 0.0, "project": 0.0}
    for code in sorted(classes):
        name, children = CLASSES[code]
        kids = draw(st.lists(st.sampled_from(sorted(children)), min_size=1, max_size=len(children), unique=True))
        child_rows, sums = [], {"basic": 0.0, "project": 0.0}
        for kid in sorted(kids):
            values = {"basic": draw(_amount()), "project": draw(st.one_of(st.just(0.0), _amount()))}
            for key in sums:
                sums[key] = round(sums[key] + values[key], 2)
            child_rows.append(_row(kid, children[kid], values))
        for key in totals:
            totals[key] = round(totals[key] + sums[key], 2)
        rows += [_row(code, name, sums), *child_rows]
    return {"kind": kind, "title": "部门预算支出总表" if kind == "expenditure_summary" else
            "部门预算一般公共预算财政拨款支出表", "empty": False, "rows": [_row(None, "合计", totals), *rows]}


def _row(code: str | None, name: str, values: dict[str, float]) -> dict:
    clean = {k: v for k, v in values.items() if v}
    return {"code": code, "name": name, "values": {"total": round(sum(clean.values()), 2), **clean}}


@st.composite
def records(draw: st.DrawFn) -> dict:
    tables = [draw(line_item_table("expenditure_summary")), draw(line_item_table("general_budget_expenditure"))]
    return {"schema_version": "1",
            "document": {"agency_code": None, "agency_name": "某某县科学技术局", "fiscal_year": 2025,
                         "budget_level": "department", "currency_unit": "万元"},
            "tables": tables, "narrative": {}, "performance_cards": []}


def _round_trip(record: dict, layout: str, tmp: Path, seed: int = 0) -> dict:
    path = tmp / f"rt-{layout}-{seed}.pdf"
    path.write_bytes(render_record(record, layout=layout, seed=seed))
    result = convert_file(path)
    assert result.status == "ok", result.error
    return result.record


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=records(), layout=st.sampled_from(LAYOUTS), seed=st.integers(0, 3))
def test_random_records_survive_render_and_extraction(record: dict, layout: str, seed: int,
                                                       tmp_path: Path) -> None:
    assert validate_record(record) == []
    extracted = _round_trip(record, layout, tmp_path, seed)
    score = score_document(record, extracted, "round-trip")
    assert score.cells.f1 == 1.0, score.cell_errors[:5]


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("stem", ["sh-bgs-2025", "js-rd-2019", "000_e4300b43dd08e525"])
def test_rendered_gold_converts_with_the_same_cells(stem: str, layout: str, tmp_path: Path) -> None:
    path = GOLD_DIR / f"{stem}.json"
    if not path.exists():
        pytest.skip(shared_reason(f"the gold record gold/{stem}.json"))
    gold = json.loads(path.read_text(encoding="utf-8"))
    score = score_document(gold, _round_trip(gold, layout, tmp_path), stem)
    assert score.cells.f1 >= 0.99, score.cell_errors[:5]


def test_borderless_project_column_with_a_wrapped_header_is_not_read_as_the_next_one(tmp_path: Path) -> None:
    """Pinned from the property test: in a borderless 支出总表 whose 项目支出 header wraps ("项目" / "支出") over a
    narrow column, the empty 经营支出 column's header beside it was read as that column's, so 0.01 of 项目支出
    came out as 经营支出."""
    summary = {"total": 3704.33, "basic": 3704.32, "project": 0.01}
    general = {"total": 0.01, "basic": 0.01}
    rows = ((None, "合计"), ("221", "住房保障支出"), ("22102", "住房改革支出"))
    record = {"schema_version": "1",
              "document": {"agency_code": None, "agency_name": "某某县科学技术局", "fiscal_year": 2025,
                           "budget_level": "department", "currency_unit": "万元"},
              "tables": [{"kind": "expenditure_summary", "title": "部门预算支出总表", "empty": False,
                          "rows": [{"code": c, "name": n, "values": dict(summary)} for c, n in rows]},
                         {"kind": "general_budget_expenditure", "title": "部门预算一般公共预算财政拨款支出表",
                          "empty": False, "rows": [{"code": c, "name": n, "values": dict(general)} for c, n in rows]}],
              "narrative": {}, "performance_cards": []}
    score = score_document(record, _round_trip(record, "borderless", tmp_path, seed=0), "pinned")
    assert score.cells.f1 == 1.0, score.cell_errors[:5]
