"""Import analytics exports (CSV, JSON Lines) and the bundled demo data."""

__version__ = "0.1.0"
