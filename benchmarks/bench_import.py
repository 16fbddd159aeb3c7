"""Import benchmark: ``smm files import`` of a large export against a bare DuckDB load.

    uv run python benchmarks/bench_import.py [--posts 1000000] [--repeat 3] [--keep DIR]
    uv run python benchmarks/bench_import.py --posts 2000000 --sync-memory

The export is the demo generator scaled up (accounts.csv, posts.csv with one metric snapshot
per post, audience.csv, interactions.csv). Two programs load it, each in its own process
(timed from the outside: process start-up included on both sides, peak RSS of that process):

* product: ``smm files import DATA`` in a workspace with a fresh store: parsing, every
  validation, the natural-key merge into the store's schema, one transaction;
* baseline: a bare ``read_csv`` of each file + ``INSERT`` into a plain table (``CREATE TABLE
  ... AS``, no keys, no checks) of a fresh DuckDB file: what DuckDB alone costs.

They alternate ``--repeat`` times (product, baseline, product, ...), so a neighbour's load on
this shared machine hits both alike; the medians and the spread (min..max) are printed, and
the ratio of the medians last. Rows are the user's rows: the data rows of the CSV files, not
what ends up stored.

``--sync-memory`` instead measures the peak RSS of ``smm sync --full`` on that export twice:
into an empty store, then again into the store that already holds it (target: at most 1 GiB
for 2M posts whatever the store size).

Targets (issue 9): product time at most 1.5x the baseline's; peak memory at most 1 GiB.
Timings on a shared machine are noisy: compare the ratio of one run, not absolute numbers
across runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

END_DATE = date(2026, 11, 25)
TARGET_RATIO = 1.5
TARGET_PEAK_BYTES = 1 << 30
FILES = ("accounts", "posts", "audience", "interactions")

_BASELINE = """
import sys, duckdb
folder, db = sys.argv[1], sys.argv[2]
con = duckdb.connect(db)
con.execute("BEGIN TRANSACTION")
for name in {files!r}:
    con.execute(
        f"CREATE TABLE {{name}} AS SELECT * FROM read_csv('{{folder}}/{{name}}.csv', header = true)"
    )
con.execute("COMMIT")
con.close()
"""


def generate(folder: Path, posts: int, accounts: int) -> dict[str, int]:
    """Write the export (in a child process: its memory is not ours) and count data rows."""
    code = (
        "import sys; from datetime import date; from smm_files.demo import generate_export; "
        f"generate_export(sys.argv[1], end_date=date({END_DATE.year}, {END_DATE.month}, "
        f"{END_DATE.day}), posts={posts}, accounts={accounts})"
    )
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True)
    return {name: data_rows(folder / f"{name}.csv") for name in FILES}


def data_rows(path: Path) -> int:
    """CSV data rows (records, not lines: a quoted field may hold line breaks)."""
    import duckdb

    return duckdb.sql(f"SELECT count(*) FROM read_csv('{path}', header = true)").fetchall()[0][0]


def timed(cmd: list[str], cwd: Path) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (bytes) and CPU seconds (all threads) of one child process."""
    # compiled bytecode as a user has it (this machine sets PYTHONDONTWRITEBYTECODE)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    out, err = proc.communicate()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out.decode()}\n{err.decode()}")
    return seconds, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime


def workspace(root: Path, data: Path) -> Path:
    ws = root / "ws"
    ws.mkdir(parents=True, exist_ok=True)
    (ws / "smm.toml").write_text(
        '[client]\nname = "Bench"\n\n[[channels]]\nnetwork = "instagram"\n'
        f'handle = "fornorossi.bologna"\nsource = "files"\n\n[plugins.files]\npath = "{data}"\n'
    )
    return ws


SMM = [str(Path(sys.executable).parent / "smm")]


def smm() -> list[str]:
    """The ``smm`` command measured: this environment's, or ``--smm``'s (another build)."""
    return SMM


def run_product(ws: Path, data: Path) -> tuple[float, int, float]:
    for old in (ws / ".smm").glob("store.duckdb*"):
        old.unlink()
    return timed([*smm(), "files", "import", str(data)], ws)


def run_baseline(root: Path, data: Path) -> tuple[float, int, float]:
    db = root / "baseline.duckdb"
    for old in root.glob("baseline.duckdb*"):
        old.unlink()
    code = _BASELINE.format(files=FILES)
    return timed([sys.executable, "-c", code, str(data), str(db)], root)


def spread(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    parser.add_argument("--reuse", action="store_true", help="with --keep: reuse its files")
    parser.add_argument(
        "--sync-memory", action="store_true", help="peak RSS of smm sync --full, twice"
    )
    parser.add_argument(
        "--smm", type=Path, help="the smm executable to measure (e.g. another checkout's)"
    )
    args = parser.parse_args()
    if args.smm:
        SMM[:] = [str(args.smm)]

    with tempfile.TemporaryDirectory(prefix="smm-bench-import-") as tmp:
        root = (args.keep or Path(tmp)).resolve()
        data = root / "data"
        if not (args.reuse and (data / "posts.csv").exists()):
            t0 = time.perf_counter()
            rows = generate(data, args.posts, args.accounts)
            print(f"generated in {time.perf_counter() - t0:.1f} s")
        else:
            rows = {name: data_rows(data / f"{name}.csv") for name in FILES}
        total = sum(rows.values())
        size = sum((data / f"{n}.csv").stat().st_size for n in FILES) / 1e6
        print(f"export: {size:,.0f} MB of CSV, {total:,} data rows ({rows})")
        ws = workspace(root, data)

        if args.sync_memory:
            for label in ("into an empty store", "into the store that holds it"):
                if label.startswith("into an empty"):
                    for old in (ws / ".smm").glob("store.duckdb*"):
                        old.unlink()
                seconds, peak, _cpu = timed([*smm(), "sync", "--full", "--allow-no-data"], ws)
                print(
                    f"smm sync --full {label}: {seconds:.1f} s, peak RSS {peak / 2**20:,.0f} MiB "
                    f"(target <= 1,024 MiB: {'met' if peak <= TARGET_PEAK_BYTES else 'MISSED'})"
                )
            return

        # warm-up, not timed: bytecode compiled, files in the page cache for both
        small = root / "small"
        small.mkdir(exist_ok=True)
        for name in FILES:
            with (data / f"{name}.csv").open() as src:
                head = [next(src) for _ in range(50)]
            (small / f"{name}.csv").write_text("".join(head))
        run_product(ws, small)
        run_baseline(root, small)
        product: list[float] = []
        baseline: list[float] = []
        cpu: list[float] = []
        base_cpu: list[float] = []
        peaks: list[int] = []
        base_peaks: list[int] = []
        for i in range(args.repeat):
            seconds, peak, used = run_product(ws, data)
            product.append(seconds)
            peaks.append(peak)
            cpu.append(used)
            seconds, peak, used = run_baseline(root, data)
            baseline.append(seconds)
            base_peaks.append(peak)
            base_cpu.append(used)
            print(
                f"run {i + 1}: smm files import {product[-1]:.2f} s (CPU {cpu[-1]:.1f} s), "
                f"baseline {baseline[-1]:.2f} s (CPU {base_cpu[-1]:.1f} s)"
            )

    p, b = statistics.median(product), statistics.median(baseline)
    print(
        f"smm files import: {spread(product)} = {total / p:,.0f} rows/s, "
        f"peak RSS {max(peaks) / 2**20:,.0f} MiB"
    )
    print(
        f"baseline (read_csv + INSERT into plain tables): {spread(baseline)} = "
        f"{total / b:,.0f} rows/s, peak RSS {max(base_peaks) / 2**20:,.0f} MiB"
    )
    print(
        f"CPU time (all threads), medians: import {statistics.median(cpu):.1f} s, "
        f"baseline {statistics.median(base_cpu):.1f} s, ratio "
        f"{statistics.median(cpu) / statistics.median(base_cpu):.2f}"
    )
    print("(timings on a shared machine are noisy: the ratio of one run is what compares)")
    print(
        f"targets: ratio <= {TARGET_RATIO} {'met' if p / b <= TARGET_RATIO else 'MISSED'}; "
        f"peak <= 1 GiB {'met' if max(peaks) <= TARGET_PEAK_BYTES else 'MISSED'}"
    )
    print(f"ratio smm files import / baseline (medians): {p / b:.2f}")


if __name__ == "__main__":
    main()
