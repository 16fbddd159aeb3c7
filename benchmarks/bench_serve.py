"""Dashboard benchmark: ``smm serve``'s overview against ``smm report --format json``.

    uv run python benchmarks/bench_serve.py [--posts 1000000] [--runs 5] [--dir DIR]

1. the demo workspace (``smm demo``'s data, 12 months, about 600 own posts): the overview's
   server time (the ``Server-Timing`` header the dashboard sends) with an empty cache (a new
   report is built) and from the cache (a repeated view) -- target: under 200 ms;
2. a scaled-up workspace of ``--posts`` posts (the generator and import of
   ``bench_report.py``, reused from ``--dir`` when it is there): in this process, on the same
   store file, the median of ``--runs`` of (interleaved run by run, so a shared machine's
   load hits both alike)
   - baseline: what ``smm report --format json`` does after start-up: build the report and
     render it as JSON;
   - serve: ``GET /w/<ws>/`` (the overview) through the dashboard's ASGI app with its cache
     emptied before each run: build the same report and render the page;
   targets: serve under 1.5 s and at most 1.2x the baseline. The last line is the ratio.

The workspace's report cache on disk is off (``SMM_NO_CACHE=1``), so every new report is
computed. The machine may be shared: timings are noisy, compare the two in the same run.
"""

from __future__ import annotations

import argparse
import io
import os
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


class Runner:
    """One workspace measured both ways in this process: the dashboard's ASGI app (its cache
    emptied before each cold view) and build_report + the json reporter."""

    def __init__(self, folder: Path) -> None:
        warnings.simplefilter("ignore", DeprecationWarning)
        from smm_serve.app import create_app
        from smm_serve.site import Site
        from starlette.testclient import TestClient

        from smmcore.api import load_reporter
        from smmcore.plugins import PluginHost
        from smmcore.report import build_report
        from smmcore.workspace import load_workspace

        self.folder = folder
        self.host = PluginHost()
        self.site = Site({"ws": folder}, self.host)
        self.client = TestClient(create_app(self.site), base_url="http://127.0.0.1")
        self.build_report, self.load_workspace = build_report, load_workspace
        _spec, self.reporter = load_reporter(self.host, "json", load_workspace(folder))
        # imports, plugin loading and DuckDB's first reads, not counted
        self.report_json()
        self.overview()

    def report_json(self) -> float:
        """Milliseconds of what ``smm report --format json`` does after start-up."""
        clock = time.perf_counter()
        ws = self.load_workspace(self.folder)
        self.reporter.render(self.build_report(ws, self.host), io.StringIO())
        return (time.perf_counter() - clock) * 1000

    def overview(self, cached: bool = False) -> float:
        """Server milliseconds of the overview (a new report unless ``cached``)."""
        if not cached:
            self.site.cache.clear()
        response = self.client.get("/w/ws/")
        assert response.status_code == 200, response.text[:500]
        return _server_ms(response)

    def measure(self, runs: int) -> dict[str, list[float]]:
        """The three timings, interleaved run by run so that load on a shared machine hits
        both sides alike."""
        out: dict[str, list[float]] = {"json": [], "cold": [], "warm": []}
        for _ in range(runs):
            out["json"].append(self.report_json())
            out["cold"].append(self.overview())
            out["warm"].append(self.overview(cached=True))
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
    # every "new report" is computed: the workspace's report cache on disk (shared with
    # smm report) would otherwise answer the dashboard's cold views
    os.environ["SMM_NO_CACHE"] = "1"
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, help="scaled workspace folder, reused when present")
    args = parser.parse_args()
    med = statistics.median

    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        demo = Runner(demo_workspace(Path(tmp) / "demo")).measure(args.runs)
        print(
            f"demo overview server time: {med(demo['cold']):.0f} ms with a new report "
            f"(min {min(demo['cold']):.0f}), {med(demo['warm']):.1f} ms from the cache "
            f"(target < 200 ms); smm report --format json's work: {med(demo['json']):.0f} ms"
        )

        from bench_report import setup

        folder = args.dir or Path(tmp) / "scaled"
        folder.mkdir(parents=True, exist_ok=True)
        clock = time.perf_counter()
        info = setup(folder, args.posts)
        print(f"scaled workspace: {info.get('posts', '?'):,} posts ready in "
              f"{time.perf_counter() - clock:.0f} s")  # fmt: skip
        scaled = Runner(folder).measure(args.runs)
        baseline, serve = med(scaled["json"]), med(scaled["cold"])
        print(f"scaled smm report --format json's work (build + render): {baseline:.0f} ms")
        print(
            f"scaled overview server time: {serve:.0f} ms with a new report "
            f"(target < 1500 ms), {med(scaled['warm']):.1f} ms from the cache"
        )
        print(f"ratio overview / report json: {serve / baseline:.2f} (target <= 1.2)")


if __name__ == "__main__":
    main()
