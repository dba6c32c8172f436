"""Page images for the review (issue 16): a PDF page rendered at a dpi and cached on disk, row boxes in the same
PDF points; the page's text where there is no image. On the shipped sample's gold record drawn as a real PDF."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from eval.render import render_record
from extractor.cli import app
from extractor.ingest import IngestError
from extractor.ingest.render import cache_key, page_size, page_text, render_page
from extractor.review import service
from extractor.review.errors import NotFound
from tests.conftest import REPO

runner = CliRunner()
GOLD = REPO / "examples" / "gold" / "zhaoxian-kegongxin-2024.json"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def filing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "drawn.pdf"
    path.write_bytes(render_record(json.loads(GOLD.read_text(encoding="utf-8"))))
    return path


def test_a_page_renders_at_its_dpi_and_the_second_call_reads_the_cache(filing: Path, tmp_path: Path) -> None:
    size = page_size([filing], 1)
    first = render_page(filing, 1, 72, tmp_path / "cache")
    assert first.parent == tmp_path / "cache" and cache_key([filing]) in first.name
    assert png_size(first) == (round(size.width), round(size.height))
    stamp = first.stat().st_mtime_ns
    assert render_page(filing, 1, 72, tmp_path / "cache") == first and first.stat().st_mtime_ns == stamp
    double = render_page(filing, 1, 144, tmp_path / "cache")
    assert double != first and png_size(double)[0] == 2 * png_size(first)[0]


def test_a_page_the_filing_lacks_is_an_ingest_error(filing: Path, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no page 999"):
        render_page(filing, 999, 72, tmp_path)
    with pytest.raises(IngestError, match="no page 0"):
        page_text([filing], 0)


def test_the_page_text_is_what_the_converter_reads(filing: Path) -> None:
    assert "情况说明" in page_text([filing], 1)
    assert "部门预算收支总表" in page_text([filing], 2).splitlines()[1]
    assert "收入总计 1396.37 支出总计 1396.37" in page_text([filing], 2)


def test_page_image_and_row_boxes_of_a_converted_pdf(filing: Path, tmp_path: Path) -> None:
    db = tmp_path / "pdf.duckdb"
    assert runner.invoke(app, ["convert", str(filing), "--db", str(db), "-q"]).exit_code == 0
    (document_id,) = duckdb.connect(str(db), read_only=True).execute("SELECT document_id FROM documents").fetchone()
    parts = service.document_parts(db, document_id)
    assert parts.source_format == "pdf"
    table = next(p for p in parts.parts if p.part == "table" and p.kind == "income_summary")
    view = service.table_view(db, document_id, table.index)
    assert view.pages and all(r.page in view.pages for r in view.rows)
    image = service.page_image(db, document_id, view.pages[0], dpi=100)
    assert image.kind == "png" and image.path is not None and image.text is None
    assert image.path.parent == Path(f"{db}.review-cache")
    boxed = [r for r in view.rows if r.bbox]
    assert len(boxed) == len(view.rows)  # every row of a ruled table has its box
    for row in boxed:
        x0, y0, x1, y1 = row.bbox or ()
        assert 0 <= x0 < x1 <= image.width_pt + 1 and 0 <= y0 < y1 <= image.height_pt + 1
    tops = [r.bbox[1] for r in boxed if r.page == view.pages[0] and r.bbox]
    assert tops == sorted(tops)  # rows go down the page in record order
    with pytest.raises(NotFound, match="no page"):
        service.page_image(db, document_id, 999)


def test_a_text_dump_has_no_image_its_page_text_instead(tmp_path: Path) -> None:
    db = tmp_path / "txt.duckdb"
    sample = REPO / "examples" / "zhaoxian-kegongxin-2024.txt"
    assert runner.invoke(app, ["convert", str(sample), "--db", str(db), "-q"]).exit_code == 0
    (document_id,) = duckdb.connect(str(db), read_only=True).execute("SELECT document_id FROM documents").fetchone()
    image = service.page_image(db, document_id, 1)
    assert image.kind == "text" and image.path is None and image.lines
    numbered = dict(image.lines)
    row = service.table_view(db, document_id, 2).rows[0]
    assert row.lines is not None and "合计" in numbered[row.lines[0]]
