"""Read step, layout: what a card region prints and how each part is read.

A region is either a listing (one table whose header row names the project and its indicators, every
row a project or one of its indicators) or header-block cards: one or more projects, each a header
block (labels down the left) then an indicator grid (from its column header row). The parts of a card
printed in a PDF come as grid rows (a ruled card), as positioned cells (a card printed without rules,
rebuilt into grid rows from their positions) or as printed lines (a framed block without inner rules,
values centred on their labels); a tab-separated or Word card has cells by column, a plain dump only
its printed lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extractor.cards.read.centred import centred_table
from extractor.cards.read.grid import (
    condense_header_line,
    is_grid_line,
    is_indicator_header,
    is_text_row,
    year_goals,
)
from extractor.cards.read.rebuild import rebuild_header, rebuild_table
from extractor.cards.vocabulary import LISTING_COLUMNS, LISTING_INDICATOR_KEYS, column_keys, name_label
from extractor.ingest.text import Line
from extractor.record.normalize import normalize_text


@dataclass(frozen=True)
class CardParts:
    """A card's header lines and indicator table, and how each is read.

    ``header_layout``: "cells" (cells by column), "plain" (printed lines) or "centred" (printed lines
    with values centred on their labels); ``table_layout``: "pdf"/"tsv"/"word" (cells by column),
    "plain" or "centred" (printed lines).
    """

    header: tuple[Line, ...]
    table: tuple[Line, ...]
    header_layout: str
    table_layout: str


#: A listing row with the columns of the header row above it (field → cell index).
ListingRow = tuple[dict[str, int], Line]


def listing_columns(line: Line) -> dict[str, int] | None:
    """Return the column of each field when ``line`` is a listing's header row, else None."""
    columns = column_keys(line.cells, LISTING_COLUMNS, prefix=True)
    has_indicators = any(key in columns for key in LISTING_INDICATOR_KEYS)
    return columns if "name" in columns and has_indicators else None


def listing_rows(lines: Sequence[Line]) -> list[ListingRow] | None:
    """Return the rows of a listing, each with its header's columns (a header row may be printed again on
    every page), or None when ``lines`` hold no listing. A row as wide as its header is a listing row."""
    columns: dict[str, int] | None = None
    width = 0
    rows: list[ListingRow] = []
    for line in lines:
        header = listing_columns(line)
        if header is not None:
            columns, width = header, len(line.cells)
        elif columns is not None and len(line.cells) == width:
            rows.append((columns, line))
    return None if columns is None else rows


def starts_project(line: Line) -> bool:
    """Return True for a header block's project-name row (its first printed cell is the label)."""
    first = next((cell for cell in line.cells if cell.strip()), "")
    return name_label(normalize_text(first)[:8]) is not None


def project_bodies(lines: tuple[Line, ...]) -> list[tuple[Line, ...]]:
    """Split a card region that prints several projects under one title: a project-name row after
    an indicator table starts the next project."""
    bodies: list[list[Line]] = [[]]
    seen_table = False
    for line in lines:
        if seen_table and starts_project(line):
            bodies.append([])
            seen_table = False
        bodies[-1].append(line)
        seen_table = seen_table or is_indicator_header(line)
    return [tuple(body) for body in bodies]


def header_part(body: tuple[Line, ...]) -> tuple[tuple[Line, ...], tuple[Line, ...]]:
    """Split a card body into the header block and the indicator table (from its column header)."""
    for index, line in enumerate(body):
        if is_indicator_header(line):
            return body[:index], body[index:]
    return body, ()


def card_parts(body: tuple[Line, ...], layout: str) -> CardParts:
    """Return a card's header lines and indicator table, and how to read each."""
    if layout == "pdf":
        return _pdf_card_parts(body)
    header_lines, table = header_part(body)
    return CardParts(header_lines, table, "plain" if layout == "plain" else "cells", layout)


def _pdf_card_parts(body: tuple[Line, ...]) -> CardParts:
    """Return the parts of a PDF card, each rebuilt into grid rows where the PDF had none."""
    header_lines, table = header_part(body)
    header, header_layout = _pdf_header(year_goals(header_lines), table)
    if table and is_grid_line(table[0]):
        return CardParts(header, table, header_layout, "pdf")
    if table and _positioned(table[:1]):
        return CardParts(header, rebuild_table(table), header_layout, "pdf")
    return CardParts(header, centred_table(table), header_layout, "centred")


def _pdf_header(header_lines: tuple[Line, ...], table: tuple[Line, ...]) -> tuple[tuple[Line, ...], str]:
    if any(is_grid_line(line) for line in header_lines):
        return tuple(condense_header_line(ln) if is_grid_line(ln) else ln for ln in header_lines), "cells"
    if _positioned(header_lines):
        return rebuild_header(header_lines, table), "cells"
    return header_lines, "centred"


def _positioned(lines: tuple[Line, ...]) -> bool:
    """Lines whose cells carry their boxes, several to a line (a table printed without rules)."""
    return any(is_text_row(line) and len(line.cells) > 2 for line in lines)
