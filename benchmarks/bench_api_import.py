"""Import cost of the Python API: ``import smmcore`` against ``import pluggy`` (the one library
the package root needs), and what the first use of the API adds.

    uv run python benchmarks/bench_api_import.py [--rounds 21]

Each round starts the three programs back to back in fresh processes (bytecode cached), so a
neighbour's load on this shared machine hits them alike; medians and spread are printed, the
ratio of ``import smmcore`` to the baseline last. Target (issue 16): the API's names are
imported on first use, so ``import smmcore`` stays within noise of what it cost before them
(about the baseline: pluggy plus the registration records).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

PROGRAMS = {
    "import pluggy (baseline)": "import pluggy",
    "import smmcore": "import smmcore",
    "import smmcore; smmcore.Workspace": "import smmcore; smmcore.Workspace",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21, help="rounds (at least 5)")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cwd = tempfile.gettempdir()  # not the repository: its smmcore/ would shadow the installed one
    for code in PROGRAMS.values():  # warm the file cache and .pyc files
        subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=cwd)
    samples: dict[str, list[float]] = {name: [] for name in PROGRAMS}
    for _ in range(max(5, args.rounds)):
        for name, code in PROGRAMS.items():
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=cwd)
            samples[name].append(time.perf_counter() - start)
    for name, values in samples.items():
        print(
            f"{name:36s} median {statistics.median(values) * 1000:7.1f} ms "
            f"(spread {min(values) * 1000:.1f}..{max(values) * 1000:.1f})"
        )
    base = statistics.median(samples["import pluggy (baseline)"])
    root = statistics.median(samples["import smmcore"])
    print(f"import smmcore / baseline: {root / base:.2f}x")


if __name__ == "__main__":
    main()
