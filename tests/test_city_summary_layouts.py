"""Layouts of the city filings' tables that once left a table unverified or failed although the filing adds
up (issue 14): each layout passes the checks when its figures add up, and a violated twin still fires."""

from __future__ import annotations

from extractor.ingest.text import Line
from extractor.validate.coverage import total_findings
from extractor.validate.rules_common import TableView
from tests.test_arithmetic import BASIC, ES, IES, IS, Record, _coded, _sided, base_record, check_record, setv, table
from tests.test_arithmetic_layouts import _errors


def _side_headed_by_total(record: Record) -> None:
    """Chongqing's 收支总体情况表: each side opens with a bare 合计 under its 项目 | 预算数 header, then its
    numbered items; no 本年收入合计, no 结转 rows, no 收入总计."""
    table(record, IES)["rows"] = [
        _sided("income", "合计", amount=110), _sided("expenditure", "合计", amount=110),
        _sided("income", "一般公共预算资金", amount=100), _sided("expenditure", "科学技术支出", amount=80),
        _sided("income", "事业收入资金", amount=10), _sided("expenditure", "住房保障支出", amount=30),
    ]


def test_a_bare_total_on_each_side_is_the_sides_grand_total() -> None:
    record = base_record()
    _side_headed_by_total(record)
    view = TableView.of(table(record, IES), "万元")
    lines = [Line(1, 1, ("合计", "110.00", "合计", "110.00"))]
    assert [f["rule_id"] for f in total_findings(view, lines)] == []
    assert _errors(record) == set()
    setv(IES, "income:事业收入资金", amount=20)(record)
    assert "summary.grand_total" in _errors(record)
    record = base_record()
    _side_headed_by_total(record)
    setv(IES, "expenditure:合计", amount=120)(record)
    assert {"summary.grand_total", "summary.income_equals_expenditure"} <= _errors(record)


def _classes_numbered_on(record: Record) -> None:
    """Guangdong's 收支总体情况表: the functional classes numbered on into 对附属单位补助支出, 上缴上级支出,
    债务还本支出, 转移性支出 (二十四、…二十八、), one list closed by 本年支出合计."""
    rows = [r for r in table(record, IES)["rows"] if r["side"] == "income"]
    rows += [_sided("expenditure", name, amount=amount) for name, amount in (
        ("科学技术支出", 80), ("住房保障支出", 30), ("对附属单位补助支出", 0), ("上缴上级支出", 0),
        ("债务还本支出", 0), ("转移性支出", 0), ("本年支出合计", 110), ("支出总计", 110))]
    table(record, IES)["rows"] = rows


def test_type_and_economic_names_numbered_among_the_classes_are_classes() -> None:
    record = base_record()
    _classes_numbered_on(record)
    assert _errors(record) == set()
    setv(IES, "expenditure:对附属单位补助支出", amount=15)(record)
    assert "summary.current_expenditure" in _errors(record)


def test_a_breakdown_by_type_is_still_checked_on_its_own() -> None:
    record = base_record()
    _classes_numbered_on(record)
    rows = table(record, IES)["rows"]
    at = next(i for i, r in enumerate(rows) if r["name"] == "本年支出合计")
    rows[at:at] = [_sided("expenditure", "基本支出", amount=60), _sided("expenditure", "项目支出", amount=50)]
    assert _errors(record) == set()
    setv(IES, "expenditure:项目支出", amount=40)(record)
    assert "summary.current_expenditure" in _errors(record)


def _blank_heading_over_items(record: Record) -> None:
    """Xi'an's 收支总表: 1、财政拨款 printed blank over its (1)(2) items (so not kept: the items stay
    prefixed 财政拨款/…), a 其中 under (1), then 2、… items with amounts."""
    rows = [r for r in table(record, IES)["rows"] if r["side"] == "expenditure"]
    rows += [_sided("income", "财政拨款/一般公共预算拨款收入", amount=100),
             _sided("income", "一般公共预算拨款收入/专项资金列入部门预算的项目", amount=40),
             _sided("income", "财政拨款/政府性基金收入", amount=0), _sided("income", "其他收入", amount=0),
             _sided("income", "本年收入合计", amount=100), _sided("income", "上年结转结余", amount=10),
             _sided("income", "收入总计", amount=110)]
    table(record, IES)["rows"] = rows


def test_sub_rows_of_a_heading_printed_blank_stand_in_the_list() -> None:
    record = base_record()
    _blank_heading_over_items(record)
    assert _errors(record) == set()
    setv(IES, "income:财政拨款/一般公共预算拨款收入", amount=80)(record)
    assert "summary.current_income" in _errors(record)
    record = base_record()
    _blank_heading_over_items(record)
    setv(IES, "income:一般公共预算拨款收入/专项资金列入部门预算的项目", amount=50)(record)
    assert _errors(record) == set()  # a sub-row of a kept row is inside its parent, never added beside it


def test_an_item_printed_without_its_kuan_counts_under_the_class() -> None:
    """Xi'an's 基本支出表 prints 3010201 津贴补贴 under 301 with no 30102 row: 301 = 30101 + 3010201."""
    record = base_record()
    rows = table(record, BASIC)["rows"]
    rows[:4] = [_coded(None, "合计", total=60, personnel=52, public=8),
                _coded("301", "工资福利支出", total=40, personnel=40),
                _coded("30101", "基本工资", total=25, personnel=25),
                _coded("3010201", "津贴补贴", total=15, personnel=15)]
    assert _errors(record) == set()
    setv(BASIC, "3010201", total=10, personnel=10)(record)
    assert "tree.class_sum" in _errors(record)


def test_last_years_account_balance_is_income_beside_the_carryover() -> None:
    """Xi'an's 收入总表 prints 上年实户资金余额 (kept as prior_balance) beside 上年结转, and its 收支总表 lists it
    among the carry rows under 本年收入合计."""
    record = base_record()
    income = table(record, IS)["rows"]
    for row in income[:3] + income[4:5]:  # 合计, 206, 20601, 2060102
        row["values"].update(total=row["values"]["total"] + 5, prior_balance=5)
    summary = table(record, IES)["rows"]
    summary.insert(summary.index(next(r for r in summary if r["name"] == "收入总计")),
                   _sided("income", "上年实户资金余额", amount=5))
    for row in summary:
        if row["name"] in ("收入总计", "支出总计"):
            row["values"]["amount"] = 115
    summary.insert(summary.index(next(r for r in summary if r["name"] == "支出总计")),
                   _sided("expenditure", "未安排支出的实户资金", amount=5))
    errors = {e for e in _errors(record) if not e.startswith(("cross.", "prose."))}
    assert errors == set()
    setv(IS, "合计", prior_balance=4)(record)
    assert "row.total_parts" in _errors(record)


def _carried_forward(record: Record, by_source: bool) -> None:
    """收支总表 expenditure: 本年支出合计 110, 结转下年 10, 支出总计 120; the 支出总表 合计 prints 120 — listed by
    source of money (Xi'an: no 基本/项目 columns) or by type."""
    for row in table(record, IES)["rows"]:
        if row["name"] in ("收入总计", "支出总计"):
            row["values"]["amount"] = 120
    rows = table(record, IES)["rows"]
    rows.insert(len(rows) - 1, _sided("expenditure", "结转下年", amount=10))
    rows.insert(len(rows) - 2, _sided("income", "上年实户资金余额", amount=10))
    values = {"total": 120, "general_budget": 110} if by_source else {"total": 120, "basic": 60, "project": 60}
    table(record, ES)["rows"] = [{"code": None, "name": "合计", "values": values},
                                 {"code": None, "name": "某某局", "values": dict(values)}]


def _cross_expenditure(record: Record) -> list[str]:
    return [f["message"] for f in check_record(record) if f["rule_id"] == "cross.summary_vs_expenditure_summary"]


def test_expenditure_table_by_source_totals_the_whole_side() -> None:
    record = base_record()
    _carried_forward(record, by_source=True)
    assert _cross_expenditure(record) == []
    table(record, ES)["rows"][0]["values"]["total"] = 125
    assert _cross_expenditure(record)
    record = base_record()
    _carried_forward(record, by_source=False)  # by type: its 合计 is this year's spending
    assert _cross_expenditure(record)
