"""Layout styles, number formatting and line wrapping for the test renderer (pure apart from font metrics)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cache

import pymupdf

LAYOUTS = ("grid", "borderless", "narrow")

#: The CJK font shipped with PyMuPDF (Droid Sans Fallback); it also covers ASCII, full-width forms and ≥ ≤.
FONT = pymupdf.Font("china-s")
ASCENDER = FONT.ascender
LINE_FACTOR = 1.32  # line pitch / font size: ascender - descender plus a little lead

_TOKEN = re.compile(r"[A-Za-z0-9.,%+\-~/]+|\s+|.", re.S)


@dataclass(frozen=True)
class RenderStyle:
    """How one layout draws a filing: ruling, column economy, number format, sizes."""

    layout: str
    seed: int
    ruled: bool  # every table cell boxed with lines
    narrow: bool  # columns narrow enough that names and long numbers wrap
    thousands: bool  # amounts printed with thousands separators
    enumerate_items: bool  # two-sided summaries number their items 一、二、…
    font_size: float
    pad: float  # cell padding, points
    top_margin: float

    def hpad(self, size: float) -> float:
        """Return the horizontal cell padding for a font size.

        Texts in neighbouring cells stay at least about one em apart, the gap PyMuPDF needs after a CJK
        character before it starts a new word; borderless layouts space their columns wider still.
        """
        return max(self.pad, (0.55 if self.ruled else 0.8) * size)

    def rng(self, purpose: str) -> random.Random:
        """Return a generator private to one purpose, so adding draws elsewhere never shifts it."""
        return random.Random(f"{self.layout}:{self.seed}:{purpose}")


def make_style(layout: str, seed: int = 0) -> RenderStyle:
    """Given a layout name and a seed, return the style; the seed only nudges sizes and margins."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
    rng = random.Random(f"{layout}:{seed}:style")
    return RenderStyle(
        layout=layout,
        seed=seed,
        ruled=layout != "borderless",
        narrow=layout == "narrow",
        thousands=layout == "borderless",
        enumerate_items=rng.random() < 0.6,
        font_size=rng.choice((8.5, 9.0, 9.5)),
        pad=rng.uniform(2.2, 3.2),
        top_margin=rng.uniform(46.0, 60.0),
    )


def format_amount(value: float | int | None, thousands: bool = False) -> str:
    """Return an amount as printed: two decimals, optional thousands separators, blank for None."""
    if value is None:
        return ""
    return f"{value:,.2f}" if thousands else f"{value:.2f}"


def format_quantity(value: float | int | None) -> str:
    """Return a count (数量) as printed: whole numbers without decimals."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}"


def format_value(key: str, value: float | int | None, thousands: bool = False) -> str:
    """Return a table cell's printed text for a value key."""
    if key == "quantity":
        return format_quantity(value)
    return format_amount(value, thousands)


@cache
def _advance(char: str) -> float:
    return FONT.text_length(char, 1.0)


def text_width(text: str, size: float) -> float:
    """Return the width of text set in the renderer font (per-character advances, cached)."""
    return size * sum(map(_advance, text))


def wrap_text(text: str, width: float, size: float, break_anywhere: bool = False) -> list[str]:
    """Given text and a line width, return its lines; ASCII runs stay whole unless too long or break_anywhere."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, width, size, break_anywhere))
    return lines


def balanced_wrap(text: str, width: float, size: float) -> list[str]:
    """Wrap like wrap_text but share the text evenly over the lines it needs ("财政拨款/收入", not "财政拨款收/入")."""
    lines = wrap_text(text, width, size)
    if len(lines) < 2 or "\n" in text:
        return lines
    trial = text_width(text, size) / len(lines)
    while trial < width:
        balanced = wrap_text(text, trial, size)
        if len(balanced) <= len(lines):
            return balanced
        trial += size / 4
    return lines


def _wrap_paragraph(text: str, width: float, size: float, break_anywhere: bool) -> list[str]:
    if not text:
        return [""]
    tokens = list(text) if break_anywhere else _TOKEN.findall(text)
    lines: list[str] = []
    line, line_w = "", 0.0
    for token in tokens:
        token_w = text_width(token, size)
        if line_w + token_w <= width + 0.01:
            line, line_w = line + token, line_w + token_w
            continue
        if token.isspace():
            lines.append(line)
            line, line_w = "", 0.0
            continue
        if line:
            lines.append(line)
        line, line_w = "", 0.0
        for char in token:  # a token wider than the line is cut by characters, in order
            char_w = text_width(char, size)
            if line and line_w + char_w > width + 0.01:
                lines.append(line)
                line, line_w = "", 0.0
            line, line_w = line + char, line_w + char_w
    lines.append(line)
    return [ln.strip() for ln in lines if ln.strip()] or [""]


def chinese_numeral(n: int) -> str:
    """Return 1..99 as a Chinese numeral (一, 十二, 二十一)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else digits[tens]
    return head + "十" + (digits[ones] if ones else "")
