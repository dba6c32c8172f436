"""The pipeline's stages run once each: one region split (and one card search) per filing, whichever
extractor fills the record; the extractor reads the regions it is handed."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from extractor.cards import find as card_finder
from extractor.extract.base import Extractor
from extractor.extract.choose import make_extractor
from extractor.extract.llm.client import Completion
from extractor.pipeline import RULES, Filing, convert_filing
from extractor.regions import split as splitter
from tests.conftest import EXAMPLES

SAMPLE = EXAMPLES / "zhaoxian-kegongxin-2024.txt"


class FakeChat:
    """A chat client that answers every request with an empty JSON object (which fails the checks), and
    counts the requests: enough to drive the llm and hybrid extractors without a server."""

    model = "fake-model"
    config = SimpleNamespace(concurrency=1, repair_attempts=0)

    def __init__(self) -> None:
        self.asked = 0

    def complete_json(self, messages: Sequence[dict[str, Any]], schema: dict[str, Any], name: str) -> Completion:
        self.asked += 1
        return Completion(json.dumps({}), 1, 1, 0.0, "json_schema")


def _count_calls(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    """Wrap ``module.name`` everywhere it was imported; return the list each call appends to."""
    original: Callable[..., Any] = getattr(module, name)
    calls: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    for loaded in list(sys.modules.values()):
        if (getattr(loaded, "__name__", "") or "").startswith("extractor") and getattr(loaded, name, None) is original:
            monkeypatch.setattr(loaded, name, counted)
    return calls


@pytest.mark.parametrize("mode", ["rules", "llm", "hybrid"])
def test_each_filing_is_split_into_regions_once_in_every_mode(monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    chat = FakeChat()
    extractor: Extractor = RULES if mode == "rules" else make_extractor(mode, chat)  # type: ignore[arg-type]
    splits = _count_calls(monkeypatch, splitter, "split_regions")
    card_searches = _count_calls(monkeypatch, card_finder, "find_cards")
    result = convert_filing(Filing(SAMPLE.stem, SAMPLE, (SAMPLE,)), extractor)
    assert result.extractor == mode and result.status != "failed", result.error
    assert len(splits) == 1 and len(card_searches) == 1
    if mode != "rules":
        assert chat.asked > 0  # the model was asked about regions of that one split


def test_the_card_extractor_reads_the_card_regions_of_the_split(tmp_path: Path) -> None:
    from extractor.ingest import read_filing

    doc = read_filing([SAMPLE])
    regions = splitter.split_regions(doc)
    card_regions = [r for r in regions if r.kind == "card"]
    record = RULES.extract(doc, regions).record
    assert len(card_regions) == len(record["performance_cards"]) == 13
    for region, card in zip(card_regions, record["performance_cards"], strict=True):
        assert region.title_span is not None and card["provenance"]["lines"][0] == region.title_span[0]
    # a card's body is its own: no table region and no other card shares its lines
    taken = [line.number for r in regions for line in r.lines]
    assert len(taken) == len(set(taken))
