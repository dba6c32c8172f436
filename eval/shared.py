"""Where the eval scripts find the dev data: ../shared beside the repository (its corpus/, gold/, pdfs/), and
nowhere else. A script without what it needs says so in one line on stderr and exits with code 1."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

#: The shared dev data: ../shared relative to the repository root.
SHARED = Path(__file__).resolve().parents[2] / "shared"

#: Gold records that label only some of their filing's cards (gold/README.md: gz-sthj-2026 labels the first
#: 15 of 300 and says extra predicted cards are not penalised); `yusuan eval --partial-cards` takes the same.
PARTIAL_CARD_GOLD = ("gz-sthj-2026",)

T = TypeVar("T")


def need(found: list[T], script: str, needs: str) -> list[T]:
    """Return ``found`` if it is not empty; else exit saying in one line what ``script`` needs."""
    if not found:
        raise SystemExit(f"error: {script} needs {needs}")
    return found


def gold_records(gold: Path) -> list[Path]:
    """Return the gold records (*.json) in ``gold`` (none if the folder does not exist)."""
    return sorted(gold.glob("*.json")) if gold.is_dir() else []
