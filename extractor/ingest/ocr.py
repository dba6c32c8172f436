"""OCR backend: a page image → positioned words and ruling lines, as the text layer would give them.

The engine is RapidOCR (PP-OCR models shipped in the ``rapidocr`` wheel, run by onnxruntime on the
CPU; nothing is downloaded). The page is first straightened (raster.py), then recognised; if the
text classifier finds most lines upside down the page is turned half-way and read again. Each
recognised line is cut into words where its characters sit apart, so the same grid and line logic
as for text PDFs places them in cells.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import cv2
import numpy as np

from extractor.ingest.geometry import Word, visual_lines
from extractor.ingest.raster import Box, ruling_rects, straighten, to_gray
from extractor.record.normalize import fold_text

_MIN_SCORE = 0.5  # recognition confidence below which a line is dropped as noise
_FLIP_SAMPLE = 8  # lines the orientation classifier looks at
# The detector finds lines on the page scaled to at most this many pixels a side (print at about
# 110 dpi is plenty to find them); the recogniser reads each line from the full-resolution page.
DETECT_SIDE = 1280
_BOX_TO_FONT = 0.85  # a detector's line box is about this much taller than the text layer's word box
_CHECK_SIDE = 800  # the page scaled to this for asking the detector which way its lines run
_FULL_SIDE = 4000  # pages are never scaled down before recognition below this


class OcrUnavailableError(RuntimeError):
    """The OCR engine cannot be loaded (the rapidocr / onnxruntime packages are missing or broken)."""


@dataclass(frozen=True)
class OcrPage:
    """One OCR'd page in points, in the straightened page's frame."""

    words: tuple[Word, ...]
    rules: tuple[Box, ...]
    width: float
    height: float
    quarter_turns: int  # counter-clockwise quarter turns applied to the scan (2 = it was upside down)
    skew: float  # degrees the scan was skewed (removed)
    mean_score: float  # mean recognition confidence of the lines kept


_lock = threading.Lock()


@lru_cache(maxsize=1)
def engine() -> Any:
    """Return the process's OCR engine (loaded once; about 30 MB of models). It uses every core unless
    ``YUSUAN_OCR_THREADS`` says how many (set per worker by a process pool)."""
    try:
        from rapidocr import RapidOCR
    except ImportError as exc:  # pragma: no cover - rapidocr is a dependency
        raise OcrUnavailableError(f"OCR engine not installed ({exc}); pip install rapidocr onnxruntime") from exc
    params: dict[str, Any] = {"Global.log_level": "error", "Global.use_cls": False,
                              "Global.max_side_len": _FULL_SIDE,
                              "Det.limit_type": "max", "Det.limit_side_len": DETECT_SIDE}
    threads = int(os.environ.get("YUSUAN_OCR_THREADS", "0") or 0)
    if threads > 0:  # a pool of N workers gives each its share of the cores
        params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
    return RapidOCR(params=params)


def ocr_image(image: np.ndarray, pixels_per_point: float) -> OcrPage:
    """Straighten a page image (pixels at ``pixels_per_point``), recognise it and return words and rules."""
    gray = to_gray(image)
    upright = straighten(gray)
    if not upright.certain and lines_run_down(upright.image):
        upright = straighten(gray, 1 - upright.quarter_turns)
    gray, turns = upright.image, upright.quarter_turns
    result = _recognise(gray)
    if _upside_down(gray, result):
        gray, turns = np.ascontiguousarray(np.rot90(gray, 2)), turns + 2
        result = _recognise(gray)
    rules = ruling_rects(gray, pixels_per_point)
    verticals = table_verticals(rules)
    words, mean = words_from_result(result, pixels_per_point, verticals)
    words = join_close_words(words, verticals)
    h, w = gray.shape[:2]
    return OcrPage(tuple(words), tuple(rules), w / pixels_per_point, h / pixels_per_point, turns % 4,
                   upright.skew, mean)


def _recognise(gray: np.ndarray) -> Any:
    rgb = np.ascontiguousarray(np.stack([gray] * 3, axis=-1))
    # Every flag is passed on every call: the engine keeps the last call's flags as its defaults.
    with _lock:  # one page at a time per process: the engine uses every core already
        return engine()(rgb, use_det=True, use_cls=False, use_rec=True, return_word_box=True)


def lines_run_down(gray: np.ndarray) -> bool:
    """Ask the text detector, on a small copy of the page, whether its lines are taller than wide."""
    scale = _CHECK_SIDE / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    with _lock:
        found = engine()(np.ascontiguousarray(np.stack([small] * 3, axis=-1)), use_det=True, use_cls=False,
                         use_rec=False, return_word_box=False)
    boxes = getattr(found, "boxes", None)
    if boxes is None or not len(boxes):
        return False
    widths = boxes[:, :, 0].max(axis=1) - boxes[:, :, 0].min(axis=1)
    heights = boxes[:, :, 1].max(axis=1) - boxes[:, :, 1].min(axis=1)
    return float(np.log(np.maximum(widths, 1.0) / np.maximum(heights, 1.0)).sum()) < 0


def _upside_down(gray: np.ndarray, result: Any) -> bool:
    """Ask the text-orientation classifier about the widest lines; most say 180° → upside down."""
    boxes = list(result.boxes) if getattr(result, "boxes", None) is not None else []
    if not boxes:
        return False
    widest = sorted(boxes, key=lambda b: -(b[:, 0].max() - b[:, 0].min()))[:_FLIP_SAMPLE]
    votes = 0
    for box in widest:
        x0, y0 = np.maximum(box.min(axis=0).astype(int), 0)
        x1, y1 = box.max(axis=0).astype(int)
        crop = gray[y0:y1, x0:x1]
        if crop.size == 0:
            continue
        with _lock:
            label = engine()(np.ascontiguousarray(np.stack([crop] * 3, axis=-1)), use_det=False, use_cls=True,
                             use_rec=False)
        found = getattr(label, "cls_res", None) or []
        votes += 1 if found and found[0][0] == "180" and float(found[0][1]) > 0.9 else -1
    return votes > 0


def words_from_result(result: Any, pixels_per_point: float, verticals: Sequence[Box] = ()) -> tuple[list[Word], float]:
    """Return the recognised lines as words in points (cut where characters sit apart or a vertical
    rule runs between them) and the mean confidence of the lines kept."""
    texts = getattr(result, "txts", None) or ()
    if not texts:
        return [], 0.0
    words: list[Word] = []
    scores = []
    per_char = getattr(result, "word_results", None) or [()] * len(texts)
    for box, text, score, chars in zip(result.boxes, texts, result.scores, per_char):
        if float(score) < _MIN_SCORE or not text.strip():
            continue
        scores.append(float(score))
        words.extend(line_words(box, text, chars, pixels_per_point, verticals))
    return words, (sum(scores) / len(scores) if scores else 0.0)


def line_words(box: Any, text: str, chars: Any, ppp: float, verticals: Sequence[Box] = ()) -> list[Word]:
    """Cut one recognised line into words where the recogniser read a space, at gaps wider than half
    its height (a whole height between two Chinese characters), where a vertical rule (in points) runs between
    two characters (text of two cells read as one), and between amounts printed edge to edge."""
    xs, ys = [float(p[0]) for p in box], [float(p[1]) for p in box]
    # The detector's box is its text region grown by a margin; a text layer's word box is about the
    # font's size: take the box's middle part so OCR'd and printed words measure alike.
    middle, half = (min(ys) + max(ys)) / 2 / ppp, (max(ys) - min(ys)) / 2 / ppp * _BOX_TO_FONT
    top, bottom = middle - half, middle + half
    placed = [g for c, _s, b in chars or () for g in _glyphs(str(c), min(p[0] for p in b), max(p[0] for p in b))]
    if not placed or "".join(c for c, _, _ in placed) != text.replace(" ", ""):
        whole = _glyphs(text.strip(), min(xs), max(xs))
        if len(whole) == len(text.strip()):  # no spaces: amounts edge to edge can still be cut apart
            return [_word(piece, top, bottom, ppp) for piece in _split_amounts(whole)]
        return [Word(min(xs) / ppp, top, max(xs) / ppp, bottom, fold_text(text.strip()))]
    rules = [(r[0] + r[2]) / 2 for r in verticals if r[1] <= middle <= r[3]]
    ruled = rule_cuts(placed, [x * ppp for x in rules])
    spaced = _after_spaces(text.strip())
    gap = 0.5 * (max(ys) - min(ys))
    runs, run = [], [placed[0]]
    for i, item in enumerate(placed[1:], start=1):
        wide = gap * (2 if _hanzi(run[-1][0][-1]) and _hanzi(item[0][0]) else 1)
        if item[1] - run[-1][2] > wide or i in ruled or i in spaced:
            runs.append(run)
            run = [item]
        else:
            run.append(item)
    runs.append(run)
    return [within_rules(_word(piece, top, bottom, ppp), rules) for run in runs for piece in _split_amounts(run)]


def within_rules(word: Word, rules: Sequence[float]) -> Word:
    """Pull a word's ends back inside the cell rules (x in points) they overhang by less than a
    character: the detector's box reaches over the cell border, and the grid would otherwise split
    the word there as a text layer's word written across a rule."""
    reach = 0.75 * (word.x1 - word.x0) / max(len(word.text), 1)
    x0, x1 = word.x0, word.x1
    for x in rules:
        if x0 < x < x1 and x1 - x < reach:
            x1 = x - 0.5
        elif x0 < x < x1 and x - x0 < reach:
            x0 = x + 0.5
    return word if (x0, x1) == (word.x0, word.x1) else Word(x0, word.y0, x1, word.y1, word.text)


def rule_cuts(placed: Sequence[tuple[str, float, float]], rules: Sequence[float]) -> set[int]:
    """Return the character indices a line is cut before, one per rule (x in pixels) inside it.

    Character boxes are estimates that can be a character off, so a rule cuts at the nearest change
    between figures and words (``91,016,775.35二、``) when there is one within about a character of
    it, else at the nearest boundary. A rule through the first or last character is the border the
    line's box reached over, not a cut."""
    if len(placed) < 2:
        return set()
    bounds = [(placed[i - 1][2] + placed[i][1]) / 2 for i in range(1, len(placed))]
    width = (placed[-1][2] - placed[0][1]) / len(placed)
    cuts = set()
    for x in rules:
        if not placed[0][2] < x < placed[-1][1]:  # a rule through an end character is the cell's border
            continue
        changes = [i for i, b in enumerate(bounds)
                   if abs(b - x) <= 1.5 * width and _figure(placed[i][0]) != _figure(placed[i + 1][0])]
        best = min(changes or range(len(bounds)), key=lambda i: abs(bounds[i] - x))
        cuts.add(best + 1)
    return cuts


_AMOUNT = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}"
_AMOUNTS = re.compile(rf"(?:{_AMOUNT}){{2,}}")


def _split_amounts(run: list[tuple[str, float, float]]) -> list[list[tuple[str, float, float]]]:
    """Cut a run of amounts read edge to edge (``91,016,775.3591,016,775.35``) after each one's cents."""
    text = "".join(c for c, _, _ in run)  # one character per slot (see _glyphs)
    if not _AMOUNTS.fullmatch(text):
        return [run]
    pieces, start = [], 0
    for match in re.finditer(_AMOUNT, text):
        pieces.append(run[start:match.end()])
        start = match.end()
    return pieces


def _after_spaces(text: str) -> set[int]:
    """Indices (among the non-space characters) of the characters the recogniser read a space before:
    it saw the gap, as a text layer would have split its words there."""
    out, count, pending = set(), 0, False
    for ch in text:
        if ch.strip():
            if pending:
                out.add(count)
            count, pending = count + 1, False
        else:
            pending = True
    return out


def _glyphs(text: str, x0: float, x1: float) -> list[tuple[str, float, float]]:
    """Spread a box's text over its width, one slot per character (spaces dropped): the recogniser
    gives one box per run of Latin letters and digits."""
    step = (x1 - x0) / max(len(text), 1)
    return [(ch, x0 + i * step, x0 + (i + 1) * step) for i, ch in enumerate(text) if ch.strip()]


def _figure(ch: str) -> bool:
    return ch.isdigit() or ch in ",.，．-%"


def table_verticals(rules: Sequence[Box], reach: float = 3.0) -> list[Box]:
    """Return the vertical rules that meet a horizontal one (table rules, not tall strokes of a glyph)."""
    horizontal = [r for r in rules if r[2] - r[0] >= r[3] - r[1]]
    return [v for v in rules if v[2] - v[0] < v[3] - v[1] and any(
        h[0] - reach <= v[0] <= h[2] + reach and (abs(h[1] - v[1]) <= reach or abs(h[1] - v[3]) <= reach
                                                  or v[1] - reach <= h[1] <= v[3] + reach)
        for h in horizontal)]


def join_close_words(words: list[Word], verticals: Sequence[Box] = ()) -> list[Word]:
    """Join words the detector cut out of one run of print (no space between them, no rule between)."""
    out: list[Word] = []
    for line in visual_lines(words):
        current = line[0]
        for word in line[1:]:
            height = max(current.y1 - current.y0, word.y1 - word.y0)
            wide = 0.5 * height * (2 if _hanzi(current.text[-1]) and _hanzi(word.text[0]) else 1)
            # character boxes are estimates: a rule within half a character of the gap parts them
            slack = 0.5 * height
            ruled = any(current.x1 - slack <= (r[0] + r[2]) / 2 <= word.x0 + slack and r[1] <= word.cy <= r[3]
                        for r in verticals)
            if word.x0 - current.x1 <= wide and not ruled:
                current = Word(current.x0, min(current.y0, word.y0), word.x1, max(current.y1, word.y1),
                               current.text + word.text)
            else:
                out.append(current)
                current = word
        out.append(current)
    return out


def _hanzi(ch: str) -> bool:
    """Character boxes inside Chinese text are estimates: only a wide gap there is a space."""
    return ord(ch) >= 0x2E80


def _word(run: list[tuple[str, float, float]], top: float, bottom: float, ppp: float) -> Word:
    return Word(run[0][1] / ppp, top, run[-1][2] / ppp, bottom, fold_text("".join(c for c, _, _ in run)))


__all__ = ["OcrPage", "OcrUnavailableError", "engine", "join_close_words", "line_words", "lines_run_down", "ocr_image",
           "rule_cuts", "table_verticals", "within_rules",
           "words_from_result"]
