"""The errors a review call raises: each says in one line what cannot be done and why."""

from __future__ import annotations


class ReviewError(Exception):
    """A review call cannot be done; the message says why in one line."""


class NotFound(ReviewError):
    """An unknown document, table, card, row, correction or page (the app answers 404)."""


class InvalidCorrection(ReviewError):
    """A correction the record cannot take: a non-number in an amount cell, a field the part lacks, a record
    that fails its schema once changed (nothing is stored)."""
