"""Tests for the evaluation harness: self-scores of gold are perfect, perturbations cost exact counts."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from extractor.evaluate.report import (
    NO_PREDICTION,
    evaluate_dirs,
    pair_records,
    render_report,
    report_to_json,
)
from extractor.evaluate.score import (
    CARD_FIELDS,
    MAX_CELL_ERRORS,
    Counts,
    DocumentScore,
    aggregate,
    pair_cards,
    row_key,
    score_document,
    table_cells,
)
from tests.conftest import GOLD_DIR, gold_files, needs_gold

GOLD_FILES = gold_files()


def _indicator(level3: str, value: str, description: str = "说明", basis: str = "依据") -> dict[str, Any]:
    return {"level1": "产出指标", "level2": "数量指标", "level3": level3,
            "description": description, "value": value, "basis": basis}


def _card(seq: int, name: str, indicators: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"seq": seq, "project_name": name, "project_code": f"P{seq:03d}",
            "budget": {"total": 10.0 * seq, "fiscal": 10.0 * seq, "other": None},
            "fund_use": "办公", "spending_plan": [None, None, None, 10.0 * seq],
            "goals": ["完成 目标", "满意度≥90%"],
            "indicators": indicators if indicators is not None else [_indicator("数量", "1 个")]}


def _record() -> dict[str, Any]:
    """A small record with every scored part; 10 non-zero gold cells."""
    return {
        "schema_version": "1",
        "document": {"agency_code": "306001", "agency_name": "某局", "fiscal_year": 2025,
                     "budget_level": "unit", "currency_unit": "万元"},
        "tables": [
            {"kind": "expenditure_summary", "title": "支出总表", "empty": False, "rows": [
                {"code": None, "name": "合计", "values": {"total": 30.0, "basic": 10.0, "project": 20.0}},
                {"code": "206", "name": "科学技术支出",
                 "values": {"total": 30.0, "basic": 10.0, "project": 20.0}},
            ]},
            {"kind": "income_expenditure_summary", "title": "收支总表", "empty": False, "rows": [
                {"side": "income", "name": "一般公共预算拨款", "values": {"amount": 30.0}},
                {"side": "expenditure", "name": "科学技术支出", "values": {"amount": 30.0}},
            ]},
            {"kind": "procurement", "title": "政府采购预算表", "empty": False, "rows": [
                {"name": "会议服务", "values": {"quantity": None, "unit_price": 0, "total": 5.0}},
                {"name": "会议服务", "values": {"total": 7.0}},
            ]},
            {"kind": "government_fund_expenditure", "title": "政府性基金", "empty": True, "rows": []},
            {"kind": "other", "title": "项目支出表", "empty": False,
             "rows": [{"name": "x", "values": {"total": 99.0}}]},
        ],
        "narrative": {"income_total": 30.0, "fund_budget_income": 0, "change_amount": -4.5},
        "performance_cards": [
            _card(1, "车都印象", [_indicator("面积", "2189 平方米"), _indicator("数量", "≥1 家"),
                              _indicator("数量", "≥1 家", description="另一说明")]),
            _card(2, "促销费活动资金"),
        ],
    }


def _assert_perfect(score: DocumentScore) -> None:
    for counts in (score.tables, score.cells, score.indicators):
        assert counts.fp == counts.fn == 0
        assert counts.precision == counts.recall == counts.f1 == 1.0
    assert score.narrative_correct == score.narrative_total and score.narrative_extra == 0
    assert score.card_fields_correct == score.card_fields_total
    assert score.indicator_details_correct == score.indicator_details_total
    assert score.document_correct == score.document_total == 5
    assert score.cell_errors == ()


def _rows(record: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return next(t for t in record["tables"] if t["kind"] == kind)["rows"]


# ---------------------------------------------------------------- gold self-scores


@needs_gold
@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_scored_against_itself_is_perfect(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    score = score_document(gold, copy.deepcopy(gold), gold_path.stem)
    _assert_perfect(score)
    assert score.cells.tp == len(table_cells(gold)) and (score.cells.tp > 0 or not gold["tables"])


@needs_gold
def test_gold_dir_against_copy_of_itself(tmp_path: Path) -> None:
    pred_dir = tmp_path / "pred"
    pred_dir.mkdir()
    for path in GOLD_FILES[1:]:
        (pred_dir / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    report = evaluate_dirs(GOLD_DIR, pred_dir)
    missing = report.documents[0]
    assert report.flag(GOLD_FILES[0].stem) == NO_PREDICTION
    assert missing.cells.tp == 0 and missing.cells.fn > 0
    for score in report.documents[1:]:
        _assert_perfect(score)
    assert report.overall.cells.fn == missing.cells.fn


def test_small_record_scored_against_itself_is_perfect() -> None:
    score = score_document(_record(), _record(), "small")
    _assert_perfect(score)
    assert score.cells.tp == 10
    assert score.tables.tp == 4
    assert score.narrative_total == 3
    assert score.card_fields_total == 2 * len(CARD_FIELDS)
    assert score.indicators.tp == 4
    assert score.indicator_details_total == 8


# ---------------------------------------------------------------- cells


def test_printed_columns_under_unlisted_keys_are_not_scored() -> None:
    """Contract: a column with no contract key may be kept under another key; only listed keys count."""
    gold, pred = _record(), _record()
    _rows(gold, "expenditure_summary")[1]["values"].update({"personnel": 6.0, "public": 4.0})
    _rows(pred, "expenditure_summary")[1]["values"]["personnel"] = 99.0
    _rows(pred, "procurement")[0]["values"]["general_budget"] = 5.0
    _rows(pred, "procurement").append({"name": "只有未列列", "values": {"general_budget": 3.0}})
    assert table_cells(gold) == table_cells(_record())
    _assert_perfect(score_document(gold, pred, "extra-keys"))


def test_dropping_a_row_with_three_values_costs_three_cells() -> None:
    pred = _record()
    del _rows(pred, "expenditure_summary")[1]
    score = score_document(_record(), pred, "drop-row")
    assert (score.cells.tp, score.cells.fp, score.cells.fn) == (7, 0, 3)


def test_changing_one_number_is_one_false_positive_and_one_false_negative() -> None:
    pred = _record()
    _rows(pred, "expenditure_summary")[1]["values"]["basic"] = 10.5
    score = score_document(_record(), pred, "change")
    assert (score.cells.tp, score.cells.fp, score.cells.fn) == (9, 1, 1)
    assert [(e.key, e.gold, e.pred) for e in score.cell_errors] == [
        (("expenditure_summary", "206", "basic"), 10.0, 10.5)]


def test_difference_below_tolerance_still_matches() -> None:
    pred = _record()
    _rows(pred, "expenditure_summary")[1]["values"]["basic"] = 10.004
    assert score_document(_record(), pred, "rounding").cells == Counts(10, 0, 0)


def test_moving_a_value_to_another_value_key_is_one_fp_and_one_fn() -> None:
    pred = _record()
    _rows(pred, "expenditure_summary")[1]["values"] = {"total": 30.0, "operating": 10.0, "project": 20.0}
    score = score_document(_record(), pred, "move")
    assert (score.cells.tp, score.cells.fp, score.cells.fn) == (9, 1, 1)


def test_moving_a_value_to_a_key_the_kind_does_not_list_is_one_fn() -> None:
    pred = _record()
    _rows(pred, "income_expenditure_summary")[0]["values"] = {"total": 30.0}  # not a 收支总表 key: not scored
    score = score_document(_record(), pred, "move")
    assert (score.cells.tp, score.cells.fp, score.cells.fn) == (9, 0, 1)


def test_zero_and_blank_are_the_same() -> None:
    pred = _record()
    row = _rows(pred, "procurement")[0]
    row["values"] = {"quantity": 0, "unit_price": None, "total": 5.0}
    _rows(pred, "expenditure_summary")[0]["values"]["operating"] = 0.0
    pred["narrative"].pop("fund_budget_income")
    pred["narrative"]["other_income"] = 0
    score = score_document(_record(), pred, "zero")
    _assert_perfect(score)


def test_repeated_procurement_name_gets_numbered() -> None:
    cells = table_cells(_record())
    assert cells[("procurement", "会议服务", "total")] == 5.0
    assert cells[("procurement", "会议服务#2", "total")] == 7.0
    pred = _record()
    _rows(pred, "procurement").reverse()
    assert score_document(_record(), pred, "swap").cells == Counts(8, 2, 2)


def test_tables_of_the_same_kind_are_pooled_with_running_numbers() -> None:
    pred = _record()
    first, second = _rows(pred, "procurement")
    pred["tables"][2]["rows"] = [first]
    pred["tables"].append({"kind": "procurement", "title": "续表", "empty": False, "rows": [second]})
    score = score_document(_record(), pred, "split")
    assert score.cells == Counts(10, 0, 0)
    assert score.tables == Counts(4, 0, 0)


def test_row_key_uses_code_then_side_and_normalised_name() -> None:
    assert row_key({"code": "2060101", "name": "x"}) == "2060101"
    assert row_key({"code": "", "side": "income", "name": "一、 财政拨款（补助）"}) == "income:财政拨款(补助)"
    assert row_key({"code": None, "name": "其中：⻋辆 购置"}) == "车辆购置"


def test_other_tables_are_not_scored() -> None:
    pred = _record()
    pred["tables"] = [t for t in pred["tables"] if t["kind"] != "other"]
    pred["tables"].append({"kind": "other", "title": "别的表", "empty": False,
                           "rows": [{"name": "y", "values": {"total": 1.0}}]})
    _assert_perfect(score_document(_record(), pred, "other"))


def test_cell_errors_are_capped() -> None:
    gold = {"tables": [{"kind": "procurement", "empty": False,
                        "rows": [{"name": f"物品{i}", "values": {"total": 1.0}} for i in range(300)]}]}
    score = score_document(gold, {}, "cap")
    assert score.cells == Counts(0, 0, 300)
    assert len(score.cell_errors) == MAX_CELL_ERRORS


# ---------------------------------------------------------------- tables, narrative, document


def test_extra_predicted_table_kind_lowers_table_precision() -> None:
    pred = _record()
    pred["tables"].append({"kind": "state_capital_expenditure", "title": "国有资本", "empty": True,
                           "rows": []})
    score = score_document(_record(), pred, "extra-table")
    assert score.tables == Counts(4, 1, 0)
    assert score.tables.precision == pytest.approx(0.8)
    assert score.tables.recall == 1.0


def test_wrong_empty_flag_is_a_detection_error() -> None:
    pred = _record()
    pred["tables"][3]["empty"] = False
    assert score_document(_record(), pred, "empty-flag").tables == Counts(3, 1, 1)


def test_changing_a_narrative_figure_costs_one_correct() -> None:
    pred = _record()
    pred["narrative"]["change_amount"] = 4.5
    pred["narrative"]["expenditure_total"] = 30.0
    score = score_document(_record(), pred, "narrative")
    assert (score.narrative_correct, score.narrative_total, score.narrative_extra) == (2, 3, 1)


def test_document_fields_normalised_and_year_as_int() -> None:
    pred = _record()
    pred["document"].update({"agency_name": " 某 局 ", "fiscal_year": "2025"})
    assert score_document(_record(), pred, "doc").document_correct == 5
    pred["document"]["currency_unit"] = "元"
    assert score_document(_record(), pred, "doc").document_correct == 4


# ---------------------------------------------------------------- cards


def test_dropping_one_indicator_is_one_false_negative() -> None:
    pred = _record()
    del pred["performance_cards"][0]["indicators"][0]
    score = score_document(_record(), pred, "indicator")
    assert score.indicators == Counts(3, 0, 1)
    assert score.indicator_details_total == 6


def test_repeated_indicator_tuple_pairs_in_order() -> None:
    pred = _record()
    pred["performance_cards"][0]["indicators"][2]["description"] = "错"
    score = score_document(_record(), pred, "details")
    assert score.indicators == Counts(4, 0, 0)
    assert (score.indicator_details_correct, score.indicator_details_total) == (7, 8)
    del pred["performance_cards"][0]["indicators"][2]
    assert score_document(_record(), pred, "dup").indicators == Counts(3, 0, 1)


def test_card_fields_compare_normalised_values() -> None:
    pred = _record()
    card = pred["performance_cards"][0]
    card.update({"spending_plan": [0, 10.001], "goals": ["完成目标满意度", "≥90%"], "fund_use": "办 公"})
    assert score_document(_record(), pred, "fields").card_fields_correct == 2 * len(CARD_FIELDS)
    card["budget"]["fiscal"] = 9.0
    card["spending_plan"] = [5.0, 5.0]
    assert score_document(_record(), pred, "fields").card_fields_correct == 2 * len(CARD_FIELDS) - 2


def test_cards_pair_by_name_then_seq() -> None:
    gold = [_card(1, "劳务派遣费用"), _card(2, "保洁"), _card(3, "劳务派遣费用")]
    pred = [_card(1, "劳务 派遣费用"), _card(2, "保洁费(误读)"), _card(3, "劳务派遣费用"), _card(4, "多余")]
    pairs = pair_cards(gold, pred)
    assert [(g and g["seq"], p and p["seq"]) for g, p in pairs] == [(1, 1), (2, 2), (3, 3), (None, 4)]


def test_unpaired_cards_count_all_fields_and_indicators() -> None:
    pred = _record()
    pred["performance_cards"] = [_card(7, "促销费活动资金"), _card(8, "多余项目")]
    score = score_document(_record(), pred, "unpaired")
    assert score.card_fields_total == 2 * len(CARD_FIELDS)
    assert score.card_fields_correct == 2  # only fund_use and goals agree; card 1 is unpaired
    assert score.indicators == Counts(1, 1, 3)


# ---------------------------------------------------------------- aggregation and report


def test_counts_edge_cases() -> None:
    assert (Counts().precision, Counts().recall, Counts().f1) == (1.0, 1.0, 1.0)
    assert (Counts(0, 0, 3).precision, Counts(0, 0, 3).f1) == (0.0, 0.0)
    assert Counts(0, 2, 0).recall == 0.0


def test_aggregate_sums_counts() -> None:
    perfect = score_document(_record(), _record(), "a")
    empty = score_document(_record(), {}, "b")
    overall = aggregate([perfect, empty])
    assert overall.name == "OVERALL"
    assert overall.cells == Counts(10, 0, 10)
    assert overall.document_total == 10 and overall.document_correct == 5
    assert overall.cell_errors == ()


def _write(path: Path, record: Any) -> None:
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def test_evaluate_dirs_pairs_flags_and_reports(tmp_path: Path) -> None:
    gold_dir, pred_dir = tmp_path / "gold", tmp_path / "pred"
    gold_dir.mkdir()
    pred_dir.mkdir()
    for stem in ("a", "b", "c"):
        _write(gold_dir / f"{stem}.json", _record())
    _write(pred_dir / "a.json", _record())
    (pred_dir / "b.json").write_text("{not json", encoding="utf-8")
    _write(pred_dir / "z.json", _record())
    assert [(p.name, p.pred_path and p.pred_path.name) for p in pair_records(gold_dir, pred_dir)] == [
        ("a", "a.json"), ("b", "b.json"), ("c", None)]

    report = evaluate_dirs(gold_dir, pred_dir)
    assert report.flag("a") is None
    assert (report.flag("b") or "").startswith("unreadable prediction")
    assert report.flag("c") == NO_PREDICTION
    assert report.unmatched_predictions == ("z",)
    assert report.overall.cells == Counts(10, 0, 20)

    data = json.loads(json.dumps(report_to_json(report), ensure_ascii=False))
    assert [d["name"] for d in data["documents"]] == ["a", "b", "c"]
    assert data["documents"][0]["cells"]["f1"] == 1.0
    assert data["documents"][2]["flag"] == NO_PREDICTION
    assert data["documents"][2]["cell_errors"][0]["pred"] is None
    assert data["overall"]["cells"]["recall"] == pytest.approx(1 / 3)

    console = Console(record=True, width=200)
    render_report(report, console)
    text = console.export_text()
    assert "OVERALL" in text and "no prediction" in text and "z" in text


def test_partial_card_gold_does_not_score_cards_it_does_not_label(tmp_path: Path) -> None:
    pred = _record()
    extra = copy.deepcopy(pred["performance_cards"][0])
    extra.update(project_name="未标注的项目", seq=99)
    pred["performance_cards"].append(extra)
    full = score_document(_record(), pred, "full")
    assert full.indicators.fp == len(extra["indicators"])
    partial = score_document(_record(), pred, "partial", partial_cards=True)
    assert partial.indicators == Counts(full.indicators.tp, 0, 0)
    missing = copy.deepcopy(pred)
    del missing["performance_cards"][0]
    assert score_document(_record(), missing, "partial", partial_cards=True).indicators.fn > 0
    for folder, record in (("gold", _record()), ("pred", pred)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "doc.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    report = evaluate_dirs(tmp_path / "gold", tmp_path / "pred", partial_cards=["doc"])
    assert report.overall.indicators.fp == 0
