"""Read step, framed PDF cards: tidy the indicator lines of a card the PDF reader kept only as visual
lines, values centred.

A card drawn in a frame without inner rules reaches the extractor as one block of visual lines
with no cell positions. Cells are centred in their rows, so a level1 name printed once for a
block of rows sits on a line of its own in the middle of the block, and a wrapped level2 name
("可持续影响指" … "标") puts its parts on the lines above and below the row's line. Before the plain
reader splits the rows, the level1 names are dropped (the contract's level1 follows from level2 in
the standard system) and the parts of a wrapped level2 name are joined onto the row's line.
"""

from __future__ import annotations

from collections import Counter

from extractor.cards.vocabulary import LEVEL1_NAMES, LEVEL2_NAMES, leads_with_level1
from extractor.ingest.text import Line

_NAMES = LEVEL1_NAMES | LEVEL2_NAMES
_PREFIXES = frozenset(name[:cut] for name in LEVEL2_NAMES for cut in range(2, len(name)))
_WINDOW = 3


def centred_table(table: tuple[Line, ...]) -> tuple[Line, ...]:
    """Return the table's lines without running heads and page numbers (lines outside the card's
    block), level1 names dropped and wrapped level2 names joined."""
    shared = Counter(line.number for line in table)
    kept = [line for line in table if shared[line.number] > 1] or list(table)
    printed = (line.text.split() for line in kept)
    tokens = [words[1:] if leads_with_level1(words) else words for words in printed]
    _join_wrapped_level2(tokens)
    return tuple(Line(line.number, line.page, (" ".join(t),)) for line, t in zip(kept, tokens, strict=True) if t)


def _join_wrapped_level2(lines: list[list[str]]) -> None:
    """Join a level2 name whose first part opens one line and whose rest opens a later line
    (within a few lines); the joined name goes to the line printed between them, if any."""
    for i, tokens in enumerate(lines):
        if not tokens or tokens[0] not in _PREFIXES or tokens[0] in _NAMES:
            continue
        for j in range(i + 1, min(i + _WINDOW, len(lines))):
            if lines[j] and tokens[0] + lines[j][0] in LEVEL2_NAMES:
                name = tokens[0] + lines[j][0]
                del lines[j][0]
                del tokens[0]
                target = i if tokens or j == i + 1 else i + 1
                lines[target].insert(0, name)
                break
