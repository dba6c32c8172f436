"""Fuzzing the readers and the layout parsers: whatever the bytes, text or geometry, they return a
value or raise a clean typed error (IngestError, NotADisclosureError), never anything else."""

from __future__ import annotations

import io
import os
import zipfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from extractor.extract.base import NotADisclosureError
from extractor.extract.rules.record import extract_record
from extractor.ingest import IngestError, read_filing
from extractor.ingest.geometry import (
    Rule,
    Word,
    cell_text,
    find_grids,
    grid_rows,
    rules_from_rects,
    split_at,
    text_rows,
    visual_lines,
)
from extractor.ingest.text import TextDocument, decode_dump, detect_layout, parse_dump
from extractor.regions.split import split_regions
from tests.conftest import REPO

SAMPLE = REPO / "examples" / "zhaoxian-kegongxin-2024.txt"
FUZZ = settings(max_examples=int(os.environ.get("YUSUAN_FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])

# --- text dumps --------------------------------------------------------------------------------------------

_SAMPLE_LINES = SAMPLE.read_text(encoding="utf-8").splitlines()
_pieces = st.one_of(
    st.sampled_from(_SAMPLE_LINES),
    st.text(alphabet=st.sampled_from(list("\t\n\r\f  .,-0123456789合计类款项支出收入表（）万元\ufeff")), max_size=40),
    st.text(max_size=20),
)
dumps = st.lists(_pieces, max_size=60).map("\n".join)


@FUZZ
@given(st.binary(max_size=400))
def test_decode_dump_returns_text_or_ingest_error(data: bytes) -> None:
    try:
        text = decode_dump(data, "fuzz.txt")
    except IngestError as exc:
        assert str(exc).startswith("fuzz.txt: ")
        return
    assert isinstance(text, str) and not text.startswith("\ufeff")


@FUZZ
@given(dumps)
def test_parse_dump_numbers_lines_and_pages_in_order(text: str) -> None:
    doc = parse_dump(text, "fuzz.txt")
    assert doc.layout == detect_layout(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    numbers = [line.number for line in doc.lines]
    pages = [line.page for line in doc.lines]
    assert numbers == sorted(set(numbers)) and pages == sorted(pages) and doc.page_count >= 1
    for line in doc.lines:
        assert line.cells and any(line.cells) and not any("\f" in c for c in line.cells)


@FUZZ
@given(dumps)
def test_rules_extractor_on_any_dump_gives_a_record_or_not_a_disclosure(text: str) -> None:
    try:
        doc = parse_dump(text, "fuzz.txt")
        record = extract_record(doc, split_regions(doc))
    except NotADisclosureError:
        return
    assert isinstance(record.get("tables"), list)


@FUZZ
@given(st.binary(max_size=600))
def test_text_dump_reader_on_any_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.txt"
    path.write_bytes(data)
    try:
        doc = read_filing([path])
    except IngestError as exc:
        assert str(path) in str(exc) and "\n" not in str(exc)
        return
    assert isinstance(doc, TextDocument)


# --- page geometry -----------------------------------------------------------------------------------------

_coord = st.floats(min_value=-50, max_value=900, allow_nan=False, allow_infinity=False)
_text = st.text(alphabet=st.sampled_from(list("合计一般公共预算0123456789.,- ")), min_size=1, max_size=12)


@st.composite
def words(draw: st.DrawFn) -> Word:
    x0, y0 = draw(_coord), draw(_coord)
    w = draw(st.floats(min_value=0, max_value=200))
    h = draw(st.floats(min_value=0, max_value=30))
    return Word(x0, y0, x0 + w, y0 + h, draw(_text))


@st.composite
def ruled_rects(draw: st.DrawFn) -> list[tuple[float, float, float, float]]:
    """Rectangles that mostly form grids (rules on a lattice, some missing, some nudged), plus noise."""
    xs = sorted(draw(st.lists(_coord, min_size=2, max_size=6, unique=True)))
    ys = sorted(draw(st.lists(_coord, min_size=2, max_size=8, unique=True)))
    rects = [(xs[0], y - 0.25, xs[-1], y + 0.25) for y in ys] + [(x - 0.25, ys[0], x + 0.25, ys[-1]) for x in xs]
    drop = draw(st.sets(st.integers(0, len(rects) - 1), max_size=3))
    rects = [r for i, r in enumerate(rects) if i not in drop]
    nudge = st.floats(min_value=-3, max_value=3)
    rects = [(a + draw(nudge), b, c, d) for a, b, c, d in rects]
    noise = st.tuples(_coord, _coord, _coord, _coord).map(lambda r: (min(r[0], r[2]), min(r[1], r[3]),
                                                                     max(r[0], r[2]), max(r[1], r[3])))
    return rects + draw(st.lists(noise, max_size=4))


@FUZZ
@given(ruled_rects(), st.lists(words(), max_size=40))
def test_grids_give_one_cell_per_column_and_keep_every_row_in_order(rects: list, page_words: list[Word]) -> None:
    for grid in find_grids(rules_from_rects(rects)):
        assert list(grid.xs) == sorted(grid.xs) and list(grid.ys) == sorted(grid.ys)
        assert len(grid.xs) >= 2 and len(grid.ys) >= 2
        rows = grid_rows(grid, page_words)
        assert all(len(row.cells) == len(row.boxes) == len(grid.xs) - 1 for row in rows)
        assert [row.y0 for row in rows] == sorted(row.y0 for row in rows)


@FUZZ
@given(st.lists(words(), max_size=40))
def test_text_rows_keep_every_word(page_words: list[Word]) -> None:
    rows = text_rows(page_words)
    printed = sorted(t for row in rows for cell in row.cells for t in cell.split(" ") if t)
    assert printed == sorted(t for w in page_words for t in w.text.split(" ") if t)
    assert sum(len(line) for line in visual_lines(page_words)) == len(page_words)
    assert sorted(cell_text(page_words).split()) == sorted(t for w in page_words for t in w.text.split())


@FUZZ
@given(words(), st.lists(_coord, max_size=5))
def test_split_at_a_rule_loses_no_character(word: Word, edges: list[float]) -> None:
    parts = split_at(word, sorted(edges))
    assert "".join(p.text for p in parts) == word.text
    assert all(p.x0 <= p.x1 + 1e-6 for p in parts)


@FUZZ
@given(st.lists(st.builds(Rule, st.booleans(), _coord, _coord, _coord), max_size=30))
def test_find_grids_on_arbitrary_rules(rules: list[Rule]) -> None:
    for grid in find_grids(rules):
        x0, y0, x1, y1 = grid.box
        assert x0 <= x1 and y0 <= y1


# --- binary readers on mutated bytes -------------------------------------------------------------------------

@cache
def _seed_pdf(compressed: bool) -> bytes:
    import pymupdf

    from eval.render import render_record
    from tests.bulk_corpus import sample_record

    document = pymupdf.open(stream=render_record(sample_record(), "grid", 0), filetype="pdf")
    return document.tobytes(garbage=1, deflate=compressed)


@cache
def _seed_docx() -> bytes:
    import tempfile

    from tests.docx_fixture import build_filing_docx

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "seed.docx"
        build_filing_docx(path, SAMPLE)
        return path.read_bytes()


mutations = st.lists(st.tuples(st.sampled_from(["flip", "cut", "insert", "truncate"]), st.floats(0, 1),
                               st.binary(min_size=1, max_size=8)), min_size=1, max_size=4)


def mutate(data: bytes, steps: list[tuple[str, float, bytes]]) -> bytes:
    """Apply the mutation steps (each at a relative position) to the bytes."""
    for op, where, chunk in steps:
        at = int(where * len(data))
        if op == "flip":
            data = data[:at] + chunk + data[at + len(chunk):]
        elif op == "cut":
            data = data[:at] + data[at + 16 * len(chunk):]
        elif op == "insert":
            data = data[:at] + chunk + data[at:]
        else:
            data = data[:at]
    return data


def _read_or_ingest_error(path: Path) -> None:
    try:
        doc = read_filing([path], "off")
    except IngestError as exc:
        assert str(path) in str(exc)
        return
    assert isinstance(doc, TextDocument)


@pytest.mark.slow
@FUZZ
@given(st.booleans(), mutations)
def test_pdf_reader_on_mutated_pdfs(tmp_path: Path, compressed: bool, steps: list) -> None:
    path = tmp_path / "fuzz.pdf"
    path.write_bytes(mutate(_seed_pdf(compressed), steps))
    _read_or_ingest_error(path)


@pytest.mark.slow
@FUZZ
@given(mutations)
def test_docx_reader_on_mutated_packages(tmp_path: Path, steps: list) -> None:
    path = tmp_path / "fuzz.docx"
    path.write_bytes(mutate(_seed_docx(), steps))
    _read_or_ingest_error(path)


@pytest.mark.slow
@FUZZ
@given(st.sampled_from(["word/document.xml", "[Content_Types].xml", "word/_rels/document.xml.rels",
                        "word/styles.xml"]), mutations)
def test_docx_reader_on_mutated_parts(tmp_path: Path, part: str, steps: list) -> None:
    """Mutate one XML part inside an otherwise valid package (the zip checks pass, the XML parsers run)."""
    source = zipfile.ZipFile(io.BytesIO(_seed_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, mutate(data, steps) if info.filename == part else data)
    assume(part in source.namelist())
    path = tmp_path / "fuzz.docx"
    path.write_bytes(buffer.getvalue())
    _read_or_ingest_error(path)
