"""Arithmetic validation: every rule fires on a crafted violation and stays silent on its fixed twin;
on the gold records it reports exactly the filing errors the gold README lists."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from extractor.record.keys import FINDING_KEYS, base_row_key
from extractor.validate.arithmetic import RULES, check_record, rule_by_id
from tests.conftest import gold_files, needs_gold

Record = dict[str, Any]
Mutation = Callable[[Record], None]


def _coded(code: str | None, name: str, **values: float) -> dict:
    return {"code": code, "name": name, "values": values}


def _named(name: str, **values: float) -> dict:
    return {"name": name, "values": values}


def _sided(side: str, name: str, **values: float) -> dict:
    return {"side": side, "name": name, "values": values}


def _spending(code: str | None, name: str, total: float, basic: float = 0.0, project: float = 0.0) -> dict:
    values = {"total": total, "basic": basic, "project": project}
    return _coded(code, name, **{k: v for k, v in values.items() if v})


def _spending_rows() -> list[dict]:
    return [
        _spending(None, "合计", 110, 60, 50),
        _spending("206", "科学技术支出", 80, 50, 30),
        _spending("20601", "科学技术管理事务", 80, 50, 30),
        _spending("2060101", "行政运行", 50, basic=50),
        _spending("2060102", "一般行政管理事务", 30, project=30),
        _spending("221", "住房保障支出", 30, 10, 20),
        _spending("22102", "住房改革支出", 30, 10, 20),
        _spending("2210201", "住房公积金", 30, 10, 20),
    ]


def _income_row(code: str | None, name: str, total: float, carryover: float = 0.0) -> dict:
    current = total - carryover
    values = {"total": total, "current_subtotal": current, "fiscal_allocation": current}
    return _coded(code, name, **values, **({"carryover": carryover} if carryover else {}))


def base_record() -> Record:
    """A small filing in which every identity holds."""
    income = [
        _income_row(None, "合计", 110, 10), _income_row("206", "科学技术支出", 80, 10),
        _income_row("20601", "科学技术管理事务", 80, 10), _income_row("2060101", "行政运行", 50),
        _income_row("2060102", "一般行政管理事务", 30, 10), _income_row("221", "住房保障支出", 30),
        _income_row("22102", "住房改革支出", 30), _income_row("2210201", "住房公积金", 30),
    ]
    income[0]["values"]["special_account"] = 0
    three = [
        _named("合计", total=9, general_budget=9), _named("“三公”经费小计", total=6, general_budget=6),
        _named("因公出国(境)费", total=1, general_budget=1), _named("公务用车购置及运维费", total=3, general_budget=3),
        _named("公务用车购置费", total=1, general_budget=1), _named("公务用车运行维护费", total=2, general_budget=2),
        _named("公务接待费", total=2, general_budget=2), _named("会议费", total=3, general_budget=3),
        _named("机关运行经费", total=8, general_budget=8),
    ]
    return {
        "schema_version": "1",
        "document": {"agency_code": "1", "agency_name": "测试局", "fiscal_year": 2025, "budget_level": "unit",
                     "currency_unit": "万元"},
        "tables": [
            {"kind": "income_expenditure_summary", "title": "收支总表", "rows": [
                _sided("income", "一般公共预算拨款收入", amount=100), _sided("income", "政府性基金预算拨款收入", amount=0),
                _sided("expenditure", "科学技术支出", amount=80), _sided("expenditure", "住房保障支出", amount=30),
                _sided("income", "本年收入合计", amount=100), _sided("expenditure", "本年支出合计", amount=110),
                _sided("income", "上年结转结余", amount=10),
                _sided("income", "收入总计", amount=110), _sided("expenditure", "支出总计", amount=110),
            ]},
            {"kind": "income_summary", "title": "收入总表", "rows": income},
            {"kind": "expenditure_summary", "title": "支出总表", "rows": _spending_rows()},
            {"kind": "fiscal_allocation_summary", "title": "财政拨款收支总表", "rows": [
                _sided("income", "一般公共预算拨款", amount=100),
                _sided("expenditure", "科学技术支出", total=80, general_budget=80),
                _sided("expenditure", "住房保障支出", total=30, general_budget=30),
                _sided("income", "本年收入合计", amount=100),
                _sided("expenditure", "本年支出合计", total=110, general_budget=110),
                _sided("income", "年初财政拨款结转和结余", amount=10),
                _sided("income", "年初财政拨款结转和结余/一般公共预算拨款", amount=10),
                _sided("income", "收入总计", amount=110),
                _sided("expenditure", "支出总计", total=110, general_budget=110),
            ]},
            {"kind": "general_budget_expenditure", "title": "一般公共预算财政拨款支出表", "rows": _spending_rows()},
            {"kind": "general_budget_basic_expenditure", "title": "基本支出表", "rows": [
                _coded(None, "合计", total=60, personnel=52, public=8),
                _coded("301", "工资福利支出", total=40, personnel=40),
                _coded("30101", "基本工资", total=25, personnel=25), _coded("30102", "津贴补贴", total=15, personnel=15),
                _coded("302", "商品和服务支出", total=8, public=8),
                _coded("30201", "办公费", total=5, public=5), _coded("30231", "公务用车运行维护费", total=3, public=3),
                _coded("303", "对个人和家庭的补助", total=12, personnel=12),
                _coded("30302", "退休费", total=12, personnel=12),
            ]},
            {"kind": "government_fund_expenditure", "title": "政府性基金预算财政拨款支出表", "empty": True, "rows": []},
            {"kind": "three_public_expenditure", "title": "“三公”经费支出表", "rows": three},
            {"kind": "procurement", "title": "政府采购预算", "rows": [
                _named("合计", total=1.5), _named("纸制品", quantity=10, unit_price=0.05, total=0.5),
                _named("计算机", quantity=2, unit_price=0.5, total=1.0),
            ]},
            {"kind": "fixed_assets", "title": "固定资产占用情况表", "rows": [
                _named("资产总额", value=100), _named("车辆(台、辆)", quantity=1, value=40),
                _named("其他固定资产", quantity=9, value=60),
            ]},
        ],
        "narrative": {
            "income_total": 110, "general_budget_income": 100, "fund_budget_income": 0, "special_account_income": 0,
            "other_income": 0, "carryover_income": 10, "expenditure_total": 110, "basic_expenditure": 60,
            "personnel_expenditure": 52, "public_expenditure": 8, "project_expenditure": 50, "operating_expenses": 8,
            "three_public_total": 6, "three_public_outbound": 1, "three_public_vehicle": 3,
            "three_public_vehicle_purchase": 1, "three_public_vehicle_operation": 2, "three_public_reception": 2,
            "fixed_assets_total": 100,
        },
        "performance_cards": [
            {"seq": 1, "project_name": "甲项目", "budget": {"total": 30, "fiscal": 30, "other": None},
             "spending_plan": [None, 10, 20, 30]},
            {"seq": 2, "project_name": "乙项目", "budget": {"total": 20, "fiscal": 15, "other": 5},
             "spending_plan": [5, 5, 5, 5]},
        ],
    }


def table(record: Record, kind: str) -> dict:
    return next(t for t in record["tables"] if t["kind"] == kind)


def values(record: Record, kind: str, key: str) -> dict:
    """Return the values dict of the row of ``kind`` whose contract row key is ``key``."""
    return next(r for r in table(record, kind)["rows"] if base_row_key(r) == key)["values"]


def setv(kind: str, key: str, **new: float | None) -> Mutation:
    def mutate(record: Record) -> None:
        values(record, kind, key).update(new)
    return mutate


def chain(*mutations: Mutation) -> Mutation:
    def mutate(record: Record) -> None:
        for m in mutations:
            m(record)
    return mutate


def narrative(**new: float) -> Mutation:
    def mutate(record: Record) -> None:
        record["narrative"].update(new)
    return mutate


def card(seq: int, **new: Any) -> Mutation:
    def mutate(record: Record) -> None:
        record["performance_cards"][seq - 1].update(new)
    return mutate


def rule_ids(record: Record) -> set[str]:
    return {f["rule_id"] for f in check_record(record)}


ES, GB, IS, BASIC, TP = ("expenditure_summary", "general_budget_expenditure", "income_summary",
                         "general_budget_basic_expenditure", "three_public_expenditure")
IES, FAS = "income_expenditure_summary", "fiscal_allocation_summary"
_PROSE_KEYS = (
    "income_total", "expenditure_total", "general_budget_income", "fund_budget_income", "special_account_income",
    "carryover_income", "basic_expenditure", "project_expenditure", "personnel_expenditure", "public_expenditure",
    "three_public_total", "three_public_outbound", "three_public_vehicle", "three_public_vehicle_purchase",
    "three_public_vehicle_operation", "three_public_reception", "operating_expenses", "fixed_assets_total",
)

#: rule id → a mutation of base_record() that violates it (base_record() is the fixed twin).
VIOLATIONS: dict[str, Mutation] = {
    "tree.total_sum": setv(ES, "合计", total=120, basic=70),
    "tree.class_sum": setv(ES, "206", total=81, basic=51),
    "tree.item_sum": setv(ES, "2060101", total=51, basic=51),
    "row.total_parts": setv(ES, "2060102", project=29),
    "row.current_subtotal_parts": setv(IS, "221", fiscal_allocation=29),
    "three_public.subtotal": chain(setv(TP, "“三公”经费小计", total=7, general_budget=7),
                                   setv(TP, "合计", total=10, general_budget=10)),
    "three_public.vehicle": setv(TP, "公务用车购置费", total=2, general_budget=2),
    "three_public.total": setv(TP, "会议费", total=4, general_budget=4),
    "procurement.line_total": setv("procurement", "纸制品", unit_price=0.04),
    "summary.income_equals_expenditure": chain(setv(IES, "expenditure:支出总计", amount=111),
                                               setv(IES, "expenditure:本年支出合计", amount=111),
                                               setv(IES, "expenditure:住房保障支出", amount=31)),
    "summary.current_income": setv(IES, "income:一般公共预算拨款收入", amount=90),
    "summary.current_expenditure": setv(IES, "expenditure:科学技术支出", amount=70),
    "summary.grand_total": setv(IES, "income:上年结转结余", amount=5),
    "cross.summary_vs_expenditure_summary": chain(setv(IES, "expenditure:科学技术支出", amount=70),
                                                  setv(IES, "expenditure:住房保障支出", amount=40)),
    "cross.summary_vs_income_summary": setv(IS, "合计", total=111, carryover=11),
    "cross.fiscal_summary_vs_fund_tables": chain(setv(FAS, "expenditure:科学技术支出", total=70, general_budget=70),
                                                 setv(FAS, "expenditure:住房保障支出", total=40, general_budget=40)),
    "cross.expenditure_vs_general_budget": chain(*(setv(GB, k, basic=15, project=15) for k in ("221", "22102",
                                                                                                 "2210201"))),
    "cross.basic_table_vs_general_budget": setv(BASIC, "合计", total=61, personnel=53),
    "cross.basic_table_vs_expenditure_summary": setv(ES, "合计", basic=61, project=49),
    "cross.fiscal_income_vs_income_summary": setv(IS, "合计", fiscal_allocation=101),
    "cross.income_vs_expenditure_by_code": chain(*(setv(IS, k, total=31, current_subtotal=31, fiscal_allocation=31)
                                                   for k in ("221", "22102", "2210201"))),
    **{f"prose.{key}": narrative(**{key: 5.0})
       for key in _PROSE_KEYS},
    "prose.operating_within_public": narrative(operating_expenses=9),
    "prose.basic_parts": narrative(personnel_expenditure=50),
    "prose.income_parts": narrative(carryover_income=5),
    "card.budget_parts": card(2, budget={"total": 20, "fiscal": 15, "other": 6}),
    "card.plan_reaches_budget": card(1, spending_plan=[None, 10, 20, 25]),
    "card.budgets_vs_project": card(1, budget={"total": 31, "fiscal": 31}, spending_plan=[31]),
    "rounding.within_tolerance": chain(*(setv(k, "合计", total=110.01, project=50.01) for k in (ES, GB))),
}


def test_base_record_has_no_findings() -> None:
    assert check_record(base_record()) == []


def test_every_rule_has_a_crafted_violation() -> None:
    assert {rule.id for rule in RULES} == set(VIOLATIONS)


@pytest.mark.parametrize("rule_id", sorted(VIOLATIONS))
def test_rule_fires_on_violation_and_not_on_fixed_twin(rule_id: str) -> None:
    broken = base_record()
    VIOLATIONS[rule_id](broken)
    findings = [f for f in check_record(broken) if f["rule_id"] == rule_id]
    assert findings, f"{rule_id} did not fire"
    assert all(f["severity"] == rule_by_id(rule_id).severity for f in findings)
    assert rule_id not in rule_ids(base_record())


def test_rounding_is_a_warning_only() -> None:
    broken = base_record()
    VIOLATIONS["rounding.within_tolerance"](broken)
    findings = check_record(broken)
    assert {f["severity"] for f in findings} == {"warning"}
    assert any(f["message"].startswith("[tree.total_sum]") for f in findings)


def test_findings_carry_exactly_the_store_keys_and_numbers() -> None:
    broken = base_record()
    table(broken, ES)["rows"][1]["provenance"] = {"method": "rules", "page": 7}
    VIOLATIONS["tree.class_sum"](broken)
    findings = check_record(broken)
    for finding in findings:
        assert tuple(finding) == FINDING_KEYS
        for key in ("expected", "actual", "difference"):
            assert finding[key] is None or isinstance(finding[key], float)
    hit = next(f for f in findings if f["rule_id"] == "tree.class_sum" and f["value_key"] == "total")
    assert (hit["table_kind"], hit["row_key"], hit["page"]) == (ES, "206", 7)
    assert (hit["expected"], hit["actual"], hit["difference"]) == (80.0, 81.0, 1.0)
    assert hit["message"] == "206 科学技术支出 total 81.00 ≠ Σ款 80.00 (diff +1.00)"


def test_repeated_row_names_get_the_contract_row_key() -> None:
    record = base_record()
    table(record, "procurement")["rows"].append(_named("纸制品", quantity=4, unit_price=0.1, total=0.5))
    hit = next(f for f in check_record(record) if f["rule_id"] == "procurement.line_total")
    assert hit["row_key"] == "纸制品#2"


def test_parent_without_children_is_not_checked() -> None:
    record = base_record()
    table(record, ES)["rows"] = [r for r in table(record, ES)["rows"] if r["code"] not in ("20601", "2060101",
                                                                                       "2060102")]
    assert not {"tree.class_sum", "tree.item_sum"} & rule_ids(record)


def test_identity_skipped_when_the_table_prints_no_part_column() -> None:
    record = base_record()
    for row in table(record, GB)["rows"]:
        row["values"] = {"total": row["values"]["total"]}
    assert "row.total_parts" not in rule_ids(record)


def test_income_total_without_subtotal_column_sums_sources_and_carryover() -> None:
    record = base_record()
    for row in table(record, IS)["rows"]:
        row["values"].pop("current_subtotal")
    assert check_record(record) == []
    values(record, IS, "221")["fiscal_allocation"] = 29
    assert "row.total_parts" in rule_ids(record)


def test_percentage_plans_reach_100() -> None:
    record = base_record()
    card(1, spending_plan=[25, 50, 75, 100])(record)
    card(2, spending_plan=[None, None, None, 100])(record)
    assert check_record(record) == []
    card(2, spending_plan=[None, None, 90, 95])(record)
    assert "card.plan_reaches_budget" in rule_ids(record)


def test_a_lone_100_in_a_filing_of_amounts_is_an_amount() -> None:
    record = base_record()
    card(1, spending_plan=[None, None, None, 100])(record)
    hit = next(f for f in check_record(record) if f["rule_id"] == "card.plan_reaches_budget")
    assert (hit["expected"], hit["actual"], hit["severity"]) == (30.0, 100.0, "error")


def test_plan_read_as_a_sum_when_not_cumulative() -> None:
    record = base_record()
    card(1, spending_plan=[10, 15, 3, 2])(record)
    assert check_record(record) == []
    card(1, spending_plan=[10, 15, 3, 1])(record)
    assert "card.plan_reaches_budget" in rule_ids(record)


def test_empty_table_counts_as_zero_and_absent_figures_are_skipped() -> None:
    record = base_record()
    three = table(record, TP)
    three.update(empty=True, rows=[])
    record["narrative"] = {"three_public_total": 0, "three_public_outbound": 0}
    assert check_record(record) == []
    record["narrative"]["three_public_total"] = 5
    assert rule_ids(record) == {"prose.three_public_total"}


def test_tables_in_yuan_compare_with_prose_in_wan_yuan() -> None:
    record = base_record()
    summary = table(record, IES)
    summary["unit"] = "元"
    for row in summary["rows"]:
        row["values"]["amount"] *= 10000
    record["narrative"] = {"income_total": 110, "expenditure_total": 110}
    assert not [f for f in check_record(record) if f["rule_id"].startswith("prose.")]
    record["narrative"]["income_total"] = 110.5
    assert "prose.income_total" in rule_ids(record)


def test_summary_with_expenditure_types_beside_classes() -> None:
    record = base_record()
    summary = table(record, IES)
    summary["rows"][4:4] = [_sided("expenditure", "基本支出", amount=60), _sided("expenditure", "项目支出", amount=50)]
    assert check_record(record) == []
    values(record, IES, "expenditure:项目支出")["amount"] = 40
    assert {"summary.current_expenditure", "cross.summary_vs_expenditure_summary"} <= rule_ids(record)


def test_fund_column_against_an_empty_fund_table() -> None:
    record = base_record()
    setv(FAS, "expenditure:住房保障支出", total=30, general_budget=25, government_fund=5)(record)
    assert "cross.fiscal_summary_vs_fund_tables" in rule_ids(record)


def test_rule_catalogue_is_well_formed() -> None:
    assert len({rule.id for rule in RULES}) == len(RULES)
    assert {rule.severity for rule in RULES} <= {"error", "warning"}
    assert all(rule.meaning for rule in RULES)


# --- gold records: the filing errors the gold README lists, and nothing else at error severity ---

GOLD_FILES = gold_files()


def _card_seq(record: Record, fragment: str) -> str:
    return next(str(c["seq"]) for c in record["performance_cards"] if fragment in c["project_name"])


def known_filing_errors(stem: str, record: Record) -> set[tuple[str | None, str, str]]:
    """(rule id or None for any, table kind, row key) of every filing error the gold README lists."""
    plan = "card.plan_reaches_budget", "performance_cards"
    if stem.startswith("000_"):
        return {(*plan, _card_seq(record, "车都印象")), (*plan, _card_seq(record, "冀财建(2024)274号"))}
    if stem.startswith("001_"):
        return {*((None, BASIC, key) for key in ("301", "302", "303", "合计")),
                ("procurement.line_total", "procurement", "纸制品")}
    if stem.startswith("002_"):
        return {(*plan, _card_seq(record, "单位取暖费"))}
    if stem.startswith("yt-xfj-"):  # 20140 信访事务: 524.00 of project spending no 项 row carries (rows withheld)
        return {("tree.item_sum", kind, "20140") for kind in (IS, ES, GB)}
    if stem.startswith("cq-bgt-"):  # prose 项目支出 9,399.23 is the general-budget figure, not 表三's
        return {("prose.project_expenditure", "narrative", "project_expenditure")}
    return set()


@needs_gold
@pytest.mark.parametrize("gold", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_filing_errors_are_reported_and_nothing_else_is_an_error(gold: Path) -> None:
    record = json.loads(gold.read_text(encoding="utf-8"))
    findings = check_record(record)
    known = known_filing_errors(gold.stem, record)
    for rule_id, kind, key in known:
        assert any((rule_id is None or f["rule_id"] == rule_id) and (f["table_kind"], f["row_key"]) == (kind, key)
                   for f in findings), f"{gold.stem}: no finding for {kind} {key}"
    loose = {(kind, key) for _, kind, key in known}
    unexpected = [f for f in findings if f["severity"] == "error" and (f["table_kind"], f["row_key"]) not in loose]
    assert unexpected == []


def test_prose_stating_a_whole_number_is_the_tables_figure_rounded() -> None:
    """Shanghai 市财政局: prose 收入预算17,192万元 for a 收支总表 in 元 printing 171,915,200 (17,191.52万元)."""
    record = base_record()
    summary = table(record, IES)
    summary["unit"] = "元"
    for row in summary["rows"]:
        row["values"]["amount"] = row["values"]["amount"] * 10000 - 4800
    record["narrative"] = {"income_total": 110}
    assert "prose.income_total" not in rule_ids(record)
    record["narrative"]["income_total"] = 111
    assert "prose.income_total" in rule_ids(record)
