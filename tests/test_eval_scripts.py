"""The eval and benchmark scripts without their data (no ../shared): one line saying what each needs, exit ≠ 0."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

SCRIPTS = {
    "dev_eval": (["--shared", "{missing}", "--out", "{tmp}/out"], "the labelled dev data"),
    "scan_eval": (["--shared", "{missing}", "--out", "{tmp}/out"], "the labelled dev data"),
    "pdf_report": (["{missing}/pdfs"], "a folder of PDFs"),
    "census": (["{missing}/pdfs"], "filings to count"),
    "bench_bulk": (["--gold", "{missing}/gold", "--corpus", "{tmp}/out"], "gold records (*.json) to render"),
    "bench_ocr": (["--shared", "{missing}"], "the Shanghai dev PDF"),
    "card_check": (["--corpus", "{missing}/corpus", "--gold", "{missing}/gold"], "text dumps"),
}


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_a_script_without_its_data_says_what_it_needs(tmp_path: Path, script: str) -> None:
    args, needs = SCRIPTS[script]
    missing = tmp_path / "shared"
    argv = [a.replace("{missing}", str(missing)).replace("{tmp}", str(tmp_path)) for a in args]
    result = subprocess.run([sys.executable, "-m", f"eval.{script}", *argv], cwd=REPO, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]  # one line, no traceback
    assert result.stderr.startswith(f"error: eval.{script} needs {needs}") and str(missing) in result.stderr
    assert result.stdout == "" and not (tmp_path / "out").exists()
