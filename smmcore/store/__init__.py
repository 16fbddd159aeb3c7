"""The workspace's history store (DuckDB): schema migrations, natural-key upserts, one
transaction per sync unit. Importing this package imports no database driver."""

from __future__ import annotations

from smmcore.store.db import Store, UnitWriter, open_store
from smmcore.store.migrations import MIGRATIONS, SCHEMA_VERSION

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Store", "UnitWriter", "open_store"]
