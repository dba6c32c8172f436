"""Mutation testing of the verdicts: do the checks catch the mistakes extractors make?

    python -m eval.mutate [--per-kind 20] [--seed 0] [--records 000_e4300b43dd08e525,...] [--layouts grid,...]

Takes records that are right — the dev gold records (../shared/gold, each with its source filing from
gold/sources.tsv) and the same records drawn as PDFs by the test renderer (eval/render.py, whose right
record is the one it drew) — applies one extractor mistake at a time (MUTATIONS) and re-runs the
identities and completeness checks against the same source regions (each source is read and split
once). A mutant is caught when it brings an error or unchecked finding the right record does not have
(so its part is no longer ``verified``). Prints the mutation score (share caught) per mutation and
overall, and the false alarms: parts of the unmutated records that are not ``verified`` although the
filing is not at fault (a ``failed`` part whose cause is the filing is the filing's own error, reported).
Seeded and deterministic. Exits 1 with one line when ../shared is absent.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.ingest import read_filing
from extractor.record.kinds import VALUE_KEYS
from extractor.regions.model import Region
from extractor.regions.split import split_regions
from extractor.validate.verdicts import VERIFIED, verify_record

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
#: The records whose source the region split reads fully (the others' tables are partly unfound today).
DEFAULT_RECORDS = ("000_e4300b43dd08e525", "001_ac22084b5fc62f54", "002_e9dd90ecd9c1084d", "sh-bgs-2025",
                   "js-rd-2019")
Record = dict[str, Any]
Mutation = Callable[[Record, random.Random], Record | None]


@dataclass(frozen=True)
class Subject:
    """A right record and the regions of the filing it was read from."""

    name: str
    record: Record
    regions: tuple[Region, ...]


# --- the mutations ------------------------------------------------------------------------------------------

def _tables(record: Record) -> list[dict]:
    return [t for t in record.get("tables") or [] if t.get("kind") != "other" and t.get("rows")]


def _valued(row: dict) -> list[str]:
    return [k for k, v in (row.get("values") or {}).items() if isinstance(v, int | float) and v]


def _pick_table(record: Record, rng: random.Random, rows: int = 1) -> dict | None:
    tables = [t for t in _tables(record) if sum(1 for r in t["rows"] if _valued(r)) >= rows]
    return rng.choice(tables) if tables else None


def drop_row(record: Record, rng: random.Random) -> Record | None:
    table = _pick_table(record, rng)
    if table is None:
        return None
    table["rows"].remove(rng.choice([r for r in table["rows"] if _valued(r)]))
    return record


def drop_table(record: Record, rng: random.Random) -> Record | None:
    tables = _tables(record)
    if not tables:
        return None
    record["tables"].remove(rng.choice(tables))
    return record


def drop_page_tail(record: Record, rng: random.Random) -> Record | None:
    """The last rows of a table lost at a page break (one to three)."""
    table = _pick_table(record, rng, rows=2)
    if table is None:
        return None
    del table["rows"][-rng.randint(1, min(3, len(table["rows"]) - 1)):]
    return record


def move_value(record: Record, rng: random.Random) -> Record | None:
    table = _pick_table(record, rng)
    if table is None:
        return None
    keys = VALUE_KEYS.get(table["kind"], ())
    row = rng.choice([r for r in table["rows"] if _valued(r)])
    key = rng.choice(_valued(row))
    if key not in keys or len(keys) < 2:
        return None
    at = keys.index(key)
    neighbour = keys[at + 1] if at + 1 < len(keys) and (at == 0 or rng.random() < 0.5) else keys[at - 1]
    row["values"][neighbour] = row["values"].pop(key)
    return record


def swap_rows(record: Record, rng: random.Random) -> Record | None:
    table = _pick_table(record, rng, rows=2)
    if table is None:
        return None
    a, b = rng.sample([r for r in table["rows"] if _valued(r)], 2)
    a["values"], b["values"] = b["values"], a["values"]
    return record


def merge_rows(record: Record, rng: random.Random) -> Record | None:
    """Two neighbouring rows read as one: the first's code, both names, the first's values over the second's."""
    table = _pick_table(record, rng, rows=2)
    if table is None or len(table["rows"]) < 2:
        return None
    i = rng.randrange(len(table["rows"]) - 1)
    first, second = table["rows"][i], table["rows"][i + 1]
    first["name"] = f"{first.get('name') or ''}{second.get('name') or ''}"
    first["values"] = {**(second.get("values") or {}), **(first.get("values") or {})}
    del table["rows"][i + 1]
    return record


def _cells(record: Record) -> list[tuple[dict, str]]:
    return [(row, key) for t in _tables(record) for row in t["rows"] for key in _valued(row)]


def split_number(record: Record, rng: random.Random) -> Record | None:
    """"1396 .37" read as 1396: the decimals lost."""
    cells = [(row, key) for row, key in _cells(record) if float(row["values"][key]) % 1]
    if not cells:
        return None
    row, key = rng.choice(cells)
    row["values"][key] = float(int(row["values"][key]))
    return record


def misread_digit(record: Record, rng: random.Random) -> Record | None:
    cells = _cells(record)
    if not cells:
        return None
    row, key = rng.choice(cells)
    text = f"{float(row['values'][key]):.2f}"
    spots = [i for i, c in enumerate(text) if c.isdigit()]
    at = rng.choice(spots)
    digit = rng.choice([d for d in "0123456789" if d != text[at]])
    row["values"][key] = float(text[:at] + digit + text[at + 1:])
    return record


def misclassify(record: Record, rng: random.Random) -> Record | None:
    tables = _tables(record)
    if not tables:
        return None
    table = rng.choice(tables)
    table["kind"] = rng.choice([k for k in VALUE_KEYS if k != table["kind"]])
    return record


def _cards(record: Record, least: int = 1) -> list[dict]:
    return [c for c in record.get("performance_cards") or [] if len(c.get("indicators") or []) >= least]


def drop_indicator(record: Record, rng: random.Random) -> Record | None:
    cards = _cards(record)
    if not cards:
        return None
    card = rng.choice(cards)
    card["indicators"].pop(rng.randrange(len(card["indicators"])))
    return record


def shift_indicator(record: Record, rng: random.Random) -> Record | None:
    """One indicator's value read into its neighbour's row (the two rows' values swapped)."""
    cards = _cards(record, 2)
    if not cards:
        return None
    indicators = rng.choice(cards)["indicators"]
    i = rng.randrange(len(indicators) - 1)
    indicators[i]["value"], indicators[i + 1]["value"] = indicators[i + 1]["value"], indicators[i]["value"]
    return record


def shift_level1(record: Record, rng: random.Random) -> Record | None:
    """A merged level1 cell's boundary read one row off."""
    boundaries = [(c, i) for c in _cards(record, 2) for i in range(1, len(c["indicators"]))
                  if c["indicators"][i]["level1"] != c["indicators"][i - 1]["level1"]]
    if not boundaries:
        return None
    card, i = rng.choice(boundaries)
    above, below = card["indicators"][i - 1], card["indicators"][i]
    if rng.random() < 0.5:
        below["level1"] = above["level1"]
    else:
        above["level1"] = below["level1"]
    return record


MUTATIONS: dict[str, Mutation] = {
    "drop_row": drop_row, "drop_table": drop_table, "drop_page_tail": drop_page_tail, "move_value": move_value,
    "swap_rows": swap_rows, "merge_rows": merge_rows, "split_number": split_number, "misread_digit": misread_digit,
    "misclassify": misclassify, "drop_indicator": drop_indicator, "shift_indicator": shift_indicator,
    "shift_level1": shift_level1,
}


# --- scoring ------------------------------------------------------------------------------------------------

def scored_content(record: Record) -> tuple[frozenset, tuple]:
    """What the contract scores: (kind, empty) of tables, non-zero cells by row key, card indicator tuples."""
    cells = set()
    for table in record.get("tables") or []:
        cells.add(("table", table.get("kind"), bool(table.get("empty"))))
        seen: Counter[str] = Counter()
        for row in table.get("rows") or []:
            base = row.get("code") or f"{row.get('side') or ''}:{row.get('name') or ''}"
            seen[base] += 1
            for key in _valued(row):
                cells.add((table.get("kind"), f"{base}#{seen[base]}", row.get("name"), key,
                           round(float(row["values"][key]), 2)))
    cards = tuple(tuple((i.get("level1"), i.get("level2"), i.get("level3"), i.get("value"))
                        for i in c.get("indicators") or []) for c in record.get("performance_cards") or [])
    return frozenset(cells), cards


def _evidence(findings: list[dict]) -> set[tuple]:
    return {(f["rule_id"], f.get("table_kind"), f.get("row_key"), f.get("value_key"), f.get("message"))
            for f in findings if f.get("severity") in ("error", "unchecked")}


@dataclass
class Tally:
    """Mutants made and caught per mutation kind; surviving examples."""

    made: Counter
    caught: Counter
    survivors: list[str]

    def score(self, kind: str | None = None) -> float:
        made = self.made[kind] if kind else sum(self.made.values())
        caught = self.caught[kind] if kind else sum(self.caught.values())
        return caught / made if made else 1.0


def mutants(subject: Subject, per_kind: int, rng: random.Random) -> Iterator[tuple[str, Record]]:
    """Yield up to ``per_kind`` distinct mutants of each kind that change what the contract scores."""
    original = scored_content(subject.record)
    for kind, mutate in MUTATIONS.items():
        seen: set[tuple] = set()
        for _attempt in range(per_kind * 4):
            if len(seen) >= per_kind:
                break
            mutant = mutate(copy.deepcopy(subject.record), rng)
            if mutant is None:
                continue
            content = scored_content(mutant)
            key = (content[0], content[1])
            if content == original or key in seen:
                continue
            seen.add(key)
            yield kind, mutant


def run_subject(subject: Subject, per_kind: int, seed: int, tally: Tally) -> list[str]:
    """Mutate one subject, tally caught mutants; return its false alarms (parts not verified, filing not at fault)."""
    findings, verdicts = verify_record(subject.record, subject.regions)
    base = _evidence(findings)
    rng = random.Random(f"{seed}:{subject.name}")
    for kind, mutant in mutants(subject, per_kind, rng):
        mutant_findings, _ = verify_record(mutant, subject.regions)
        tally.made[kind] += 1
        if _evidence(mutant_findings) - base:
            tally.caught[kind] += 1
        elif len(tally.survivors) < 40:
            tally.survivors.append(f"{subject.name} {kind}")
    alarms = []
    tables = subject.record.get("tables") or []
    for table, verdict in zip(tables, verdicts.tables):
        if table.get("kind") != "other" and verdict.status != VERIFIED and verdict.cause != "filing":
            alarms.append(f"{subject.name} {table.get('kind')}: {verdict.status} {'; '.join(verdict.reasons)[:160]}")
    for card, verdict in zip(subject.record.get("performance_cards") or [], verdicts.cards):
        if verdict.status != VERIFIED and verdict.cause != "filing":
            alarms.append(f"{subject.name} card {card.get('project_name')}: {verdict.status} "
                          f"{'; '.join(verdict.reasons)[:160]}")
    return alarms


# --- sources ------------------------------------------------------------------------------------------------

def gold_sources(shared: Path) -> dict[str, Path]:
    """Gold stem → its source (a file, or a folder of PDFs read as one filing), from gold/sources.tsv."""
    lines = (shared / "gold" / "sources.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return {stem: shared / source for stem, source in (line.split("\t")[:2] for line in lines if "\t" in line)}


def _paths(source: Path) -> list[Path]:
    return sorted(source.glob("*.pdf")) if source.is_dir() else [source]


def gold_subjects(shared: Path, names: list[str]) -> Iterator[Subject]:
    """The gold records with the regions of their source filings."""
    sources = gold_sources(shared)
    for name in names:
        record = json.loads((shared / "gold" / f"{name}.json").read_text(encoding="utf-8"))
        doc = read_filing(_paths(sources[name]))
        yield Subject(name, record, tuple(split_regions(doc)))


def rendered_subjects(shared: Path, names: list[str], layouts: list[str], seed: int) -> Iterator[Subject]:
    """The gold records drawn as PDFs by the test renderer, each with the regions of its drawing."""
    from eval.render import render_record

    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            record = json.loads((shared / "gold" / f"{name}.json").read_text(encoding="utf-8"))
            for layout in layouts:
                path = Path(folder) / f"{name}.{layout}.pdf"
                path.write_bytes(render_record(record, layout, seed))
                yield Subject(f"{name}.{layout}", record, tuple(split_regions(read_filing([path]))))


def print_table(tally: Tally, alarms: list[str], subjects: int) -> None:
    """Print the score per mutation kind and overall, then the false alarms."""
    print(f"{'mutation':<16} {'mutants':>8} {'caught':>8} {'score':>7}")
    for kind in MUTATIONS:
        print(f"{kind:<16} {tally.made[kind]:>8} {tally.caught[kind]:>8} {tally.score(kind):>7.3f}")
    total, caught = sum(tally.made.values()), sum(tally.caught.values())
    print(f"{'overall':<16} {total:>8} {caught:>8} {tally.score():>7.3f}")
    print(f"false alarms on {subjects} unmutated records: {len(alarms)}")
    for alarm in alarms:
        print(f"  {alarm}")
    if tally.survivors:
        print("survivors (first few): " + ", ".join(tally.survivors[:12]))


def main(argv: list[str] | None = None) -> int:
    """Run the mutation test; exit 1 when ../shared is absent or the score is below --target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=20, help="mutants per mutation kind and record")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--records", default=",".join(DEFAULT_RECORDS), help="gold stems, comma-separated")
    parser.add_argument("--layouts", default="grid,borderless,narrow", help="renderer layouts ('' for none)")
    parser.add_argument("--target", type=float, default=0.0, help="exit 1 when the overall score is below")
    args = parser.parse_args(argv)
    if not (SHARED / "gold").is_dir():
        print(f"mutate: shared data not found at {SHARED} (the gold records live in ../shared/gold)", file=sys.stderr)
        return 1
    names = [n for n in args.records.split(",") if n]
    layouts = [layout for layout in args.layouts.split(",") if layout]
    tally = Tally(Counter(), Counter(), [])
    alarms: list[str] = []
    subjects = [*gold_subjects(SHARED, names), *rendered_subjects(SHARED, names, layouts, args.seed)]
    for subject in subjects:
        alarms += run_subject(subject, args.per_kind, args.seed, tally)
        print(f"{subject.name}: {sum(tally.made.values())} mutants so far", file=sys.stderr, flush=True)
    print_table(tally, alarms, len(subjects))
    return 1 if tally.score() < args.target else 0


if __name__ == "__main__":
    sys.exit(main())
