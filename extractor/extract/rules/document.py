"""The document block: agency, fiscal year, budget level and unit, read from table headers."""

from __future__ import annotations

import re
from collections import Counter

from extractor.record.normalize import HANZI
from extractor.regions.model import Region

_AGENCY = re.compile(rf"^(\d{{3,6}})\s*([{HANZI}()（）]{{4,}}?)(?=\s|预算年度|截止|$)")
_YEAR = re.compile(r"预算年度[:：]?\s*(\d{4})")
_YEARISH = re.compile(r"^(?:19|20)\d{2}\s*年")
_LABEL = re.compile(
    r"^(?:编制部门|编制单位|预算主管部门|预算单位|部门名称|单位名称|部门[(（]单位[)）]|部门|单位)\s*[:：]\s*(.*)$")
_TITLE_YEAR = re.compile(r"(20\d{2})\s*年")
#: The header of a column of budget-unit codes (a 收入总表 or 支出总表 listed by budget unit).
_CODE_COLUMN = re.compile(r"^(?:单位|部门)(?:代码|编码)$")
#: A card header's 主管部门及代码 value: "[292]国家信访局", "229_烟台市信访局".
_CARD_CODE = re.compile(rf"^[\[【]?(\d{{3,9}})[\]】]?\s*[_\-—:：]?\s*[{HANZI}]")
_BARE_CODE = re.compile(r"^\d{3,9}$")
#: Words that make a title fragment something other than an agency name (第二部分, 目录 …).
_NOT_A_NAME = ("部分", "目录", "预算", "公开", "说明", "情况", "报表", "附件")
#: Last characters of an agency name printed on its own cover line (局, 厅, 委, 办公室, 中心 …).
_AGENCY_ENDINGS = tuple("局厅委办室院会部心所站处馆队府校")


def extract_document(regions: list[Region]) -> dict:
    """Return the contract's document block from the table regions' header lines."""
    tables = [r for r in regions if r.kind == "table"]
    header_lines = [line for r in tables for line in r.lines[:12]]
    code, name = _agency(header_lines)
    return {
        "agency_code": code or _code_from_column(tables) or _code_from_cards(regions),
        "agency_name": _without_consolidation_mark(name or _labelled_in_opening(regions)
                                                   or _agency_from_titles(regions) or _agency_from_cover(regions)),
        "fiscal_year": _fiscal_year(header_lines, regions),
        "budget_level": _budget_level(regions),
        "currency_unit": _currency_unit(regions),
    }


def _without_consolidation_mark(name: str | None) -> str | None:
    """The agency without a consolidation mark: 某局（汇总） is the department's consolidated filing, the
    department itself, as its tables name it. A scope that names another entity (某局（本级）: the agency's own
    level, not the department) is part of the name and kept."""
    return re.sub(r"[(（](?:部门)?汇总[)）]$", "", name) or name if name else name


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
    """The unit the filing states its budget tables in (the contract: 单位 printed on the tables).

    The budget tables of the contract's kinds decide: 万元 when any of them prints 万元 (a filing mixing 元
    tables with 万元 ones states its figures in 万元, as its prose does), else their most printed unit. Tables
    of no kind (a 部门整体绩效目标表 in 万元 beside budget tables all in 元) count only when no budget table
    prints a unit, the prose only when no table does; 万元 when nothing says.
    """
    tables = [r for r in regions if r.kind == "table"]
    budget = [r for r in tables if r.table_kind not in (None, "other")]
    for group in (budget, tables):
        units = Counter(u for r in group for line in r.lines[:12]
                        for u in re.findall(r"单位[:：]\s*(万元|千元|元)", line.text))
        if units:
            return "万元" if units.get("万元") else units.most_common(1)[0][0]
    prose = Counter(u for r in regions if r.kind == "prose" for line in r.lines
                    for u in re.findall(r"\d\s*(万元|千元|元)", line.text))
    return "万元" if not prose or prose.get("万元") else prose.most_common(1)[0][0]


def _agency_from_titles(regions: list[Region]) -> str | None:
    """A title naming the agency before or after its year: 某局2026年部门预算, 2026年某局部门预算."""
    patterns = (rf"([{HANZI}()（）]{{4,}}?)\s*\d{{4}}\s*年\S*预算",
                rf"\d{{4}}\s*年度?\s*([{HANZI}()（）]{{4,}}?)\s*(?:部门|单位)(?:综合)?预算")
    for region in regions:
        for line in region.lines[:5]:
            for pattern in patterns:
                found = re.search(pattern, line.text)
                if found and _plausible_name(found.group(1)):
                    return found.group(1)
    return None


def _plausible_name(name: str) -> bool:
    """True for text that can be an agency name: four characters or more, not a heading (第二部分, 目录 …)."""
    return len(name) >= 4 and not name.startswith("第") and not any(word in name for word in _NOT_A_NAME)


def _labelled_in_opening(regions: list[Region]) -> str | None:
    """A labelled agency (预算单位：…, 部门名称：…) in the opening lines of the filing's first regions."""
    for region in regions[:3]:
        for line in region.lines[:20]:
            name = _labelled_agency(line)
            if name and _plausible_name(name):
                return name
    return None


def _agency_from_cover(regions: list[Region]) -> str | None:
    """A cover that prints the agency on its own line beside the year or 部门预算 (2026 年度 / 某局 / 部门预算)."""
    lines = [re.sub(r"\s", "", line.text) for region in regions[:2] for line in region.lines[:10]]
    for i, text in enumerate(lines):
        if not (re.fullmatch(rf"[{HANZI}()（）]{{4,30}}", text) and text.endswith(_AGENCY_ENDINGS)):
            continue
        beside = lines[max(i - 1, 0): i] + lines[i + 1: i + 2]
        if _plausible_name(text) and any("预算" in b or _TITLE_YEAR.search(b) for b in beside):
            return text
    return None


def _code_from_column(tables: list[Region]) -> str | None:
    """The code of the first unit row under a 单位/部门代码 (编码) column: the department's own code."""
    found: Counter[str] = Counter()
    for region in tables:
        header = next((i for i, line in enumerate(region.lines[:12]) if line.cells
                       and _CODE_COLUMN.match(re.sub(r"\s", "", line.cells[0]))), None)
        if header is None:
            continue
        for line in region.lines[header + 1:]:
            first = re.sub(r"\s", "", line.cells[0]) if line.cells else ""
            if _BARE_CODE.match(first):
                found[first] += 1
                break
    return found.most_common(1)[0][0] if found else None


def _code_from_cards(regions: list[Region]) -> str | None:
    """The code a card header prints beside the agency (主管部门及代码: [123]某局, 123_某局)."""
    found: Counter[str] = Counter()
    for region in regions:
        if region.kind != "card":
            continue
        for line in region.lines[:8]:
            cells = [re.sub(r"\s", "", c) for c in line.cells]
            label = next((i for i, c in enumerate(cells) if "主管部门" in c and "代码" in c), None)
            if label is None:
                continue
            rest = cells[label][cells[label].index("代码") + 2:].lstrip(":：")
            value = rest or next((c for c in cells[label + 1:] if c), "")
            code = _CARD_CODE.match(value)
            if code:
                found[code.group(1)] += 1
    return found.most_common(1)[0][0] if found else None
