"""Score OCR: scan the labelled dev PDFs (and the rendered gold) as image-only PDFs, convert, score.

    python -m eval.scan_eval [--dpi 200 150] [--rendered] [--turns] [--only NAME] [--out out/scan-eval]

Writes the scanned PDFs under OUT/<dpi>/pdfs (a Jiangsu filing stays a folder of its PDFs), the
predicted records under OUT/<dpi>/pred, and prints the report per resolution, as
``yusuan eval ../shared/gold OUT/<dpi>/pred --predicted-only`` would. The scanned PDFs can be
converted by hand the same way: ``yusuan convert OUT/200/pdfs --db scans.duckdb --records pred``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console

from eval.dev_eval import gold_copies, labelled_dev_data
from eval.scan import ScanStyle, scan_file
from eval.shared import SHARED, need
from extractor.evaluate.report import evaluate_dirs, render_report, report_to_json
from extractor.pipeline import Filing, convert_filing


def scanned_filings(filings: list[Filing], folder: Path, style: ScanStyle) -> list[Filing]:
    """Scan every PDF filing into ``folder`` (seeded by its position); text dumps are skipped."""
    out = []
    for seed, filing in enumerate(f for f in filings if all(p.suffix.lower() == ".pdf" for p in f.paths)):
        if len(filing.paths) > 1:  # a filing split over PDFs stays a folder of them
            paths = tuple(scan_file(p, folder / filing.name / p.name, style, seed) for p in filing.paths)
            out.append(Filing(filing.name, folder / filing.name, paths))
        else:
            source = scan_file(filing.paths[0], folder / f"{filing.name}.pdf", style, seed)
            out.append(Filing(filing.name, source, (source,)))
    return out


def rendered_pdfs(gold: Path, folder: Path) -> list[Filing]:
    """Render each gold record in each test layout (eval/render.py) as a text PDF to be scanned."""
    from eval.render import LAYOUTS, render_record

    folder.mkdir(parents=True, exist_ok=True)
    filings = []
    for path in sorted(gold.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        for layout in LAYOUTS:
            pdf = folder / f"{path.stem}.{layout}.pdf"
            pdf.write_bytes(render_record(record, layout=layout))
            filings.append(Filing(f"{path.stem}.{layout}", pdf, (pdf,)))
    return filings


def convert_to(filings: list[Filing], pred: Path, console: Console) -> None:
    """Convert each filing (OCR where the pages need it) and write its record as <name>.json."""
    pred.mkdir(parents=True, exist_ok=True)
    for filing in filings:
        result = convert_filing(filing)
        if result.record is None:
            console.print(f"[red]failed[/] {result.error}")
            continue
        if result.status != "ok":
            console.print(f"[yellow]{result.status}[/] {result.error}")
        (pred / f"{filing.name}.json").write_text(json.dumps(result.record, ensure_ascii=False), encoding="utf-8")
        console.print(f"{filing.name}: {result.pages} pages in {result.seconds:.1f} s")


def main(argv: list[str] | None = None) -> int:
    """Build the scanned sets, convert them, print one report per resolution."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared dev data (default: ../shared)")
    parser.add_argument("--out", type=Path, default=Path("out/scan-eval"))
    parser.add_argument("--dpi", type=int, nargs="+", default=[200, 150])
    parser.add_argument("--rendered", action="store_true", help="also scan the gold records rendered as PDFs")
    parser.add_argument("--turns", action="store_true", help="feed some pages turned 90/180/270°")
    parser.add_argument("--only", help="only the dev filing with this name (e.g. sh-bgs-2025)")
    args = parser.parse_args(argv)
    console = Console(width=160)
    gold, filings = labelled_dev_data(args.shared, "eval.scan_eval")
    dev = need([f for f in filings if not args.only or f.name == args.only], "eval.scan_eval",
               f"a labelled dev filing named {args.only}")
    for dpi in args.dpi:
        style = ScanStyle(dpi=dpi, turns=args.turns)
        base = args.out / str(dpi)
        filings = scanned_filings(dev, base / "pdfs", style)
        convert_to(filings, base / "pred", console)
        report = evaluate_dirs(gold, base / "pred", predicted_only=True)
        console.rule(f"scanned dev PDFs at {dpi} dpi")
        render_report(report, console)
        (base / "report.json").write_text(json.dumps(report_to_json(report), ensure_ascii=False, indent=2))
        if args.rendered:
            scans = scanned_filings(rendered_pdfs(gold, base / "rendered"), base / "rendered-pdfs", style)
            convert_to(scans, base / "rendered-pred", console)
            copies = gold_copies(gold, [f.name for f in scans], base / "rendered-gold")
            rendered = evaluate_dirs(copies, base / "rendered-pred")
            console.rule(f"scanned renders of gold at {dpi} dpi")
            render_report(rendered, console)
            (base / "rendered-report.json").write_text(json.dumps(report_to_json(rendered), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
