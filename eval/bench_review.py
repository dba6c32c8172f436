"""Review app benchmark: how long a table view takes to show in a real browser, cold and warm, and screenshots.

    python -m eval.bench_review [--pdf ../shared/pdfs/...pdf] [--dpi 110] [--shots docs] [--repeat 3]

1. Converts one filing of about 40 pages (default: the Xi'an 宣传部 filing under ../shared/pdfs, 44 pages, with
   failed tables) and the other filings of its folder (for the documents list) into a fresh store, and starts
   `yusuan review` on it (its own process, a free port).
2. Drives Debian's Chromium (/usr/bin/chromium, through Playwright) over every non-empty table: "cold" opens the
   table view with the page-image cache removed (the page is rendered by PyMuPDF for this request), "warm" opens it
   again (the PNG read from the cache). Each load is a fresh browser context (no browser cache) and is timed from
   navigation to the `load` event (HTML, styles, scripts and every page image in). Prints the median and the
   worst over the tables.
3. Times an edit: Enter in an amount cell until the re-checked panel is back (verdict, findings, message), and u
   (undo) until it is back again, 3 per pass.
4. First of all, saves screenshots of the main views into --shots: the documents list, the filing's parts, a failed
   table with a finding clicked (row and box lit), a card (docs/review-*.png; the README shows them).
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from eval.shared import SHARED

REPO = Path(__file__).resolve().parents[1]
FILING = SHARED / "pdfs" / "cities" / "西安" / "宣传部_2026年部门预算.pdf"
CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = {"width": 1280, "height": 800}


def yusuan(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "extractor.cli", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=900)
    if done.returncode not in (0, 1):
        raise SystemExit(f"error: yusuan {args[0]} failed: {done.stderr.strip()}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, port: int, dpi: int) -> subprocess.Popen[str]:
    server = subprocess.Popen([sys.executable, "-m", "extractor.cli", "review", "--db", str(db), "--port", str(port),
                               "--dpi", str(dpi)], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"error: yusuan review exited: {server.stderr.read() if server.stderr else ''}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("error: yusuan review did not answer within 120 s")


def timed_load(browser: Any, url: str) -> float:
    """Seconds from navigation to the load event (every page image in), in a fresh context (no browser cache)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, wait_until="load")
    seconds = time.perf_counter() - start
    images = page.eval_on_selector_all("img.page-image", "els => els.map(e => e.complete && e.naturalWidth > 0)")
    context.close()
    if not all(images):
        raise SystemExit(f"error: a page image of {url} did not load")
    return seconds


def tables_of(browser: Any, base: str, name: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Return the URL of the document ``name`` and its tables: (index, status, page) of each table with a page."""
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(base + "/")
    page.get_by_role("link", name=name, exact=True).click()
    rows = page.eval_on_selector_all(
        'tr.part[data-part="table"]',
        "rows => rows.map(r => [Number(r.dataset.index), r.className, r.children[4].textContent.trim()])")
    url = page.url
    page.close()
    return url, [(index, cls.replace("part status-", ""), first) for index, cls, first in rows if first]


def measure(browser: Any, document_url: str, tables: list[tuple[int, str, str]], cache: Path, dpi: int,
            repeat: int) -> tuple[list[float], list[float]]:
    cold, warm = [], []
    for _ in range(repeat):
        for index, _status, _page in tables:
            url = f"{document_url}/tables/{index}?dpi={dpi}"
            shutil.rmtree(cache, ignore_errors=True)
            cold.append(timed_load(browser, url))
            warm.append(timed_load(browser, url))
    return cold, warm


def timed_edits(browser: Any, document_url: str, tables: list[tuple[int, str, str]], dpi: int, times: int
                ) -> tuple[list[float], list[float]]:
    """Seconds from Enter in an amount cell to the re-checked panel (verdict, message) and from u (undo) to the
    panel again, ``times`` each, on the document's first table with rows (the store keeps them, undone)."""
    page = browser.new_page(viewport=VIEWPORT)
    edits, undos = [], []
    for index, _status, _page in tables:
        page.goto(f"{document_url}/tables/{index}?dpi={dpi}")
        if page.locator("#grid input.cell").count():
            break
    for _ in range(times):
        cell = page.locator("#grid input.cell").first
        field, before = cell.get_attribute("data-field"), cell.input_value()
        cell.fill(f"{float(before or 0) + 1:.2f}")
        start = time.perf_counter()
        cell.press("Enter")
        page.locator("#message", has_text="saved:").wait_for()
        edits.append(time.perf_counter() - start)
        start = time.perf_counter()
        page.keyboard.press("u")
        page.locator("#message", has_text="undone:").wait_for()
        undos.append(time.perf_counter() - start)
        if page.locator(f'#grid input.cell[data-field="{field}"]').first.input_value() != before:
            raise SystemExit("error: undo did not bring the extracted value back")
    page.close()
    return edits, undos


def screenshots(browser: Any, base: str, document_url: str, tables: list[tuple[int, str, str]], shots: Path,
                dpi: int) -> list[Path]:
    shots.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport=VIEWPORT)
    written = []
    page.goto(base + "/")
    written.append(_shot(page, shots / "review-documents.png"))
    page.goto(document_url)
    written.append(_shot(page, shots / "review-document.png"))
    failed = [index for index, status, _ in tables if status == "failed"] or [tables[0][0]]
    page.goto(f"{document_url}/tables/{failed[0]}?dpi={dpi}")
    if page.locator("li.finding[data-row-key]:not([data-row-key=''])").count():
        page.locator("li.finding[data-row-key]:not([data-row-key=''])").first.click()
        page.locator(".page-box").first.click()  # zoom in: the page at its own size, scrolled to the lit box
    written.append(_shot(page, shots / "review-table.png"))
    page.goto(document_url)
    cards = page.locator('tr.part[data-part="card"] a')
    if cards.count():
        cards.first.click()
        page.wait_for_load_state("load")
        written.append(_shot(page, shots / "review-card.png"))
    page.close()
    return written


def _shot(page: Any, path: Path) -> Path:
    page.screenshot(path=str(path))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdf", type=Path, default=FILING, help="the filing to review (about 40 pages)")
    parser.add_argument("--dpi", type=int, default=110)
    parser.add_argument("--shots", type=Path, default=REPO / "docs", help="folder for the screenshots")
    parser.add_argument("--no-shots", action="store_true", help="only time, write no screenshots")
    parser.add_argument("--repeat", type=int, default=1, help="passes over the tables (0: only the screenshots)")
    args = parser.parse_args()
    if not args.pdf.is_file():
        raise SystemExit(f"error: bench_review needs the filing {args.pdf} (../shared/pdfs)")
    if not CHROMIUM.exists():
        raise SystemExit("error: bench_review needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        db = Path(tmp) / "bench.duckdb"
        yusuan("convert", str(args.pdf), *(str(p) for p in sorted(args.pdf.parent.glob("*.pdf")) if p != args.pdf),
               "--db", str(db), "-q")
        port = free_port()
        server = start_server(db, port, args.dpi)
        base = f"http://127.0.0.1:{port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                     args=["--no-sandbox", "--headless=new", "--disable-gpu"])
                document_url, tables = tables_of(browser, base, args.pdf.stem)
                written = [] if args.no_shots else screenshots(browser, base, document_url, tables, args.shots,
                                                               args.dpi)
                cold, warm = measure(browser, document_url, tables, Path(f"{db}.review-cache"), args.dpi,
                                     args.repeat)
                edits, undos = timed_edits(browser, document_url, tables, args.dpi, 3 * args.repeat)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    pages = yusuan_pages(args.pdf)
    if cold:
        print(f"filing: {args.pdf.name} ({pages} pages), {len(tables)} tables with a page, dpi {args.dpi}, "
              f"{args.repeat} pass(es)")
        print(f"table view, cold (page rendered):  median {statistics.median(cold) * 1000:.0f} ms, "
              f"worst {max(cold) * 1000:.0f} ms")
        print(f"table view, warm (page cached):    median {statistics.median(warm) * 1000:.0f} ms, "
              f"worst {max(warm) * 1000:.0f} ms")
        print(f"edit a cell → re-checked panel:     median {statistics.median(edits) * 1000:.0f} ms, "
              f"worst {max(edits) * 1000:.0f} ms ({len(edits)} edits)")
        print(f"undo (u) → re-checked panel:        median {statistics.median(undos) * 1000:.0f} ms, "
              f"worst {max(undos) * 1000:.0f} ms")
    _print_shots(written)


def _print_shots(written: list[Path]) -> None:
    for path in written:
        print(f"screenshot: {path.relative_to(REPO) if path.is_relative_to(REPO) else path} "
              f"({path.stat().st_size // 1024} KB)")


def yusuan_pages(pdf: Path) -> int:
    import pymupdf

    with pymupdf.open(pdf) as document:
        return int(document.page_count)


if __name__ == "__main__":
    main()
