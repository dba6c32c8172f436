"""Tests for the rules card extractor (extractor.cards.reader and its helpers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.render import render_record
from extractor.cards.read.grid import span_text
from extractor.cards.read.segment import split_row, split_rows
from extractor.cards.reader import extract_performance_cards
from extractor.evaluate.score import compare_cards
from extractor.ingest import read_filing
from extractor.ingest.text import Line, TextDocument, parse_dump, read_text_dump
from extractor.record.normalize import normalize_text
from extractor.regions.split import split_regions
from extractor.validate.schema import validate_part
from tests.conftest import GOLD_DIR, corpus_files, shared_params


def cards_of(doc: TextDocument) -> list[dict]:
    """Return the cards of a whole filing, read from its regions as the pipeline does."""
    return extract_performance_cards(split_regions(doc), doc.layout)


def _tuples(card: dict) -> list[tuple[str | None, ...]]:
    return [tuple(i[k] for k in ("level1", "level2", "level3", "value")) for i in card["indicators"]]


# ---------------------------------------------------------------- plain (PDF text dump)

PLAIN_DUMP = "\n".join([
    "五、单位项目预算安排情况及绩效目标",
    " 1、冀财农[2024]12 号关于下达乡村示范点建设资金预算的通",
    "",
    "知绩效目标表",
    "",
    "单位：万元",
    "",
    "项目编码 13053225P000000000017 项目名称",
    "冀财农[2024]12 号关于下达乡村示范点建设资",
    "",
    "金预算的通知",
    "",
    "预算规模及",
    "",
    "资金用途",
    "",
    "预算数 50.00 其中：财政 资金 50.00 其他资金",
    "",
    "用于示范点建设",
    "",
    "资金支出计",
    "",
    "划（%）",
    "",
    "3 月底 6 月底 10 月底 12 月底",
    "",
    "20.00 50.00",
    "",
    "绩效目标",
    "1.建成示范点 3 个，带动周边农户增",
    "",
    "收。",
    "",
    "一级指标 二级指标 三级指标 绩效指标描述 指标值",
    "指标值确定依",
    "",
    "据",
    "",
    "产出指标",
    "",
    "数量指标 示范点数量 乡村示范点建设数量 3 个 工作方案",
    "",
    "质量指标 验收合格率 示范点验收合格率 ≥95%",
    "县农业农村局验收",
    "",
    "报告",
    "",
    "时效指标 完成时间 示范点建成时间 2025 年 10 月底前 工作方案",
    "",
    "效益指标",
    "",
    "社会效益指标",
    "带动农户增收情",
    "",
    "况",
    "示范点带动周边农户增收情况 明显提升 走访调查",
    "",
    "满意度指标",
    "服务对象满意",
    "",
    "度指标",
    "群众满意度",
    "调查中满意和较满意群众人数占调查总人",
    "",
    "数的比率",
    "≥90% 调查问卷",
    "12",
    " 2、信息化运维经费绩效目标表",
    "",
    "一级指标 二级指标 三级指标 绩效指标描述 指标值 指标值确定依据",
    "",
    "产出指标",
    "",
    "数量指标 运维设备 运维的办公设备数量 ≥40 台 运维合同",
    "",
    "成本指标 运维费用 每台设备年运维费 ≤300 元 运维合同",
    "",
    "满意度指标 服务对象满意度指标 使用人员满意度 使用人员满意程度 ≥95% 调查问卷",
    " 六、政府采购预算情况",
    "",
    "单位政府采购预算",
])


def test_plain_card_header_with_split_title_and_wrapped_name() -> None:
    doc = parse_dump(PLAIN_DUMP)
    assert doc.layout == "plain"
    card = cards_of(doc)[0]
    assert card["seq"] == 1
    assert normalize_text(card["project_name"]) == "冀财农[2024]12号关于下达乡村示范点建设资金预算的通知"
    assert card["project_code"] == "13053225P000000000017"
    assert card["budget"] == {"total": 50.0, "fiscal": 50.0, "other": None}
    assert card["fund_use"] == "用于示范点建设"
    assert card["spending_plan"] == [None, None, 20.0, 50.0]
    assert [normalize_text(g) for g in card["goals"]] == [normalize_text("建成示范点 3 个，带动周边农户增收。")]
    assert card["provenance"]["method"] == "rules"
    assert card["provenance"]["lines"][0] == 2


def test_plain_indicators_merged_level1_wrapped_cells_and_page_number() -> None:
    card = cards_of(parse_dump(PLAIN_DUMP))[0]
    assert _tuples(card) == [
        ("产出指标", "数量指标", "示范点数量", "3 个"),
        ("产出指标", "质量指标", "验收合格率", "≥95%"),
        ("产出指标", "时效指标", "完成时间", "2025 年 10 月底前"),
        ("效益指标", "社会效益指标", "带动农户增收情况", "明显提升"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
    ]
    details = [(i["description"], i["basis"]) for i in card["indicators"]]
    assert details[1] == ("示范点验收合格率", "县农业农村局验收报告")
    assert details[4] == ("调查中满意和较满意群众人数占调查总人数的比率", "调查问卷")


def test_plain_card_without_header_block() -> None:
    cards = cards_of(parse_dump(PLAIN_DUMP))
    assert len(cards) == 2
    card = cards[1]
    assert card["seq"] == 2
    assert card["project_name"] == "信息化运维经费"
    assert card["project_code"] is None
    assert card["budget"] is None and card["fund_use"] is None and card["spending_plan"] is None
    assert _tuples(card) == [
        ("产出指标", "数量指标", "运维设备", "≥40 台"),
        ("产出指标", "成本指标", "运维费用", "≤300 元"),
        ("满意度指标", "服务对象满意度指标", "使用人员满意度", "≥95%"),
    ]


def test_split_row_without_cell_boundaries() -> None:
    row = split_row([["展馆场地面积", "儿童自行车展馆租赁场地面积", "1200", "平方米", "年度工作计划"]], True)
    assert row == {
        "level3": "展馆场地面积",
        "description": "儿童自行车展馆租赁场地面积",
        "value": "1200 平方米",
        "basis": "年度工作计划",
    }


def test_split_row_keeps_numbers_inside_description() -> None:
    row = split_row([["补助时长", "补助时长自", "2025", "年", "1", "月至", "2025", "年", "6", "月", "6", "月", "实施方案"]])
    assert row["description"] == "补助时长自 2025 年 1 月至 2025 年 6 月"
    assert row["value"] == "6 月"
    assert row["basis"] == "实施方案"


def test_split_row_wrapped_value_and_basis() -> None:
    lines = [["运转保障", "常态化推进各项工作"], ["机关工作正常有序"], ["运转"], ["单位运转"], ["情况"]]
    row = split_row(lines, True, [False, True, False, False, False])
    assert row == {
        "level3": "运转保障",
        "description": "常态化推进各项工作",
        "value": "机关工作正常有序运转",
        "basis": "单位运转情况",
    }


def test_split_rows_under_one_merged_level2_cell() -> None:
    lines = [["补助标准", "每家企业补助标准", "10", "万元", "申报文件"],
             ["补助标准", "每个中心奖励标准", "100", "万元", "申报文件"]]
    rows = split_rows(lines)
    assert [(r["level3"], r["description"], r["value"]) for r in rows] == [
        ("补助标准", "每家企业补助标准", "10 万元"),
        ("补助标准", "每个中心奖励标准", "100 万元"),
    ]


def test_level_name_split_by_a_stray_space() -> None:
    text = "\n".join([
        " 1、宣传经费绩效目标表",
        "一级指标 二级指标 三级指标 绩效指标描述 指标值 指标值确定依据",
        "产出 指标",
        "数量 指标 宣传次数 开展宣传活动次数 ≥4 次 工作计划",
    ])
    card = cards_of(parse_dump(text))[0]
    assert _tuples(card) == [("产出指标", "数量指标", "宣传次数", "≥4 次")]


def test_goals_numbered_before_a_percentage() -> None:
    text = _tsv([
        ["1、征订经费绩效目标表"],
        ["项目编码", "13013324P000000000040", "项目名称", "征订经费"],
        ["绩效目标", "1.100%完成党报征订任务。"],
        ["", "2.100%完成考核任务。"],
        ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"],
        ["产出指标", "数量指标", "征订份数", "党报征订份数", "≥10 份", "征订计划"],
    ])
    card = cards_of(parse_dump(text))[0]
    assert card["goals"] == ["100%完成党报征订任务。", "100%完成考核任务。"]


def test_reference_to_a_card_table_is_not_a_card() -> None:
    text = "七、绩效目标\n\n详见单位的项目绩效目标表\n\n八、其他说明\n"
    assert cards_of(parse_dump(text)) == []


# ---------------------------------------------------------------- tsv (tab-separated export)


def _tsv(rows: list[list[str]]) -> str:
    return "\n".join("\t" + "\t".join(row) for row in rows)


TSV_DUMP = _tsv([
    ["七、部门项目预算安排情况及绩效目标"],
    [""],
    ["1、科普活动经费绩效目标表"],
    [""],
    ["单位：万元"],
    ["项目编码", "13013324P000000000021", "", "项目名称", "科普活动经费", "", ""],
    ["预算规模及资金用途", "预算数", "8.00", "其中：财政资金", "8.00", "其他资金", ""],
    ["", "开展科普宣传活动。", "", "", "", "", ""],
    ["资金支出计划（%）", "3月底", "", "6月底", "", "10月底", "12月底"],
    ["", "", "", "4.00", "", "", "8.00"],
    ["绩效目标", "1.开展科普活动不少于 5 场。", "", "", "", "", ""],
    ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据", ""],
    ["产出指标", "数量指标", "活动场次", "举办科普活动场次", "≥5 场", "工作计划", ""],
    ["", "时效指标", "完成及时率", "活动按时完成比例", "100%", "工作计划", ""],
    ["效益指标", "社会效益指标", "公众科学素质", "公众科学素质提升情况", "明显提升", "工作总结", ""],
    [""],
    ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"],
    ["", "可持续影响指标", "长效机制", "科普长效机制建设", "持续推进", "工作总结"],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "参与群众满意度", "≥90%", "调查问卷"],
    [""],
    ["2、网络安全等级保护测评绩效目标表"],
    ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"],
    ["产出指标", "质量指标", "测评通过率", "系统测评通过率", "100%", "测评报告"],
    [""],
    ["八、政府采购预算情况"],
])


def test_tsv_card_spending_plan_by_column_and_merged_level1() -> None:
    doc = parse_dump(TSV_DUMP)
    assert doc.layout == "tsv"
    card = cards_of(doc)[0]
    assert card["project_name"] == "科普活动经费"
    assert card["budget"] == {"total": 8.0, "fiscal": 8.0, "other": None}
    assert card["fund_use"] == "开展科普宣传活动。"
    assert card["spending_plan"] == [None, 4.0, None, 8.0]
    assert card["goals"] == ["开展科普活动不少于 5 场。"]
    assert _tuples(card) == [
        ("产出指标", "数量指标", "活动场次", "≥5 场"),
        ("产出指标", "时效指标", "完成及时率", "100%"),
        ("效益指标", "社会效益指标", "公众科学素质", "明显提升"),
        ("效益指标", "可持续影响指标", "长效机制", "持续推进"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
    ]


def test_tsv_card_without_header_block() -> None:
    cards = cards_of(parse_dump(TSV_DUMP))
    assert [c["project_name"] for c in cards] == ["科普活动经费", "网络安全等级保护测评"]
    assert cards[1]["spending_plan"] is None and cards[1]["project_code"] is None
    assert _tuples(cards[1]) == [("产出指标", "质量指标", "测评通过率", "100%")]


# ---------------------------------------------------------------- word (Word export)


def _word(rows: list[list[str]]) -> str:
    """One cell per line, each starting with a tab; a cell's extra lines carry no tab."""
    return "\n\n".join("\n".join("\t" + cell for cell in row) for row in rows)


WORD_DUMP = "\n".join([
    "七、部门项目预算安排情况及绩效目标",
    "按要求公开项目绩效目标如下。",
    "1、档案数字化项目绩效目标表",
    _word([
        ["单位：万元"],
        ["项目编码", "13062525P000000000033", "项目名称", "档案数字化项目"],
        ["预算规模及资金用途", "预算数", "6.00", "其中：财政    资金", "6.00", "其他资金", " "],
        ["", "用于档案扫描和\n数据录入。"],
        ["资金支出计划（%）", "3月底", "6月底", "10月底", "12月底"],
        ["", " ", "40%", "80%", "100%"],
        ["绩效目标", "1.完成档案扫描 2 万页。\n2.建立档案检索\n系统。"],
        ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"],
        ["产出指标", "数量指标", "扫描页数", "反映档案扫描的\n页数", "≥2万页", "项目实施计划"],
        ["质量指标", "录入准确率", "反映数据录入的准确程度", "≥99%", "项目实施计划"],
        ["满意度指标", "服务对象满意度指标", "使用人员满意度", "反映档案查阅人员满意度", "≥90%", "调查问卷"],
        ["八、政府采购预算情况"],
    ]),
])


def test_word_card_title_inside_prose_block_wrapped_cells_and_dropped_merged_cell() -> None:
    doc = parse_dump(WORD_DUMP)
    assert doc.layout == "word"
    cards = cards_of(doc)
    assert len(cards) == 1
    card = cards[0]
    assert card["project_name"] == "档案数字化项目"
    assert card["project_code"] == "13062525P000000000033"
    assert card["fund_use"] == "用于档案扫描和数据录入。"
    assert card["spending_plan"] == [None, 40.0, 80.0, 100.0]
    assert card["goals"] == ["完成档案扫描 2 万页。", "建立档案检索系统。"]
    assert _tuples(card) == [
        ("产出指标", "数量指标", "扫描页数", "≥2万页"),
        ("产出指标", "质量指标", "录入准确率", "≥99%"),
        ("满意度指标", "服务对象满意度指标", "使用人员满意度", "≥90%"),
    ]
    assert card["indicators"][0]["description"] == "反映档案扫描的页数"
    assert card["provenance"]["lines"][0] == 3


@pytest.mark.parametrize("dump", [PLAIN_DUMP, TSV_DUMP, WORD_DUMP], ids=["plain", "tsv", "word"])
def test_cards_match_the_performance_card_schema(dump: str) -> None:
    cards = cards_of(parse_dump(dump))
    assert cards
    for card in cards:
        assert validate_part("performance_card", card) == []


# ---------------------------------------------------------------- PDF (rendered by eval.render)


def _indicator(level1: str, level2: str, level3: str, description: str, value: str, basis: str) -> dict:
    return {"level1": level1, "level2": level2, "level3": level3, "description": description,
            "value": value, "basis": basis}


CARD_INDICATORS = [
    _indicator("产出指标", "数量指标", "示范点数量", "乡村示范点建设数量", "3个", "工作方案"),
    _indicator("产出指标", "质量指标", "验收合格率", "建成的示范点通过县农业农村局验收的比例", "≥95%", "验收报告"),
    _indicator("产出指标", "时效指标", "完成时间", "示范点建成时间", "2025年10月底前", "工作方案"),
    _indicator("效益指标", "社会效益指标", "农户增收", "带动周边农户增收情况", "明显提升", "走访调查"),
    _indicator("效益指标", "可持续影响指标", "长效管护", "示范点长效管护机制", "持续运行", "管护制度"),
    _indicator("满意度指标", "服务对象满意度指标", "群众满意度", "受益群众满意程度", "≥90%", "调查问卷"),
]


def _card_record(indicators: list[dict]) -> dict:
    card = {"seq": 1, "project_name": "乡村示范点建设资金", "project_code": "13053225P000000000017",
            "budget": {"total": 50.0, "fiscal": 45.0, "other": 5.0},
            "fund_use": "用于乡村示范点建设、设施购置和日常运营维护，保障示范点按期建成并投入使用。",
            "spending_plan": [None, 20.0, None, 50.0],
            "goals": ["1.建成乡村示范点3个。", "2.带动周边农户增收。"], "indicators": indicators}
    return {"schema_version": "1",
            "document": {"agency_code": None, "agency_name": "某某县农业农村局", "fiscal_year": 2025,
                         "budget_level": "unit", "currency_unit": "万元"},
            "tables": [], "narrative": {}, "performance_cards": [card]}


def _rendered_cards(record: dict, layout: str, tmp_path: Path) -> list[dict]:
    path = tmp_path / f"card.{layout}.pdf"
    path.write_bytes(render_record(record, layout=layout))
    doc = read_filing([path])
    assert doc.layout == "pdf"
    return cards_of(doc)


def _assert_header(card: dict) -> None:
    assert card["project_name"] == "乡村示范点建设资金"
    assert card["project_code"] == "13053225P000000000017"
    assert card["budget"] == {"total": 50.0, "fiscal": 45.0, "other": 5.0}
    assert normalize_text(card["fund_use"]) == normalize_text(
        "用于乡村示范点建设、设施购置和日常运营维护，保障示范点按期建成并投入使用。")
    assert [v for v in card["spending_plan"] if v is not None] == [20.0, 50.0]
    assert card["goals"] == ["建成乡村示范点3个。", "带动周边农户增收。"]


def _expected(indicators: list[dict]) -> list[tuple[str, ...]]:
    return [tuple(normalize_text(i[k]) for k in ("level1", "level2", "level3", "description", "value", "basis"))
            for i in indicators]


def _read(card: dict) -> list[tuple[str, ...]]:
    return _expected(card["indicators"])


@pytest.mark.parametrize("layout", ["grid", "narrow"])
def test_rendered_ruled_card_reads_header_and_indicators(layout: str, tmp_path: Path) -> None:
    cards = _rendered_cards(_card_record(CARD_INDICATORS), layout, tmp_path)
    assert len(cards) == 1
    _assert_header(cards[0])
    assert cards[0]["spending_plan"] == [None, 20.0, None, 50.0]
    assert _read(cards[0]) == _expected(CARD_INDICATORS)
    assert validate_part("performance_card", cards[0]) == []


def test_rendered_borderless_card_reads_header_and_indicators(tmp_path: Path) -> None:
    short = [i for i in CARD_INDICATORS if i["level3"] != "验收合格率"]
    cards = _rendered_cards(_card_record(short), "borderless", tmp_path)
    assert len(cards) == 1
    _assert_header(cards[0])
    assert _read(cards[0]) == _expected(short)
    assert validate_part("performance_card", cards[0]) == []


def test_rendered_borderless_card_with_a_wrapped_centred_cell(tmp_path: Path) -> None:
    cards = _rendered_cards(_card_record(CARD_INDICATORS), "borderless", tmp_path)
    assert _read(cards[0]) == _expected(CARD_INDICATORS)


def _row(number: int, y: float, *cells: tuple[float, float, str]) -> Line:
    """A visual line of a PDF page printed without rules: cells (x0, x1, text), 11 points high."""
    return Line(number, 3, tuple(text for _, _, text in cells), tuple((x0, y, x1, y + 11) for x0, x1, _ in cells))


#: A borderless card as the PDF reader gives it: visual lines split into positioned cells; wrapped
#: cells centred in their rows, level1 printed once in the middle of its block of rows.
POSITIONED_CARD = (
    _row(1, 48, (200, 380, "1、示范项目绩效目标表")),
    _row(2, 66, (520, 565, "单位：万元")),
    _row(3, 83, (42, 76, "项目名称"), (96, 140, "示范项目"), (299, 333, "项目编码"), (395, 493, "13000000P000000000001")),
    _row(4, 100, (47, 72, "预算数"), (135, 152, "12.00"), (171, 231, "其中：财政资金"), (365, 382, "12.00"),
         (412, 446, "其他资金")),
    _row(5, 118, (96, 400, "用于示范点建设和")),
    _row(6, 123, (42, 76, "资金用途")),
    _row(7, 129, (96, 130, "日常运维")),
    _row(8, 146, (38, 81, "资金支出计"), (138, 159, "3月底"), (257, 278, "6月底"), (373, 400, "10月底"),
         (492, 519, "12月底")),
    _row(9, 162, (55, 64, "划"), (300, 320, "6.00"), (537, 558, "12.00")),
    _row(10, 180, (42, 76, "绩效目标"), (96, 200, "1.建成示范点2个。")),
    _row(11, 197, (42, 76, "一级指标"), (107, 141, "二级指标"), (184, 218, "三级指标"), (291, 342, "绩效指标描述"),
         (416, 441, "指标值"), (487, 547, "指标值确定依据")),
    _row(12, 214, (107, 141, "数量指标"), (165, 208, "示范点数量"), (251, 310, "建成示范点数量"), (395, 410, "2个"),
         (475, 509, "工作方案")),
    _row(13, 232, (251, 320, "示范点验收合格的")),
    _row(14, 237, (42, 76, "产出指标"), (107, 141, "质量指标"), (165, 208, "验收合格率"), (395, 420, "≥95%"),
         (475, 509, "验收报告")),
    _row(15, 243, (251, 268, "比例")),
    _row(16, 261, (107, 141, "时效指标"), (165, 200, "完成时间"), (251, 310, "示范点建成时间"),
         (395, 460, "2025年10月底前"), (475, 509, "工作方案")),
    _row(17, 279, (42, 76, "效益指标"), (98, 149, "社会效益指标"), (165, 200, "带动增收"),
         (251, 320, "带动周边农户增收"), (395, 430, "明显提升"), (475, 509, "走访调查")),
    _row(18, 297, (98, 149, "服务对象满意")),
    _row(19, 303, (38, 81, "满意度指标"), (165, 208, "群众满意度"), (251, 300, "群众满意程度"), (395, 420, "≥90%"),
         (475, 509, "调查问卷")),
    _row(20, 309, (111, 136, "度指标")),
    _row(21, 810, (287, 308, "- 3 -")),
)


def test_positioned_borderless_card_is_rebuilt_from_cell_boxes() -> None:
    cards = cards_of(TextDocument("card.pdf", "pdf", POSITIONED_CARD))
    assert len(cards) == 1
    card = cards[0]
    assert card["project_name"] == "示范项目"
    assert card["project_code"] == "13000000P000000000001"
    assert card["budget"] == {"total": 12.0, "fiscal": 12.0, "other": None}
    assert card["fund_use"] == "用于示范点建设和日常运维"
    assert card["spending_plan"] == [None, 6.0, None, 12.0]
    assert card["goals"] == ["建成示范点2个。"]
    assert _tuples(card) == [
        ("产出指标", "数量指标", "示范点数量", "2个"),
        ("产出指标", "质量指标", "验收合格率", "≥95%"),
        ("产出指标", "时效指标", "完成时间", "2025年10月底前"),
        ("效益指标", "社会效益指标", "带动增收", "明显提升"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
    ]
    assert card["indicators"][1]["description"] == "示范点验收合格的比例"
    assert card["indicators"][4]["basis"] == "调查问卷"


def test_grid_cell_split_at_column_edges_is_joined_line_by_line() -> None:
    assert span_text(["集群企业、\n者”企业发", "“领跑\n展壮大"]) == "集群企业、“领跑\n者”企业发展壮大"
    assert span_text(["2025 年 9", "", "月底前"]) == "2025 年 9月底前"
    assert span_text(["", "单独"]) == "单独"


def test_title_wrapped_before_its_last_word_opens_a_card() -> None:
    """Regression: a PDF title wrapped so that "绩效目标表" (or "目标表") stands alone on the next line."""
    dump = "\n".join([
        "1、关于下达乡村示范点建设资金预算的通知冀财农[2024]12 号",
        "绩效目标表",
        "一级指标 二级指标 三级指标 绩效指标描述 指标值 指标值确定依据",
        "产出指标 数量指标 示范点数量 建设数量 3 个 工作方案",
        "2、关于下达乡村道路养护资金预算的通知冀财农[2024]13 号绩效",
        "目标表",
        "一级指标 二级指标 三级指标 绩效指标描述 指标值 指标值确定依据",
        "产出指标 数量指标 养护里程 养护道路里程 20 公里 工作方案",
    ])
    cards = cards_of(parse_dump(dump))
    assert [normalize_text(c["project_name"]) for c in cards] == [
        "关于下达乡村示范点建设资金预算的通知冀财农[2024]12号", "关于下达乡村道路养护资金预算的通知冀财农[2024]13号"]
    assert [_tuples(c) for c in cards] == [[("产出指标", "数量指标", "示范点数量", "3 个")],
                                           [("产出指标", "数量指标", "养护里程", "20 公里")]]


# ---------------------------------------------------------------- corpus against gold


@pytest.mark.slow
@pytest.mark.parametrize("dump", shared_params(corpus_files(), "the dev corpus with gold (corpus/, gold/)"),
                         ids=lambda p: p.stem)
def test_corpus_indicator_f1(dump: Path) -> None:
    gold = json.loads((GOLD_DIR / f"{dump.stem}.json").read_text(encoding="utf-8"))
    predicted = {"performance_cards": cards_of(read_text_dump(dump))}
    score = compare_cards(gold, predicted)
    assert len(predicted["performance_cards"]) == len(gold["performance_cards"])
    assert score.indicators.f1 >= 0.95
    assert score.fields_correct / score.fields_total >= 0.9
