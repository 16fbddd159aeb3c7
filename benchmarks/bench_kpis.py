"""Time every built-in KPI over a synthetic store of 1M posts (50 accounts, 12 months).

    uv run python benchmarks/bench_kpis.py [--posts N] [--keep PATH]

The store is created by smmcore.store.Store (the real schema) and filled straight in SQL: 1.5
metric snapshots per post, daily follower snapshots, one interaction per post. The last line
prints the total against the 2 s budget of a whole report.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
from smm_kpis.builtin import BUILTIN_KPIS

from smmcore.contracts import ChannelRef, KPIContext, Period

YEAR_S = 365 * 86400


def build(path: Path, n: int) -> None:
    from smmcore.store import Store

    store = Store.open(path)  # the real schema, with its version table
    con = store.con
    start = "TIMESTAMPTZ '2025-11-26 00:00:00+00'"
    con.execute(
        f"""INSERT INTO posts SELECT CASE WHEN i % 50 < 25 THEN 'instagram' ELSE 'mastodon' END,
        'acct' || (i % 50), 'p' || i, {start} + to_seconds((i * {YEAR_S} // {n})::BIGINT),
        CASE WHEN i % 20 = 0 THEN 'repost' ELSE 'post' END, 'text ' || i, 'https://x/' || i, 'it'
        FROM range({n}) t(i)"""
    )
    for days, share in ((1, 1), (7, 2)):
        con.execute(
            f"""INSERT INTO post_metrics SELECT network, account, post_id,
            created_at + INTERVAL {days} DAY, h % 100 + {days}, h % 13, h % 7, h % 3,
            CASE WHEN network = 'instagram' THEN h % 5000 END, NULL, NULL, NULL, NULL
            FROM (SELECT *, hash(post_id) % 100000 AS h FROM posts) WHERE h % {share} = 0"""
        )
    con.execute(
        f"""INSERT INTO account_snapshots SELECT network, account,
        {start} + to_days(d::INT) + INTERVAL 23 HOUR, 1000 + d * 3, 100, NULL
        FROM (SELECT DISTINCT network, account FROM posts), range(365) t(d)"""
    )
    con.execute(
        f"""INSERT INTO interactions SELECT
        CASE WHEN i % 50 < 25 THEN 'instagram' ELSE 'mastodon' END, 'acct' || (i % 50),
        'i' || i, 'm' || (hash(i) % 20000), 'like', NULL,
        {start} + to_seconds((i * {YEAR_S} // {n})::BIGINT) FROM range({n}) t(i)"""
    )
    store.close()


def channels() -> list[ChannelRef]:
    refs = []
    for i in range(50):
        network = "instagram" if i < 25 else "mastodon"
        owner = "Client" if i in (0, 1, 25) else f"Competitor {i % 4}"
        refs.append(ChannelRef(network, f"acct{i}", owner, owner == "Client"))
    return refs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the store at this path")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.duckdb"
        if not path.exists():
            clock = time.perf_counter()
            build(path, args.posts)
            print(f"built {args.posts} posts in {time.perf_counter() - clock:.1f} s")
        con = duckdb.connect(str(path), read_only=True)
        refs = channels()
        con.execute(
            "CREATE TEMP TABLE workspace_channels (network VARCHAR, account VARCHAR, "
            "owner VARCHAR, is_client BOOLEAN, label VARCHAR)"
        )
        con.executemany(
            "INSERT INTO workspace_channels VALUES (?, ?, ?, ?, NULL)",
            [(r.network, r.account, r.owner, r.is_client) for r in refs],
        )
        period = Period(date(2026, 10, 27), date(2026, 11, 25))
        ctx = KPIContext(
            con=con,
            period=period,
            previous=period.previous(),
            timezone="Europe/Rome",
            channels=refs,
        )
        total = 0.0
        for name, kpi in BUILTIN_KPIS.items():
            clock, cpu = time.perf_counter(), time.process_time()
            values = kpi.compute(ctx)
            spent = time.perf_counter() - clock
            cpu = time.process_time() - cpu
            total += spent
            print(
                f"{name:28s} {spent * 1000:7.1f} ms (cpu {cpu * 1000:7.1f} ms) {len(values)} values"
            )
        con.close()
    print(f"all KPIs: {total:.3f} s; ratio to the 2 s report budget: {total / 2.0:.2f}")


if __name__ == "__main__":
    main()
