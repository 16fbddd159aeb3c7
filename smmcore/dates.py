"""Plausible stored times, and finding (or removing) the rows whose time is not.

A post, a metric snapshot, an account snapshot or an interaction of the kind this tool reads
cannot be older than :data:`EARLIEST` nor later than the present plus :data:`FUTURE_SLACK`.
Importers reject such rows; a store written before they did may still hold some (a
``9999-12-31`` from a spreadsheet's "no date"). Everything that reads the store treats such
a time as unknown (:func:`plausible_sql`), so no report or segmenter fails on it, and
``smm store dates`` lists them and removes them with ``--delete``.

DuckDB holds timestamps far outside Python's ``datetime`` range (years 0 or 10000 come back as
strings), so the filter runs in SQL, before any value reaches Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

EARLIEST = datetime(2004, 1, 1, tzinfo=UTC)
"""No social network this tool reads has data from before 2004."""
FUTURE_SLACK = timedelta(days=1)
"""A time up to this much after the present is accepted (clocks and time zones differ)."""

DATED_COLUMNS: dict[str, str] = {
    "posts": "created_at",
    "post_metrics": "captured_at",
    "account_snapshots": "captured_at",
    "interactions": "occurred_at",
}
"""The time column of each store table whose rows reports place in time."""

KEYS: dict[str, tuple[str, ...]] = {
    "posts": ("network", "account", "post_id"),
    "post_metrics": ("network", "account", "post_id", "captured_at"),
    "account_snapshots": ("network", "account", "captured_at"),
    "interactions": ("network", "account", "interaction_id"),
}


def plausible_sql(column: str) -> str:
    """A SQL condition true when ``column`` holds a plausible time, false otherwise (NULL
    included: the condition itself is never NULL)."""
    return (
        f"({column} IS NOT NULL AND {column} >= TIMESTAMPTZ '{EARLIEST.isoformat()}' "
        f"AND {column} < now() + INTERVAL {FUTURE_SLACK.days} DAY)"
    )


def implausible_sql(column: str) -> str:
    """A SQL condition true when ``column`` holds a time that is not plausible."""
    return f"({column} IS NOT NULL AND NOT {plausible_sql(column)})"


@dataclass
class ImplausibleRows:
    """Rows whose time is not plausible: count per table and a few examples."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Rows over all tables."""
        return sum(self.counts.values())


def find_implausible(con: Any, examples: int = 5) -> ImplausibleRows:
    """Count the rows of each table of :data:`DATED_COLUMNS` whose time is not plausible,
    with up to ``examples`` of them per table (key columns and the time, as text)."""
    found = ImplausibleRows()
    for table, column in DATED_COLUMNS.items():
        where = implausible_sql(column)
        row = con.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()
        count = int(row[0]) if row else 0
        if not count:
            continue
        found.counts[table] = count
        if examples <= 0:
            continue
        keys = [k for k in KEYS[table] if k != column]
        picked = ", ".join(f"CAST({c} AS VARCHAR)" for c in [*keys, column])
        rows = con.execute(
            f"SELECT {picked} FROM {table} WHERE {where} ORDER BY ALL LIMIT {int(examples)}"
        ).fetchall()
        found.examples[table] = [dict(zip([*keys, column], r, strict=True)) for r in rows]
    return found


def delete_implausible(con: Any) -> dict[str, int]:
    """Delete the rows whose time is not plausible (a post's metric snapshots go with it),
    in one transaction; the rows deleted per table."""
    of_bad_post = (
        "EXISTS (SELECT 1 FROM posts p WHERE p.network = post_metrics.network "
        "AND p.account = post_metrics.account AND p.post_id = post_metrics.post_id "
        f"AND {implausible_sql('p.created_at')})"
    )
    conditions = {
        "post_metrics": f"({implausible_sql('captured_at')} OR {of_bad_post})",
        **{t: implausible_sql(c) for t, c in DATED_COLUMNS.items() if t != "post_metrics"},
    }
    from smmcore.store.latest import refresh_latest

    deleted: dict[str, int] = {}
    touched = "_smm_dates_deleted_posts"
    con.execute("BEGIN TRANSACTION")
    try:
        for table, where in conditions.items():
            row = con.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()
            if row and row[0]:
                if table == "post_metrics":  # their posts' latest snapshot changes
                    con.execute(
                        f"CREATE OR REPLACE TEMP TABLE {touched} AS SELECT DISTINCT network, "
                        f"account, post_id FROM post_metrics WHERE {where}"
                    )
                con.execute(f"DELETE FROM {table} WHERE {where}")
                deleted[table] = int(row[0])
        if "post_metrics" in deleted:
            refresh_latest(con, f"SELECT * FROM {touched}")
            con.execute(f"DROP TABLE {touched}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return deleted
