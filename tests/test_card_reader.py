"""The card reader as one package (extractor/cards): its words are data (data/cards.json) that every step
reads, and a card drawn as a small ruled PDF at test time goes through find → read → interpret — the way
README "Adding a card layout" says a new layout is pinned."""

from __future__ import annotations

from pathlib import Path

from extractor.cards import vocabulary as words
from extractor.cards.interpret.header import read_header
from extractor.cards.read.grid import is_header_label, year_goals
from extractor.cards.reader import extract_performance_cards
from extractor.ingest import read_filing
from extractor.ingest.text import Line
from extractor.record.normalize import normalize_text
from extractor.regions.split import split_regions
from tests.grid_pdf import UP, Span, save_pages


def test_the_card_words_are_normalised_data_each_once() -> None:
    data = words.load_card_vocabulary()
    labels = [*data["goals"]["labels"], *data["goals"]["period_columns"], *data["goals"]["year_columns"],
              *data["header_labels"]["cells"], *data["project_name_labels"]]
    labels += [name for level1, level2s in data["indicator_levels"]["levels"].items() for name in (level1, *level2s)]
    assert all(normalize_text(label) == label for label in labels)
    for key in ("labels", "period_columns", "year_columns"):
        assert len(set(data["goals"][key])) == len(data["goals"][key]), key
    assert not set(data["goals"]["period_columns"]) & set(data["goals"]["year_columns"])
    assert set(data["goals"]["unnumbered_labels"]) <= set(data["goals"]["labels"])


def test_the_goals_labels_and_columns_are_read_from_the_data() -> None:
    for label in words.GOALS_LABELS:
        assert words.GOALS_LABEL.match(label + "：1.完成。"), label
        assert not words.GOALS_LABEL.match(label + "表"), label  # a title (…绩效目标表) is no goals label
        assert is_header_label(label)
    assert all(words.GOALS_COLUMN.match(c) for c in (*words.PERIOD_GOALS_COLUMNS, *words.YEAR_GOALS_COLUMNS))
    heading = Line(1, 1, ("总体目标", "实施期总目标", "年度目标"))
    goals = Line(2, 1, ("总体目标", "三年内建成。", "今年完成一期。"))
    assert [line.cells for line in year_goals([heading, goals])] == [("总体目标", "今年完成一期。")]


def test_the_indicator_levels_are_data_and_a_hidden_level1_follows_from_level2() -> None:
    assert words.LEVEL1_NAMES == {"产出指标", "效益指标", "满意度指标", "成本指标"}
    assert words.LEVEL1_OF["成本指标"] == "产出指标" and words.LEVEL1_OF["经济成本指标"] == "成本指标"
    assert words.leads_with_level1(["产出指标", "数量指标"]) and not words.leads_with_level1(["成本指标", "x"])
    assert words.leads_with_level1(["成本指标"], following="经济成本指标")


def test_listing_and_grid_columns_are_matched_from_the_same_vocabulary_function() -> None:
    grid = words.column_keys(("一级指标", "二级指标", "三级指标", "指标性质", "指标值", "计量单位"), words.INDICATOR_COLUMNS)
    assert grid == {"level1": 0, "level2": 1, "level3": 2, "sign": 3, "value": 4, "unit": 5}
    listing = words.column_keys(("序号", "项目名称：", "绩效指标"), words.LISTING_COLUMNS, prefix=True)
    assert listing == {"seq": 0, "name": 1, "indicator_text": 2}


def test_a_project_code_printed_as_xiangmu_daima_is_the_code() -> None:
    lines = (Line(1, 1, ("项目代码", "50-0001-2026", "项目名称", "防汛抗旱")), Line(2, 1, ("预算数", "12.00")))
    header = read_header(lines, positional=True)
    assert (header.project_code, header.project_name, header.budget["total"]) == ("50-0001-2026", "防汛抗旱", 12.0)


WIDTHS = [90.0, 90.0, 110.0, 200.0, 80.0, 80.0]


def _card_rows(name: str) -> list[list]:
    """A ruled card: its header block, then an indicator grid whose 一级指标 cells are merged down their rows
    and whose value is printed across sign, number and unit columns."""
    return [
        ["项目名称", Span(name, 5)],
        ["预算数", "100.00", "其中：财政资金", "80.00", "其他资金", "20.00"],
        ["年度目标", Span("1.完成示范点建设。", 5)],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "计量单位"],
        ["产出指标", "数量指标", "示范点数量", "≥", "2", "个"],
        [UP, "时效指标", "完成时间", "定性", "年底前", ""],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥", "90", "%"],
    ]


def test_a_ruled_card_drawn_as_a_pdf_reads_through_find_read_and_interpret(tmp_path: Path) -> None:
    pages = [{"title": f"{k}、{name}绩效目标表", "rows": _card_rows(name), "widths": WIDTHS}
             for k, name in enumerate(("示范点建设", "便民服务"), start=1)]
    doc = read_filing([save_pages(tmp_path / "cards.pdf", pages)])
    cards = extract_performance_cards(split_regions(doc), doc.layout)
    assert [(c["seq"], c["project_name"], c["budget"]) for c in cards] == [
        (1, "示范点建设", {"total": 100.0, "fiscal": 80.0, "other": 20.0}),
        (2, "便民服务", {"total": 100.0, "fiscal": 80.0, "other": 20.0})]
    assert cards[0]["goals"] == ["1.完成示范点建设。"]
    assert [(i["level1"], i["level2"], i["level3"], i["value"]) for i in cards[0]["indicators"]] == [
        ("产出指标", "数量指标", "示范点数量", "≥2个"), ("产出指标", "时效指标", "完成时间", "年底前"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%")]
