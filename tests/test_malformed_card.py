"""One malformed card costs that card only, with a finding: the other cards and every table stay.

Two ways a card can be malformed: reading it raises (a layout the reader trips over; simulated here by a
test double of the header read that raises for one project — the only double, for error handling), or the
record the reader gives fails the card schema (fed to the pipeline by an extractor that breaks one card's
budget). The filing is the shipped sample, converted for real.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from extractor.cards import reader
from extractor.extract.base import ExtractionResult
from extractor.ingest.text import TextDocument
from extractor.pipeline import RULES, convert_file
from extractor.regions.model import Region
from tests.conftest import EXAMPLES

SAMPLE = EXAMPLES / "zhaoxian-kegongxin-2024.txt"


@pytest.fixture(scope="module")
def whole():  # noqa: ANN201 - a ConversionResult
    return convert_file(SAMPLE)


def _names(result) -> list[str]:  # noqa: ANN001
    return [card["project_name"] for card in result.record["performance_cards"]]


def _tables(result) -> list[dict]:  # noqa: ANN001
    return [{k: v for k, v in t.items() if k != "verdict"} for t in result.record["tables"]]


def test_a_card_whose_reading_raises_costs_that_card_only(whole, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    victim = _names(whole)[2]
    read_header = reader.read_header

    def raising(lines, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if any(victim in line.text for line in lines):
            raise ValueError("a layout the reader trips over")
        return read_header(lines, *args, **kwargs)

    monkeypatch.setattr(reader, "read_header", raising)
    broken = convert_file(SAMPLE)
    assert broken.status == "ok"
    assert _names(broken) == [name for name in _names(whole) if name != victim]
    assert _tables(broken) == _tables(whole)
    unread = [f for f in broken.findings if f["rule_id"] == "coverage.card_unread"]
    assert len(unread) == 1 and victim[:10] in unread[0]["message"]
    assert broken.record["verdict"]["status"] == "failed"
    kept = {c["project_name"]: c["verdict"] for c in broken.record["performance_cards"]}
    assert kept == {c["project_name"]: c["verdict"] for c in whole.record["performance_cards"] if c["project_name"] != victim}


class _BreaksOneCard:
    """The rules extractor, with one card's budget made text (a record the card schema rejects)."""

    name = "rules"

    def __init__(self, index: int) -> None:
        self.index = index

    def extract(self, doc: TextDocument, regions: Sequence[Region]) -> ExtractionResult:
        record = RULES.extract(doc, regions).record
        cards = [dict(card) for card in record["performance_cards"]]
        cards[self.index]["budget"] = {"total": "two hundred", "fiscal": None, "other": None}
        return ExtractionResult({**record, "performance_cards": cards})


def test_a_card_the_schema_rejects_costs_that_card_only(whole) -> None:  # noqa: ANN001
    from extractor.pipeline import Filing, convert_filing

    broken = convert_filing(Filing(SAMPLE.stem, SAMPLE, (SAMPLE,)), _BreaksOneCard(1))
    assert broken.status == "partial" and "performance_cards[1]" in (broken.error or "")
    assert _names(broken) == [name for k, name in enumerate(_names(whole)) if k != 1]
    assert _tables(broken) == _tables(whole)
    dropped = [f for f in broken.findings if f["rule_id"] == "schema.part_dropped"]
    assert len(dropped) == 1 and _names(whole)[1] in dropped[0]["message"]

