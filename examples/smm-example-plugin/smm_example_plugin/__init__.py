"""An example third-party smmcore plugin: a KPI and a small source."""

__version__ = "0.1.0"
