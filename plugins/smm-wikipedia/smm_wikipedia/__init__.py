"""Wikimedia pageviews: absolute daily views of the articles behind a keyword."""

__version__ = "0.1.0"
