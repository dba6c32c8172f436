"""Never lose more than the one thing that is wrong: a row, an indicator, a narrative figure, a document field."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from extractor.pipeline import Filing, convert_filing
from extractor.record.kinds import DOCUMENT_KEYS
from extractor.validate import validate_record
from extractor.validate.prune import prune_invalid, summarize_dropped
from extractor.validate.rules_document import RULES as DOCUMENT_RULES
from extractor.validate.rules_document import check_document
from tests.conftest import EXAMPLES, PDFS_DIR, needs_shared

SHIPPED_GOLD = EXAMPLES / "gold" / "zhaoxian-kegongxin-2024.json"
SAMPLE = EXAMPLES / "zhaoxian-kegongxin-2024.txt"
SEVEN_DIGIT_ECONOMIC = PDFS_DIR / "cities" / "重庆" / "2026年重庆市人民政府办公厅部门预算.pdf"

Record = dict[str, Any]


def _gold() -> Record:
    return copy.deepcopy(json.loads(SHIPPED_GOLD.read_text(encoding="utf-8")))


def _table(record: Record, kind: str) -> int:
    return next(i for i, t in enumerate(record["tables"]) if t["kind"] == kind and t["rows"])


def _prune(record: Record):  # noqa: ANN202
    return prune_invalid(record, validate_record(record))


def test_a_row_with_a_malformed_code_is_dropped_not_its_table() -> None:
    record = _gold()
    t = _table(record, "expenditure_summary")
    rows = record["tables"][t]["rows"]
    bad = next(j for j, r in enumerate(rows) if r["code"] and len(r["code"]) == 7)
    name = rows[bad]["name"]
    rows[bad]["code"] = "20101010"
    pruned = _prune(record)
    assert validate_record(pruned.record) == [] and pruned.unresolved == []
    kept = pruned.record["tables"][t]["rows"]
    assert len(kept) == len(rows) - 1 and all(r["code"] != "20101010" for r in kept)
    assert pruned.dropped == [f"tables[{t}].rows[{bad}]"]
    [finding] = pruned.findings
    assert finding["rule_id"] == "schema.row_dropped" and finding["severity"] == "error"
    assert finding["table_kind"] == "expenditure_summary" and finding["row_key"] == "20101010"
    assert f"row {bad} 20101010 {name} left out: code:" in finding["message"]
    assert "does not match" in finding["message"]


def test_rows_failing_in_two_tables_drop_one_row_each() -> None:
    record = _gold()
    t, g = _table(record, "income_summary"), _table(record, "general_budget_expenditure")
    record["tables"][t]["rows"][3]["values"]["total"] = "12.50"
    record["tables"][g]["rows"][0] = "not a row"
    pruned = _prune(record)
    assert pruned.dropped == [f"tables[{t}].rows[3]", f"tables[{g}].rows[0]"]
    assert [f["rule_id"] for f in pruned.findings] == ["schema.row_dropped"] * 2
    assert "values.total: '12.50' is not of type 'number', 'null'" in pruned.findings[0]["message"]
    assert validate_record(pruned.record) == []
    assert len(pruned.record["tables"]) == len(record["tables"])


def test_an_indicator_failing_its_schema_is_dropped_not_its_card() -> None:
    record = _gold()
    card = record["performance_cards"][1]
    card["indicators"][4]["value"] = 80
    pruned = _prune(record)
    assert validate_record(pruned.record) == []
    assert len(pruned.record["performance_cards"]) == len(record["performance_cards"])
    assert len(pruned.record["performance_cards"][1]["indicators"]) == len(card["indicators"]) - 1
    [finding] = pruned.findings
    assert finding["rule_id"] == "schema.indicator_dropped"
    assert finding["row_key"] == "2" and f"card 2 {card['project_name']} indicator 4" in finding["message"]
    assert pruned.dropped == ["performance_cards[1].indicators[4]"]


def test_an_issue_outside_the_rows_drops_the_whole_table_once() -> None:
    record = _gold()
    t = _table(record, "fixed_assets")
    record["tables"][t]["empty"] = True  # an empty table printed with rows: not one row's fault
    record["tables"][t]["rows"][0]["values"]["quantity"] = "x"  # inside the same table: no second finding
    pruned = _prune(record)
    assert pruned.dropped == [f"tables[{t}]"]
    [finding] = pruned.findings
    assert finding["rule_id"] == "schema.part_dropped" and finding["table_kind"] == "fixed_assets"
    assert "left out whole: rows:" in finding["message"] and "(+1 more)" not in finding["message"]
    assert len(pruned.record["tables"]) == len(record["tables"]) - 1
    assert validate_record(pruned.record) == []


def test_an_unknown_kind_drops_its_table() -> None:
    record = _gold()
    record["tables"][2]["kind"] = "expenditure_overview"
    pruned = _prune(record)
    assert pruned.dropped == ["tables[2]"] and "kind:" in pruned.findings[0]["message"]
    assert pruned.findings[0]["table_kind"] == "expenditure_overview"


def test_a_card_header_issue_drops_the_card() -> None:
    record = _gold()
    record["performance_cards"][0]["budget"] = {"total": "200", "fiscal": None, "other": None}
    pruned = _prune(record)
    assert pruned.dropped == ["performance_cards[0]"]
    assert len(pruned.record["performance_cards"]) == len(record["performance_cards"]) - 1
    assert validate_record(pruned.record) == []


def test_a_narrative_figure_and_a_document_field_are_dropped_alone() -> None:
    record = _gold()
    key = next(iter(record["narrative"]))
    record["narrative"][key] = "三百万元"
    record["document"]["fiscal_year"] = 1890
    pruned = _prune(record)
    assert key not in pruned.record["narrative"] and len(pruned.record["narrative"]) == len(record["narrative"]) - 1
    assert pruned.record["document"]["fiscal_year"] is None
    assert pruned.record["document"]["agency_name"] == record["document"]["agency_name"]
    assert sorted(f["rule_id"] for f in pruned.findings) == ["document.invalid_field", "schema.narrative_dropped"]
    assert validate_record(pruned.record) == []
    assert pruned.dropped == [f"narrative.{key}"]


def test_an_issue_outside_every_part_is_left_unresolved() -> None:
    record = _gold()
    record["schema_version"] = 2
    pruned = _prune(record)
    assert [issue.path for issue in pruned.unresolved] == ["$.schema_version"]
    assert pruned.dropped == [] and pruned.findings == []


def test_pruning_leaves_its_input_untouched() -> None:
    record = _gold()
    t = _table(record, "expenditure_summary")
    record["tables"][t]["rows"][2]["values"]["basic"] = "1"
    before = copy.deepcopy(record)
    _prune(record)
    assert record == before


def test_a_valid_record_is_returned_as_it_is() -> None:
    record = _gold()
    pruned = _prune(record)
    assert pruned.record == record and pruned.findings == [] and pruned.dropped == []


def test_dropped_parts_are_summarised_per_table_and_card() -> None:
    dropped = ["tables[3].rows[2]", "tables[3].rows[7]", "tables[5].rows[0]", "performance_cards[1]",
               "narrative.income_total"]
    assert summarize_dropped(dropped) == (
        "tables[3] (2 rows), tables[5] (1 row), performance_cards[1], narrative (1 key)")


@pytest.mark.parametrize("key", DOCUMENT_KEYS)
def test_a_missing_document_field_is_a_warning_naming_it(key: str) -> None:
    record = _gold()
    assert check_document(record) == []
    record["document"][key] = None
    [finding] = check_document(record)
    assert finding["rule_id"] == "document.missing_field" and finding["severity"] == "warning"
    assert finding["value_key"] == key and f"document.{key} is null" in finding["message"]
    assert [rule.id for rule in DOCUMENT_RULES] == ["document.missing_field"]


def test_a_filing_printing_no_agency_converts_with_a_warning(tmp_path: Path) -> None:
    """The shipped sample without its "350 赵县…" header lines: no agency code anywhere, still ok."""
    source = tmp_path / "no-agency.txt"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    source.write_text("\n".join(line for line in lines if not line.startswith("350 ")) + "\n", encoding="utf-8")
    result = convert_filing(Filing(source.stem, source, (source,)))
    assert result.status == "ok", result.error
    assert result.record is not None and result.record["document"]["agency_code"] is None
    missing = {f["value_key"] for f in result.findings if f["rule_id"] == "document.missing_field"}
    assert missing == {k for k, v in result.record["document"].items() if v is None} and "agency_code" in missing


def test_the_shipped_sample_has_no_missing_field(tmp_path: Path) -> None:
    source = tmp_path / SAMPLE.name
    shutil.copy(SAMPLE, source)
    result = convert_filing(Filing(source.stem, source, (source,)))
    assert result.status == "ok"
    assert not [f for f in result.findings if f["rule_id"].startswith(("document.", "schema."))]


@needs_shared(SEVEN_DIGIT_ECONOMIC, what="the Chongqing PDF (pdfs/cities/重庆)")
def test_seven_digit_economic_codes_keep_their_table(tmp_path: Path) -> None:
    result = convert_filing(Filing(SEVEN_DIGIT_ECONOMIC.stem, SEVEN_DIGIT_ECONOMIC, (SEVEN_DIGIT_ECONOMIC,)))
    assert result.status != "failed", result.error
    assert result.record is not None
    basic = [t for t in result.record["tables"] if t["kind"] == "general_budget_basic_expenditure"]
    assert basic and any(len(r.get("code") or "") == 7 for t in basic for r in t["rows"])
    assert not [f for f in result.findings if f["rule_id"].startswith("schema.")]
