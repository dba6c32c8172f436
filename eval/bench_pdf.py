"""Speed of the PDF path on the same pages in one run: bare PyMuPDF text extraction, our full
convert (PDF → validated record → DuckDB), and pdfplumber's extract_tables. Prints seconds per
page and the ratios. A script, not a test: run it on an idle machine.

    python eval/bench_pdf.py ../shared/pdfs [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pymupdf

from extractor.pipeline import Filing, convert_filing
from extractor.store import StoredDocument, file_content_hash, open_store, write_document


def bare_pymupdf(paths: list[Path]) -> int:
    """Extract every page's text with PyMuPDF and nothing else; return the page count."""
    pages = 0
    for path in paths:
        with pymupdf.open(path) as document:
            for page in document.pages():
                page.get_text()
                pages += 1
    return pages


def ours(paths: list[Path], db: Path) -> int:
    """Convert each PDF and store it in DuckDB, as `yusuan convert` does; return the page count."""
    con = open_store(db)
    pages = 0
    try:
        for path in paths:
            result = convert_filing(Filing(path.stem, path, (path,)))
            write_document(con, StoredDocument(
                document_id=file_content_hash([path]), source_path=str(path), source_name=path.stem,
                status=result.status, error=result.error, record=result.record, findings=result.findings,
                pages=result.pages, timings=result.timings, extractor="rules"))
            pages += result.pages
    finally:
        con.close()
    return pages


def pdfplumber_tables(paths: list[Path]) -> int:
    """Run pdfplumber's extract_tables on every page; return the page count."""
    import pdfplumber

    pages = 0
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_tables()
                pages += 1
    return pages


def timed(work: Callable[[], int], repeat: int) -> tuple[float, int]:
    """Return the best wall time over ``repeat`` runs and the pages processed."""
    best, pages = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        pages = work()
        best = min(best, time.perf_counter() - start)
    return best, pages


def main() -> int:
    """Run the three measurements on every PDF under the folder and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    paths = sorted(args.folder.rglob("*.pdf"))
    if not paths:
        print(f"no PDFs under {args.folder}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        bare, pages = timed(lambda: bare_pymupdf(paths), args.repeat)
        full, _ = timed(lambda: ours(paths, db), args.repeat)
    plumber, _ = timed(lambda: pdfplumber_tables(paths), 1)
    print(f"{len(paths)} PDFs, {pages} pages (best of {args.repeat}; pdfplumber once)")
    for label, seconds in (("bare PyMuPDF get_text", bare), ("yusuan convert → DuckDB", full),
                           ("pdfplumber extract_tables", plumber)):
        print(f"  {label:28} {seconds:8.3f} s  {1000 * seconds / pages:8.2f} ms/page")
    print(f"  ours / bare PyMuPDF        {full / bare:8.2f}x")
    print(f"  pdfplumber / ours          {plumber / full:8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
