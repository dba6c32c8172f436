"""The review web app's routes over a real store converted from the shipped sample with one misprinted cell:
pages, the CSRF token, unknown ids, a non-number in an amount cell, a correction that turns a failed table
verified (and survives a restart of the app), undo, save as gold, the Host check and a locked store."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from extractor.cli import app as cli
from extractor.review.web import ReviewConfig, create_app
from extractor.store import open_store
from tests.conftest import REPO

SAMPLE = REPO / "examples" / "zhaoxian-kegongxin-2024.txt"
#: 支出总表 row 2014004 信访业务 prints total 32.30; the broken copy reads 23.30 (a misread digit pair).
PRINTED = "4\t2014004\t信访业务\t32.30\t\t32.30\t"
MISREAD = "4\t2014004\t信访业务\t23.30\t\t32.30\t"


def broken_sample(folder: Path) -> Path:
    """Write the sample with 2014004's total misread as 23.30 into ``folder``; return the file."""
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.count(PRINTED) == 1
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SAMPLE.name
    path.write_text(text.replace(PRINTED, MISREAD), encoding="utf-8")
    return path


def convert_into(db: Path, source: Path) -> str:
    """Convert ``source`` into the store ``db`` (as `yusuan convert` does); return its document_id."""
    result = CliRunner().invoke(cli, ["convert", str(source), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    with open_store(db, read_only=True) as con:
        row = con.execute("SELECT document_id FROM documents").fetchone()
    assert row is not None
    return str(row[0])


@pytest.fixture(scope="module")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("review-template")
    db = folder / "template.duckdb"
    return db, convert_into(db, broken_sample(folder / "filings"))


@pytest.fixture
def store(tmp_path: Path, template_store: tuple[Path, str]) -> tuple[Path, str]:
    """A fresh copy of the converted broken sample (each test may write corrections)."""
    db = tmp_path / "review.duckdb"
    shutil.copy(template_store[0], db)
    return db, template_store[1]


def client_for(db: Path, **config: object) -> TestClient:
    app = create_app(ReviewConfig(db=db, allowed_hosts=("testserver",), **config))  # type: ignore[arg-type]
    return TestClient(app)


@pytest.fixture
def client(store: tuple[Path, str]) -> Iterator[TestClient]:
    with client_for(store[0], gold_dir=store[0].parent / "gold", user="tester") as test_client:
        yield test_client


def token(client: TestClient) -> str:
    page = client.get("/").text
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert found
    return found.group(1)


def post(client: TestClient, url: str, data: dict[str, str], with_token: bool = True) -> object:
    headers = {"X-CSRF-Token": token(client), "HX-Request": "true"} if with_token else {"HX-Request": "true"}
    return client.post(url, data=data, headers=headers)


def verdict_of(html: str) -> str:
    found = re.search(r'id="verdict" data-status="(\w+)"', html)
    assert found, html[:2000]
    return found.group(1)


def test_the_documents_list_shows_verdict_counts_and_filters(client: TestClient, store: tuple[Path, str]) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "htmx.min.js" in page.text and "zhaoxian-kegongxin-2024" in page.text
    row = re.search(rf'<tr data-document="{store[1]}">(.*?)</tr>', page.text, re.S)
    assert row and 'class="num hot">3<' in row.group(1)  # 3 failed parts: tables 3 and 5, card 3
    assert "zhaoxian" in client.get("/?verdict=failed&rule=tree.item_sum").text
    assert "No document matches." in client.get("/?agency=nowhere").text
    assert "No document matches." in client.get("/?year=1999").text
    assert client.get("/?sort=bogus&page=x").status_code == 200  # lenient: defaults


def test_the_htmx_script_is_vendored_not_fetched(client: TestClient) -> None:
    page = client.get("/").text
    assert re.findall(r'<script src="([^"]+)"', page) == ["/static/htmx.min.js", "/static/review.js"]
    script = client.get("/static/htmx.min.js")
    assert script.status_code == 200 and "htmx" in script.text[:2000] and len(script.content) > 30_000


def test_a_document_lists_its_tables_and_cards_with_verdicts(client: TestClient, store: tuple[Path, str]) -> None:
    page = client.get(f"/documents/{store[1]}")
    assert page.status_code == 200
    failed = re.findall(r'<tr class="part status-failed" data-part="(\w+)" data-index="(\d+)"', page.text)
    assert failed == [("table", "3"), ("table", "5"), ("card", "3")]


def test_a_table_view_shows_rows_findings_and_the_page_text(client: TestClient, store: tuple[Path, str]) -> None:
    page = client.get(f"/documents/{store[1]}/tables/3")
    assert page.status_code == 200 and verdict_of(page.text) == "failed"
    assert 'data-row-key="2014004"' in page.text and "tree.item_sum" in page.text
    assert 'class="page-text numbered"' in page.text  # a text dump has no page image: its numbered lines
    assert re.search(r'<span class="line" data-line="\d+">', page.text)
    # the row's printed line carries its key (lit with its grid row), the table's lines are marked as its own
    assert re.search(r'<span class="line in-part row-line" data-line="183" data-row-keys="2014004">4\s+2014004',
                     page.text)
    assert "<kbd>j</kbd>" in page.text  # the keys are documented on the page


def test_a_card_view_shows_its_fields_editable(client: TestClient, store: tuple[Path, str]) -> None:
    page = client.get(f"/documents/{store[1]}/cards/3")
    assert page.status_code == 200 and verdict_of(page.text) == "failed"
    assert 'data-field="spending_plan.3"' in page.text and "单位取暖费" in page.text


@pytest.mark.parametrize("url", ["/documents/nope", "/documents/{id}/tables/99", "/documents/{id}/cards/99",
                                 "/documents/nope/tables/0", "/no/such/page"])
def test_unknown_ids_are_404_with_a_message(client: TestClient, store: tuple[Path, str], url: str) -> None:
    page = client.get(url.replace("{id}", store[1]))
    assert page.status_code == 404
    assert "Not found" in page.text and 'id="error-message"' in page.text


def test_a_write_without_the_pages_token_is_refused(client: TestClient, store: tuple[Path, str]) -> None:
    url = f"/documents/{store[1]}/tables/3/corrections"
    data = {"field": "total", "row_key": "2014004", "value": "32.30"}
    assert client.post(url, data=data).status_code == 403
    assert client.post(url, data=data, headers={"X-CSRF-Token": "guess"}).status_code == 403
    assert client.post(f"/documents/{store[1]}/gold").status_code == 403
    assert verdict_of(client.get(f"/documents/{store[1]}/tables/3").text) == "failed"  # nothing stored


def test_a_non_number_in_an_amount_cell_is_a_clear_message_and_stores_nothing(
        client: TestClient, store: tuple[Path, str]) -> None:
    url = f"/documents/{store[1]}/tables/3/corrections"
    answer = post(client, url, {"field": "total", "row_key": "2014004", "value": "32,3O"})
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert "not a number" in answer.text and 'class="message error"' in answer.text  # type: ignore[attr-defined]
    added = post(client, url, {"field": "row", "name": "新行", "v_total": "abc"})
    assert added.status_code == 422 and "total: 'abc' is not a number" in html.unescape(added.text)  # type: ignore[attr-defined]
    assert "<h2>Corrections</h2>" not in client.get(f"/documents/{store[1]}").text


def test_fixing_the_misread_cell_turns_the_table_verified_and_survives_a_restart(
        client: TestClient, store: tuple[Path, str]) -> None:
    db, document_id = store
    url = f"/documents/{document_id}/tables/3/corrections"
    answer = post(client, url, {"field": "total", "row_key": "2014004", "value": "32.30"})
    assert answer.status_code == 200, answer.text  # type: ignore[attr-defined]
    assert verdict_of(answer.text) == "verified" and "saved:" in answer.text  # type: ignore[attr-defined]
    with client_for(db) as restarted:
        assert verdict_of(restarted.get(f"/documents/{document_id}/tables/3").text) == "verified"
        assert verdict_of(restarted.get(f"/documents/{document_id}/tables/5").text) == "verified"
        document = restarted.get(f"/documents/{document_id}").text
        assert "<h2>Corrections</h2>" in document and "tester" in document


def test_undo_brings_the_extracted_value_back(client: TestClient, store: tuple[Path, str]) -> None:
    document_id = store[1]
    fixed = post(client, f"/documents/{document_id}/tables/3/corrections",
                 {"field": "total", "row_key": "2014004", "value": "32.30"})
    undo_url = re.search(r'hx-post="(/documents/[^"]+/undo[^"]*)"', fixed.text)  # type: ignore[attr-defined]
    assert undo_url
    undone = post(client, undo_url.group(1), {})
    assert undone.status_code == 200 and verdict_of(undone.text) == "failed"  # type: ignore[attr-defined]
    assert post(client, f"/documents/{document_id}/corrections/999/undo", {}).status_code == 404  # type: ignore


def test_save_as_gold_writes_the_corrected_record(client: TestClient, store: tuple[Path, str]) -> None:
    db, document_id = store
    post(client, f"/documents/{document_id}/tables/3/corrections",
         {"field": "total", "row_key": "2014004", "value": "32.30"})
    saved = post(client, f"/documents/{document_id}/gold", {})
    assert saved.status_code == 200 and "saved as gold" in saved.text  # type: ignore[attr-defined]
    gold = json.loads((db.parent / "gold" / f"{SAMPLE.stem}.json").read_text(encoding="utf-8"))
    table = next(t for t in gold["tables"] if t["kind"] == "expenditure_summary")
    assert next(r for r in table["rows"] if r.get("code") == "2014004")["values"]["total"] == 32.3


def test_a_request_for_another_host_is_refused(store: tuple[Path, str]) -> None:
    with client_for(store[0]) as local:
        assert local.get("/", headers={"Host": "evil.example"}).status_code == 400


HOLDER = "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('holding', flush=True); sys.stdin.read()"


def test_a_store_another_process_writes_is_a_clear_message(client: TestClient, store: tuple[Path, str]) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(store[0])], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        page = client.get("/")
        assert page.status_code == 503 and "is in use by another process" in page.text
        review = subprocess.run([sys.executable, "-m", "extractor.cli", "review", "--db", str(store[0])],
                                cwd=REPO, capture_output=True, text=True, timeout=120)
        assert review.returncode == 2 and review.stderr.startswith(f"error: {store[0]} is in use by another process")
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=60)
    assert client.get("/").status_code == 200  # the app opens the store per request: usable again


def test_review_of_a_missing_store_is_one_line(tmp_path: Path) -> None:
    review = subprocess.run([sys.executable, "-m", "extractor.cli", "review", "--db", str(tmp_path / "no.duckdb")],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert review.returncode == 2 and "no such database" in review.stderr and not (tmp_path / "no.duckdb").exists()


def test_numbered_lines_give_each_line_its_rows_and_part() -> None:
    from types import SimpleNamespace

    from extractor.review.web.textpage import numbered_lines

    page = SimpleNamespace(text="title\nrow a\nrow b\nafter", lines=None)
    rows = [SimpleNamespace(row_key="a", lines=(2, 2)), SimpleNamespace(row_key="b", lines=(2, 3)),
            SimpleNamespace(row_key="c", lines=None)]
    lines = numbered_lines(page, rows, (1, 3))
    assert [(n.number, n.row_keys, n.in_part) for n in lines] == [
        (1, (), True), (2, ("a", "b"), True), (3, ("b",), True), (4, (), False)]
    numbered = SimpleNamespace(text=None, lines=((10, "x"), (11, "y")))
    assert [(n.number, n.text, n.in_part) for n in numbered_lines(numbered, rows)] == [(10, "x", False), (11, "y", False)]


def test_a_card_fixed_in_its_plan_or_marked_printed_this_way_turns_verified(
        client: TestClient, store: tuple[Path, str]) -> None:
    url = f"/documents/{store[1]}/cards/3/corrections"
    marked = post(client, url, {"field": "printed_as_is", "value": "spending_plan"})
    assert marked.status_code == 200 and verdict_of(marked.text) == "verified"  # type: ignore[attr-defined]
    assert "saved: spending_plan marked as printed this way — verdict verified" in marked.text  # type: ignore
    undo_url = re.search(r'hx-post="(/documents/[^"]+/undo[^"]*)"', marked.text)  # type: ignore[attr-defined]
    assert undo_url and verdict_of(post(client, undo_url.group(1), {}).text) == "failed"  # type: ignore[attr-defined]
    fixed = post(client, url, {"field": "spending_plan.3", "value": "2.00"})
    assert verdict_of(fixed.text) == "verified"  # type: ignore[attr-defined]
    assert 'data-field="spending_plan.3"' in fixed.text and 'value="2.00"' in fixed.text  # type: ignore[attr-defined]


def test_a_row_added_and_a_kind_changed_show_in_the_grid(client: TestClient, store: tuple[Path, str]) -> None:
    url = f"/documents/{store[1]}/tables/0/corrections"
    added = post(client, url, {"field": "row", "code": "", "name": "补录行"})
    assert added.status_code == 200, added.text  # type: ignore[attr-defined]
    assert re.search(r'<tr class="row added" data-row-key="\+\d+"', added.text)  # type: ignore[attr-defined]
    assert "saved: row 补录行 added" in added.text  # type: ignore[attr-defined]
    rekinded = post(client, url, {"field": "kind", "value": "procurement"})
    assert rekinded.status_code == 200  # type: ignore[attr-defined]
    assert "<option selected>procurement</option>" in rekinded.text  # type: ignore[attr-defined]
    assert 'data-field="unit_price"' in rekinded.text  # type: ignore[attr-defined]  # the new kind's columns


def test_accepting_a_part_makes_next_skip_it(client: TestClient, store: tuple[Path, str]) -> None:
    document_id = store[1]
    first = client.get("/next", follow_redirects=False)
    assert first.status_code == 303
    part = first.headers["location"]
    assert part.startswith(f"/documents/{document_id}/")
    accepted = post(client, part + "/corrections", {"field": "accepted"})
    assert accepted.status_code == 200 and "saved: accepted as it is" in accepted.text  # type: ignore[attr-defined]
    assert client.get("/next", follow_redirects=False).headers["location"] != part


@pytest.fixture(scope="module")
def pdf_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The shipped gold record printed as a ruled PDF (eval/render.py) and converted: a filing with page images."""
    from eval.render import render_record

    folder = tmp_path_factory.mktemp("review-pdf")
    pdf = folder / "filings" / "sample.pdf"
    pdf.parent.mkdir()
    gold = json.loads((REPO / "examples" / "gold" / f"{SAMPLE.stem}.json").read_text(encoding="utf-8"))
    pdf.write_bytes(render_record(gold, "grid", seed=3))
    db = folder / "pdf.duckdb"
    return db, convert_into(db, pdf)


def test_a_pdf_table_view_draws_each_row_as_a_box_over_the_page_image(pdf_store: tuple[Path, str]) -> None:
    db, document_id = pdf_store
    with client_for(db) as local:
        page = local.get(f"/documents/{document_id}/tables/1?dpi=72").text
        image = re.search(r'<img class="page-image" src="([^"]+)" width="(\d+)" height="(\d+)"', page)
        assert image and image.group(1).endswith(".png?dpi=72")
        view_box = re.search(r'<svg class="boxes" viewBox="0 0 ([\d.]+) ([\d.]+)"', page)
        assert view_box and round(float(view_box.group(1))) == int(image.group(2))  # 72 dpi: one pixel a point
        boxes = re.findall(r'<rect class="box[^"]*" data-row-key="([^"]+)" x="([\d.]+)" y="([\d.]+)"', page)
        assert len(boxes) >= 5 and all(0 <= float(y) <= float(view_box.group(2)) for _, _, y in boxes)
        png = local.get(image.group(1))
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(png.content[16:20], "big") == int(image.group(2))  # the PNG is as wide as drawn
        assert local.get(f"/documents/{document_id}/pages/999.png").status_code == 404


def test_a_field_the_table_does_not_have_is_refused(client: TestClient, store: tuple[Path, str]) -> None:
    url = f"/documents/{store[1]}/tables/3/corrections"
    for data in ({"field": "bogus", "row_key": "2014004", "value": "1"}, {"field": "DROP TABLE", "value": "1"},
                 {"field": "total", "value": "1"}, {"field": "row", "v_total": "5"}):
        answer = post(client, url, data)
        assert answer.status_code == 422 and 'class="message error"' in answer.text, data  # type: ignore[attr-defined]
    assert "<h2>Corrections</h2>" not in client.get(f"/documents/{store[1]}").text


def test_edit_forms_read_into_corrections() -> None:
    from extractor.review.web.forms import FormError, card_edit, parse_amount, table_edit

    assert parse_amount(" 1,396.37 ", "total") == 1396.37 and parse_amount("", "total") is None
    assert parse_amount("-0.5", "total") == -0.5
    with pytest.raises(FormError, match="'12a' is not a number"):
        parse_amount("12a", "total")
    cell = table_edit(3, {"field": "total", "row_key": "201", "value": "32.3"})
    assert (cell.part, cell.index, cell.row_key, cell.field, cell.new) == ("table", 3, "201", "total", "32.3")
    assert table_edit(3, {"field": "name", "row_key": "201", "value": "  "}).new is None
    row = table_edit(3, {"field": "row", "name": "新行", "side": "income", "v_total": "1,000", "v_basic": ""})
    assert row.new == {"code": None, "name": "新行", "values": {"total": 1000.0}, "side": "income"}
    assert table_edit(3, {"field": "accepted", "row_key": "201"}).row_key is None
    assert card_edit(3, {"field": "indicators.2.value", "value": "≥90%"}).field == "indicators.2.value"
    for bad in ({"field": "a b"}, {"field": "total"}):
        with pytest.raises(FormError):
            table_edit(3, bad)
    with pytest.raises(FormError):
        card_edit(3, {"field": "budget..total"})


def test_review_on_a_port_in_use_is_one_line(store: tuple[Path, str]) -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        review = subprocess.run([sys.executable, "-m", "extractor.cli", "review", "--db", str(store[0]), "--port",
                                 str(port)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert review.returncode == 2 and review.stdout == ""
    assert review.stderr.strip() == f"error: cannot listen on 127.0.0.1:{port}: Address already in use (choose another --port)"
