"""The region record shared by every input backend and extractor."""

from __future__ import annotations

from dataclasses import dataclass

from extractor.ingest.text import Line


@dataclass(frozen=True)
class Region:
    """A typed piece of a filing: a table (with its kind), a prose section, or a card."""

    kind: str  # "table" | "prose" | "card"
    table_kind: str | None
    title: str
    lines: tuple[Line, ...]  # a card's: the body after its title
    #: A card's printed number ("5、…绩效目标表"), the source lines its title spans and its page.
    number: int | None = None
    title_span: tuple[int, int] | None = None
    title_page: int = 0

    @property
    def pages(self) -> tuple[int, ...]:
        """Return the pages the region covers, in order."""
        return tuple(sorted({line.page for line in self.lines}))

    @property
    def line_span(self) -> tuple[int, int]:
        """Return the first and last source line numbers."""
        if not self.lines:
            return (0, 0)
        return (self.lines[0].number, self.lines[-1].number)
