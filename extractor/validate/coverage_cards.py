"""Completeness of the 绩效目标表 cards: every printed card is read, and all of its indicator rows (pure).

Cards are paired with the printed card regions by project name (the region's title and body carry it).
Within a card's region, from its first indicator on, the printed text must be what the indicators hold:
each indicator's level3 and value are printed, in order, the value between the previous indicator's level3
and the next one's (a plain dump may print a wrapped row's value before its level3);
what is left once every indicator's text and the indicator table's own headings are taken out must be
nothing of substance (a leftover run of text is an indicator row the card lacks). A level2 of the
standard indicator system sits under its own level1 (数量指标 under 产出指标 …).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from extractor.record.keys import card_seq
from extractor.record.normalize import is_hanzi, normalize_text
from extractor.regions.model import Region
from extractor.validate.rules_common import Finding, Rule, Site, make_finding

CARD_UNREAD = Rule(
    "coverage.card_unread", "error",
    "A printed project 绩效目标表 with indicators gives no card of the record (a 部门整体绩效目标表 is not a project "
    "card).",
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
NO_CARD_REGION = Rule(
    "coverage.no_card_region", "unchecked", "No printed card carries the card's project name: it cannot be checked.",
)
RULES: tuple[Rule, ...] = (CARD_UNREAD, INDICATOR_UNPRINTED, INDICATOR_UNREAD, INDICATOR_LEVEL, NO_CARD_REGION)

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
_SUBSTANCE = re.compile(r"[\u4e00-\u9fff]{6,}")
_NAME_SHARE = 0.8
#: How far after a row's level3 its description, value and basis are looked for (characters).
_ROW_REACH = 200
#: A wrapped piece's chunks are looked for within this many times its length; at most three chunks, the
#: first of at least two characters.
_WRAP_STRETCH = 2
_WRAP_SLACK = 60
_MAX_CHUNKS = 3
_MIN_CHUNK = 2
_MIN_PIECE = 2
_TEXT_KEYS = ("level1", "level2", "level3", "description", "value", "value_period", "basis")
#: A wrapped block label (level1, level2) or heading is taken out only with this share printed in one chunk.
_LABEL_CHUNK = 0.4
#: At most this many copies of a block label are taken out of one card.
_MAX_REPEATS = 60


def _norm(text: Any) -> str:
    return normalize_text(str(text)) if text else ""


@lru_cache(maxsize=512)
def _region_text(region: Region, running: frozenset[str] = frozenset()) -> str:
    return _norm(" ".join(line.text for line in region.lines if _norm(line.text) not in running))


def _share_in(name: str, text: str) -> float:
    chars = [c for c in name if c.isalnum()]
    return sum(1 for c in chars if c in text) / len(chars) if chars else 0.0


def pair_cards(cards: Sequence[Mapping[str, Any]], regions: Sequence[Region]) -> list[int | None]:
    """Return, per card, the index of the printed card region it was read from (by project name), or None."""
    taken: set[int] = set()
    pairs: list[int | None] = []
    texts = [_norm(r.title) + _region_text(r)[:400] for r in regions]
    for card in cards:
        name = _norm(card.get("project_name"))
        found = next((i for i, text in enumerate(texts) if i not in taken and name and name in text), None)
        if found is None:
            found = next((i for i, text in enumerate(texts) if i not in taken and name
                          and _share_in(name, _norm(regions[i].title)) >= _NAME_SHARE), None)
        if found is not None:
            taken.add(found)
        pairs.append(found)
    return pairs


def card_spans(cards: Sequence[Mapping[str, Any]], regions: Sequence[Region],
               running: frozenset[str] = frozenset()) -> list[tuple[int, int, int] | None]:
    """Return, per card, (region index, start, end) of the printed text it was read from, or None.

    Cards pair with regions by project name (``pair_cards``). A region that several cards pair with is a
    listing (one 项目支出绩效目标表 printing many projects as rows): each of those cards spans from where its
    name is printed to where the next one's is, in printed order; a region of one card spans its whole text.
    """
    pairs = _listing_pairs(cards, regions, running, pair_cards(cards, regions))
    spans: list[tuple[int, int, int] | None] = []
    for position, paired in enumerate(pairs):
        if paired is None:
            spans.append(None)
            continue
        text = _region_text(regions[paired], running)
        same = [k for k, other in enumerate(pairs) if other == paired]
        if len(same) == 1:
            spans.append((paired, 0, len(text)))
            continue
        starts = _name_starts(text, [cards[k] for k in same])
        at = same.index(position)
        end = next((s for s in starts[at + 1:] if s > starts[at]), len(text))
        spans.append((paired, starts[at], end))
    return spans


def _listing_pairs(cards: Sequence[Mapping[str, Any]], regions: Sequence[Region], running: frozenset[str],
                   pairs: list[int | None]) -> list[int | None]:
    """Pair each card with the region that prints its name after the card before it: that card's region (a
    listing's next row) or the next region (the listing continued on the next page, or the next printed card),
    in printed order, so that a name several units' listings repeat pairs with its own row; a card found in
    neither keeps the pairing by name (``pairs``)."""
    out: list[int | None] = []
    current, cursor = None, 0
    for card, fallback in zip(cards, pairs):
        name = _norm(card.get("project_name"))
        found = None
        for i in (current, None if current is None else current + 1):
            if i is None or i >= len(regions) or not name:
                continue
            at = _row_name_at(_region_text(regions[i], running), name, cursor if i == current else 0)
            if at >= 0:
                found = (i, at)
                break
        if found is None and fallback is not None:
            found = (fallback, max(_row_name_at(_region_text(regions[fallback], running), name, 0), 0))
        out.append(found[0] if found else None)
        if found:
            current, cursor = found[0], found[1] + len(name)
    return out


def _name_starts(text: str, cards: Sequence[Mapping[str, Any]]) -> list[int]:
    """Where each card's project name is printed in a listing's text, searched in printed order; a row prints
    its name before its amounts, so a copy followed by a figure wins over one said in another row's text."""
    starts, cursor = [], 0
    for card in cards:
        name = _norm(card.get("project_name"))
        at = _row_name_at(text, name, cursor) if name else -1
        starts.append(at if at >= 0 else cursor)
        cursor = at + len(name) if at >= 0 else cursor
    return starts


def _row_name_at(text: str, name: str, cursor: int) -> int:
    """Where a listing row prints ``name`` after ``cursor``: best a copy that starts a cell (not the end of a
    longer name: 工作经费 inside …合作工作经费) and that a figure follows, else one a figure follows, else the
    first copy (-1 if none)."""
    copies = []
    at = text.find(name, cursor)
    while at >= 0:
        copies.append(at)
        at = text.find(name, at + 1)
    followed = [a for a in copies if text[a + len(name): a + len(name) + 1].isdigit()]
    starting = [a for a in followed if a == 0 or not is_hanzi(text[a - 1])]
    return next(iter(starting or followed or copies), -1)


def check_cards_coverage(cards: Sequence[Mapping[str, Any]], regions: Sequence[Region],
                         running: frozenset[str] = frozenset()) -> list[Finding]:
    """Return the completeness findings of the cards against the printed card regions; ``running`` holds the
    running heads (lines printed on many pages), which are no card's text."""
    spans = card_spans(cards, regions, running)
    findings: list[Finding] = []
    for position, (card, span) in enumerate(zip(cards, spans)):
        findings += level_findings(position, card)
        if span is None:
            findings.append(make_finding(NO_CARD_REGION, _site(position, card, None), None, None,
                                         f"card {card.get('project_name')}: no printed card carries its name"))
        else:
            frozen = json.dumps(card, ensure_ascii=False, sort_keys=True, default=str)
            findings += [dict(f) for f in _card_findings(position, frozen, regions[span[0]], running, span[1:])]
    paired = {span[0] for span in spans if span is not None}
    for i, region in enumerate(regions):
        if i not in paired and "指标" in _region_text(region) and "整体" not in _norm(region.title):
            page = region.lines[0].page if region.lines else None
            site = Site("performance_cards", None, None, region.title, page)
            findings.append(make_finding(CARD_UNREAD, site, None, None,
                                         f"printed card {region.title[:50]} (page {page}) gives no card"))
    return findings


def _site(position: int, card: Mapping[str, Any], index: int | None) -> Site:
    try:
        seq = card_seq(position, card)
    except (TypeError, ValueError):
        seq = position + 1
    key = str(seq) if index is None else f"{seq}/{index + 1}"
    return Site("performance_cards", key, "indicators", f"card {seq} {card.get('project_name') or ''}".strip())


def _indicators(card: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [i for i in card.get("indicators") or [] if isinstance(i, Mapping)]


def level_findings(position: int, card: Mapping[str, Any]) -> list[Finding]:
    """Each standard level2 under its own level1."""
    findings = []
    for index, indicator in enumerate(_indicators(card)):
        level1, level2 = _norm(indicator.get("level1")), _norm(indicator.get("level2"))
        expected = expected_level1(level2)
        if expected and level1 and level1 != expected:
            findings.append(make_finding(INDICATOR_LEVEL, _site(position, card, index), None, None,
                                         f"card {card.get('project_name')} indicator {index + 1} "
                                         f"{indicator.get('level3')}: {level2} under {level1}, not {expected}"))
    return findings


def locate(text: str, piece: str, start: int = 0, stop: int | None = None, first_chunk: int = 2,
           ) -> list[int] | None:
    """Return the positions of ``piece`` in ``text[start:stop]``: where printed whole, else where it stands in
    up to three chunks within a short stretch (a cell wrapped over lines that the page interleaves with its
    neighbours' wraps: "支付水电暖等日" … "常费用是否及时"), the first chunk at least ``first_chunk`` long and
    the longest such; None when not printed."""
    stop = len(text) if stop is None else stop
    at = text.find(piece, start, stop) if piece else -1
    if at >= 0:
        return list(range(at, at + len(piece)))
    first_chunk = max(first_chunk, _MIN_CHUNK)
    if len(piece) <= first_chunk:
        return None
    reach = len(piece) * _WRAP_STRETCH + _WRAP_SLACK
    best: list[int] | None = None
    first = text.find(piece[:first_chunk], start, stop)
    while first >= 0:
        spots = _chunks(text, piece, first, min(stop, first + reach))
        if spots is not None and (best is None or _first_run_end(spots) - spots[0] > _first_run_end(best) - best[0]):
            best = spots
        first = text.find(piece[:first_chunk], first + 1, stop)
    return best


def _anywhere(text: str, piece: str, cursor: int) -> list[int] | None:
    """Printed whole from the cursor, else whole anywhere, else wrapped from the cursor, else wrapped anywhere."""
    for start in (cursor, 0):
        at = text.find(piece, start)
        if at >= 0:
            return list(range(at, at + len(piece)))
    return locate(text, piece, cursor) or locate(text, piece)


def _chunks(text: str, piece: str, at: int, stop: int) -> list[int] | None:
    """The positions of ``piece`` as its longest printed prefix at ``at`` and then at most two more chunks."""
    length = _common_prefix(text, piece, at)
    spots = list(range(at, at + length))
    rest, cursor = piece[length:], at + length
    for _chunk in range(_MAX_CHUNKS - 1):
        if not rest:
            break
        size = next((k for k in range(len(rest), 0, -1) if text.find(rest[:k], cursor, stop) >= 0), 0)
        if not size:
            return None
        found = text.find(rest[:size], cursor, stop)
        spots += range(found, found + size)
        rest, cursor = rest[size:], found + size
    return spots if not rest else None


def _common_prefix(text: str, piece: str, at: int) -> int:
    length = 0
    while length < len(piece) and at + length < len(text) and text[at + length] == piece[length]:
        length += 1
    return length


def _blank(text: str, spots: list[int]) -> str:
    chars = list(text)
    for spot in spots:
        chars[spot] = " "
    return "".join(chars)


@lru_cache(maxsize=1024)
def _card_findings(position: int, card: str, region: Region, running: frozenset[str],
                   span: tuple[int, int] | None = None) -> tuple[Finding, ...]:
    """A card's indicator findings, cached (a mutated record changes one card)."""
    return tuple(indicator_findings(position, json.loads(card), region, running, span))


def indicator_findings(position: int, card: Mapping[str, Any], region: Region,
                       running: frozenset[str] = frozenset(), span: tuple[int, int] | None = None) -> list[Finding]:
    """Every indicator's level3 and value printed in its own row; nothing printed among them left unread.

    ``span``: the (start, end) of the region's text that is this card's (a listing's row), else all of it.
    """
    text = _region_text(region, running)
    if span is not None:
        text = text[span[0]:span[1]]
    indicators = _indicators(card)
    starts: list[int] = []
    ends: list[int] = []
    findings: list[Finding] = []
    cursor = _table_start(text, indicators)
    for index, indicator in enumerate(indicators):
        level3 = _norm(indicator.get("level3"))
        spots = locate(text, level3, cursor) if level3 else None
        if level3 and spots is None:
            findings.append(_unprinted(position, card, index, "level3", level3))
        starts.append(spots[0] if spots else cursor)
        ends.append(_first_run_end(spots) if spots else cursor)
        cursor = _past_row(text, indicator, ends[-1]) if spots else cursor
    for index, indicator in enumerate(indicators):
        value = _norm(indicator.get("value"))
        begin = ends[index - 1] if index else 0
        end = next((s for s in starts[index + 1:] if s > starts[index]), len(text))
        if value and locate(text, value, begin, end) is None:
            where = "its row" if locate(text, value) is not None else "the card"
            findings.append(_unprinted(position, card, index, "value", value, where))
    if indicators:
        findings += _leftover(position, card, text[_table_start(text, indicators):], indicators)
    return findings


def _first_run_end(spots: list[int]) -> int:
    """The end of a located piece's first chunk (a wrapped piece's last chunk may stand in later rows)."""
    end = spots[0] + 1
    for spot in spots[1:]:
        if spot != end:
            break
        end += 1
    return end


def _table_start(text: str, indicators: Sequence[Mapping[str, Any]]) -> int:
    """Where the indicator table starts: its heading (三级指标) or the first indicator's level1/level2, so that
    a level3 also said in the goals above is looked for in the table."""
    marks = ["三级指标", *(_norm(indicators[0].get(k)) for k in ("level1", "level2"))] if indicators else []
    found = [at for at in (text.find(m) for m in marks if m) if at >= 0]
    return min(found) if found else 0


def _past_row(text: str, indicator: Mapping[str, Any], cursor: int) -> int:
    """The position after an indicator row's description, value and basis where printed whole (a description
    may repeat the level3, a basis the next row's words; a wrapped one is not followed into the next row)."""
    for key in ("description", "value", "basis"):
        piece = _norm(indicator.get(key))
        at = text.find(piece, cursor, cursor + _ROW_REACH + len(piece)) if piece else -1
        if at >= 0:
            cursor = at + len(piece)
    return cursor


def _unprinted(position: int, card: Mapping[str, Any], index: int, field: str, value: str,
               where: str = "the card") -> Finding:
    return make_finding(INDICATOR_UNPRINTED, _site(position, card, index), None, None,
                        f"card {card.get('project_name')} indicator {index + 1}: {field} {value[:30]} "
                        f"is not printed in {where}")


def _take_all(zone: str, pieces: set[str], wrapped: bool = True) -> str:
    """Take out every copy of each piece; a wrapped copy (``wrapped``) only when most of it is in one chunk."""
    for piece in sorted((p for p in pieces if p), key=len, reverse=True):
        for _ in range(_MAX_REPEATS):
            if not wrapped:
                at = zone.find(piece)
                spots = list(range(at, at + len(piece))) if at >= 0 else None
            else:
                spots = locate(zone, piece, first_chunk=math.ceil(len(piece) * _LABEL_CHUNK))
            if spots is None:
                break
            zone = _blank(zone, spots)
    return zone


def _pieced(run: str, fields: str) -> bool:
    """True for a leftover run made of at most three pieces of the card's own indicator text, two characters
    or more each: fragments of cells a borderless page interleaved, not a row the card lacks."""
    rest = run
    for _piece in range(_MAX_CHUNKS):
        size = next((k for k in range(len(rest), _MIN_PIECE - 1, -1) if rest[:k] in fields), 0)
        if not size:
            return False
        rest = rest[size:]
        if not rest:
            return True
    return False


def _leftover(position: int, card: Mapping[str, Any], zone: str, indicators: list[Mapping[str, Any]],
              ) -> list[Finding]:
    """Take out the labels printed once for a block (level1, level2) where printed whole, then each indicator's
    own text once (its row's level3, description, value, basis, in order), then the block labels wrapped over
    lines, the card's header texts and the table headings: a run of text left is a row no indicator holds."""
    blocks = {_norm(i.get(k)) for i in indicators for k in ("level1", "level2")}
    zone = _take_all(zone, blocks, wrapped=False)
    cursor = 0
    for indicator in indicators:
        for key in ("level3", "description", "value", "value_period", "basis"):
            piece = _norm(indicator.get(key))
            spots = _anywhere(zone, piece, cursor) if piece else None
            if spots:
                zone = _blank(zone, spots)
                cursor = spots[0] if key == "level3" else cursor
    labels = {_norm(card.get(k)) for k in ("project_name", "fund_use")} | {_norm(g) for g in card.get("goals") or []}
    zone = _take_all(zone, blocks | labels | set(_HEADINGS))
    fields = "|".join(_norm(i.get(k)) for i in indicators for k in _TEXT_KEYS)
    runs = [run for run in _SUBSTANCE.findall(zone) if not _pieced(run, fields)]
    if not runs:
        return []
    return [make_finding(INDICATOR_UNREAD, _site(position, card, None), None, None,
                         f"card {card.get('project_name')}: printed {runs[0][:30]} is in no indicator")]
