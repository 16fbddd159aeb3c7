"""Import benchmark: 1M posts with their metric snapshots through the smm-files source.

    uv run python benchmarks/bench_import.py [--posts 1000000] [--accounts 50] [--keep DIR]

Steps, each in its own process so peak memory (ru_maxrss) belongs to that step alone:

1. generate: the demo generator scaled up (50 accounts x 12 months, daily snapshots) writes
   accounts.csv and posts.csv (one metric snapshot per post);
2. import: ``FilesSource.fetch`` (parse and validate, streamed in chunks) -> the unit writer
   of a fresh store (chunks staged in DuckDB as they come, merged in one transaction), as
   ``smm sync`` runs it;
3. baseline: the same files straight into the same schema with plain SQL (DuckDB
   ``read_csv`` + ``INSERT ... SELECT``, no validation, no natural-key merge).

Targets (issue 3): at least 200k rows/s and a peak memory of at most 1 GiB for the import.
Rows counted are rows written to the store (posts + post_metrics + account_snapshots +
accounts). The last line is the ratio import time / baseline time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

END_DATE = date(2026, 11, 25)
TARGET_ROWS_PER_S = 200_000
TARGET_PEAK_BYTES = 1 << 30


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def step_generate(folder: Path, posts: int, accounts: int) -> dict:
    from smm_files.demo import generate_export

    t0 = time.perf_counter()
    result = generate_export(
        folder, end_date=END_DATE, posts=posts, accounts=accounts, audience=False
    )
    return {"seconds": time.perf_counter() - t0, "rows": result.rows}


def step_import(folder: Path, store_path: Path) -> dict:
    from smm_files.settings import FilesSettings
    from smm_files.source import FilesSource

    from smmcore.contracts import SourceContext
    from smmcore.store import Store

    t0 = time.perf_counter()
    source = FilesSource(FilesSettings(path=str(folder)), name="files")
    (unit,) = source.plan([_Channel()])
    ctx = SourceContext(workspace_dir=folder.parent)

    store = Store.open(store_path)
    t_read = 0.0

    async def stream() -> dict[str, int]:
        # as the sync pipeline does: each chunk goes to the unit's writer (staged in DuckDB)
        # as it arrives; everything is merged in one transaction at the end
        nonlocal t_read
        with store.unit_writer(unit.key, "files") as writer:
            items = source.fetch(unit, ctx)
            while True:
                t = time.perf_counter()
                item = await anext(items, None)
                t_read += time.perf_counter() - t
                if item is None:
                    break
                writer.add(item)
        return dict(writer.counts)

    try:
        counts = asyncio.run(stream())
        stored = {
            t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("accounts", "account_snapshots", "posts", "post_metrics")
        }
    finally:
        store.close()
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "read_seconds": t_read,
        "rows": sum(counts.values()),
        "counts": counts,
        "stored": stored,
    }


def step_baseline(folder: Path, store_path: Path) -> dict:
    from smmcore.store import Store

    Store.open(store_path).close()  # the same schema, created outside the timing
    import duckdb

    t0 = time.perf_counter()
    con = duckdb.connect(str(store_path))
    posts = f"read_csv('{folder / 'posts.csv'}', header = true)"
    accounts = f"read_csv('{folder / 'accounts.csv'}', header = true)"
    con.execute("BEGIN TRANSACTION")
    con.execute(
        f"INSERT INTO posts SELECT network, account, post_id, created_at, kind, text, url, "
        f"language FROM {posts}"
    )
    con.execute(
        f"INSERT INTO post_metrics SELECT network, account, post_id, captured_at, likes, "
        f"reposts, replies, quotes, views, impressions, reach, clicks, saves FROM {posts} "
        f"WHERE captured_at IS NOT NULL"
    )
    con.execute(
        f"INSERT INTO account_snapshots SELECT network, account, captured_at, followers, "
        f"following, posts_count FROM {accounts}"
    )
    con.execute(
        f"INSERT INTO accounts SELECT DISTINCT network, account, NULL, NULL, NULL, NULL, "
        f"now() FROM {accounts}"
    )
    con.execute("COMMIT")
    rows = sum(
        con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("accounts", "account_snapshots", "posts", "post_metrics")
    )
    con.close()
    return {"seconds": time.perf_counter() - t0, "rows": rows}


class _Channel:
    network = "instagram"
    account = "bench"
    options: dict = {}


def _run_step(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--step", *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: reuse the files generated before"
    )
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.step:
        name, *rest = args.step
        if name == "generate":
            result = step_generate(Path(rest[0]), int(rest[1]), int(rest[2]))
        elif name == "import":
            result = step_import(Path(rest[0]), Path(rest[1]))
        else:
            result = step_baseline(Path(rest[0]), Path(rest[1]))
        result["peak_rss_bytes"] = _peak_rss_bytes()
        result["cpu_seconds"] = _cpu_seconds()
        print(json.dumps(result, default=str))
        return

    with tempfile.TemporaryDirectory(prefix="smm-bench-import-") as tmp:
        root = args.keep or Path(tmp)
        data = root / "data"
        if not (args.reuse and (data / "posts.csv").exists()):
            gen = _run_step("generate", str(data), str(args.posts), str(args.accounts))
            print(
                f"generated {gen['rows']} in {gen['seconds']:.2f} s "
                f"(peak {gen['peak_rss_bytes'] / 2**20:.0f} MiB)"
            )
        size = sum(p.stat().st_size for p in data.iterdir()) / 1e6
        print(f"export: {size:.0f} MB of CSV in {data}")
        for old in (root / "import.duckdb", root / "baseline.duckdb"):
            old.unlink(missing_ok=True)
        imp = _run_step("import", str(data), str(root / "import.duckdb"))
        base = _run_step("baseline", str(data), str(root / "baseline.duckdb"))

    imp_rate = imp["rows"] / imp["seconds"]
    base_rate = base["rows"] / base["seconds"]
    peak = imp["peak_rss_bytes"]
    print(f"stored by the import: {imp['stored']}")
    print(
        f"smm-files import: {imp['rows']:,} rows in {imp['seconds']:.2f} s "
        f"= {imp_rate:,.0f} rows/s (process CPU {imp['cpu_seconds']:.1f} s), "
        f"peak RSS {peak / 2**20:.0f} MiB"
    )
    print(
        f"  of which waiting for the source (read+validate, streamed) "
        f"{imp['read_seconds']:.2f} s, unit writer (staging + merge) "
        f"{imp['seconds'] - imp['read_seconds']:.2f} s"
    )
    print(
        f"baseline (DuckDB read_csv + INSERT, no validation): {base['rows']:,} rows in "
        f"{base['seconds']:.2f} s = {base_rate:,.0f} rows/s (process CPU "
        f"{base['cpu_seconds']:.1f} s), peak RSS {base['peak_rss_bytes'] / 2**20:.0f} MiB"
    )
    ok_rate = imp_rate >= TARGET_ROWS_PER_S
    ok_mem = peak <= TARGET_PEAK_BYTES
    print(
        f"targets: >= {TARGET_ROWS_PER_S:,} rows/s {'met' if ok_rate else 'MISSED'}; "
        f"peak <= 1 GiB {'met' if ok_mem else 'MISSED'}"
    )
    print(f"ratio import/baseline time: {imp['seconds'] / base['seconds']:.2f}")


if __name__ == "__main__":
    main()
