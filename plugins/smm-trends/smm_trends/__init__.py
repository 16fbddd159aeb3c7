"""Google Trends through pytrends: interest, regions, related queries."""

__version__ = "0.1.0"
