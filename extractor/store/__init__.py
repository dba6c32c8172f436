"""The DuckDB store: versioned schema, one transaction per converted document, export and query.

This package is the only place that imports DuckDB.
"""

from extractor.store.database import (
    QueryError,
    StoredDocument,
    finish_run,
    open_store,
    query,
    start_run,
    stored_documents,
    stored_hashes,
    write_document,
)
from extractor.store.errors import StoreError, StoreLockedError
from extractor.store.export import EXPORT_TABLES, FORMATS, export
from extractor.store.migrations import LATEST_VERSION, MIGRATIONS, SchemaError, apply_migrations
from extractor.store.rows import content_hash, file_content_hash, row_keys

__all__ = [
    "EXPORT_TABLES",
    "FORMATS",
    "LATEST_VERSION",
    "MIGRATIONS",
    "QueryError",
    "SchemaError",
    "StoreError",
    "StoreLockedError",
    "StoredDocument",
    "apply_migrations",
    "content_hash",
    "export",
    "file_content_hash",
    "finish_run",
    "open_store",
    "query",
    "row_keys",
    "start_run",
    "stored_documents",
    "stored_hashes",
    "write_document",
]
