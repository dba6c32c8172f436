"""Split a row's printed text into code, name words and numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.record.normalize import normalize_name
from extractor.record.numbers import is_amount, join_split_code, join_split_numbers, parse_amount

_ENUMERATOR_START = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\))")
_SUB_ENUMERATOR = re.compile(r"^\s*(?:\d{1,2}\s*[、.．](?!\d)|\(\d{1,2}\))")
_CODE_AND_NAME = re.compile(r"^(\d{3}(?:\d{2}){0,2})([^\d.].*)$")


@dataclass(frozen=True)
class Segment:
    """A run of name words followed by the numbers printed after them."""

    raw: str
    numbers: tuple[float, ...]

    @property
    def name(self) -> str:
        """Return the normalised name."""
        return normalize_name(self.raw)

    @property
    def enumerated(self) -> bool:
        """Return True when the printed name starts with an enumerator such as 一、."""
        return bool(_ENUMERATOR_START.match(self.raw))

    @property
    def sub_enumerated(self) -> bool:
        """Return True when the printed name starts with a second-level enumerator such as 1. or (1)."""
        return bool(_SUB_ENUMERATOR.match(self.raw))


def tokens_of(text: str) -> list[str]:
    """Return whitespace tokens with split numbers rejoined."""
    return join_split_numbers(text.split())


def split_code(tokens: list[str]) -> tuple[str | None, list[str]]:
    """Return the leading classification code (rejoined if split, or glued to the name) and the rest."""
    code, rest = join_split_code(tokens)
    if code is None and tokens:
        glued = _CODE_AND_NAME.match(tokens[0])
        if glued:
            return glued.group(1), [glued.group(2), *tokens[1:]]
    return code, rest


def name_and_numbers(tokens: list[str]) -> tuple[str, list[float]]:
    """Return the normalised name and the amounts printed after its last word (a number inside a
    name, such as 单价在20万元以上的设备, stays in the name)."""
    last_word = max((i for i, t in enumerate(tokens) if not is_amount(t)), default=-1)
    numbers = [parse_amount(t) for t in tokens[last_word + 1:]]
    return normalize_name("".join(tokens[: last_word + 1])), [n for n in numbers if n is not None]


def segments(tokens: list[str]) -> list[Segment]:
    """Return name/number runs; a word starting with an enumerator (二、) starts a new name."""
    out: list[tuple[list[str], list[float]]] = []
    for token in tokens:
        amount = parse_amount(token)
        if amount is not None:
            if not out:
                out.append(([], []))
            out[-1][1].append(amount)
        elif not out or out[-1][1] or _ENUMERATOR_START.match(token):
            out.append(([token], []))
        else:
            out[-1][0].append(token)
    return [Segment("".join(w), tuple(n)) for w, n in out]
