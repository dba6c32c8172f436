"""Find the performance-target cards (绩效目标表) of a filing and the lines each one spans: the one
card finder, used by the region splitter.

A card starts at its title ("5、项目名称绩效目标表") and runs to the next card title or the next
section heading ("六、政府采购预算情况"). Titles are found in every printed text segment, so a title
that a Word export buried as the last paragraph of a prose block is found too, and a title that a
PDF dump wrapped over two lines ("3、关于下达…资金预算的通" / "知绩效目标表") is joined. A PDF card drawn
in a frame without inner rules comes as one cell holding every printed line; it is read one line
per printed line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from extractor.ingest.text import Line, TextDocument
from extractor.record.normalize import normalize_text

CARD_MARK = "绩效目标表"
_ENUMERATED = re.compile(r"^\s*(\d{1,3})\s*(?:、|[.．](?!\d))\s*")
_TOC_LEADER = re.compile(r"(\.{3,}|…{2,}|·{3,})")
_SECTION_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|第[一二三四五六七八九十]+部分)")
_REFERENCE = re.compile(r"^(?:详见|参见|见)|[，。；]")
_MAX_TITLE_LINES = 3
#: A title ends with 绩效目标表, or with it and a short qualifier ("（一级项目）", "（含转移支付项目）").
_TITLE_END = re.compile(CARD_MARK + r"\s*(?:[(（][^()（）]{1,12}[)）])?$")


@dataclass(frozen=True)
class CardSpan:
    """One card as found: its printed title, the lines after the title (a PDF's framed blocks split into
    their printed lines), where it was printed, and the slice ``[start, stop)`` of the document's lines
    it takes."""

    title: str
    number: int | None
    body: tuple[Line, ...]
    first_line: int
    last_title_line: int
    page: int
    start: int
    stop: int


@dataclass(frozen=True)
class _Title:
    text: str
    number: int | None
    start: int  # index into doc.lines of the first title line
    end: int  # index of the last title line (the body starts after it)
    raw_line: int  # source line number of the title's first segment


def card_title_name(title: str) -> str:
    """Return a card title without its number and without 绩效目标表 (the name of a header-less card)."""
    text = _ENUMERATED.sub("", title, count=1).strip()
    end = _TITLE_END.search(text)
    return (text[: end.start()] if end else text).strip()


def find_cards(doc: TextDocument, starts_table: Callable[[Line], bool] = lambda line: False) -> list[CardSpan]:
    """Return the cards of a filing in printed order (a PDF's framed blocks split into their lines).

    A card ends before the next card's title, a section heading, or a line ``starts_table`` (a table's
    title: a listing of the filing's tables may name a card among them).
    """
    if doc.layout == "pdf":
        origin, lines = _exploded(doc.lines)
    else:
        origin, lines = tuple(range(len(doc.lines))), doc.lines
    cell_per_line = doc.layout == "word"
    titles = _find_titles(lines, cell_per_line)
    cards = []
    for k, title in enumerate(titles):
        stop = titles[k + 1].start if k + 1 < len(titles) else len(lines)
        body_end = _body_end(lines, title.end + 1, stop, starts_table)
        body = lines[title.end + 1 : body_end]
        stop_line = origin[body_end - 1] + 1 if body_end > title.end + 1 else origin[title.end] + 1
        cards.append(CardSpan(title.text, title.number, tuple(body), title.raw_line, lines[title.end].number,
                              lines[title.start].page, _start(title, lines, origin, cell_per_line), stop_line))
    return cards


def _start(title: _Title, lines: Sequence[Line], origin: Sequence[int], cell_per_line: bool) -> int:
    """Return the first document line a card takes: its title's line, or the next one when text printed
    before the title shares its line (a Word prose block ending with the title keeps its prose, a row of
    a listing of tables its number)."""
    segments = [text for _, text in _segments(lines[title.start], cell_per_line)]
    before = segments[: segments.index(title.text)] if title.text in segments else []
    shared = any(before) or (title.start > 0 and origin[title.start - 1] == origin[title.start])
    return origin[title.start] + shared


def _exploded(lines: Sequence[Line]) -> tuple[tuple[int, ...], tuple[Line, ...]]:
    """Split every one-cell line holding several printed lines (a framed block the PDF reader took as one
    cell) into one line per printed line; return, for each line out, the index of the line it came from."""
    origin: list[int] = []
    out: list[Line] = []
    for index, line in enumerate(lines):
        if len(line.cells) == 1 and "\n" in line.cells[0]:
            texts = (part.strip() for part in line.cells[0].split("\n"))
            parts = [Line(line.number, line.page, (text,)) for text in texts if text]
        else:
            parts = [line]
        out.extend(parts)
        origin.extend([index] * len(parts))
    return tuple(origin), tuple(out)


def _segments(line: Line, cell_per_line: bool = False) -> list[tuple[int, str]]:
    """Return (source line number, text) for every printed segment of a line, in order.

    A cell's extra text lines are on the following source lines; so are the cells themselves in a
    Word export (``cell_per_line``), while a tab-separated row keeps its cells on one line.
    """
    out: list[tuple[int, str]] = []
    offset = 0
    for cell in line.cells:
        pieces = cell.split("\n")
        out.extend((line.number + offset + k, piece.strip()) for k, piece in enumerate(pieces))
        offset += len(pieces) - 1 + (1 if cell_per_line else 0)
    return out


def _is_title_text(text: str) -> bool:
    """A card title ends with 绩效目标表 (or it and a short qualifier in brackets) and is not a sentence
    pointing at one ("详见…绩效目标表")."""
    return (
        _TITLE_END.search(text) is not None
        and not _TOC_LEADER.search(text)
        and not _REFERENCE.search(text)
        and len(normalize_text(text)) > len(CARD_MARK)
    )


def _is_title_tail(text: str) -> bool:
    """A line holding only the end of a wrapped title ("绩效目标表", "目标表", "表")."""
    folded = normalize_text(text)
    return bool(folded) and CARD_MARK.endswith(folded)


def _find_titles(lines: tuple[Line, ...], cell_per_line: bool) -> list[_Title]:
    titles: list[_Title] = []
    for index, line in enumerate(lines):
        for raw_line, text in _segments(line, cell_per_line):
            if _is_title_text(text):
                titles.append(_complete_title(lines, index, raw_line, text, titles))
                break
            if _is_title_tail(text) and len(_segments(line, cell_per_line)) == 1:
                title = _complete_title(lines, index, raw_line, text, titles)
                if title.number is not None and _is_title_text(title.text):
                    titles.append(title)
                break
    return titles


def _complete_title(
    lines: tuple[Line, ...], index: int, raw_line: int, text: str, found: list[_Title]
) -> _Title:
    """Join a title that wrapped: walk back over single-segment lines to the numbered first line."""
    match = _ENUMERATED.match(text)
    if match:
        return _Title(text, int(match.group(1)), index, index, raw_line)
    floor = found[-1].end + 1 if found else 0
    expected = found[-1].number + 1 if found and found[-1].number is not None else None
    joined = text
    for back in range(1, _MAX_TITLE_LINES):
        start = index - back
        if start < floor or len(_segments(lines[start])) != 1:
            break
        joined = _segments(lines[start])[0][1] + joined
        match = _ENUMERATED.match(joined)
        if match and (expected is None or int(match.group(1)) == expected):
            return _Title(joined, int(match.group(1)), start, index, lines[start].number)
    return _Title(text, None, index, index, raw_line)


def _is_page_number(line: Line) -> bool:
    return len(line.cells) == 1 and line.cells[0].strip().isdigit() and len(line.cells[0].strip()) <= 3


def _body_end(lines: tuple[Line, ...], start: int, stop: int, starts_table: Callable[[Line], bool]) -> int:
    """Return the index after the card's last line: before a section heading or a table's title, without
    page numbers."""
    end = stop
    for index in range(start, stop):
        first = next((text for _, text in _segments(lines[index]) if text), "")
        if _SECTION_HEADING.match(first) or starts_table(lines[index]):
            end = index
            break
    while end > start and _is_page_number(lines[end - 1]):
        end -= 1
    return end
