"""Corrections in the store (issue 16, the non-web half): on a real DuckDB file converted from the shipped sample,
a correction turns its part verified at once, survives a restart and a re-conversion, goes stale when the file
changes under it, is exported, saves as gold that ``yusuan eval`` scores 1.0; bad input is a clear error."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.review import service
from extractor.review.apply import apply_corrections
from extractor.review.errors import InvalidCorrection, NotFound, ReviewError
from extractor.review.model import Correction, Target
from extractor.store import StoreLockedError, open_store
from tests.conftest import REPO

runner = CliRunner()
SAMPLE = REPO / "examples" / "zhaoxian-kegongxin-2024.txt"
HOLDER = "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('holding', flush=True); sys.stdin.read()"
#: The sample's one failed part: card 3 单位取暖费 plans 1.70 of its 2.00 budget (the filing's own figures).
CARD, PLAN_END = 3, "spending_plan.3"


def convert(path: Path, db: Path, *extra: str) -> None:
    result = runner.invoke(app, ["convert", str(path), "--db", str(db), "-q", *extra])
    assert result.exit_code == 0, result.output


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, Path, str]:
    """A store converted from a copy of the shipped sample: (db, the copy, its document id)."""
    source = tmp_path / "filings" / SAMPLE.name
    source.parent.mkdir()
    shutil.copy(SAMPLE, source)
    db = tmp_path / "review.duckdb"
    convert(source, db)
    (document_id,) = rows(db, "SELECT document_id FROM documents")[0]
    return db, source, document_id


def fix_plan(db: Path, document_id: str, value: object = "2.00") -> service.CorrectionResult:
    return service.add_correction(db, document_id, Target("card", card_seq=CARD, field=PLAN_END), value, who="ann")


def test_the_sample_has_one_failed_part_card_3(store: tuple[Path, Path, str]) -> None:
    db, _, document_id = store
    failed = [p for p in service.document_parts(db, document_id).parts if p.status == "failed"]
    assert [(p.part, p.index, p.cause) for p in failed] == [("card", CARD, "filing")]
    assert service.next_part(db) == (document_id, "card", CARD)


def test_a_correction_turns_the_card_and_document_verified_without_touching_the_extraction(
        store: tuple[Path, Path, str]) -> None:
    db, _, document_id = store
    result = fix_plan(db, document_id)
    assert result.correction.old == 1.7 and result.correction.new == 2.0 and result.correction.who == "ann"
    assert result.verdict.status == "verified" and result.document_verdict.status == "verified"
    assert service.next_part(db) is None
    corrected = rows(db, "SELECT part, status FROM v_verdicts_corrected WHERE status <> 'verified' "
                         "AND coalesce(kind, '') <> 'other'")
    assert corrected == []
    # the extracted record, its verdicts and findings stay as converted
    (record,) = rows(db, "SELECT record FROM documents")[0]
    assert json.loads(record)["performance_cards"][2]["spending_plan"][3] == 1.7
    assert rows(db, "SELECT status FROM verdicts WHERE part = 'card' AND card_seq = 3") == [("failed",)]
    (plan,) = rows(db, "SELECT record FROM v_records_corrected")[0]
    assert json.loads(plan)["performance_cards"][2]["spending_plan"][3] == 2.0
    assert service.list_documents(db).items[0].verdict == "verified"


def test_check_on_the_store_agrees_with_the_review(store: tuple[Path, Path, str]) -> None:
    db, _, document_id = store
    assert runner.invoke(app, ["check", "--db", str(db)]).exit_code == 1
    fix_plan(db, document_id)
    after = runner.invoke(app, ["check", "--db", str(db)])
    assert after.exit_code == 0, after.output
    assert "plan_reaches_budget" not in after.output


def test_a_cell_edit_is_rechecked_by_the_identities_and_undo_restores_the_verdict(
        store: tuple[Path, Path, str]) -> None:
    db, _, document_id = store
    table = service.table_view(db, document_id, 2)
    assert table.kind == "income_summary" and table.verdict.status == "verified"
    total = table.rows[0]
    assert total.row_key == "合计" and total.values["total"] == 1396.37
    result = service.add_correction(db, document_id, Target("table", 2, row_key="合计", field="total"), "1,396.47",
                                    who="ann")
    assert result.correction.new == 1396.47
    assert result.verdict.status == "failed"
    assert {f.rule_id for f in result.findings} >= {"tree.total_sum"}
    view = service.table_view(db, document_id, 2)
    assert view.rows[0].values["total"] == 1396.47 and view.rows[0].extracted == total.values
    assert view.rows[0].corrected == ("total",)
    assert rows(db, "SELECT amount FROM v_line_items_corrected WHERE table_index = 2 AND row_key = '合计' "
                    "AND value_key = 'total'") == [(1396.47,)]
    assert rows(db, "SELECT amount FROM line_items WHERE table_index = 2 AND row_key = '合计' "
                    "AND value_key = 'total'") == [(1396.37,)]
    undone = service.undo_correction(db, result.correction.id, who="bob")
    assert undone.verdict.status == "verified" and undone.correction.status == "undone"
    assert service.table_view(db, document_id, 2).rows[0].values["total"] == 1396.37


def test_printed_this_way_keeps_the_value_and_turns_the_filing_error_into_a_warning(
        store: tuple[Path, Path, str]) -> None:
    db, _, document_id = store
    result = service.add_correction(db, document_id, Target("card", card_seq=CARD, field="printed_as_is"),
                                    "spending_plan", who="ann")
    assert result.verdict.status == "verified"
    (finding,) = result.findings
    assert finding.rule_id == "card.plan_reaches_budget" and finding.severity == "warning" and finding.printed_as_is
    assert service.card_view(db, document_id, CARD).card["spending_plan"][3] == 1.7


def test_corrections_survive_a_restart_and_a_reconversion_of_the_same_file(store: tuple[Path, Path, str]) -> None:
    db, source, document_id = store
    made = fix_plan(db, document_id).correction
    with open_store(db) as con:  # a new connection: what a restarted app sees
        assert con.execute("SELECT id, status FROM corrections").fetchall() == [(made.id, "active")]
    convert(source, db, "--force")
    (correction,) = service.document_parts(db, document_id).corrections
    assert correction.status == "active" and correction.id == made.id
    assert service.document_parts(db, document_id).verdict.status == "verified"
    assert rows(db, "SELECT count(*) FROM review_records") == [(1,)]


def test_a_reconversion_that_changes_the_corrected_value_marks_the_correction_stale(
        store: tuple[Path, Path, str]) -> None:
    db, source, document_id = store
    fix_plan(db, document_id)
    text = source.read_text(encoding="utf-8")
    plan = text.index("1.70", text.index("资金支出计划", text.index("单位取暖费")))
    source.write_text(text[:plan] + "1.80" + text[plan + 4:], encoding="utf-8")
    convert(source, db)
    (new_id,) = rows(db, "SELECT document_id FROM documents")[0]
    assert new_id != document_id  # a changed file has a new content hash; its corrections follow it
    (correction,) = service.document_parts(db, new_id).corrections
    assert correction.status == "stale" and correction.old == 1.7
    assert service.card_view(db, new_id, CARD).card["spending_plan"][3] == 1.8  # not applied blindly
    assert service.list_documents(db).items[0].stale == 1
    assert rows(db, "SELECT count(*) FROM review_records") == [(0,)]
    source.write_text(text, encoding="utf-8")  # the earlier file again: the correction fits again
    convert(source, db)
    assert [c.status for c in service.document_parts(db, document_id).corrections] == ["active"]


def test_rows_added_renamed_deleted_and_a_kind_changed(store: tuple[Path, Path, str]) -> None:
    db, _, document_id = store
    add = service.add_correction(db, document_id, Target("table", 11, field="row"),
                                 {"code": None, "name": "印刷机", "values": {"quantity": 1, "value": "2.5"}}, who="ann")
    view = service.table_view(db, document_id, 11)
    added = [r for r in view.rows if r.added]
    assert [(r.row_key, r.name, r.values) for r in added] == [(f"+{add.correction.id}", "印刷机",
                                                               {"quantity": 1.0, "value": 2.5})]
    service.add_correction(db, document_id, Target("table", 11, row_key=added[0].row_key, field="name"), "复印机",
                           who="ann")
    assert [r.name for r in service.table_view(db, document_id, 11).rows if r.added] == ["复印机"]
    first = view.rows[0].row_key
    service.add_correction(db, document_id, Target("table", 11, row_key=first, field="delete_row"), None, who="ann")
    assert first not in [r.row_key for r in service.table_view(db, document_id, 11).rows]
    kind = service.add_correction(db, document_id, Target("table", 0, field="kind"), "procurement", who="ann")
    assert kind.verdict.status == "unverified"
    assert any(f.rule_id == "review.kind_changed" for f in kind.findings)


def test_bad_input_is_a_clear_error_and_stores_nothing(store: tuple[Path, Path, str]) -> None:
    db, _, document_id = store
    with pytest.raises(InvalidCorrection, match="'abc' is not a number: income_summary row 合计 total"):
        service.add_correction(db, document_id, Target("table", 2, row_key="合计", field="total"), "abc", who="a")
    with pytest.raises(InvalidCorrection, match="not a value key"):
        service.add_correction(db, document_id, Target("table", 2, row_key="合计", field="amount"), 1, who="a")
    with pytest.raises(InvalidCorrection, match="not a table kind"):
        service.add_correction(db, document_id, Target("table", 2, field="kind"), "收入表", who="a")
    with pytest.raises(InvalidCorrection, match="schema"):
        service.add_correction(db, document_id, Target("document", field="document.budget_level"), "city", who="a")
    with pytest.raises(NotFound, match="no document"):
        service.table_view(db, "nope", 0)
    with pytest.raises(NotFound, match="no table 99"):
        service.table_view(db, document_id, 99)
    with pytest.raises(NotFound, match="no card 99"):
        service.card_view(db, document_id, 99)
    with pytest.raises(NotFound, match="no row"):
        service.add_correction(db, document_id, Target("table", 2, row_key="999", field="total"), 1, who="a")
    with pytest.raises(NotFound, match="no correction 42"):
        service.undo_correction(db, 42, who="a")
    with pytest.raises(NotFound, match="no page 7"):
        service.page_image(db, document_id, 7)
    with pytest.raises(ReviewError, match="no store"):
        service.list_documents(db.with_name("missing.duckdb"))
    assert rows(db, "SELECT count(*) FROM corrections") == [(0,)]


@pytest.fixture
def locked(store: tuple[Path, Path, str]) -> Iterator[tuple[Path, str]]:
    db, _, document_id = store
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        yield db, document_id
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=60)


def test_a_store_another_process_writes_is_the_one_line_store_error(locked: tuple[Path, str]) -> None:
    db, document_id = locked
    with pytest.raises(StoreLockedError, match="in use by another process") as raised:
        fix_plan(db, document_id)
    assert "\n" not in str(raised.value)


def test_save_as_gold_scores_one_against_the_exported_corrected_record(store: tuple[Path, Path, str],
                                                                      tmp_path: Path) -> None:
    db, _, document_id = store
    fix_plan(db, document_id)
    gold = service.save_gold(db, document_id, tmp_path / "gold")
    assert gold.name == f"{SAMPLE.stem}.json"
    saved = json.loads(gold.read_text(encoding="utf-8"))
    assert saved["performance_cards"][2]["spending_plan"][3] == 2.0
    assert "verdict" not in saved and "provenance" not in saved["tables"][1]["rows"][0]
    assert runner.invoke(app, ["export", "--db", str(db), "--format", "records", "--out", str(tmp_path / "pred")]
                         ).exit_code == 0
    report = tmp_path / "eval.json"
    scored = runner.invoke(app, ["eval", "--gold", str(tmp_path / "gold"), "--pred", str(tmp_path / "pred"),
                                 "--json", str(report)])
    assert scored.exit_code == 0, scored.output
    overall = json.loads(report.read_text(encoding="utf-8"))["overall"]
    assert overall["cells"]["f1"] == 1.0 and overall["card_fields"]["accuracy"] == 1.0
    assert overall["indicators"]["f1"] == 1.0 and overall["document"]["accuracy"] == 1.0
    # the shipped gold (the filing as printed) differs from the corrected record in exactly that field
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    shutil.copy(REPO / "examples" / "gold" / gold.name, shipped / gold.name)
    runner.invoke(app, ["eval", "--gold", str(shipped), "--pred", str(tmp_path / "pred"), "--json", str(report)])
    assert json.loads(report.read_text(encoding="utf-8"))["overall"]["card_fields"]["correct"] == \
        overall["card_fields"]["correct"] - 1


def test_corrections_and_review_rows_are_exported(store: tuple[Path, Path, str], tmp_path: Path) -> None:
    db, _, document_id = store
    fix_plan(db, document_id)
    assert runner.invoke(app, ["export", "--db", str(db), "--format", "csv", "--out", str(tmp_path / "csv")]
                         ).exit_code == 0
    text = (tmp_path / "csv" / "corrections.csv").read_text(encoding="utf-8")
    assert PLAN_END in text and "ann" in text
    assert (tmp_path / "csv" / "review_verdicts.csv").exists()


def test_apply_corrections_is_pure_and_applies_in_order() -> None:
    record = json.loads((REPO / "examples" / "gold" / f"{SAMPLE.stem}.json").read_text(encoding="utf-8"))
    before = json.dumps(record, sort_keys=True)
    edits = [Correction(2, "d", "table", "total", table_index=1, row_key="合计", old=1396.37, new=9.0),
             Correction(1, "d", "table", "total", table_index=1, row_key="合计", old=1396.37, new=8.0),
             Correction(3, "d", "table", "name", table_index=1, row_key="合计", old="合计", new="总计",
                        status="undone")]
    out = apply_corrections(record, edits)
    assert out["tables"][1]["rows"][0]["values"]["total"] == 9.0  # the later correction wins
    assert out["tables"][1]["rows"][0]["name"] == "合计"  # undone corrections do not apply
    assert json.dumps(record, sort_keys=True) == before


def test_a_reconversion_that_fails_keeps_the_corrections_stale_until_the_file_reads_again(
        store: tuple[Path, Path, str]) -> None:
    db, source, document_id = store
    fix_plan(db, document_id)
    text = source.read_text(encoding="utf-8")
    source.write_text("", encoding="utf-8")
    assert runner.invoke(app, ["convert", str(source), "--db", str(db), "-q"]).exit_code == 1
    assert rows(db, "SELECT status FROM corrections") == [("stale",)]
    source.write_text(text, encoding="utf-8")
    convert(source, db)
    assert rows(db, "SELECT document_id, status FROM corrections") == [(document_id, "active")]
    assert service.document_parts(db, document_id).verdict.status == "verified"


def test_an_accepted_part_keeps_its_verdict_and_is_skipped_by_next(store: tuple[Path, Path, str]) -> None:
    db, _, document_id = store
    result = service.accept(db, document_id, "card", CARD, who="ann")
    assert result.verdict.status == "failed"  # accepting changes no value and no verdict
    assert service.next_part(db) is None
    assert [p.accepted for p in service.document_parts(db, document_id).parts if p.part == "card"][CARD - 1]
    service.undo_correction(db, result.correction.id, who="ann")
    assert service.next_part(db) == (document_id, "card", CARD)


def test_a_source_changed_since_conversion_shows_no_page_of_the_new_file(store: tuple[Path, Path, str]) -> None:
    db, source, document_id = store
    assert service.page_image(db, document_id, 1).kind == "text"
    source.write_text(source.read_text(encoding="utf-8").replace("1.70", "1.80"), encoding="utf-8")
    with pytest.raises(NotFound, match="changed since it was converted"):
        service.page_image(db, document_id, 1)
    source.unlink()
    with pytest.raises(NotFound, match="not where it was converted from"):
        service.page_image(db, document_id, 1)
