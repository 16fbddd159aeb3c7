"""The standard social media KPIs, computed inside the store."""

__version__ = "0.1.0"
