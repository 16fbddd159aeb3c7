"""Run every benchmark, one after the other, and print each one's ratios against its targets.

    uv run python benchmarks/run_all.py                 # all of them, the sizes below
    uv run python benchmarks/run_all.py --only sync,startup
    uv run python benchmarks/run_all.py --list          # what runs, with which arguments

Each benchmark runs in its own process with the arguments of :data:`BENCHMARKS` (sizes chosen
so that all of them together take under 10 minutes on the development machine: the issue's
sizes where a target names one, fewer rounds). Generated data (the 1M-post workspace, the
import export) is kept in ``--data`` (default: ``~/.cache/smm-bench``) and reused by the next
run; delete the folder to rebuild it. A benchmark that runs past its time limit is stopped and
reported as such; one that cannot run here (no PostgreSQL, no Chromium) is reported failed,
and the others still run. Each one's full output is streamed as it runs and kept in
``DATA/logs/NAME.log``; the summary at the end lists, per benchmark, its time, the machine's
load average before and after, and every line of its output that states a target or a ratio.
The exit code is 0 when every benchmark ran (a missed target is a finding, not a failure).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Bench:
    """One benchmark: its script, its arguments (``{data}``: the data folder) and the most
    time it may take."""

    name: str
    script: str
    args: tuple[str, ...]
    limit: float
    compares: str


BENCHMARKS = (
    Bench(
        "startup",
        "bench_startup.py",
        ("--rounds", "9"),
        120,
        "smm --help, kpis list, plugins list vs python -c 'import click'",
    ),
    Bench(
        "sync",
        "bench_sync.py",
        ("--quick",),
        180,
        "first sync vs the simulator's rate-limit floor; second sync requests per account",
    ),
    Bench(
        "report",
        "bench_report.py",
        ("--posts", "1000000", "--runs", "3", "--dir", "{data}/report-1m"),
        420,
        "smm report, all plugins vs standard vs raw SQL, 1M posts",
    ),
    Bench(
        "kpis",
        "bench_kpis.py",
        ("--posts", "1000000", "--runs", "3", "--keep", "{data}/kpis-1m.duckdb"),
        240,
        "every built-in KPI vs the raw SQL of the same numbers, 1M posts",
    ),
    Bench(
        "audience",
        "bench_audience.py",
        ("--rounds", "1"),
        480,
        "every segmenter vs the bare library on 100k members / 500k interactions",
    ),
    Bench(
        "import",
        "bench_import.py",
        ("--posts", "200000", "--repeat", "3", "--keep", "{data}/import-200k", "--reuse"),
        240,
        "smm files import vs DuckDB read_csv + CREATE TABLE AS",
    ),
    Bench(
        "serve",
        "bench_serve.py",
        ("--posts", "1000000", "--runs", "2", "--dir", "{data}/report-1m"),
        300,
        "the dashboard's overview vs the JSON report's work",
    ),
    Bench(
        "pdf",
        "bench_pdf.py",
        ("--runs", "1", "--dir", "{data}/pdf-demo"),
        180,
        "smm report --format pdf vs --format html",
    ),
    Bench(
        "team",
        "bench_team.py",
        ("--posts", "100000", "--runs", "1", "--workers", "4"),
        300,
        "report on the lake vs the file; workers vs the rate-limit floor",
    ),
    Bench(
        "spreadsheets",
        "bench_spreadsheets.py",
        ("--rows", "30000"),
        120,
        "python-calamine (smm-files) vs openpyxl reading a 30k-row XLSX",
    ),
)

_FINDING = re.compile(
    r"target|ratio|MISSED|: [0-9.]+x$|\[<=|\[>=|\[~",
    re.IGNORECASE,
)


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def run(bench: Bench, data: Path, logs: Path) -> tuple[str, float, list[str], str]:
    """Run one benchmark; return (status, seconds, finding lines, loads)."""
    args = [a.replace("{data}", str(data)) for a in bench.args]
    command = [sys.executable, str(HERE / bench.script), *args]
    print(f"\n=== {bench.name}: {' '.join(command[1:])}", flush=True)
    before = load()
    start = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    lines: list[str] = []
    status = "ok"
    with (logs / f"{bench.name}.log").open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            start_new_session=True,
        )

        def relay() -> None:  # stream the output as it comes, into the log and the summary
            assert proc.stdout is not None
            for line in proc.stdout:
                print(line, end="", flush=True)
                log.write(line)
                lines.append(line.rstrip("\n"))

        reader = threading.Thread(target=relay, daemon=True)
        reader.start()
        try:
            proc.wait(timeout=bench.limit)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(30)
            status = f"stopped after {bench.limit:.0f} s"
        reader.join(10)
    seconds = time.perf_counter() - start
    if status == "ok" and proc.returncode != 0:
        status = f"failed (exit {proc.returncode})"
    findings = [line.strip() for line in lines if _FINDING.search(line)]
    if status != "ok" and not findings:
        findings = [line.strip() for line in lines[-3:] if line.strip()]
    return status, seconds, findings, f"{before} -> {load()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated names (default: all)")
    parser.add_argument("--skip", default="", help="comma-separated names to leave out")
    parser.add_argument(
        "--data",
        type=Path,
        default=Path.home() / ".cache" / "smm-bench",
        help="where generated data is kept between runs",
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    args = parser.parse_args()
    names = [b.name for b in BENCHMARKS]
    chosen = args.only.split(",") if args.only else names
    skip = {s for s in args.skip.split(",") if s}
    unknown = (set(chosen) | skip) - set(names)
    if unknown:
        parser.error(f"unknown benchmark(s) {sorted(unknown)}; known: {', '.join(names)}")
    selected = [b for b in BENCHMARKS if b.name in chosen and b.name not in skip]
    if args.list:
        for b in selected:
            print(f"{b.name:<13} {b.script} {' '.join(b.args)}  (limit {b.limit:.0f} s)")
            print(f"{'':<13} {b.compares}")
        return
    data = args.data.resolve()
    logs = data / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results = [(b, *run(b, data, logs)) for b in selected]
    total = time.perf_counter() - started

    print("\n" + "=" * 78)
    print(
        f"{len(results)} benchmark(s) in {total / 60:.1f} min (target: all under 10 min); "
        f"{os.cpu_count()} CPUs; full logs in {logs}"
    )
    for bench, status, seconds, findings, loads in results:
        print(f"\n{bench.name} ({bench.compares}): {status}, {seconds:.0f} s, load {loads}")
        for line in findings or ["(no ratio printed)"]:
            print(f"    {line}")
    failed = [b.name for b, status, *_ in results if status != "ok"]
    if failed:
        print(f"\nnot run to the end: {', '.join(failed)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
