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


def test_heading_then_year_and_year_start_figure() -> None:
    found = extract_narrative(
        "(一)收入预算。2026年年初预算数1,200.50万元,其中:一般公共预算拨款1,100.25万元,事业收入100.25万元。"
        "(二)支出预算。2026年年初预算数1,200.50万元。"
    )
    assert found["income_total"] == 1200.50
    assert found["general_budget_income"] == 1100.25
    assert found["expenditure_total"] == 1200.50


def test_general_budget_spending_is_not_the_income() -> None:
    found = extract_narrative("本部门当年一般公共预算拨款支出80.00万元。")
    assert "general_budget_income" not in found and "expenditure_total" not in found


def test_budget_spending_word_order_but_not_a_part_of_it() -> None:
    assert extract_narrative("本部门当年预算支出300.10万元。")["expenditure_total"] == 300.10
    found = extract_narrative("“三公”经费预算支出21.90万元,一般公共预算支出5.00万元。")
    assert "expenditure_total" not in found


def test_figures_stated_as_financial_allocation_or_in_total() -> None:
    found = extract_narrative("2026年“三公”经费财政拨款预算数为12.61万元。2026年机关运行经费财政拨款预算376.26万元。")
    assert found["three_public_total"] == 12.61
    assert found["operating_expenses"] == 376.26
    assert extract_narrative("安排的“三公”经费预算共17万元。")["three_public_total"] == 17.0


def test_running_costs_named_by_their_allocation() -> None:
    found = extract_narrative("(一)机关运行经费。2026年一般公共预算财政拨款运行经费1,815万元,比2025年增加21.99万元。")
    assert found["operating_expenses"] == 1815.0


def test_outbound_travel_spelt_with_fee_or_funds() -> None:
    assert extract_narrative("其中:因公出国（境）费用184.49万元")["three_public_outbound"] == 184.49
    assert extract_narrative("其中:因公出国(境)经费0.00万元")["three_public_outbound"] == 0.0


def test_change_of_the_whole_budget_beats_an_earlier_line_item_change() -> None:
    prose = (
        "2014099其他事务支出,2026年预算数3,623.98为万元,比2025年执行减少21,519.26万元。"
        "一般公共预算拨款收入16,474.82万元。一般公共预算当年财政拨款16,474.82万元,比2025年执行数减少20,766.6万元。"
    )
    assert extract_narrative(prose)["change_amount"] == -20766.6


def test_change_with_budget_as_subject_beats_the_general_budget_change() -> None:
    prose = (
        "(一)收入预算。2026年年初预算数500.00万元,其中:一般公共预算拨款400.00万元,事业收入100.00万元,"
        "收入比2025年增加30.00万元。一般公共预算财政拨款支出400.00万元,比2025年增加25.00万元。"
    )
    assert extract_narrative(prose)["change_amount"] == 30.0
    assert extract_narrative("收支预算1,717.85万元,比上年减少49.81万元。")["change_amount"] == -49.81


def test_a_name_after_a_change_verb_states_the_change_not_the_figure() -> None:
    """Jiangsu: "…增加基本支出844.15万元。… 此外，基本支出预算数为7666.68万元" — the first names the change."""
    prose = ("与上年相比收、支预算总计各增加844.15万元，主要原因是政策性增资，增加基本支出844.15万元。"
             "此外，基本支出预算数为7666.68万元。")
    assert extract_narrative(prose)["basic_expenditure"] == 7666.68
    assert extract_narrative("基本支出预算数为7666.68万元。")["basic_expenditure"] == 7666.68


def test_a_page_number_between_a_figure_and_its_unit_is_not_read_into_it() -> None:
    """Jiangsu: "…因公出国(境)费支出222.5" | page number "27" | "万元,占…" (the page broke inside the figure)."""
    from extractor.extract.rules.record import _prose_text
    from extractor.ingest.text import Line
    from extractor.regions.model import Region

    texts = ["因公出国(境)费支出222.5", "27", "万元,占“三公”经费的26.69%。"]
    lines = tuple(Line(n, 27 + (n > 1), (text,)) for n, text in enumerate(texts))
    prose = _prose_text([Region("prose", None, "", lines)])
    assert extract_narrative(prose)["three_public_outbound"] == 222.5
