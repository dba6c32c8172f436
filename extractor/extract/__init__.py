"""Extractors: turn regions into the parts of a disclosure record."""
