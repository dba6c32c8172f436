"""Shared test locations: the dev corpus and gold live beside the repository in ../shared; and the
session's real LLM server (fixture `llm_server`)."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
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
