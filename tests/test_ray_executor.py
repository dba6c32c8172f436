"""--executor ray against a local Ray instance started here: the same documents as the process pool,
results staged in a folder and loaded by the single writer, leftovers of a killed run loaded first."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.batch import hash_filing
from extractor.batch.plan import Task
from extractor.batch.staging import SUFFIX, stage_result
from extractor.batch.worker import convert_task
from extractor.cli import app
from extractor.pipeline import Filing
from tests import store_checks
from tests.bulk_corpus import BAD_INPUTS, SAMPLE, render_filings

runner = CliRunner()

if importlib.util.find_spec("ray") is None:
    _HINT = "ray is not installed: pip install -e '.[ray]' to run the Ray executor tests"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the Ray executor tests, but {_HINT}", pytrace=False)
    pytest.skip(_HINT, allow_module_level=True)


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ray") / "in"
    render_filings(folder, 4)
    shutil.copy(SAMPLE, folder / "sample.txt")
    shutil.copy(BAD_INPUTS / "corrupt.pdf", folder / "corrupt.pdf")
    return folder


def test_ray_executor_stores_what_the_process_pool_stores(local_ray: None, corpus: Path, tmp_path: Path) -> None:
    local, distributed, staging = tmp_path / "local.duckdb", tmp_path / "ray.duckdb", tmp_path / "staging"
    assert runner.invoke(app, ["convert", str(corpus), "--db", str(local), "--ocr", "off", "-q"]).exit_code == 1
    result = runner.invoke(app, ["convert", str(corpus), "--db", str(distributed), "--executor", "ray",
                                 "--staging", str(staging), "--ocr", "off"])
    assert result.exit_code == 1, result.output
    assert "corrupt.pdf: not a readable PDF" in result.stdout
    assert store_checks.counts(distributed)["documents"] == 6
    assert store_checks.fingerprint(distributed) == store_checks.fingerprint(local)
    assert not list(staging.glob(f"*{SUFFIX}")), "staged results are removed once stored"


def test_results_a_killed_run_left_staged_are_loaded_first(local_ray: None, corpus: Path, tmp_path: Path) -> None:
    db, staging = tmp_path / "resume.duckdb", tmp_path / "staging"
    sample = corpus / "sample.txt"
    task = Task(Filing("sample", sample, (sample,)), hash_filing(Filing("sample", sample, (sample,))))
    staged = stage_result(staging, task, convert_task(task, "off"))
    result = runner.invoke(app, ["convert", str(corpus), "--db", str(db), "--executor", "ray",
                                 "--staging", str(staging), "--ocr", "off"])
    assert result.exit_code == 1, result.output
    assert "skipped 1: 1 already stored" in result.stdout  # loaded from staging, not converted again
    assert not staged.exists() and store_checks.counts(db)["documents"] == 6
    assert store_checks.orphans(db) == dict.fromkeys(store_checks.CHILD_TABLES, 0)


def test_ray_executor_refuses_the_llm_extractors(tmp_path: Path) -> None:
    result = runner.invoke(app, ["convert", str(SAMPLE), "--db", str(tmp_path / "x.duckdb"), "--executor", "ray",
                                 "--extractor", "hybrid", "--llm-base-url", "http://127.0.0.1:9/v1",
                                 "--llm-model", "m"])
    assert result.exit_code == 2 and "rules extractor only" in result.output
