"""Dashboard benchmark: ``smm serve``'s overview against ``smm report --format json``.

    uv run python benchmarks/bench_serve.py [--posts 1000000] [--runs 5] [--dir DIR]

1. the demo workspace (``smm demo``'s data, 12 months, about 600 own posts): the overview's
   server time (the ``Server-Timing`` header the dashboard sends) with an empty cache (a new
   report is built) and from the cache (a repeated view) -- target: under 200 ms;
2. a scaled-up workspace of ``--posts`` posts (the generator and import of
   ``bench_report.py``, reused from ``--dir`` when it is there): in this process, on the same
   store file, the median of ``--runs`` of
   - baseline: what ``smm report --format json`` does after start-up: build the report and
     render it as JSON;
   - serve: ``GET /w/<ws>/`` (the overview) through the dashboard's ASGI app with its cache
     emptied before each run: build the same report and render the page;
   targets: serve under 1.5 s and at most 1.2x the baseline. The last line is the ratio.

The machine may be shared: timings are noisy, compare the two in the same run.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _server_ms(response: Any) -> float:
    timing = response.headers["server-timing"]
    return float(timing.split("dur=", 1)[1])


def overview_times(folder: Path, runs: int) -> tuple[list[float], list[float]]:
    """Server milliseconds of the overview: cold (cache emptied) and warm, ``runs`` each."""
    warnings.simplefilter("ignore", DeprecationWarning)
    from smm_serve.app import create_app
    from smm_serve.site import Site
    from starlette.testclient import TestClient

    from smmcore.plugins import PluginHost

    site = Site({"ws": folder}, PluginHost())
    client = TestClient(create_app(site), base_url="http://127.0.0.1")
    assert client.get("/w/ws/").status_code == 200  # imports and plugin loading, not counted
    cold, warm = [], []
    for _ in range(runs):
        site.cache.clear()
        response = client.get("/w/ws/")
        assert response.status_code == 200, response.text[:500]
        cold.append(_server_ms(response))
        warm.append(_server_ms(client.get("/w/ws/")))
    return cold, warm


def report_json_times(folder: Path, runs: int) -> list[float]:
    """Milliseconds of build_report + the json reporter (smm report --format json's work)."""
    from smmcore.cli.report_cmd import load_reporter
    from smmcore.plugins import PluginHost
    from smmcore.report import build_report
    from smmcore.workspace import load_workspace

    host = PluginHost()
    ws = load_workspace(folder)
    _spec, reporter = load_reporter(host, "json", ws)
    reporter.render(build_report(ws, host), io.StringIO())  # warm-up, not counted
    out = []
    for _ in range(runs):
        clock = time.perf_counter()
        ws = load_workspace(folder)
        reporter.render(build_report(ws, host), io.StringIO())
        out.append((time.perf_counter() - clock) * 1000)
    return out


def demo_workspace(folder: Path) -> Path:
    from smm_files.demo import write_demo_workspace

    from smmcore.plugins import PluginHost
    from smmcore.sync import run_sync
    from smmcore.workspace import load_workspace

    if not (folder / ".smm" / "store.duckdb").exists():
        write_demo_workspace(folder)
        result = run_sync(load_workspace(folder), PluginHost())
        if not result.ok:
            sys.exit(f"demo import failed: {[u.error for u in result.failed]}")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, help="scaled workspace folder, reused when present")
    args = parser.parse_args()
    med = statistics.median

    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        demo = demo_workspace(Path(tmp) / "demo")
        cold, warm = overview_times(demo, args.runs)
        print(
            f"demo overview server time: {med(cold):.0f} ms with a new report "
            f"(min {min(cold):.0f}), {med(warm):.1f} ms from the cache (target < 200 ms)"
        )
        demo_json = med(report_json_times(demo, args.runs))
        print(f"demo smm report --format json (build + render): {demo_json:.0f} ms")

        from bench_report import setup

        folder = args.dir or Path(tmp) / "scaled"
        folder.mkdir(parents=True, exist_ok=True)
        clock = time.perf_counter()
        info = setup(folder, args.posts)
        print(f"scaled workspace: {info.get('posts', '?'):,} posts ready in "
              f"{time.perf_counter() - clock:.0f} s")  # fmt: skip
        baseline = med(report_json_times(folder, args.runs))
        cold, warm = overview_times(folder, args.runs)
        serve = med(cold)
        print(f"scaled smm report --format json (build + render): {baseline:.0f} ms")
        print(
            f"scaled overview server time: {serve:.0f} ms with a new report "
            f"(target < 1500 ms), {med(warm):.1f} ms from the cache"
        )
        print(f"ratio overview / report json: {serve / baseline:.2f} (target <= 1.2)")


if __name__ == "__main__":
    main()
