"""Build the inputs of the bulk-conversion tests with our own code, from the repository's own files only:
budget filings rendered from the shipped sample's record, a 500-page filing, and the bad inputs a real folder holds (committed under
tests/fixtures/bad_inputs; ``python -m tests.bulk_corpus tests/fixtures/bad_inputs`` writes them again).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import pymupdf

from eval.render import render_record
from tests.conftest import REPO

SAMPLE = REPO / "examples" / "zhaoxian-kegongxin-2024.txt"
BAD_INPUTS = REPO / "tests" / "fixtures" / "bad_inputs"
#: Committed bad inputs and the words their one-line reason must contain.
BAD_REASONS = {
    "corrupt.pdf": "not a readable PDF",
    "encrypted.pdf": "encrypted PDF",
    "empty.pdf": "not a readable PDF",
    "empty.txt": "empty file",
    "not-a-budget.pdf": "no budget table",
    "image-only.pdf": "no text layer",
    "cp1252.txt": "neither UTF-8 nor GB18030",
    "utf16.txt": "binary file",
}
#: Record variants of the sample, cheap to render and convert: its tables and prose, with 0 or 1 card.
VARIANTS = {"sample": 0, "sample-card": 1}
_PROSE = "本报告介绍本单位年度工作情况，内容包括机构设置、人员构成、主要职责和年度重点工作安排等方面。"


@cache
def _sample() -> dict:
    from extractor.pipeline import Filing, convert_filing

    record = convert_filing(Filing(SAMPLE.stem, SAMPLE, (SAMPLE,))).record
    assert record is not None, f"the shipped sample {SAMPLE} no longer converts"
    return record


def sample_record(cards: int = 0) -> dict:
    """Return the shipped sample filing as our extractor records it, keeping its first ``cards`` cards."""
    record = _sample()
    return {**record, "performance_cards": record["performance_cards"][:cards]}


def render_filings(folder: Path, count: int, variants: tuple[str, ...] = tuple(VARIANTS)) -> list[Path]:
    """Write ``count`` distinct budget PDFs (sample variants in each layout, new seeds) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    layouts = ("grid", "borderless", "narrow")
    paths = []
    for i in range(count):
        name, layout = variants[i % len(variants)], layouts[(i // len(variants)) % len(layouts)]
        path = folder / f"{name}.{layout}.{i:04d}.pdf"
        path.write_bytes(render_record(sample_record(VARIANTS[name]), layout, seed=i))
        paths.append(path)
    return paths


def _text_pdf(lines: list[str], pages: int = 1) -> pymupdf.Document:
    document = pymupdf.open()
    for number in range(pages):
        page = document.new_page(width=595, height=842)
        for row, line in enumerate(lines):
            page.insert_text((56, 72 + 18 * row), line.replace("{n}", str(number + 1)), fontname="china-s",
                             fontsize=10)
    return document


def big_filing(path: Path, pages: int = 500) -> Path:
    """Write a budget filing padded with annex prose pages to ``pages`` pages in all."""
    document = pymupdf.open(stream=render_record(sample_record(), "grid", seed=7), filetype="pdf")
    annex = _text_pdf(["附件 第{n}页", _PROSE[:36], _PROSE[36:]], pages - document.page_count)
    document.insert_pdf(annex)
    document.subset_fonts()
    path.write_bytes(document.tobytes(garbage=3, deflate=True))
    return path


def write_bad_inputs(folder: Path) -> None:
    """Write the bad inputs of BAD_REASONS into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    rendered = render_record(sample_record(), "grid", seed=0)
    (folder / "corrupt.pdf").write_bytes(rendered[: len(rendered) // 3])  # cut off mid-download
    secret = pymupdf.open(stream=rendered, filetype="pdf")
    secret.select([0])
    (folder / "encrypted.pdf").write_bytes(secret.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256,
                                                         user_pw="secret", owner_pw="owner", garbage=3))
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "empty.txt").write_bytes(b"")
    prose = _text_pdf([_PROSE[:36], _PROSE[36:], "第二部分 年度工作总结"])
    prose.subset_fonts()
    (folder / "not-a-budget.pdf").write_bytes(prose.tobytes(garbage=3, deflate=True))
    scan = pymupdf.open()
    image = secret[0].get_pixmap(dpi=40, colorspace=pymupdf.csGRAY)
    scan.new_page(width=595, height=842).insert_image(pymupdf.Rect(0, 0, 595, 842), pixmap=image)
    (folder / "image-only.pdf").write_bytes(scan.tobytes(garbage=3, deflate=True))
    (folder / "cp1252.txt").write_bytes("Budget 2024 \u2013 total \u20ac 1,200 \u00e9t\u00e9\n".encode("cp1252") * 20)
    head = SAMPLE.read_text(encoding="utf-8")[:1500]
    (folder / "utf16.txt").write_bytes(head.encode("utf-16"))


if __name__ == "__main__":
    write_bad_inputs(Path(sys.argv[1]) if len(sys.argv) > 1 else BAD_INPUTS)
