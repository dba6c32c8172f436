"""The JSON Schemas of the disclosure record, shipped inside the package as ``extractor.schemas``
(see pyproject.toml) and read by ``extractor.validate.schema``; this file only makes the folder a package."""
