"""The ``yusuan`` command line: a thin shell over the library (convert, check, eval, export, query, review)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from extractor.ingest import OCR_MODES
from extractor.pipeline import MissingInputError, check_inputs, collect_filings, convert_filing

if TYPE_CHECKING:
    from extractor.batch.plan import Plan
    from extractor.batch.runner import Outcome
    from extractor.extract.base import Extractor


class Commands(TyperGroup):
    """The yusuan commands; a store that cannot be opened (locked by a running convert, not a DuckDB file)
    or an input that does not exist ends any command with one line naming it and exit code 2."""

    def invoke(self, ctx: Any) -> Any:  # typer.Context, which older typers type as click.Context
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if not _one_line_error(exc):
                raise
            err.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from exc


def _one_line_error(exc: Exception) -> bool:
    """Is ``exc`` a user's error that one line explains (no traceback)?"""
    from extractor.store.errors import StoreError  # imported here: the store package loads DuckDB

    return isinstance(exc, (StoreError, MissingInputError))


app = typer.Typer(cls=Commands, add_completion=False, no_args_is_help=True,
                  help="Turn Chinese government budget disclosures into validated, queryable data.")
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)
#: Where documents are converted: a process pool on this machine, or a Ray cluster.
EXECUTORS = ("local", "ray")


@app.command()
def convert(
    paths: list[Path] = typer.Argument(..., help="Filings (.txt, .pdf, .docx) or folders of them."),
    db: Path = typer.Option(..., "--db", help="DuckDB file to write (created if missing)."),
    records: Path | None = typer.Option(None, "--records", help="Also write one record JSON per filing here."),
    group: bool = typer.Option(False, "--group", help="Each folder given is ONE filing split over several "
                               "PDFs (e.g. prose + tables), read in file-name order."),
    workers: int | None = typer.Option(None, "--workers", "-j", min=1, help="Worker processes, one document per "
                                       "task (default: the number of cores). The llm and hybrid extractors run "
                                       "in this process instead (their answer cache lives in the DuckDB file)."),
    force: bool = typer.Option(False, "--force", help="Convert again the files already stored (same content, "
                               "same extractor version); by default a re-run skips them."),
    executor: str = typer.Option("local", "--executor", help="local (a process pool on this machine) or ray "
                                 "(tasks on a Ray cluster, results staged in --staging, then stored; rules "
                                 "extractor only; needs pip install 'yusuan\\[ray]')."),
    ray_address: str | None = typer.Option(None, "--ray-address", envvar="RAY_ADDRESS",
                                           help="Ray cluster to use (default: start a local one)."),
    staging: Path | None = typer.Option(None, "--staging", help="Folder, on storage every Ray node sees, where "
                                        "workers write their results (default: DB path + .staging)."),
    extractor: str = typer.Option("rules", "--extractor", help="rules (offline, default), llm (every region "
                                  "by the model) or hybrid (only regions failing the checks go to the model)."),
    llm_base_url: str | None = typer.Option(None, "--llm-base-url", envvar="YUSUAN_LLM_BASE_URL",
                                            help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1"),
    llm_model: str | None = typer.Option(None, "--llm-model", envvar="YUSUAN_LLM_MODEL", help="Model name."),
    llm_provider: str = typer.Option("openai", "--llm-provider", envvar="YUSUAN_LLM_PROVIDER",
                                     help="LangChain provider of the model: openai (default: the OpenAI-compatible "
                                     "endpoint at --llm-base-url) or a name LangChain's init_chat_model knows "
                                     "(anthropic, google_genai, mistralai, …; pip install langchain-PROVIDER)."),
    llm_api_key_env: str = typer.Option("YUSUAN_LLM_API_KEY", "--llm-api-key-env",
                                        help="Environment variable holding the API key (never logged)."),
    llm_repair_attempts: int = typer.Option(2, "--llm-repair-attempts", help="Repair turns after a failed check."),
    llm_concurrency: int = typer.Option(2, "--llm-concurrency", help="Regions sent to the model at once."),
    llm_timeout: float = typer.Option(120.0, "--llm-timeout", help="Seconds per model call."),
    llm_max_tokens: int = typer.Option(2048, "--llm-max-tokens", help="Most tokens an answer may take."),
    ocr: str = typer.Option("auto", "--ocr", help="PDF pages read by OCR: auto (pages without a usable "
                             "text layer), force (every page) or off (image-only pages fail)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary table."),
) -> None:
    """Convert filings into validated disclosure records stored in a DuckDB file.

    Documents are converted in parallel and stored one transaction each by this process; a re-run skips
    what is already stored, so an interrupted run is resumed by running it again.
    """
    from extractor.batch.convert import BatchOptions, convert_batch
    from extractor.report.batch import batch_progress, render_failures, render_summary

    check_inputs(paths)
    _check_batch_options(ocr, executor, extractor)
    if not list(collect_filings(paths, group)):
        err.print(f"[red]error:[/] no input files under {', '.join(map(str, paths))}")
        raise typer.Exit(2)
    chosen = _extractor_choice(extractor, llm_base_url, llm_model, llm_api_key_env, llm_repair_attempts,
                               llm_concurrency, llm_timeout, llm_max_tokens, llm_provider)
    if extractor != "rules" and workers not in (None, 1):
        err.print(f"note: --extractor {extractor} runs in this process (its answer cache lives in the DuckDB file); "
                  "--workers is not used", highlight=False)
    options = BatchOptions(
        workers=workers, force=force, group=group, ocr=ocr, records=records, executor=executor,
        ray_address=ray_address, staging=staging, extractor=lambda con: _with_answer_cache(chosen, con))
    with batch_progress(err, quiet) as progress:
        bar = progress.add_task("converting", total=None, pages=0, failed=0)

        def planned(plan: Plan) -> None:
            progress.update(bar, total=len(plan.tasks), visible=len(plan.tasks) > 1)

        def stored(outcome: Outcome) -> None:
            fields = progress.tasks[0].fields
            progress.update(bar, advance=1, pages=fields["pages"] + outcome.pages,
                            failed=fields["failed"] + (outcome.status == "failed"))

        report = convert_batch(paths, db, options, planned, stored)
    if quiet:
        render_failures(report.outcomes, err, grouped=False)
    else:
        render_summary(report.outcomes, report.skipped, report.seconds, f"yusuan convert → {db}", out)
    if report.extractor != "rules":
        _print_llm_totals(report.outcomes)
    if report.failed:
        raise typer.Exit(1)


def _check_batch_options(ocr: str, executor: str, extractor: str) -> None:
    if ocr not in OCR_MODES:
        err.print(f"[red]error:[/] --ocr must be one of {', '.join(OCR_MODES)}, got {ocr!r}")
        raise typer.Exit(2)
    if executor not in EXECUTORS:
        err.print(f"[red]error:[/] --executor must be one of {', '.join(EXECUTORS)}, got {executor!r}")
        raise typer.Exit(2)
    if executor == "ray" and extractor != "rules":
        err.print(f"[red]error:[/] --executor ray runs the rules extractor only (got --extractor {extractor}: "
                  "its answer cache lives in the DuckDB file; use --executor local)")
        raise typer.Exit(2)
    if executor == "ray" and importlib.util.find_spec("ray") is None:
        err.print("[red]error:[/] --executor ray needs Ray: pip install 'yusuan\\[ray]'")
        raise typer.Exit(2)


def _extractor_choice(name: str, base_url: str | None, model: str | None, key_env: str, repairs: int,
                      concurrency: int, timeout: float, max_tokens: int,
                      provider: str = "openai") -> Extractor:
    from extractor.extract.choose import EXTRACTORS, make_extractor

    if name not in EXTRACTORS:
        err.print(f"[red]error:[/] --extractor must be one of {', '.join(EXTRACTORS)}, got {name!r}")
        raise typer.Exit(2)
    if name == "rules":
        return make_extractor()
    provider = provider.strip().lower().replace("-", "_")
    if not model or (provider == "openai" and not base_url):
        needs = "--llm-base-url and --llm-model (or YUSUAN_LLM_BASE_URL / YUSUAN_LLM_MODEL)" if provider == "openai" \
            else "--llm-model (or YUSUAN_LLM_MODEL)"
        err.print(f"[red]error:[/] --extractor {name} needs {needs}")
        raise typer.Exit(2)
    from extractor.extract.llm.client import ChatClient, LLMConfig

    try:
        config = LLMConfig(base_url=base_url or "", model=model, api_key_env=key_env, repair_attempts=repairs,
                           concurrency=concurrency, timeout=timeout, max_tokens=max_tokens, provider=provider)
        return make_extractor(name, ChatClient(config), None, concurrency)
    except ValueError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from exc


def _with_answer_cache(extractor: Extractor, con: Any) -> Extractor:
    """Give an LLM extractor its answer cache in the store (``con``); the rules need none."""
    if extractor.name == "rules":
        return extractor
    import dataclasses

    from extractor.store.llm import StoreCache

    return dataclasses.replace(extractor, cache=StoreCache(con))  # type: ignore[type-var]


def _print_llm_totals(outcomes: list[Outcome]) -> None:
    usages = [o.llm for o in outcomes if o.llm is not None]
    calls = [c for u in usages for c in u.calls]
    hits = sum(c.outcome == "cache_hit" for c in calls)
    out.print(f"LLM: {sum(u.regions_sent for u in usages)} region(s) sent, {len(calls) - hits} call(s), "
              f"{hits} cache hit(s), {sum(c.tokens_in for c in calls)} tokens in, "
              f"{sum(c.tokens_out for c in calls)} tokens out, "
              f"{sum(len(u.regions_replaced) for u in usages)} region(s) replaced, "
              f"{sum(len(u.regions_failed) for u in usages)} without a valid answer")


@app.command()
def check(
    paths: list[Path] = typer.Argument(None, help="Filings to convert and check without storing them."),
    db: Path | None = typer.Option(None, "--db", help="Print the findings stored in this DuckDB file."),
    errors_only: bool = typer.Option(False, "--errors-only", help="Leave out warnings."),
) -> None:
    """Print the arithmetic findings (failed accounting identities) per document, with a summary.

    Exit code: 0 no error finding (warnings allowed), 1 error findings present or a filing that failed to
    convert, 2 a usage error or a store that cannot be opened.
    """
    from extractor.report.findings import render_findings

    if (db is None) == (not paths):
        err.print("[red]error:[/] give either filings to check or --db DB")
        raise typer.Exit(2)
    documents, failed, verdicts = _stored_findings(db) if db is not None else _fresh_findings(paths)
    if errors_only:
        documents = [(name, [f for f in fs if f.get("severity") == "error"]) for name, fs in documents]
    render_findings(documents, out, verdicts)
    if failed or any(f.get("severity") == "error" for _, fs in documents for f in fs):
        raise typer.Exit(1)


def _fresh_findings(paths: list[Path]) -> tuple[list[tuple[str, list[dict]]], int, dict[str, tuple]]:
    """Convert each filing without storing it; return (name, findings) per converted one, the failures and each
    document's verdict with its tables' and cards' verdict counts."""
    from extractor.validate.verdicts import record_verdict_counts

    documents, failed, verdicts = [], 0, {}
    for filing in collect_filings(paths):
        result = convert_filing(filing)
        if result.status == "failed":
            err.print(f"[red]failed[/] {result.error}", highlight=False, soft_wrap=True)
            failed += 1
            continue
        documents.append((result.source_name, result.findings))
        verdicts[result.source_name] = record_verdict_counts(result.record)
    return documents, failed, verdicts


def _stored_findings(db: Path) -> tuple[list[tuple[str, list[dict]]], int, dict[str, tuple]]:
    from extractor.store import query as run_query

    if not db.exists():
        err.print(f"[red]error:[/] {db}: no such database")
        raise typer.Exit(2)
    _, docs = run_query(db, "select document_id, source_name from documents where status <> 'failed' "
                            "order by source_name")
    # the corrected views: a reviewer's corrections re-checked (the raw tables in a store from before migration 5)
    columns, rows = _query_corrected(run_query, db, "select * from {findings} order by document_id, severity, rule_id")
    by_doc: dict[str, list[dict]] = {doc_id: [] for doc_id, _ in docs}
    for row in rows:
        finding = dict(zip(columns, row))
        by_doc.setdefault(finding["document_id"], []).append(finding)
    _, parts = _query_corrected(run_query, db, "select document_id, part, status from {verdicts} "
                                               "where coalesce(kind, '') <> 'other'")
    names = dict(docs)
    verdicts: dict[str, tuple] = {}
    for doc_id, part, status in parts:
        empty = dict.fromkeys(("verified", "unverified", "failed"), 0)
        verdict, counts = verdicts.get(names.get(doc_id, ""), (None, empty))
        if part == "document":
            verdict = status
        else:
            counts[status] = counts.get(status, 0) + 1
        verdicts[names.get(doc_id, "")] = (verdict, counts)
    return [(name, by_doc[doc_id]) for doc_id, name in docs], 0, verdicts


def _query_corrected(run_query: Any, db: Path, sql: str) -> tuple[list[str], list[tuple]]:
    """Run ``sql`` over the corrected views (v_findings_corrected, v_verdicts_corrected), or over the raw tables of
    a store converted before corrections existed (opened read-only, it has no such views)."""
    from extractor.store import QueryError

    try:
        return run_query(db, sql.format(findings="v_findings_corrected", verdicts="v_verdicts_corrected"))
    except QueryError:
        return run_query(db, sql.format(findings="findings", verdicts="verdicts"))


@app.command("eval")
def evaluate(
    gold: Path = typer.Option(..., "--gold", help="Folder of hand-labelled records (*.json)."),
    pred: Path = typer.Option(..., "--pred", help="Folder of predicted records, paired with gold by file stem."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the full report as JSON here."),
    predicted_only: bool = typer.Option(False, "--predicted-only",
                                        help="Score only gold records that have a prediction (default: a "
                                             "missing prediction scores as empty)."),
    partial_cards: list[str] = typer.Option([], "--partial-cards", help="A gold record (file stem) that labels "
                                            "only some of the printed cards: its predicted cards without a gold "
                                            "card are not scored. Repeat for several."),
) -> None:
    """Score predicted records against gold with the contract's rules, per document and overall."""
    from extractor.evaluate.report import evaluate_dirs, render_report, report_to_json

    for folder, label in ((gold, "--gold"), (pred, "--pred")):
        if not folder.is_dir():
            err.print(f"[red]error:[/] {label} {folder}: not a folder")
            raise typer.Exit(2)
    report = evaluate_dirs(gold, pred, predicted_only, partial_cards)
    render_report(report, out)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(report_to_json(report), ensure_ascii=False, indent=2), encoding="utf-8")
        out.print(f"report written to {json_out}")


@app.command()
def export(
    db: Path = typer.Option(..., "--db", help="DuckDB file written by convert."),
    fmt: str = typer.Option("records", "--format", help="parquet, csv or records (one JSON per filing)."),
    out_dir: Path = typer.Option(..., "--out", help="Folder to write into."),
) -> None:
    """Export every store table as Parquet or CSV, or one contract JSON record per filing."""
    from extractor.store import FORMATS
    from extractor.store import export as export_store

    if fmt not in FORMATS:
        err.print(f"[red]error:[/] --format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        raise typer.Exit(2)
    if not db.exists():
        err.print(f"[red]error:[/] {db}: no such database")
        raise typer.Exit(2)
    written = export_store(db, fmt, out_dir)
    out.print(f"wrote {len(written)} file(s) to {out_dir}")


@app.command()
def query(
    sql: str = typer.Argument(..., help="One SQL statement (read-only; several are refused)."),
    db: Path = typer.Option(..., "--db", help="DuckDB file written by convert."),
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
) -> None:
    """Run one read-only SQL statement against the store and print the result (exit 1 if it fails)."""
    from extractor.store import QueryError
    from extractor.store import query as run_query

    if not db.exists():
        err.print(f"[red]error:[/] {db}: no such database")
        raise typer.Exit(2)
    try:
        columns, rows = run_query(db, sql)
    except QueryError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from exc
    _print_rows(columns, rows, fmt)


@app.command()
def review(
    db: Path = typer.Option(..., "--db", help="DuckDB file written by convert."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback unless told otherwise)."),
    port: int = typer.Option(8750, "--port", help="Port to listen on."),
    dpi: int = typer.Option(110, "--dpi", min=36, max=300, help="Resolution of the page images."),
    user: str = typer.Option("reviewer", "--user", help="Name stored with each correction (who)."),
    gold: Path | None = typer.Option(None, "--gold", help="Folder 'Save as gold' writes to (default: DB-gold/ "
                                     "beside the store)."),
) -> None:
    """Review in the browser: page images beside the records and their findings; corrections, saved as gold."""
    import uvicorn

    from extractor.review.web import ReviewConfig, create_app, prepare_store

    if not db.exists():
        err.print(f"[red]error:[/] {db}: no such database")
        raise typer.Exit(2)
    prepare_store(db)
    _check_port(host, port)
    config = ReviewConfig(db=db, dpi=dpi, user=user, gold_dir=gold, allowed_hosts=_allowed_hosts(host))
    if config.allowed_hosts == ("*",):
        err.print(f"[yellow]warning:[/] listening on {host}: anyone who reaches this address can read the store")
    out.print(f"yusuan review: http://{_url_host(host)}:{port}/ (store {db}, gold to {config.gold_folder}; "
              "Ctrl-C stops)", highlight=False, soft_wrap=True)
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning")


def _check_port(host: str, port: int) -> None:
    """Stop with one line when ``host:port`` cannot be listened on (taken by another server, a bad address)."""
    import os
    import socket

    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        err.print(f"[red]error:[/] cannot listen on {host}:{port}: {reason} (choose another --port)",
                  highlight=False, soft_wrap=True)
        raise typer.Exit(2) from exc


def _allowed_hosts(host: str) -> tuple[str, ...]:
    """Return the Host headers the app answers: the loopback names when bound there, else any."""
    if host in ("127.0.0.1", "localhost", "::1"):
        return ("127.0.0.1", "localhost", "[::1]")
    return ("*",)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _print_rows(columns: list[str], rows: list[tuple], fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False, default=str) + "\n")
    elif fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        table = Table()
        for column in columns:
            table.add_column(column)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        out.print(table)


if __name__ == "__main__":
    app()
