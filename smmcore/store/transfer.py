"""Copy a workspace's whole history from one store to another (``smm store migrate``).

Every table of the schema, the sync state included, goes over in Arrow batches inside ONE
transaction of the target; the rows of each table are counted in the target before that
transaction commits, so a copy that does not match the source leaves the target as it was.
The source is read in one snapshot.
"""

from __future__ import annotations

from typing import Any

from smmcore.errors import StoreError
from smmcore.store.db import Store
from smmcore.store.latest import refresh_latest
from smmcore.store.tables import TABLES

BATCH_ROWS = 100_000
"""Rows per Arrow batch read from the source (memory stays flat for any store size)."""


def store_tables() -> list[str]:
    """The tables a copy moves: every record table and the sync state."""
    return [*TABLES, "sync_state"]


def row_counts(store: Store) -> dict[str, int]:
    """Rows per table of :func:`store_tables`."""
    with store.lock:
        return {
            # fetchall: a result read with fetchone stays open and blocks the next query
            table: store.con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            for table in store_tables()
        }


def copy_store(source: Store, target: Store, *, replace: bool = False) -> dict[str, int]:
    """Copy every row of ``source`` into ``target``; return the rows copied per table.

    ``target`` must be empty unless ``replace``, which deletes its rows first (in the same
    transaction). Raises :class:`~smmcore.errors.StoreError`, leaving ``target`` unchanged,
    when it holds rows and ``replace`` is false, or when a table's count after the copy
    differs from the source's.
    """
    expected = row_counts(source)
    present = row_counts(target)
    if any(present.values()) and not replace:
        held = ", ".join(f"{t} {n:,}" for t, n in present.items() if n)
        raise StoreError(
            f"the target store {target.backend.location} already holds rows ({held})",
            hint="copy into an empty store, or pass --replace to overwrite what it holds",
        )

    def body() -> None:
        con = target.con
        for table in store_tables():
            if present[table]:
                con.execute(f"DELETE FROM {table}")
            columns = list(target.columns(table))
            _copy_table(source, target, table, columns)
            got = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            if got != expected[table]:
                raise StoreError(
                    f"copying {table} gave {got:,} rows instead of {expected[table]:,}; "
                    "nothing was written",
                    hint="run the command again; if it persists, report it with --debug",
                )
        # the latest snapshot of each post is derived: rebuilt from what was copied
        refresh_latest(con)

    target.transaction(body)
    return expected


def _copy_table(source: Store, target: Store, table: str, columns: list[str]) -> None:
    cols = ", ".join(f'"{c}"' for c in columns)
    view = f"_smm_copy_{table}"
    with source.lock:
        # a relation's reader, not a DB-API cursor's (that makes an extra copy of the rows)
        reader: Any = source.con.sql(f"SELECT {cols} FROM {table}").to_arrow_reader(BATCH_ROWS)
        for batch in reader:
            if not batch.num_rows:
                continue
            target.con.register(view, batch)
            try:
                target.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {view}")
            finally:
                target.con.unregister(view)
