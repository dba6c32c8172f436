"""Readable renderings of results for the terminal."""
