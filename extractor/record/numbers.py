"""Numbers and codes as printed: parse amounts, repair numbers and codes split by stray spaces."""

from __future__ import annotations

import re

_AMOUNT = re.compile(r"^[-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[-−]?\d+(?:\.\d+)?$")
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_DIGITS = re.compile(r"^\d+$")
_BLANK_MARKS = frozenset({"-", "—", "--", "——", "/", "－"})


def parse_amount(text: str) -> float | None:
    """Return the number a cell prints (thousands separators and inner spaces allowed), else None."""
    compact = re.sub(r"\s+", "", text).replace("−", "-")
    if not compact or compact in _BLANK_MARKS or not _AMOUNT.match(compact):
        return None
    return float(compact.replace(",", ""))


def is_amount(token: str) -> bool:
    """Return True when the token is a printed amount."""
    return parse_amount(token) is not None


def is_code(token: str) -> bool:
    """Return True for a classification code: 3, 5 or 7 digits."""
    return bool(_CODE.match(token))


def join_split_numbers(tokens: list[str]) -> list[str]:
    """Rejoin amounts a dump split with spaces: "1396 .37", "377. 33", "32.3 0" become one token."""
    out: list[str] = []
    for token in tokens:
        if out and _continues_number(out[-1], token):
            out[-1] += token
        else:
            out.append(token)
    return out


def _continues_number(previous: str, token: str) -> bool:
    if not _DIGITS.match(previous.replace(".", "").replace("-", "")) or not previous:
        return False
    if previous.endswith(".") and _DIGITS.match(token):
        return True
    if token.startswith(".") and _DIGITS.match(token[1:]) and "." not in previous:
        return True
    head, _, tail = previous.partition(".")
    return bool(head) and len(tail) == 1 and len(token) == 1 and token.isdigit()


def join_split_code(tokens: list[str]) -> tuple[str | None, list[str]]:
    """Return (code, rest) when the leading digit tokens form a 3/5/7-digit code ("2014 0" → 20140)."""
    digits = ""
    for i, token in enumerate(tokens):
        if not _DIGITS.match(token) or len(digits + token) > 7:
            break
        digits += token
        if is_code(digits) and (i + 1 == len(tokens) or not _DIGITS.match(tokens[i + 1])
                                or len(digits + tokens[i + 1]) > 7):
            return digits, tokens[i + 1:]
    return None, tokens
