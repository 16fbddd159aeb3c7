"""Audience segmentation at scale: 100k members, 500k interactions.

Builds a synthetic store (members in 20 communities, each engaging mostly with its own
community's posts), then, in a fresh process, runs every segmenter of smm-segments and
reports time and peak memory (target: at most 2 GiB). Last, it times the communities step
(graph built from the store, Louvain, summaries) against a bare call of
``networkx.community.louvain_communities`` on the same graph, and prints that ratio last
(target: at most 1.5).

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
ctx = AudienceContext(con=store.con, period=Period(date(2026, 8, 3), date(2026, 10, 31)),
                      timezone="Europe/Rome", channels=channels,
                      rules={"bolognesi": {"location": "bologna", "language": "it"}})
timings = {}
for name, _desc, impl, _settings in _SEGMENTERS:
    start = time.perf_counter()
    segments = resolve_reference(impl)(name=name).segment(ctx)
    timings[name] = (time.perf_counter() - start, sum(s.size for s in segments))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"timings": timings, "peak": peak}))
"""


def compare_communities(path: Path, rounds: int = 3) -> tuple[float, float]:
    import networkx as nx
    from smm_segments.communities import CommunitySegmenter, CommunitySettings
    from smm_segments.data import VALUE_WEIGHTS, bounds
    from smm_segments.graph import build_graph

    from smmcore.contracts import AudienceContext, ChannelRef, Period
    from smmcore.store import Store

    store = Store.open(path, read_only=True)
    channels = [ChannelRef("mastodon", "forno", "Forno Rossi", True)]
    store.set_channels(channels)
    ctx = AudienceContext(
        con=store.con,
        period=Period(date(2026, 8, 3), date(2026, 10, 31)),
        timezone="Europe/Rome",
        channels=channels,
    )
    settings = CommunitySettings()
    graph = build_graph(store.con, *bounds(ctx), VALUE_WEIGHTS)
    steps, bares = [], []
    for _ in range(rounds):  # A/B pairs: the same load hits both
        start = time.perf_counter()
        CommunitySegmenter(settings, name="communities").segment(ctx)
        steps.append(time.perf_counter() - start)
        start = time.perf_counter()
        nx.community.louvain_communities(
            graph, weight="weight", resolution=settings.resolution, seed=settings.seed
        )
        bares.append(time.perf_counter() - start)
    step, bare = statistics.median(steps), statistics.median(bares)
    store.close()
    return step, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=500_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.duckdb"
        start = time.perf_counter()
        build_store(path, args.members, args.interactions)
        print(
            f"built a store of {args.members:,} members and {args.interactions:,} "
            f"interactions in {time.perf_counter() - start:.1f} s"
        )
        done = subprocess.run(
            [sys.executable, "-c", RUN_ALL, str(path)], check=True, capture_output=True, text=True
        )
        result = json.loads(done.stdout)
        total = 0.0
        for name, (seconds, members) in result["timings"].items():
            total += seconds
            print(f"  {name:<12} {seconds:7.2f} s  {members:>9,} members in its segments")
        peak_gib = result["peak"] / 2**30
        print(f"all segmenters: {total:.1f} s, peak memory {peak_gib:.2f} GiB (target <= 2 GiB)")
        step, bare = compare_communities(path)
        print(
            f"communities step {step:.2f} s; bare louvain_communities on the same graph "
            f"{bare:.2f} s (medians of 3)"
        )
        print(f"ratio communities step / bare library call (target <= 1.5): {step / bare:.2f}")


if __name__ == "__main__":
    main()
