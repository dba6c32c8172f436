"""The evaluation harness: score predicted records against gold (`score`) and report (`report`)."""

from extractor.evaluate.score import (
    CellError,
    Counts,
    DocumentScore,
    aggregate,
    score_document,
)

__all__ = ["CellError", "Counts", "DocumentScore", "aggregate", "score_document"]
