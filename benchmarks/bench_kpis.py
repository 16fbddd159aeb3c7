"""Time every built-in KPI over a synthetic store of 1M posts (50 accounts, 12 months).

    uv run python benchmarks/bench_kpis.py [--posts N] [--runs 5] [--keep PATH]

The store is created by smmcore.store.Store (the real schema) and filled straight in SQL: 1.5
metric snapshots per post, daily follower snapshots, one interaction per post (then the
store's latest-snapshot table is rebuilt, as its writes keep it). Round after round, in this
process, each on a fresh read-only connection: every built-in KPI of smm-kpis (30 days vs the
30 before, every scope), then the raw SQL of ``bench_report.py`` that computes the same
numbers. Prints each KPI's median, both medians with their spread, and last the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
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
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the store at this path")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_report import raw_sql, spread

    from smmcore.store import Store

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.duckdb"
        if not path.exists():
            clock = time.perf_counter()
            build(path, args.posts)
            print(f"built {args.posts} posts in {time.perf_counter() - clock:.1f} s")
        Store.open(path).close()  # an older kept store: its schema brought up to date
        refs = channels()
        period = Period(date(2026, 10, 27), date(2026, 11, 25))
        per_kpi: dict[str, list[float]] = {name: [] for name in BUILTIN_KPIS}
        totals: list[float] = []
        raws: list[float] = []
        for _ in range(args.runs):
            con = duckdb.connect(str(path), read_only=True)
            con.execute("SET TimeZone = 'UTC'")
            con.execute(
                "CREATE TEMP TABLE workspace_channels (network VARCHAR, account VARCHAR, "
                "owner VARCHAR, is_client BOOLEAN, label VARCHAR)"
            )
            con.executemany(
                "INSERT INTO workspace_channels VALUES (?, ?, ?, ?, NULL)",
                [(r.network, r.account, r.owner, r.is_client) for r in refs],
            )
            ctx = KPIContext(
                con=con,
                period=period,
                previous=period.previous(),
                timezone="Europe/Rome",
                channels=refs,
            )
            total = 0.0
            for name, kpi in BUILTIN_KPIS.items():
                clock = time.perf_counter()
                kpi.compute(ctx)
                spent = time.perf_counter() - clock
                per_kpi[name].append(spent)
                total += spent
            totals.append(total)
            con.close()
            clock = time.perf_counter()
            raw_sql(path, [(r.network, r.account, r.owner, r.is_client) for r in refs], period.end)
            raws.append(time.perf_counter() - clock)
    for name, values in per_kpi.items():
        print(f"  {name:28s} {statistics.median(values) * 1000:7.1f} ms")
    print(f"all built-in KPIs (one connection): {spread(totals)}")
    print(f"raw SQL of the same numbers:        {spread(raws)}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (a shared machine: noisy)")
    ratio = statistics.median(totals) / statistics.median(raws)
    print(f"ratio KPIs / raw SQL: {ratio:.2f}")


if __name__ == "__main__":
    main()
