"""Validation of disclosure records: JSON Schema conformance (``schema``)."""

from extractor.validate.schema import (
    SchemaIssue,
    SchemaValidationError,
    check_record,
    load_schema,
    schema_names,
    schemas_dir,
    validate_part,
    validate_record,
)

__all__ = [
    "SchemaIssue",
    "SchemaValidationError",
    "check_record",
    "load_schema",
    "schema_names",
    "schemas_dir",
    "validate_part",
    "validate_record",
]
