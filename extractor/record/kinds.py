"""The contract's vocabulary: table kinds, their row shapes and value keys, narrative keys."""

from __future__ import annotations

SCHEMA_VERSION = "1"

#: kind -> allowed value keys (contract: tables).
VALUE_KEYS: dict[str, tuple[str, ...]] = {
    "income_expenditure_summary": ("amount",),
    "income_summary": (
        "total", "current_subtotal", "fiscal_allocation", "special_account", "business_income",
        "operating_income", "superior_subsidy", "subsidiary_remittance", "other_income", "carryover",
    ),
    "expenditure_summary": (
        "total", "basic", "project", "operating", "remit_superior", "subsidiary_grant", "reserve",
    ),
    "fiscal_allocation_summary": ("amount", "total", "general_budget", "government_fund", "state_capital"),
    "general_budget_expenditure": ("total", "basic", "project"),
    "general_budget_basic_expenditure": ("total", "personnel", "public"),
    "government_fund_expenditure": ("total", "basic", "project"),
    "state_capital_expenditure": ("total", "basic", "project"),
    "three_public_expenditure": ("total", "general_budget", "government_fund", "state_capital"),
    "fixed_assets": ("quantity", "value"),
    "procurement": ("quantity", "unit_price", "total"),
}

#: Kinds whose rows are keyed by side and name (two-sided summaries).
SIDED_KINDS = frozenset({"income_expenditure_summary", "fiscal_allocation_summary"})

#: Kinds whose rows carry classification codes (line-item tables).
CODED_KINDS = frozenset({
    "income_summary", "expenditure_summary", "general_budget_expenditure",
    "general_budget_basic_expenditure", "government_fund_expenditure", "state_capital_expenditure",
})

#: The nine standard tables every filing prints.
STANDARD_KINDS: tuple[str, ...] = (
    "income_expenditure_summary", "income_summary", "expenditure_summary", "fiscal_allocation_summary",
    "general_budget_expenditure", "general_budget_basic_expenditure", "government_fund_expenditure",
    "state_capital_expenditure", "three_public_expenditure",
)

TABLE_KINDS: tuple[str, ...] = (*VALUE_KEYS, "other")

NARRATIVE_KEYS: tuple[str, ...] = (
    "income_total", "general_budget_income", "fund_budget_income", "special_account_income",
    "other_income", "carryover_income", "expenditure_total", "basic_expenditure",
    "personnel_expenditure", "public_expenditure", "project_expenditure", "change_amount",
    "operating_expenses", "three_public_total", "three_public_outbound", "three_public_vehicle",
    "three_public_vehicle_purchase", "three_public_vehicle_operation", "three_public_reception",
    "fixed_assets_total",
)

DOCUMENT_KEYS: tuple[str, ...] = ("agency_code", "agency_name", "fiscal_year", "budget_level", "currency_unit")
