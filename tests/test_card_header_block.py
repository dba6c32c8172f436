"""Tests for header-block cards as city and central filings print them (one budget amount per row,
goals labelled 总体目标 / 年度总体目标, indicator grids with 分值 and split value columns)."""

from __future__ import annotations

from extractor.cards.interpret.header import read_header
from extractor.cards.interpret.indicators import read_indicators
from extractor.cards.read.grid import year_goals
from extractor.ingest.text import Line


def _lines(*rows: tuple[str, ...]) -> tuple[Line, ...]:
    """Rows of a ruled grid as the PDF reader gives them (cells of merged spans carry no box)."""
    return tuple(Line(number, 1, row, (None,) * len(row)) for number, row in enumerate(rows, start=1))


CENTRAL_ROWS = (
    ("项目名称", "", "信息化运行维护", "", ""),
    ("主管部门及代码", "", "[292]国家信访局", "实施单位", "国家信访局本级"),
    ("项目资金(万元)", "", "年度资金总额:", "2,134.87", "执行率分值\n(10)"),
    ("项目资金(万元)", "", "其中:财政拨款", "1,384.87", "执行率分值\n(10)"),
    ("项目资金(万元)", "", "上年结转", "750.00", "执行率分值\n(10)"),
    ("项目资金(万元)", "", "其他资金", "-", "执行率分值\n(10)"),
    ("年\n度\n总\n体\n目\n标", "1.加强对信访信息系统应用工作的指导,根据\n业务最新调整修订。\n2.推进信访工作法治化。", "", "", ""),
)
CENTRAL_HEADER = _lines(*CENTRAL_ROWS)


def test_budget_amounts_printed_one_per_row_are_each_read_after_their_label() -> None:
    header = read_header(CENTRAL_HEADER, positional=True)
    assert header.budget == {"total": 2134.87, "fiscal": 1384.87, "other": None}


def test_a_card_without_a_fund_use_label_has_no_fund_use_and_its_name_stops_at_the_next_label() -> None:
    header = read_header(CENTRAL_HEADER, positional=True)
    assert header.fund_use is None
    assert header.project_name == "信息化运行维护"
    assert header.project_code is None


def test_goals_under_a_label_printed_one_character_per_line_keep_their_numbers() -> None:
    numbered = read_header(CENTRAL_HEADER, positional=True).goals
    assert numbered == ["1.加强对信访信息系统应用工作的指导,根据业务最新调整修订。", "2.推进信访工作法治化。"]


def test_goals_labelled_jixiao_mubiao_are_written_without_their_numbers() -> None:
    lines = _lines(*CENTRAL_ROWS[:-1], ("绩效目标", "1.加强对信访信息系统应用工作的指导。\n2.推进信访工作法治化。"))
    assert read_header(lines, positional=True).goals == ["加强对信访信息系统应用工作的指导。", "推进信访工作法治化。"]


def test_goals_labelled_zongti_mubiao_beside_their_text() -> None:
    lines = _lines(
        ("项目名称", "实施公车统管费用"),
        ("项目资金\n(万元)", "年度预算资金总额:", "15.00"),
        ("项目资金\n(万元)", "其中:财政拨款", "15.00"),
        ("总体目标", "通过对公务用车实行统一管理,杜绝公务用车铺张\n浪费,节约运行成本。"),
    )
    header = read_header(lines, positional=True)
    assert header.budget["total"] == 15.0 and header.budget["fiscal"] == 15.0
    assert header.goals == ["通过对公务用车实行统一管理,杜绝公务用车铺张浪费,节约运行成本。"]


def test_a_score_column_ends_the_value_column() -> None:
    table = _lines(
        ("绩效指\n标", "一级指标", "二级指标", "三级指标", "", "指标值", "分值\n(90)"),
        ("绩效指\n标", "成本指标", "经济成本指标", "项目总成本", "", "≤2134.87 万元", "20"),
        ("绩效指\n标", "产出指标", "数量指标", "数据中心设备维护量", "", "≥330 台(套)", "8"),
    )
    rows = read_indicators(table, "pdf")
    assert [(r["level1"], r["level2"], r["level3"], r["value"]) for r in rows] == [
        ("成本指标", "经济成本指标", "项目总成本", "≤2134.87 万元"),
        ("产出指标", "数量指标", "数据中心设备维护量", "≥330 台(套)"),
    ]


def test_a_value_printed_across_sign_number_and_unit_columns_is_joined_as_printed() -> None:
    table = _lines(
        ("一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重"),
        ("产出指标", "数量指标", "培训人数", "≥", "290", "人", "6"),
        ("", "质量指标", "培训合格率", "=", "100", "%", "8"),
    )
    rows = read_indicators(table, "tsv")
    assert [(r["level1"], r["level2"], r["value"]) for r in rows] == [
        ("产出指标", "数量指标", "≥290人"), ("产出指标", "质量指标", "=100%")]


def test_goals_printed_for_the_period_and_for_the_year_keep_the_years() -> None:
    lines = _lines(
        ("项目名称", "", "政策性农业保险市级补贴资金", "", ""),
        ("总体目标", "实施期总目标", "", "年度总目标", ""),
        ("总体目标", "目标1:引导农户参保;\n目标2:扩大覆盖面;", "", "目标1:引导农户参加\n农业保险;\n目标2:稳定农业生产。", ""),
    )
    header = read_header(year_goals(lines), positional=True)
    assert header.goals == ["目标1:引导农户参加农业保险;", "目标2:稳定农业生产。"]


def _cards(*bodies: tuple[Line, ...], title: str = "部门专项业务经费绩效目标表") -> list[dict]:
    from extractor.cards.reader import extract_performance_cards
    from extractor.regions.model import Region

    return extract_performance_cards([Region("card", None, title, body) for body in bodies], "pdf")


def test_projects_printed_one_after_another_under_one_title_are_separate_cards() -> None:
    def project(name: str, amount: str, first: int) -> list[tuple[str, ...]]:
        return [("专项(项目)名称", "", name, ""), ("资金金额(万元)", "", "实施期资金总额:", amount),
                ("总体目标", "完成" + name + "。", "", ""), ("", "一级指标", "二级指标", "指标内容", "指标值"),
                ("", "产出指标", "数量指标", f"指标{first}", "5条")]
    cards = _cards(_lines(*project("网络建设维护", "1000.00", 1), *project("社保大厦物业费", "123.50", 2)))
    assert [(c["project_name"], c["budget"]["total"]) for c in cards] == [("网络建设维护", 1000.0), ("社保大厦物业费", 123.5)]
    assert [[(i["level3"], i["value"]) for i in c["indicators"]] for c in cards] == [[("指标1", "5条")], [("指标2", "5条")]]


def test_an_indicator_grid_without_level_columns_gives_indicators_without_levels() -> None:
    body = _lines(
        ("项目名称", "水库移民后期扶持", "", "主管部门", "某水利局", "", ""),
        ("当年预算", "12,700.00", "", "市级支出", "", "", ""),
        ("当年绩效目标", "支持实施项目数量不少于86个。", "", "", "", "", ""),
        ("绩效指标", "指标名称", "指标性质", "指标值", "计量单位", "指标权重(%)", "是否核心"),
        ("绩效指标", "实施项目数量", "≥", "86", "个数", "20", "是"),
    )
    card = _cards(body, title="2026年市级重点专项资金绩效目标表")[0]
    assert card["project_name"] == "水库移民后期扶持" and card["budget"]["total"] == 12700.0
    assert card["goals"] == ["支持实施项目数量不少于86个。"]
    assert [(i["level1"], i["level2"], i["level3"], i["value"]) for i in card["indicators"]] == [
        (None, None, "实施项目数量", "≥86个数")]


def test_a_department_wide_card_is_no_project_card() -> None:
    body = _lines(("部门名称", "某局"), ("一级指标", "二级指标", "三级指标", "指标值"), ("产出指标", "数量指标", "会议", "3次"))
    assert _cards(body, title="2026年部门整体支出绩效目标表") == []


def _header_read_fails_for(monkeypatch, name: str) -> None:
    """Make the header read raise for the project ``name`` (a malformed card; an error-handling double)."""
    import extractor.cards.reader as cards_module

    read = cards_module.read_header

    def failing(lines: tuple[Line, ...], *args: object, **kwargs: object):
        if any(name in line.text for line in lines):
            raise IndexError("malformed card")
        return read(lines, *args, **kwargs)

    monkeypatch.setattr(cards_module, "read_header", failing)


def _project(name: str) -> tuple[tuple[str, ...], ...]:
    return ("项目名称", name), ("一级指标", "二级指标", "三级指标", "指标值"), ("产出指标", "数量指标", "会议", "3次")


def test_a_card_that_cannot_be_read_costs_that_card_only(monkeypatch) -> None:
    _header_read_fails_for(monkeypatch, "坏卡")
    cards = _cards(_lines(*_project("好卡")), _lines(*_project("坏卡")), _lines(*_project("好卡")))
    assert [(c["seq"], c["project_name"]) for c in cards] == [(1, "好卡"), (2, "好卡")]


def test_a_malformed_project_costs_that_project_only_not_the_others_under_its_title(monkeypatch) -> None:
    _header_read_fails_for(monkeypatch, "坏卡")
    cards = _cards(_lines(*_project("好卡"), *_project("坏卡"), *_project("另一好卡")))
    assert [(c["seq"], c["project_name"]) for c in cards] == [(1, "好卡"), (2, "另一好卡")]


def test_rows_of_the_next_page_whose_grid_merges_other_columns_are_read_by_position() -> None:
    """The header row is not printed again on the next page and its grid has fewer cells: each cell goes under
    the header cell its box lies in (cells merged down from above, without a box, keep their place)."""
    none = None
    header = Line(1, 52, ("绩效指标", "一级指标", "二级指标", "", "三级指标", "", "指标值"),
                  (none, (159, 0, 256, 9), (256, 0, 372, 9), none, (372, 0, 577, 9), none, (577, 0, 761, 9)))
    same_page = Line(2, 52, ("绩效指标", "效益指标", "生态效益指标", "", "/", "", "/"),
                     (none, none, (256, 0, 372, 9), none, (372, 0, 577, 9), none, (577, 0, 761, 9)))
    next_page = (Line(3, 53, ("", "", "可持续影响指标", "保持延续性和稳定性", "长期"),
                      (none, none, (256, 0, 372, 9), (372, 0, 577, 9), (577, 0, 761, 9))),
                 Line(4, 53, ("", "满意度指标", "服务对象满意度指标", "服务对象满意率", "≥95%"),
                      (none, (159, 0, 256, 9), (256, 0, 372, 9), (372, 0, 577, 9), (577, 0, 761, 9))))
    indicators = read_indicators((header, same_page, *next_page), "pdf")
    assert [(i["level1"], i["level2"], i["level3"], i["value"]) for i in indicators] == [
        ("效益指标", "生态效益指标", "/", "/"), ("效益指标", "可持续影响指标", "保持延续性和稳定性", "长期"),
        ("满意度指标", "服务对象满意度指标", "服务对象满意率", "≥95%")]


def test_an_empty_card_form_is_no_card() -> None:
    body = _lines(
        ("项目名称", "", "", "主管部门", "", "", ""),
        ("当年预算", "", "", "市级支出", "", "", ""),
        ("当年绩效目标", "", "", "", "", "", ""),
        ("绩效指标", "指标名称", "指标性质", "指标值", "计量单位", "指标权重(%)", "是否核心"),
        ("绩效指标", "", "", "", "", "", ""),
    )
    assert _cards(body, title="2026年市级重点专项资金绩效目标表（一级项目）") == []
