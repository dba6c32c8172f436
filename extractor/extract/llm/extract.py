"""The LLM extractor: one region → one checked record part, with a bounded repair loop and a cache.

``extract_region`` prompts for the region's part (a table, a performance card or the narrative), judges
the answer (schema, numbers as printed, accounting identities), feeds the issues back up to
``repair_attempts`` times, and returns a RegionOutcome: ``ok``, ``cached`` or ``failed`` with its
issues, never a silently accepted answer. Every call is logged as a CallRecord for the ledger.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from extractor.extract.llm.checks import Verdict, judge
from extractor.extract.llm.client import ChatClient, Completion, LLMError
from extractor.extract.llm.prompts import Prompt, load_prompt, render
from extractor.extract.llm.source import region_text, text_hash
from extractor.extract.llm.targets import Target, schema_text, target_for
from extractor.record.kinds import SCHEMA_VERSION
from extractor.regions.model import Region

CALL_FAILED = "llm.call_failed"


class Cache(Protocol):
    """Where accepted answers are kept between runs (the store's StoreCache, or MemoryCache)."""

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str) -> None: ...


class MemoryCache:
    """An in-memory Cache, safe between threads; counts its hits (for tests and benchmarks)."""

    def __init__(self) -> None:
        self._answers: dict[str, str] = {}
        self._lock = threading.Lock()
        self.hits = 0

    def get(self, key: str) -> str | None:
        with self._lock:
            answer = self._answers.get(key)
            self.hits += answer is not None
            return answer

    def put(self, key: str, value: str) -> None:
        with self._lock:
            self._answers[key] = value

    def __len__(self) -> int:
        return len(self._answers)


@dataclass(frozen=True)
class CallRecord:
    """One model call (or cache hit) for the ledger; attempt 1 is the region prompt, later ones repairs."""

    prompt_name: str
    prompt_version: str
    model: str
    region_hash: str
    tokens_in: int
    tokens_out: int
    latency_s: float
    attempt: int
    outcome: str  # "ok" | "rejected" | "error" | "cache_hit"
    region: str = ""  # a readable label: "table:expenditure_summary L12-40"


@dataclass(frozen=True)
class RegionOutcome:
    """What came of one region: the part (None unless accepted), status, calls made and the issues left."""

    kind: str  # the record part: "table" | "performance_card" | "narrative"
    part: dict[str, Any] | None
    status: str  # "ok" | "failed" | "cached"
    attempts: int
    calls: list[CallRecord] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Job:
    """Everything fixed about one region's extraction: task, prompt, quoted text and its keys."""

    region: Region
    target: Target
    prompt: Prompt
    text: str
    model: str

    @property
    def region_hash(self) -> str:
        return text_hash(self.text)

    @property
    def label(self) -> str:
        first, last = self.region.line_span
        kind = f"table:{self.target.table_kind}" if self.target.table_kind else self.region.kind
        return f"{kind} L{first}-{last}"

    def call(self, attempt: int, outcome: str, completion: Completion | None = None,
             prompt: Prompt | None = None) -> CallRecord:
        used = prompt or self.prompt
        return CallRecord(used.name, used.version, self.model, self.region_hash,
                          completion.tokens_in if completion else 0, completion.tokens_out if completion else 0,
                          completion.latency_s if completion else 0.0, attempt, outcome, self.label)

    def outcome(self, verdict: Verdict | None, status: str, attempts: int, calls: list[CallRecord],
                issues: Sequence[str] = ()) -> RegionOutcome:
        part = verdict.part if verdict is not None and status != "failed" else None
        return RegionOutcome(self.target.part, part, status, attempts, calls, list(issues))


def cache_key(prompt: Prompt, table_kind: str | None, model: str, text: str) -> str:
    """Return the cache key: sha256 of prompt name and version, table kind, model, schema version, text."""
    parts = (prompt.name, prompt.version, table_kind or "", model, SCHEMA_VERSION, text)
    return text_hash("\x1f".join(parts))


def extract_region(region: Region, client: ChatClient, cache: Cache | None = None) -> RegionOutcome:
    """Extract one region's record part with the model; every answer is cached by its request, so a
    re-run replays the same conversation (repairs included) without a single call."""
    target = target_for(region)
    job = _Job(region, target, load_prompt(target.prompt_name), region_text(region), client.model)
    key = cache_key(job.prompt, target.table_kind, job.model, job.text)
    outcome, _ = _ask(job, client, cache, key)
    return outcome


def extract_regions(regions: Sequence[Region], client: ChatClient, cache: Cache | None = None,
                    concurrency: int | None = None) -> list[RegionOutcome]:
    """Extract many regions, at most ``concurrency`` at a time (default: the client's); input order kept.

    Cards are numbered (``seq``) in the order their regions are given, failed ones included.
    """
    workers = concurrency if concurrency is not None else client.config.concurrency
    if workers < 1:
        raise ValueError(f"concurrency must be >= 1, got {workers}")
    if not regions:
        return []
    with ThreadPoolExecutor(max_workers=min(workers, len(regions)), thread_name_prefix="llm") as pool:
        outcomes = list(pool.map(lambda region: extract_region(region, client, cache), regions))
    return _numbered_cards(outcomes)


def _numbered_cards(outcomes: list[RegionOutcome]) -> list[RegionOutcome]:
    numbered: list[RegionOutcome] = []
    seq = 0
    for outcome in outcomes:
        if outcome.kind == "performance_card":
            seq += 1
            if outcome.part is not None:
                outcome = replace(outcome, part={**outcome.part, "seq": seq})
        numbered.append(outcome)
    return numbered


def _ask(job: _Job, client: ChatClient, cache: Cache | None = None,
         key: str = "") -> tuple[RegionOutcome, str | None]:
    """Prompt, judge, and repair up to ``repair_attempts`` times; return the outcome and the accepted answer."""
    messages = [{"role": "user", "content": first_prompt(job.prompt, job.target, job.text)}]
    repair = load_prompt("repair")
    calls: list[CallRecord] = []
    issues: Sequence[str] = ()
    attempts = client.config.repair_attempts + 1
    for attempt in range(1, attempts + 1):
        prompt = job.prompt if attempt == 1 else repair
        turn_key = text_hash(key + "\x1f" + json.dumps(messages, ensure_ascii=False, sort_keys=True))
        cached = cache.get(turn_key) if cache is not None else None
        if cached is not None:
            verdict = judge(cached, job.target, job.region)
            calls.append(job.call(attempt, "cache_hit", prompt=prompt))
            completion_text = cached
        else:
            try:
                completion = client.complete_json(messages, job.target.schema, job.target.schema_name)
            except LLMError as exc:
                calls.append(job.call(attempt, "error", prompt=prompt))
                return job.outcome(None, "failed", attempt, calls, [*issues, f"{CALL_FAILED}: {exc}"]), None
            if cache is not None:
                cache.put(turn_key, completion.text)
            completion_text = completion.text
            verdict = judge(completion_text, job.target, job.region)
            calls.append(job.call(attempt, "ok" if verdict.ok else "rejected", completion, prompt))
        if verdict.ok:
            status = "cached" if all(c.outcome == "cache_hit" for c in calls) else "ok"
            return job.outcome(verdict, status, attempt, calls), completion_text
        issues = verdict.issues
        messages += [{"role": "assistant", "content": completion_text},
                     {"role": "user", "content": repair_prompt(repair, job.target, issues)}]
    return job.outcome(None, "failed", attempts, calls, issues), None


def first_prompt(prompt: Prompt, target: Target, text: str) -> str:
    """Render a region prompt with its task fields, the answer schema and the quoted region text."""
    return render(prompt, **target.fields, schema=schema_text(target.schema), region_text=text)


def repair_prompt(repair: Prompt, target: Target, issues: Sequence[str]) -> str:
    """Render the repair turn listing the issues of the rejected answer."""
    what = f"{target.table_kind} table" if target.part == "table" else target.part.replace("_", " ")
    return render(repair, issues="\n".join(f"- {issue}" for issue in issues), part=what)
