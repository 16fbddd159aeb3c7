"""Audience segmentation at scale: 100k members, 500k interactions, all of them in the period.

Builds a synthetic store (members in 20 communities, each engaging mostly with its own
community's posts, over a year), then:

1. in a fresh process, every segmenter of smm-segments on a period holding every interaction
   (not a 90-day slice): time and peak memory (target: at most 1.5 GiB);
2. per segmenter, in this process, round after round, the segmenter and a bare computation of
   the same result with the library a user would otherwise use, back to back (so the shared
   machine's load hits both): DuckDB SQL for rules, tiers, RFM and renewal (the same member
   rows with their scores); DuckDB for the edges plus networkx for communities (Louvain) and
   influencers (core numbers, the top 25 by the same score). Medians and spread; the worst
   ratio last (target: every segmenter at most 1.3x).

    uv run python benchmarks/bench_audience.py [--members 100000] [--interactions 500000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

PERIOD = (date(2025, 10, 1), date(2026, 11, 30))
"""Holds every generated interaction (a year of posts ending 2026-10-31, plus delays)."""
KINDS = ["like"] * 70 + ["reply"] * 12 + ["repost"] * 10 + ["quote"] * 3 + ["save"] * 5


def build_store(path: Path, members: int, interactions: int, seed: int = 7) -> None:
    import numpy as np

    from smmcore.contracts import RecordBatch
    from smmcore.store import Store

    rng = np.random.default_rng(seed)
    n_posts, n_comm = 5000, 20
    end = datetime(2026, 10, 31, 12, tzinfo=UTC)
    post_ids = [f"p{i}" for i in range(n_posts)]
    post_times = [end - timedelta(hours=int(h)) for h in rng.integers(0, 24 * 365, n_posts)]
    member_names = [f"user{i}" for i in range(members)]
    community = rng.integers(0, n_comm, members)
    post_comm = np.arange(n_posts) % n_comm
    posts_of = [np.flatnonzero(post_comm == c) for c in range(n_comm)]
    who = rng.integers(0, members, interactions)
    own = rng.random(interactions) < 0.85
    which = np.empty(interactions, dtype=np.int64)
    for c in range(n_comm):
        mask = own & (community[who] == c)
        which[mask] = rng.choice(posts_of[c], mask.sum())
    which[~own] = rng.integers(0, n_posts, (~own).sum())
    kinds = np.array(KINDS)[rng.integers(0, len(KINDS), interactions)]
    delays = rng.integers(0, 72 * 3600, interactions)
    occurred = [
        post_times[p] + timedelta(seconds=int(d)) for p, d in zip(which, delays, strict=True)
    ]
    followers = np.where(rng.random(members) < 0.1, -1, rng.pareto(1.2, members) * 200).astype(int)
    with Store.open(path) as store:
        store.write(
            [
                RecordBatch(
                    "posts",
                    {
                        "network": ["mastodon"] * n_posts,
                        "account": ["forno"] * n_posts,
                        "post_id": post_ids,
                        "created_at": post_times,
                        "kind": ["post"] * n_posts,
                        "text": [f"post {i} #tema{post_comm[i]}" for i in range(n_posts)],
                    },
                ),
                RecordBatch(
                    "audience_members",
                    {
                        "network": ["mastodon"] * members,
                        "account": ["forno"] * members,
                        "member": member_names,
                        "bio": [f"amo il tema{c} e la cucina" for c in community],
                        "language": ["it" if c % 3 else "en" for c in community],
                        "location": ["Bologna" if c % 2 else "Milano" for c in community],
                        "followers": [None if f < 0 else int(f) for f in followers],
                    },
                ),
                RecordBatch(
                    "interactions",
                    {
                        "network": ["mastodon"] * interactions,
                        "account": ["forno"] * interactions,
                        "interaction_id": [f"i{i}" for i in range(interactions)],
                        "member": [member_names[w] for w in who],
                        "kind": kinds.tolist(),
                        "post_id": [post_ids[p] for p in which],
                        "occurred_at": occurred,
                    },
                ),
            ]
        )


RUN_ALL = """
import json, resource, sys, time
from datetime import date
from smmcore.contracts import AudienceContext, ChannelRef, Period
from smmcore.store import Store
from smmcore.registry import resolve_reference
from smm_segments.plugin import _SEGMENTERS

store = Store.open(sys.argv[1], read_only=True)
channels = [ChannelRef("mastodon", "forno", "Forno Rossi", True)]
store.set_channels(channels)
ctx = AudienceContext(con=store.con, period=Period(date.fromisoformat(sys.argv[2]),
                      date.fromisoformat(sys.argv[3])), timezone="Europe/Rome",
                      channels=channels,
                      rules={"bolognesi": {"location": "bologna", "language": "it"}})
timings = {}
for name, _desc, impl, _settings in _SEGMENTERS:
    start = time.perf_counter()
    segments = resolve_reference(impl)(name=name).segment(ctx)
    timings[name] = (time.perf_counter() - start, sum(s.size for s in segments))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"timings": timings, "peak": peak}))
"""

RULE = {"location": "bologna", "language": "it"}

MEMBERS = """
    SELECT am.network, am.member, max(am.location) AS location, max(am.language) AS language,
           max(am.followers) AS followers
    FROM audience_members am GROUP BY ALL
"""


def bare_rules(con, lo, hi):
    return con.execute(
        f"SELECT network, member, followers FROM ({MEMBERS}) m "
        "WHERE lower(location) LIKE '%bologna%' AND lower(language) = 'it' "
        "ORDER BY followers DESC NULLS LAST, network, member"
    ).fetchall()


def bare_tiers(con, lo, hi):
    return con.execute(
        """
        WITH a AS (SELECT network, member, count(*) AS n,
                          count(*) FILTER (WHERE kind IN ('reply', 'repost', 'quote')) AS deep
                   FROM interactions WHERE occurred_at >= ? AND occurred_at < ?
                     AND kind <> 'follow' GROUP BY ALL),
        e AS (SELECT network, member FROM audience_members UNION SELECT network, member FROM a)
        SELECT e.network, e.member, coalesce(n, 0) AS n, coalesce(deep, 0) AS deep,
               CASE WHEN n >= 10 OR deep >= 3 THEN 'advocate' WHEN n >= 3 THEN 'regular'
                    WHEN n >= 1 THEN 'occasional' ELSE 'silent' END AS tier
        FROM e LEFT JOIN a USING (network, member) ORDER BY 3 DESC, 4 DESC, 1, 2
        """,
        [lo, hi],
    ).fetchall()


def bare_rfm(con, lo, hi):
    weights = (
        "CASE kind WHEN 'like' THEN 1 WHEN 'save' THEN 2 WHEN 'reply' THEN 3 "
        "WHEN 'quote' THEN 3 WHEN 'repost' THEN 4 ELSE 1 END"
    )
    return con.execute(
        f"""
        WITH a AS (SELECT network, member,
                          date_diff('second', max(occurred_at), ?::TIMESTAMPTZ) / 86400.0 AS r,
                          count(*) AS f, sum({weights}) AS v
                   FROM interactions WHERE occurred_at >= ? AND occurred_at < ?
                     AND kind <> 'follow' GROUP BY ALL)
        SELECT network, member, r, f, v,
               CAST(ceil(cume_dist() OVER (ORDER BY r DESC) * 5 - 1e-9) AS INTEGER),
               CAST(ceil(cume_dist() OVER (ORDER BY f) * 5 - 1e-9) AS INTEGER),
               CAST(ceil(cume_dist() OVER (ORDER BY v) * 5 - 1e-9) AS INTEGER)
        FROM a ORDER BY v DESC, f DESC, network, member
        """,
        [hi, lo, hi],
    ).fetchall()


def bare_renewal(con, lo, hi):
    before = lo - (hi - lo)
    return con.execute(
        """
        WITH a AS (SELECT network, member,
                          count(*) FILTER (WHERE occurred_at >= $lo) AS now,
                          count(*) FILTER (WHERE occurred_at < $lo) AS before
                   FROM interactions WHERE occurred_at >= $b AND occurred_at < $hi
                     AND kind <> 'follow' GROUP BY ALL)
        SELECT network, member, now, before,
               CASE WHEN now > 0 AND before = 0 THEN 'new'
                    WHEN now > 0 THEN 'retained' ELSE 'lapsed' END
        FROM a ORDER BY 5, now DESC, before DESC, network, member
        """,
        {"lo": lo, "hi": hi, "b": before},
    ).fetchall()


def bare_graph(con, lo, hi):
    import networkx as nx

    weights = (
        "CASE kind WHEN 'like' THEN 1 WHEN 'save' THEN 2 WHEN 'reply' THEN 3 "
        "WHEN 'quote' THEN 3 WHEN 'repost' THEN 4 ELSE 1 END"
    )
    cols = con.execute(
        f"""SELECT network, member, post_id, sum({weights}) AS w FROM interactions
            WHERE occurred_at >= ? AND occurred_at < ? AND post_id IS NOT NULL
              AND kind <> 'follow' GROUP BY ALL""",
        [lo, hi],
    ).fetchnumpy()
    graph = nx.Graph()
    graph.add_weighted_edges_from(
        (("m", n, m), ("p", n, p), w)
        for n, m, p, w in zip(
            cols["network"], cols["member"], cols["post_id"], cols["w"], strict=True
        )
    )
    return graph


def bare_communities(con, lo, hi):
    import networkx as nx

    graph = bare_graph(con, lo, hi)
    return nx.community.louvain_communities(graph, weight="weight", resolution=1.0, seed=42)


def bare_influencers(con, lo, hi):
    import math

    import networkx as nx

    graph = bare_graph(con, lo, hi)
    cores = nx.core_number(graph)
    followers = dict(
        ((n, m), f)
        for n, m, f in con.execute(
            "SELECT network, member, max(followers) FROM audience_members GROUP BY ALL"
        ).fetchall()
    )
    members = [n for n in graph if n[0] == "m"]
    eng = {n: graph.degree(n, weight="weight") for n in members}
    top_log = max((math.log1p(f) for f in followers.values() if f), default=1.0)
    top_eng, top_core = max(eng.values()), max(cores[n] for n in members)
    scores = []
    for key in set(followers) | {(n[1], n[2]) for n in members}:
        node = ("m", *key)
        f = followers.get(key)
        reach = math.log1p(f) / top_log if f else 0.0
        score = 0.35 * reach + 0.35 * eng.get(node, 0) / top_eng
        score += 0.30 * cores.get(node, 0) / top_core
        scores.append((score, key))
    scores.sort(key=lambda s: (-s[0], s[1]))
    return scores[:25]


BARE = {
    "rules": ("DuckDB SQL", bare_rules),
    "tiers": ("DuckDB SQL", bare_tiers),
    "rfm": ("DuckDB SQL", bare_rfm),
    "renewal": ("DuckDB SQL", bare_renewal),
    "communities": ("DuckDB + networkx Louvain", bare_communities),
    "influencers": ("DuckDB + networkx core_number", bare_influencers),
}


def compare(path: Path, rounds: int) -> dict[str, tuple[list[float], list[float]]]:
    """Per segmenter: (product times, bare times), alternating, each with a fresh context."""
    from smm_segments.data import day_start
    from smm_segments.plugin import _SEGMENTERS

    from smmcore.contracts import AudienceContext, ChannelRef, Period
    from smmcore.registry import resolve_reference
    from smmcore.store import Store

    store = Store.open(path, read_only=True)
    channels = [ChannelRef("mastodon", "forno", "Forno Rossi", True)]
    store.set_channels(channels)
    period = Period(*PERIOD)
    lo = day_start(period.start, "Europe/Rome")
    hi = day_start(period.end + timedelta(days=1), "Europe/Rome")
    found: dict[str, tuple[list[float], list[float]]] = {}
    for name, _desc, impl, _settings in _SEGMENTERS:
        if name not in BARE:
            continue
        product, bare = [], []
        for _ in range(rounds):
            ctx = AudienceContext(
                con=store.con, period=period, timezone="Europe/Rome", channels=channels,
                rules={"bolognesi": RULE},
            )  # fmt: skip
            start = time.perf_counter()
            resolve_reference(impl)(name=name).segment(ctx)
            product.append(time.perf_counter() - start)
            start = time.perf_counter()
            BARE[name][1](store.con, lo, hi)
            bare.append(time.perf_counter() - start)
        found[name] = (product, bare)
    store.close()
    return found


def main() -> None:
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=500_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.duckdb"
        start = time.perf_counter()
        build_store(path, args.members, args.interactions)
        print(
            f"built a store of {args.members:,} members and {args.interactions:,} "
            f"interactions in {time.perf_counter() - start:.1f} s; period {PERIOD[0]}.."
            f"{PERIOD[1]} (every interaction)"
        )
        done = subprocess.run(
            [sys.executable, "-c", RUN_ALL, str(path), *(d.isoformat() for d in PERIOD)],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])  # the last line: JSON
        total = 0.0
        for name, (seconds, members) in result["timings"].items():
            total += seconds
            print(f"  {name:<12} {seconds:7.2f} s  {members:>9,} members in its segments")
        peak_gib = result["peak"] / 2**30
        verdict = "ok" if peak_gib <= 1.5 else "MISSED"
        print(
            f"all segmenters, one process: {total:.1f} s, peak memory {peak_gib:.2f} GiB "
            f"(target <= 1.5 GiB: {verdict})"
        )
        print(f"segmenter vs bare library, {args.rounds} alternating rounds (median, spread):")
        ratios = {}
        for name, (product, bare) in compare(path, args.rounds).items():
            p, b = statistics.median(product), statistics.median(bare)
            ratios[name] = p / b
            print(
                f"  {name:<12} {p:6.2f} s ({min(product):.2f}-{max(product):.2f})  "
                f"{BARE[name][0]:<30} {b:6.2f} s ({min(bare):.2f}-{max(bare):.2f})  "
                f"ratio {p / b:5.2f}"
            )
        print(f"load average at the end: {os.getloadavg()[0]:.1f} (a shared machine: noisy)")
        worst = max(ratios, key=ratios.get)
        verdict = "ok" if ratios[worst] <= 1.3 else "MISSED"
        print(f"worst ratio segmenter / bare library ({worst}; target <= 1.3): "
              f"{ratios[worst]:.2f} {verdict}")  # fmt: skip


if __name__ == "__main__":
    main()
