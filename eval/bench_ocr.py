"""OCR benchmark: seconds per scanned page on this machine, and how many pages each dev PDF sends to OCR.

    python -m eval.bench_ocr [--pages 12] [--dpi 200] [--shared ../shared]

1. Scans the first --pages pages of the Shanghai dev PDF (eval/scan.py, seeded) and reads each by
   OCR, printing the mean and worst seconds per page and where the time goes (straightening,
   recognition with the orientation check, ruling lines).
2. Reads the same pages on a pool of 1 and 2 processes, each engine given its share of the cores
   as ``yusuan convert --workers N`` gives it, and prints the wall-clock seconds per page.
3. Reads every dev PDF under ../shared/pdfs with ``--ocr auto`` and prints the share of its pages that
   needed OCR (0 on clean text PDFs) and why.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pymupdf
from rich.console import Console
from rich.table import Table

from eval.scan import ScanStyle, page_images, scan_pdf
from eval.shared import SHARED, need
from extractor.batch.pool import ocr_threads
from extractor.ingest.ocr import engine, ocr_image
from extractor.ingest.pdf import OCR_DPI, read_page
from extractor.ingest.raster import ruling_rects, straighten

SHANGHAI = Path("pdfs/shanghai/上海市普陀区人民政府办公室25年预算.pdf")


def scanned_pages(pdf: Path, pages: int, dpi: int) -> list[tuple[np.ndarray, float, float]]:
    """The PDF's first pages scanned (seeded) and rendered back as page images at the OCR resolution."""
    source = pymupdf.open(pdf)
    source.select(range(min(pages, source.page_count)))
    return page_images(scan_pdf(source.tobytes(), ScanStyle(dpi=dpi), seed=1), OCR_DPI)


def ocr_speed(pdf: Path, pages: int, dpi: int, console: Console) -> None:
    """Scan the PDF's first pages and time reading each by OCR."""
    images = scanned_pages(pdf, pages, dpi)
    engine()  # model loading is once per process, not per page
    ppp = OCR_DPI / 72
    totals, straightening, rules = [], [], []
    for gray, _, _ in images:
        start = time.perf_counter()
        ocr_image(gray, ppp)
        totals.append(time.perf_counter() - start)
        start = time.perf_counter()
        upright = straighten(gray)
        straightening.append(time.perf_counter() - start)
        start = time.perf_counter()
        ruling_rects(upright.image, ppp)
        rules.append(time.perf_counter() - start)
    table = Table(title=f"OCR speed: {len(images)} pages of {pdf.name} scanned at {dpi} dpi, read at {OCR_DPI} dpi, "
                        f"{os.cpu_count()} cores")
    for column in ("s/page mean", "s/page worst", "straighten", "ruling lines", "recognition + orientation"):
        table.add_column(column, justify="right")
    mean = statistics.mean(totals)
    table.add_row(f"{mean:.2f}", f"{max(totals):.2f}", f"{statistics.mean(straightening):.2f}",
                  f"{statistics.mean(rules):.2f}",
                  f"{mean - statistics.mean(straightening) - statistics.mean(rules):.2f}")
    console.print(table)


def _init(threads: int) -> None:
    os.environ["YUSUAN_OCR_THREADS"] = str(threads)


def _read(gray: np.ndarray) -> int:
    return len(ocr_image(gray, OCR_DPI / 72).words)


def ocr_throughput(pdf: Path, pages: int, dpi: int, console: Console) -> None:
    """Wall-clock seconds per page when a pool of workers reads the scanned pages."""
    images = [gray for gray, _, _ in scanned_pages(pdf, pages, dpi)]
    table = Table(title=f"OCR throughput: {len(images)} scanned pages on a process pool, {os.cpu_count()} cores")
    for column in ("workers", "threads each", "wall s/page", "pages/min"):
        table.add_column(column, justify="right")
    for workers in (1, 2):
        threads = ocr_threads(workers)
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_init,
                                 initargs=(threads,)) as pool:
            list(pool.map(_read, images[:workers]))  # load the models in every worker first
            start = time.perf_counter()
            list(pool.map(_read, images))
            per_page = (time.perf_counter() - start) / len(images)
        table.add_row(str(workers), str(threads), f"{per_page:.2f}", f"{60 / per_page:.0f}")
    console.print(table)


def ocr_share(pdfs: list[Path], console: Console) -> None:
    """Print, per PDF, the pages ``--ocr auto`` reads by OCR and the reasons."""
    table = Table(title="pages needing OCR with --ocr auto")
    for column in ("PDF", "pages", "OCR'd", "share", "reasons"):
        table.add_column(column, justify="left" if column in ("PDF", "reasons") else "right")
    for pdf in pdfs:
        doc = pymupdf.open(pdf)
        reasons = [read_page(page, "auto", pdf) for page in doc]
        ocrd = [r.reason for r in reasons if r.ocr]
        table.add_row(pdf.name[:40], str(doc.page_count), str(len(ocrd)), f"{len(ocrd) / max(doc.page_count, 1):.2f}",
                      ", ".join(sorted(set(ocrd))) or "–")
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    """Run the three measurements."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared dev data (default: ../shared)")
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--dpi", type=int, default=200)
    args = parser.parse_args(argv)
    console = Console(width=160)
    (shanghai,) = need([p for p in [args.shared / SHANGHAI] if p.is_file()], "eval.bench_ocr",
                       f"the Shanghai dev PDF {args.shared / SHANGHAI} (--shared DIR)")
    pdfs = need(sorted((args.shared / "pdfs").rglob("*.pdf")), "eval.bench_ocr",
                f"the dev PDFs in {args.shared / 'pdfs'}")
    ocr_speed(shanghai, args.pages, args.dpi, console)
    ocr_throughput(shanghai, args.pages, args.dpi, console)
    ocr_share(pdfs, console)
    return 0


if __name__ == "__main__":
    sys.exit(main())
