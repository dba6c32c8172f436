"""Load the JSON Schemas in ``schemas/`` by name and validate records against them.

The schemas ship inside the package as ``extractor.schemas`` and are read with ``importlib.resources``.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

if TYPE_CHECKING:
    from collections.abc import Hashable
    from importlib.resources.abc import Traversable

    class Folder(Traversable, Hashable, Protocol):
        """A schema folder (a Path, or the package's own): readable, and a cache key."""

SCHEMAS_ENV = "YUSUAN_SCHEMAS_DIR"
PACKAGE = "extractor.schemas"  # the top-level schemas/ folder, mapped into the package (pyproject.toml)
BASE_URI = "https://yusuan.dev/schemas/"
SUFFIX = ".schema.json"
_MAX_PATHS_IN_MESSAGE = 3


@dataclass(frozen=True)
class SchemaIssue:
    """One schema violation: where (JSON path such as ``$.tables[2].rows[5].values.total``) and what."""

    path: str
    message: str
    validator: str


class SchemaValidationError(ValueError):
    """A record failed its schema; ``issues`` lists every violation."""

    def __init__(self, issues: Sequence[SchemaIssue]) -> None:
        self.issues: tuple[SchemaIssue, ...] = tuple(issues)
        paths = ", ".join(issue.path for issue in self.issues[:_MAX_PATHS_IN_MESSAGE])
        extra = len(self.issues) - _MAX_PATHS_IN_MESSAGE
        more = f" (+{extra} more)" if extra > 0 else ""
        super().__init__(f"record fails schema with {len(self.issues)} issue(s) at {paths}{more}")


def schemas_dir() -> Folder:
    """Return the schema folder: ``$YUSUAN_SCHEMAS_DIR``, else the package data ``extractor.schemas``
    (the repository's ``schemas/``, shipped inside the wheel)."""
    override = os.environ.get(SCHEMAS_ENV)
    return Path(override) if override else _packaged_schemas()


@lru_cache(maxsize=1)
def _packaged_schemas() -> Folder:
    """Return the schemas shipped with the package (one object, so the caches below hit)."""
    try:
        return cast("Folder", files(PACKAGE))
    except ModuleNotFoundError as error:
        raise RuntimeError(f"package data {PACKAGE} is missing: reinstall yusuan (pip install -e .)") from error


def schema_names(root: Folder | None = None) -> list[str]:
    """Return the name of every schema file under the schema folder, e.g. ``tables/income_summary``."""
    return sorted(_schema_files(root or schemas_dir()))


def _schema_files(folder: Traversable, prefix: str = "") -> dict[str, Traversable]:
    """Return every ``*.schema.json`` under ``folder`` (recursively) keyed by name."""
    found: dict[str, Traversable] = {}
    for entry in folder.iterdir():
        if entry.is_dir():
            found.update(_schema_files(entry, f"{prefix}{entry.name}/"))
        elif entry.name.endswith(SUFFIX):
            found[f"{prefix}{entry.name[: -len(SUFFIX)]}"] = entry
    return found


@lru_cache(maxsize=4)
def _schemas(root: Folder) -> dict[str, dict[str, Any]]:
    """Read every schema under ``root`` keyed by name, checking each ``$id`` matches its file."""
    schemas: dict[str, dict[str, Any]] = {}
    for name, path in sorted(_schema_files(root).items()):
        schema = json.loads(path.read_text(encoding="utf-8"))
        expected = f"{BASE_URI}{name}{SUFFIX}"
        if schema.get("$id") != expected:
            raise ValueError(f"schema {name!r} has $id {schema.get('$id')!r}, expected {expected!r}")
        schemas[name] = schema
    return schemas


def _RESOURCE(contents: dict[str, Any]) -> Resource:  # noqa: N802 - a constructor
    return Resource.from_contents(contents, default_specification=DRAFT202012)


@lru_cache(maxsize=4)
def _registry(root: Folder) -> Registry:
    """Build a registry holding every schema under ``root`` at its ``$id``."""
    resources = [
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
        for schema in _schemas(root).values()
    ]
    return Registry().with_resources(resources).crawl()


@lru_cache(maxsize=64)
def _validator(root: Folder, name: str) -> Draft202012Validator:
    """Compile (once) the validator for schema ``name`` under ``root``, its $refs inlined."""
    return Draft202012Validator(_inlined(root, name), format_checker=None)


def _inlined(root: Folder, name: str) -> dict[str, Any]:
    schema = _lookup(root, name)
    return _inline_refs(schema, _registry(root).resolver(base_uri=schema["$id"]))


def inline_schema(name: str) -> dict[str, Any]:
    """Return schema ``name`` as one self-contained document: every ``$ref`` replaced by what it points to
    (resolved by ``referencing``, the one inliner: the validators use it, and so do the LLM's answer schemas)."""
    return copy.deepcopy(_inlined(schemas_dir(), name))


def _inline_refs(node: Any, resolver: Any) -> Any:
    """Return the schema with every $ref replaced by what it points to: validating then needs no
    registry look-ups, which otherwise dominate the time to check a record."""
    if isinstance(node, list):
        return [_inline_refs(item, resolver) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        resolved = resolver.lookup(node["$ref"])
        target = _inline_refs(resolved.contents, resolved.resolver)
        rest = {k: _inline_refs(v, resolver) for k, v in node.items() if k != "$ref"}
        return {**target, **rest} if rest else target
    inner = resolver.in_subresource(_RESOURCE(node)) if "$id" in node else resolver
    return {k: _inline_refs(v, inner) for k, v in node.items() if k != "$defs"}


def _lookup(root: Folder, name: str) -> dict[str, Any]:
    """Return the schema ``name`` under ``root`` or raise KeyError naming the known ones."""
    schemas = _schemas(root)
    if name not in schemas:
        raise KeyError(f"no schema {name!r} in {root}; known: {', '.join(schemas)}")
    return schemas[name]


def load_schema(name: str) -> dict[str, Any]:
    """Return a copy of the schema called ``name`` (``record``, ``tables/income_summary`` ...)."""
    return copy.deepcopy(_lookup(schemas_dir(), name))


def validate_part(name: str, instance: Any) -> list[SchemaIssue]:
    """Validate ``instance`` against schema ``name``; return its issues sorted by location."""
    errors = _validator(schemas_dir(), name).iter_errors(instance)
    located = {(tuple(parts), issue) for error in errors for parts, issue in _issues(error)}
    return [issue for _, issue in sorted(located, key=lambda item: (_sort_key(item[0]), item[1].message))]


def validate_record(record: Mapping[str, Any]) -> list[SchemaIssue]:
    """Validate a whole disclosure record; return its issues sorted by location."""
    return validate_part("record", record)


def require_valid_record(record: Mapping[str, Any]) -> None:
    """Raise SchemaValidationError if ``record`` does not match the record schema (``validate_record``
    returns the issues instead; ``validate.arithmetic.check_record`` returns identity findings)."""
    issues = validate_record(record)
    if issues:
        raise SchemaValidationError(issues)


def _issues(error: ValidationError) -> Iterator[tuple[list[str | int], SchemaIssue]]:
    """Turn one error into issues, pointing at the offending key for required/additionalProperties."""
    parts: list[str | int] = list(error.absolute_path)
    for key in _offending_keys(error):
        message = f"{key!r} is a required property" if error.validator == "required" else (
            f"{key!r} is not an allowed property"
        )
        yield [*parts, key], SchemaIssue(_format_path([*parts, key]), message, str(error.validator))
    if error.validator not in ("required", "additionalProperties"):
        yield parts, SchemaIssue(_format_path(parts), error.message, str(error.validator))


def _offending_keys(error: ValidationError) -> Iterable[str]:
    """Return the missing (required) or unexpected (additionalProperties) keys behind ``error``."""
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    if error.validator == "required":
        return [key for key in error.validator_value if key not in instance]
    if error.validator == "additionalProperties":
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        known = schema.get("properties", {})
        patterns = list(schema.get("patternProperties", {}))
        return [k for k in instance if k not in known and not any(re.search(p, k) for p in patterns)]
    return []


def _format_path(parts: Sequence[str | int]) -> str:
    """Render path parts as a JSON path: ``$.tables[2].rows[5].values.total``."""
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.isidentifier():
            text += f".{part}"
        else:
            text += f"[{json.dumps(part, ensure_ascii=False)}]"
    return text


def _sort_key(parts: Sequence[str | int]) -> tuple[tuple[int, int, str], ...]:
    """Order paths naturally, so ``rows[2]`` comes before ``rows[10]``."""
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, part) for part in parts)
