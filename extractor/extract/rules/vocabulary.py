"""The table vocabulary (data/tables.json), loaded once: header words per value key and the other wordings."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def table_vocabulary() -> dict[str, Any]:
    """Return the parsed tables.json shipped in data/."""
    return json.loads(files("extractor.extract.rules").joinpath("data", "tables.json").read_text(encoding="utf-8"))


def value_columns() -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """Return kind -> ((value key, header words), ...) in the standard printed order."""
    return {kind: tuple((key, tuple(words)) for key, words in spec)
            for kind, spec in table_vocabulary()["value_columns"].items()}


def printed_columns() -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """Return kind -> ((key, header words), ...) of printed columns the contract has no key for."""
    extra = table_vocabulary()["printed_columns_without_contract_key"]
    return {kind: tuple((key, tuple(words)) for key, words in spec) for kind, spec in extra.items()
            if not kind.startswith("_")}


def words(name: str) -> tuple[str, ...]:
    """Return a list of words of the vocabulary as a tuple."""
    return tuple(table_vocabulary()[name])
