"""Draw a disclosure record as a Chinese budget-filing PDF, for round-trip tests of the PDF extractor.

    python -m eval.render GOLD_DIR OUT_DIR [--layout grid --layout narrow] [--seed 0]

writes ``<stem>.<layout>.pdf`` for every gold record and layout. Layouts: ``grid`` (every cell ruled),
``borderless`` (no rules, columns aligned by position, thousands separators) and ``narrow`` (ruled, columns so
narrow that long names and long numbers wrap inside their cells). The seed nudges sizes, widths and margins.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.render_canvas import Canvas, Placement
from eval.render_cards import draw_cards
from eval.render_kinds import table_grid
from eval.render_prose import draw_prose
from eval.render_style import LAYOUTS, RenderStyle, make_style
from eval.render_table import draw_table

__all__ = ["LAYOUTS", "Rendering", "render_document", "render_gold", "render_record", "running_head"]


@dataclass(frozen=True)
class Rendering:
    """A rendered filing: the PDF bytes, the page count, and where each referenced cell was printed.

    Placement refs: ("title", t), ("unit", t), ("note", t), ("header", t, col), ("group", t, col),
    ("code"|"name", t, row), ("value", t, row, key) for record table t and row index row;
    ("card_title", c) and ("card", c, field, ...) for performance card c.
    """

    pdf: bytes
    page_count: int
    style: RenderStyle
    placements: tuple[Placement, ...]


def running_head(document: dict[str, Any]) -> str:
    """Return the header line printed on every page: agency name and budget year."""
    level = "部门预算" if document.get("budget_level") == "department" else "单位预算"
    year = document.get("fiscal_year")
    return (
        f"{document.get('agency_name') or ''} {year}年{level}"
        if year
        else f"{document.get('agency_name') or ''} {level}"
    )


def render_document(record: dict[str, Any], layout: str = "grid", seed: int = 0) -> Rendering:
    """Given a disclosure record, return its rendering: prose page, one table per record table, then cards."""
    style = make_style(layout, seed)
    document = record.get("document") or {}
    canvas = Canvas(running_head(document), style)
    draw_prose(canvas, record)
    for index, table in enumerate(record.get("tables") or []):
        draw_table(canvas, table_grid(table, index, document, style))
    draw_cards(canvas, record.get("performance_cards") or [])
    if not canvas.pages:
        canvas.add_page()
    placements = tuple(canvas.placements)
    pages = len(canvas.pages)
    return Rendering(canvas.to_bytes(), pages, style, placements)


def render_record(record: dict[str, Any], layout: str = "grid", seed: int = 0) -> bytes:
    """Given a disclosure record, return the PDF bytes of a filing that prints it in the given layout."""
    return render_document(record, layout, seed).pdf


def render_gold(gold_dir: Path, out_dir: Path, layouts: tuple[str, ...] = LAYOUTS, seed: int = 0) -> list[Path]:
    """Render every gold record in each layout to ``out_dir/<stem>.<layout>.pdf``; return the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(Path(gold_dir).glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        for layout in layouts:
            target = out_dir / f"{path.stem}.{layout}.pdf"
            target.write_bytes(render_record(record, layout, seed))
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    """CLI: render the gold records of GOLD_DIR into OUT_DIR and print one line per PDF with its time."""
    parser = argparse.ArgumentParser(prog="python -m eval.render", description=__doc__.split("\n\n")[0])
    parser.add_argument("gold_dir", type=Path, help="folder of disclosure-record JSON files")
    parser.add_argument("out_dir", type=Path, help="folder for <stem>.<layout>.pdf")
    parser.add_argument("--layout", action="append", choices=LAYOUTS, help="layout to draw (repeatable; default all)")
    parser.add_argument("--seed", type=int, default=0, help="nudges sizes, widths and page breaks (default 0)")
    args = parser.parse_args(argv)
    layouts = tuple(args.layout or LAYOUTS)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    sources = sorted(args.gold_dir.glob("*.json"))
    if not sources:
        print(f"no *.json records in {args.gold_dir}", file=sys.stderr)
        return 1
    for path in sources:
        record = json.loads(path.read_text(encoding="utf-8"))
        for layout in layouts:
            started = time.perf_counter()
            rendering = render_document(record, layout, args.seed)
            target = args.out_dir / f"{path.stem}.{layout}.pdf"
            target.write_bytes(rendering.pdf)
            elapsed = time.perf_counter() - started
            print(f"{target}\t{rendering.page_count} pages\t{len(rendering.pdf) // 1024} KiB\t{elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
