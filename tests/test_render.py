"""The test renderer (eval.render): record → PDF whose PyMuPDF words show every printed cell where it was placed."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from eval.render import LAYOUTS, Rendering, main, render_document, render_gold, render_record
from eval.render_style import format_value, make_style, wrap_text
from extractor.record.normalize import normalize_name
from tests.conftest import GOLD_DIR, gold_files, needs_gold

GOLD_FILES = gold_files()
Word = tuple[float, float, float, float, str]


def synthetic_record() -> dict[str, Any]:
    """A small filing with a table longer than a page, long names, long numbers, a two-sided summary and a card."""
    long_rows = [{"code": None, "name": "合计", "values": {"total": 123456789.5, "basic": 23456789.5, "project": 1e8}}]
    for i in range(70):
        long_rows.append({"code": f"20{i:05d}", "name": "机关事业单位基本养老保险缴费支出" if i % 3 == 0 else f"行政运行{i}",
                          "values": {"total": 1000.0 + i, "basic": 1000.0 + i if i % 2 else None,
                                     "project": None if i % 2 else 1000.0 + i}})
    return {
        "schema_version": "1",
        "document": {"agency_code": "999", "agency_name": "测试县科学技术局", "fiscal_year": 2025,
                     "budget_level": "department", "currency_unit": "万元"},
        "tables": [
            {"kind": "income_expenditure_summary", "title": "部门预算收支总表", "empty": False, "rows": [
                {"side": "income", "name": "一般公共预算拨款收入", "values": {"amount": 1205.05}},
                {"side": "expenditure", "name": "科学技术支出", "values": {"amount": 1205.05}},
                {"side": "income", "name": "本年收入合计", "values": {"amount": 1205.05}},
                {"side": "expenditure", "name": "本年支出合计", "values": {"amount": 1205.05}},
                {"side": "income", "name": "年初财政拨款结转和结余/一般公共预算拨款", "values": {"amount": 3.5}},
                {"side": "income", "name": "收入总计", "values": {"amount": 1208.55}},
                {"side": "expenditure", "name": "支出总计", "values": {"amount": 1208.55}}]},
            {"kind": "expenditure_summary", "title": "部门预算支出总表", "empty": False, "rows": long_rows},
            {"kind": "government_fund_expenditure", "title": "部门预算政府性基金预算财政拨款支出表", "empty": True,
             "rows": [], "note": "注：无政府性基金预算财政拨款预算，空表列示。"},
        ],
        "narrative": {"income_total": 1205.05, "general_budget_income": 1205.05, "change_amount": -468.3,
                      "three_public_total": 7.35, "three_public_vehicle_operation": 7.29,
                      "fixed_assets_total": 117.95},
        "performance_cards": [{
            "seq": 1, "project_name": "保洁费项目", "project_code": "13062525P000232100244",
            "budget": {"total": 3.0, "fiscal": 3.0, "other": None}, "fund_use": "支付保洁服务费。",
            "spending_plan": [25, 50, 75, 100], "goals": ["保洁面积430平方米，覆盖率达到100%。"],
            "indicators": [
                {"level1": "产出指标", "level2": "数量指标", "level3": "保洁服务面积", "description": "保洁面积",
                 "value": "≥430平方米", "basis": "实施计划"},
                {"level1": "产出指标", "level2": "质量指标", "level3": "保洁效果合格率", "description": "合格程度",
                 "value": "≥95%", "basis": "实施计划"},
                {"level1": "满意度指标", "level2": "服务对象满意度指标", "level3": "机关人员满意度",
                 "description": "满意度情况", "value": "≥90%", "basis": "调查问卷"}]}],
    }


def load(source: str) -> dict[str, Any]:
    if source == "synthetic":
        return synthetic_record()
    return json.loads((GOLD_DIR / source).read_text(encoding="utf-8"))


@cache
def rendered(source: str, layout: str, seed: int = 0) -> tuple[Rendering, tuple[tuple[Word, ...], ...]]:
    """Render once per source and layout; return the rendering and each page's words."""
    rendering = render_document(load(source), layout, seed)
    with pymupdf.open("pdf", rendering.pdf) as doc:
        words = tuple(tuple(tuple(w[:5]) for w in page.get_text("words")) for page in doc)
    return rendering, words


def cell_words(words: tuple[Word, ...], rect: tuple[float, float, float, float]) -> list[Word]:
    x0, y0, x1, y1 = rect
    inside = [w for w in words if x0 <= (w[0] + w[2]) / 2 <= x1 and y0 <= (w[1] + w[3]) / 2 <= y1]
    return sorted(inside, key=lambda w: (round(w[1], 1), w[0]))


def cell_text(words: tuple[Word, ...], rect: tuple[float, float, float, float]) -> str:
    return "".join(w[4] for w in cell_words(words, rect))


SOURCES = ["synthetic"] + [p.name for p in GOLD_FILES]
CASES = [pytest.param(s, layout, id=f"{s}-{layout}") for s in SOURCES for layout in LAYOUTS]


@pytest.mark.parametrize(("source", "layout"), CASES)
def test_renders_a_valid_pdf_with_an_embedded_cjk_font(source: str, layout: str) -> None:
    rendering, words = rendered(source, layout)
    assert rendering.pdf.startswith(b"%PDF-")
    with pymupdf.open("pdf", rendering.pdf) as doc:
        assert doc.page_count == rendering.page_count == len(words)
        fonts = {f[3] for page in doc for f in page.get_fonts()}
    assert any("Droid Sans Fallback" in name for name in fonts)
    assert all(page_words for page_words in words)


@pytest.mark.parametrize(("source", "layout"), CASES)
def test_every_placed_cell_is_extracted_as_printed(source: str, layout: str) -> None:
    rendering, words = rendered(source, layout)
    wrong = [(p.ref, p.text, cell_text(words[p.page], p.rect)) for p in rendering.placements
             if cell_text(words[p.page], p.rect) != "".join(p.text.split())]
    assert not wrong, wrong[:5]


@pytest.mark.parametrize(("source", "layout"), CASES)
def test_titles_notes_and_sampled_amounts_are_in_the_words(source: str, layout: str) -> None:
    record = load(source)
    rendering, words = rendered(source, layout)
    page_text = ["".join(w[4] for w in page) for page in words]
    all_words = {w[4] for page in words for w in page}
    values = {p.ref: p for p in rendering.placements if p.ref[0] == "value"}
    for t, table in enumerate(record["tables"]):
        title = "".join(table["title"].split())
        assert any(title in text for text in page_text), title
        if table.get("empty") and table.get("note"):
            assert any("".join(table["note"].split()) in text for text in page_text)
        rows = table.get("rows") or []
        for r in sorted({0, len(rows) - 1, *range(0, len(rows), 3)}) if rows else []:
            for key, value in (rows[r].get("values") or {}).items():
                if value is None:
                    continue
                printed = format_value(key, value, rendering.style.thousands)
                placement = values[("value", t, r, key)]
                assert placement.text == printed
                assert cell_text(words[placement.page], placement.rect) == printed
                if layout != "narrow":
                    assert printed in all_words


@pytest.mark.parametrize(("source", "layout"), CASES)
def test_every_page_has_running_head_and_page_number_footer(source: str, layout: str) -> None:
    record = load(source)
    rendering, words = rendered(source, layout)
    agency = record["document"]["agency_name"]
    with pymupdf.open("pdf", rendering.pdf) as doc:
        heights = [page.rect.height for page in doc]
    for n, (page, height) in enumerate(zip(words, heights), start=1):
        footer = [w[4] for w in sorted(page, key=lambda w: w[0]) if w[1] > height - 60]
        assert footer == ["-", str(n), "-"], footer
        assert any(w[4] == agency and w[3] < 45 for w in page)


@pytest.mark.parametrize(("source", "layout"), CASES)
def test_tables_longer_than_a_page_repeat_header_and_unit_line_not_title(source: str, layout: str) -> None:
    record = load(source)
    rendering, words = rendered(source, layout)
    by_ref: dict[tuple[Any, ...], list[int]] = {}
    for p in rendering.placements:
        by_ref.setdefault(p.ref[:2], []).append(p.page)
    for t in range(len(record["tables"])):
        pages = sorted({p.page for p in rendering.placements if p.ref[0] in ("code", "name", "value") and p.ref[1] == t})
        if len(pages) < 2:
            continue
        columns = {p.ref[2] for p in rendering.placements if p.ref[:2] == ("header", t)}
        for page in pages:
            headers = [p for p in rendering.placements if p.ref[:2] == ("header", t) and p.page == page]
            assert {p.ref[2] for p in headers} == columns
            assert all(cell_text(words[page], p.rect) == "".join(p.text.split()) for p in headers)
            assert page in by_ref[("unit", t)]
        assert set(by_ref[("title", t)]) == {pages[0]}


def test_the_long_synthetic_table_spans_pages_in_every_layout() -> None:
    for layout in LAYOUTS:
        rendering, _ = rendered("synthetic", layout)
        pages = {p.page for p in rendering.placements if p.ref[:2] == ("value", 1)}
        assert len(pages) >= 2, layout


@pytest.mark.parametrize("source", SOURCES)
def test_narrow_layout_wraps_names_inside_their_cells(source: str) -> None:
    rendering, words = rendered(source, "narrow")
    wrapped = [p for p in rendering.placements if p.ref[0] == "name"
               and len({round(w[1], 1) for w in cell_words(words[p.page], p.rect)}) >= 2]
    if any(t.get("rows") for t in load(source).get("tables") or []):
        assert wrapped
    else:  # a filing of cards only (gz-sthj-2026) prints no table row name to wrap
        assert not any(p.ref[0] == "name" for p in rendering.placements)
    for p in wrapped:
        assert cell_text(words[p.page], p.rect) == "".join(p.text.split())


def test_narrow_layout_wraps_long_numbers_keeping_their_characters_in_order() -> None:
    rendering, words = rendered("synthetic", "narrow")
    wrapped = [p for p in rendering.placements if p.ref[0] == "value" and len(cell_words(words[p.page], p.rect)) >= 2]
    assert wrapped
    for p in wrapped:
        assert cell_text(words[p.page], p.rect) == p.text


def test_grid_and_borderless_do_not_wrap_amounts() -> None:
    for layout in ("grid", "borderless"):
        rendering, words = rendered("synthetic", layout)
        for p in rendering.placements:
            if p.ref[0] == "value":
                assert len(cell_words(words[p.page], p.rect)) == 1, (layout, p)


def test_borderless_prints_thousands_separators_and_no_rules() -> None:
    rendering, words = rendered("synthetic", "borderless")
    assert "123,456,789.50" in {w[4] for page in words for w in page}
    with pymupdf.open("pdf", rendering.pdf) as doc:
        table_pages = {p.page for p in rendering.placements if p.ref[0] == "value"}
        assert all(not doc[i].get_drawings() for i in table_pages)
    grid, _ = rendered("synthetic", "grid")
    with pymupdf.open("pdf", grid.pdf) as doc:
        assert all(doc[i].get_drawings() for i in range(doc.page_count))


def test_prose_page_restates_the_narrative_figures() -> None:
    _, words = rendered("synthetic", "grid")
    prose = "".join(w[4] for w in words[0])
    for phrase in ("预算收入1205.05万元", "一般公共预算收入1205.05万元", "较2024年预算减少468.30万元",
                   "“三公”经费预算安排7.35万元", "公务用车运维费7.29万元", "上年末固定资产金额为117.95万元"):
        assert phrase in prose


@needs_gold
@pytest.mark.parametrize("name", [p.name for p in GOLD_FILES])
def test_gold_prose_states_every_narrative_key(name: str) -> None:
    record = load(name)
    _, words = rendered(name, "grid")
    prose = "".join(w[4] for w in words[0])
    for key, value in record.get("narrative", {}).items():
        assert f"{abs(value):.2f}万元" in prose, key


def test_two_sided_summary_pairs_the_totals_and_prints_sub_items_under_their_heading() -> None:
    rendering, words = rendered("synthetic", "grid")
    placed = {p.ref: p for p in rendering.placements}
    income_total, expenditure_total = placed[("name", 0, 5)], placed[("name", 0, 6)]
    assert income_total.rect[1] == expenditure_total.rect[1]
    sub_item = placed[("name", 0, 4)]
    assert normalize_name(sub_item.text) == "一般公共预算拨款"
    heading_line = [w for w in words[sub_item.page] if w[4] == "年初财政拨款结转和结余"]
    assert heading_line and heading_line[0][1] < sub_item.rect[1]


def test_cards_print_level1_once_per_merged_block() -> None:
    rendering, words = rendered("synthetic", "grid")
    level1 = [p for p in rendering.placements if p.ref[0] == "card" and p.ref[-1] == "level1"]
    assert [p.text for p in level1] == ["产出指标", "满意度指标"]
    card_text = "".join(w[4] for page in words for w in page)
    for label in ("1、保洁费项目绩效目标表", "项目编码", "13062525P000232100244", "3月底", "12月底", "100.00",
                  "指标值确定依据", "≥430平方米"):
        assert label in card_text


def test_rendering_is_deterministic_for_a_seed() -> None:
    record = synthetic_record()
    assert render_record(record, "narrow", seed=3) == render_record(record, "narrow", seed=3)
    assert render_record(record, "grid", seed=0) != render_record(record, "grid", seed=5)


def test_unknown_layout_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown layout"):
        make_style("landscape")


def test_wrap_keeps_characters_in_order() -> None:
    assert "".join(wrap_text("570491.97", 12.0, 9.0, break_anywhere=True)) == "570491.97"
    assert len(wrap_text("机关事业单位基本养老保险缴费支出", 45.0, 9.0)) == 4


def test_render_gold_and_cli_write_one_pdf_per_record_and_layout(tmp_path: Path, capsys: Any) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "demo.json").write_text(json.dumps(synthetic_record(), ensure_ascii=False), encoding="utf-8")
    written = render_gold(gold, tmp_path / "out", layouts=("grid", "narrow"))
    assert [p.name for p in written] == ["demo.grid.pdf", "demo.narrow.pdf"]
    assert main([str(gold), str(tmp_path / "cli")]) == 0
    assert sorted(p.name for p in (tmp_path / "cli").iterdir()) == [f"demo.{layout}.pdf" for layout in sorted(LAYOUTS)]
    assert "demo.grid.pdf" in capsys.readouterr().out
