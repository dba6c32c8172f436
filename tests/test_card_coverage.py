"""Card completeness checks on the layouts of the city filings: a card across pages, a note under the table,
a listing's subtotal rows, a card printing only headings, a level printed under another level1, a card
without level columns, a sign printed after the number — each with a violated twin the check must catch."""

from __future__ import annotations

from extractor.ingest.text import Line
from extractor.regions.model import Region
from extractor.validate.card_pairing import card_pieces
from extractor.validate.coverage_cards import check_cards_coverage, prints_indicator_rows
from extractor.validate.verdicts import part_verdict

LISTING_HEAD = ("单位编码", "项目名称", "资金总额", "绩效目标", "一级指标", "二级指标", "三级指标", "指标值", "度量单位")


def _region(rows: list[tuple[str, ...]], page: int = 1, title: str = "2026年项目支出绩效目标表") -> Region:
    return Region("card", None, title, tuple(Line(page * 100 + n, page, row) for n, row in enumerate(rows)))


def _indicator(level1: str, level2: str, level3: str, value: str) -> dict:
    return {"level1": level1, "level2": level2, "level3": level3, "value": value}


def _card(seq: int, name: str, indicators: list[dict], goals: list[str] | None = None) -> dict:
    return {"seq": seq, "project_name": name, "goals": goals or [], "indicators": indicators}


def _errors(cards: list[dict], regions: list[Region]) -> list[str]:
    return [f["rule_id"] for f in check_cards_coverage(cards, regions) if f["severity"] in ("error", "unchecked")]


def _row(name: str, level: tuple[str, str], level3: str, value: str, unit: str) -> tuple[str, ...]:
    return ("126001", name, "35.78", "按时调拨经费至各区县", *level, level3, value, unit)


def _pages() -> list[Region]:
    """A listing whose title and header are reprinted on each page, card 1's rows running onto page 2."""
    first = _region([LISTING_HEAD,
                     _row("基层信访业务工作经费", ("产出指标", "数量指标"), "调拨经费单位数量", "10", "个"),
                     _row("基层信访业务工作经费", ("产出指标", "质量指标"), "经费分档精准程度", "95", "%")], 1)
    second = _region([LISTING_HEAD,
                      _row("基层信访业务工作经费", ("效益指标", "社会效益指标"), "助推基层提升工作效率", "提升", ""),
                      _row("来访接待中心运行专项", ("产出指标", "数量指标"), "接待群众来访次数", "50", "次")], 2)
    return [first, second]


def _page_cards() -> list[dict]:
    return [_card(1, "基层信访业务工作经费", [
                _indicator("产出指标", "数量指标", "调拨经费单位数量", "10个"),
                _indicator("产出指标", "质量指标", "经费分档精准程度", "95%"),
                _indicator("效益指标", "社会效益指标", "助推基层提升工作效率", "提升")], ["按时调拨经费至各区县"]),
            _card(2, "来访接待中心运行专项", [_indicator("产出指标", "数量指标", "接待群众来访次数", "50次")],
                  ["按时调拨经费至各区县"])]


def test_a_card_across_pages_is_checked_against_its_rows_on_both_pages() -> None:
    regions, cards = _pages(), _page_cards()
    pieces = card_pieces(cards, regions)
    assert [[piece[0] for piece in own] for own in pieces] == [[0, 1], [1]]
    assert _errors(cards, regions) == []
    dropped = _page_cards()
    dropped[0]["indicators"].pop()  # the row printed on page 2
    assert _errors(dropped, regions) == ["coverage.indicator_unread"]


def test_a_page_starting_with_the_next_card_is_no_continuation() -> None:
    first, second = _pages()
    second = Region("card", None, second.title, (second.lines[0], second.lines[2]))
    cards = _page_cards()
    cards[0]["indicators"].pop()
    assert card_pieces(cards, [first, second])[0] == [(0, 0, len(_text(first)))]
    assert _errors(cards, [first, second]) == []


def _text(region: Region) -> str:
    from extractor.validate.card_pairing import region_text
    return region_text(region)


def test_a_note_under_the_table_is_no_indicator_row() -> None:
    rows = [("项目名称", "综合工作经费"), ("一级指标", "二级指标", "三级指标", "指标值"),
            ("产出指标", "数量指标", "临聘人员数量", "≥3人"),
            ("备注",), ("2.有关情况说明本部门无其他需要说明的绩效目标情况。",)]
    card = _card(1, "综合工作经费", [_indicator("产出指标", "数量指标", "临聘人员数量", "≥3人")])
    assert _errors([card], [_region(rows)]) == []
    dropped = [*rows[:3], ("产出指标", "质量指标", "购置设备质量合格率", "=100%"), *rows[3:]]
    assert _errors([card], [_region(dropped)]) == ["coverage.indicator_unread"]


def test_a_listing_subtotal_row_after_a_card_is_no_indicator_row() -> None:
    head = ("项目名称", "总计", "财政拨款", "绩效目标", "绩效指标")
    rows = [head,
            ("河湖巡查工作经费", "12.00", "12.00", "完成河湖巡查", "1－产出指标，11－数量指标，巡查河湖数量；年度指标值：≥30条；"),
            ("广州市固体废物管理中心", "163.39", "163.39", "", ""),
            ("设备购置经费", "8.00", "8.00", "保障巡查", "1－产出指标，11－数量指标，购置设备数量；年度指标值：≥2台；")]
    cards = [_card(1, "河湖巡查工作经费", [_indicator("产出指标", "数量指标", "巡查河湖数量", "≥30条")]),
             _card(2, "设备购置经费", [_indicator("产出指标", "数量指标", "购置设备数量", "≥2台")])]
    assert _errors(cards, [_region(rows)]) == []
    rows[1] = (*rows[1][:4], rows[1][4] + "2－效益指标，22－社会效益，河湖水质达标率；年度指标值：≥90%；")
    assert _errors(cards, [_region(rows)]) == ["coverage.indicator_unread"]


def test_a_card_printing_only_its_headings_is_no_unread_card() -> None:
    rows = [("项目名称", "", "主管部门", ""), ("绩效指标", "指标名称", "指标性质", "指标值", "计量单位"),
            ("绩效指标", "", "", "", ""), ("备注:本单位无市级财力安排的重点专项资金,故此表无数据",), ("表十二",)]
    assert not prints_indicator_rows(_region(rows))
    assert _errors([], [_region(rows)]) == []
    rows.insert(2, ("绩效指标", "完工项目验收率", "≥", "90", "%"))
    assert _errors([], [_region(rows)]) == ["coverage.card_unread"]


def test_a_level_printed_under_another_level1_is_the_filings_error() -> None:
    text = "1、2－效益指标，31－服务对象满意度，工作人员满意度；年度指标值：≥95%；"
    rows = [("项目名称", "总计", "绩效指标"), ("业务用房物业管理费", "10.91", text)]
    card = _card(1, "业务用房物业管理费", [_indicator("效益指标", "服务对象满意度", "工作人员满意度", "≥95%")])
    findings = [f for f in check_cards_coverage([card], [_region(rows)]) if f["severity"] == "error"]
    assert [f["rule_id"] for f in findings] == ["card.level_as_printed"]
    assert part_verdict(findings).cause == "filing"
    misread = _card(1, "业务用房物业管理费", [_indicator("产出指标", "服务对象满意度", "工作人员满意度", "≥95%")])
    findings = [f for f in check_cards_coverage([misread], [_region(rows)]) if f["severity"] == "error"]
    assert "coverage.indicator_level" in [f["rule_id"] for f in findings]
    assert part_verdict(findings).cause == "extraction"


def test_a_card_without_level_columns_checks_from_its_indicator_heading() -> None:
    rows = [("资金主管部门:重庆市某某局",),
            ("序号", "项目名称", "当年财政拨款预算金额", "当年绩效目标", "指标名称", "指标性质", "指标值", "计量单位"),
            ("1", "水利行业业务经费", "14,299.16", "推进项目实施", "水质检验对象数量", "≥", "3060", "个次"),
            ("1", "水利行业业务经费", "14,299.16", "推进项目实施", "发布重要水情专报", "≥", "50", "次数")]
    card = _card(1, "水利行业业务经费", [_indicator(None, None, "水质检验对象数量", "≥3060个次"),
                                       _indicator(None, None, "发布重要水情专报", "≥50次数")], ["推进项目实施"])
    assert _errors([card], [_region(rows)]) == []
    card["indicators"].pop()
    assert _errors([card], [_region(rows)]) == ["coverage.indicator_unread"]


def test_a_sign_printed_after_the_number_and_unit_is_the_values() -> None:
    rows = [LISTING_HEAD + ("指标值类型",),
            (*_row("基层信访业务工作经费", ("成本指标", "经济成本指标"), "总成本控制数", "35.78", "万元"), "≤")]
    card = _card(1, "基层信访业务工作经费", [_indicator("成本指标", "经济成本指标", "总成本控制数", "≤35.78万元")],
                 ["按时调拨经费至各区县"])
    assert _errors([card], [_region(rows)]) == []
    card["indicators"][0]["value"] = "≤36.78万元"
    assert _errors([card], [_region(rows)]) == ["coverage.indicator_unprinted"]


def test_a_department_card_never_pairs_with_a_project_card() -> None:
    department = _region([("部门(单位)名称", "西安市某某管理局"), ("一级指标", "二级指标", "指标内容", "指标值"),
                          ("产出指标", "数量指标", "保障完成情况", "100%")], 1, "2019年部门整体支出绩效目标表")
    project = _region([("专项(项目)名称", "西安市某某管理局"), ("一级指标", "二级指标", "指标内容", "指标值"),
                       ("产出指标", "数量指标", "开展日常监督检查", "≥80%")], 2, "2019年专项资金整体支出绩效目标表")
    card = _card(1, "西安市某某管理局", [_indicator("产出指标", "数量指标", "开展日常监督检查", "≥80%")])
    assert card_pieces([card], [department, project]) == [[(1, 0, len("专项(项目)名称西安市某某管理局一级指标二级指标"
                                                                       "指标内容指标值产出指标数量指标开展日常监督检查≥80%"))]]
    assert _errors([card], [department, project]) == []
    assert _errors([], [department, project]) == ["coverage.card_unread"]


def test_a_scoring_column_and_the_subtotal_rows_above_a_listing_card_are_not_its_rows() -> None:
    head = ("单位编码", "项目名称", "资金总额", "绩效目标", "一级指标", "二级指标", "三级指标", "指标值", "评(扣)分标准")
    rows = [head, ("合计", "", "35.78", "", "", "", "", "", ""), ("126001", "长沙市某某局", "35.78", "", "", "", "", "", ""),
            ("126001", "基层信访业务工作经费", "35.78", "按时调拨经费", "产出指标", "数量指标", "调拨经费单位数量", "10",
             "高于10个得满分每少1个减1分扣完为止")]
    card = _card(1, "基层信访业务工作经费", [_indicator("产出指标", "数量指标", "调拨经费单位数量", "10")], ["按时调拨经费"])
    assert _errors([card], [_region(rows)]) == []
    rows.append(("126001", "基层信访业务工作经费", "35.78", "按时调拨经费", "产出指标", "时效指标", "区县经费调拨及时性",
                 "按时", "年内按时拨付得满分"))
    assert _errors([card], [_region(rows)]) == ["coverage.indicator_unread"]


def test_a_project_of_a_several_project_card_left_unread_is_reported() -> None:
    rows = [("项目名称", "网络建设维护"), ("一级指标", "二级指标", "三级指标", "指标值"),
            ("产出指标", "数量指标", "互联网光纤数量", "5条"),
            ("项目名称", "社保大厦物业费"), ("一级指标", "二级指标", "三级指标", "指标值"),
            ("产出指标", "数量指标", "物业管理面积", "17839平方米")]
    first = _card(1, "网络建设维护", [_indicator("产出指标", "数量指标", "互联网光纤数量", "5条")])
    second = _card(2, "社保大厦物业费", [_indicator("产出指标", "数量指标", "物业管理面积", "17839平方米")])
    assert _errors([first, second], [_region(rows)]) == []
    findings = [f for f in check_cards_coverage([first], [_region(rows)]) if f["severity"] == "error"]
    unread = [f["message"] for f in findings if f["rule_id"] == "coverage.card_unread"]
    assert len(unread) == 1 and "社保大厦物业费" in unread[0]


def test_an_indicator_row_starting_several_pages_is_no_running_head() -> None:
    """Xi'an 人社: each card's grid continues on a new page whose first row is 效益指标 | 经济效益指标 | / | /, so
    that row is printed at the top of many pages; it is the card's row, not a running head."""
    rows = [("项目名称", "全民参保计划工作经费"), ("一级指标", "二级指标", "三级指标", "指标值"),
            ("产出指标", "成本指标", "全民参保计划年度总成本", "48.50万元/年"),
            ("部门名称:西安市某某局",),
            ("", "效益指标", "经济效益指标", "/", "/"),
            ("", "效益指标", "社会效益指标", "多渠道开展入户登记工作", "多渠道促进全民参保")]
    card = _card(1, "全民参保计划工作经费", [
        _indicator("产出指标", "成本指标", "全民参保计划年度总成本", "48.50万元/年"),
        _indicator("效益指标", "经济效益指标", "/", "/"),
        _indicator("效益指标", "社会效益指标", "多渠道开展入户登记工作", "多渠道促进全民参保")])
    running = frozenset({"效益指标经济效益指标//", "部门名称:西安市某某局"})
    assert [f["rule_id"] for f in check_cards_coverage([card], [_region(rows)], running)] == []
    card["indicators"][2]["value"] = "有效促进"
    assert [f["rule_id"] for f in check_cards_coverage([card], [_region(rows)], running)] == [
        "coverage.indicator_unprinted"]


def test_a_dropped_row_printed_in_short_words_between_brackets_is_caught() -> None:
    """Fuzhou: 资金结算(拨付、下达、发放)及时率 has no six characters in a row, but is a row of its own."""
    rows = [("项目名称", "城乡居民医保财政补助"), ("一级指标", "二级指标", "三级指标", "指标值"),
            ("产出指标", "数量指标", "参保人数覆盖面", "≥95%"),
            ("产出指标", "时效指标", "资金结算(拨付、下达、发放)及时率", "≥80%"),
            ("专项(项目)名称",)]
    card = _card(1, "城乡居民医保财政补助", [_indicator("产出指标", "数量指标", "参保人数覆盖面", "≥95%"),
                                          _indicator("产出指标", "时效指标", "资金结算(拨付、下达、发放)及时率", "≥80%")])
    assert _errors([card], [_region(rows)]) == []
    card["indicators"].pop()
    assert _errors([card], [_region(rows)]) == ["coverage.indicator_unread"]
