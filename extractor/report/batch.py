"""Terminal renderings of a bulk conversion: the live progress bar and the end-of-run summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from extractor.batch.plan import Skip
from extractor.batch.runner import Outcome

#: Above this many documents the summary leaves out the per-file table (the store has every row).
PER_FILE_LIMIT = 20


class RatesColumn(ProgressColumn):
    """Files/s and pages/s since the start, and the failures so far (task fields ``pages``, ``failed``)."""

    def render(self, task) -> Text:  # noqa: ANN001 - rich's Task
        """Return the rates and the failure count of the task."""
        elapsed = task.elapsed or 0.0
        files = f"{task.completed / elapsed:.1f}" if elapsed else "–"
        pages = f"{task.fields.get('pages', 0) / elapsed:.0f}" if elapsed else "–"
        failed = task.fields.get("failed", 0)
        return Text.assemble(f"{files} files/s  {pages} pages/s  ", (f"{failed} failed", "red" if failed else "dim"))


def batch_progress(console: Console, disable: bool) -> Progress:
    """Return the progress bar of a batch: done/total, rates, failures so far, time remaining."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RatesColumn(),
                    TimeRemainingColumn(), console=console, disable=disable, transient=True)


def render_summary(outcomes: Sequence[Outcome], skipped: Sequence[Skip], seconds: float, title: str,
                   console: Console) -> None:
    """Print the totals (converted, partial, skipped, failed, pages, findings, rates) and the verdicts, then one
    line per failed or partial document with its reason; per file when the batch is small (for a large batch,
    the verdict counts per file, up to VERDICT_FILE_LIMIT files)."""
    if 0 < len(outcomes) <= PER_FILE_LIMIT:
        console.print(per_file_table(outcomes, title))
    elif len(outcomes) > PER_FILE_LIMIT:
        console.print(verdict_table(outcomes))
    console.print(totals_table(outcomes, skipped, seconds, title if len(outcomes) > PER_FILE_LIMIT else None))
    if any(o.verdict for o in outcomes):
        console.print(verdict_line(outcomes), highlight=False)
    if skipped:
        console.print(skipped_line(skipped), highlight=False)
    render_failures(outcomes, console)


def render_failures(outcomes: Sequence[Outcome], console: Console, grouped: bool = True) -> None:
    """Print one line per failed or partial document with its reason (the only place a batch prints them):
    under a ``failed (N):`` heading per status, or (``grouped=False``, for ``-q``) as ``failed <reason>``."""
    for label, style in (("failed", "red"), ("partial", "yellow")):
        troubled = [o for o in outcomes if o.status == label]
        if troubled and grouped:
            console.print(f"[{style}]{label}[/] ({len(troubled)}):")
        for o in troubled:
            prefix = "  " if grouped else f"[{style}]{label}[/] "
            console.print(f"{prefix}{_one_line(o.error)}", highlight=False, soft_wrap=True)


def skipped_line(skipped: Sequence[Skip]) -> str:
    """Return why files were skipped, counted: already stored, or the same bytes as another file."""
    duplicates = sum(s.duplicate for s in skipped)
    parts = [f"{len(skipped) - duplicates} already stored (--force converts them again)"] * (duplicates < len(skipped))
    parts += [f"{duplicates} with the same content as another file"] * (duplicates > 0)
    return f"skipped {len(skipped)}: " + ", ".join(parts)


def totals_table(outcomes: Sequence[Outcome], skipped: Sequence[Skip], seconds: float,
                 title: str | None = None) -> Table:
    """Return the one-row table of batch totals."""
    table = Table(title=title)
    columns = ("converted", "partial", "skipped", "failed", "pages", "OCR'd", "errors", "warnings", "seconds",
               "files/s", "pages/s")
    for column in columns:
        table.add_column(column, justify="right")
    count = {s: sum(o.status == s for o in outcomes) for s in ("ok", "partial", "failed")}
    pages = sum(o.pages for o in outcomes)
    rate = (lambda n: f"{n / seconds:.1f}") if seconds > 0 else (lambda n: "–")
    table.add_row(str(count["ok"] + count["partial"]), str(count["partial"]), str(len(skipped)),
                  str(count["failed"]), str(pages), str(sum(o.ocr_pages for o in outcomes)),
                  str(sum(o.errors for o in outcomes)),
                  str(sum(o.warnings for o in outcomes)), f"{seconds:.1f}", rate(len(outcomes)), rate(pages))
    return table


def per_file_table(outcomes: Sequence[Outcome], title: str) -> Table:
    """Return one row per document: status, pages (and of them read by OCR), tables, rows, cards, finding
    counts, seconds."""
    table = Table(title=title)
    for column in ("file", "status", "pages", "OCR'd", "tables", "rows", "cards", "errors", "warnings", "verdict",
                   "verified", "unverified", "failed", "seconds"):
        table.add_column(column, justify="left" if column in ("file", "status", "verdict") else "right")
    for o, name in zip(outcomes, file_labels(outcomes), strict=True):
        style = {"ok": "green", "partial": "yellow"}.get(o.status, "red")
        table.add_row(name, f"[{style}]{o.status}[/]", str(o.pages), str(o.ocr_pages), str(o.tables),
                      str(o.rows), str(o.cards), str(o.errors), str(o.warnings), _verdict(o.verdict),
                      *(str(n) for n in o.verdicts), f"{o.seconds:.2f}")
    return table


_VERDICT_STYLE = {"verified": "green", "unverified": "yellow", "failed": "red"}
#: A large batch prints the verdict counts of at most this many files (the store's verdicts table has all).
VERDICT_FILE_LIMIT = 200


def _verdict(verdict: str | None) -> str:
    return f"[{_VERDICT_STYLE[verdict]}]{verdict}[/]" if verdict in _VERDICT_STYLE else "–"


def verdict_table(outcomes: Sequence[Outcome]) -> Table:
    """Return the verdict counts per file of a large batch: the document's verdict and how many of its tables
    and cards are verified, unverified, failed."""
    shown = [o for o in outcomes if o.verdict][:VERDICT_FILE_LIMIT]
    table = Table(title=f"verdicts per file ({len(shown)} of {len(outcomes)})")
    for column in ("file", "verdict", "verified", "unverified", "failed"):
        table.add_column(column, justify="left" if column in ("file", "verdict") else "right")
    for o, name in zip(shown, file_labels(shown), strict=True):
        table.add_row(name, _verdict(o.verdict), *(str(n) for n in o.verdicts))
    return table


def verdict_line(outcomes: Sequence[Outcome]) -> str:
    """Return the batch's verdicts in one line: documents by verdict, and tables and cards by verdict."""
    documents = {s: sum(o.verdict == s for o in outcomes) for s in _VERDICT_STYLE}
    parts = [sum(o.verdicts[i] for o in outcomes) for i in range(3)]
    return (f"verdicts: documents {documents['verified']} verified, {documents['unverified']} unverified, "
            f"{documents['failed']} failed; tables and cards {parts[0]} verified, {parts[1]} unverified, "
            f"{parts[2]} failed")


def file_labels(outcomes: Sequence[Outcome]) -> list[str]:
    """Return each document's name for a table: its file stem, or as much of its path as tells it apart
    from another document of the same name (a/report.pdf and b/report.pdf; report.pdf and report.txt)."""
    paths = [Path(o.source_path) if o.source_path else Path(o.source_name) for o in outcomes]
    labels = [o.source_name for o in outcomes]
    depth = 0
    while len(set(labels)) < len(labels) and depth <= max((len(p.parts) for p in paths), default=0):
        counts = Counter(labels)
        labels = [Path(*p.parts[-depth - 1:]).as_posix() if counts[label] > 1 else label
                  for label, p in zip(labels, paths, strict=True)]
        depth += 1
    return labels


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())
