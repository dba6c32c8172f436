"""Convert every labelled dev filing, score it against ../shared/gold, and print the report.

    python -m eval.dev_eval [--shared ../shared] [--rendered] [--out out/dev-eval]
    python -m eval.dev_eval --extractors rules,llm,hybrid --llm-base-url URL --llm-model NAME

Sources: every gold record's filing as ``gold/sources.tsv`` maps it (text dumps under corpus/, PDFs
under pdfs/, a folder being one filing split over several PDFs). With --rendered, every
gold record is also drawn as a PDF in each test layout (eval/render.py) and converted back. With
--extractors and an endpoint, the same filings are converted by each extractor and the overall
figures are printed side by side (the LLM answers are cached in out/…/llm-cache.duckdb).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console

from eval.shared import PARTIAL_CARD_GOLD, SHARED, gold_records, need
from extractor.evaluate.report import evaluate_dirs, render_report, report_to_json
from extractor.extract.base import Extractor
from extractor.extract.choose import make_extractor
from extractor.pipeline import RULES, Filing, convert_filing


def dev_filings(shared: Path) -> list[Filing]:
    """Return every labelled dev filing, named after its gold record.

    ``gold/sources.tsv`` maps each gold record to its source under ../shared (a folder is one filing
    published as several PDFs, read in file-name order); a source that is missing is left out.
    """
    filings = []
    for stem, source in _gold_sources(shared / "gold" / "sources.tsv"):
        path = shared / source
        if path.is_dir():
            filings.append(Filing(stem, path, tuple(sorted(path.glob("*.pdf")))))
        elif path.exists():
            filings.append(Filing(stem, path, (path,)))
    return filings


def _gold_sources(table: Path) -> list[tuple[str, str]]:
    """Return (gold stem, source relative to ../shared) rows of sources.tsv, header skipped."""
    if not table.exists():
        return []
    rows = [line.split("\t") for line in table.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    return [(row[0].strip(), row[1].strip()) for row in rows if len(row) >= 2]


def rendered_filings(gold: Path, out: Path) -> list[Filing]:
    """Render each gold record in each layout; return the PDFs as filings named <stem>.<layout>."""
    from eval.render import LAYOUTS, render_record

    out.mkdir(parents=True, exist_ok=True)
    filings = []
    for path in sorted(gold.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        for layout in LAYOUTS:
            pdf = out / f"{path.stem}.{layout}.pdf"
            pdf.write_bytes(render_record(record, layout=layout))
            filings.append(Filing(f"{path.stem}.{layout}", pdf, (pdf,)))
    return filings


def convert_all(filings: list[Filing], pred: Path, console: Console, choice: Extractor = RULES) -> list:
    """Convert each filing and write its record as <name>.json; report failures; return the results."""
    pred.mkdir(parents=True, exist_ok=True)
    results = []
    for filing in filings:
        result = convert_filing(filing, choice)
        results.append(result)
        if result.record is None:
            console.print(f"[red]failed[/] {result.error}")
            continue
        (pred / f"{filing.name}.json").write_text(json.dumps(result.record, ensure_ascii=False), encoding="utf-8")
    return results


def gold_copies(gold: Path, names: list[str], target: Path) -> Path:
    """Write gold records under the rendered names (<stem>.<layout>.json) so they pair by stem."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        stem = name.rsplit(".", 1)[0]
        (target / f"{name}.json").write_text((gold / f"{stem}.json").read_text(encoding="utf-8"), encoding="utf-8")
    return target


def compare_extractors(args: argparse.Namespace, gold: Path, console: Console) -> None:
    """Convert the dev filings with each extractor and print overall figures side by side."""
    from rich.table import Table

    from extractor.extract.llm.client import ChatClient, LLMConfig
    from extractor.store import open_store
    from extractor.store.llm import StoreCache

    args.out.mkdir(parents=True, exist_ok=True)
    con = open_store(args.out / "llm-cache.duckdb")
    table = Table(title="extractors side by side (overall)")
    for column in ("extractor", "cells F1", "narrative", "card fields", "indicators F1", "regions to LLM",
                   "calls", "tokens in", "tokens out"):
        table.add_column(column)
    for name in args.extractors.split(","):
        choice = RULES
        if name != "rules":
            client = ChatClient(LLMConfig(base_url=args.llm_base_url or "", model=args.llm_model,
                                          provider=args.llm_provider, max_tokens=args.llm_max_tokens,
                                          timeout=args.llm_timeout, max_retries=1))
            choice = make_extractor(name, client, StoreCache(con))
        results = convert_all(dev_filings(args.shared), args.out / f"pred-{name}", console, choice)
        overall = evaluate_dirs(gold, args.out / f"pred-{name}", predicted_only=True,
                                partial_cards=PARTIAL_CARD_GOLD).overall
        calls = [c for r in results if r.llm for c in r.llm.calls if c.outcome != "cache_hit"]
        table.add_row(name, f"{overall.cells.f1:.3f}", f"{overall.narrative_accuracy:.3f}",
                      f"{overall.card_field_accuracy:.3f}", f"{overall.indicators.f1:.3f}",
                      str(sum(r.llm.regions_sent for r in results if r.llm)), str(len(calls)),
                      str(sum(c.tokens_in for c in calls)), str(sum(c.tokens_out for c in calls)))
    console.print(table)


def labelled_dev_data(shared: Path, script: str) -> tuple[Path, list[Filing]]:
    """Return the gold folder and the labelled dev filings under ``shared``; exit saying so if there are none."""
    needs = f"the labelled dev data: gold records in {shared / 'gold'} and their filings under {shared} (--shared DIR)"
    need(gold_records(shared / "gold"), script, needs)
    return shared / "gold", need(dev_filings(shared), script, needs)


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation; print the tables and write the JSON reports under --out."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared dev data (default: ../shared)")
    parser.add_argument("--out", type=Path, default=Path("out/dev-eval"))
    parser.add_argument("--rendered", action="store_true", help="also score gold rendered as PDFs")
    parser.add_argument("--extractors", default="", help="compare these extractors, e.g. rules,llm,hybrid")
    parser.add_argument("--llm-provider", default="openai",
                        help="LangChain provider (default openai: the OpenAI-compatible --llm-base-url)")
    parser.add_argument("--llm-base-url")
    parser.add_argument("--llm-model")
    parser.add_argument("--llm-max-tokens", type=int, default=1024)
    parser.add_argument("--llm-timeout", type=float, default=300.0)
    args = parser.parse_args(argv)
    console = Console(width=160)
    gold, filings = labelled_dev_data(args.shared, "eval.dev_eval")
    if args.extractors:
        compare_extractors(args, gold, console)
        return 0
    convert_all(filings, args.out / "pred", console)
    report = evaluate_dirs(gold, args.out / "pred", predicted_only=True, partial_cards=PARTIAL_CARD_GOLD)
    render_report(report, console)
    (args.out / "report.json").write_text(json.dumps(report_to_json(report), ensure_ascii=False, indent=2))
    if args.rendered:
        filings = rendered_filings(gold, args.out / "rendered")
        convert_all(filings, args.out / "rendered-pred", console)
        copies = gold_copies(gold, [f.name for f in filings], args.out / "rendered-gold")
        rendered = evaluate_dirs(copies, args.out / "rendered-pred")
        render_report(rendered, console)
        (args.out / "rendered-report.json").write_text(json.dumps(report_to_json(rendered), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
