"""The review app in a real browser: Debian's Chromium driven by Playwright against `yusuan review` running as
its own process on a free port. The shipped sample with one misread cell is converted; the user finds the
failed table, fixes the value, sees the verdict turn verified, saves the record as gold, and `yusuan eval` scores
that gold 1.0 against the corrected record the store exports (and the shipped gold 1.0 against it as well: the
fix restored what the filing prints)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_review_web import SAMPLE, broken_sample, convert_into

CHROMIUM = Path("/usr/bin/chromium")
_MISSING = "Debian's Chromium at /usr/bin/chromium (apt-get install chromium; .ci/run installs it)"
if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser test, but it needs {_MISSING}", pytrace=False)
    pytest.skip(f"needs {_MISSING}", allow_module_level=True)
pytestmark = pytest.mark.slow
playwright_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (pip install -e '.[dev]')")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, server: subprocess.Popen[str], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"yusuan review exited with {server.returncode}: {server.stderr.read() if server.stderr else ''}")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"yusuan review did not answer at {url} within {seconds} s")


@pytest.fixture
def review_server(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """`yusuan review` over the converted broken sample: (base URL, store, gold folder); stopped afterwards."""
    db, gold = tmp_path / "review.duckdb", tmp_path / "gold"
    convert_into(db, broken_sample(tmp_path / "filings"))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "extractor.cli", "review", "--db", str(db), "--port", str(port), "--gold", str(gold),
         "--user", "browser-test"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/", server)
        yield base, db, gold
    finally:
        server.terminate()
        server.wait(timeout=30)


def launch(playwright: object) -> object:
    """Debian's Chromium, headless, no sandbox (CI runs as root); no browser is downloaded."""
    return playwright.chromium.launch(  # type: ignore[attr-defined]
        executable_path=str(CHROMIUM), args=["--no-sandbox", "--headless=new", "--disable-gpu"])


def yusuan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "extractor.cli", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "COLUMNS": "200"})


def cell_f1(gold: Path, pred: Path, report: Path) -> float:
    scored = yusuan("eval", "--gold", str(gold), "--pred", str(pred), "--json", str(report))
    assert scored.returncode == 0, scored.stderr
    return float(json.loads(report.read_text(encoding="utf-8"))["overall"]["cells"]["f1"])


def test_fix_the_failed_table_in_the_browser_then_its_gold_scores_one(
        review_server: tuple[str, Path, Path], tmp_path: Path) -> None:
    base, db, gold = review_server
    expect = playwright_api.expect
    with playwright_api.sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base + "/")
        page.click(f"#documents a:text('{SAMPLE.stem}')")
        # the document's first failed table
        page.click('tr.part.status-failed[data-part="table"] a')
        expect(page.locator("#verdict")).to_have_attribute("data-status", "failed")
        # a finding lights its row; j moves to the next row
        page.click("li.finding >> nth=0")
        expect(page.locator("#grid tr.row.lit")).to_have_count(1)
        cell = page.locator('#grid tr.row[data-row-key="2014004"] input[data-field="total"]')
        expect(cell).to_have_value("23.30")
        cell.fill("32,3O")
        cell.press("Enter")
        expect(page.locator("#message")).to_contain_text("not a number")
        expect(page.locator("#verdict")).to_have_attribute("data-status", "failed")
        cell = page.locator('#grid tr.row[data-row-key="2014004"] input[data-field="total"]')
        cell.fill("32.30")
        cell.press("Enter")
        expect(page.locator("#verdict")).to_have_attribute("data-status", "verified")
        expect(page.locator("#message")).to_contain_text("23.3 → 32.3")
        page.click("#gold-btn")
        expect(page.locator("#gold-message")).to_contain_text("saved as gold")
        # u undoes, a second fix redoes; n goes on to the next part that is not verified
        page.keyboard.press("u")
        expect(page.locator("#verdict")).to_have_attribute("data-status", "failed")
        cell = page.locator('#grid tr.row[data-row-key="2014004"] input[data-field="total"]')
        cell.fill("32.30")
        cell.press("Enter")
        expect(page.locator("#verdict")).to_have_attribute("data-status", "verified")
        page.keyboard.press("n")
        page.wait_for_url("**/cards/3")
        assert errors == []
        browser.close()  # type: ignore[attr-defined]
    saved = gold / f"{SAMPLE.stem}.json"
    assert saved.is_file()
    exported = yusuan("export", "--db", str(db), "--format", "records", "--out", str(tmp_path / "pred"))
    assert exported.returncode == 0, exported.stderr
    assert cell_f1(gold, tmp_path / "pred", tmp_path / "saved.json") == 1.0
    assert cell_f1(REPO / "examples" / "gold", tmp_path / "pred", tmp_path / "shipped.json") == 1.0
