"""Evaluate a directory of predicted records against the gold directory, and report the scores.

The only module of `extractor.evaluate` that reads files or prints; scoring itself is in `score`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from rich.console import Console
from rich.table import Table

from extractor.evaluate.score import Counts, DocumentScore, aggregate, score_document

NO_PREDICTION = "no prediction"


class RecordPair(NamedTuple):
    """A gold record and its prediction, paired by file stem (pred_path None when missing)."""

    name: str
    gold_path: Path
    pred_path: Path | None


@dataclass(frozen=True)
class EvalReport:
    """Per-document scores, their micro-averaged total, and per-document problems."""

    documents: tuple[DocumentScore, ...]
    overall: DocumentScore
    #: (document name, problem) e.g. ("000_x", "no prediction"); such a document scored as empty.
    flags: tuple[tuple[str, str], ...] = ()
    #: stems of prediction files that have no gold record (not scored)
    unmatched_predictions: tuple[str, ...] = ()

    def flag(self, name: str) -> str | None:
        """The problem recorded for a document, if any."""
        return dict(self.flags).get(name)


def pair_records(gold_dir: Path | str, pred_dir: Path | str) -> list[RecordPair]:
    """Pair every gold `*.json` with the prediction of the same stem, in name order."""
    predictions = {path.stem: path for path in Path(pred_dir).glob("*.json")}
    return [RecordPair(gold.stem, gold, predictions.get(gold.stem))
            for gold in sorted(Path(gold_dir).glob("*.json"))]


def _load_prediction(path: Path | None) -> tuple[dict[str, Any], str | None]:
    """The predicted record, or an empty one and the problem; a bad file never stops the batch."""
    if path is None:
        return {}, NO_PREDICTION
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return {}, f"unreadable prediction: {error}"
    if not isinstance(record, dict):
        return {}, "unreadable prediction: not a JSON object"
    return record, None


def evaluate_dirs(
    gold_dir: Path | str, pred_dir: Path | str, predicted_only: bool = False,
    partial_cards: Iterable[str] = (),
) -> EvalReport:
    """Score every gold record against its prediction (a missing one scores as empty and is flagged).

    With ``predicted_only``, gold records that have no prediction file are left out instead.
    ``partial_cards``: names of gold records that label only some of the printed cards; their
    predicted cards without a gold card are not scored.
    """
    partial = frozenset(partial_cards)
    pairs = [p for p in pair_records(gold_dir, pred_dir) if p.pred_path is not None or not predicted_only]
    scores, flags = [], []
    for pair in pairs:
        gold = json.loads(pair.gold_path.read_text(encoding="utf-8"))
        pred, problem = _load_prediction(pair.pred_path)
        scores.append(score_document(gold, pred, pair.name, pair.name in partial))
        if problem:
            flags.append((pair.name, problem))
    gold_names = {pair.name for pair in pairs}
    unmatched = sorted(p.stem for p in Path(pred_dir).glob("*.json") if p.stem not in gold_names)
    return EvalReport(tuple(scores), aggregate(scores), tuple(flags), tuple(unmatched))


# ---------------------------------------------------------------- JSON


def _counts_json(counts: Counts, f1: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {"tp": counts.tp, "fp": counts.fp, "fn": counts.fn,
                            "precision": counts.precision, "recall": counts.recall}
    return {**data, "f1": counts.f1} if f1 else data


def _accuracy_json(correct: int, total: int, accuracy: float) -> dict[str, Any]:
    return {"correct": correct, "total": total, "accuracy": accuracy}


def score_to_json(score: DocumentScore) -> dict[str, Any]:
    """One document's (or the overall) metrics as plain JSON values."""
    return {
        "name": score.name,
        "tables": _counts_json(score.tables, f1=False),
        "cells": _counts_json(score.cells),
        "narrative": {**_accuracy_json(score.narrative_correct, score.narrative_total,
                                       score.narrative_accuracy), "extra": score.narrative_extra},
        "card_fields": _accuracy_json(score.card_fields_correct, score.card_fields_total,
                                      score.card_field_accuracy),
        "indicators": _counts_json(score.indicators),
        "indicator_details": _accuracy_json(score.indicator_details_correct,
                                            score.indicator_details_total, score.indicator_detail_accuracy),
        "document": _accuracy_json(score.document_correct, score.document_total, score.document_accuracy),
        "cell_errors": [{"kind": e.key[0], "row": e.key[1], "value": e.key[2], "gold": e.gold, "pred": e.pred}
                        for e in score.cell_errors],
    }


def report_to_json(report: EvalReport) -> dict[str, Any]:
    """The whole report as a JSON-ready dict: documents (with flags), overall, unmatched predictions."""
    flags = dict(report.flags)
    return {
        "documents": [{**score_to_json(s), "flag": flags.get(s.name)} for s in report.documents],
        "overall": score_to_json(report.overall),
        "unmatched_predictions": list(report.unmatched_predictions),
    }


# ---------------------------------------------------------------- console

COLUMNS = ("doc", "tables P/R", "cells P/R/F1", "narrative", "card fields", "indicators F1", "document")


def _ratio(value: float) -> str:
    return f"{value:.3f}"


def _counts_cells(counts: Counts) -> tuple[str, str]:
    """(P/R, P/R/F1) text; a dash when there was nothing to find and nothing predicted."""
    if counts.tp + counts.fp + counts.fn == 0:
        return "–", "–"
    pr = f"{_ratio(counts.precision)}/{_ratio(counts.recall)}"
    return pr, f"{pr}/{_ratio(counts.f1)}"


def _f1_cell(counts: Counts) -> str:
    return "–" if counts.tp + counts.fp + counts.fn == 0 else _ratio(counts.f1)


def _accuracy_cell(correct: int, total: int, accuracy: float) -> str:
    return "–" if total == 0 else f"{_ratio(accuracy)} ({correct}/{total})"


def _row(score: DocumentScore, flag: str | None) -> list[str]:
    narrative = _accuracy_cell(score.narrative_correct, score.narrative_total, score.narrative_accuracy)
    if score.narrative_extra:
        narrative += f" +{score.narrative_extra}"
    return [
        score.name if flag is None else f"{score.name} [red]({flag})[/red]",
        _counts_cells(score.tables)[0],
        _counts_cells(score.cells)[1],
        narrative,
        _accuracy_cell(score.card_fields_correct, score.card_fields_total, score.card_field_accuracy),
        _f1_cell(score.indicators),
        _accuracy_cell(score.document_correct, score.document_total, score.document_accuracy),
    ]


def render_report(report: EvalReport, console: Console) -> None:
    """Print one row per document and an OVERALL row; the headline is cell F1."""
    table = Table(title="Evaluation against gold (headline: cell F1)")
    for column in COLUMNS:
        table.add_column(column, justify="left" if column == "doc" else "right")
    flags = dict(report.flags)
    for score in report.documents:
        table.add_row(*_row(score, flags.get(score.name)))
    table.add_section()
    table.add_row(*_row(report.overall, None), style="bold")
    console.print(table)
    if report.unmatched_predictions:
        console.print(f"predictions without gold (not scored): {', '.join(report.unmatched_predictions)}")
