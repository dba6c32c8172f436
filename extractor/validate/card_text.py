"""Where a card's text is printed in the card's printed text (pure): whole, or wrapped in up to three chunks
that a page interleaved with its neighbours' wraps; and taking found text out of a zone of it."""

from __future__ import annotations

import math

#: A wrapped piece's chunks are looked for within this many times its length; at most three chunks, the
#: first of at least two characters.
_WRAP_STRETCH = 2
_WRAP_SLACK = 60
MAX_CHUNKS = 3
_MIN_CHUNK = 2
_MIN_PIECE = 2
#: A wrapped block label (level1, level2) or heading is taken out only with this share printed in one chunk.
_LABEL_CHUNK = 0.4
#: At most this many copies of a block label are taken out of one card.
_MAX_REPEATS = 60


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
        if spots is not None and (best is None or first_run_end(spots) - spots[0] > first_run_end(best) - best[0]):
            best = spots
        first = text.find(piece[:first_chunk], first + 1, stop)
    return best


def anywhere(text: str, piece: str, cursor: int) -> list[int] | None:
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
    for _chunk in range(MAX_CHUNKS - 1):
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


def blank(text: str, spots: list[int]) -> str:
    chars = list(text)
    for spot in spots:
        chars[spot] = " "
    return "".join(chars)


def first_run_end(spots: list[int]) -> int:
    """The end of a located piece's first chunk (a wrapped piece's last chunk may stand in later rows)."""
    end = spots[0] + 1
    for spot in spots[1:]:
        if spot != end:
            break
        end += 1
    return end


def take_all(zone: str, pieces: set[str], wrapped: bool = True) -> str:
    """Take out every copy of each piece; a wrapped copy (``wrapped``) only when most of it is in one chunk."""
    for piece in sorted((p for p in pieces if p), key=lambda p: (-len(p), p)):
        for _ in range(_MAX_REPEATS):
            if not wrapped:
                at = zone.find(piece)
                spots = list(range(at, at + len(piece))) if at >= 0 else None
            else:
                spots = locate(zone, piece, first_chunk=math.ceil(len(piece) * _LABEL_CHUNK))
            if spots is None:
                break
            zone = blank(zone, spots)
    return zone


def pieced(run: str, fields: str) -> bool:
    """True for a leftover run made of at most three pieces of the card's own indicator text, two characters
    or more each: fragments of cells a borderless page interleaved, not a row the card lacks."""
    rest = run
    for _piece in range(MAX_CHUNKS):
        size = next((k for k in range(len(rest), _MIN_PIECE - 1, -1) if rest[:k] in fields), 0)
        if not size:
            return False
        rest = rest[size:]
        if not rest:
            return True
    return False
