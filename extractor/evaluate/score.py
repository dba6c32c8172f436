"""Score a predicted disclosure record against a gold record (contract: scoring rules).

Pure functions over plain dicts as loaded from JSON; no I/O. Predictions may be malformed, so every
accessor tolerates missing keys and wrong types and treats them as "nothing".
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from extractor.record.kinds import DOCUMENT_KEYS, VALUE_KEYS
from extractor.record.normalize import normalize_name, normalize_text

#: Two numbers match when they differ by less than this.
TOLERANCE = 0.005
#: At most this many cell errors are kept per document for diagnostics.
MAX_CELL_ERRORS = 200
#: The scored performance-card fields, in report order.
CARD_FIELDS: tuple[str, ...] = (
    "project_code", "budget.total", "budget.fiscal", "fund_use", "spending_plan", "goals",
)
#: The indicator columns that identify an indicator, and the ones checked on paired indicators.
INDICATOR_KEY_FIELDS: tuple[str, ...] = ("level1", "level2", "level3", "value")
INDICATOR_DETAIL_FIELDS: tuple[str, ...] = ("description", "basis")
UNSCORED_KIND = "other"

#: (kind, row key, value key)
CellKey = tuple[str, str, str]
IndicatorKey = tuple[str, ...]


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives, with the derived ratios."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted and nothing was to find."""
        return _safe_ratio(self.tp, self.tp + self.fp, empty=1.0 if self.fn == 0 else 0.0)

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was to find and nothing was predicted."""
        return _safe_ratio(self.tp, self.tp + self.fn, empty=1.0 if self.fp == 0 else 0.0)

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


@dataclass(frozen=True)
class CellError:
    """One mismatched cell: gold is None for a spurious cell, pred is None for a missed one."""

    key: CellKey
    gold: float | None
    pred: float | None


@dataclass(frozen=True)
class DocumentScore:
    """Every metric of one document (or, from `aggregate`, the micro-summed counts of many)."""

    name: str
    tables: Counts = Counts()
    cells: Counts = Counts()
    narrative_correct: int = 0
    narrative_total: int = 0
    narrative_extra: int = 0
    card_fields_correct: int = 0
    card_fields_total: int = 0
    indicators: Counts = Counts()
    indicator_details_correct: int = 0
    indicator_details_total: int = 0
    document_correct: int = 0
    document_total: int = 0
    cell_errors: tuple[CellError, ...] = ()

    @property
    def narrative_accuracy(self) -> float:
        return accuracy(self.narrative_correct, self.narrative_total)

    @property
    def card_field_accuracy(self) -> float:
        return accuracy(self.card_fields_correct, self.card_fields_total)

    @property
    def indicator_detail_accuracy(self) -> float:
        return accuracy(self.indicator_details_correct, self.indicator_details_total)

    @property
    def document_accuracy(self) -> float:
        return accuracy(self.document_correct, self.document_total)


def _safe_ratio(numerator: int, denominator: int, empty: float) -> float:
    return empty if denominator == 0 else numerator / denominator


def accuracy(correct: int, total: int) -> float:
    """correct / total; 1.0 when there was nothing to score."""
    return _safe_ratio(correct, total, empty=1.0)


# ---------------------------------------------------------------- values


def as_number(value: Any) -> float | None:
    """Return value as a float, or None when it is blank or not a number ("1,234.5" is a number)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return None if math.isnan(value) else float(value)
    if isinstance(value, str):
        try:
            return as_number(float(value.replace(",", "").strip()))
        except ValueError:
            return None
    return None


def numbers_match(gold: Any, pred: Any) -> bool:
    """True when both are numbers (blank counts as 0) differing by less than TOLERANCE."""
    g, p = as_number(gold), as_number(pred)
    if (g is None and _is_filled(gold)) or (p is None and _is_filled(pred)):
        return False
    return abs((g or 0.0) - (p or 0.0)) < TOLERANCE


def _is_filled(value: Any) -> bool:
    """True for a non-blank value that is not a number (e.g. the text "n/a")."""
    return value is not None and not (isinstance(value, str) and not value.strip())


def is_nothing(value: Any) -> bool:
    """A blank and a 0 are the same: nothing."""
    number = as_number(value)
    return not _is_filled(value) or (number is not None and abs(number) < TOLERANCE)


def _text(value: Any) -> str:
    return normalize_text(None if value is None else str(value))


def _name(value: Any) -> str:
    return normalize_name(None if value is None else str(value))


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _compare_multisets(gold: Counter[Any], pred: Counter[Any]) -> Counts:
    return Counts(sum((gold & pred).values()), sum((pred - gold).values()), sum((gold - pred).values()))


# ---------------------------------------------------------------- tables and cells


def scored_tables(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The record's tables, without the unscored kind `other`."""
    return [t for t in _dicts(record.get("tables")) if str(t.get("kind")) != UNSCORED_KIND]


def table_detection(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> Counts:
    """Compare the sets of (kind, empty) of the scored tables."""
    def kinds(record: Mapping[str, Any]) -> Counter[tuple[str, bool]]:
        return Counter({(str(t.get("kind")), bool(t.get("empty"))) for t in scored_tables(record)})

    return _compare_multisets(kinds(gold), kinds(pred))


def row_key(row: Mapping[str, Any]) -> str:
    """The row's code when it has one, else `side:name` (just the name without a side)."""
    code = _text(row.get("code"))
    if code:
        return code
    side, name = _text(row.get("side")), _name(row.get("name"))
    return f"{side}:{name}" if side else name


def _nonzero_values(row: Mapping[str, Any], kind: str) -> dict[str, float]:
    """The row's non-zero values under the kind's listed value keys (other printed columns a record keeps
    under keys of its own are not scored; a kind outside the contract keeps all its keys)."""
    listed = VALUE_KEYS.get(kind)
    numbers = {str(k): as_number(v) for k, v in _mapping(row.get("values")).items()
               if listed is None or str(k) in listed}
    return {k: v for k, v in numbers.items() if v is not None and abs(v) >= TOLERANCE}


def table_cells(record: Mapping[str, Any]) -> dict[CellKey, float]:
    """Every non-zero value under a listed value key of the scored tables, keyed (kind, row key[#n], value key).

    Tables of the same kind are pooled; the n-th repeat of a row key within a kind gets `#n`.
    Rows without any value do not count as occurrences, since the contract lets them be left out.
    """
    cells: dict[CellKey, float] = {}
    seen: Counter[tuple[str, str]] = Counter()
    for table in scored_tables(record):
        kind = str(table.get("kind"))
        for row in _dicts(table.get("rows")):
            values = _nonzero_values(row, kind)
            if not values:
                continue
            base = row_key(row)
            seen[(kind, base)] += 1
            key = base if seen[(kind, base)] == 1 else f"{base}#{seen[(kind, base)]}"
            cells.update({(kind, key, value_key): v for value_key, v in values.items()})
    return cells


def compare_cells(
    gold: Mapping[CellKey, float], pred: Mapping[CellKey, float]
) -> tuple[Counts, tuple[CellError, ...]]:
    """Cell counts (a wrong number is one FP and one FN) and the first MAX_CELL_ERRORS errors."""
    tp = fp = fn = 0
    errors: list[CellError] = []
    for key, value in gold.items():
        found = pred.get(key)
        if found is not None and abs(found - value) < TOLERANCE:
            tp += 1
            continue
        fn += 1
        fp += found is not None
        errors.append(CellError(key, value, found))
    spurious = [CellError(key, None, value) for key, value in pred.items() if key not in gold]
    return Counts(tp, fp + len(spurious), fn), tuple((errors + spurious)[:MAX_CELL_ERRORS])


# ---------------------------------------------------------------- narrative and document


def compare_narrative(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> tuple[int, int, int]:
    """(correct, gold keys, extra predicted keys); an absent predicted key matches a gold 0."""
    correct = sum(numbers_match(value, pred.get(key)) for key, value in gold.items())
    extra = sum(1 for key, value in pred.items() if key not in gold and not is_nothing(value))
    return correct, len(gold), extra


def _year(value: Any) -> int | None:
    number = as_number(value)
    return None if number is None else int(number)


def compare_document(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> tuple[int, int]:
    """(correct, total) over the five document fields: text normalised, fiscal_year as int."""
    def same(key: str) -> bool:
        if key == "fiscal_year":
            return _year(gold.get(key)) == _year(pred.get(key))
        return _text(gold.get(key)) == _text(pred.get(key))

    return sum(same(key) for key in DOCUMENT_KEYS), len(DOCUMENT_KEYS)


# ---------------------------------------------------------------- performance cards

CardPair = tuple[dict[str, Any] | None, dict[str, Any] | None]


def _name_keys(cards: Sequence[Mapping[str, Any]]) -> list[tuple[str, int]]:
    seen: Counter[str] = Counter()
    keys = []
    for card in cards:
        name = _name(card.get("project_name"))
        seen[name] += 1
        keys.append((name, seen[name]))
    return keys


def pair_cards(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> list[CardPair]:
    """Pair cards by normalised project_name (n-th repeat with n-th), then the rest by seq.

    Returns (gold, pred) pairs in gold order, then the unpaired predictions as (None, pred).
    """
    by_name = {key: i for i, key in enumerate(_name_keys(pred))}
    matches = [by_name.get(key) for key in _name_keys(gold)]
    used = {p for p in matches if p is not None}
    matches = [_match_by_seq(card, pred, used) if p is None else p
               for card, p in zip(gold, matches, strict=True)]
    pairs: list[CardPair] = [(card, None if p is None else pred[p])
                             for card, p in zip(gold, matches, strict=True)]
    return pairs + [(None, card) for p, card in enumerate(pred) if p not in used]


def _match_by_seq(card: Mapping[str, Any], pred: list[dict[str, Any]], used: set[int]) -> int | None:
    seq = card.get("seq")
    for p, candidate in enumerate(pred):
        if seq is not None and p not in used and candidate.get("seq") == seq:
            used.add(p)
            return p
    return None


def _budget(card: Mapping[str, Any], key: str) -> Any:
    return _mapping(card.get("budget")).get(key)


def _spending_plan(card: Mapping[str, Any]) -> list[Any]:
    plan = card.get("spending_plan")
    return [v for v in plan if not is_nothing(v)] if isinstance(plan, list) else []


def _goals(card: Mapping[str, Any]) -> str:
    goals = card.get("goals")
    return "".join(_text(goal) for goal in (goals if isinstance(goals, list) else [goals]))


def card_field_matches(gold: Mapping[str, Any], pred: Mapping[str, Any], field: str) -> bool:
    """Exact match of one CARD_FIELDS entry after normalisation (numbers within TOLERANCE)."""
    if field.startswith("budget."):
        key = field.removeprefix("budget.")
        return numbers_match(_budget(gold, key), _budget(pred, key))
    if field == "spending_plan":
        g, p = _spending_plan(gold), _spending_plan(pred)
        return len(g) == len(p) and all(numbers_match(a, b) for a, b in zip(g, p, strict=True))
    if field == "goals":
        return _goals(gold) == _goals(pred)
    return _text(gold.get(field)) == _text(pred.get(field))


def _indicator_groups(card: Mapping[str, Any] | None) -> dict[IndicatorKey, list[dict[str, Any]]]:
    groups: dict[IndicatorKey, list[dict[str, Any]]] = defaultdict(list)
    for indicator in _dicts((card or {}).get("indicators")):
        groups[tuple(_text(indicator.get(k)) for k in INDICATOR_KEY_FIELDS)].append(indicator)
    return groups


def compare_indicators(
    gold: Mapping[str, Any] | None, pred: Mapping[str, Any] | None
) -> tuple[Counts, int, int]:
    """Indicator counts over (level1, level2, level3, value) tuples, then detail (correct, total).

    Tuples are counted as a multiset so that a card printing the same tuple twice (with different
    descriptions) pairs its n-th occurrence with the n-th; a plain set would hide one of them.
    """
    g_groups, p_groups = _indicator_groups(gold), _indicator_groups(pred)
    counts = _compare_multisets(
        Counter({k: len(v) for k, v in g_groups.items()}), Counter({k: len(v) for k, v in p_groups.items()})
    )
    paired = [pair for key, items in g_groups.items()
              for pair in zip(items, p_groups.get(key, []), strict=False)]
    correct = sum(_text(g.get(f)) == _text(p.get(f)) for g, p in paired for f in INDICATOR_DETAIL_FIELDS)
    return counts, correct, len(paired) * len(INDICATOR_DETAIL_FIELDS)


@dataclass(frozen=True)
class CardScore:
    """Card metrics of one document."""

    fields_correct: int = 0
    fields_total: int = 0
    indicators: Counts = Counts()
    details_correct: int = 0
    details_total: int = 0


def _score_card_pair(gold: dict[str, Any] | None, pred: dict[str, Any] | None) -> CardScore:
    indicators, details_correct, details_total = compare_indicators(gold, pred)
    if gold is None:
        return CardScore(indicators=indicators)
    correct = 0 if pred is None else sum(card_field_matches(gold, pred, f) for f in CARD_FIELDS)
    return CardScore(correct, len(CARD_FIELDS), indicators, details_correct, details_total)


def compare_cards(gold: Mapping[str, Any], pred: Mapping[str, Any], partial: bool = False) -> CardScore:
    """Card fields over all gold cards (unpaired ones all wrong) and indicators over all cards.

    ``partial``: the gold labels only some of the printed cards (e.g. the first 15 of 300), so a
    predicted card that pairs with no gold card is not scored instead of counting as extra.
    """
    pairs = pair_cards(_dicts(gold.get("performance_cards")), _dicts(pred.get("performance_cards")))
    if partial:
        pairs = [(g, p) for g, p in pairs if g is not None]
    return _sum_dataclasses(CardScore(), [_score_card_pair(g, p) for g, p in pairs])


# ---------------------------------------------------------------- documents


def score_document(
    gold: Mapping[str, Any], pred: Mapping[str, Any], name: str, partial_cards: bool = False
) -> DocumentScore:
    """Score one predicted record against its gold record (``partial_cards``: see compare_cards)."""
    cells, cell_errors = compare_cells(table_cells(gold), table_cells(pred))
    narrative = compare_narrative(_mapping(gold.get("narrative")), _mapping(pred.get("narrative")))
    document = compare_document(_mapping(gold.get("document")), _mapping(pred.get("document")))
    cards = compare_cards(gold, pred, partial_cards)
    return DocumentScore(
        name=name,
        tables=table_detection(gold, pred),
        cells=cells,
        narrative_correct=narrative[0],
        narrative_total=narrative[1],
        narrative_extra=narrative[2],
        card_fields_correct=cards.fields_correct,
        card_fields_total=cards.fields_total,
        indicators=cards.indicators,
        indicator_details_correct=cards.details_correct,
        indicator_details_total=cards.details_total,
        document_correct=document[0],
        document_total=document[1],
        cell_errors=cell_errors,
    )


def aggregate(scores: Iterable[DocumentScore], name: str = "OVERALL") -> DocumentScore:
    """Micro-average: sum every count over the documents (cell error samples stay per document)."""
    return _sum_dataclasses(DocumentScore(name=name), list(scores))


def _sum_dataclasses(start: Any, items: list[Any]) -> Any:
    """Sum the int and Counts fields of same-typed dataclasses onto start; other fields keep start's."""
    summable = [f.name for f in fields(start) if isinstance(getattr(start, f.name), int | Counts)]
    return replace(start, **{name: sum((getattr(item, name) for item in items), getattr(start, name))
                             for name in summable})
