"""Crashes the fuzzers found in the readers, each pinned by a test named after it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from extractor.ingest import IngestError, read_filing
from tests.docx_fixture import build_filing_docx
from tests.test_fuzz_ingest import SAMPLE, _seed_pdf, mutate


@pytest.mark.parametrize("fraction", [0.2, 0.35, 0.5])
def test_truncated_pdf_is_an_ingest_error_not_a_mupdf_runtime_error(tmp_path: Path, fraction: float) -> None:
    """MuPDF raised RuntimeError('code=7: Invalid number of pages') from page_count on a cut-off file."""
    data = _seed_pdf(True)
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(IngestError, match="truncated.pdf: not a readable PDF"):
        read_filing([path], "off")


def test_pdf_with_a_malformed_page_tree_is_an_ingest_error(tmp_path: Path) -> None:
    """MuPDF raised FzErrorFormat('malformed page tree'), not a RuntimeError, from loading page 1."""
    path = tmp_path / "page-tree.pdf"
    seed = _seed_pdf(False)
    at = seed.index(b"/Kids") + 4  # a NUL inside the page tree's /Kids key: no list of pages
    path.write_bytes(mutate(seed, [("flip", (at + 0.5) / len(seed), b"\x00")]))
    with pytest.raises(IngestError, match="page-tree.pdf: not a readable PDF .*page tree"):
        read_filing([path], "off")


def test_docx_with_a_damaged_deflate_stream_is_an_ingest_error(tmp_path: Path) -> None:
    """zipfile raised zlib.error (fuzzing found 'invalid distance too far back') reading a part whose
    compressed bytes were damaged: the zip directory is intact, so only reading the part fails. Here the
    first deflate block header of word/document.xml says block type 3, which does not exist."""
    good = tmp_path / "good.docx"
    build_filing_docx(good, SAMPLE)
    data = bytearray(good.read_bytes())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    assert info.compress_type == zipfile.ZIP_DEFLATED
    data[start] = 0xFF
    path = tmp_path / "damaged.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(IngestError, match="damaged.docx: not a valid docx"):
        read_filing([path])
