"""Tests for cards printed as rows of one listing (extractor.cards.interpret.listing)."""

from __future__ import annotations

from extractor.cards.interpret.listing import parse_indicator_text, read_listing
from extractor.cards.read.parts import listing_columns, listing_rows
from extractor.cards.vocabulary import LISTING_COLUMNS
from extractor.ingest.text import Line
from extractor.record.normalize import normalize_text

RUNNING_TEXT = (
    "1.1－产出指标，11－数量指标，项目专职环保员数\n量；实施周期指标值：≦核定人数，年度指标值：≦\n核定人数；"
    "2、1－产出指标，12－质量指标，专职环保员队伍管理规范化；实施周期指标值：考察是否符合规范，合规得满分，"
    "不合规不得分。年度指标值：是；1、2－效益指标，22－社会效益，治理率，按面积计；实施周期指标值：≥80%，"
    "年度指标值：≧90;"
)
HEADER = ("项目名称（资金使用单位）", "总计：", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标")


def _line(number: int, *cells: str, page: int = 1) -> Line:
    return Line(number, page, tuple(cells))


def test_running_text_items_keep_levels_without_codes_and_the_years_value() -> None:
    items = parse_indicator_text(RUNNING_TEXT.replace("\n", ""))
    assert [(i["level1"], i["level2"], i["level3"], i["value"]) for i in items] == [
        ("产出指标", "数量指标", "项目专职环保员数量", "≦核定人数"),
        ("产出指标", "质量指标", "专职环保员队伍管理规范化", "是"),
        ("效益指标", "社会效益", "治理率，按面积计", "≧90"),
    ]
    assert items[1]["value_period"] == "考察是否符合规范，合规得满分，不合规不得分。"
    assert items[2]["value_period"] == "≥80%"


def test_running_text_as_folded_by_the_reader_parses_the_same() -> None:
    folded = RUNNING_TEXT.replace("\n", "").replace("－", "-").replace("，", ",").replace("；", ";").replace("：", ":")
    assert [i["level3"] for i in parse_indicator_text(folded)] == ["项目专职环保员数量", "专职环保员队伍管理规范化",
                                                                    "治理率,按面积计"]


def test_a_listing_row_per_project_is_a_card_and_subtotals_are_not() -> None:
    lines = [
        _line(1, "某局2026年项目支出绩效目标表（含转移支付项目）"),
        _line(2, "部门名称：某局", "单位：万元"),
        _line(3, *HEADER),
        _line(4, "合计：", "857.50", "857.50", "", "", "", ""),
        _line(5, "某局", "857.50", "857.50", "", "", "", ""),
        _line(6, "环保监督检查员经费（越\n秀区）", "238.00", "238.00", "", "", "通过开展…\n全面提升。", RUNNING_TEXT),
        _line(7, "环保监督检查员经费（海珠区）", "619.50", "600.00", "", "19.50", "通过开展…", RUNNING_TEXT),
    ]
    cards = read_listing(listing_rows(lines) or [])
    assert cards is not None
    assert [c.name for c in cards] == ["环保监督检查员经费（越秀区）", "环保监督检查员经费（海珠区）"]
    first, second = (c.record(k) for k, c in enumerate(cards, start=1))
    assert first["budget"] == {"total": 238.0, "fiscal": 238.0, "other": None}
    assert second["budget"] == {"total": 619.5, "fiscal": 600.0, "other": 19.5}
    assert first["goals"] == ["通过开展…全面提升。"]
    assert len(first["indicators"]) == 3 and first["project_code"] is None and first["spending_plan"] is None


def test_a_listing_row_per_indicator_joins_sign_value_and_unit_into_one_card() -> None:
    header = ("序号", "项目名称", "当年财政拨款\n预算金额", "当年绩效目标", "指标名称", "指标性质", "指标值", "计量单位",
              "指标权重\n(%)")
    project = ("1", "办公厅业务及日常运行项目", "8,534.17", "完成各项业务工作。")
    lines = [
        _line(1, *header),
        _line(2, *project, "咨询一次性解答率", "≥", "70", "%", "15"),
        _line(3, *project, "门户网站和政务新媒体访问量", "≥", "2000", "万人次", "5"),
        _line(4, *project, "年度预算执行率", "=", "100", "%", "10"),
    ]
    cards = read_listing(listing_rows(lines) or [])
    assert cards is not None and len(cards) == 1
    card = cards[0].record(1)
    assert card["budget"] == {"total": None, "fiscal": 8534.17, "other": None}
    assert [(i["level1"], i["level3"], i["value"]) for i in card["indicators"]] == [
        (None, "咨询一次性解答率", "≥70%"), (None, "门户网站和政务新媒体访问量", "≥2000万人次"), (None, "年度预算执行率", "=100%")]


def test_a_table_without_a_project_name_and_indicator_column_is_no_listing() -> None:
    whole_department = [_line(1, "部门名称", "某局"), _line(2, "年度总体目标", "完成各项工作"),
                        _line(3, "一级指标", "二级指标", "三级指标", "指标值")]
    assert listing_rows(whole_department) is None
    assert listing_columns(_line(1, "项目名称", "信息化运行维护")) is None


def test_listing_labels_are_matched_in_order() -> None:
    """Each label is claimed by exactly one key (a longer label never hides under a shorter one of another key)."""
    seen: dict[str, str] = {}
    for key, labels in LISTING_COLUMNS:
        for label in labels:
            assert normalize_text(label) == label and label not in seen, label
            seen[label] = key
    columns = listing_columns(_line(1, *HEADER))
    assert columns == {"name": 0, "total": 1, "fiscal": 2, "other": 4, "goals": 5, "indicator_text": 6}


def test_a_project_whose_indicator_rows_go_on_on_the_next_page_stays_one_card() -> None:
    from extractor.cards.reader import extract_performance_cards
    from extractor.regions.model import Region

    header = ("单位编码", "单位(项目)名称", "资金总额", "绩效目标", "一级指标", "二级指标", "三级指标", "指标值",
              "度量单位", "指标值类型")
    project = ("126001", "基层信访业务工作经费专项", "35.78", "调拨经费至各区县。")
    first = (_line(1, *header), _line(2, "合计", "", "35.78", *[""] * 7),
             _line(3, *project, "成本指标", "经济成本指\n标", "总成本", "35.78", "万元", "≤"),
             _line(4, *project, "产出指标", "时效指标", "调拨及时性", "按时", "", "定性"))
    second = (_line(5, *header, page=2), _line(6, *project, "满意度指标", "服务对象满意度指标", "群众满意度", "90", "%",
                                              "≥", page=2))
    regions = [Region("card", None, "2026年项目支出绩效目标表", lines) for lines in (first, second)]
    cards = extract_performance_cards(regions, "pdf")
    assert len(cards) == 1 and cards[0]["budget"]["total"] == 35.78
    assert [(i["level2"], i["value"]) for i in cards[0]["indicators"]] == [
        ("经济成本指标", "≤35.78万元"), ("时效指标", "按时"), ("服务对象满意度指标", "≥90%")]


def test_a_value_label_printed_without_its_colon_still_ends_the_name() -> None:
    items = parse_indicator_text("2、3－满意度指标，31－服务对象满意度，办公场所人员满意度；实施周期指标值》90%，年度指标值》90%；")
    assert [(i["level3"], i["value_period"], i["value"]) for i in items] == [("办公场所人员满意度", "》90%", "》90%")]


def test_the_card_vocabulary_file_holds_normalised_labels_each_under_one_key() -> None:
    from extractor.cards.vocabulary import load_card_vocabulary

    data = load_card_vocabulary()
    for table in ("listing_columns", "indicator_columns"):
        keys = [key for key, _ in data[table]["columns"]]
        assert len(keys) == len(set(keys)), table
        for _, labels in data[table]["columns"]:
            assert labels and all(normalize_text(label) == label for label in labels)
    assert set(data["budget_labels"]) == {"total", "fiscal", "other"}
    assert set(data["listing_key_columns"]) <= {key for key, _ in data["listing_columns"]["columns"]}


def test_a_filing_of_cards_only_is_a_disclosure() -> None:
    from extractor.extract.rules.record import extract_record
    from extractor.ingest.text import TextDocument
    from extractor.regions.model import Region

    lines = (_line(1, *HEADER), _line(2, "环保监督检查员经费（海珠区）", "619.50", "619.50", "", "", "通过开展…",
                                       RUNNING_TEXT))
    doc = TextDocument("listing.pdf", "pdf", lines)
    record = extract_record(doc, [Region("card", None, "某局2026年项目支出绩效目标表（含转移支付项目）", lines)])
    assert record["tables"] == [] and len(record["performance_cards"]) == 1


def test_a_title_with_a_qualifier_after_jixiao_mubiao_biao_opens_a_card() -> None:
    from extractor.cards.find import card_title_name
    from extractor.cards.reader import extract_performance_cards
    from extractor.ingest.text import TextDocument
    from extractor.regions.split import split_regions

    page = (_line(1, "某局2026年项目支出绩效目标表（含转移支付项目）"), _line(2, "部门名称：某局", "单位：万元"),
            _line(3, *HEADER), _line(4, "环保监督检查员经费（海珠区）", "619.50", "619.50", "", "", "通过开展…",
                                     RUNNING_TEXT))
    pages = (*page, *(Line(n + 4, 2, line.cells) for n, line in enumerate(page, start=1)))
    regions = split_regions(TextDocument("listing.pdf", "pdf", pages))
    assert [r.kind for r in regions].count("card") == 2
    assert len(extract_performance_cards(regions, "pdf")) == 2
    assert card_title_name("2、2026年市级一般性项目绩效目标表（一级项目）") == "2026年市级一般性项目"
