"""Review and corrections: a person corrects a converted record, the checks run again, the result can be gold.

- ``model``: corrections and their targets (frozen dataclasses), the review errors;
- ``cells``: find and change one cell, name, field or row of a record (pure);
- ``apply``: a record with its active corrections applied, and what they touched (pure);
- ``recheck``: the findings and verdicts of a corrected record (pure);
- ``reconcile``: which corrections still fit a (re-converted) record — the rest are stale (pure);
- ``gold``: a corrected record as contract-format gold JSON;
- ``service``: the calls the review app makes over a DuckDB store (I/O edge).

The web app (``extractor.review.web``) is built on ``service``. Nothing is imported here, so the store may use
the pure modules without importing the service.
"""
