"""Check the rules card extractor against the gold performance_cards of each corpus dump.

Prints, per dump: card counts, exact-match rate per card field (normalised text, numbers within the
scorer's tolerance), and indicator (level1, level2, level3, value) precision / recall / F1.

    python -m eval.card_check [--corpus DIR] [--gold DIR] [--verbose]   (default: ../shared/corpus, ../shared/gold)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from eval.shared import SHARED, need
from extractor.cards.reader import extract_performance_cards
from extractor.evaluate.score import (
    CARD_FIELDS,
    INDICATOR_DETAIL_FIELDS,
    INDICATOR_KEY_FIELDS,
    Counts,
    card_field_matches,
    compare_indicators,
    pair_cards,
)
from extractor.ingest.text import read_text_dump
from extractor.record.normalize import normalize_name, normalize_text
from extractor.regions.split import split_regions

DEFAULT_CORPUS = SHARED / "corpus"
DEFAULT_GOLD = SHARED / "gold"
REPORT_FIELDS = ("project_name", *CARD_FIELDS)


def field_matches(gold: dict[str, Any], pred: dict[str, Any], name: str) -> bool:
    """Exact match of a reported field (project_name by the scorer's name normalisation)."""
    if name == "project_name":
        return normalize_name(gold.get("project_name")) == normalize_name(pred.get("project_name"))
    return card_field_matches(gold, pred, name)


def indicator_key(indicator: dict[str, Any]) -> tuple[str, ...]:
    """Return the scored identity of an indicator."""
    return tuple(normalize_text(indicator.get(k)) for k in INDICATOR_KEY_FIELDS)


def check_file(dump: Path, gold_path: Path, verbose: bool) -> dict[str, Any]:
    """Return the figures of one dump (and print its mismatches when verbose)."""
    gold_cards = json.loads(gold_path.read_text(encoding="utf-8")).get("performance_cards") or []
    doc = read_text_dump(dump)
    pred_cards = extract_performance_cards(split_regions(doc), doc.layout)
    fields_ok: Counter[str] = Counter()
    indicators, details_ok, details_total = Counts(), 0, 0
    for gold, pred in pair_cards(gold_cards, pred_cards):
        counts, correct, total = compare_indicators(gold, pred)
        indicators, details_ok, details_total = indicators + counts, details_ok + correct, details_total + total
        if gold is None or pred is None:
            if verbose:
                side = "extra predicted" if gold is None else "missing"
                print(f"  {side} card: {(gold or pred or {}).get('project_name')}")
            continue
        for name in REPORT_FIELDS:
            ok = field_matches(gold, pred, name)
            fields_ok[name] += ok
            if verbose and not ok:
                print(f"  card {gold.get('seq')} {name}: gold={_show(gold, name)!r} pred={_show(pred, name)!r}")
        if verbose:
            _print_indicator_diff(gold, pred)
    return {
        "file": dump.name,
        "gold_cards": len(gold_cards),
        "pred_cards": len(pred_cards),
        "fields": {name: fields_ok[name] / len(gold_cards) if gold_cards else 1.0 for name in REPORT_FIELDS},
        "field_accuracy": _scored_accuracy(fields_ok, len(gold_cards)),
        "indicators": indicators,
        "detail_accuracy": details_ok / details_total if details_total else 1.0,
    }


def _scored_accuracy(fields_ok: Counter[str], cards: int) -> float:
    total = cards * len(CARD_FIELDS)
    return sum(fields_ok[name] for name in CARD_FIELDS) / total if total else 1.0


def _show(card: dict[str, Any], name: str) -> Any:
    if name.startswith("budget."):
        return (card.get("budget") or {}).get(name.removeprefix("budget."))
    return card.get(name)


def _print_indicator_diff(gold: dict[str, Any], pred: dict[str, Any]) -> None:
    gold_keys = Counter(indicator_key(i) for i in gold.get("indicators") or [])
    pred_keys = Counter(indicator_key(i) for i in pred.get("indicators") or [])
    for key in (gold_keys - pred_keys).elements():
        print(f"  card {gold.get('seq')} indicator missed: {' | '.join(key)}")
    for key in (pred_keys - gold_keys).elements():
        print(f"  card {gold.get('seq')} indicator extra:  {' | '.join(key)}")
    predicted_by_key: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for indicator in pred.get("indicators") or []:
        predicted_by_key.setdefault(indicator_key(indicator), []).append(indicator)
    for indicator in gold.get("indicators") or []:
        candidates = predicted_by_key.get(indicator_key(indicator)) or []
        if not candidates:
            continue
        predicted = candidates.pop(0)
        for name in INDICATOR_DETAIL_FIELDS:
            if normalize_text(indicator.get(name)) != normalize_text(predicted.get(name)):
                print(f"  card {gold.get('seq')} {name}: gold={indicator.get(name)!r} "
                      f"pred={predicted.get(name)!r}")


def main(argv: list[str] | None = None) -> int:
    """Print the figures for every corpus dump that has a gold file; exit 1 saying so if there is none."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="text dumps (default: ../shared/corpus)")
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="gold records (default: ../shared/gold)")
    parser.add_argument("--verbose", action="store_true", help="print every mismatch")
    args = parser.parse_args(argv)
    dumps = need([d for d in sorted(args.corpus.glob("*.txt")) if (args.gold / f"{d.stem}.json").exists()],
                 "eval.card_check", f"text dumps in {args.corpus} with gold records in {args.gold}")
    results = []
    for dump in dumps:
        gold_path = args.gold / f"{dump.stem}.json"
        if args.verbose:
            print(f"== {dump.name}")
        results.append(check_file(dump, gold_path, args.verbose))
    for r in results:
        ind = r["indicators"]
        per_field = " ".join(f"{name}={value:.2f}" for name, value in r["fields"].items())
        print(f"{r['file']}: cards {r['pred_cards']}/{r['gold_cards']}  field_acc={r['field_accuracy']:.3f}  "
              f"indicators P={ind.precision:.3f} R={ind.recall:.3f} F1={ind.f1:.3f}  "
              f"detail_acc={r['detail_accuracy']:.3f}\n    {per_field}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
