"""Find and read one target of a record — a cell, a row's name or code, a table's kind, a card field, a
document field — and turn a reviewer's input into the value the contract holds there (pure).

Targets address what the extractor read: a table by its index in the record, a row by its contract row key
(``record.keys.row_keys`` of the extracted table), a card by its seq, a card or document field by a dotted path
(``budget.total``, ``spending_plan.3``, ``indicators.2.value``, ``document.fiscal_year``, ``narrative.income_total``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from extractor.record.keys import card_seq, row_keys
from extractor.record.kinds import TABLE_KINDS, VALUE_KEYS
from extractor.record.numbers import parse_amount
from extractor.review.model import (
    ACCEPTED,
    ADD_ROW,
    DELETE_ROW,
    KIND,
    PRINTED_AS_IS,
    ROW_FIELDS,
    InvalidCorrection,
    NotFound,
    Target,
)

_CARD_AMOUNTS = ("budget.", "spending_plan.")
_CARD_AMOUNT_FIELDS = ("budget.total", "budget.fiscal", "budget.other")


def tables(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The record's tables (entries that are objects), in record order."""
    return [t for t in record.get("tables") or [] if isinstance(t, Mapping)]


def cards(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The record's performance cards (entries that are objects), in record order."""
    return [c for c in record.get("performance_cards") or [] if isinstance(c, Mapping)]


def table_at(record: Mapping[str, Any], index: int | None) -> Mapping[str, Any]:
    """The table at ``index``; NotFound when the record has none there."""
    found = tables(record)
    if index is None or not 0 <= index < len(found):
        has = f"{len(found)} tables: 0–{len(found) - 1}" if found else "no tables"
        raise NotFound(f"no table {index} (the document has {has})")
    return found[index]


def card_position(record: Mapping[str, Any], seq: int | None) -> int:
    """The position of the card numbered ``seq``; NotFound when no card has it."""
    for position, card in enumerate(cards(record)):
        if card_seq(position, card) == seq:
            return position
    raise NotFound(f"no card {seq} (the document has {len(cards(record))} cards)")


def table_rows(table: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The rows of a table that are objects."""
    return [r for r in table.get("rows") or [] if isinstance(r, Mapping)]


def row_by_key(table: Mapping[str, Any], key: str | None) -> Mapping[str, Any]:
    """The row of ``table`` whose contract row key is ``key``; NotFound when there is none."""
    rows = table_rows(table)
    for row, row_key in zip(rows, row_keys(rows)):
        if row_key == key:
            return row
    raise NotFound(f"no row {key!r} in table {table.get('kind')} {table.get('title') or ''}".rstrip())


def split_path(path: str) -> list[str | int]:
    """A dotted path as keys and list indexes: ``indicators.2.value`` → ['indicators', 2, 'value']."""
    if not path or any(not part for part in path.split(".")):
        raise InvalidCorrection(f"not a field path: {path!r}")
    return [int(p) if p.isdigit() else p for p in path.split(".")]


def get_path(node: Any, path: str) -> Any:
    """The value at a dotted path; NotFound when a key or index is not there (a missing last key is None)."""
    parts = split_path(path)
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            node = node[part]
        elif isinstance(part, str) and isinstance(node, Mapping) and (part in node or last):
            node = node.get(part)
        else:
            raise NotFound(f"no field {path!r}")
    return node


def set_path(node: Any, path: str, value: Any) -> Any:
    """A copy of ``node`` with ``value`` at a dotted path (a list is extended by one index at its end)."""
    out = copy.deepcopy(node)
    parts = split_path(path)
    parent = out
    for part in parts[:-1]:
        parent = parent[part]
    last = parts[-1]
    if isinstance(last, int) and isinstance(parent, list) and last == len(parent):
        parent.append(value)
    elif isinstance(last, int) and isinstance(parent, list) and last < len(parent):
        parent[last] = value
    elif isinstance(last, str) and isinstance(parent, dict):
        parent[last] = value
    else:
        raise NotFound(f"no field {path!r}")
    return out


def extracted_value(record: Mapping[str, Any], target: Target) -> Any:
    """The value the record holds at ``target`` (what a correction replaces: its ``old``); NotFound when the
    record has no such table, row, card or field. A row to add has no old value (None)."""
    if target.part == "document":
        return None if target.field == ACCEPTED else get_path(record, target.field)
    if target.part == "card":
        card = cards(record)[card_position(record, target.card_seq)]
        if target.field in (ACCEPTED, PRINTED_AS_IS):
            return None
        return get_path(card, target.field)
    table = table_at(record, target.table_index)
    if target.field == KIND:
        return table.get("kind")
    if target.field in (ADD_ROW, ACCEPTED):
        if target.row_key is not None:
            row_by_key(table, target.row_key)
        return None
    row = row_by_key(table, target.row_key)
    if target.field == DELETE_ROW:
        return {k: copy.deepcopy(v) for k, v in row.items() if k != "provenance"}
    if target.field in ROW_FIELDS:
        return row.get(target.field)
    if target.field == PRINTED_AS_IS:
        return None
    return (row.get("values") or {}).get(target.field)


def amount(value: Any, where: str) -> float | None:
    """A reviewer's amount as the contract's number: a number, a numeric string ('1,234.50'), or blank ('' or
    None → None); anything else is an InvalidCorrection naming the cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise InvalidCorrection(f"{value!r} is not a number: {where} takes an amount")
    if isinstance(value, int | float):
        return float(value)
    parsed = parse_amount(str(value))
    if parsed is None:
        raise InvalidCorrection(f"{str(value)!r} is not a number: {where} takes an amount")
    return parsed


def _text(value: Any, where: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise InvalidCorrection(f"{value!r} is not text: {where} takes text")
    return str(value).strip()


def coerce(record: Mapping[str, Any], target: Target, new: Any) -> Any:
    """The value a correction stores for a reviewer's input ``new`` at ``target`` (amounts parsed, texts trimmed);
    InvalidCorrection for input the target cannot hold."""
    where = target.describe()
    if target.field == ACCEPTED:
        return None
    if target.part == "document":
        if target.field.startswith("narrative."):
            return amount(new, where)
        if target.field == "document.fiscal_year":
            number = amount(new, where)
            return None if number is None else int(number)
        return _text(new, where)
    if target.part == "card":
        if target.field == PRINTED_AS_IS:
            return _text(new, where)
        if target.field in _CARD_AMOUNT_FIELDS or target.field.startswith(_CARD_AMOUNTS):
            return amount(new, where)
        return _text(new, where)
    kind = str(table_at(record, target.table_index).get("kind"))
    if target.field == KIND:
        if new not in TABLE_KINDS:
            raise InvalidCorrection(f"{new!r} is not a table kind (one of {', '.join(TABLE_KINDS)})")
        return new
    if target.field == ADD_ROW:
        return _row(new, kind, where)
    if target.field == DELETE_ROW:
        return None
    if target.field in ROW_FIELDS:
        return _text(new, where)
    if target.field == PRINTED_AS_IS:
        return _value_key(new, kind, where) if new not in (None, "") else None
    return amount(new, f"{kind} row {target.row_key} {_value_key(target.field, kind, where)}")


def _value_key(key: Any, kind: str, where: str) -> str:
    keys = VALUE_KEYS.get(kind, ())
    if not isinstance(key, str) or (keys and key not in keys):
        raise InvalidCorrection(f"{key!r} is not a value key of {kind} ({', '.join(keys)}): {where}")
    return key


def _row(new: Any, kind: str, where: str) -> dict[str, Any]:
    if not isinstance(new, Mapping):
        raise InvalidCorrection(f"a row to add is an object with name, code, side and values: {where}")
    unknown = set(new) - {"code", "name", "side", "values"}
    if unknown:
        raise InvalidCorrection(f"a row has no field {sorted(unknown)[0]!r}: {where}")
    values = new.get("values") or {}
    if not isinstance(values, Mapping):
        raise InvalidCorrection(f"a row's values are an object of value key → amount: {where}")
    row: dict[str, Any] = {"code": _text(new.get("code"), where), "name": _text(new.get("name"), where) or ""}
    if new.get("side") is not None:
        row["side"] = _text(new.get("side"), where)
    row["values"] = {_value_key(k, kind, where): amount(v, f"{kind} new row {k}") for k, v in values.items()}
    return row


def same_value(a: Any, b: Any) -> bool:
    """Equal as stored JSON, amounts within 0.005 (what a re-conversion must still hold for a correction)."""
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool | str):
        return abs(float(a) - float(b)) < 0.005
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, Sequence) and isinstance(b, Sequence) and not isinstance(a, str) and not isinstance(b, str):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    return bool(a == b)
