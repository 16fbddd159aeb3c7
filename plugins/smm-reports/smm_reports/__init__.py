"""Report formats: terminal, Markdown, JSON, CSV and self-contained HTML."""

__version__ = "0.1.0"
