"""The documents list's query string: filters, sort and page read leniently into the service's arguments."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import quote

PER_PAGE = 50

#: Sort names the page offers, each the service's sort key and whether it runs descending.
SORTS: dict[str, tuple[str, bool]] = {
    "failed": ("failed", True),
    "unverified": ("unverified", True),
    "name": ("source_name", False),
    "agency": ("agency", False),
    "year": ("year", True),
    "verdict": ("verdict", False),
}

VERDICTS = ("", "failed", "unverified", "verified")


@dataclass(frozen=True)
class ListingQuery:
    """What the user asked the documents list for: filters, sort and page (1-based)."""

    verdict: str = ""
    agency: str = ""
    year: int | None = None
    rule: str = ""
    sort: str = "failed"
    page: int = 1

    def service_arguments(self) -> dict[str, Any]:
        """Return the keyword arguments of ``service.list_documents`` for this query."""
        sort, descending = SORTS[self.sort]
        return {
            "verdict": self.verdict or None, "agency": self.agency or None, "year": self.year,
            "rule": self.rule or None, "sort": sort, "descending": descending, "page": self.page,
            "per_page": PER_PAGE,
        }

    def link(self, **changes: Any) -> str:
        """Return the query string of this query with ``changes`` (page back to 1 unless given)."""
        values = {**asdict(self), "page": 1, **changes}
        pairs = [(k, v) for k, v in values.items() if v not in (None, "") and not (k == "page" and v == 1)]
        return "?" + "&".join(k + "=" + quote(str(v), safe="") for k, v in pairs) if pairs else "?"


def parse_query(params: Mapping[str, str]) -> ListingQuery:
    """Read the list's query string; an unknown sort or verdict, or a bad number, falls back to the default."""
    verdict = params.get("verdict", "")
    sort = params.get("sort", "failed")
    return ListingQuery(
        verdict=verdict if verdict in VERDICTS else "",
        agency=params.get("agency", "").strip(),
        year=_int_or_none(params.get("year")),
        rule=params.get("rule", "").strip(),
        sort=sort if sort in SORTS else "failed",
        page=max(1, _int_or_none(params.get("page")) or 1),
    )


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text not in (None, "") else None
    except ValueError:
        return None
