"""Text normalisation shared by the extractor and the scorer (contract: row rules)."""

from __future__ import annotations

import re
import unicodedata

#: CJK Radicals Supplement look-alikes (U+2E80–U+2EFF) that NFKC leaves alone.
RADICAL_LOOKALIKES: dict[str, str] = {
    "⺀": "冫", "⺁": "厂", "⺅": "亻", "⺇": "几", "⺈": "刀", "⺉": "刂", "⺊": "卜", "⺋": "卩",
    "⺌": "小", "⺍": "小", "⺎": "尢", "⺏": "尢", "⺐": "尢", "⺑": "尢", "⺒": "巳", "⺓": "幺",
    "⺔": "彐", "⺕": "彐", "⺖": "忄", "⺗": "心", "⺘": "扌", "⺙": "攵", "⺛": "无", "⺜": "日",
    "⺝": "月", "⺞": "歹", "⺟": "母", "⺠": "民", "⺡": "氵", "⺢": "水", "⺣": "灬", "⺤": "爫",
    "⺥": "爫", "⺦": "丬", "⺧": "牛", "⺨": "犭", "⺩": "王", "⺪": "疋", "⺫": "目", "⺬": "示",
    "⺭": "礻", "⺮": "竹", "⺯": "糹", "⺰": "纟", "⺱": "罒", "⺲": "罒", "⺳": "网", "⺴": "网",
    "⺵": "网", "⺶": "羊", "⺷": "羊", "⺸": "羊", "⺹": "老", "⺺": "聿", "⺻": "聿", "⺼": "月",
    "⺽": "臼", "⺾": "艹", "⺿": "艹", "⻀": "艹", "⻁": "虎", "⻂": "衤", "⻃": "西", "⻄": "西",
    "⻅": "见", "⻆": "角", "⻇": "角", "⻈": "讠", "⻉": "贝", "⻊": "足", "⻋": "车", "⻌": "辶",
    "⻍": "辶", "⻎": "辶", "⻏": "阝", "⻐": "钅", "⻑": "長", "⻒": "镸", "⻓": "长", "⻔": "门",
    "⻕": "阝", "⻖": "阝", "⻗": "雨", "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞",
    "⻝": "食", "⻞": "食", "⻟": "食", "⻠": "饣", "⻡": "首", "⻢": "马", "⻣": "骨", "⻤": "鬼",
    "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻪": "黾", "⻫": "斉", "⻬": "齐",
    "⻭": "歯", "⻮": "齿", "⻯": "竜", "⻰": "龙", "⻱": "龜", "⻲": "亀", "⻳": "龟",
}
_RADICAL_TABLE = str.maketrans(RADICAL_LOOKALIKES)

_ENUMERATOR = re.compile(
    # (一) 一、 1. and an enumerator whose numeral a scan lost or misread as a dash ("、", "-、") or
    # that a scan put a stray mark before ("5二、")
    r"^(?:[（(][一二三四五六七八九十百\d]+[)）]|[\dA-Za-z|'\"·.-]?[一二三四五六七八九十百]+[、.．]|\d+[、.．](?!\d)"
    r"|[-—－]?、)"
)
_QIZHONG = re.compile(r"^其中[:：]?")
#: Chinese characters (CJK Unified Ideographs and Extension A, U+3400–U+9FFF), as the body of a regex
#: character class: ``re.compile(f"[{HANZI}]+")``.
HANZI = "\u3400-\u9fff"
_SPACE = re.compile(r"\s+")
#: Quotation marks the contract's comparison form drops (“三公”经费小计 = 三公经费小计).
_QUOTES = re.compile("[“”‘’\"'「」]")


def fold_text(text: str) -> str:
    """Return text in NFKC with radical look-alikes mapped; whitespace kept."""
    return unicodedata.normalize("NFKC", text).translate(_RADICAL_TABLE)


def normalize_text(text: str | None) -> str:
    """Return the contract's comparison form: folded, with all whitespace and quotation marks removed."""
    if text is None:
        return ""
    return _QUOTES.sub("", _SPACE.sub("", fold_text(text)))


def normalize_name(name: str | None) -> str:
    """Return a row name normalised per the contract (fold, no spaces, no enumerator, no 其中)."""
    text = normalize_text(name)
    text = _ENUMERATOR.sub("", text, count=1)
    return _QIZHONG.sub("", text, count=1)


def is_hanzi(ch: str) -> bool:
    """Return True for a Chinese character (see HANZI)."""
    return "\u3400" <= ch <= "\u9fff"
