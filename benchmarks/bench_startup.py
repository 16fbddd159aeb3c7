"""Startup time of ``smm --help`` and ``smm plugins list`` against ``python -c "import click"``.

Run with every first-party plugin installed (``uv run python benchmarks/bench_startup.py``).
Each round runs the baseline and the two commands back to back (A/B pair by pair), so load on
the machine hits all three alike; the medians are compared. Target: ratio <= 2.5.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="A/B rounds (at least 7)")
    args = parser.parse_args()
    rounds = max(7, args.rounds)
    smm = Path(sys.executable).with_name("smm")
    if not smm.exists():
        sys.exit(f"no smm script next to {sys.executable}: run it with 'uv run'")
    commands = {
        "python -c 'import click'": [sys.executable, "-c", "import click"],
        "smm --help": [str(smm), "--help"],
        "smm plugins list": [str(smm), "plugins", "list"],
    }
    plugins = subprocess.run(
        [str(smm), "plugins", "list", "--json"], check=True, capture_output=True, text=True
    ).stdout.count('"status": "ok"')
    for command in commands.values():  # warm the file cache and .pyc files
        _time(command)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            samples[name].append(_time(command))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    print(f"{plugins} plugins loaded, {rounds} rounds, median wall time:")
    for name, value in medians.items():
        print(f"  {name:<26} {value * 1000:7.1f} ms")
    baseline = medians["python -c 'import click'"]
    worst = max(medians["smm --help"], medians["smm plugins list"]) / baseline
    print(f"smm --help / import click:       {medians['smm --help'] / baseline:.2f}")
    print(f"smm plugins list / import click: {medians['smm plugins list'] / baseline:.2f}")
    print(f"ratio (worst, target <= 2.5): {worst:.2f}")


if __name__ == "__main__":
    main()
