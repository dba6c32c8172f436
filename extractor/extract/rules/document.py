"""The document block: agency, fiscal year, budget level and unit, read from table headers."""

from __future__ import annotations

import re
from collections import Counter

from extractor.regions.model import Region

_AGENCY = re.compile(r"^(\d{3,6})\s*([\u4e00-\u9fff()（）]{4,}?)(?=\s|预算年度|截止|$)")
_YEAR = re.compile(r"预算年度[:：]?\s*(\d{4})")
_TITLE_YEAR = re.compile(r"(20\d{2})\s*年")


def extract_document(regions: list[Region]) -> dict:
    """Return the contract's document block from the table regions' header lines."""
    tables = [r for r in regions if r.kind == "table"]
    header_lines = [line for r in tables for line in r.lines[:12]]
    agencies = Counter(m.groups() for line in header_lines for cell in line.cells
                       if (m := _AGENCY.match(cell.strip())))
    code, name = agencies.most_common(1)[0][0] if agencies else (None, None)
    return {
        "agency_code": code,
        "agency_name": name or _agency_from_titles(regions),
        "fiscal_year": _fiscal_year(header_lines, regions),
        "budget_level": _budget_level(tables),
        "currency_unit": _currency_unit(tables),
    }


def _fiscal_year(header_lines: list, regions: list[Region]) -> int | None:
    joined = " ".join(line.text for line in header_lines)
    years = Counter(int(y) for y in _YEAR.findall(joined))
    if years:
        return years.most_common(1)[0][0]
    for region in regions:
        found = _TITLE_YEAR.search(region.title) or _TITLE_YEAR.search(
            " ".join(line.text for line in region.lines[:3]))
        if found:
            return int(found.group(1))
    return None


def _budget_level(tables: list[Region]) -> str | None:
    titles = "".join(r.title for r in tables)
    unit, department = titles.count("单位预算"), titles.count("部门预算")
    if not unit and not department:
        return None
    return "unit" if unit > department else "department"


def _currency_unit(tables: list[Region]) -> str:
    units = Counter(u for r in tables for line in r.lines[:12]
                    for u in re.findall(r"单位[:：]\s*(万元|千元|元)", line.text))
    return units.most_common(1)[0][0] if units else "万元"


def _agency_from_titles(regions: list[Region]) -> str | None:
    for region in regions:
        for line in region.lines[:5]:
            found = re.search(r"([\u4e00-\u9fff]{4,}?)\s*\d{4}\s*年\S*预算", line.text)
            if found:
                return found.group(1)
    return None
