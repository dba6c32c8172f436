"""Input backends: each turns one filing into lines of cells for the region splitter.

One backend per input format, chosen by file suffix: text dumps (.txt), PDFs (.pdf, PyMuPDF),
Word files (.docx, python-docx). A filing may span several files (a prose PDF and a tables PDF),
read in order as one document.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from extractor.ingest.text import IngestError, TextDocument, read_text_dump

SUPPORTED_SUFFIXES = frozenset({".txt", ".pdf", ".docx"})
#: When PDF pages are OCR'd: ``auto`` (pages without a usable text layer), ``force`` (every page), ``off``.
OCR_MODES = ("auto", "force", "off")


def read_filing(paths: Sequence[Path], ocr: str = "auto") -> TextDocument:
    """Read a filing from one file, or from several files of one format read in order.

    ``ocr`` says which PDF pages are read by OCR instead of their text layer (see OCR_MODES).
    """
    if ocr not in OCR_MODES:
        raise ValueError(f"unknown OCR mode {ocr!r} (choose from {', '.join(OCR_MODES)})")
    suffixes = {p.suffix.lower() for p in paths}
    unsupported = sorted(suffixes - SUPPORTED_SUFFIXES)
    if unsupported:
        raise IngestError(f"{paths[0]}: unsupported file type '{unsupported[0] or '(none)'}' "
                          f"(supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})")
    if suffixes == {".pdf"}:
        from extractor.ingest.pdf import read_pdf

        try:
            return read_pdf(paths, ocr)
        except Exception as exc:
            if not _is_mupdf_error(exc):
                raise
            raise IngestError(f"{paths[0]}: not a readable PDF ({' '.join(str(exc).split())})") from exc
    if len(paths) != 1:
        raise IngestError(f"{paths[0]}: only PDFs can be grouped into one filing (got {', '.join(sorted(suffixes))})")
    if suffixes == {".docx"}:
        from extractor.ingest.docx import read_docx

        return read_docx(paths[0])
    return read_text_dump(paths[0])


def _is_mupdf_error(exc: Exception) -> bool:
    """Tell MuPDF's errors on a damaged file (a truncated or malformed page tree, a broken object) from
    anything else: FzErrorBase subclasses, or a RuntimeError worded "code=N: ..." (PyMuPDF's helpers)."""
    from pymupdf import mupdf

    return isinstance(exc, mupdf.FzErrorBase) or (isinstance(exc, RuntimeError) and str(exc).startswith("code="))


__all__ = ["IngestError", "OCR_MODES", "SUPPORTED_SUFFIXES", "TextDocument", "read_filing"]
