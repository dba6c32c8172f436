"""The document block's own check: a field the filing does not print (or the reader did not find) is null.

A missing agency, code, year, budget level or unit never fails a filing: the field stays null and the
conversion reports it as a warning, so a batch can list the filings whose header was not read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from extractor.record.kinds import DOCUMENT_KEYS
from extractor.validate.rules_common import Finding, Rule, Site, make_finding

MISSING_FIELD = Rule(
    "document.missing_field", "warning",
    "A document field (agency_code, agency_name, fiscal_year, budget_level, currency_unit) was not found in "
    "the filing: it is null.",
)

RULES: tuple[Rule, ...] = (MISSING_FIELD,)

_MEANING = {
    "agency_code": "the agency's code (单位/部门编码)",
    "agency_name": "the agency's name",
    "fiscal_year": "the fiscal year (预算年度)",
    "budget_level": "the budget level (部门预算 / 单位预算)",
    "currency_unit": "the unit (单位：万元/元)",
}


def check_document(record: Mapping[str, Any]) -> list[Finding]:
    """Return one ``document.missing_field`` warning per document field that is null or absent."""
    block = record.get("document")
    document = block if isinstance(block, Mapping) else {}
    return [
        make_finding(MISSING_FIELD, Site(None, None, key, f"document.{key}"), None, None,
                     f"document.{key} is null: {_MEANING[key]} was not found in the filing")
        for key in DOCUMENT_KEYS if document.get(key) in (None, "")
    ]
