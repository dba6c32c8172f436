"""Narrative figures: read from the 情况说明 prose, signed changes, absent keys stay absent."""

from __future__ import annotations

from extractor.extract.rules.narrative import extract_narrative

PROSE = (
    "2025年预算收入 3219.52万元，其中：一般公共预算收入 3034.18万元，基金预算收入\n0.00万元，"
    "上年结转结余 185.34万元。2025年支出预算 3219.52万元，其中基本支出 849.30万元，包括人员经费"
    "816.90万元和日常公用经费 32.40万元；项目支出 2370.22万元。2025年预算收支安排 3219.52万元，"
    "较 2024年预算减少 468.30万元。我单位机关运行经费共计安排 32.40万元。财政拨款“三公”经费预算安排"
    " 7.35万元，其中因公出国（境）费 0.00万元；公务用车购置及运维费7.29万元（其中：公务用车购置费为 "
    "0.00万元，公务用车运维费 7.29万元)；公务接待费 0.06万元。"
)


def test_prose_figures_are_read_across_line_breaks() -> None:
    found = extract_narrative(PROSE.replace("（", "(").replace("）", ")"))
    assert found["income_total"] == 3219.52
    assert found["fund_budget_income"] == 0.0
    assert found["carryover_income"] == 185.34
    assert found["personnel_expenditure"] == 816.90
    assert found["public_expenditure"] == 32.40
    assert found["project_expenditure"] == 2370.22
    assert found["three_public_outbound"] == 0.0
    assert found["three_public_vehicle"] == 7.29
    assert found["three_public_vehicle_operation"] == 7.29
    assert found["three_public_reception"] == 0.06


def test_change_is_signed() -> None:
    assert extract_narrative(PROSE)["change_amount"] == -468.30
    assert extract_narrative("较上年增加 12.5万元")["change_amount"] == 12.5


def test_keys_the_prose_does_not_state_are_absent() -> None:
    found = extract_narrative(PROSE)
    assert "fixed_assets_total" not in found and "special_account_income" not in found
