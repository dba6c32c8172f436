"""What the model must answer for each region kind: the prompt, its fields and a self-contained schema.

The schemas come from ``schemas/`` (``load_schema``) with every ``$ref`` inlined, so the model (and a
server's structured-output mode) sees one document; ``provenance`` is left out because the extractor
adds it, never the model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from extractor.record.kinds import CODED_KINDS, SIDED_KINDS
from extractor.regions.model import Region
from extractor.validate.schema import inline_schema as validate_inline_schema

_DROP = ("$defs", "$id", "$schema")
_TABLE_KEYS = ("title", "empty", "note", "unit")


@dataclass(frozen=True)
class Target:
    """One region's extraction task: the record part it yields and how to prompt for it."""

    part: str  # "table" | "performance_card" | "narrative": also the schema that validates the answer
    prompt_name: str
    schema_name: str  # the name sent with a json_schema response_format ([A-Za-z0-9_-])
    schema: dict[str, Any]
    fields: dict[str, str] = field(default_factory=dict)  # prompt fields other than schema and region_text
    table_kind: str | None = None


def target_for(region: Region) -> Target:
    """Return the extraction task of a region ("table", "card" or "prose")."""
    if region.kind == "table":
        return _table_target(region.table_kind or "other", region.title)
    if region.kind == "card":
        return Target("performance_card", "performance_card", "performance_card", card_schema(),
                      {"title": region.title})
    if region.kind == "prose":
        return Target("narrative", "narrative", "narrative", narrative_schema(), {"keys": narrative_keys()})
    raise ValueError(f"region kind {region.kind!r} is not table, card or prose")


def schema_text(schema: dict[str, Any]) -> str:
    """Return a schema as the prompt quotes it (one line of JSON, Chinese kept readable)."""
    return json.dumps(schema, ensure_ascii=False)


def _table_target(kind: str, title: str) -> Target:
    fields = {"table_kind": kind, "title": title, "row_shape": row_shape(kind), "columns": columns_text(kind)}
    return Target("table", "table", f"table_{kind}", table_schema(kind), fields, kind)


@lru_cache(maxsize=16)
def table_schema(kind: str) -> dict[str, Any]:
    """Return the answer schema of one table of ``kind``: the table entry with that kind's rows."""
    table = inline_schema("table")
    properties = {key: table["properties"][key] for key in _TABLE_KEYS}
    return {
        "title": f"{kind} table",
        "type": "object",
        "required": ["kind", "title", "empty", "rows"],
        "properties": {"kind": {"const": kind}, **properties,
                       "rows": {"type": "array", "description": "Rows in printed order.", "items": row_schema(kind)}},
    }


@lru_cache(maxsize=16)
def row_schema(kind: str) -> dict[str, Any]:
    """Return the row schema of a table kind, without provenance."""
    schema = inline_schema(f"tables/{kind}")
    schema["properties"] = {k: v for k, v in schema["properties"].items() if k != "provenance"}
    return schema


def value_columns(kind: str) -> dict[str, str]:
    """Return a kind's value keys with their printed (Chinese) column names, from the row schema."""
    values = row_schema(kind)["properties"].get("values", {}).get("properties", {})
    return {key: str(spec.get("description", key)).split(" (")[0] for key, spec in values.items()}


def columns_text(kind: str) -> str:
    """Return the value-key list the table prompt shows, one ``- key: 列名`` per line."""
    columns = value_columns(kind)
    if not columns:
        return "- any printed column: a short snake_case English key of your choice"
    return "\n".join(f"- {key}: {name}" for key, name in columns.items())


def row_shape(kind: str) -> str:
    """Return how a row of ``kind`` is keyed, with the row schema's own description."""
    if kind in SIDED_KINDS:
        shape = '{"side": "income" | "expenditure", "name": ..., "values": {...}}'
    elif kind in CODED_KINDS:
        shape = '{"code": "2060101" (null on the 合计 row), "name": ..., "values": {...}}'
    else:
        shape = '{"name": ..., "values": {...}}'
    description = row_schema(kind).get("description")
    return f"{shape}. {description}" if description else shape


@lru_cache(maxsize=1)
def card_schema() -> dict[str, Any]:
    """Return the answer schema of one performance card."""
    return inline_schema("performance_card")


@lru_cache(maxsize=1)
def narrative_schema() -> dict[str, Any]:
    """Return the answer schema of the narrative figures."""
    return inline_schema("narrative")


def narrative_keys() -> str:
    """Return the narrative key list the prompt shows, one ``- key: 说法`` per line."""
    properties = narrative_schema()["properties"]
    return "\n".join(f"- {key}: {spec.get('description', '')}" for key, spec in properties.items())


def inline_schema(name: str) -> dict[str, Any]:
    """Return schema ``name`` self-contained (``validate.schema.inline_schema``), without the keywords
    that only identify schemas (``$id``, ``$schema``, ``$defs``): the model sees one plain document."""
    return _without_ids(validate_inline_schema(name))


def _without_ids(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_ids(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {k: _without_ids(v) for k, v in node.items() if k not in _DROP}
