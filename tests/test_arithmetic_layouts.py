"""Identities on the layouts of the city filings that once raised false alarms: each layout passes when its
figures add up, and a violated twin still fires."""

from __future__ import annotations

from tests.test_arithmetic import (
    BASIC,
    FAS,
    GB,
    IES,
    IS,
    Record,
    _coded,
    _sided,
    base_record,
    check_record,
    rule_ids,
    setv,
    table,
    values,
)


def _errors(record: Record) -> set[str]:
    return {f["rule_id"] for f in check_record(record) if f["severity"] == "error"}


# --- two-sided summaries: a plain grouping heading is the total of the bare items under it ---

def _headed_fiscal_summary(record: Record) -> None:
    """财政拨款收支总表 printed as 一、本年收入 (items bare) / 二、上年结转 (sub-rows prefixed), one amount column."""
    table(record, FAS)["rows"] = [
        _sided("income", "本年收入", amount=100), _sided("income", "一般公共预算拨款", amount=100),
        _sided("income", "上年结转", amount=10), _sided("income", "上年结转/一般公共预算拨款", amount=10),
        _sided("income", "收入总计", amount=110),
        _sided("expenditure", "本年支出", total=110), _sided("expenditure", "科学技术支出", total=80),
        _sided("expenditure", "住房保障支出", total=30), _sided("expenditure", "支出总计", total=110),
    ]


def test_grouping_heading_counts_once_not_beside_its_items() -> None:
    record = base_record()
    _headed_fiscal_summary(record)
    assert _errors(record) == set()
    setv(FAS, "income:一般公共预算拨款", amount=90)(record)
    assert "summary.current_income" in _errors(record)
    record = base_record()
    _headed_fiscal_summary(record)
    setv(FAS, "income:上年结转", amount=20)(record)
    assert "summary.grand_total" in _errors(record)


def test_blank_parent_counts_its_sub_rows() -> None:
    record = base_record()
    _headed_fiscal_summary(record)
    setv(FAS, "income:上年结转", amount=None)(record)
    assert _errors(record) == set()
    setv(FAS, "income:上年结转/一般公共预算拨款", amount=5)(record)
    assert "summary.grand_total" in _errors(record)


def _three_breakdowns(record: Record) -> None:
    """Xi'an: the expenditure side printed as function / department-economic / government-economic columns,
    each under its own 部门预算 heading and closed by its own 本年支出合计 and 支出总计."""
    rows = [r for r in table(record, IES)["rows"] if r["side"] == "income"]
    blocks = (
        [("科学技术支出", 80), ("住房保障支出", 30)],
        [("人员经费和公用经费支出", 60), ("人员经费和公用经费支出/工资福利支出", 40), ("专项业务经费支出", 50)],
        [("机关工资福利支出", 40), ("机关商品和服务支出", 55), ("对事业单位经常性补助", 15)],
    )
    for block in blocks:
        rows += [_sided("expenditure", "部门预算", amount=110),
                 *(_sided("expenditure", name, amount=amount) for name, amount in block),
                 _sided("expenditure", "本年支出合计", amount=110), _sided("expenditure", "支出总计", amount=110)]
    table(record, IES)["rows"] = rows


def _line_by_line(record: Record) -> None:
    """The same three breakdowns listed as the page prints them, line by line across the three columns."""
    rows = table(record, IES)["rows"]
    columns: list[list[dict]] = [[]]
    for row in (r for r in rows if r["side"] == "expenditure"):
        columns[-1].append(row)
        if row["name"] == "支出总计":
            columns.append([])
    columns.pop()
    body = [[r for r in column if r["name"] not in ("本年支出合计", "支出总计")] for column in columns]
    interleaved = [r for line in range(max(map(len, body))) for column in body for r in column[line:line + 1]]
    closing = [r for name in ("本年支出合计", "支出总计") for column in columns for r in column if r["name"] == name]
    assert len(columns) == 3 and len(interleaved) + len(closing) == sum(map(len, columns))
    table(record, IES)["rows"] = [r for r in rows if r["side"] == "income"] + interleaved + closing


def test_breakdowns_printed_side_by_side_add_up_together() -> None:
    record = base_record()
    _three_breakdowns(record)
    assert _errors(record) == set()
    _line_by_line(record)
    assert _errors(record) == set()
    values(record, IES, "expenditure:对事业单位经常性补助")["amount"] = 16
    assert "summary.current_expenditure" in _errors(record)
    values(record, IES, "expenditure:专项业务经费支出")["amount"] = 40
    assert "summary.current_expenditure" in _errors(record)
    record = base_record()
    _three_breakdowns(record)
    values(record, IES, "expenditure:机关商品和服务支出")["amount"] = 50
    assert "summary.current_expenditure" in _errors(record)


# --- classification trees printed in repeated blocks ---

def _repeated_blocks(record: Record) -> None:
    """基本支出表 printing 301 once per 政府经济分类 group (501 机关, 505 事业单位), each block under its own 301."""
    table(record, BASIC)["rows"] = [
        _coded(None, "合计", total=60, personnel=52, public=8),
        _coded("301", "工资福利支出", total=25, personnel=25), _coded("30101", "基本工资", total=25, personnel=25),
        _coded("301", "工资福利支出", total=15, personnel=15), _coded("30101", "基本工资", total=15, personnel=15),
        _coded("302", "商品和服务支出", total=8, public=8), _coded("30201", "办公费", total=8, public=8),
        _coded("303", "对个人和家庭的补助", total=12, personnel=12), _coded("30302", "退休费", total=12, personnel=12),
    ]


def test_repeated_class_blocks_add_up_block_by_block() -> None:
    record = base_record()
    _repeated_blocks(record)
    record["narrative"].pop("public_expenditure")
    assert _errors(record) == set()
    table(record, BASIC)["rows"][4]["values"].update(total=14, personnel=14)
    assert {"tree.class_sum"} <= _errors(record)
    hit = next(f for f in check_record(record) if f["rule_id"] == "tree.class_sum")
    assert hit["row_key"] == "301#2"


def test_repeated_items_under_one_class_all_count() -> None:
    record = base_record()
    rows = table(record, BASIC)["rows"]
    rows[2:4] = [_coded("30101", "基本工资", total=20, personnel=20), _coded("30101", "基本工资", total=5, personnel=5),
                 _coded("30102", "津贴补贴", total=15, personnel=15)]
    assert _errors(record) == set()
    rows[3]["values"].update(total=6, personnel=6)
    assert "tree.class_sum" in _errors(record)


# --- printed columns kept under their own keys ---

def test_personnel_and_public_stand_for_an_unprinted_basic_column() -> None:
    record = base_record()
    for row in table(record, GB)["rows"]:
        basic = row["values"].pop("basic", 0)
        row["values"].update({"personnel": basic - 2, "public": 2} if basic else {})
    assert "row.total_parts" not in rule_ids(record)
    values(record, GB, "2060101")["public"] = 3
    assert "row.total_parts" in _errors(record)


def _by_unit_income(fiscal: float, fund: float, other: float) -> list[dict]:
    row = {"total": fiscal + fund + other, "current_subtotal": fiscal + fund + other, "fiscal_allocation": fiscal,
           "government_fund": fund, "other_income": other}
    return [_coded(None, "合计", **row), _coded(None, "某某局(本级)", **row)]


def test_kept_fund_columns_are_sources_beside_a_general_budget_fiscal_allocation() -> None:
    record = base_record()
    table(record, IS)["rows"] = _by_unit_income(70, 20, 10)
    assert "row.current_subtotal_parts" not in rule_ids(record)
    values(record, IS, "某某局(本级)")["government_fund"] = 25
    assert "row.current_subtotal_parts" in _errors(record)


def test_kept_fund_columns_are_not_added_to_a_fiscal_allocation_holding_them() -> None:
    record = base_record()
    rows = _by_unit_income(90, 20, 10)  # fiscal_allocation = 财政拨款 90, of which 政府性基金 20
    for row in rows:
        row["values"].update(total=100, current_subtotal=100)
    table(record, IS)["rows"] = rows
    assert "row.current_subtotal_parts" not in rule_ids(record)
    values(record, IS, "某某局(本级)")["other_income"] = 15
    assert "row.current_subtotal_parts" in _errors(record)


# --- 财政拨款收支总表 with one amount column against the fund tables ---

def _fund_table(record: Record) -> None:
    """30 of 住房保障支出 is 政府性基金 money: the 财政拨款收支总表 prints one column for all funds."""
    _headed_fiscal_summary(record)
    for row in table(record, GB)["rows"]:
        if row["code"] in ("221", "22102", "2210201"):
            row["values"] = {"total": 20, "basic": 10, "project": 10}
    table(record, GB)["rows"][0]["values"] = {"total": 100, "basic": 60, "project": 40}
    fund = table(record, "government_fund_expenditure")
    fund.update(empty=False, rows=[_coded(None, "合计", total=10, project=10), _coded("221", "住房保障支出", total=10,
                                                                                  project=10)])


def test_one_column_fiscal_summary_is_the_sum_of_the_fund_tables() -> None:
    record = base_record()
    _fund_table(record)
    assert "cross.fiscal_summary_vs_fund_tables" not in rule_ids(record)
    setv("government_fund_expenditure", "221", total=5, project=5)(record)
    assert "cross.fiscal_summary_vs_fund_tables" in _errors(record)


def test_fund_tables_of_this_years_money_leave_the_carryover_to_the_summary() -> None:
    record = base_record()
    _headed_fiscal_summary(record)  # 110 = 本年 100 + 上年结转 10; the general-budget table prints the 100 only
    setv(GB, "206", total=75, basic=45)(record)
    setv(GB, "20601", total=75, basic=45)(record)
    setv(GB, "2060101", total=45, basic=45)(record)
    setv(GB, "221", total=25)(record)
    setv(GB, "22102", total=25)(record)
    setv(GB, "2210201", total=25)(record)
    setv(GB, "合计", total=100, basic=50)(record)
    table(record, BASIC)["rows"][0]["values"]["total"] = 60
    assert "cross.fiscal_summary_vs_fund_tables" not in rule_ids(record)
    setv(FAS, "expenditure:科学技术支出", total=90)(record)
    setv(FAS, "expenditure:住房保障支出", total=20)(record)
    assert "cross.fiscal_summary_vs_fund_tables" in _errors(record)


# --- cards and prose ---

def test_card_budget_with_a_part_the_contract_has_no_key_for() -> None:
    record = base_record()
    record["performance_cards"][0].update(budget={"total": 30, "fiscal": 20, "other": None}, spending_plan=[30])
    assert "card.budget_parts" not in rule_ids(record)
    record["performance_cards"][0]["budget"] = {"total": 30, "fiscal": 20, "other": 0}
    assert "card.budget_parts" not in rule_ids(record)
    record["performance_cards"][0]["budget"] = {"total": 30, "fiscal": 35, "other": None}
    assert "card.budget_parts" in _errors(record)
    record["performance_cards"][0]["budget"] = {"total": 30, "fiscal": 20, "other": None, "carryover": 5}
    assert "card.budget_parts" in _errors(record)


def test_prose_in_wan_yuan_against_a_filing_in_yuan() -> None:
    record = base_record()
    record["document"]["currency_unit"] = "元"
    for row in table(record, IES)["rows"]:
        row["values"]["amount"] *= 10000
    record["narrative"] = {"income_total": 110, "expenditure_total": 110}
    assert not [f for f in check_record(record) if f["rule_id"].startswith("prose.")]
    record["narrative"]["income_total"] = 111
    assert "prose.income_total" in _errors(record)
