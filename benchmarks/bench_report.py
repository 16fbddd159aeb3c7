"""Report benchmark: ``smm report --format json`` on a 1M-post workspace, as a user runs it.

    uv run python benchmarks/bench_report.py [--posts 1000000] [--runs 5] [--dir DIR]
                                             [--big [5000000]] [--big-runs 3] [--demo]

1. setup (once, reused when ``--dir`` already holds it): the smm-files demo generator scaled
   up (about 1M posts over 50 accounts, 12 months, daily follower snapshots, audience and
   interactions) written as a workspace, then imported with ``smm sync`` into its store file;
2. then, round after round, each of these back to back (so load on the shared machine hits
   them alike), each in a fresh process with compiled bytecode like an installed package:

   - **all**: ``smm report --format json --no-cache`` with every first-party plugin, the
     ``all`` extra of ``smmcore`` as a user installs it (read from pyproject.toml; the example
     plugin is not loaded): KPIs, charts, top posts, audience segments, keywords;
   - **standard**: the same with ``smm-files, smm-kpis, smm-reports`` only (the ``standard``
     extra);
   - **cached**: ``smm report --format json`` again on the unchanged store (the report cache);
   - **raw SQL**: a fresh process too (Python and duckdb only: what a user's own script
     pays) running hand-written queries on the same database file that compute the same
     KPIs for the same two periods and scopes, the same series, best-time grid, top posts and
     network renewal, as cheaply as the store allows (the latest snapshot per post from
     ``post_metrics_latest``, local times by UTC offset). Before timing, its numbers are
     checked against the report's (posts per week, applause, engagement rate by followers,
     follower growth, renewal, per channel and period): a disagreement is printed.

It prints the median and the spread (min-max) of each, the steps of one ``--timings`` run, the
machine's load average, and last the ratios against the targets (issue 15): all < 2 s,
all / standard <= 1.3, all / raw SQL <= 2, cached < 0.5 s; with ``--big``, all < 5 s at 5M
posts (setting that workspace up took 5.6 minutes the first time at load 12, with 3 GB of
store memory). ``--demo`` also times ``smm demo`` cold and warm (issue 3: under 10 s).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

END = date(2026, 10, 31)
TZ = "Europe/Rome"

ENG = (
    "CASE WHEN likes IS NULL AND reposts IS NULL AND replies IS NULL AND quotes IS NULL "
    "THEN NULL ELSE COALESCE(likes, 0) + COALESCE(reposts, 0) + COALESCE(replies, 0) "
    "+ COALESCE(quotes, 0) END"
)


def setup(folder: Path, posts: int) -> dict[str, int]:
    """Write the scaled-up demo workspace and import it once (skipped when already there)."""
    marker = folder / ".bench-ready.json"
    if marker.exists():
        return json.loads(marker.read_text())
    from smm_files.demo import BASE_CHANNELS, write_demo_workspace

    from smmcore.plugins import PluginHost
    from smmcore.sync import run_sync
    from smmcore.workspace import load_workspace

    demo_total = sum(round(c.posts_per_week * 52) for c in BASE_CHANNELS)
    clock = time.perf_counter()
    write_demo_workspace(folder, end_date=END, posts_scale=posts / demo_total)
    generated = time.perf_counter() - clock
    clock = time.perf_counter()
    if posts > 2_000_000:
        # the export is one unit, written in one transaction: past about 2M posts it needs
        # more than the store's default 512 MB write limit (untimed setup; see the README)
        os.environ.setdefault("SMM_STORE_MEMORY_LIMIT", "3GB")
    result = run_sync(load_workspace(folder), PluginHost())
    if not result.ok:
        sys.exit(f"import failed: {[u.error for u in result.failed]}")
    info = {**result.totals(), "generate_s": generated, "import_s": time.perf_counter() - clock}
    marker.write_text(json.dumps(info))
    return info


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(TZ)
    return (
        datetime.combine(start, dtime(0), zone),
        datetime.combine(end + timedelta(days=1), dtime(0), zone),
    )


def local_sql(column: str, lo: datetime, hi: datetime) -> str:
    """``timezone(TZ, column)`` for the instants in ``[lo, hi)`` written as UTC offset
    arithmetic (one CASE arm per daylight-saving stretch): what a careful hand-written query
    does, as the product does (``smmcore.kpitools.local_time_sql``); ``timezone()`` costs
    about 0.7 s per million rows."""
    zone, utc = ZoneInfo(TZ), ZoneInfo("UTC")
    lo, hi = lo.astimezone(utc), hi.astimezone(utc)
    arms, at = [], lo
    offset = at.astimezone(zone).utcoffset()
    while at < hi:
        nxt = min(at + timedelta(hours=1), hi)
        new = nxt.astimezone(zone).utcoffset()
        if new != offset or nxt == hi:
            us = int(offset.total_seconds()) * 1_000_000 if offset else 0
            stamp = nxt.strftime("%Y-%m-%d %H:%M:%S")
            arms.append(
                f"WHEN {column} < TIMESTAMPTZ '{stamp}+00' "
                f"THEN make_timestamp(epoch_us({column}) + {us})"
            )
            offset = new
        at = nxt
    slow = f"timezone('{TZ}', {column})"
    first = lo.strftime("%Y-%m-%d %H:%M:%S")
    return (
        f"CASE WHEN {column} < TIMESTAMPTZ '{first}+00' THEN {slow} {' '.join(arms)} "
        f"ELSE {slow} END"
    )


def raw_sql(db: Path, channels: list[tuple[str, str, str, bool]], anchor: date) -> dict:
    """The report's numbers with plain SQL on one read-only connection: 30 days ending on
    ``anchor`` vs the 30 before. Written as a careful user would (and as the product does):
    each post of the widest window joined with its latest snapshot once, into a TEMP table
    the aggregates then read; the latest snapshot of each post comes from
    ``post_metrics_latest``, which the store keeps for the purpose."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    run = con.execute

    def q(sql: str, params: dict) -> list:
        used = {k: v for k, v in params.items() if f"${k}" in sql}
        return run(sql, used).fetchall()

    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        "CREATE TEMP TABLE wc (network VARCHAR, account VARCHAR, owner VARCHAR, is_client BOOLEAN)"
    )
    con.executemany("INSERT INTO wc VALUES (?, ?, ?, ?)", channels)
    cur = (anchor - timedelta(days=29), anchor)
    prev = (cur[0] - timedelta(days=30), cur[0] - timedelta(days=1))
    cs, ce = bounds(*cur)
    ps, pe = bounds(*prev)
    bs, _ = bounds(anchor - timedelta(weeks=16) + timedelta(days=1), anchor)
    pbs, _ = bounds(prev[1] - timedelta(weeks=16) + timedelta(days=1), prev[1])
    ws, _ = bounds(min(cur[0], anchor - timedelta(days=83)), anchor)
    lo = min(ps, pbs, ws)
    p = {"cs": cs, "ce": ce, "ps": ps, "pe": pe, "tz": TZ, "lo": lo, "bs": bs, "pbs": pbs}
    p["ws"] = ws
    out: dict = {}
    scopes = (
        "GROUPING SETS ((per, owner, is_client, network, account), (per, is_client, network), "
        "(per, owner, is_client))"
    )
    # every own post of the widest window with its latest counters and local time, once
    q(
        f"""
        CREATE TEMP TABLE b AS
        SELECT p.network, p.account, p.post_id, p.created_at, wc.owner, wc.is_client,
               {local_sql("p.created_at", lo, ce)} AS ts,
               m.post_id IS NOT NULL AS measured, m.likes, m.reposts, m.replies, m.quotes,
               coalesce(m.views, m.impressions) AS views,
               {
            ENG.replace("likes", "m.likes")
            .replace("reposts", "m.reposts")
            .replace("replies", "m.replies")
            .replace("quotes", "m.quotes")
        } AS eng
        FROM posts p JOIN wc USING (network, account)
        LEFT JOIN post_metrics_latest m USING (network, account, post_id)
        WHERE p.kind <> 'repost' AND p.created_at >= $lo AND p.created_at < $ce
        """,
        p,
    )
    # per-post KPIs: posts/week, engagement rates, applause, conversation, amplification,
    # virality, share of voice (engagements per owner)
    out["posts"] = q(
        f"""
        WITH pp AS (
          SELECT *, CASE WHEN created_at >= $cs THEN 0 ELSE 1 END AS per FROM b
          WHERE (created_at >= $cs AND created_at < $ce)
             OR (created_at >= $ps AND created_at < $pe)),
        fd AS (
          SELECT s.network, s.account, CAST(timezone($tz, s.captured_at) AS DATE) AS day,
                 arg_max(s.followers, s.captured_at) AS followers
          FROM account_snapshots s JOIN wc USING (network, account)
          WHERE s.followers IS NOT NULL GROUP BY ALL),
        f AS (
          SELECT pp.*, fd.followers
          FROM pp ASOF LEFT JOIN fd ON fd.network = pp.network AND fd.account = pp.account
           AND CAST(pp.ts AS DATE) >= fd.day)
        SELECT per, owner, is_client, network, account, count(*) AS posts,
               sum(likes) AS likes, count(likes) AS n_likes, sum(replies) AS replies,
               sum(reposts) AS reposts,
               sum(eng) AS eng, sum(eng) FILTER (WHERE views IS NOT NULL) AS eng_v,
               sum(views) AS views, sum(reposts) FILTER (WHERE views IS NOT NULL) AS rep_v,
               avg(eng / followers * 100) FILTER (WHERE followers > 0) AS er_followers
        FROM f GROUP BY {scopes}
        """,
        p,
    )
    # follower growth (absolute and rate): last snapshot in the period vs the last before it
    out["followers"] = q(
        """
        WITH s AS (
          SELECT s.network, s.account, wc.owner, wc.is_client, s.captured_at, s.followers
          FROM account_snapshots s JOIN wc USING (network, account)
          WHERE s.followers IS NOT NULL AND s.captured_at < $ce),
        e AS (
          SELECT network, account, owner, is_client,
                 arg_max(followers, captured_at) FILTER (WHERE captured_at < $ce) AS end0,
                 arg_max(followers, captured_at) FILTER (WHERE captured_at < $cs) AS start0,
                 arg_max(followers, captured_at) FILTER (WHERE captured_at < $pe) AS end1,
                 arg_max(followers, captured_at) FILTER (WHERE captured_at < $ps) AS start1
          FROM s GROUP BY ALL)
        SELECT owner, is_client, network, account, sum(end0 - start0), sum(start0),
               sum(end1 - start1), sum(start1)
        FROM e GROUP BY GROUPING SETS ((owner, is_client, network, account),
                                       (is_client, network), (owner, is_client))
        """,
        p,
    )
    # best time to post: weekday x hour grid over 16 weeks, for both periods
    out["best_time"] = q(
        """
        SELECT owner, is_client, network, account, isodow(ts) - 1 AS d, hour(ts) AS h,
               avg(eng) FILTER (WHERE created_at >= $bs) AS m0,
               avg(eng) FILTER (WHERE created_at < $pe) AS m1, count(*) AS n
        FROM b WHERE eng IS NOT NULL AND created_at >= $pbs
        GROUP BY GROUPING SETS ((owner, is_client, network, account, d, h),
                                (is_client, network, d, h), (owner, is_client, d, h))
        """,
        p,
    )
    # top posts per channel in the period (their text and link read for those only)
    out["top_posts"] = q(
        """
        WITH t AS (
          SELECT * FROM (
            SELECT network, account, post_id, created_at, likes, reposts, replies, quotes, eng,
                   row_number() OVER (PARTITION BY network, account
                                      ORDER BY eng DESC NULLS LAST, created_at DESC) AS rn
            FROM b WHERE measured AND created_at >= $cs)
          WHERE rn <= 5)
        SELECT t.*, p.text, p.url FROM t JOIN posts p USING (network, account, post_id)
        """,
        p,
    )
    # network renewal: accounts that interacted in a period and not in the one before
    out["renewal"] = q(
        """
        WITH i AS (
          SELECT i.network, i.account, wc.owner, wc.is_client, i.member,
                 bool_or(i.occurred_at >= $cs AND i.occurred_at < $ce) AS a0,
                 bool_or(i.occurred_at >= $ps AND i.occurred_at < $pe) AS a1,
                 bool_or(i.occurred_at >= $ps - ($ce - $cs) AND i.occurred_at < $ps) AS a2
          FROM interactions i JOIN wc USING (network, account)
          WHERE i.occurred_at >= $ps - ($ce - $cs) AND i.occurred_at < $ce
            AND i.kind <> 'follow'
          GROUP BY ALL)
        SELECT owner, is_client, network, account,
               count(*) FILTER (WHERE a0 AND NOT a1), count(*) FILTER (WHERE a0),
               count(*) FILTER (WHERE a1 AND NOT a2), count(*) FILTER (WHERE a1)
        FROM i GROUP BY GROUPING SETS ((owner, is_client, network, account),
                                       (is_client, network), (owner, is_client))
        """,
        p,
    )
    # chart series: followers per day, engagement per week (12 weeks)
    out["series_followers"] = q(
        """
        SELECT s.network, s.account, CAST(timezone($tz, s.captured_at) AS DATE) AS day,
               arg_max(s.followers, s.captured_at)
        FROM account_snapshots s JOIN wc USING (network, account)
        WHERE s.captured_at >= $ws AND s.captured_at < $ce AND s.followers IS NOT NULL
        GROUP BY ALL
        """,
        p,
    )
    out["series_engagement"] = q(
        """
        SELECT network, account, date_trunc('week', CAST(ts AS DATE)) AS wk, sum(eng)
        FROM b WHERE created_at >= $ws GROUP BY ALL
        """,
        p,
    )
    con.close()
    return out


def check(raw: dict, report: dict) -> list[str]:
    """Values of the report that the raw SQL computes differently (empty: they agree):
    per channel and period, posts per week, applause rate, engagement rate by followers,
    follower growth and network renewal rate."""
    kpis = {k["name"]: {c["scope_id"]: c for c in k["channels"]} for k in report["kpis"]}
    days = report["period"]["days"]
    expected: dict[tuple[str, str, int], float | None] = {}
    for per, _o, _c, network, account, posts, likes, n_likes, *rest in raw["posts"]:
        if account is None:
            continue
        er = rest[-1]
        key = f"{network}:{account}"
        expected[("posts_per_week", key, per)] = posts / (days / 7)
        expected[("applause_rate", key, per)] = likes / n_likes if n_likes else None
        expected[("engagement_rate_followers", key, per)] = er
    for _o, _c, network, account, g0, _s0, g1, _s1 in raw["followers"]:
        if account is not None:
            expected[("follower_growth", f"{network}:{account}", 0)] = g0
            expected[("follower_growth", f"{network}:{account}", 1)] = g1
    for _o, _c, network, account, new0, act0, new1, act1 in raw["renewal"]:
        if account is not None:
            key = f"{network}:{account}"
            expected[("network_renewal_rate", key, 0)] = new0 / act0 * 100 if act0 else None
            expected[("network_renewal_rate", key, 1)] = new1 / act1 * 100 if act1 else None
    wrong = []
    for (name, key, per), want in expected.items():
        row = kpis.get(name, {}).get(key)
        got = None if row is None else row["value" if per == 0 else "previous"]
        same = (got is None and want is None) or (
            got is not None and want is not None and abs(got - want) <= 1e-9 * max(1, abs(want))
        )
        if not same:
            wrong.append(f"{name} {key} {'current' if per == 0 else 'previous'}: {got} != {want}")
    return wrong


def time_demo() -> tuple[float, float]:
    """Wall time of ``smm demo --out TMP``: without bytecode, then with it (warm)."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "pycache"
        for run in ("cold", "warm"):
            env = {**os.environ, "PYTHONPYCACHEPREFIX": str(cache)}
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            out = Path(tmp) / run
            clock = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "smmcore", "demo", "--out", str(out)],
                check=True,
                capture_output=True,
                env=env,
            )
            times.append(time.perf_counter() - clock)
            if not (out / "report.html").exists():
                sys.exit("smm demo wrote no report.html")
    return times[0], times[1]


def extras() -> dict[str, list[str]]:
    """The ``standard`` and ``all`` extras of smmcore, as a user installs them."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    return data["project"]["optional-dependencies"]


def spread(values: list[float]) -> str:
    """``median s (min-max, n runs)``."""
    return (
        f"{statistics.median(values):.3f} s (spread {min(values):.2f}-{max(values):.2f}, "
        f"{len(values)} runs)"
    )


def raw_main(folder: Path) -> None:
    """``--raw DIR``: the baseline in a process of its own (Python, duckdb, the queries)."""
    spec = json.loads((folder / ".bench-raw.json").read_text())
    channels = [tuple(c) for c in spec["channels"]]
    out = raw_sql(Path(spec["db"]), channels, date.fromisoformat(spec["anchor"]))  # type: ignore[arg-type]
    if spec.get("dump"):
        Path(spec["dump"]).write_text(json.dumps(out, default=str))


def measure(
    folder: Path, posts: int, runs: int, label: str
) -> tuple[dict[str, list[float]], dict[str, str], list[str]]:
    """Set up (or reuse) the workspace of ``posts`` posts in ``folder`` and time each way of
    getting the report, ``runs`` rounds back to back; check the raw SQL against the report."""
    info = setup(folder, posts)
    print(
        f"[{label}] workspace {folder}: {info.get('posts', 0):,} posts, "
        f"{info.get('post_metrics', 0):,} metric snapshots, "
        f"{info.get('account_snapshots', 0):,} account snapshots, "
        f"{info.get('interactions', 0):,} interactions "
        f"(generated in {info['generate_s']:.1f} s, imported in {info['import_s']:.1f} s)"
    )

    from smmcore.report import _latest_day  # the same anchor as the report
    from smmcore.store import Store
    from smmcore.workspace import load_workspace

    ws = load_workspace(folder)
    refs = ws.channel_refs()
    channels = [(r.network, r.account, r.owner, r.is_client) for r in refs]
    with Store.open(ws.store_path) as store:  # brings an older store's schema up to date
        store.set_channels(refs)
        anchor = _latest_day(store.con, TZ)
    print(
        f"[{label}] {len(channels)} channels, period: the 30 days ending {anchor}, vs the 30 before"
    )
    dump = folder / "raw.json"
    (folder / ".bench-raw.json").write_text(
        json.dumps(
            {"db": str(ws.store_path), "channels": channels, "anchor": anchor.isoformat(),
             "dump": str(dump)}
        )
    )  # fmt: skip

    sets = extras()
    out_file = folder / "report.json"
    base = [sys.executable, "-m", "smmcore", "-w", str(folder), "report", "--format", "json"]
    base += ["-o", str(out_file)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMM_")}
    # an installed smm has its bytecode compiled; keep it (outside the tree) even where
    # PYTHONDONTWRITEBYTECODE is set, and warm it with runs that are not counted
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "smm-bench-pycache")
    runs_of = {
        "all": ([*base, "--no-cache"], {**env, "SMM_LOAD_PLUGINS": ",".join(sets["all"])}),
        "standard": (
            [*base, "--no-cache"],
            {**env, "SMM_LOAD_PLUGINS": ",".join(sets["standard"])},
        ),
        "cached": (base, {**env, "SMM_LOAD_PLUGINS": ",".join(sets["all"])}),
        # the baseline: a fresh process too (Python, duckdb and the queries, nothing else)
        "raw SQL": ([sys.executable, __file__, "--raw", str(folder)], env),
    }
    for cmd, run_env in runs_of.values():
        subprocess.run(cmd, check=True, capture_output=True, env=run_env)
    wrong = check(json.loads(dump.read_text()), json.loads(out_file.read_text()))
    times: dict[str, list[float]] = {name: [] for name in runs_of}
    for _ in range(runs):
        for name, (cmd, run_env) in runs_of.items():
            clock = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, env=run_env)
            times[name].append(time.perf_counter() - clock)
    cmd, run_env = runs_of["all"]
    steps = subprocess.run(
        [*cmd, "--timings"], check=True, capture_output=True, text=True, env=run_env
    ).stderr.splitlines()
    data = json.loads(out_file.read_text())
    errors = [k["name"] for k in data["kpis"] if k["status"] == "error"]
    print(
        f"[{label}] report (all plugins): {len(data['kpis'])} KPIs ({len(errors)} failed "
        f"{errors}), {len(data['top_posts'])} top posts, {len(data['segments'])} segments, "
        f"{len(data['keywords'])} keyword sections, {out_file.stat().st_size:,} bytes of JSON"
    )
    if wrong:
        print(f"[{label}] THE RAW SQL DISAGREES with the report on {len(wrong)} values:")
        for line in wrong[:10]:
            print("  " + line)
    else:
        print(
            f"[{label}] raw SQL = report: posts/week, applause, engagement rate by followers, "
            "follower growth and renewal per channel and period"
        )
    labels = {
        "all": f"smm report, all {len(sets['all'])} first-party plugins",
        "standard": f"smm report, standard ({', '.join(sets['standard'])})",
        "cached": "smm report again, store unchanged (cache)",
        "raw SQL": "raw SQL, same numbers, own process",
    }
    for name, values in times.items():
        print(f"  [{label}] {labels[name]:<52} {spread(values)}")
    print(f"[{label}] where the time goes (one 'smm report --timings' run, all plugins):")
    for line in steps[:14]:
        print("  " + line.strip())
    return times, labels, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, help="workspace folder, reused when present")
    parser.add_argument(
        "--big",
        type=int,
        nargs="?",
        const=5_000_000,
        default=0,
        help="also time a workspace of this many posts (default 5M; its first set-up took "
        "6 min at load 12, then about 1 min a round)",
    )
    parser.add_argument("--big-runs", type=int, default=3)
    parser.add_argument("--demo", action="store_true", help="also time smm demo")
    parser.add_argument("--raw", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raw:
        raw_main(args.raw)
        return
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")

    if args.demo:
        cold, warm = time_demo()
        print(
            f"smm demo end to end: {cold:.1f} s cold (no bytecode yet), {warm:.1f} s warm; "
            f"target < 10 s: {'ok' if max(cold, warm) < 10 else 'MISSED'}"
        )

    folder = args.dir or Path(tempfile.gettempdir()) / f"smm-bench-report-{args.posts}"
    folder.mkdir(parents=True, exist_ok=True)
    times, _labels, wrong = measure(folder, args.posts, args.runs, f"{args.posts:,}")
    big: dict[str, list[float]] = {}
    if args.big:
        big_folder = Path(tempfile.gettempdir()) / f"smm-bench-report-{args.big}"
        big_folder.mkdir(parents=True, exist_ok=True)
        big, _, wrong_big = measure(big_folder, args.big, args.big_runs, f"{args.big:,}")
        wrong += wrong_big
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (a shared machine: noisy)")
    med = {name: statistics.median(values) for name, values in times.items()}

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    if wrong:
        print(f"WARNING: the raw SQL disagrees with the report on {len(wrong)} values")
    print(f"all plugins < 2 s: {med['all']:.2f} s {verdict(med['all'] < 2)}")
    if big:
        b = statistics.median(big["all"])
        print(f"all plugins at {args.big:,} posts < 5 s: {b:.2f} s {verdict(b < 5)}")
    print(f"second report < 0.5 s: {med['cached']:.2f} s {verdict(med['cached'] < 0.5)}")
    r_std = med["all"] / med["standard"]
    r_raw = med["all"] / med["raw SQL"]
    print(f"ratio all / standard (target <= 1.3): {r_std:.2f} {verdict(r_std <= 1.3)}")
    print(f"ratio all / raw SQL (target <= 2): {r_raw:.2f} {verdict(r_raw <= 2)}")


if __name__ == "__main__":
    main()
