"""Validation of disclosure records: JSON Schema conformance (``schema``)."""

from extractor.validate.schema import (
    SchemaIssue,
    SchemaValidationError,
    load_schema,
    require_valid_record,
    schema_names,
    schemas_dir,
    validate_part,
    validate_record,
)

__all__ = [
    "SchemaIssue",
    "SchemaValidationError",
    "load_schema",
    "require_valid_record",
    "schema_names",
    "schemas_dir",
    "validate_part",
    "validate_record",
]
