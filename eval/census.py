"""Census: every printed table of the eleven kinds and every printed project card is in the record.

For each filing, the printed table titles and 绩效目标表 cards are counted from the page lines alone
(not from the region splitter), with the vocabularies the extractor uses (title wordings:
``regions.classify``; card labels: ``cards/data/cards.json``), and compared with the record:

- a title counts when a grid follows it (a line of two or more cells before the next title, on its page
  or the next): a table of contents, a heading in the prose or a sentence naming a table is no table;
- a title printed again on the next pages (a table split over pages) is the same table;
- cards: one per header block (项目名称 + the project's name), one per project of a listing (a grid
  whose header has a project-name column and an indicator column: consecutive rows of one name are one
  project), one per titled card with indicators and neither (a title-only card); a 部门整体 card is none;
- a record table of kind ``other`` whose title names a known kind is a miss.

    python -m eval.census [PATH ...] [--db DB]     (default: ../shared/pdfs; exit 1 on a gap)

With ``--db``, records are read from a store made by ``yusuan convert`` (by source path) instead of
converting each file here.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.shared import SHARED, need
from extractor.cards.vocabulary import (
    LISTING_COLUMNS,
    LISTING_INDICATOR_KEYS,
    NOT_PROJECT_CARD_TITLES,
    OTHER_HEADER_LABELS,
    PROJECT_NAME_LABELS,
)
from extractor.ingest import SUPPORTED_SUFFIXES, read_filing
from extractor.ingest.text import IngestError, Line
from extractor.record.kinds import VALUE_KEYS
from extractor.record.normalize import normalize_text
from extractor.regions.classify import classify_title

#: The eleven kinds of the contract (nine standard tables, procurement, fixed assets).
KINDS: tuple[str, ...] = tuple(VALUE_KEYS)
#: How many lines after a title its grid is looked for.
_GRID_REACH = 10
_TOTAL_NAMES = ("合计", "总计", "小计")
#: A contents heading (目录, 报表目录) is a short line.
_CONTENTS_HEADING = 6


@dataclass(frozen=True)
class Title:
    """A printed title: the index of its line, its page, text and the kind it names."""

    index: int
    page: int
    text: str
    kind: str


@dataclass
class Printed:
    """What a filing prints: tables per kind (their titles), and its project cards (where each starts)."""

    tables: dict[str, list[Title]] = field(default_factory=dict)
    cards: list[str] = field(default_factory=list)


# --- titles -------------------------------------------------------------------------------------------


def _cells(line: Line) -> list[str]:
    return [c for c in line.cells if c.strip()]


def title_of(lines: Sequence[Line], index: int) -> tuple[str, str] | None:
    """The (text, kind) of a title printed on line ``index``: its first cell, its cells joined (a title
    letter-spaced apart), the last printed line of a cell (a Word export's prose block ending with a title), or
    the line joined with the next one (a title wrapped over two lines)."""
    cells = _cells(lines[index])
    if not cells:
        return None
    candidates = [cells[0], "".join(cells)] if len(cells) <= 2 else [cells[0]]
    candidates += [cell.strip().split("\n")[-1] for cell in cells if "\n" in cell.strip()]  # ending a prose block
    for text in candidates:
        kind = classify_title(text)
        if kind is not None:
            return text, kind
    if index + 1 < len(lines) and len(cells) == 1 and len(_cells(lines[index + 1])) == 1:
        text = _joined(lines, index)
        kind = classify_title(text)
        if kind is not None and classify_title(_cells(lines[index + 1])[0]) is None:
            return text, kind
    return None


def _grid_follows(lines: Sequence[Line], index: int, titles: set[int], cell_per_line: bool) -> bool:
    """True when a grid follows the title before the next title (on its page or the next): a line of two or
    more cells; in a dump of one cell per line (a Word export), two short cells in a row."""
    page = lines[index].page
    for n in range(index + 1, min(index + 1 + _GRID_REACH, len(lines))):
        if n in titles or lines[n].page > page + 1:
            return False
        if len(_cells(lines[n])) >= 2 or cell_per_line and n + 1 < len(lines) and n + 1 not in titles \
                and _cell_shaped(lines[n]) and _cell_shaped(lines[n + 1]):
            return True
    return False


def _cell_shaped(line: Line) -> bool:
    """A line of a dump of one cell per line that reads as cells, not as a sentence."""
    text = line.text.strip()
    return bool(text) and not any(mark in text for mark in "，。；,;")


def printed_titles(lines: Sequence[Line], cell_per_line: bool = False) -> list[Title]:
    """Every title of a table or card that heads a grid, in printed order (contents pages, headings in
    the prose and sentences naming a table left out)."""
    found: dict[int, tuple[str, str]] = {}
    index = 0
    while index < len(lines):
        title = title_of(lines, index)
        if title is not None:
            found[index] = title
            index += 1 if title[0] == _joined(lines, index) else 0  # the wrapped half is no title of its own
        index += 1
    contents = {line.page for line in lines if _is_contents_heading(normalize_text("".join(line.cells)))}
    heads = set(found)
    return [Title(i, lines[i].page, text, kind) for i, (text, kind) in found.items()
            if lines[i].page not in contents and _grid_follows(lines, i, heads, cell_per_line)]


def one_cell_per_line(layout: str, lines: Sequence[Line]) -> bool:
    """A dump of one cell per line (a Word export) or a text dump that keeps no cell boundaries (no line has two
    cells): its grids are told from prose by their lines reading as cells. A PDF always keeps them."""
    return layout == "word" or layout != "pdf" and not any(len(_cells(line)) >= 2 for line in lines)


def _is_contents_heading(text: str) -> bool:
    """目录, 报表目录: a page of contents (its titles name tables printed elsewhere)."""
    return text.endswith("目录") and len(text) <= _CONTENTS_HEADING

def _joined(lines: Sequence[Line], index: int) -> str:
    """The text of line ``index`` joined with the next (what a wrapped title reads as)."""
    if index < 0 or index + 1 >= len(lines):
        return ""
    return "".join(_cells(lines[index])[:1] + _cells(lines[index + 1])[:1])


def count_tables(titles: Sequence[Title]) -> dict[str, list[Title]]:
    """Group titles into tables: a title of the kind just printed is the same table on its next page (of
    kind other: the same title text)."""
    tables: dict[str, list[Title]] = {}
    previous: Title | None = None
    for title in titles:
        if title.kind == "card":
            previous = title
            continue
        same = previous is not None and previous.kind == title.kind and (
            title.kind != "other" or _bare(previous.text) == _bare(title.text))
        if not same:
            tables.setdefault(title.kind, []).append(title)
        previous = title
    return tables


def _bare(text: str) -> str:
    return "".join(c for c in normalize_text(text) if not c.isdigit())


# --- cards --------------------------------------------------------------------------------------------


def _label(text: str) -> str:
    return normalize_text(text).replace(":", "").replace("：", "")


def _listing_header(line: Line) -> tuple[int, int] | None:
    """A listing's header row: (index of its project-name cell, of its first indicator cell), else None."""
    name = indicator = None
    for i, cell in enumerate(line.cells):
        folded = _label(cell)
        key = next((k for k, labels in LISTING_COLUMNS if any(folded.startswith(w) for w in labels)), None)
        if key == "name" and name is None:
            name = i
        elif key in (*LISTING_INDICATOR_KEYS, "level1", "level2") and indicator is None:
            indicator = i
    return (name, indicator) if name is not None and indicator is not None else None


def _header_block_name(line: Line) -> str | None:
    """The project name of a card's header block line (项目名称 | name), else None."""
    cells = _cells(line)
    if len(cells) < 2 or _label(cells[0]) not in {_label(w) for w in PROJECT_NAME_LABELS}:
        return None
    labels = [w for _, words in LISTING_COLUMNS for w in words] + list(OTHER_HEADER_LABELS)
    if any(_label(cells[1]).startswith(w) for w in labels):
        return None  # a column heading (a listing's header) or the next label (a card left blank): no name
    return cells[1]


def printed_cards(lines: Sequence[Line], titles: Sequence[Title], cell_per_line: bool = False) -> list[str]:
    """The project cards a filing prints: one per header block, per listing project, per title-only card."""
    cards: list[str] = []
    card_titles = [t for t in titles if t.kind == "card"]
    bounds = [t.index for t in titles] + [len(lines)]
    listing: tuple[int, int] | None = None
    last_name = ""
    for title in card_titles:
        stop = next(b for b in bounds if b > title.index)
        if any(w in normalize_text(title.text) for w in NOT_PROJECT_CARD_TITLES):
            listing, last_name = None, ""
            continue
        body = lines[title.index + 1 : stop]
        found = 0
        header_here = any(_listing_header(line) for line in body)
        for line in body:
            header = _listing_header(line)
            if header is not None:
                listing, header_here = header, False
                continue
            name = _header_block_name(line)
            if name is not None:
                cards.append(name)
                found += 1
            elif listing is not None and not header_here:  # rows above a page's repeated header are not rows
                project = _listing_project(line, listing)
                if project and project != last_name:
                    cards.append(project)
                    found += 1
                if project or _listing_name(line, listing):
                    last_name = project  # a unit's subtotal row (a name, no indicators) ends the project
        if not found and listing is None and _prints_indicators(body, cell_per_line):
            cards.append(title.text)
    return cards


def _prints_indicators(body: Sequence[Line], cell_per_line: bool) -> bool:
    """A titled card's body prints indicator rows after its 指标 heading: lines of two or more cells (in a dump of
    one cell per line: lines that read as cells)."""
    heading = next((n for n, line in enumerate(body) if "指标" in line.text), None)
    return heading is not None and any(len(_cells(line)) >= 2 or cell_per_line and _cell_shaped(line)
                                       for line in body[heading + 1 :])


def _listing_name(line: Line, header: tuple[int, int]) -> str:
    """The name cell of a listing row (blank for a 合计 row)."""
    name_at = header[0]
    name = normalize_text(line.cells[name_at]) if name_at < len(line.cells) else ""
    return "" if name in _TOTAL_NAMES else name


def _listing_project(line: Line, header: tuple[int, int]) -> str:
    """The project a listing row belongs to: its name cell, when the row prints indicators."""
    if not any(c.strip() for c in line.cells[header[1]:]):
        return ""
    return _listing_name(line, header)


# --- the record -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Printed against found for one filing."""

    name: str
    printed: dict[str, int]
    found: dict[str, int]
    cards_printed: int
    cards_found: int
    misfiled: tuple[str, ...]  # titles of `other` tables that name a known kind
    others: tuple[str, ...] = ()  # titles of every `other` table of the record
    converted: bool = True  # False: no record (the conversion failed, or the file is not in the store)

    @property
    def gaps(self) -> int:
        """Printed tables and cards the record lacks, and known tables filed as other."""
        tables = sum(max(n - self.found.get(kind, 0), 0) for kind, n in self.printed.items())
        return tables + max(self.cards_printed - self.cards_found, 0) + len(self.misfiled)


def compare(name: str, lines: Sequence[Line], record: dict[str, Any] | None, one_cell: bool = False) -> Comparison:
    """Count what the lines print (``one_cell``: a dump of one cell per line) and what the record holds."""
    titles = printed_titles(lines, one_cell)
    tables = count_tables(titles)
    printed = {kind: len(tables.get(kind, [])) for kind in KINDS if tables.get(kind)}
    converted, record = record is not None, record or {}
    kinds = Counter(t.get("kind") for t in record.get("tables") or [])
    found = {kind: kinds[kind] for kind in KINDS if kinds[kind]}
    misfiled = tuple(t.get("title") or "" for t in record.get("tables") or []
                     if t.get("kind") == "other" and classify_title(t.get("title") or "") in KINDS)
    others = tuple(t.get("title") or "" for t in record.get("tables") or [] if t.get("kind") == "other")
    return Comparison(name, printed, found, len(printed_cards(lines, titles, one_cell)),
                      len(record.get("performance_cards") or []), misfiled, others, converted)


# --- the script -----------------------------------------------------------------------------------------


def _files(paths: Sequence[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES) if path.is_dir() \
            else [path]
    return found


def _stored_records(db: Path) -> dict[str, dict[str, Any]]:
    from extractor.store.database import query  # only the store opens DuckDB

    _, rows = query(db, "select source_path, record from documents where record is not null")
    return {str(Path(path).resolve()): json.loads(record) for path, record in rows}


def _records(files: Sequence[Path], db: Path | None) -> Iterator[tuple[Path, dict[str, Any] | None]]:
    stored = _stored_records(db) if db is not None else None
    for path in files:
        if stored is not None:
            yield path, stored.get(str(path.resolve()))
        else:
            from extractor.pipeline import convert_file

            yield path, convert_file(path).record


def _row(name: str, printed: str, found: str, mark: str) -> str:
    return f"{name[:44]:44} {printed:>8} {found:>8}  {mark}"


def report(comparisons: Sequence[Comparison], others: bool = False) -> list[str]:
    """The census lines: per filing, printed vs found per kind and cards (``others``: and the titles of its
    tables of kind other, to look through), then a total line."""
    out = [_row("filing / kind", "printed", "found", "")]
    totals = Counter[str]()
    for c in comparisons:
        out.append(c.name if c.converted else f"{c.name}  (no record: not converted, or not in the store)")
        if not (c.printed or c.found or c.cards_printed or c.cards_found):
            out.append("  (prints no table of the eleven kinds and no project card)")
        for kind in sorted(set(c.printed) | set(c.found), key=KINDS.index):
            p, f = c.printed.get(kind, 0), c.found.get(kind, 0)
            out.append(_row(f"  {kind}", str(p), str(f), "MISSING" if f < p else "extra" if f > p else ""))
            totals["tables printed"] += p
            totals["tables found"] += min(f, p)
        if c.cards_printed or c.cards_found:
            gap = c.cards_printed - c.cards_found
            out.append(_row("  cards", str(c.cards_printed), str(c.cards_found), "MISSING" if gap > 0 else ""))
        totals["cards printed"] += c.cards_printed
        totals["cards found"] += min(c.cards_found, c.cards_printed)
        for title in c.misfiled:
            out.append(f"  other table naming a known kind: {title}")
        out += [f"  other: {title}" for title in c.others] if others else []
        totals["misfiled"] += len(c.misfiled)
    gaps = sum(c.gaps for c in comparisons)
    out.append(f"total: {len(comparisons)} filings; tables {totals['tables found']}/{totals['tables printed']} "
               f"found; cards {totals['cards found']}/{totals['cards printed']} found; "
               f"{totals['misfiled']} known tables filed as other; {gaps} gaps")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Print the census; return 1 when a printed table or card is not in the record."""
    parser = argparse.ArgumentParser(prog="python -m eval.census", description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[SHARED / "pdfs"])
    parser.add_argument("--db", type=Path, help="read the records from this store instead of converting")
    parser.add_argument("--others", action="store_true", help="list the titles of the tables of kind other")
    args = parser.parse_args(argv)
    files = need(_files([p for p in args.paths if p.exists()]), "eval.census",
                 f"filings to count (none under {', '.join(map(str, args.paths))})")
    comparisons = []
    for path, record in _records(files, args.db):
        try:
            doc = read_filing([path])
        except IngestError as error:
            print(f"{path.stem}: cannot be read ({error})", file=sys.stderr)
            continue
        comparisons.append(compare(path.stem, doc.lines, record, one_cell_per_line(doc.layout, doc.lines)))
    print("\n".join(report(comparisons, args.others)))
    return 1 if any(c.gaps for c in comparisons) else 0


if __name__ == "__main__":
    sys.exit(main())
