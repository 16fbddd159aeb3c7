"""The workspace's history store (DuckDB): schema migrations, natural-key upserts, one
transaction per sync unit. Importing this package imports no database driver.

Tables and their natural keys (writing a row with the same key again updates it)::

    accounts            (network, account)
    account_snapshots   (network, account, captured_at)          followers over time
    posts               (network, account, post_id)              kind='repost' is not own content
    post_metrics        (network, account, post_id, captured_at) one row per snapshot
    audience_members    (network, account, member)
    interactions        (network, account, interaction_id)
    daily_metrics       (network, account, day, metric, post_id) daily totals; post_id '' = account
    keyword_signals     (tool, term, metric, geo, language, timeframe, item, period_start)
    sync_state          (unit_key)                               cursor, last success, last error

``post_metrics_latest`` (the latest snapshot of each post, the columns of ``post_metrics``)
is a table the store keeps current with every write of ``post_metrics``
(:mod:`smmcore.store.latest`). ``Store.set_channels`` fills the TEMP table ``workspace_channels``
(network, account, owner, is_client, label). Unknown counts are NULL, never 0.

Writing::

    with Store.open(path) as store:
        store.write([post, metrics, RecordBatch("posts", arrow_table)], unit_key="k", cursor={})
        with store.unit_writer("files:data", "files") as w:   # commit on exit, all or nothing
            w.add(item)
            w.set_cursor({"since": "2026-01-01"})
"""

from __future__ import annotations

from smmcore.store.db import Store, UnitWriter, open_store
from smmcore.store.migrations import MIGRATIONS, SCHEMA_VERSION

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Store", "UnitWriter", "open_store"]
