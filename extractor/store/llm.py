"""The LLM answer cache and the ledger of LLM calls, kept in the DuckDB store.

A cached answer is keyed by (prompt version, model, schema version, region text hash), so re-running
a conversion costs no call. The ledger keeps one row per call (tokens, latency, attempt, outcome).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from duckdb import DuckDBPyConnection

from extractor.store.database import sql_literal

LEDGER_COLUMNS = ("run_id", "document_id", "region", "prompt_name", "prompt_version", "model", "region_hash",
                  "attempt", "tokens_in", "tokens_out", "latency_s", "outcome", "called_at")


class StoreCache:
    """LLM answers cached in the store; safe to share between the threads of one conversion."""

    def __init__(self, con: DuckDBPyConnection) -> None:
        self._con = con
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        """Return the cached answer for the key, or None."""
        with self._lock:
            row = self._con.execute(f"SELECT answer FROM llm_cache WHERE cache_key = {sql_literal(key)}").fetchone()
        return row[0] if row else None

    def put(self, key: str, value: str) -> None:
        """Store an answer (a later answer for the same key replaces it)."""
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        with self._lock:
            self._con.execute(f"INSERT OR REPLACE INTO llm_cache VALUES ({sql_literal(key)}, {sql_literal(value)}, "
                              f"{sql_literal(now)})")


def record_calls(con: DuckDBPyConnection, run_id: str | None, document_id: str, calls: Iterable[Any]) -> int:
    """Append the ledger rows of one document's LLM calls; return how many were written."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    rows = [(run_id, document_id, getattr(c, "region", None), c.prompt_name, c.prompt_version, c.model,
             c.region_hash, c.attempt, c.tokens_in, c.tokens_out, c.latency_s, c.outcome, now) for c in calls]
    for row in rows:
        con.execute(f"INSERT INTO llm_calls ({', '.join(LEDGER_COLUMNS)}) VALUES "
                    f"({', '.join(sql_literal(v) for v in row)})")
    return len(rows)
