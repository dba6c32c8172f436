"""Identity-guided placement of numbers whose column positions a text dump lost.

A plain dump prints "654.30 654.30" under six columns: the numbers keep their order but not
their columns. Every order-preserving assignment is a candidate; the row's column identities
rank them, and each parent row's sums (合计 = Σ类, 类 = Σ款, 款 = Σ项) pick among the ties.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from extractor.record.identities import ROW_IDENTITIES, TOLERANCE, identity_holds, parent_code

_MAX_OPTIONS = 6
_MAX_PRODUCT = 20000


@dataclass(frozen=True)
class Placement:
    """One way to put a row's numbers into value keys, with its identity violations and prior."""

    values: dict[str, float]
    violations: int
    prior: int


def candidate_placements(kind: str, keys: tuple[str, ...], numbers: list[float]) -> list[Placement]:
    """Return the order-preserving placements of numbers into keys, best first."""
    if len(numbers) > len(keys):
        numbers = numbers[: len(keys)]
    options = []
    for columns in itertools.combinations(range(len(keys)), len(numbers)):
        values = {keys[c]: n for c, n in zip(columns, numbers)}
        violations = sum(not identity_holds(values, t, p) for t, p in ROW_IDENTITIES.get(kind, ()))
        prior = sum(columns) + (100 if columns and columns[0] != 0 else 0)
        options.append(Placement(values, violations, prior))
    options.sort(key=lambda p: (p.violations, p.prior))
    return options


def best_options(options: list[Placement]) -> list[Placement]:
    """Return the placements that violate no more identities than the best one."""
    if not options:
        return []
    least = options[0].violations
    return [p for p in options if p.violations == least][:_MAX_OPTIONS]


def place_rows(kind: str, keys: tuple[str, ...], rows: list[tuple[str | None, list[float]]]) -> list[dict]:
    """Return a values dict per (code, numbers) row, chosen so parents equal the sum of children."""
    options = [best_options(candidate_placements(kind, keys, nums)) for _, nums in rows]
    chosen: list[Placement | None] = [opts[0] if opts else None for opts in options]
    for parent, children in _families(rows):
        _choose_children(parent, children, options, chosen)
    return [dict(c.values) if c else {} for c in chosen]


def _families(rows: list[tuple[str | None, list[float]]]) -> list[tuple[int, list[int]]]:
    """Return (parent index, child indexes) top-down: 合计 → 类 → 款 → 项."""
    index_of = {code: i for i, (code, _) in enumerate(rows) if code}
    total = next((i for i, (code, _) in enumerate(rows) if code is None), None)
    families: dict[int, list[int]] = {}
    for i, (code, _) in enumerate(rows):
        if not code:
            continue
        parent = index_of.get(parent_code(code) or "", total if len(code) == 3 else None)
        if parent is not None:
            families.setdefault(parent, []).append(i)
    return sorted(families.items(), key=lambda f: len(rows[f[0]][0] or ""))


def _choose_children(parent: int, children: list[int], options: list[list[Placement]],
                     chosen: list[Placement | None]) -> None:
    target = chosen[parent]
    if target is None:
        return
    pools = [_within(target.values, options[c]) for c in children]
    size = 1
    for pool in pools:
        size *= len(pool)
    if size > _MAX_PRODUCT:
        return
    for combo in itertools.product(*pools):
        if _sums_match(target.values, combo):
            for child, placement in zip(children, combo):
                chosen[child] = placement
            return


def _within(parent: dict[str, float], options: list[Placement]) -> list[Placement]:
    """Return the options that use only value keys the parent prints (all options if none does)."""
    kept = [p for p in options if all(parent.get(k) for k in p.values)]
    return kept or options or [Placement({}, 0, 0)]


def _sums_match(parent: dict[str, float], combo: tuple[Placement, ...]) -> bool:
    keys = set(parent).union(*(p.values for p in combo))
    for key in keys:
        total = sum(p.values.get(key, 0.0) for p in combo)
        if abs(total - parent.get(key, 0.0)) > TOLERANCE * max(1, len(combo)):
            return False
    return True
