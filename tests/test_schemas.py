"""The schemas in schemas/ accept every gold record and reject corrupted ones at the exact location."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from extractor.record.kinds import DOCUMENT_KEYS, NARRATIVE_KEYS, SIDED_KINDS, TABLE_KINDS, VALUE_KEYS
from extractor.validate import (
    SchemaIssue,
    SchemaValidationError,
    load_schema,
    require_valid_record,
    schema_names,
    schemas_dir,
    validate_part,
    validate_record,
)
from tests.conftest import EXAMPLES, gold_files, shared_params

#: The gold record shipped with the repository (the same as ../shared/gold/002): the negative tests
#: corrupt a copy of it, so they run without ../shared.
SHIPPED_GOLD = EXAMPLES / "gold" / "zhaoxian-kegongxin-2024.json"

Record = dict[str, Any]


def _gold() -> Record:
    """Return a fresh deep copy of the shipped gold record."""
    return copy.deepcopy(json.loads(SHIPPED_GOLD.read_text(encoding="utf-8")))


def _table_index(record: Record, predicate: Callable[[Record], bool]) -> int:
    """Return the index of the first table matching ``predicate`` that has rows."""
    return next(i for i, t in enumerate(record["tables"]) if t["rows"] and predicate(t))


def _paths(issues: list[SchemaIssue]) -> list[str]:
    """Return the paths of ``issues``."""
    return [issue.path for issue in issues]


@pytest.mark.parametrize("path", [SHIPPED_GOLD, *shared_params(gold_files(), "the gold records (gold/)")],
                         ids=lambda p: p.name if p else "no-shared")
def test_every_gold_record_validates(path: Path) -> None:
    """The contract: the schemas accept every gold record in ../shared/gold (and the shipped one)."""
    record = json.loads(path.read_text(encoding="utf-8"))
    assert validate_record(record) == []
    require_valid_record(record)


@pytest.mark.parametrize("name", schema_names())
def test_schema_file_is_valid_draft_2020_12(name: str) -> None:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://yusuan.dev/schemas/{name}.schema.json"
    assert schema["title"] and schema["description"]


def test_every_part_and_kind_has_a_schema() -> None:
    expected = {"record", "document", "narrative", "performance_card", "table"}
    expected |= {f"tables/{kind}" for kind in TABLE_KINDS}
    assert set(schema_names()) == expected
    assert (schemas_dir() / "record.schema.json").is_file()


def test_schemas_agree_with_kinds() -> None:
    assert load_schema("table")["properties"]["kind"]["enum"] == list(TABLE_KINDS)
    assert list(load_schema("narrative")["properties"]) == list(NARRATIVE_KEYS)
    assert list(load_schema("document")["properties"]) == list(DOCUMENT_KEYS)
    for kind, keys in VALUE_KEYS.items():
        row = load_schema(f"tables/{kind}")
        values = row["properties"]["values"]
        assert list(values["properties"]) == list(keys), kind
        # other printed columns may be kept under other keys, as amounts (contract: row rules)
        assert values["additionalProperties"] == {"$ref": "../table.schema.json#/$defs/amount"}, kind
        assert ("side" in row["required"]) == (kind in SIDED_KINDS), kind


def test_load_schema_returns_a_copy_and_rejects_unknown_names() -> None:
    load_schema("record")["title"] = "changed"
    assert load_schema("record")["title"] != "changed"
    with pytest.raises(KeyError, match="no schema 'nope'"):
        load_schema("nope")


def test_string_amount_is_rejected_at_its_cell() -> None:
    record = _gold()
    t = _table_index(record, lambda t: t["kind"] == "income_summary")
    record["tables"][t]["rows"][5]["values"]["total"] = "12.50"
    issues = validate_record(record)
    assert _paths(issues) == [f"$.tables[{t}].rows[5].values.total"]
    assert issues[0].validator == "type"


def test_unknown_table_kind_is_rejected() -> None:
    record = _gold()
    record["tables"][2]["kind"] = "expenditure_overview"
    issues = validate_record(record)
    assert _paths(issues) == ["$.tables[2].kind"]
    assert issues[0].validator == "enum"


def test_six_digit_function_code_is_rejected() -> None:
    record = _gold()
    t = _table_index(record, lambda t: t["kind"] == "general_budget_expenditure")
    row = next(i for i, r in enumerate(record["tables"][t]["rows"]) if r["code"] and len(r["code"]) == 7)
    record["tables"][t]["rows"][row]["code"] = record["tables"][t]["rows"][row]["code"][:6]
    issues = validate_record(record)
    assert _paths(issues) == [f"$.tables[{t}].rows[{row}].code"]
    assert issues[0].validator == "pattern"


@pytest.mark.parametrize("code", ["301", "30101", "3010201", "501", "50101"])
def test_economic_codes_of_every_printed_length_are_accepted(code: str) -> None:
    record = _gold()
    t = _table_index(record, lambda t: t["kind"] == "general_budget_basic_expenditure")
    record["tables"][t]["rows"][1]["code"] = code
    assert validate_record(record) == []


@pytest.mark.parametrize(("code", "validator"), [("3010", "pattern"), ("301020", "pattern"), ("30a01", "pattern"),
                                                 (30101, "type")])
def test_malformed_or_numeric_economic_code_is_rejected(code: Any, validator: str) -> None:
    record = _gold()
    t = _table_index(record, lambda t: t["kind"] == "general_budget_basic_expenditure")
    record["tables"][t]["rows"][1]["code"] = code
    issues = validate_record(record)
    assert _paths(issues) == [f"$.tables[{t}].rows[1].code"]
    assert issues[0].validator == validator


def test_numeric_function_code_is_rejected() -> None:
    record = _gold()
    t = _table_index(record, lambda t: t["kind"] == "expenditure_summary")
    record["tables"][t]["rows"][1]["code"] = int(record["tables"][t]["rows"][1]["code"])
    issues = validate_record(record)
    assert _paths(issues) == [f"$.tables[{t}].rows[1].code"]
    assert issues[0].validator == "type"


@pytest.mark.parametrize("key", DOCUMENT_KEYS)
def test_a_missing_document_field_is_null_not_a_schema_failure(key: str) -> None:
    record = _gold()
    record["document"][key] = None
    assert validate_record(record) == []


@pytest.mark.parametrize(("key", "value", "validator"), [("agency_name", "", "minLength"),
                                                         ("agency_name", 350, "type"),
                                                         ("fiscal_year", "2024", "type"),
                                                         ("budget_level", "ministry", "enum"),
                                                         ("currency_unit", "", "minLength")])
def test_a_malformed_document_field_is_rejected(key: str, value: Any, validator: str) -> None:
    record = _gold()
    record["document"][key] = value
    issues = validate_record(record)
    assert _paths(issues) == [f"$.document.{key}"]
    assert issues[0].validator == validator


def test_indicator_levels_may_be_null_where_the_card_prints_no_such_column() -> None:
    record = _gold()
    for indicator in record["performance_cards"][0]["indicators"]:
        indicator["level1"] = indicator["level2"] = None
    assert validate_record(record) == []
    record["performance_cards"][0]["indicators"][2]["level1"] = ""
    assert _paths(validate_record(record)) == ["$.performance_cards[0].indicators[2].level1"]


def test_indicator_without_level2_is_rejected() -> None:
    record = _gold()
    del record["performance_cards"][0]["indicators"][3]["level2"]
    issues = validate_record(record)
    assert _paths(issues) == ["$.performance_cards[0].indicators[3].level2"]
    assert issues[0].validator == "required"


def test_spending_plan_with_five_entries_is_rejected() -> None:
    record = _gold()
    record["performance_cards"][1]["spending_plan"].append(1.0)
    issues = validate_record(record)
    assert _paths(issues) == ["$.performance_cards[1].spending_plan"]
    assert issues[0].validator == "maxItems"


def test_unknown_narrative_key_is_rejected() -> None:
    record = _gold()
    record["narrative"]["income_totl"] = 1.0
    issues = validate_record(record)
    assert _paths(issues) == ["$.narrative.income_totl"]
    assert issues[0].validator == "additionalProperties"


def test_sided_row_without_side_is_rejected() -> None:
    record = _gold()
    t = _table_index(record, lambda t: t["kind"] in SIDED_KINDS)
    del record["tables"][t]["rows"][2]["side"]
    issues = validate_record(record)
    assert _paths(issues) == [f"$.tables[{t}].rows[2].side"]
    assert issues[0].validator == "required"


def test_extra_keys_are_allowed_outside_values_and_narrative() -> None:
    record = _gold()
    record["confidence"] = 0.9
    record["tables"][0]["pages"] = [3]
    record["tables"][0]["rows"][0]["provenance"] = {"page": 3, "bbox": [1, 2, 3, 4]}
    record["performance_cards"][0]["notes"] = "checked"
    record["performance_cards"][0]["indicators"][0]["page"] = 12
    assert validate_record(record) == []


def test_printed_columns_without_a_contract_key_are_kept_as_amounts() -> None:
    record = _gold()
    t = _table_index(record, lambda t: t["kind"] == "expenditure_summary")
    record["tables"][t]["rows"][0]["values"].update({"personnel": 1.0, "public": None})
    i = _table_index(record, lambda t: t["kind"] == "income_summary")
    record["tables"][i]["rows"][0]["values"]["government_fund"] = 2.5
    assert validate_record(record) == []


def test_an_extra_value_key_must_hold_an_amount() -> None:
    record = _gold()
    t = _table_index(record, lambda t: t["kind"] == "expenditure_summary")
    record["tables"][t]["rows"][0]["values"]["personnel"] = "1.0"
    issues = validate_record(record)
    assert _paths(issues) == [f"$.tables[{t}].rows[0].values.personnel"]
    assert issues[0].validator == "type"


def test_an_extra_value_key_must_be_a_snake_case_key() -> None:
    record = _gold()
    t = _table_index(record, lambda t: t["kind"] == "expenditure_summary")
    record["tables"][t]["rows"][0]["values"]["人员经费"] = 1.0
    issues = validate_record(record)
    assert _paths(issues) == [f"$.tables[{t}].rows[0].values"]
    assert issues[0].validator == "pattern" and "人员经费" in issues[0].message


def test_listed_value_keys_stay_typed() -> None:
    record = _gold()
    t = _table_index(record, lambda t: t["kind"] == "three_public_expenditure")
    record["tables"][t]["rows"][0]["values"]["general_budget"] = True
    issues = validate_record(record)
    assert _paths(issues) == [f"$.tables[{t}].rows[0].values.general_budget"]
    assert issues[0].validator == "type"


def test_validate_part_checks_one_card() -> None:
    card = _gold()["performance_cards"][0]
    assert validate_part("performance_card", card) == []
    card["budget"] = {"total": "200", "fiscal": 200.0, "other": None}
    assert _paths(validate_part("performance_card", card)) == ["$.budget.total"]


def test_issues_are_sorted_naturally_by_path() -> None:
    record = _gold()
    t = _table_index(record, lambda t: len(t["rows"]) > 10)
    for row in (10, 2):
        record["tables"][t]["rows"][row]["values"]["total"] = "x"
    assert _paths(validate_record(record)) == [
        f"$.tables[{t}].rows[2].values.total",
        f"$.tables[{t}].rows[10].values.total",
    ]


def test_require_valid_record_raises_with_issues_and_paths() -> None:
    record = _gold()
    record["schema_version"] = 1
    record["document"]["fiscal_year"] = 1890
    with pytest.raises(SchemaValidationError) as caught:
        require_valid_record(record)
    assert _paths(list(caught.value.issues)) == ["$.document.fiscal_year", "$.schema_version"]
    assert "$.document.fiscal_year, $.schema_version" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_schemas_dir_can_be_overridden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    schema = {"$id": "https://yusuan.dev/schemas/record.schema.json", "type": "object"}
    (tmp_path / "record.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    monkeypatch.setenv("YUSUAN_SCHEMAS_DIR", str(tmp_path))
    assert schemas_dir() == tmp_path
    assert validate_record({"anything": 1}) == []
    assert schema_names() == ["record"]
