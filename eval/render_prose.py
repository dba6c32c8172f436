"""The 情况说明 prose page: the record's narrative figures restated in the usual filing phrasing."""

from __future__ import annotations

from typing import Any

from eval.render_canvas import Canvas
from eval.render_style import LINE_FACTOR, text_width, wrap_text

TITLE_SIZE = 15.0
HEADING_SIZE = 11.0
BODY_SIZE = 10.5


def _wan(value: float | int) -> str:
    return f"{abs(value):.2f}万元"


def _clauses(narrative: dict[str, Any], phrases: list[tuple[str, str]]) -> list[str]:
    return [f"{phrase} {_wan(narrative[key])}" for key, phrase in phrases if narrative.get(key) is not None]


def income_sentence(narrative: dict[str, Any], year: int) -> str | None:
    """Return "2025年预算收入 X万元，其中：一般公共预算收入 X万元，…" for the income figures stated."""
    parts = _clauses(narrative, [
        ("general_budget_income", "一般公共预算收入"), ("fund_budget_income", "基金预算收入"),
        ("special_account_income", "财政专户核拨收入"), ("other_income", "单位资金收入"),
        ("carryover_income", "上年结转结余"),
    ])
    total = narrative.get("income_total")
    if total is None and not parts:
        return None
    head = f"{year}年预算收入 {_wan(total)}" if total is not None else f"{year}年预算收入中"
    return head + ("，其中：" + "，".join(parts) if parts else "") + "。"


def expenditure_sentence(narrative: dict[str, Any], year: int) -> str | None:
    """Return "支出预算 X万元，其中基本支出 X万元，包括人员经费 X万元和日常公用经费 X万元；项目支出 X万元"."""
    total, basic = narrative.get("expenditure_total"), narrative.get("basic_expenditure")
    personnel, public = narrative.get("personnel_expenditure"), narrative.get("public_expenditure")
    project = narrative.get("project_expenditure")
    if all(v is None for v in (total, basic, personnel, public, project)):
        return None
    text = f"{year}年支出预算 {_wan(total)}" if total is not None else f"{year}年支出预算中"
    if basic is not None:
        text += f"，其中基本支出 {_wan(basic)}"
    inner = _clauses(narrative, [("personnel_expenditure", "人员经费"), ("public_expenditure", "日常公用经费")])
    if inner:
        text += "，包括" + "和".join(inner)
    if project is not None:
        text += f"；项目支出 {_wan(project)}，主要用于单位各项业务工作"
    return text + "。"


def change_sentence(narrative: dict[str, Any], year: int) -> str | None:
    """Return "预算收支安排 X万元，较上年预算增加/减少 X万元"."""
    change = narrative.get("change_amount")
    if change is None:
        return None
    total = narrative.get("expenditure_total", narrative.get("income_total"))
    head = f"{year}年预算收支安排 {_wan(total)}，" if total is not None else f"{year}年预算收支"
    word = "减少" if change < 0 else "增加"
    return f"{head}较{year - 1}年预算{word} {_wan(change)}，主要原因是工作任务变化。"


def three_public_sentence(narrative: dict[str, Any], year: int, who: str) -> str | None:
    """Return the 财政拨款“三公”经费预算安排 sentence with its breakdown."""
    n = narrative
    keys = ("three_public_total", "three_public_outbound", "three_public_vehicle", "three_public_vehicle_purchase",
            "three_public_vehicle_operation", "three_public_reception")
    if all(n.get(k) is None for k in keys):
        return None
    total = n.get("three_public_total")
    text = f"{year}年，{who}财政拨款“三公”经费预算安排 {_wan(total)}，其中" if total is not None \
        else f"{year}年，{who}财政拨款“三公”经费预算中，"
    parts = _clauses(n, [("three_public_outbound", "因公出国（境）费")])
    vehicle = _clauses(n, [("three_public_vehicle", "公务用车购置及运维费")])
    sub = _clauses(n, [("three_public_vehicle_purchase", "公务用车购置费为"),
                       ("three_public_vehicle_operation", "公务用车运维费")])
    if vehicle or sub:
        parts.append((vehicle[0] if vehicle else "公务用车") + (f"（其中：{'，'.join(sub)})" if sub else ""))
    parts += _clauses(n, [("three_public_reception", "公务接待费")])
    return text + "；".join(parts) + "。"


def narrative_sections(record: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Return (section heading, paragraphs) for the narrative keys the record states."""
    narrative = record.get("narrative") or {}
    document = record.get("document") or {}
    year = int(document.get("fiscal_year") or 2025)
    who = "我部门" if document.get("budget_level") == "department" else "我单位"
    agency = document.get("agency_name") or ""
    sections = [
        ("一、收入说明", [income_sentence(narrative, year)]),
        ("二、支出说明", [expenditure_sentence(narrative, year)]),
        ("三、比上年增减情况", [change_sentence(narrative, year)]),
    ]
    if narrative.get("operating_expenses") is not None:
        sections.append(("四、机关运行经费安排情况", [
            f"{year}年，{who}机关运行经费共计安排 {_wan(narrative['operating_expenses'])}，主要用于日常维修、"
            "办公用房水电费、办公用房物业管理费等日常运行支出。"]))
    sections.append(("五、财政拨款“三公”经费预算情况", [three_public_sentence(narrative, year, who)]))
    if narrative.get("fixed_assets_total") is not None:
        sections.append(("六、国有资产信息", [
            f"{agency}上年末固定资产金额为 {_wan(narrative['fixed_assets_total'])}（详见固定资产占用情况表）。"]))
    return [(heading, [p for p in paras if p]) for heading, paras in sections if any(paras)]


def draw_prose(canvas: Canvas, record: dict[str, Any]) -> bool:
    """Draw the 情况说明 page(s) when the record states narrative figures; return whether anything was drawn."""
    sections = narrative_sections(record)
    if not sections:
        return False
    document = record.get("document") or {}
    level = "部门预算" if document.get("budget_level") == "department" else "单位预算"
    title = f"{document.get('agency_name') or ''}{document.get('fiscal_year') or ''}年{level}信息公开情况说明"
    canvas.add_page()
    surface = canvas.current
    width = surface.right - surface.left
    for line in wrap_text(title, width, TITLE_SIZE):
        canvas.line_text((surface.width - text_width(line, TITLE_SIZE)) / 2, canvas.cursor, line, TITLE_SIZE)
        canvas.cursor += TITLE_SIZE * LINE_FACTOR
    canvas.cursor += 8.0
    for heading, paragraphs in sections:
        _paragraph(canvas, heading, HEADING_SIZE, indent=0.0)
        for paragraph in paragraphs:
            _paragraph(canvas, paragraph, BODY_SIZE, indent=2 * BODY_SIZE)
    return True


def _paragraph(canvas: Canvas, text: str, size: float, indent: float) -> None:
    surface = canvas.current
    width = surface.right - surface.left
    lines = wrap_text(text, width - indent, size)
    for i, line in enumerate(lines):
        canvas.ensure_room(size * 1.7)
        canvas.line_text(canvas.current.left + (indent if i == 0 else 0.0), canvas.cursor, line, size)
        canvas.cursor += size * 1.7
    canvas.cursor += 2.0
