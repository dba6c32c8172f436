"""Completeness of the 绩效目标表 cards: every printed card is read, and all of its indicator rows (pure).

Cards are paired with the printed card regions by project name (``card_pairing``: a listing's row, a card
across pages). Within a card's text, from its indicator table on, the printed text must be what the
indicators hold: each indicator's level3 and value are printed, in order, the value between the previous
indicator's level3 and the next one's (a plain dump may print a wrapped row's value before its level3);
what is left once every indicator's text and the indicator table's own headings are taken out must be
nothing of substance (a leftover run of text is an indicator row the card lacks). A note under the table
(备注…, 注:…) and a listing's subtotal row after the card's last indicator (a unit's name and its amounts)
are not indicator rows. A level2 of the standard indicator system sits under its own level1 (数量指标 under
产出指标 …); where the card prints it under another level1 in the indicator's own words ("2－效益指标，
31－服务对象满意度"), that is the filing's error, read as printed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from extractor.cards.vocabulary import BUDGET_LABELS, LISTING_COLUMNS, OTHER_HEADER_LABELS, PROJECT_NAME_LABELS
from extractor.ingest.text import Line
from extractor.record.keys import card_seq
from extractor.regions.model import Region
from extractor.validate.card_pairing import card_pieces, is_project_region, norm, region_text
from extractor.validate.card_text import anywhere, blank, first_run_end, locate, pieced, take_all
from extractor.validate.rules_common import Finding, Rule, Site, make_finding

CARD_UNREAD = Rule(
    "coverage.card_unread", "error",
    "A printed project 绩效目标表 with indicator rows gives no card of the record (a 部门整体绩效目标表 is not a "
    "project card; a card printing only its headings, 此表无数据, is none).",
)
INDICATOR_UNPRINTED = Rule(
    "coverage.indicator_unprinted", "error",
    "An indicator's level3 or value is printed nowhere in its card, or not in the indicator's own row "
    "(before the next indicator's level3).",
)
INDICATOR_UNREAD = Rule(
    "coverage.indicator_unread", "error",
    "Text printed among a card's indicator rows belongs to no indicator of the card (a dropped row).",
)
INDICATOR_LEVEL = Rule(
    "coverage.indicator_level", "error",
    "An indicator's level2 of the standard system sits under another level1 (数量指标 belongs to 产出指标 …).",
)
LEVEL_AS_PRINTED = Rule(
    "card.level_as_printed", "error",
    "The card prints an indicator's level2 of the standard system under another level1 in the indicator's own "
    "words (2－效益指标，31－服务对象满意度): the filing's error, read as printed.",
)
NO_CARD_REGION = Rule(
    "coverage.no_card_region", "unchecked", "No printed card carries the card's project name: it cannot be checked.",
)
RULES: tuple[Rule, ...] = (
    CARD_UNREAD, INDICATOR_UNPRINTED, INDICATOR_UNREAD, INDICATOR_LEVEL, LEVEL_AS_PRINTED, NO_CARD_REGION,
)

#: (word in a level2, its level1) of the standard indicator system, first match wins: the older system has
#: 成本指标 as a level2 of 产出指标, the newer one 成本指标 as a level1 over 经济成本指标 ….
_LEVEL1_BY_WORD: tuple[tuple[str, str], ...] = (
    ("经济成本", "成本指标"), ("社会成本", "成本指标"), ("生态环境成本", "成本指标"),
    ("数量", "产出指标"), ("质量", "产出指标"), ("时效", "产出指标"), ("成本", "产出指标"),
    ("效益", "效益指标"), ("可持续影响", "效益指标"), ("满意度", "满意度指标"),
)


def expected_level1(level2: str) -> str | None:
    """The level1 a level2 of the standard system sits under (数量指标 → 产出指标), else None."""
    return next((level1 for word, level1 in _LEVEL1_BY_WORD if word in level2), None)


#: Headings and labels of an indicator table: not indicator text.
_HEADINGS = (
    "一级指标", "二级指标", "三级指标", "指标内容", "指标名称", "指标值", "指标解释", "指标说明", "评价标准",
    "评(扣)分标准", "指标值确定依据", "确定依据", "度量单位", "计量单位", "分值", "权重", "备注", "绩效指标",
    "产出指标", "效益指标", "满意度指标", "成本指标", "指标",
)
#: Column headings an indicator table starts with where its rows print no level1/level2 (指标名称 | 指标值 …).
_TABLE_HEADINGS = ("三级指标", "指标名称", "指标内容")
_SUBSTANCE = re.compile(r"[\u4e00-\u9fff]{6,}")
#: A leftover run: Chinese characters with the punctuation printed inside a cell between them ("资金结算(拨付、下达、
#: 发放)及时率"), six characters at least.
_RUN = re.compile(r"[\u4e00-\u9fff](?:[\u4e00-\u9fff]|[()、,](?=[\u4e00-\u9fff(]))*[\u4e00-\u9fff)]")
_HANZI = re.compile(r"[\u4e00-\u9fff]")
_HANZI_ONLY = re.compile(r"[^\u4e00-\u9fff]")
_MIN_RUN = 6
#: The labels of a card's header block (项目名称, 主管部门, 资金总额 …): the next project's header starts where a
#: card of several under one title ends.
_HEADER_LABELS = frozenset({*PROJECT_NAME_LABELS, *OTHER_HEADER_LABELS,
                            *(word for words in BUDGET_LABELS.values() for word in words)})
#: A note printed under a card's indicator table (备注：…, 注：…): prose, not an indicator row.
_NOTE = re.compile(r"备注|(?<![\u4e00-\u9fff])注:")
#: What a listing prints after a card's last indicator before the next card: a unit's subtotal row (its name
#: and its amounts, with decimals), no indicator text.
_SUBTOTAL_TAIL = re.compile(r"[;,、]*(?:(?!指标)[\u4e00-\u9fff()A-Za-z])+\d[\d,]*\.\d+[\d.,]*")
#: What may stand between a level1 and its level2 printed in one indicator's words ("2-效益指标,31-").
_LEVEL_JOIN = r"[,、;:\-\d]{0,8}"
#: How far after a row's level3 its description, value and basis are looked for (characters).
_ROW_REACH = 200
#: A value printed as sign, number and unit in three columns (≤ | 35.78 | 万元).
_VALUE_PARTS = re.compile(r"([≥≤=<>≧≦])(\d+(?:\.\d+)?)(\D*)")
_TEXT_KEYS = ("level1", "level2", "level3", "description", "value", "value_period", "basis")


def check_cards_coverage(cards: Sequence[Mapping[str, Any]], regions: Sequence[Region],
                         running: frozenset[str] = frozenset()) -> list[Finding]:
    """Return the completeness findings of the cards against the printed card regions; ``running`` holds the
    running heads (lines printed on many pages), which are no card's text."""
    pieces = card_pieces(cards, regions, running)
    findings: list[Finding] = []
    for position, (card, own) in enumerate(zip(cards, pieces)):
        if not own:
            findings += level_findings(position, card)
            findings.append(make_finding(NO_CARD_REGION, _site(position, card, None), None, None,
                                         f"card {card.get('project_name')}: no printed card carries its name"))
            continue
        text = "".join(region_text(regions[r], running)[start:end] for r, start, end in own)
        frozen = json.dumps(card, ensure_ascii=False, sort_keys=True, default=str)
        findings += [dict(f) for f in _card_findings(position, frozen, text)]
    used = {r for own in pieces for r, _, _ in own}
    names = {norm(card.get("project_name")) for card in cards}
    for i, region in enumerate(regions):
        if not is_project_region(region):
            continue
        page = region.lines[0].page if region.lines else None
        if i not in used and prints_indicator_rows(region):
            site = Site("performance_cards", None, None, region.title, page)
            findings.append(make_finding(CARD_UNREAD, site, None, None,
                                         f"printed card {region.title[:50]} (page {page}) gives no card"))
        elif i in used:
            findings += [make_finding(CARD_UNREAD, Site("performance_cards", None, None, region.title, line.page),
                                      None, None, f"printed card {name[:40]} (page {line.page}) gives no card")
                         for line, name in printed_projects(region) if not any(name in read for read in names)]
    return findings


def printed_projects(region: Region) -> list[tuple[Line, str]]:
    """The projects a card region prints in header blocks: a project-name label (项目名称, 专项(项目)名称 …) in a
    line's first cell and the name (or its start, wrapped) in the next cell printed; a header block of several
    projects under one title prints one per project, a listing's header row starts with another column."""
    found = []
    for line in region.lines:
        if "称" not in line.text:  # every project-name label ends so, however wrapped
            continue
        texts = [norm(cell) for cell in line.cells if norm(cell)]
        if len(texts) >= 2 and texts[0] in PROJECT_NAME_LABELS and not _is_label(texts[1]):
            found.append((line, texts[1]))
    return found


def _is_label(text: str) -> bool:
    """A header-block or listing label (主管部门, 总计 …), not a project's name."""
    words = (*PROJECT_NAME_LABELS, *OTHER_HEADER_LABELS, *(w for ws in BUDGET_LABELS.values() for w in ws),
             *(w for _, ws in LISTING_COLUMNS for w in ws))
    return any(text.startswith(word) for word in words)


def prints_indicator_rows(region: Region) -> bool:
    """True when a card region prints an indicator row: after its indicator table's heading, a line with text
    other than headings and notes (a card printing only its headings, 此表无数据, prints none); a region
    printing no such heading counts when it says 指标 at all."""
    texts = [norm(line.text) for line in region.lines]
    heading = next((k for k, text in enumerate(texts) if any(h in text for h in _TABLE_HEADINGS)), None)
    if heading is None:
        return any("指标" in text for text in texts)
    return any(_is_row(line.cells) for line in region.lines[heading + 1:])


def _is_row(cells: Sequence[str]) -> bool:
    """A line with text that is no heading or note, in two cells or more or of substance (a table number
    printed under the card, 表十二, is none)."""
    texts = [norm(cell) for cell in cells if norm(cell)]
    if not texts or _NOTE.match(texts[0]) or all(text in _HEADINGS for text in texts):
        return False
    return len(texts) > 1 or _SUBSTANCE.search(texts[0]) is not None


def _site(position: int, card: Mapping[str, Any], index: int | None) -> Site:
    try:
        seq = card_seq(position, card)
    except (TypeError, ValueError):
        seq = position + 1
    key = str(seq) if index is None else f"{seq}/{index + 1}"
    return Site("performance_cards", key, "indicators", f"card {seq} {card.get('project_name') or ''}".strip())


def _indicators(card: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [i for i in card.get("indicators") or [] if isinstance(i, Mapping)]


def level_findings(position: int, card: Mapping[str, Any], text: str | None = None) -> list[Finding]:
    """Each standard level2 under its own level1; one printed under another level1 in the indicator's own words
    in ``text`` (the card's printed text) is the filing's (``card.level_as_printed``)."""
    findings = []
    for index, indicator in enumerate(_indicators(card)):
        level1, level2 = norm(indicator.get("level1")), norm(indicator.get("level2"))
        expected = expected_level1(level2)
        if expected and level1 and level1 != expected:
            printed = text is not None and re.search(re.escape(level1) + _LEVEL_JOIN + re.escape(level2), text)
            findings.append(make_finding(LEVEL_AS_PRINTED if printed else INDICATOR_LEVEL,
                                         _site(position, card, index), None, None,
                                         f"card {card.get('project_name')} indicator {index + 1} "
                                         f"{indicator.get('level3')}: {level2} under {level1}, not {expected}"
                                         + (" (as printed)" if printed else "")))
    return findings


@lru_cache(maxsize=1024)
def _card_findings(position: int, card: str, text: str) -> tuple[Finding, ...]:
    """A card's level and indicator findings against its printed text, cached (a mutated record changes one
    card)."""
    value = json.loads(card)
    return (*level_findings(position, value, text), *text_findings(position, value, text))


def indicator_findings(position: int, card: Mapping[str, Any], region: Region,
                       running: frozenset[str] = frozenset()) -> list[Finding]:
    """A card's indicator findings against the whole text of one region (see ``text_findings``)."""
    return text_findings(position, card, region_text(region, running))


def text_findings(position: int, card: Mapping[str, Any], text: str) -> list[Finding]:
    """Every indicator's level3 and value printed in its own row of the card's printed ``text``; nothing
    printed among them left unread. Where a listing prints the card's name after its table heading, the rows
    before it (合计, a unit's subtotal) are not the card's."""
    indicators = _indicators(card)
    starts: list[int] = []
    ends: list[int] = []
    findings: list[Finding] = []
    cursor = _table_start(text, indicators)
    for index, indicator in enumerate(indicators):
        level3 = norm(indicator.get("level3"))
        spots = locate(text, level3, cursor) if level3 else None
        if level3 and spots is None:
            findings.append(_unprinted(position, card, index, "level3", level3))
        starts.append(spots[0] if spots else cursor)
        ends.append(first_run_end(spots) if spots else cursor)
        cursor = _past_row(text, indicator, ends[-1]) if spots else cursor
    for index, indicator in enumerate(indicators):
        value = norm(indicator.get("value"))
        begin = ends[index - 1] if index else 0
        end = next((s for s in starts[index + 1:] if s > starts[index]), len(text))
        if value and not _value_printed(text, value, begin, end):
            where = "its row" if locate(text, value) is not None else "the card"
            findings.append(_unprinted(position, card, index, "value", value, where))
    if indicators:
        start = _table_start(text, indicators)
        name = norm(card.get("project_name"))
        named = text.find(name, start, min(starts)) if name else -1
        stop = _table_end(text, max(cursor, *ends))
        findings += _leftover(position, card, text[max(start, named):stop], indicators)
    return findings


def _value_printed(text: str, value: str, begin: int, end: int) -> bool:
    """A value is printed in its row as joined ("≥70%"), or its sign, number and unit each printed in the row
    (a 指标值类型 column after the number and the unit: "35.78 … 万元 ≤" is read "≤35.78万元")."""
    if locate(text, value, begin, end) is not None:
        return True
    parts = _VALUE_PARTS.fullmatch(value)
    if parts is None or not parts.group(1):
        return False
    return all(text.find(part, begin, end) >= 0 for part in parts.groups() if part)


def _table_start(text: str, indicators: Sequence[Mapping[str, Any]]) -> int:
    """Where the indicator table starts: its heading (三级指标) or the first indicator's level1/level2, so that
    a level3 also said in the goals above is looked for in the table; where none of these is printed, the
    heading of a table without level columns (指标名称, 指标内容)."""
    if not indicators:
        return 0
    for marks in ([_TABLE_HEADINGS[0], *(norm(indicators[0].get(k)) for k in ("level1", "level2"))],
                  list(_TABLE_HEADINGS[1:])):
        found = [at for at in (text.find(m) for m in marks if m) if at >= 0]
        if found:
            return min(found)
    return 0


def _table_end(text: str, last: int) -> int:
    """Where the indicator table ends after its last indicator's row (at ``last``): at a note under it (备注…,
    注:…), or before a listing's subtotal row that is all that follows; else the end of the text."""
    note = _NOTE.search(text, last)
    stop = note.start() if note else len(text)
    tails = [m for m in _SUBTOTAL_TAIL.finditer(text, last, stop) if m.end() == stop]
    return tails[-1].start() if tails else stop


def _past_row(text: str, indicator: Mapping[str, Any], cursor: int) -> int:
    """The position after an indicator row's description, value and basis where printed whole (a description
    may repeat the level3, a basis the next row's words; a wrapped one is not followed into the next row)."""
    for key in ("description", "value", "basis"):
        piece = norm(indicator.get(key))
        at = text.find(piece, cursor, cursor + _ROW_REACH + len(piece)) if piece else -1
        if at >= 0:
            cursor = at + len(piece)
    return cursor


def _unprinted(position: int, card: Mapping[str, Any], index: int, field: str, value: str,
               where: str = "the card") -> Finding:
    return make_finding(INDICATOR_UNPRINTED, _site(position, card, index), None, None,
                        f"card {card.get('project_name')} indicator {index + 1}: {field} {value[:30]} "
                        f"is not printed in {where}")


def _leftover(position: int, card: Mapping[str, Any], zone: str, indicators: list[Mapping[str, Any]],
              ) -> list[Finding]:
    """Take out the labels printed once for a block (level1, level2) where printed whole, then each indicator's
    own text once (its row's level3, description, value, basis, in order), then the block labels wrapped over
    lines, the card's header texts and the table headings: a run of text left is a row no indicator holds."""
    blocks = {norm(i.get(k)) for i in indicators for k in ("level1", "level2")}
    zone = take_all(zone, blocks, wrapped=False)
    cursor = 0
    for indicator in indicators:
        for key in ("level3", "description", "value", "value_period", "basis"):
            piece = norm(indicator.get(key))
            spots = anywhere(zone, piece, cursor) if piece else None
            if spots:
                zone = blank(zone, spots)
                cursor = spots[0] if key == "level3" else cursor
    labels = {norm(card.get(k)) for k in ("project_name", "fund_use")} | {norm(g) for g in card.get("goals") or []}
    zone = take_all(take_all(zone, blocks | labels | set(_HEADINGS)), set(_HEADER_LABELS), wrapped=False)
    fields = "|".join(norm(i.get(k)) for i in indicators for k in _TEXT_KEYS)
    runs = [run for run in _RUN.findall(zone)
            if len(_HANZI.findall(run)) >= _MIN_RUN and not pieced(_HANZI_ONLY.sub("", run), fields)
            and not pieced(run, fields)]
    if not runs:
        return []
    return [make_finding(INDICATOR_UNREAD, _site(position, card, None), None, None,
                         f"card {card.get('project_name')}: printed {runs[0][:30]} is in no indicator")]

