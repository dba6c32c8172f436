"""The re-check of a corrected record (pure): identities run again, completeness findings are kept unless a
correction answers them, a re-kinded table is unchecked, a value printed this way is a warning; and which
corrections still fit a re-converted record."""

from __future__ import annotations

import json

import pytest

from extractor.review.apply import applied
from extractor.review.cells import coerce, extracted_value
from extractor.review.errors import InvalidCorrection, NotFound
from extractor.review.model import Correction, Target
from extractor.review.recheck import KIND_CHANGED, PRINTED_AS_IS_PREFIX, recheck
from extractor.review.reconcile import statuses
from tests.conftest import REPO

RECORD = json.loads((REPO / "examples" / "gold" / "zhaoxian-kegongxin-2024.json").read_text(encoding="utf-8"))
INCOME = 1  # income_summary in the gold record (no `other` table before it)


def unplaced(amount: float) -> dict:
    return {"rule_id": "coverage.unplaced_amount", "severity": "error", "table_kind": "income_summary",
            "row_key": None, "value_key": None, "expected": None, "actual": amount, "difference": None, "page": 1,
            "message": f"printed {amount} is in no row of income_summary"}


def on_row(key: str) -> dict:
    return {"rule_id": "coverage.unprinted_value", "severity": "error", "table_kind": "income_summary",
            "row_key": key, "value_key": "total", "expected": None, "actual": 1.0, "difference": None, "page": 1,
            "message": f"income_summary {key} total is printed nowhere"}


def edit(cid: int, field: str, new: object, row_key: str | None = "合计", index: int = INCOME, **kw: object
         ) -> Correction:
    target = Target("table", index, row_key=row_key, field=field)
    return Correction(cid, "d", "table", field, index, RECORD["tables"][index]["kind"], None, row_key,
                      extracted_value(RECORD, target), new, **kw)  # type: ignore[arg-type]


def test_the_gold_record_rechecks_clean() -> None:
    checked = recheck(applied(RECORD, []), [])
    assert checked.verdicts.tables[INCOME].status == "verified"


def test_an_unplaced_amount_a_corrected_cell_now_holds_is_answered_and_another_is_kept() -> None:
    base = [unplaced(1396.37), unplaced(55.55)]
    result = applied(RECORD, [edit(1, "carryover", 1396.37)])
    kept = [f["actual"] for f in recheck(result, base).findings if f["rule_id"] == "coverage.unplaced_amount"]
    assert kept == [55.55]


def test_completeness_findings_on_a_corrected_row_are_answered_others_kept() -> None:
    base = [on_row("合计"), on_row("201")]
    checked = recheck(applied(RECORD, [edit(1, "name", "合计")]), base)
    assert [f["row_key"] for f in checked.findings if f["rule_id"].startswith("coverage.")] == ["201"]
    assert checked.verdicts.tables[INCOME].status == "failed"
    assert checked.verdicts.tables[INCOME].cause == "extraction"


def test_a_cell_edit_that_breaks_an_identity_fails_the_table_as_the_filing() -> None:
    checked = recheck(applied(RECORD, [edit(1, "total", 1396.47)]), [])
    verdict = checked.verdicts.tables[INCOME]
    assert verdict.status == "failed" and verdict.cause == "filing"
    assert any(f["rule_id"] == "tree.total_sum" for f in checked.findings)


def test_marked_printed_this_way_the_same_error_is_a_warning_and_the_table_verified() -> None:
    corrections = [edit(1, "total", 1396.47), edit(2, "printed_as_is", "total")]
    checked = recheck(applied(RECORD, corrections), [])
    marked = [f for f in checked.findings if f["message"].startswith(PRINTED_AS_IS_PREFIX)]
    assert marked and all(f["severity"] == "warning" for f in marked)
    assert checked.verdicts.tables[INCOME].status == "verified"


def test_a_rekinded_table_is_unchecked_and_its_old_completeness_findings_go() -> None:
    checked = recheck(applied(RECORD, [edit(1, "kind", "procurement", row_key=None)]), [on_row("201")])
    assert [f["rule_id"] for f in checked.findings if f["table_kind"] == "procurement"] == [KIND_CHANGED]
    assert not any(f["rule_id"] == "coverage.unprinted_value" for f in checked.findings)
    assert checked.verdicts.tables[INCOME].status == "unverified"


def test_a_correction_is_stale_when_the_reconverted_cell_changed_and_active_again_when_it_is_back() -> None:
    fix = edit(1, "total", 1396.47)
    changed = json.loads(json.dumps(RECORD))
    changed["tables"][INCOME]["rows"][0]["values"]["total"] = 1400.0
    assert statuses(changed, [fix]) == {1: "stale"}
    stale = Correction(**{**fix.as_dict(), "status": "stale"})
    assert statuses(RECORD, [stale]) == {1: "active"}
    gone = json.loads(json.dumps(RECORD))
    gone["tables"][INCOME]["rows"] = gone["tables"][INCOME]["rows"][1:]
    assert statuses(gone, [fix]) == {1: "stale"}
    assert statuses(None, [fix]) == {1: "stale"}  # a conversion that failed
    undone = Correction(**{**fix.as_dict(), "status": "undone"})
    assert statuses(changed, [undone]) == {}


def test_an_added_row_goes_stale_once_the_extractor_reads_that_row_itself() -> None:
    row = {"code": "2130101", "name": "行政运行", "values": {"total": 1.0}}
    add = Correction(1, "d", "table", "row", INCOME, "income_summary", None, None, None, row)
    assert statuses(RECORD, [add]) == {}
    read = json.loads(json.dumps(RECORD))
    read["tables"][INCOME]["rows"].append(row)
    rename = Correction(2, "d", "table", "name", INCOME, "income_summary", None, "+1", None, "X")
    assert statuses(read, [add, rename]) == {1: "stale", 2: "stale"}


def test_input_is_coerced_or_refused_naming_the_cell() -> None:
    assert coerce(RECORD, Target("table", INCOME, row_key="合计", field="total"), " 1,396.37 ") == 1396.37
    assert coerce(RECORD, Target("table", INCOME, row_key="合计", field="total"), "") is None
    assert coerce(RECORD, Target("document", field="document.fiscal_year"), "2025") == 2025
    with pytest.raises(InvalidCorrection, match="'1.2.3' is not a number: income_summary row 合计 total"):
        coerce(RECORD, Target("table", INCOME, row_key="合计", field="total"), "1.2.3")
    with pytest.raises(InvalidCorrection, match="not a number"):
        coerce(RECORD, Target("card", card_seq=3, field="budget.total"), "two")
    with pytest.raises(NotFound, match="no field"):
        extracted_value(RECORD, Target("card", card_seq=3, field="budget.nothing.here"))
