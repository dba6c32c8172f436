"""Choose an extractor by name: rules (default, offline), llm or hybrid (both need a chat client)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from extractor.extract.base import Extractor

if TYPE_CHECKING:
    from extractor.extract.llm.client import ChatClient
    from extractor.extract.llm.extract import Cache

EXTRACTORS = ("rules", "llm", "hybrid")


def make_extractor(name: str = "rules", client: ChatClient | None = None, cache: Cache | None = None,
                   concurrency: int = 2) -> Extractor:
    """Return the extractor called ``name``; llm and hybrid need ``client`` (and may use ``cache``)."""
    if name not in EXTRACTORS:
        raise ValueError(f"unknown extractor {name!r} (choose from {', '.join(EXTRACTORS)})")
    if name == "rules":
        from extractor.extract.rules.record import RulesExtractor

        return RulesExtractor()
    if client is None:
        raise ValueError(f"extractor {name!r} needs an LLM endpoint (--llm-base-url, --llm-model)")
    from extractor.extract.llm_modes import HybridExtractor, LLMExtractor

    kind = LLMExtractor if name == "llm" else HybridExtractor
    return kind(client, cache, concurrency)
