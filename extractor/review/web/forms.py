"""Read an edit the page posts (form fields) into what the correction service takes: a target and a new value.

Pure functions over the form's text; a form that cannot name a correction raises FormError, which the app
answers with 422 and the message, storing nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Table fields a form may change besides value keys.
TABLE_TEXT_FIELDS = ("name", "code", "side")
#: Fields naming a whole-part or row action rather than a cell.
TABLE_ACTIONS = ("row", "kind", "printed_as_is", "delete_row", "accepted")

_CARD_FIELD = re.compile(r"^[a-z_]+(\.[a-z_0-9]+)*$")
_KEY = re.compile(r"^[a-z_][a-z0-9_]*$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class FormError(ValueError):
    """An edit form that names no valid correction (its message is shown to the user as is)."""


@dataclass(frozen=True)
class Edit:
    """One correction asked for by a form: where (part, index, row, field) and the new value."""

    part: str
    index: int
    row_key: str | None
    field: str
    new: Any


def parse_amount(text: str, label: str) -> float | None:
    """Return the number typed in an amount cell (thousands commas allowed), None for blank; else FormError."""
    cleaned = text.strip().replace(",", "").replace("，", "")
    if cleaned == "":
        return None
    if not _NUMBER.match(cleaned):
        raise FormError(f"{label}: {text.strip()!r} is not a number (type digits, e.g. 1234.56, or leave it blank)")
    return float(cleaned)


def table_edit(index: int, form: Mapping[str, str]) -> Edit:
    """Return the correction a table form asks for: a cell (its value key as the field), a row's text, an added
    row, the kind, a mark. Whether the table has that value key is the service's to say."""
    field = form.get("field", "").strip()
    row_key = form.get("row_key") or None
    if field == "row":
        return Edit("table", index, row_key, "row", new_row(form))
    if field == "kind":
        return Edit("table", index, None, "kind", form.get("value", "").strip())
    if field == "printed_as_is":
        return Edit("table", index, row_key, field, form.get("value") or None)
    if field in ("delete_row", "accepted"):
        return Edit("table", index, row_key if field == "delete_row" else None, field, None)
    if not _KEY.match(field):
        raise FormError(f"unknown field {field!r}: a table takes a value key, {', '.join(TABLE_TEXT_FIELDS)}, "
                        f"or {', '.join(TABLE_ACTIONS)}")
    if row_key is None:
        raise FormError(f"editing {field} needs the row it is in")
    if field in TABLE_TEXT_FIELDS:
        return Edit("table", index, row_key, field, form.get("value", "").strip() or None)
    return Edit("table", index, row_key, field, form.get("value", ""))


def new_row(form: Mapping[str, str]) -> dict[str, Any]:
    """Return the row an add-row form describes (amounts in ``v_<value key>`` fields); it needs a name or a code,
    and its amounts must be numbers."""
    values = {name[2:]: parse_amount(text, name[2:]) for name, text in form.items()
              if name.startswith("v_") and _KEY.match(name[2:])}
    row: dict[str, Any] = {
        "code": form.get("code", "").strip() or None,
        "name": form.get("name", "").strip() or None,
        "values": {k: v for k, v in values.items() if v is not None},
    }
    side = form.get("side", "").strip()
    if side:
        row["side"] = side
    if not row["code"] and not row["name"]:
        raise FormError("a new row needs a name or a code")
    return row


def card_edit(seq: int, form: Mapping[str, str]) -> Edit:
    """Return the correction a card form asks for: a dotted field ('budget.total', 'indicators.2.value'), a mark."""
    field = form.get("field", "").strip()
    if field in ("printed_as_is", "accepted"):
        return Edit("card", seq, None, field, form.get("value") or None)
    if not _CARD_FIELD.match(field):
        raise FormError(f"unknown card field {field!r}")
    return Edit("card", seq, None, field, form.get("value", ""))
