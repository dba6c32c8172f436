"""Which printed text each card of a record is checked against (pure).

Cards pair with the printed card regions by project name. A region one card pairs with is that card's
whole text; a region several cards pair with is a listing (one 项目支出绩效目标表 printing many projects as
rows), where each card's text runs from where its name is printed to where the next card's is. A card
continues into the next region when that region, before the next card's name, prints this card's name
again: a listing whose title and header are reprinted on every page, the project's cells repeated on each
of its indicator rows (a card across pages). Regions titled as a department's own targets (部门整体绩效
目标表) are no project card and pair with none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from extractor.cards.vocabulary import LEVEL1_NAMES, LEVEL2_NAMES, NOT_PROJECT_CARD_TITLES
from extractor.ingest.text import Line
from extractor.record.normalize import is_hanzi, normalize_text
from extractor.regions.model import Region

#: (region index, start, end) of a piece of a region's text.
Piece = tuple[int, int, int]

_NAME_SHARE = 0.8
_LEVEL_NAMES = LEVEL1_NAMES | LEVEL2_NAMES
_HEAD_CHARS = 400
#: Headings of indicator columns the contract keeps no field for (a scoring rule, the value's wording): their
#: cells, in rows of the header row's width, are no indicator text.
UNKEPT_HEADINGS = frozenset({"评(扣)分标准", "评分标准", "扣分标准", "指标值内容"})
_UNKEPT_WORDS = ("准", "容")  # the last character of every heading above, whatever the wrapping


def norm(text: Any) -> str:
    """The contract's comparison form of a card field ("" for none)."""
    return normalize_text(str(text)) if text else ""


@lru_cache(maxsize=512)
def region_text(region: Region, running: frozenset[str] = frozenset()) -> str:
    """A region's printed text in comparison form, without the running heads (``running``; an indicator row
    that starts several pages, printing a level name in a cell, is kept) and without the cells of columns the
    contract keeps no field for (``UNKEPT_HEADINGS``)."""
    texts, unkept = [], None
    for line in region.lines:
        if norm(line.text) in running and not any(norm(cell) in _LEVEL_NAMES for cell in line.cells):
            continue
        headed = _unkept_columns(line)
        if headed:
            unkept = (len(line.cells), headed)
        elif unkept is not None and len(line.cells) == unkept[0]:
            line = Line(line.number, line.page, tuple("" if k in unkept[1] else c for k, c in enumerate(line.cells)))
        texts.append(line.text)
    return norm(" ".join(texts))


def _unkept_columns(line: Line) -> frozenset[int]:
    """The columns of a header row that print a heading of ``UNKEPT_HEADINGS``."""
    if not any(word in line.text for word in _UNKEPT_WORDS):
        return frozenset()
    return frozenset(k for k, cell in enumerate(line.cells) if norm(cell) in UNKEPT_HEADINGS)


def is_project_region(region: Region) -> bool:
    """False for a 绩效目标表 of the department's own targets (部门整体…), which is no project card."""
    title = norm(region.title)
    return not any(word in title for word in NOT_PROJECT_CARD_TITLES)


def _share_in(name: str, text: str) -> float:
    chars = [c for c in name if c.isalnum()]
    return sum(1 for c in chars if c in text) / len(chars) if chars else 0.0


def pair_cards(cards: Sequence[Mapping[str, Any]], regions: Sequence[Region],
               running: frozenset[str] = frozenset()) -> list[int | None]:
    """Return, per card, the index of the printed card region it was read from (by project name), or None."""
    taken = {i for i, region in enumerate(regions) if not is_project_region(region)}
    pairs: list[int | None] = []
    texts = [norm(r.title) + region_text(r, running)[:_HEAD_CHARS] for r in regions]
    for card in cards:
        name = norm(card.get("project_name"))
        found = next((i for i, text in enumerate(texts) if i not in taken and name and name in text), None)
        if found is None:
            found = next((i for i, text in enumerate(texts) if i not in taken and name
                          and _share_in(name, norm(regions[i].title)) >= _NAME_SHARE), None)
        if found is not None:
            taken.add(found)
        pairs.append(found)
    return pairs


def card_spans(cards: Sequence[Mapping[str, Any]], regions: Sequence[Region],
               running: frozenset[str] = frozenset()) -> list[Piece | None]:
    """Return, per card, (region index, start, end) of the region text it starts in, or None (see
    ``card_pieces``)."""
    return [pieces[0] if pieces else None for pieces in card_pieces(cards, regions, running)]


def card_pieces(cards: Sequence[Mapping[str, Any]], regions: Sequence[Region],
                running: frozenset[str] = frozenset()) -> list[list[Piece]]:
    """Return, per card, the pieces of printed text it was read from, in printed order (none: no region).

    The first piece is in the region the card pairs with: the whole region when only this card pairs with
    it, else from where its name is printed to where the next card's is. The last card of a region continues
    into the following regions while each prints its name before the next card's (a card across pages); a
    region continued so starts its own card at that card's name.
    """
    pairs = _listing_pairs(cards, regions, running, pair_cards(cards, regions, running))
    texts = [region_text(r, running) for r in regions]
    names: dict[int, int] = {}  # card position -> where its name is printed in its region
    by_region: dict[int, list[int]] = {}
    for position, paired in enumerate(pairs):
        if paired is not None:
            by_region.setdefault(paired, []).append(position)
    for paired, same in by_region.items():
        names.update(zip(same, _name_starts(texts[paired], [cards[k] for k in same])))
    first_name = {paired: min(names[k] for k in same) for paired, same in by_region.items()}
    out: list[list[Piece]] = [[] for _ in cards]
    continued: set[int] = set()
    for paired in sorted(by_region):
        same = by_region[paired]
        for order, position in enumerate(same):
            alone = len(same) == 1 and paired not in continued
            start = 0 if alone else names[position]
            end = names[same[order + 1]] if order + 1 < len(same) else len(texts[paired])
            out[position] = [(paired, start, max(end, start))]
        last = same[-1]
        more = _continuation(regions, texts, paired, norm(cards[last].get("project_name")), first_name)
        out[last] += more
        continued.update(piece[0] for piece in more)
    return out


def _continuation(regions: Sequence[Region], texts: Sequence[str], region: int, name: str,
                  first_name: Mapping[int, int]) -> list[Piece]:
    """The pieces of the regions after ``region`` that continue its last card: each region under the same title
    (reprinted on the next page), from the card's name (the page's reprinted header before it is no row) to the
    first card name printed there, while that text prints the card's name (a listing's rows repeat it)."""
    pieces: list[Piece] = []
    title = norm(regions[region].title)
    for following in range(region + 1, len(texts)):
        if norm(regions[following].title) != title:
            break
        end = first_name.get(following, len(texts[following]))
        at = texts[following].find(name, 0, end) if name else -1
        if at < 0:
            break
        pieces.append((following, at, end))
        if following in first_name:
            break
    return pieces


def _listing_pairs(cards: Sequence[Mapping[str, Any]], regions: Sequence[Region], running: frozenset[str],
                   pairs: list[int | None]) -> list[int | None]:
    """Pair each card with the region that prints its name after the card before it: that card's region (a
    listing's next row) or the next region (the listing continued on the next page, or the next printed card),
    in printed order, so that a name several units' listings repeat pairs with its own row; a card found in
    neither keeps the pairing by name (``pairs``)."""
    out: list[int | None] = []
    current, cursor, previous = None, 0, ""
    for card, fallback in zip(cards, pairs):
        name = norm(card.get("project_name"))
        found = None
        for i in _next_regions(regions, running, current, previous):
            if not name or not is_project_region(regions[i]):
                continue
            at = _row_name_at(region_text(regions[i], running), name, cursor if i == current else 0)
            if at >= 0:
                found = (i, at)
                break
        if found is None and fallback is not None:
            found = (fallback, max(_row_name_at(region_text(regions[fallback], running), name, 0), 0))
        out.append(found[0] if found else None)
        if found:
            current, cursor, previous = found[0], found[1] + len(name), name
    return out


def _next_regions(regions: Sequence[Region], running: frozenset[str], current: int | None,
                  previous: str) -> list[int]:
    """Where the card after one read from region ``current`` may start: that region, the regions the previous
    card continues into (they print its name), and the one after them."""
    if current is None:
        return []
    out = [current]
    for following in range(current + 1, len(regions)):
        out.append(following)
        if not previous or previous not in region_text(regions[following], running):
            break
    return out


def _name_starts(text: str, cards: Sequence[Mapping[str, Any]]) -> list[int]:
    """Where each card's project name is printed in a listing's text, searched in printed order; a row prints
    its name before its amounts, so a copy followed by a figure wins over one said in another row's text."""
    starts, cursor = [], 0
    for card in cards:
        name = norm(card.get("project_name"))
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
