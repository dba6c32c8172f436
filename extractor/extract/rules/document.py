"""The document block: agency, fiscal year, budget level and unit, read from table headers."""

from __future__ import annotations

import re
from collections import Counter

from extractor.regions.model import Region

_AGENCY = re.compile(r"^(\d{3,6})\s*([\u4e00-\u9fff()（）]{4,}?)(?=\s|预算年度|截止|$)")
_YEAR = re.compile(r"预算年度[:：]?\s*(\d{4})")
_YEARISH = re.compile(r"^(?:19|20)\d{2}\s*年")
_LABEL = re.compile(r"^(?:编制部门|预算主管部门|部门名称|单位名称|部门|单位)\s*[:：]\s*(.*)$")
_TITLE_YEAR = re.compile(r"(20\d{2})\s*年")


def extract_document(regions: list[Region]) -> dict:
    """Return the contract's document block from the table regions' header lines."""
    tables = [r for r in regions if r.kind == "table"]
    header_lines = [line for r in tables for line in r.lines[:12]]
    code, name = _agency(header_lines)
    return {
        "agency_code": code,
        "agency_name": name or _agency_from_titles(regions),
        "fiscal_year": _fiscal_year(header_lines, regions),
        "budget_level": _budget_level(regions),
        "currency_unit": _currency_unit(regions),
    }


def _agency(header_lines: list) -> tuple[str | None, str | None]:
    """Return (code, name): "306001 某局" lines of Hebei headers, else a labelled 编制部门:/部门: cell."""
    coded = Counter(m.groups() for line in header_lines for cell in line.cells
                    if (m := _AGENCY.match(cell.strip())) and not _YEARISH.match(cell.strip()))
    if coded:
        code, name = coded.most_common(1)[0][0]
        return code, name
    labelled = Counter(name for line in header_lines if (name := _labelled_agency(line)))
    return (None, labelled.most_common(1)[0][0]) if labelled else (None, None)


def _labelled_agency(line) -> str | None:  # noqa: ANN001
    cells = [c.strip() for c in line.cells]
    for i, cell in enumerate(cells):
        found = _LABEL.match(cell)
        if not found:
            continue
        rest = found.group(1).strip() or next((c for c in cells[i + 1:] if c), "")
        name = re.split(r"\s|单位[:：]", rest)[0]
        if len(name) >= 4:
            return name
    return None


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


def _budget_level(regions: list[Region]) -> str | None:
    """单位预算 vs 部门预算, counted over table titles, then the opening prose."""
    titles = "".join(r.title for r in regions if r.kind == "table")
    opening = "".join(line.text for r in regions[:3] for line in r.lines[:20])
    for text in (titles, opening):
        unit, department = text.count("单位预算"), text.count("部门预算") + text.count("部门")
        if unit or department:
            return "unit" if unit > department else "department"
    return None


def _currency_unit(regions: list[Region]) -> str:
    """The unit the filing states its figures in: 万元 when its prose or any table uses 万元."""
    tables = [r for r in regions if r.kind == "table"]
    units = Counter(u for r in tables for line in r.lines[:12]
                    for u in re.findall(r"单位[:：]\s*(万元|千元|元)", line.text))
    prose_wan = any("万元" in line.text for r in regions if r.kind == "prose" for line in r.lines)
    if units.get("万元") or (prose_wan and units):
        return "万元"
    return units.most_common(1)[0][0] if units else "万元"


def _agency_from_titles(regions: list[Region]) -> str | None:
    for region in regions:
        for line in region.lines[:5]:
            found = re.search(r"([\u4e00-\u9fff]{4,}?)\s*\d{4}\s*年\S*预算", line.text)
            if found:
                return found.group(1)
    return None
