"""Shared test locations: the dev corpus, gold and PDFs live beside the repository in ../shared (the
only place they are looked for; without it the tests that need them are skipped, saying so); and the
session's real LLM server (fixture `llm_server`)."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS_DIR = SHARED / "corpus"
GOLD_DIR = SHARED / "gold"
PDFS_DIR = SHARED / "pdfs"
EXAMPLES = REPO / "examples"


def shared_reason(what: str) -> str:
    """Return the skip reason of a test that needs ``what`` from ../shared."""
    return f"needs {what} in ../shared (shared data is looked for only there: {SHARED} is missing or incomplete)"


def needs_shared(*paths: Path, what: str = "the dev data") -> pytest.MarkDecorator:
    """Skip unless every path (under ../shared) exists."""
    return pytest.mark.skipif(not all(p.exists() for p in paths), reason=shared_reason(what))


def shared_params(items: list, what: str) -> list:
    """Parameters for a test run once per shared item, or one skipped case naming ../shared if there are none."""
    return list(items) or [pytest.param(None, marks=pytest.mark.skip(reason=shared_reason(what)), id="no-shared")]


def gold_files() -> list[Path]:
    """Return the gold records in ../shared/gold (none without ../shared)."""
    return sorted(GOLD_DIR.glob("*.json")) if GOLD_DIR.is_dir() else []


def corpus_files() -> list[Path]:
    """Return the dev text dumps that have gold records."""
    if not CORPUS_DIR.is_dir():
        return []
    return sorted(p for p in CORPUS_DIR.glob("*.txt") if (GOLD_DIR / f"{p.stem}.json").exists())


needs_corpus = pytest.mark.skipif(not corpus_files(), reason=shared_reason("the dev corpus with gold (corpus/, gold/)"))
needs_gold = pytest.mark.skipif(not gold_files(), reason=shared_reason("the gold records (gold/)"))


@pytest.fixture(scope="session")
def llm_server() -> Iterator[str]:
    """Base URL (`http://127.0.0.1:PORT/v1`) of a real OpenAI-compatible server (llama-cpp-python over
    Gemma 3 270M), started once per session. Skipped only outside CI without llama_cpp; in CI it must run."""
    if importlib.util.find_spec("llama_cpp") is None:
        hint = "llama_cpp is not installed: pip install -e '.[llm-server]' to run the LLM server tests"
        if not os.environ.get("CI"):
            pytest.skip(hint)
        pytest.fail(f"CI must run the LLM server tests, but {hint}")
    from tests.llm_server import running_server

    with running_server() as base_url:
        yield base_url
