"""Page-image geometry, pure (numpy + OpenCV): straighten a scanned page and find its ruling lines.

A scan arrives turned by a quarter turn or skewed by a few degrees; text lines and table rules
then no longer run along the pixel rows. The projection profile (ink per pixel row) is sharpest
when they do, so the page is turned to the quarter turn and the small angle that make it sharpest.
Upside-down pages look as sharp as upright ones; telling those apart needs the text classifier
(see ocr.py). Ruling lines are long thin runs of ink, kept by a morphological opening.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

Box = tuple[float, float, float, float]

_PROFILE_SIDE = 1000  # pixels: the long side of the reduced image the profile is measured on
_MAX_SKEW = 4.0  # degrees searched either way
_INK = 160  # grey level below which a pixel is ink (on a white page)
_RULE_INK = 200  # grey level below which a pixel can be part of a ruling line
_TURN_RATIO = 1.5  # turn a quarter when the lines band this much more sharply down the page
_UNSURE = (0.6, 3.0)  # between these ratios the banding does not settle the turn


@dataclass(frozen=True)
class Straightened:
    """A page image turned upright: quarter turns applied (counter-clockwise) and the skew removed."""

    image: np.ndarray
    quarter_turns: int
    skew: float  # degrees the scan was rotated counter-clockwise (undone in ``image``)
    certain: bool = True  # False when rows and columns band almost alike (narrow, ruled tables)


def to_gray(image: np.ndarray) -> np.ndarray:
    """Return a single-channel uint8 image."""
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_RGBA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def ink(gray: np.ndarray) -> np.ndarray:
    """Return the ink mask (uint8 0/255): Otsu's threshold, capped so a blank page stays blank."""
    threshold, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return ((gray < min(threshold, _INK)) * 255).astype(np.uint8)


def rule_ink(gray: np.ndarray) -> np.ndarray:
    """Return the mask rules are looked for in: anything clearly darker than the paper. A hairline
    scanned across two pixel rows is only mid-grey in each, lighter than text ink; a long run of it
    is a rule all the same, and print is too short to survive the opening that keeps rules."""
    paper = float(np.median(gray))
    return ((gray < min(_RULE_INK, paper - 40)) * 255).astype(np.uint8)


def profile_sharpness(mask: np.ndarray) -> float:
    """Return how sharply ink is banded into pixel rows (sum of squared row-to-row changes)."""
    rows = mask.sum(axis=1, dtype=np.float64) / 255.0
    return float(np.square(np.diff(rows)).sum())


def rotate(image: np.ndarray, degrees: float, fill: int = 255) -> np.ndarray:
    """Return the image rotated counter-clockwise about its centre, same size, corners filled white."""
    if abs(degrees) < 1e-6:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    border = (fill,) * (1 if image.ndim == 2 else image.shape[2])
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=border)


def _reduced_mask(gray: np.ndarray) -> np.ndarray:
    scale = _PROFILE_SIDE / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    return ink(small)


def _best_angle(mask: np.ndarray, angles: np.ndarray) -> tuple[float, float]:
    scores = [profile_sharpness(rotate(mask, float(a), fill=0)) for a in angles]
    best = int(np.argmax(scores))
    return float(angles[best]), scores[best]


def find_skew(mask: np.ndarray) -> tuple[float, float]:
    """Return the rotation (degrees, counter-clockwise) that makes the rows sharpest, and that sharpness."""
    coarse, _ = _best_angle(mask, np.arange(-_MAX_SKEW, _MAX_SKEW + 1e-9, 0.5))
    return _best_angle(mask, np.arange(coarse - 0.5, coarse + 0.5 + 1e-9, 0.05))


def straighten(gray: np.ndarray, quarter_turns: int | None = None) -> Straightened:
    """Turn a page image so its text lines run along pixel rows: a quarter turn if the lines run
    down the page (or as ``quarter_turns`` says), then the small skew angle. Upside-down is not
    decided here. The turn is ``certain`` unless the two directions band alike; a page of narrow
    ruled columns can band more sharply down than across, and the caller should then ask OCR."""
    mask = _reduced_mask(gray)
    if not mask.any():
        return Straightened(gray, 0, 0.0)
    upright_angle, upright = find_skew(mask)
    turned_angle, turned = find_skew(np.ascontiguousarray(np.rot90(mask)))
    ratio = turned / max(upright, 1e-9)
    if quarter_turns is None:
        quarter_turns = 1 if ratio > _TURN_RATIO else 0
    angle = turned_angle if quarter_turns else upright_angle
    image = np.ascontiguousarray(np.rot90(gray)) if quarter_turns else gray
    # The profile is searched on the reduced image; undo the angle found (0.05° steps).
    return Straightened(rotate(image, angle) if abs(angle) >= 0.05 else image, quarter_turns, -angle,
                        not _UNSURE[0] < ratio < _UNSURE[1])


def ruling_rects(gray: np.ndarray, pixels_per_point: float) -> list[Box]:
    """Return the page's ruling lines as thin rectangles in points (horizontal and vertical).

    A rule is a run of ink at least about two characters long (horizontal) or one table row tall
    (vertical) and thinner than a stroke of text; gaps left by a noisy scan are closed first.
    """
    mask = rule_ink(gray)
    rects: list[Box] = []
    long_h = max(int(24 * pixels_per_point), 8)  # ~24 pt: a narrow column is wider
    long_v = max(int(12 * pixels_per_point), 8)  # ~12 pt: a table row is taller
    for horizontal, length in ((True, long_h), (False, long_v)):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
        bridge = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1) if horizontal else (1, 9))
        lines = cv2.morphologyEx(cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel), cv2.MORPH_CLOSE, bridge)
        count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        for x, y, w, h, _area in stats[1:count]:
            rect = _thin_rect(int(x), int(y), int(w), int(h), horizontal, pixels_per_point)
            if rect is not None:
                rects.append(rect)
    return rects


def _thin_rect(x: int, y: int, w: int, h: int, horizontal: bool, ppp: float) -> Box | None:
    """A component of the opened mask → a rule of negligible thickness along its centre line."""
    thickness = h if horizontal else w
    if thickness > 4 * ppp:  # a filled block (a shaded header, a stamp), not a rule
        return None
    if horizontal:
        cy = (y + h / 2) / ppp
        return (x / ppp, cy - 0.25, (x + w) / ppp, cy + 0.25)
    cx = (x + w / 2) / ppp
    return (cx - 0.25, y / ppp, cx + 0.25, (y + h) / ppp)


__all__ = ["Straightened", "find_skew", "ink", "profile_sharpness", "rotate", "rule_ink", "ruling_rects", "straighten",
           "to_gray"]
