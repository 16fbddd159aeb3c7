"""YouTube channels and videos through the Data API v3."""

__version__ = "0.1.0"
