"""Scanned test set: turn PDFs into image-only PDFs that look like scans of the printed pages.

    python -m eval.scan IN.pdf [IN2.pdf …] --out DIR [--dpi 200] [--seed 0] [--turns]

Each page is rendered to grey pixels at the given resolution, then degraded as a scanner and a
photocopier would: a slight skew (up to ±2.5°), blur, sensor noise and specks, JPEG compression;
with ``--turns`` some pages are also fed in a quarter or half turn (90/180/270°). The pages are
rebuilt as a PDF holding only the JPEG images (no text layer). Everything is seeded: the same
input, resolution and seed give the same bytes.

``eval/scan_eval.py`` builds the scanned versions of the labelled dev PDFs and the rendered gold,
converts them and scores them against gold.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pymupdf

from extractor.ingest.raster import rotate


@dataclass(frozen=True)
class ScanStyle:
    """How hard a scan is on the page: resolution and degradations (all drawn from a seed per page)."""

    dpi: int = 200
    max_skew: float = 2.5  # degrees either way
    blur: float = 0.6  # Gaussian sigma in pixels at 200 dpi
    noise: float = 8.0  # grey-level standard deviation
    specks: float = 0.0005  # share of pixels flipped to dark or light
    jpeg_quality: int = 60
    turns: bool = False  # feed about one page in five a quarter or half turn


def scan_page(gray: np.ndarray, style: ScanStyle, rng: random.Random) -> tuple[np.ndarray, int]:
    """Return a degraded copy of a grey page image and the quarter turns (counter-clockwise) applied."""
    image = rotate(gray, rng.uniform(-style.max_skew, style.max_skew))
    sigma = style.blur * style.dpi / 200
    if sigma > 0:
        image = cv2.GaussianBlur(image, (0, 0), sigma)
    noise_rng = np.random.default_rng(rng.randrange(2**32))
    noisy = image.astype(np.float32) + noise_rng.normal(0.0, style.noise, image.shape).astype(np.float32)
    specks = noise_rng.random(image.shape)
    noisy[specks < style.specks / 2] = 40.0
    noisy[specks > 1 - style.specks / 2] = 255.0
    image = np.clip(noisy, 0, 255).astype(np.uint8)
    turns = rng.choice((1, 2, 3)) if style.turns and rng.random() < 0.2 else 0
    return (np.ascontiguousarray(np.rot90(image, turns)) if turns else image), turns


def page_images(data: bytes, dpi: int) -> list[tuple[np.ndarray, float, float]]:
    """Return each page of a PDF (bytes) as grey pixels at ``dpi`` with its size in points."""
    source = pymupdf.open(stream=data, filetype="pdf")
    out = []
    for page in source:
        pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
        gray = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width)
        out.append((np.ascontiguousarray(gray), page.rect.width, page.rect.height))
    return out


def image_only_pdf(pages: list[tuple[np.ndarray, float, float]], jpeg_quality: int = 75) -> bytes:
    """Return a PDF whose pages hold only the given grey images (JPEG), each filling its page."""
    target = pymupdf.open()
    for image, width, height in pages:
        ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality])
        if not ok:  # pragma: no cover - OpenCV always encodes a uint8 image
            raise RuntimeError("JPEG encoding failed")
        out = target.new_page(width=width, height=height)
        out.insert_image(out.rect, stream=jpeg.tobytes())
    target.set_metadata({"producer": "yusuan eval.scan", "creator": "yusuan eval.scan"})
    return target.tobytes(garbage=3, deflate=True, no_new_id=True)


def scan_pdf(data: bytes, style: ScanStyle, seed: int = 0) -> bytes:
    """Return an image-only PDF that scans every page of the PDF given as bytes."""
    rng = random.Random(seed)
    scanned = []
    for gray, width, height in page_images(data, style.dpi):
        image, turns = scan_page(gray, style, rng)
        scanned.append((image, height, width) if turns % 2 else (image, width, height))
    return image_only_pdf(scanned, style.jpeg_quality)


def scan_file(source: Path, target: Path, style: ScanStyle, seed: int = 0) -> Path:
    """Write the scanned version of one PDF; return its path."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(scan_pdf(source.read_bytes(), style, seed))
    return target


def main() -> int:
    """Scan the PDFs given into --out."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pdfs", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--turns", action="store_true", help="feed some pages turned 90/180/270°")
    args = parser.parse_args()
    style = ScanStyle(dpi=args.dpi, turns=args.turns)
    for pdf in args.pdfs:
        written = scan_file(pdf, args.out / pdf.name, style, args.seed)
        print(f"{pdf} → {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
