"""Team-store benchmark: DuckLake over a real PostgreSQL against the DuckDB file, in one run.

    uv run python benchmarks/bench_team.py [--posts 1000000] [--runs 3] [--workers 1,2,4]
                                           [--limit 60] [--concurrency 8] [--skip-report]
                                           [--skip-sync]

Runs in the team store's own environment (smm-ducklake pins duckdb 1.5.5): started from the
repository's, it builds or reuses that environment (scripts/team_env.py) and runs there.
Needs Debian's PostgreSQL (started here in a temporary folder, as the ``postgres`` user when
run as root; see smm_ducklake.testing).

(a) **report**: the smm-files demo scaled to ``--posts`` posts, imported with ``smm sync`` into
    a DuckDB file, copied into a lake with ``smm store migrate --to ducklake``; then round after
    round ``build_report`` on the file and on the lake, back to back in this process (so the
    machine's load hits both alike). Target: lake / file <= 2.
(b) **sync**: the load simulator (benchmarks/simulator.py, its own process: 100 accounts of
    200 posts on 4 virtual hosts, ``--limit`` requests/s per host, 50 ms latency) synced into
    one lake (a fresh schema each time) by 1, 2 and 4 ``smm worker --concurrency N`` processes
    started as services (registered with the queue before the units are queued, as on the sync
    machines), timed from queueing every unit to the last one done, against the floor the
    hosts' limits set (the requests each host served divided by its rate). Target: 4 workers
    <= 1.3 x floor; every post stored once.
(c) **reports during a sync**: two ``smm report`` processes while 2 workers commit units of
    (b)'s workspace: both must succeed; and a reader's snapshot holds: two counts taken 1 s
    apart in one read-only store agree while commits land.

The machine is shared: timings are noisy; the ratios come from the same run. Ratios last.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

try:
    import smm_ducklake  # noqa: F401
except ImportError:  # the repository's environment (duckdb 2.x): run in the team store's own
    import importlib.util

    _spec = importlib.util.spec_from_file_location(
        "team_env", Path(__file__).parents[1] / "scripts" / "team_env.py"
    )
    _team_env = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_team_env)
    _python = str(_team_env.team_python())
    print(f"running in the team store's environment: {_python}", flush=True)
    os.execve(_python, [_python, __file__, *sys.argv[1:]], _team_env.clean_env())

from simulator import POSTS_ONLY, RemoteSimulator, workspace_toml
from smm_ducklake.queue import TeamQueue
from smm_ducklake.testing import PostgresServer, store_toml, unavailable_reason

from smmcore.plugins import PluginHost
from smmcore.workspace import load_workspace


def smm(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "smmcore", "-w", str(ws), *args], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"smm {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done


def load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


# ------------------------------------------------------------------ (a) the report


def report_phase(pg: PostgresServer, tmp: Path, posts: int, runs: int) -> dict[str, float]:
    from smm_files.demo import write_demo_workspace

    from smmcore.report import build_report

    scale = posts / 1300
    file_ws = write_demo_workspace(tmp / "report-file", date(2026, 6, 30), posts_scale=scale)
    t0 = time.perf_counter()
    smm(file_ws, "sync")
    print(f"(a) import of the demo scaled to ~{posts:,} posts: {time.perf_counter() - t0:.1f} s")
    lake = {"catalog": f"postgres:{pg.createdb('bench_report')}", "data_path": str(tmp / "rl")}
    lake_ws = tmp / "report-lake"
    shutil.copytree(file_ws, lake_ws, ignore=shutil.ignore_patterns(".smm"))
    with open(lake_ws / "smm.toml", "a", encoding="utf-8") as handle:
        handle.write(
            store_toml(lake, "bench").replace('backend = "ducklake"', 'backend = "duckdb"')
        )
    shutil.copytree(file_ws / ".smm", lake_ws / ".smm")
    t0 = time.perf_counter()
    smm(lake_ws, "store", "migrate", "--to", "ducklake")
    print(f"(a) smm store migrate --to ducklake: {time.perf_counter() - t0:.1f} s")
    text = (lake_ws / "smm.toml").read_text(encoding="utf-8")
    (lake_ws / "smm.toml").write_text(
        text.replace('backend = "duckdb"', 'backend = "ducklake"'), encoding="utf-8"
    )
    shutil.rmtree(lake_ws / ".smm")
    host = PluginHost()
    file_w, lake_w = load_workspace(file_ws), load_workspace(lake_ws)
    build_report(file_w, host)  # warm: plugins imported, files cached by the OS
    build_report(lake_w, host)
    times: dict[str, list[float]] = {"file": [], "lake": []}
    for _ in range(runs):
        for name, ws in (("file", file_w), ("lake", lake_w)):
            t0 = time.perf_counter()
            rep = build_report(ws, host)
            times[name].append(time.perf_counter() - t0)
            assert rep.history is not None
    medians = {k: statistics.median(v) for k, v in times.items()}
    for name, values in times.items():
        print(
            f"(a) report on the {name}: median {medians[name]:.2f} s "
            f"(min {min(values):.2f}, max {max(values):.2f}; {runs} runs)"
        )
    return medians


# ------------------------------------------------------------------ (b) + (c) the queue


def write_sim_workspace(folder: Path, sim: RemoteSimulator, lake: dict[str, str], schema: str):
    folder.mkdir(parents=True, exist_ok=True)
    text = workspace_toml(sim, POSTS_ONLY + store_toml(lake, schema))
    (folder / "smm.toml").write_text(text, encoding="utf-8")
    return folder


def stored_posts(ws: Path) -> tuple[int, int]:
    with load_workspace(ws).open_store(read_only=True) as store:
        return store.con.execute(
            "SELECT count(*), count(DISTINCT (network, account, post_id)) FROM posts"
        ).fetchone()


def start_workers(ws: Path, n: int, concurrency: int) -> list[subprocess.Popen[str]]:
    """``n`` ``smm worker`` services (no ``--once``), as they run on the sync machines."""
    return [
        subprocess.Popen(
            [sys.executable, "-m", "smmcore", "-w", str(ws), "worker",
             "--concurrency", str(concurrency), "--name", f"bench-{i}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(n)
    ]  # fmt: skip


def wait_ready(conninfo: str, procs: list[subprocess.Popen[str]]) -> None:
    """Until every worker has registered with the queue (its first heartbeat)."""
    import psycopg

    deadline = time.monotonic() + 300
    while True:
        for proc in procs:
            if proc.poll() is not None:
                raise SystemExit(f"a worker exited at start:\n{proc.communicate()[1][-2000:]}")
        with psycopg.connect(conninfo) as con:
            found = con.execute("SELECT to_regclass('procrastinate_workers') IS NOT NULL")
            alive = 0
            if found.fetchone()[0]:
                alive = con.execute(
                    "SELECT count(*) FROM procrastinate_workers "
                    "WHERE last_heartbeat > now() - interval '10 seconds'"
                ).fetchone()[0]
        if alive >= len(procs):
            return
        if time.monotonic() > deadline:
            raise SystemExit("the workers did not start within 300 s")
        time.sleep(0.2)


def stop_workers(procs: list[subprocess.Popen[str]]) -> None:
    """Ctrl-C each worker (it finishes its unit and closes the lake) and wait for it."""
    for proc in procs:
        proc.send_signal(signal.SIGINT)
    for proc in procs:
        try:
            _out, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
        if proc.returncode not in (0, -signal.SIGINT, 130):
            print(f"a worker exited with {proc.returncode}:\n{err[-2000:]}")


def wait_drained(queue: TeamQueue, ws: Path, units: int) -> list[dict]:
    """Poll the queue until every unit of ``ws`` finished; the jobs."""
    workspace = load_workspace(ws)
    while True:
        jobs = queue.status([workspace])
        if len(jobs) >= units and all(j["status"] in ("succeeded", "failed") for j in jobs):
            return jobs
        time.sleep(0.05)


async def sync_phase(
    pg: PostgresServer, tmp: Path, counts: list[int], limit: int, concurrency: int
) -> tuple[dict[int, float], float, dict[str, object]]:
    conninfo = pg.createdb("bench_sync")
    lake = {"catalog": f"postgres:{conninfo}", "data_path": str(tmp / "sl")}
    queue = TeamQueue(conninfo)
    seconds: dict[int, float] = {}
    floors: list[float] = []
    checks: dict[str, object] = {}
    async with RemoteSimulator(limit=limit) as sim:
        expected = sum(a.posts for a in sim.accounts)
        for n in counts:
            ws = write_sim_workspace(tmp / f"sim{n}", sim, lake, f"sim_{n}")
            procs = start_workers(ws, n, concurrency)
            during = None
            try:
                wait_ready(conninfo, procs)
                sim.reset_stats()
                t0 = time.perf_counter()
                queued = await asyncio.to_thread(queue.enqueue, [load_workspace(ws)])
                if n == 2:
                    during = reports_during(ws)
                jobs = wait_drained(queue, ws, len(queued))
                seconds[n] = time.perf_counter() - t0
            finally:
                stop_workers(procs)
            if during is not None:
                checks.update(during.result())
            stats = sim.stats
            rate = sim.limit / sim.window
            requests = [s.requests for s in stats]
            chain = max((c for s in stats for c in s.per_account.values()), default=0)
            floor = max(max(r / rate for r in requests), chain * sim.latency)
            floors.append(floor)
            total, distinct = stored_posts(ws)
            refused = sum(s.refused for s in stats)
            print(
                f"(b) {n} worker(s) x {concurrency}: {seconds[n]:.1f} s for {sum(requests):,} "
                f"requests ({refused} refused with 429), floor {floor:.1f} s; posts stored "
                f"{total:,} (distinct {distinct:,}, expected {expected:,})"
            )
            if total != expected or distinct != expected:
                raise SystemExit(f"(b) {n} workers: posts lost or doubled")
            states = {j["status"] for j in jobs}
            if states != {"succeeded"} or len(jobs) != len(sim.accounts):
                raise SystemExit(f"(b) the queue is not all succeeded: {states}")
    return seconds, max(floors), checks


class _During:
    """Two report processes and a snapshot probe run while workers commit."""

    def __init__(self, ws: Path) -> None:
        self.ws = ws
        deadline = time.monotonic() + 600
        while True:  # until the first unit has committed its posts
            try:
                with load_workspace(ws).open_store(read_only=True) as store:
                    if store.con.execute("SELECT count(*) FROM posts").fetchone()[0]:
                        break
            except Exception:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.5)
        self.reports = [
            subprocess.Popen(
                [sys.executable, "-m", "smmcore", "-w", str(ws), "report", "--format", "json",
                 "-o", str(ws / f"during{i}.json")],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i in range(2)
        ]  # fmt: skip
        with load_workspace(ws).open_store(read_only=True) as store:
            first = store.con.execute("SELECT count(*) FROM posts").fetchone()[0]
            time.sleep(1.0)
            second = store.con.execute("SELECT count(*) FROM posts").fetchone()[0]
        self.snapshot = (first, second)

    def result(self) -> dict[str, object]:
        codes = []
        for proc in self.reports:
            _out, err = proc.communicate(timeout=3600)
            codes.append(proc.returncode)
            if proc.returncode != 0:
                print(f"(c) a report failed during the sync:\n{err[-1500:]}")
        return {"report_exit_codes": codes, "snapshot_counts": self.snapshot}


def reports_during(ws: Path) -> _During:
    return _During(ws)


# ------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--limit", type=int, default=60, help="requests/s per simulated host")
    parser.add_argument(
        "--concurrency", type=int, default=8, help="units each worker syncs at a time"
    )
    parser.add_argument("--skip-report", action="store_true")
    parser.add_argument("--skip-sync", action="store_true")
    args = parser.parse_args()
    reason = unavailable_reason()
    if reason:
        raise SystemExit(f"cannot start PostgreSQL: {reason}")
    print(f"load average at start: {load()} (2 cores, shared: timings are noisy)")
    tmp = Path(tempfile.mkdtemp(prefix="bench-team-"))
    ratios: list[str] = []
    with PostgresServer() as pg:
        try:
            if not args.skip_report:
                medians = report_phase(pg, tmp, args.posts, args.runs)
                ratio = medians["lake"] / medians["file"]
                ratios.append(
                    f"(a) report, lake / DuckDB file: {ratio:.2f}x (target <= 2x) "
                    f"[{medians['lake']:.2f} s / {medians['file']:.2f} s, ~{args.posts:,} posts]"
                )
            if not args.skip_sync:
                counts = [int(n) for n in args.workers.split(",")]
                seconds, floor, checks = asyncio.run(
                    sync_phase(pg, tmp, counts, args.limit, args.concurrency)
                )
                for n, s in seconds.items():
                    target = " (target <= 1.3x)" if n == 4 else ""
                    ratios.append(
                        f"(b) {n} worker(s) / rate-limit floor: {s / floor:.2f}x{target} "
                        f"[{s:.1f} s / {floor:.1f} s]"
                    )
                if checks:
                    first, second = checks["snapshot_counts"]  # type: ignore[misc]
                    ok = checks["report_exit_codes"] == [0, 0] and first == second
                    ratios.append(
                        f"(c) two reports during a 2-worker sync: exit codes "
                        f"{checks['report_exit_codes']}; one reader's snapshot 1 s apart: "
                        f"{first:,} = {second:,} posts -> {'ok' if ok else 'FAILED'}"
                    )
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"load average at end: {load()}")
    print("ratios (same run):")
    for line in ratios:
        print("  " + line)


if __name__ == "__main__":
    main()
