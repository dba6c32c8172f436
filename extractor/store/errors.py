"""Why the store cannot be used: one-line reasons that name the DuckDB file (no DuckDB import here)."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The DuckDB file cannot be opened or used: not a DuckDB file, a schema this code cannot use, a lock."""


class StoreLockedError(StoreError):
    """Another process holds the DuckDB file open for writing (DuckDB lets one process write at a time)."""
