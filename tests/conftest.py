"""Shared test locations: the dev corpus and gold live beside the repository in ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS_DIR = Path(os.environ.get("YUSUAN_CORPUS_DIR", SHARED / "corpus"))
GOLD_DIR = Path(os.environ.get("YUSUAN_GOLD_DIR", SHARED / "gold"))


def corpus_files() -> list[Path]:
    """Return the dev text dumps that have gold records."""
    if not CORPUS_DIR.is_dir():
        return []
    return sorted(p for p in CORPUS_DIR.glob("*.txt") if (GOLD_DIR / f"{p.stem}.json").exists())


needs_corpus = pytest.mark.skipif(not corpus_files(), reason=f"no dev corpus with gold in {CORPUS_DIR}")
