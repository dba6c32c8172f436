"""The one interface every extractor meets: a filing's regions in, a disclosure record out.

The pipeline splits a filing into regions once and hands the same regions to whichever extractor was
chosen (rules, llm, hybrid). An extractor fills the record and says what it asked a model, if anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from extractor.ingest.text import TextDocument
from extractor.regions.model import Region


class NotADisclosureError(ValueError):
    """The input reads fine but holds no budget disclosure tables."""


@dataclass
class LLMUsage:
    """What the model was asked in one conversion: regions sent, outcomes and the ledger of calls."""

    regions_sent: int = 0
    regions_failed: list[str] = field(default_factory=list)
    regions_replaced: list[str] = field(default_factory=list)
    calls: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class ExtractionResult:
    """An extractor's answer: the record, and the model usage (None for an extractor without a model)."""

    record: dict[str, Any]
    usage: LLMUsage | None = None


class Extractor(Protocol):
    """Fills a disclosure record from a filing's regions; raises NotADisclosureError without tables."""

    @property
    def name(self) -> str:
        """Return the extractor's name, as stored with each document (rules, llm, hybrid)."""
        ...

    def extract(self, doc: TextDocument, regions: Sequence[Region]) -> ExtractionResult:
        """Return the record of ``doc`` from its ``regions`` (as ``regions.split.split_regions`` gave them)."""
        ...
