"""What the writer knows about each record table: its natural key and its column defaults.

The columns and their types come from the schema (:mod:`smmcore.store.migrations`); this module
adds what the schema cannot say: which columns form the natural key of an upsert and the SQL
that fills a column a batch did not provide.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableSpec:
    """A record table the writer upserts into.

    :param keys: the natural key (the table's primary key); re-writing a row with the same key
        updates it instead of adding a second one.
    :param defaults: column -> SQL expression used when a batch does not provide the column (or
        provides NULL). Columns without a default are NULL when missing.
    :param keep_known: when a row is written again, a NULL (unknown) value keeps the value
        already stored: a source that does not know an account's bio, or a post's views at a
        capture time another source measured, does not erase it; a known value replaces it.
        Rows of one key written together merge the same way, in the order they came.
    :param update: column -> SQL of its new value on conflict, with ``{old}`` and ``{new}``
        (``first_seen`` keeps the earliest date).
    """

    name: str
    keys: tuple[str, ...]
    defaults: dict[str, str] = field(default_factory=dict)
    keep_known: bool = False
    update: dict[str, str] = field(default_factory=dict)


_NOW = "CURRENT_TIMESTAMP"

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("accounts", ("network", "account"), {"updated_at": _NOW}, keep_known=True),
        TableSpec("account_snapshots", ("network", "account", "captured_at"), keep_known=True),
        TableSpec("posts", ("network", "account", "post_id"), {"kind": "'post'"}, keep_known=True),
        TableSpec(
            "post_metrics", ("network", "account", "post_id", "captured_at"), keep_known=True
        ),
        TableSpec(
            "post_metrics_extra",
            ("network", "account", "post_id", "captured_at", "metric"),
            keep_known=True,
        ),
        TableSpec(
            "audience_members",
            ("network", "account", "member"),
            {"updated_at": _NOW},
            keep_known=True,
            update={"first_seen": "LEAST({old}, {new})"},
        ),
        TableSpec(
            "interactions",
            ("network", "account", "interaction_id"),
            {
                # the same default as smmcore.models.Interaction: "<kind>:<post_id>:<member>"
                "interaction_id": "kind || ':' || COALESCE(post_id, '') || ':' || member",
            },
            keep_known=True,
        ),
        TableSpec(
            "daily_metrics",
            ("network", "account", "day", "metric", "post_id"),
            {"post_id": "''"},
            keep_known=True,
        ),
        TableSpec(
            "keyword_signals",
            ("tool", "term", "metric", "geo", "language", "timeframe", "item", "period_start"),
            {
                "geo": "''",
                "language": "''",
                "timeframe": "''",
                "item": "''",
                "period_start": "DATE '1970-01-01'",
            },
        ),
    )
}
"""Every table :meth:`smmcore.store.Store.write` accepts, in the order a unit merges them."""
