"""Audience segmentation at scale: 100k members, 500k interactions, all of them in the period.

Builds a synthetic store (members in 20 communities, each engaging mostly with its own
community's posts, over a year), then:

1. in a fresh process, every segmenter of smm-segments on a period holding every interaction
   (not a 90-day slice), as ``smm audience segments`` runs them: time and peak memory (target:
   at most 1.5 GiB), then the time and peak of reading every member of every segment (what an
   export does; segments build their members when read);
2. per segmenter, in this process, round after round (which one goes first alternates), the
   segmenter and a bare computation of the same result with the library a user would
   otherwise use, after checking both give the same result: DuckDB SQL for rules, tiers, RFM
   and renewal (the same members, order and scores); DuckDB for the edges plus igraph for
   communities (seeded Louvain, members by strength) and influencers (core numbers, the top
   25 by the same score). Medians and min-max; a ratio for every segmenter, printed last
   (target: each at most 1.3x).

    uv run python benchmarks/bench_audience.py [--members 100000] [--interactions 500000]
        [--rounds 5]

About two minutes on the shared 2-core machine at load 10-16 (most of it igraph's Louvain,
run twice per round).
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

import numpy as np

PERIOD = (date(2025, 10, 1), date(2026, 11, 30))
"""Holds every generated interaction (a year of posts ending 2026-10-31, plus delays)."""
KINDS = ["like"] * 70 + ["reply"] * 12 + ["repost"] * 10 + ["quote"] * 3 + ["save"] * 5


def build_store(path: Path, members: int, interactions: int, seed: int = 7) -> None:
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
timings, found = {}, []
for name, _desc, impl, _settings in _SEGMENTERS:
    start = time.perf_counter()
    segments = resolve_reference(impl)(name=name).segment(ctx)
    timings[name] = (time.perf_counter() - start, sum(s.size for s in segments))
    found.extend(segments)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
start = time.perf_counter()
read = sum(len(s.model_dump(mode="json")["members"]) for s in found)  # what an export reads
print(json.dumps({"timings": timings, "peak": peak, "read": read,
                  "read_seconds": time.perf_counter() - start,
                  "peak_read": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""

RULE = {"location": "bologna", "language": "it"}
WEIGHTS = (
    "CASE kind WHEN 'like' THEN 1.0 WHEN 'save' THEN 2.0 WHEN 'reply' THEN 3.0 "
    "WHEN 'quote' THEN 3.0 WHEN 'repost' THEN 4.0 ELSE 1.0 END"
)


# The bare computations: what a user with DuckDB and igraph would write for the same
# result, knowing the data (one client account, every interaction with a time of its own),
# fetching columns as the segmenters do. Each returns what is compared with the segmenter's
# output (see SAME) before any timing counts.


def bare_rules(con, b):
    return con.execute(
        """
        SELECT network, member, max(followers) AS followers FROM audience_members
        GROUP BY ALL HAVING lower(max(location)) LIKE '%bologna%' AND lower(max(language)) = 'it'
        ORDER BY followers DESC NULLS LAST, network, member
        """
    ).fetchnumpy()


def bare_tiers(con, b):
    return con.execute(
        """
        WITH a AS (SELECT network, member, count(*) AS n,
                          count(*) FILTER (WHERE kind IN ('reply', 'repost', 'quote')) AS deep
                   FROM interactions WHERE occurred_at >= $lo AND occurred_at < $hi
                     AND kind <> 'follow' GROUP BY ALL),
        e AS (SELECT network, member FROM audience_members UNION SELECT network, member FROM a),
        t AS (SELECT e.network, e.member, coalesce(n, 0) AS n, coalesce(deep, 0) AS deep
              FROM e LEFT JOIN a USING (network, member))
        SELECT *, CASE WHEN n >= 10 OR deep >= 3 THEN 0 WHEN n >= 3 THEN 1 WHEN n >= 1 THEN 2
                       ELSE 3 END AS tier
        FROM t ORDER BY tier, n DESC, deep DESC, network, member
        """,
        {"lo": b["lo"], "hi": b["hi"]},
    ).fetchnumpy()


def bare_rfm(con, b):
    return con.execute(
        f"""
        WITH a AS (SELECT network, member,
                          date_diff('second', max(occurred_at), $hi) / 86400.0 AS r_days,
                          count(*) AS freq, sum({WEIGHTS}) AS val
                   FROM interactions WHERE occurred_at >= $lo AND occurred_at < $hi
                     AND kind <> 'follow' GROUP BY ALL),
        s AS (SELECT *,
                     CAST(ceil(cume_dist() OVER (ORDER BY r_days DESC) * 5 - 1e-9) AS INT) AS r,
                     CAST(ceil(cume_dist() OVER (ORDER BY freq) * 5 - 1e-9) AS INT) AS f,
                     CAST(ceil(cume_dist() OVER (ORDER BY val) * 5 - 1e-9) AS INT) AS v
              FROM a)
        SELECT *, CASE WHEN r >= 4 AND f >= 4 AND v >= 4 THEN 0 WHEN f >= 4 THEN 1
                       WHEN r >= 4 AND f <= 2 THEN 2 WHEN r <= 2 AND f >= 3 THEN 3
                       WHEN r <= 2 THEN 4 ELSE 5 END AS segment
        FROM s ORDER BY segment, val DESC, freq DESC, network, member
        """,
        {"lo": b["rfm_lo"], "hi": b["hi"]},
    ).fetchnumpy()


def bare_renewal(con, b):
    return con.execute(
        """
        WITH a AS (SELECT network, member,
                          count(*) FILTER (WHERE occurred_at >= $lo) AS now,
                          count(*) FILTER (WHERE occurred_at >= $plo AND occurred_at < $lo)
                              AS before,
                          bool_or(occurred_at < $lo) AS seen
                   FROM interactions WHERE occurred_at < $hi AND kind <> 'follow'
                   GROUP BY ALL HAVING now > 0 OR before > 0)
        SELECT *, CASE WHEN now > 0 AND before = 0 THEN 0 WHEN now > 0 THEN 1 ELSE 2 END AS g
        FROM a ORDER BY g, CASE WHEN g = 2 THEN before ELSE now END DESC, network, member
        """,
        {"lo": b["lo"], "hi": b["hi"], "plo": b["prev_lo"]},
    ).fetchnumpy()


def bare_graph(con, b):
    """Edges with vertices numbered in DuckDB (members, then posts, each in name order) and
    sorted, so the graph and a seeded Louvain are repeatable; then an igraph.Graph."""
    import igraph as ig

    cols = con.execute(
        f"""
        WITH e AS MATERIALIZED (
            SELECT network, member, post_id, sum({WEIGHTS}) AS w FROM interactions
            WHERE occurred_at >= $lo AND occurred_at < $hi AND post_id IS NOT NULL
              AND kind <> 'follow' GROUP BY ALL HAVING w > 0),
        m AS (SELECT network, member, row_number() OVER (ORDER BY network, member) - 1 AS i
              FROM (SELECT DISTINCT network, member FROM e)),
        p AS (SELECT network, post_id, row_number() OVER (ORDER BY network, post_id) - 1 AS i
              FROM (SELECT DISTINCT network, post_id FROM e))
        SELECT m.i AS mi, p.i AS pi, e.w, NULL AS network, NULL AS member
        FROM e JOIN m USING (network, member) JOIN p USING (network, post_id)
        UNION ALL
        SELECT i, -1, NULL, network, member FROM m
        """,
        {"lo": b["lo"], "hi": b["hi"]},
    ).fetchnumpy()
    mi, pi, w = (np.asarray(cols[c]) for c in ("mi", "pi", "w"))  # plain, not masked
    is_member = pi == -1  # the member rows; the others are edges
    rows = np.flatnonzero(is_member)
    rows = rows[np.argsort(mi[rows])]
    members = {c: np.asarray(cols[c])[rows] for c in ("network", "member")}
    n = len(rows)
    edges = np.flatnonzero(~is_member)
    edges = edges[np.lexsort((pi[edges], mi[edges]))]  # sorted: repeatable
    source, target, weight = mi[edges], pi[edges] + n, w[edges]
    graph = ig.Graph(
        n=int(target.max()) + 1,
        edges=list(zip(source.tolist(), target.tolist(), strict=True)),
        edge_attrs={"weight": weight.tolist()},
    )
    strength = np.bincount(source, weights=weight, minlength=n)
    return graph, members, strength


def bare_communities(con, b):
    import random

    import igraph as ig

    graph, members, strength = bare_graph(con, b)
    ig.set_random_number_generator(random.Random(42))
    membership = np.asarray(graph.community_multilevel(weights="weight").membership)
    ig.set_random_number_generator(random)
    n = len(members["member"])
    of_member = membership[:n]
    sizes = np.bincount(of_member)
    found = []
    for c in np.flatnonzero(sizes >= 3):
        idx = np.flatnonzero(of_member == c)
        found.append(idx[np.lexsort((idx, -strength[idx]))])
    found.sort(key=lambda idx: (-len(idx), idx.min()))
    return [members["member"][idx].tolist() for idx in found[:12]]


def bare_influencers(con, b):
    graph, members, strength = bare_graph(con, b)
    n = len(members["member"])
    core = np.asarray(graph.coreness()[:n])
    audience = con.execute(
        "SELECT network, member, max(followers) AS f FROM audience_members GROUP BY ALL"
    ).fetchnumpy()
    keys = zip(members["network"].tolist(), members["member"].tolist(), strict=True)
    at = {k: i for i, k in enumerate(keys)}
    keys = zip(audience["network"].tolist(), audience["member"].tolist(), strict=True)
    pos = np.array([at.get(k, -1) for k in keys])
    # (every member of the graph is in the audience here)
    f = np.ma.asarray(audience["f"], dtype=float).filled(0.0)
    logs = np.log1p(f)
    eng = np.append(strength, 0.0)[pos] / strength.max()
    kc = np.append(core, 0)[pos] / core.max()
    score = (0.35 * logs / logs.max() + 0.35 * eng + 0.30 * kc) / 1.0
    top = np.argsort(-score, kind="stable")[:200]
    top = sorted(top.tolist(), key=lambda i: (-score[i], audience["member"][i]))[:25]
    return [(audience["member"][i], round(float(score[i]), 4)) for i in top]


def same_rules(segments, bare):
    members = segments[0].members
    return [(m.member, m.scores["followers"]) for m in members] == [
        (m, None if f is None else float(f))
        for m, f in zip(bare["member"], np.ma.asarray(bare["followers"]).tolist(), strict=True)
    ]


def same_rows(segments, bare, code, *columns):
    mine = [(m.member, *m.scores.values()) for s in segments for m in s.members]
    theirs = [tuple(r) for r in zip(bare["member"].tolist(),
                                    *(bare[c].tolist() for c in columns), strict=True)]  # fmt: skip
    sizes = [s.size for s in segments]
    return [(t[0], *(float(x) for x in t[1:])) for t in theirs] == [
        (m[0], *(float(x) for x in m[1 : 1 + len(columns)])) for m in mine
    ] and sizes == np.bincount(bare[code], minlength=len(segments)).tolist()


SAME = {
    "rules": same_rules,
    "tiers": lambda s, b: same_rows(s, b, "tier", "n", "deep"),
    "rfm": lambda s, b: same_rows(s, b, "segment", "r", "f", "v"),
    "renewal": lambda s, b: same_rows(s, b, "g", "now", "before"),
    "communities": lambda s, b: [[m.member for m in x.members] for x in s] == b,
    "influencers": lambda s, b: [(m.member, m.scores["score"]) for m in s[0].members] == b,
}

BARE = {
    "rules": ("DuckDB SQL", bare_rules),
    "tiers": ("DuckDB SQL", bare_tiers),
    "rfm": ("DuckDB SQL", bare_rfm),
    "renewal": ("DuckDB SQL", bare_renewal),
    "communities": ("DuckDB + igraph Louvain", bare_communities),
    "influencers": ("DuckDB + igraph coreness", bare_influencers),
}


def compare(path: Path, rounds: int) -> dict[str, tuple[list[float], list[float]]]:
    """Per segmenter: (product times, bare times), alternating which goes first, each product
    run with a fresh context (so the graph segmenters build their graph every time); the
    results are checked equal first."""
    from smm_segments.data import day_start
    from smm_segments.plugin import _SEGMENTERS

    from smmcore.contracts import AudienceContext, ChannelRef, Period
    from smmcore.interactions import renewal_baseline
    from smmcore.registry import resolve_reference
    from smmcore.store import Store

    store = Store.open(path, read_only=True)
    channels = [ChannelRef("mastodon", "forno", "Forno Rossi", True)]
    store.set_channels(channels)
    period = Period(*PERIOD)
    previous = renewal_baseline(period)
    hi = day_start(period.end + timedelta(days=1), "Europe/Rome")
    b = {
        "lo": day_start(period.start, "Europe/Rome"),
        "hi": hi,
        "prev_lo": day_start(previous.start, "Europe/Rome"),
        "rfm_lo": min(day_start(period.start, "Europe/Rome"), hi - timedelta(days=365)),
    }
    found: dict[str, tuple[list[float], list[float]]] = {}
    for name, _desc, impl, _settings in _SEGMENTERS:
        segmenter = resolve_reference(impl)(name=name)

        def product(segmenter=segmenter):
            ctx = AudienceContext(
                con=store.con, period=period, timezone="Europe/Rome", channels=channels,
                rules={"bolognesi": RULE},
            )  # fmt: skip
            return segmenter.segment(ctx)

        start = time.perf_counter()
        first = product()
        took = time.perf_counter() - start
        if not SAME[name](first, BARE[name][1](store.con, b)):
            raise SystemExit(f"{name}: the segmenter and the bare computation disagree")
        times: tuple[list[float], list[float]] = ([], [])
        bare = BARE[name][1]
        # a segmenter of a tenth of a second gets more rounds (about 3 s each side, at most
        # 25): one busy moment on the shared machine moves a median of 5 by 30%
        for round_ in range(max(rounds, min(25, int(3.0 / max(took, 1e-3))))):
            pair = [(0, product), (1, lambda bare=bare: bare(store.con, b))]
            for which, run in pair if round_ % 2 == 0 else reversed(pair):
                start = time.perf_counter()
                run()
                times[which].append(time.perf_counter() - start)
        found[name] = times
    store.close()
    return found


def main() -> None:
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=500_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    began = time.perf_counter()
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
        print("every segmenter in one fresh process (one context: the graph is built once):")
        for name, (seconds, members) in result["timings"].items():
            total += seconds
            print(f"  {name:<12} {seconds:7.2f} s  {members:>9,} members in its segments")
        peak_gib = result["peak"] / 2**30
        print(
            f"  all: {total:.1f} s, peak memory {peak_gib:.2f} GiB; reading every member of "
            f"every segment ({result['read']:,}, as an export does) then took "
            f"{result['read_seconds']:.1f} s, peak {result['peak_read'] / 2**30:.2f} GiB"
        )
        print(
            f"segmenter vs bare library, {args.rounds} rounds or more (about 3 s a side, at most "
            "25) alternating which runs first (same results checked first; median, min-max, "
            "rounds):"
        )
        ratios = {}
        for name, (product, bare) in compare(path, args.rounds).items():
            p, b = statistics.median(product), statistics.median(bare)
            ratios[name] = p / b
            print(
                f"  {name:<12} {p:6.3f} s ({min(product):.2f}-{max(product):.2f})  "
                f"{BARE[name][0]:<26} {b:6.3f} s ({min(bare):.2f}-{max(bare):.2f})  "
                f"x{len(product):<3} ratio {p / b:5.2f}"
            )
    print(
        f"load average at the end: {os.getloadavg()[0]:.1f} (a shared machine: noisy); "
        f"benchmark took {time.perf_counter() - began:.0f} s"
    )
    peak_ok = "ok" if max(result["peak"], result["peak_read"]) <= 1.5 * 2**30 else "MISSED"
    print(
        f"peak memory {peak_gib:.2f} GiB, {result['peak_read'] / 2**30:.2f} GiB with every "
        f"member read (target <= 1.5 GiB): {peak_ok}"
    )
    for name, ratio in ratios.items():
        print(f"ratio {name:<12} {ratio:5.2f} {'ok' if ratio <= 1.3 else 'MISSED'} (target <= 1.3)")


if __name__ == "__main__":
    main()
