"""Throughput and memory of bulk conversion: N rendered filings through the process pool into DuckDB,
once per worker count. Prints files/s and pages/s, the peak RSS of every worker process (and of the
writer), and each worker's RSS at 10/25/50/75/100 % of the batch, to show it stays flat.
A script, not a test: run it on an idle machine.

    python -m eval.bench_bulk [--filings 1000] [--workers 1 2 auto] [--corpus out/bulk-corpus]

The corpus is the gold records drawn by eval/render.py in every layout with new seeds (rendered once,
reused when the folder already holds enough PDFs). With 1 worker, as ``yusuan convert --workers 1``
does, documents are converted in the writer process itself.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from eval.render import LAYOUTS, render_record
from eval.shared import SHARED, gold_records, need
from extractor.batch.convert import BatchOptions, convert_batch
from extractor.batch.plan import Plan
from extractor.batch.runner import Outcome

GOLD = SHARED / "gold"
CHECKPOINTS = (0.10, 0.25, 0.50, 0.75, 1.00)
MIB = 1024 * 1024


def _render_one(job: tuple[Path, str, int, Path]) -> None:
    gold, layout, seed, target = job
    target.write_bytes(render_record(json.loads(gold.read_text(encoding="utf-8")), layout, seed))


def render_corpus(folder: Path, count: int, gold_dir: Path = GOLD) -> list[Path]:
    """Render ``count`` filings (gold × layout × seed) into ``folder``, skipping those already there."""
    folder.mkdir(parents=True, exist_ok=True)
    golds = sorted(gold_dir.glob("*.json"))
    jobs = []
    for i in range(count):
        gold, layout = golds[i % len(golds)], LAYOUTS[(i // len(golds)) % len(LAYOUTS)]
        target = folder / f"{gold.stem}.{layout}.{i:05d}.pdf"
        if not target.exists():
            jobs.append((gold, layout, i, target))
    with ProcessPoolExecutor() as pool:
        list(pool.map(_render_one, jobs, chunksize=8))
    return sorted(folder.glob("*.pdf"))[:count]


@dataclass
class MemoryWatch:
    """Samples the RSS of this process and its worker processes until stopped."""

    interval: float = 0.2
    peaks: dict[int, int] = field(default_factory=dict)
    latest: dict[int, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        """Sample until stop() (run it in a thread)."""
        me = psutil.Process()
        while not self._stop.is_set():
            for process in [me, *me.children(recursive=True)]:
                try:
                    if "resource_tracker" in " ".join(process.cmdline()):
                        continue
                    rss = process.memory_info().rss
                except psutil.Error:
                    continue
                self.latest[process.pid] = rss
                self.peaks[process.pid] = max(rss, self.peaks.get(process.pid, 0))
            time.sleep(self.interval)

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()


def bench(paths: list[Path], workers: int | None, db: Path) -> tuple[float, list[Outcome], MemoryWatch, list[dict]]:
    """Convert ``paths`` with ``workers`` (None: as ``yusuan convert`` chooses) into a fresh ``db`` through
    ``convert_batch``, the convert command's own call; return seconds, outcomes, memory, checkpoints."""
    watch = MemoryWatch()
    sampler = threading.Thread(target=watch.run, daemon=True)
    sampler.start()
    snapshots: list[dict] = []
    marks: list[int] = []
    outcomes_so_far: list[Outcome] = []

    def planned(plan: Plan) -> None:
        marks.extend(sorted({round(c * len(plan.tasks)) for c in CHECKPOINTS}, reverse=True))

    def checkpoint(outcome: Outcome) -> None:
        outcomes_so_far.append(outcome)
        while marks and len(outcomes_so_far) >= marks[-1]:
            snapshots.append({"done": len(outcomes_so_far), "rss": dict(watch.latest)})
            marks.pop()

    started = time.perf_counter()
    result = convert_batch(paths, db, BatchOptions(workers=workers, force=True, label="bench"), planned, checkpoint)
    seconds = time.perf_counter() - started
    watch.stop()
    sampler.join()
    return seconds, result.outcomes, watch, snapshots


def report(workers: int | None, seconds: float, outcomes: list[Outcome], watch: MemoryWatch,
           snapshots: list[dict]) -> None:
    """Print throughput, peak RSS per process and RSS at each checkpoint."""
    me = psutil.Process().pid
    pages = sum(o.pages for o in outcomes)
    failed = sum(o.status == "failed" for o in outcomes)
    print(f"\n{workers or 'auto'} worker(s): {len(outcomes)} files ({failed} failed), {pages} pages in "
          f"{seconds:.1f} s: "
          f"{len(outcomes) / seconds:.2f} files/s, {pages / seconds:.1f} pages/s")
    for pid, peak in sorted(watch.peaks.items(), key=lambda kv: kv[0] != me):
        role = "writer" + (" + converter" if workers == 1 else "") if pid == me else "worker"
        trail = "  ".join(f"{s['rss'].get(pid, 0) / MIB:6.0f}" for s in snapshots)
        print(f"  {role:<20} pid {pid:>7}  peak RSS {peak / MIB:6.0f} MiB   RSS at "
              f"{'/'.join(f'{int(c * 100)}' for c in CHECKPOINTS)} %: {trail} MiB")


def _workers(text: str) -> int | None:
    return None if text == "auto" else int(text)


def main(argv: list[str] | None = None) -> int:
    """Render the corpus if needed, then benchmark each worker count."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filings", type=int, default=1000)
    parser.add_argument("--workers", type=_workers, nargs="+", default=[1, 2],
                        help="worker counts to compare; auto: as yusuan convert chooses without --workers")
    parser.add_argument("--corpus", type=Path, default=Path("out/bulk-corpus"))
    parser.add_argument("--gold", type=Path, default=GOLD, help="records to render (default: ../shared/gold)")
    args = parser.parse_args(argv)
    need(gold_records(args.gold), "eval.bench_bulk", f"gold records (*.json) to render in {args.gold} (--gold DIR)")
    started = time.perf_counter()
    paths = render_corpus(args.corpus, args.filings, args.gold)
    print(f"corpus: {len(paths)} PDFs in {args.corpus} ({time.perf_counter() - started:.0f} s to render)")
    for workers in args.workers:
        with tempfile.TemporaryDirectory() as folder:
            report(workers, *bench(paths, workers, Path(folder) / "bench.duckdb"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
