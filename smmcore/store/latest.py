"""``post_metrics_latest``: the latest metric snapshot of each post, kept up to date by the
store's writes (schema version 5; it was a view over ``post_metrics`` before).

Every KPI reads the latest counters of the posts of a period. As a view, the first KPI of a
report paid for a sort or a grouping of every snapshot of every post; as a table written in the
same transaction as the snapshots, a report only joins it. The writers that change
``post_metrics`` (the store's merge path, :func:`smmcore.dates.delete_implausible`, the copy
of ``smm store migrate``) call :func:`refresh_latest` for the posts they touched, inside their
transaction, so the table never disagrees with the snapshots of a committed state.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

TABLE = "post_metrics_latest"
SOURCE = "post_metrics"
KEYS = ("network", "account", "post_id")
_TOUCHED = "_smm_touched_posts"


def refresh_latest(
    con: Any,
    keys_select: str | None = None,
    params: Sequence[Any] | None = None,
    *,
    columns: Sequence[str] | None = None,
) -> None:
    """Recompute ``post_metrics_latest`` for the posts of ``keys_select`` (SQL whose rows
    have ``network, account, post_id``; ``params`` its parameters), or for every post when it
    is ``None``. Run it in the transaction that changed ``post_metrics``."""
    cols = list(columns) if columns else _columns(con)
    names = ", ".join(f'"{c}"' for c in cols)
    group = ", ".join(KEYS)

    def latest_of(source: str) -> str:
        # the row id of each post's newest snapshot, then those rows: the grouping keeps a
        # row id per post (small, spills to disk), not the whole row (a million posts'
        # rows as aggregate states ran a 512 MB store out of memory at 5M posts)
        return (
            f"SELECT {names} FROM {SOURCE} WHERE rowid IN "
            f"(SELECT arg_max(rowid, captured_at) FROM {source} GROUP BY {group})"
        )

    if keys_select is None:
        con.execute(f"DELETE FROM {TABLE}")
        con.execute(f"INSERT INTO {TABLE} ({names}) {latest_of(SOURCE)}")
        return
    empty = con.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {TABLE})").fetchone()[0]
    if empty:  # a first import: every post is new, no join needed
        con.execute(f"INSERT INTO {TABLE} ({names}) {latest_of(SOURCE)}")
        return
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {_TOUCHED} AS "
        f"SELECT DISTINCT {group} FROM ({keys_select}) AS k",
        list(params or []),
    )
    try:
        match = " AND ".join(f"t.{k} = {TABLE}.{k}" for k in KEYS)
        con.execute(f"DELETE FROM {TABLE} WHERE EXISTS (SELECT 1 FROM {_TOUCHED} t WHERE {match})")
        on = " AND ".join(f"t.{k} = s.{k}" for k in KEYS)
        touched = f"(SELECT s.rowid AS rowid, s.* FROM {SOURCE} s SEMI JOIN {_TOUCHED} t ON {on})"
        con.execute(f"INSERT INTO {TABLE} ({names}) {latest_of(touched)}")
    finally:
        con.execute(f"DROP TABLE IF EXISTS {_TOUCHED}")


def _columns(con: Any) -> list[str]:
    """The columns the two tables share, in ``post_metrics_latest``'s order."""
    rows = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = current_schema() "
        f"AND table_name IN ('{TABLE}', '{SOURCE}') ORDER BY ordinal_position"
    ).fetchall()
    source = {c for t, c in rows if t == SOURCE}
    return [c for t, c in rows if t == TABLE and c in source]
