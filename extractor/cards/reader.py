"""The card reader: a filing's card regions → the contract's performance_cards.

The three steps, each a part of this package, all driven by the printed words in ``vocabulary``
(data/cards.json):

1. find (``find``, used by the region splitter): every 绩效目标表 region of a filing;
2. read (``read``): what a region prints — a listing's rows (``parts.listing_rows``), or each project's
   header block and indicator grid (``parts.project_bodies``, ``parts.card_parts``) as rows of cells:
   ruled grids as they are, borderless cards rebuilt from their cells' positions (``rebuild``), framed
   blocks and plain dumps from their printed lines (``centred``, ``plain``, ``segment``);
3. interpret (``interpret``): header words → fields (``header``, ``indicators``, ``listing``), every
   layout's card and indicator records built alike (``fields``).

A malformed card costs that card only: its region is left unread, which the coverage check reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from extractor.cards.find import card_title_name
from extractor.cards.interpret.fields import PLAN_SLOTS, card_record, complete_levels, is_indicator
from extractor.cards.interpret.header import CardHeader, read_header
from extractor.cards.interpret.indicators import read_indicators
from extractor.cards.interpret.listing import ListingCard, read_listing
from extractor.cards.read.parts import card_parts, listing_rows, project_bodies
from extractor.cards.vocabulary import is_project_card_title
from extractor.ingest.text import Line
from extractor.regions.model import Region


def extract_performance_cards(regions: Sequence[Region], layout: str) -> list[dict[str, Any]]:
    """Return the contract's performance_cards list of a filing's card regions, in printed order, with
    provenance. A title with nothing of a card after it (no header block, goals or indicators) is not a card.
    """
    cards: list[dict[str, Any]] = []
    last_listing: ListingCard | None = None  # a listing's last project, which the next page may continue
    for region in (r for r in regions if r.kind == "card"):
        try:
            rows = listing_rows(region.lines)
            if rows is None:
                last_listing = None
                if is_project_card_title(region.title):
                    found = (_guarded_card(region, body, layout) for body in project_bodies(region.lines))
                    cards.extend(_numbered(len(cards), [card for card in found if card is not None]))
                continue
            listing = read_listing(rows)
        except Exception:  # a region that cannot be split: coverage reports its cards unread
            last_listing = None
            continue
        for item in listing:
            if last_listing is not None and last_listing.continued_by(item):
                last_listing.extend(item)
                cards[-1] = last_listing.record(len(cards))
            else:
                cards.append(item.record(len(cards) + 1))
                last_listing = item
    return cards


def _numbered(before: int, cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Number the cards of one region after the ``before`` cards read so far."""
    return [{**card, "seq": before + k} for k, card in enumerate(cards, start=1)]


def _guarded_card(region: Region, body: tuple[Line, ...], layout: str) -> dict[str, Any] | None:
    """Return the card of one project, or None where it cannot be read: a malformed card costs that card
    only (the coverage check reports it unread), not the other projects of its region."""
    try:
        return _header_block_card(region, body, layout)
    except Exception:
        return None


def _header_block_card(region: Region, body: tuple[Line, ...], layout: str) -> dict[str, Any] | None:
    """Return the card of one project's header block and indicator table, or None if it has neither."""
    parts = card_parts(body, layout)
    header = read_header(parts.header, positional=parts.header_layout == "cells",
                         centred=parts.header_layout == "centred")
    rows = read_indicators(parts.table, parts.table_layout)
    standard = parts.table_layout == "centred"
    levelled = parts.table_layout in ("plain", "centred")
    indicators = [row for row in (complete_levels(i, standard) for i in rows) if is_indicator(row, levelled)]
    if indicators or (header.found and header.project_name) or header.goals:
        return _card(region, header, indicators)
    return None


def _card(region: Region, header: CardHeader, indicators: list[dict[str, str | None]]) -> dict[str, Any]:
    """Return the card of a header block (a card printing none is named after its title)."""
    name = (header.project_name if header.found else None) or card_title_name(region.title)
    if not header.found:
        return card_record(0, name, header.goals, indicators, card_provenance(region))
    return card_record(0, name, header.goals, indicators, card_provenance(region), code=header.project_code,
                       budget=header.budget, fund_use=header.fund_use,
                       spending_plan=header.spending_plan or [None] * PLAN_SLOTS)


def card_provenance(region: Region) -> dict[str, Any]:
    """Return where a card region was printed: its title's first line to its last line, its title's page, and
    the box (PDF points) of what it prints on that page where the reader knows positions (for the review)."""
    first, last_title = region.title_span or region.line_span
    last = region.lines[-1].number if region.lines else last_title
    out: dict[str, Any] = {"method": "rules", "lines": [first, last], "page": region.title_page}
    boxes = [b for line in region.lines if line.page == region.title_page for b in line.boxes if b]
    if boxes:
        out["bbox"] = [round(min(b[0] for b in boxes), 1), round(min(b[1] for b in boxes), 1),
                       round(max(b[2] for b in boxes), 1), round(max(b[3] for b in boxes), 1)]
    return out
