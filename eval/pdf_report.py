"""Convert every PDF under a folder and print, per filing: pages, tables found, rows, arithmetic.

Filings published as several PDFs (a prose PDF and a tables PDF) are read as one document when
their file names share the same stem up to the year ("江苏省委办公厅2019年度…公开文件.pdf" and
"江苏省委办公厅2019年度…公开表格.pdf"), as `yusuan convert --group` does for a folder.

    python -m eval.pdf_report [FOLDER]   (default: ../shared/pdfs)
"""

from __future__ import annotations

import re
import sys
import time
from collections import defaultdict
from pathlib import Path

from eval.shared import SHARED, need
from extractor.pipeline import Filing, convert_filing
from extractor.record.kinds import STANDARD_KINDS

_YEAR_PREFIX = re.compile(r"^(.*?\d{4})")


def filings_under(folder: Path) -> list[Filing]:
    """Group PDFs into filings: a sub-folder of PDFs of one year is one filing (the --group
    convention); elsewhere PDFs whose names agree up to the year are one filing."""
    groups: dict[tuple[Path, str], list[Path]] = defaultdict(list)
    for pdf in sorted(folder.rglob("*.pdf")):
        found = _YEAR_PREFIX.match(pdf.stem)
        key = found.group(1) if found else pdf.stem
        if pdf.parent != folder and _one_year(pdf.parent):
            key = pdf.parent.name
        groups[(pdf.parent, key)].append(pdf)
    return [Filing(key if len(paths) > 1 else paths[0].stem, paths[0] if len(paths) == 1 else parent / key,
                   tuple(sorted(paths, key=_prose_first)))
            for (parent, key), paths in sorted(groups.items())]


def _one_year(folder: Path) -> bool:
    years = {m.group(0) for p in folder.glob("*.pdf") if (m := re.search(r"\d{4}", p.stem))}
    return len(list(folder.glob("*.pdf"))) > 1 and len(years) == 1


def _prose_first(path: Path) -> tuple[int, str]:
    return (1 if "表" in path.stem else 0, path.name)


def table_pass_rate(record: dict, findings: list[dict]) -> tuple[int, int]:
    """Return (tables with rows and no error finding, tables with rows)."""
    kinds = [t["kind"] for t in record["tables"] if t["rows"] and t["kind"] != "other"]
    failing = {f["table_kind"] for f in findings if f["severity"] == "error"}
    return sum(1 for k in kinds if k not in failing), len(kinds)


def main(folder: Path) -> int:
    """Print one line per filing and a total; return 1 if any filing failed to convert."""
    filings = need(filings_under(folder), "eval.pdf_report", f"a folder of PDFs (none under {folder})")
    print(f"{'filing':48} {'files':>5} {'pages':>5} {'std tables':>10} {'rows':>5} {'cards':>5} "
          f"{'errors':>6} {'warnings':>8} {'tables adding up':>16} {'s':>6}")
    failed = 0
    for filing in filings:
        start = time.perf_counter()
        result = convert_filing(filing)
        seconds = time.perf_counter() - start
        if result.status != "ok" or result.record is None:
            failed += 1
            print(f"{filing.name[:48]:48} FAILED {result.error}")
            continue
        record = result.record
        kinds = {t["kind"] for t in record["tables"]} & set(STANDARD_KINDS)
        rows = sum(len(t["rows"]) for t in record["tables"])
        errors = sum(f["severity"] == "error" for f in result.findings)
        passing, total = table_pass_rate(record, result.findings)
        print(f"{filing.name[:48]:48} {len(filing.paths):>5} {result.pages:>5} {len(kinds):>7}/{len(STANDARD_KINDS)} "
              f"{rows:>5} {len(record['performance_cards']):>5} {errors:>6} {len(result.findings) - errors:>8} "
              f"{passing:>10}/{total:<5} {seconds:>6.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED / "pdfs"))
