"""Team store for smmcore: DuckLake over PostgreSQL, a sync queue and workers."""

__version__ = "0.1.0"
