"""Split a text dump into regions: the tables, the performance cards and the prose around them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.cards.find import CardSpan, find_cards
from extractor.ingest.text import Line, TextDocument
from extractor.regions.classify import classify_title
from extractor.regions.model import Region

_SECTION_HEADING = re.compile(r"^[一二三四五六七八九十]+[、.]\S")
_PROSE_MARKS = ("情况说明",)


def title_kind(line: Line) -> str | None:
    """Return the region kind a line's title names (a table kind or "card"), else None."""
    return classify_title(title_text(line)) if line.cells else None


def title_text(line: Line) -> str:
    """Return the title a line may print: its first cell, or both its cells when a title letter-spaced
    in print (or read by OCR with gaps) came apart ("2019" | "年政府采购预算表")."""
    if len(line.cells) == 2 and classify_title(line.cells[0]) is None:
        joined = "".join(line.cells)
        if classify_title(joined) is not None:
            return joined
    return line.cells[0] if line.cells else ""


def wrapped_title(lines: Sequence[Line], index: int) -> str | None:
    """The title of a table printed over two lines of one cell each ("…一般公共预算支出明细表(按支出功能分类科" /
    "目-不含上年结转)"), when neither line alone is a title; else None. A title of kind other only when wrapped
    inside its bracketed note (two lines of a page head, "…单位预算公开" / "公开01 表", are no table of their own);
    cards are the card finder's."""
    if index + 1 >= len(lines) or len(lines[index].cells) != 1 or len(lines[index + 1].cells) != 1:
        return None
    second = lines[index + 1].cells[0]
    if lines[index + 1].page != lines[index].page or classify_title(second) is not None:
        return None
    first = lines[index].cells[0].strip()
    joined = first + second.strip()
    kind = classify_title(joined)
    if kind == "other" and not _open_bracket(first):
        return None
    return joined if kind not in (None, "card") else None


def _open_bracket(text: str) -> bool:
    """True when the text ends inside a bracketed note: a title wrapped within its "(按…科目)"."""
    return text.count("(") + text.count("（") > text.count(")") + text.count("）")


def is_prose_break(line: Line) -> bool:
    """Return True for a line that cannot belong to a table: a section heading or a sentence."""
    text = line.text
    if text.startswith("注") or len(line.cells) != 1:
        return False
    return bool(_SECTION_HEADING.match(text)) or any(m in text for m in _PROSE_MARKS) or "。" in text


def split_regions(doc: TextDocument) -> list[Region]:
    """Return the document's regions in printed order: tables, cards (found by ``cards.find_cards``) and
    the prose around them. Every line is in exactly one region, but a card's title lines, which make
    its title (its ``lines`` are the body after the title, a PDF's framed blocks split into lines)."""
    regions: list[Region] = []
    cards = find_cards(doc, _starts_table)
    taking = {card.start: card for card in cards if card.stop > card.start}
    bare = [card for card in cards if card.stop <= card.start]  # a title with no line after it
    kind: str = "prose"
    table_kind: str | None = None
    title = ""
    current: list[Line] = []
    index = 0
    while index < len(doc.lines):
        card = taking.get(index)
        if card is not None:
            if current:
                regions.append(_region(kind, table_kind, title, current, doc.layout))
            regions += [_card_region(c) for c in _take_before(bare, card.start)]
            regions.append(_card_region(card))
            kind, table_kind, title, current = "prose", None, "", []
            index = card.stop
            continue
        line = doc.lines[index]
        found = title_kind(line)
        wrapped = None if found or doc.layout == "word" else wrapped_title(doc.lines, index)
        if wrapped is not None:
            found = classify_title(wrapped)
        if found or (kind == "table" and is_prose_break(line)):
            if current:
                regions.append(_region(kind, table_kind, title, current, doc.layout))
            regions += [_card_region(c) for c in _take_before(bare, index)]
            current = []
            if found and found != "card":
                kind, table_kind, title = "table", found, wrapped or title_text(line)
            else:
                kind, table_kind, title = "prose", None, ""
        current.append(line)
        index += 1
    if current:
        regions.append(_region(kind, table_kind, title, current, doc.layout))
    return regions + [_card_region(c) for c in bare]


def _take_before(cards: list[CardSpan], index: int) -> list[CardSpan]:
    """Remove from ``cards`` and return those that start before line ``index``."""
    taken = [card for card in cards if card.start <= index]
    del cards[: len(taken)]
    return taken


def _starts_table(line: Line) -> bool:
    return title_kind(line) not in (None, "card")


def _card_region(card: CardSpan) -> Region:
    return Region("card", None, card.title, card.body, number=card.number,
                  title_span=(card.first_line, card.last_title_line), title_page=card.page)


def _region(kind: str, table_kind: str | None, title: str, lines: list[Line], layout: str = "") -> Region:
    """A table title with nothing under it (a table named in the prose, an entry of a contents page) is prose.
    In a PDF, a table prints a grid under its title: a title followed only by lines of one cell (page
    numbers, the next entries of a contents page, sentences) heads nothing."""
    if kind == "table" and (len(lines) == 1 or layout == "pdf" and not any(_grid_line(line) for line in lines[1:])):
        return Region("prose", None, "", tuple(lines))
    return Region(kind, table_kind, title, tuple(lines))


def _grid_line(line: Line) -> bool:
    """A line of a grid: two or more cells, or one cell holding a framed block of several printed lines."""
    cells = [cell for cell in line.cells if cell.strip()]
    return len(cells) >= 2 or any("\n" in cell.strip() for cell in cells)
