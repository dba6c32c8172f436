"""Read step, borderless PDF cards: where a card's printed text is (fragments, rows, column edges,
merged blocks).

A card printed without rules reaches the extractor as visual lines split into cells at wide gaps,
each cell with its box. Cells are centred in their rows, so a wrapped cell puts lines above and
below the line the row's other cells print on. Rows are found as runs of text that touch
vertically, columns by the white gaps between the header labels, and a merged cell (a level name
printed once for several rows) by the run of rows whose middle its text sits on.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from extractor.ingest.geometry import Word
from extractor.ingest.text import Line

#: Lines of one cell touch; the rows of a table are further apart than this share of a line height.
_TOUCH_SHARE = 0.3


def fragments(lines: Iterable[Line]) -> list[Word]:
    """Return the non-empty cells of positioned lines as positioned words (fragments), with page and line."""
    out = []
    for line in lines:
        for text, box in zip(line.cells, line.boxes, strict=False):
            if text.strip() and box is not None:
                out.append(Word(*box, text.strip(), line.page, line.number))
    return out


def touch_gap(pieces: Sequence[Word]) -> float:
    """Return the vertical gap up to which two lines belong to one cell (a share of a line height)."""
    heights = sorted(f.y1 - f.y0 for f in pieces) or [10.0]
    return _TOUCH_SHARE * heights[len(heights) // 2]


def runs(pieces: Sequence[Word], gap: float) -> list[list[Word]]:
    """Group fragments into vertical runs: each fragment starts within ``gap`` of the run's bottom."""
    groups: list[list[Word]] = []
    bottom = float("-inf")
    for piece in sorted(pieces, key=lambda f: (f.y0, f.x0)):
        if groups and piece.y0 <= bottom + gap:
            groups[-1].append(piece)
            bottom = max(bottom, piece.y1)
        else:
            groups.append([piece])
            bottom = piece.y1
    return groups


def extent(pieces: Sequence[Word]) -> tuple[float, float]:
    """Return the vertical extent (top, bottom) of fragments."""
    return min(f.y0 for f in pieces), max(f.y1 for f in pieces)


def column_edges(anchors: Sequence[tuple[float, float]], pieces: Sequence[Word]) -> list[float]:
    """Return the edges between neighbouring columns, given each column's header (x0, x1) in order.

    An edge lies in the gap between two header labels, where the fewest fragments cross it, in the
    middle of the widest such stretch (the white river between the columns).
    """
    edges = []
    for (_, left), (right, _) in zip(anchors, anchors[1:], strict=False):
        if right <= left:
            edges.append((left + right) / 2)
            continue
        steps = [left + (right - left) * k / 40 for k in range(41)]
        counts = [sum(1 for f in pieces if f.x0 < x < f.x1) for x in steps]
        fewest = min(counts)
        best: tuple[int, int] = (0, 0)
        start = None
        for k, count in enumerate([*counts, fewest + 1]):
            if count == fewest and start is None:
                start = k
            elif count != fewest and start is not None:
                best = max(best, (k - start, start))
                start = None
        width, first = best
        edges.append((steps[first] + steps[first + width - 1]) / 2)
    return edges


def column_of(piece: Word, edges: Sequence[float]) -> int:
    """Return the index of the column a fragment's centre lies in."""
    return sum(1 for edge in edges if piece.cx >= edge)


def split_across(piece: Word, edges: Sequence[float]) -> list[Word]:
    """Split a fragment that runs over column edges (two cells printed close together) at the
    spaces nearest the edges, estimating character positions from their widths."""
    inner = [e for e in edges if piece.x0 + 2 < e < piece.x1 - 2]
    if not inner or " " not in piece.text:
        return [piece]
    weights = [0.0 if c == " " else 2.0 if unicodedata.east_asian_width(c) in "WF" else 1.1 for c in piece.text]
    scale = (piece.x1 - piece.x0) / (sum(weights) or 1.0)
    positions = [piece.x0 + scale * sum(weights[:k]) for k in range(len(piece.text) + 1)]
    cuts = []
    for edge in inner:
        spaces = [k for k, c in enumerate(piece.text) if c == " "]
        cuts.append(min(spaces, key=lambda k: abs(positions[k] - edge)))
    out, start = [], 0
    for cut in sorted(set(cuts)):
        out.append(_part(piece, start, cut, positions))
        start = cut + 1
    out.append(_part(piece, start, len(piece.text), positions))
    return [p for p in out if p.text]


def _part(piece: Word, start: int, end: int, positions: list[float]) -> Word:
    return Word(positions[start], piece.y0, positions[end], piece.y1, piece.text[start:end].strip(),
                piece.page, piece.line)


def assign_blocks(rows: Sequence[tuple[float, float]], blocks: Sequence[tuple[float, float]]) -> list[int | None]:
    """Return, for each row (top, bottom), the index of the merged block (top, bottom) covering it.

    Blocks cover consecutive runs of rows in order; each block's text sits in the middle (or at
    the top) of the rows it covers, so the runs are chosen to fit the blocks best.
    """
    n, m = len(rows), len(blocks)
    if m == 0:
        return [None] * n
    if m >= n:
        return [_nearest(row, blocks) for row in rows]
    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(m + 1)]
    back = [[0] * (n + 1) for _ in range(m + 1)]
    best[0][0] = 0.0
    for b in range(1, m + 1):
        for j in range(b, n - (m - b) + 1):
            for i in range(b - 1, j):
                if best[b - 1][i] == inf:
                    continue
                cost = best[b - 1][i] + _misfit(rows[i:j], blocks[b - 1])
                if cost < best[b][j]:
                    best[b][j], back[b][j] = cost, i
    owner: list[int | None] = [None] * n
    j = n
    for b in range(m, 0, -1):
        i = back[b][j]
        owner[i:j] = [b - 1] * (j - i)
        j = i
    return owner


def _misfit(rows: Sequence[tuple[float, float]], block: tuple[float, float]) -> float:
    top, bottom = rows[0][0], rows[-1][1]
    return min(abs((top + bottom) / 2 - (block[0] + block[1]) / 2), abs(top - block[0]))


def _nearest(row: tuple[float, float], blocks: Sequence[tuple[float, float]]) -> int:
    centre = (row[0] + row[1]) / 2
    return min(range(len(blocks)), key=lambda k: abs((blocks[k][0] + blocks[k][1]) / 2 - centre))


def cell_text(pieces: Sequence[Word]) -> str:
    """Return a cell's fragments top to bottom (left to right within a line), lines joined by newlines."""
    ordered = sorted(pieces, key=lambda f: (round(f.cy), f.x0))
    return "\n".join(f.text for f in ordered)
