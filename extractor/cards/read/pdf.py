"""Choose how to read each part of a card printed in a PDF: by grid cells, by position, or by line.

A ruled card gives grid rows (one cell per grid column); a card printed without rules gives
visual lines split into positioned cells, rebuilt into grid rows from their positions; a card the
PDF reader kept as one block of lines (framed, no inner rules) is read line by line, its values
centred on their labels.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractor.cards.interpret.header import header_part
from extractor.cards.read.centred import centred_table
from extractor.cards.read.grid import condense_header_line, is_grid_line, is_text_row, year_goals
from extractor.cards.read.rebuild import rebuild_header, rebuild_table
from extractor.ingest.text import Line


@dataclass(frozen=True)
class CardParts:
    """A card's header lines and indicator table, and how each is read.

    ``header_layout``: "cells" (cells by column), "plain" (printed lines) or "centred" (printed lines
    with values centred on their labels); ``table_layout``: a read_indicators layout.
    """

    header: tuple[Line, ...]
    table: tuple[Line, ...]
    header_layout: str
    table_layout: str


def pdf_card_parts(body: tuple[Line, ...]) -> CardParts:
    """Return the parts of a PDF card, each rebuilt into grid rows where the PDF had none."""
    header_lines, table = header_part(body)
    header, header_layout = _header(year_goals(header_lines), table)
    if table and is_grid_line(table[0]):
        return CardParts(header, table, header_layout, "pdf")
    if table and _positioned(table[:1]):
        return CardParts(header, rebuild_table(table), header_layout, "pdf")
    return CardParts(header, centred_table(table), header_layout, "centred")


def _header(header_lines: tuple[Line, ...], table: tuple[Line, ...]) -> tuple[tuple[Line, ...], str]:
    if any(is_grid_line(line) for line in header_lines):
        return tuple(condense_header_line(ln) if is_grid_line(ln) else ln for ln in header_lines), "cells"
    if _positioned(header_lines):
        return rebuild_header(header_lines, table), "cells"
    return header_lines, "centred"


def _positioned(lines: tuple[Line, ...]) -> bool:
    """Lines whose cells carry their boxes, several to a line (a table printed without rules)."""
    return any(is_text_row(line) and len(line.cells) > 2 for line in lines)
