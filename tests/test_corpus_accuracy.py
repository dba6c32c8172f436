"""Accuracy on the labelled dev filings, scored by the evaluation harness against gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.evaluate.score import score_document
from extractor.pipeline import convert_file
from extractor.record.kinds import STANDARD_KINDS
from tests.conftest import GOLD_DIR, corpus_files, needs_corpus


@needs_corpus
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.stem)
def test_dev_filing_meets_the_accuracy_bar(path: Path) -> None:
    result = convert_file(path)
    assert result.status == "ok", result.error
    gold = json.loads((GOLD_DIR / f"{path.stem}.json").read_text(encoding="utf-8"))
    score = score_document(gold, result.record, path.stem)
    detected = {t["kind"] for t in result.record["tables"]}
    assert set(STANDARD_KINDS) <= detected
    assert score.cells.f1 >= 0.98, score.cell_errors[:10]
    assert score.indicators.f1 >= 0.95
    assert score.narrative_accuracy >= 0.9
    assert score.document_accuracy == 1.0
