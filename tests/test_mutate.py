"""The mutation test on a small subset: the shipped sample, a few mutants of each kind, all caught, no false
alarm; seeded runs repeat; without ../shared the script says so in one line."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest

from eval import mutate
from extractor.ingest import read_filing
from extractor.regions.split import split_regions
from tests.conftest import EXAMPLES

SAMPLE = EXAMPLES / "zhaoxian-kegongxin-2024.txt"
GOLD = EXAMPLES / "gold" / "zhaoxian-kegongxin-2024.json"


@pytest.fixture(scope="module")
def subject() -> mutate.Subject:
    record = json.loads(GOLD.read_text(encoding="utf-8"))
    return mutate.Subject("sample", record, tuple(split_regions(read_filing([SAMPLE]))))


def _run(subject: mutate.Subject, seed: int) -> tuple[mutate.Tally, list[str]]:
    tally = mutate.Tally(Counter(), Counter(), [])
    alarms = mutate.run_subject(subject, 3, seed, tally)
    return tally, alarms


def test_every_mutation_kind_is_caught_on_the_sample(subject: mutate.Subject) -> None:
    tally, alarms = _run(subject, 0)
    assert set(tally.made) == set(mutate.MUTATIONS)
    assert tally.score() == 1.0, tally.survivors
    assert alarms == []


def test_mutants_change_what_is_scored_and_runs_repeat(subject: mutate.Subject) -> None:
    original = mutate.scored_content(subject.record)
    kinds = [(kind, mutate.scored_content(m)) for kind, m in mutate.mutants(subject, 2, random.Random(1))]
    assert kinds and all(content != original for _, content in kinds)
    again = [(kind, mutate.scored_content(m)) for kind, m in mutate.mutants(subject, 2, random.Random(1))]
    assert kinds == again


def test_missing_shared_data_is_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch, tmp_path, capsys) -> None:  # noqa: ANN001
    monkeypatch.setattr(mutate, "SHARED", tmp_path / "shared")
    assert mutate.main(["--per-kind", "1"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "shared" in err
