"""Page images and page text for the review app: a PDF page rendered to PNG at a dpi, cached on disk; the
text of a page where there is no image (text dumps, Word) or where the page was read by OCR.

Coordinates are the page's display orientation in PDF points (origin top left), the same space as the
``bbox`` of a row's provenance, so a box is drawn on the image by scaling with ``dpi / 72``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from extractor.ingest.text import IngestError


@dataclass(frozen=True)
class PageSize:
    """A page's size in PDF points, as displayed (a rotated page's width and height swapped)."""

    width: float
    height: float


def _locate(paths: Sequence[Path], page: int) -> tuple[Path, int]:
    """The file and 0-based page index of the filing's 1-based ``page`` (pages numbered across its files)."""
    import pymupdf

    base = 0
    for path in paths:
        try:
            with pymupdf.open(path) as document:
                count = document.page_count
        except Exception as exc:  # noqa: BLE001 - PyMuPDF raises several types for bad files
            raise IngestError(f"{path}: not a readable PDF ({exc})") from exc
        if page <= base + count:
            if page < 1:
                break
            return path, page - base - 1
        base += count
    raise IngestError(f"{paths[0]}: no page {page} (the filing has {base} pages)")


def page_size(paths: Sequence[Path], page: int) -> PageSize:
    """The displayed size in points of the filing's 1-based ``page``."""
    import pymupdf

    path, index = _locate(paths, page)
    with pymupdf.open(path) as document:
        rect = document[index].rect  # the displayed (rotated) rectangle
        return PageSize(round(rect.width, 1), round(rect.height, 1))


def cache_key(paths: Sequence[Path]) -> str:
    """The content hash of the filing's files (its document id): a changed file never reads a stale image."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def render_page(source: Path | Sequence[Path], page: int, dpi: int, cache_dir: Path, key: str | None = None) -> Path:
    """Render the filing's 1-based ``page`` at ``dpi`` to PNG under ``cache_dir`` and return its path; a second
    call with the same file, page and dpi reads the cached file. ``key`` (the content hash, else computed) names
    the cache entry. IngestError for an unreadable file or a page it does not have."""
    paths = [source] if isinstance(source, Path) else list(source)
    if not 18 <= dpi <= 600:
        raise ValueError(f"dpi must be between 18 and 600, got {dpi}")
    target = Path(cache_dir) / f"{key or cache_key(paths)}-p{page}-{dpi}.png"
    if target.exists():
        return target
    import pymupdf

    path, index = _locate(paths, page)
    with pymupdf.open(path) as document:
        pixmap = document[index].get_pixmap(dpi=dpi, alpha=False)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        pixmap.save(str(partial), output="png")
    partial.replace(target)  # a reader never sees half a file
    return target


def page_text(source: Path | Sequence[Path], page: int, ocr: str = "auto") -> str:
    """The text of the filing's 1-based ``page`` as the converter reads it, one printed line per line: the text
    layer of a PDF page, or its OCR when the layer is unusable (``ocr`` as in ``read_filing``); for a text dump
    or Word file the lines it gives that page (a dump without page marks is all page 1)."""
    paths = [source] if isinstance(source, Path) else list(source)
    if paths[0].suffix.lower() == ".pdf":
        import pymupdf

        from extractor.ingest.pdf import read_page

        path, index = _locate(paths, page)
        with pymupdf.open(path) as document:
            reading = read_page(document[index], ocr, path)
        return "\n".join(" ".join(c for c in row.cells if c) for row in reading.rows)
    return "\n".join(text for _, text in page_lines(paths, page, ocr))


def page_lines(source: Path | Sequence[Path], page: int, ocr: str = "auto") -> list[tuple[int, str]]:
    """(line number, text) of each line a text dump or Word file gives its 1-based ``page``, numbered as the
    converter numbers them (the ``lines`` of a row's provenance); a dump without page marks is all page 1."""
    from extractor.ingest import read_filing

    paths = [source] if isinstance(source, Path) else list(source)
    lines = read_filing(paths, ocr).lines
    pages = max((line.page for line in lines), default=1)
    if not 1 <= page <= pages:
        raise IngestError(f"{paths[0]}: no page {page} (the filing has {pages} pages)")
    return [(line.number, line.text) for line in lines if line.page == page]
