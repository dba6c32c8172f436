"""Value columns of each table kind: canonical order and the header words that name them (data/tables.json)."""

from __future__ import annotations

from extractor.extract.rules.vocabulary import printed_columns, value_columns, words

#: kind -> (value key, header words any of which names the column), in the standard printed order.
COLUMNS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = value_columns()

#: kind -> the contract's columns, then printed columns it has no key for (kept, not scored), for tables read
#: by their header words.
HEADED_COLUMNS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    kind: spec + printed_columns().get(kind, ()) for kind, spec in COLUMNS.items()}

#: Columns that appear only in some provinces' versions and are left out unless the header names them.
_OPTIONAL = frozenset(words("optional_keys"))


def value_keys(kind: str, header_text: str, value_columns: int) -> tuple[str, ...]:
    """Return the value keys printed, in order: those the header names, or the standard first n."""
    spec = COLUMNS.get(kind, ())
    compact = header_text.replace(" ", "")
    named = tuple(key for key, words in spec if any(w in compact for w in words))
    standard = tuple(key for key, _ in spec if key not in _OPTIONAL)
    if value_columns and len(named) != value_columns:
        return (standard + tuple(k for k, _ in spec if k in _OPTIONAL))[:value_columns]
    return named or standard
