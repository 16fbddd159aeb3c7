"""Sync benchmark: the Mastodon and Bluesky sources over the shared HTTP layer, against the
local load simulator (benchmarks/simulator.py), then through the whole pipeline with the store.

Phases (the issue's numbers):

The simulator runs in its own process (``RemoteSimulator``), so it never shares the measured
client's CPU or event loop, and its rate limits are sliding windows: at most 60 answers in any
second, however the client times its requests.

1. First sync of 100 accounts x 200 posts over 4 virtual hosts, 50 ms latency, 60 requests/s
   per host (sliding 1 s windows, rate-limit headers and 429s): wall time against the floor
   the limits and latency set, computed from the requests each host served; 429s per host;
   the client's CPU time beside it (when it nears the floor, the machine sets the time, not
   the pacing). ``--rounds`` first syncs (3), each against a fresh simulator: the median
   ratio and the spread.
   The sources run as the pipeline runs them (one client from ``smmcore.http.open_client``,
   every unit concurrently) and their records are consumed as they stream.
2. The same data fetched one request at a time with the same client (one unit at a time).
3. A second sync from the first one's cursors after 1 new post on every 10th account: the
   requests per unchanged account (target at most 1.5; the old "5% of the first sync's
   requests" cannot be reached with 100 accounts, since each needs at least one request).
4. First and second sync with the sources' default settings (followers, and who favourited /
   boosted the 20 most recent posts), where a second sync skips what did not change.
5. End to end: ``smmcore.sync.sync_async`` with the DuckDB store, first and second sync:
   cold (the first sync of the process) with the default unit concurrency, then warm with
   each ``--concurrency`` (default: the pipeline's default and all 100 accounts at once).
6. Memory: the Python heap peak (tracemalloc) of 8 accounts of 200 and of 2000 posts, for the
   streamed fetch and for the pipeline.

Run: ``uv run python benchmarks/bench_sync.py`` (``--quick`` runs phases 1, 3 and 6 only,
``--pipeline`` phases 5 and 6).
The ratios are printed last.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import math
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from simulator import POSTS_ONLY, workspace_toml
from simulator import RemoteSimulator as Simulator

from smmcore.contracts import SourceContext, SyncCursor, SyncUnit
from smmcore.http import open_client
from smmcore.models import Post
from smmcore.plugins import PluginHost
from smmcore.sync import sync_async
from smmcore.workspace import load_workspace


def write_workspace(folder: Path, sim: Simulator, plugin_settings: str) -> Any:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "smm.toml").write_text(workspace_toml(sim, plugin_settings), encoding="utf-8")
    return load_workspace(folder)


async def timed_sync(ws: Any, host: PluginHost, concurrency: int) -> tuple[float, Any]:
    start = time.perf_counter()
    report = await sync_async(ws, host, options={"keywords": False}, concurrency=concurrency)
    seconds = time.perf_counter() - start
    if report.failed:
        first = report.failed[0]
        raise SystemExit(f"{len(report.failed)} units failed, e.g. {first.key}: {first.error}")
    return seconds, report


def served(sim: Simulator) -> tuple[list[int], list[int], int]:
    """Requests and 429s per host, and the longest chain of one account's requests."""
    requests = [s.requests for s in sim.stats]
    refused = [s.refused for s in sim.stats]
    chain = max((n for s in sim.stats for n in s.per_account.values()), default=0)
    return requests, refused, chain


def floor_seconds(sim: Simulator, requests: list[int], chain: int) -> float:
    """The least time the limits and the latency allow. A sliding window admits ``limit``
    requests in any ``window`` seconds, so a host's ``r`` requests need at least
    ``ceil(r / limit) - 1`` whole windows before the last batch, whose answers take one
    latency (less than ``r / rate``: a client bursting each window's budget at once gets
    there); and an account's pages follow one another, one latency each."""
    if not sim.limit:
        return chain * sim.latency
    windows = max((math.ceil(r / sim.limit) - 1) * sim.window for r in requests)
    return max(windows + sim.latency, chain * sim.latency)


def posts_written(report: Any) -> int:
    return report.totals().get("posts", 0)


def make_sources(defaults: bool) -> dict[str, Any]:
    """The two sources with the settings of the scenario."""
    from smm_bluesky.source import BlueskySettings, BlueskySource
    from smm_mastodon.source import MastodonSettings, MastodonSource

    off = {} if defaults else {"followers_limit": 0, "interactions_posts": 0}
    return {
        "mastodon": MastodonSource(MastodonSettings(**off)),
        "bluesky": BlueskySource(BlueskySettings(**off)),
    }


async def fetch_all(
    sim: Simulator,
    sources: dict[str, Any],
    *,
    concurrency: int,
    cursors: dict[str, Any] | None = None,
) -> tuple[float, int, dict[str, Any]]:
    """Fetch every account the way the pipeline does (one shared client, ``concurrency``
    units at a time); return (seconds, posts, cursors)."""
    cursors = cursors or {}
    new_cursors: dict[str, Any] = {}
    limit = asyncio.Semaphore(concurrency)
    posts = 0

    async with open_client() as http:

        async def one(account: Any) -> None:
            nonlocal posts
            unit = SyncUnit(
                account.network,
                f"{account.network}:{account.handle}",
                account.network,
                account.handle,
                {"base_url": sim.base_url(account)},
            )
            ctx = SourceContext(cursor=cursors.get(unit.key), http=http)
            async with limit:
                async for item in sources[account.network].fetch(unit, ctx):
                    if isinstance(item, Post):
                        posts += 1
                    elif isinstance(item, SyncCursor):
                        new_cursors[unit.key] = dict(item.value)

        start = time.perf_counter()
        await asyncio.gather(*(one(a) for a in sim.accounts))
        seconds = time.perf_counter() - start
    return seconds, posts, new_cursors


def paths(sim: Simulator) -> dict[str, int]:
    return dict(sum((s.paths for s in sim.stats), start=Counter()))


async def first_sync(
    sim: Simulator, sources: dict[str, Any], label: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Phase 1 once: every account fetched from scratch; (figures, cursors)."""
    cpu = time.process_time()
    seconds, posts, cursors = await fetch_all(sim, sources, concurrency=len(sim.accounts))
    cpu = time.process_time() - cpu
    requests, refused, chain = served(sim)
    floor = floor_seconds(sim, requests, chain)
    print(
        f"[{label}] first sync: {seconds:.2f} s, {posts} posts, {sum(requests)} requests "
        f"(per host {requests}), 429 per host {refused}; the client's CPU {cpu:.2f} s; "
        f"floor = max((ceil(requests per host / 60) - 1) windows of 1 s + 50 ms, {chain} "
        f"chained requests x 50 ms) = {floor:.2f} s; load {os.getloadavg()[0]:.1f}"
    )
    figures = {
        "seconds": seconds,
        "requests": sum(requests),
        "refused": refused,
        "floor": floor,
        "cpu": cpu,
    }
    return figures, cursors


async def network_scenario(*, defaults: bool, serial: bool, rounds: int = 1) -> dict[str, Any]:
    """Phases 1-4: the sources and the HTTP layer against the simulator; phase 1 ``rounds``
    times, each against a fresh simulator (an empty window)."""
    label = "defaults" if defaults else "posts"
    extra = {"followers": 100, "likes": 5, "reblogs": 2} if defaults else {}
    out: dict[str, Any] = {}
    options = dict(accounts=100, posts=200, hosts=4, latency=0.05, limit=60, window=1.0, **extra)
    sources = make_sources(defaults)
    runs = []
    for _ in range(rounds - 1):
        async with Simulator(**options) as sim:
            runs.append((await first_sync(sim, sources, label))[0])
    async with Simulator(**options) as sim:
        figures, cursors = await first_sync(sim, sources, label)
        runs.append(figures)
        ratios = sorted(r["seconds"] / r["floor"] for r in runs)
        out.update(
            first_seconds=statistics.median(r["seconds"] for r in runs),
            floor=statistics.median(r["floor"] for r in runs),
            ratio=statistics.median(ratios),
            ratios=ratios,
            refused=[sum(n) for n in zip(*(r["refused"] for r in runs), strict=True)],
            cpu_ratio=statistics.median(r["cpu"] / r["floor"] for r in runs),
        )
        if serial:
            sim.reset_stats()
            s_seconds, s_posts, _ = await fetch_all(sim, sources, concurrency=1)
            s_requests, s_refused, _ = served(sim)
            out.update(serial_seconds=s_seconds)
            print(
                f"[{label}] one request at a time: {s_seconds:.2f} s, {s_posts} posts, "
                f"{sum(s_requests)} requests, 429 per host {s_refused}"
            )
        changed = sim.accounts[::10]
        sim.add_posts(changed)
        sim.reset_stats()
        seconds2, posts2, _ = await fetch_all(
            sim, sources, concurrency=len(sim.accounts), cursors=cursors
        )
        stats = sim.stats
        requests2 = [s.requests for s in stats]
        refused2 = [s.refused for s in stats]
        per_account: Counter[int] = Counter()
        for s in stats:
            per_account.update(s.per_account)
        keep = {a.index for a in changed}
        unchanged = [a.index for a in sim.accounts if a.index not in keep]
        per_unchanged = sum(per_account[i] for i in unchanged) / max(len(unchanged), 1)
        out.update(second_requests=sum(requests2), per_unchanged=per_unchanged)
        print(
            f"[{label}] second sync (1 new post on {len(changed)} of {len(sim.accounts)} "
            f"accounts): {seconds2:.2f} s, {posts2} new posts, {sum(requests2)} requests "
            f"{paths(sim)}, {per_unchanged:.2f} requests per unchanged account, 429 per host "
            f"{refused2}"
        )
    return out


async def pipeline_runs(host: PluginHost, tmp: Path, concurrency: list[int]) -> list[dict]:
    """Phase 5: first a cold run (the first sync of the process: it pays the one-off imports
    of the store's first write), then, after a small warm-up sync, one run per
    ``concurrency``."""
    from smmcore.sync import CONCURRENCY

    runs = [await pipeline_scenario(host, tmp, CONCURRENCY, "cold")]
    async with Simulator(accounts=2, posts=5, hosts=1, latency=0.0, limit=0) as sim:
        await timed_sync(write_workspace(tmp / "warm-up-5", sim, POSTS_ONLY), host, 2)
    runs += [await pipeline_scenario(host, tmp, c, "warm") for c in concurrency]
    return runs


async def pipeline_scenario(
    host: PluginHost, tmp: Path, concurrency: int, label: str = "warm"
) -> dict[str, Any]:
    """Phase 5: the same first and second sync through sync_async and the store, with
    ``concurrency`` units at a time (default: the pipeline's own default, as ``smm sync``)."""
    async with Simulator(accounts=100, posts=200, hosts=4, latency=0.05, limit=60) as sim:
        ws = write_workspace(tmp / f"pipeline-ws-{concurrency}-{label}", sim, POSTS_ONLY)
        seconds, report = await timed_sync(ws, host, concurrency=concurrency)
        requests, refused, chain = served(sim)
        floor = floor_seconds(sim, requests, chain)
        print(
            f"[pipeline, {label}, {concurrency} units at a time] first sync into the store: "
            f"{seconds:.2f} s, {posts_written(report)} posts, {sum(requests)} requests, "
            f"429 per host {refused}, floor {floor:.2f} s"
        )
        sim.add_posts(sim.accounts)
        sim.reset_stats()
        seconds2, report2 = await timed_sync(ws, host, concurrency=concurrency)
        requests2, _, _ = served(sim)
        print(
            f"[pipeline, {label}, {concurrency} units at a time] second sync: {seconds2:.2f} s, "
            f"{posts_written(report2)} new posts, {sum(requests2)} requests"
        )
    return {
        "seconds": seconds,
        "floor": floor,
        "second_seconds": seconds2,
        "refused": refused,
        "concurrency": concurrency,
        "label": label,
    }


async def memory_peaks(host: PluginHost, tmp: Path) -> dict[str, tuple[int, int]]:
    """Phase 6: heap peaks of the streamed fetch and of the pipeline, 200 vs 2000 posts."""
    peaks: dict[str, tuple[int, int]] = {}
    async with Simulator(accounts=2, posts=5, hosts=1, latency=0.0, limit=0) as sim:
        await timed_sync(write_workspace(tmp / "warm-up", sim, POSTS_ONLY), host, 2)
    for posts in (200, 2000):
        async with Simulator(accounts=8, posts=posts, hosts=2, latency=0.0, limit=0) as sim:
            gc.collect()
            tracemalloc.start()
            await fetch_all(sim, make_sources(False), concurrency=8)
            fetch_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            ws = write_workspace(tmp / f"mem-{posts}", sim, POSTS_ONLY)
            gc.collect()
            tracemalloc.start()
            await timed_sync(ws, host, concurrency=8)
            pipe_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        peaks[str(posts)] = (fetch_peak, pipe_peak)
        print(
            f"[memory] 8 accounts x {posts} posts: heap peak {fetch_peak / 1e6:.1f} MB "
            f"streamed fetch, {pipe_peak / 1e6:.1f} MB pipeline (DuckDB memory not counted)"
        )
    return peaks


async def pipeline_only(concurrency: list[int]) -> None:
    """``--pipeline``: phase 5 only (and its memory part of phase 6)."""
    host = PluginHost()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        pipes = await pipeline_runs(host, tmp, concurrency)
        mem = await memory_peaks(host, tmp)
    print()
    for pipe in pipes:
        print(
            f"  pipeline+store wall / floor ({pipe['label']}, {pipe['concurrency']} units at a "
            f"time) {pipe['seconds'] / pipe['floor']:.2f}x, 429 per host {pipe['refused']}  "
            "[<= 1.3]"
        )
    print(f"  heap peak 2000 / 200 posts, store  {mem['2000'][1] / mem['200'][1]:.2f}x  [~1: flat]")


async def main(quick: bool, concurrency: list[int], rounds: int) -> None:
    host = PluginHost()
    missing = {"mastodon", "bluesky"} - set(host.sources())
    if missing:
        raise SystemExit(f"install the source plugins first (uv sync): missing {missing}")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        a = await network_scenario(defaults=False, serial=not quick, rounds=rounds)
        b = None if quick else await network_scenario(defaults=True, serial=False)
        pipes = [] if quick else await pipeline_runs(host, tmp, concurrency)
        mem = await memory_peaks(host, tmp)

    print()
    print("ratios (targets in brackets)")
    spread = ", ".join(f"{r:.2f}" for r in a["ratios"])
    print(
        f"  first sync wall / floor            {a['ratio']:.2f}x  [<= 1.3]  (median of "
        f"{len(a['ratios'])}: {spread}; the client's CPU / floor {a['cpu_ratio']:.2f})"
    )
    print(f"  429 answers per host, all rounds   {a['refused']}  [target: none]")
    if "serial_seconds" in a:
        speedup = a["serial_seconds"] / a["first_seconds"]
        print(f"  one-at-a-time / concurrent         {speedup:.1f}x  [>= 10]")
    per = a["per_unchanged"]
    print(f"  second sync, requests per unchanged account, posts     {per:.2f}  [<= 1.5]")
    if b is not None:
        per = b["per_unchanged"]
        print(f"  second sync, requests per unchanged account, defaults  {per:.2f}  [<= 1.5]")
        print(
            f"  defaults first sync wall / floor   {b['ratio']:.2f}x, 429 per host {b['refused']}"
        )
    for pipe in pipes:
        print(
            f"  pipeline+store wall / floor        {pipe['seconds'] / pipe['floor']:.2f}x  "
            f"[<= 1.3] ({pipe['label']}, {pipe['concurrency']} units at a time, 429 per host "
            f"{pipe['refused']})"
        )
    fetch_ratio = mem["2000"][0] / mem["200"][0]
    pipe_ratio = mem["2000"][1] / mem["200"][1]
    print(f"  heap peak 2000 / 200 posts, fetch  {fetch_ratio:.2f}x  [~1: flat]")
    print(f"  heap peak 2000 / 200 posts, store  {pipe_ratio:.2f}x  [~1: flat]")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Sync benchmark against the load simulator")
    parser.add_argument("--quick", action="store_true", help="phases 1, 3 and 6 only")
    parser.add_argument(
        "--rounds", type=int, default=3, help="first syncs of phase 1 (median and spread)"
    )
    parser.add_argument(
        "--pipeline", action="store_true", help="phase 5 (pipeline with the store) and 6 only"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        action="append",
        metavar="N",
        help="units at a time in the warm runs of phase 5 (repeatable; default: the "
        "pipeline's default and every account at once)",
    )
    args = parser.parse_args()
    from smmcore.sync import CONCURRENCY

    runs = args.concurrency or sorted({CONCURRENCY, 100})
    asyncio.run(
        pipeline_only(runs) if args.pipeline else main(args.quick, runs, max(1, args.rounds))
    )
