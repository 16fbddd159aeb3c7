"""Startup time of ``smm --help``, ``smm kpis list`` and ``smm plugins list`` against
``python -c "import click"``, with bytecode cached.

Runs with every first-party plugin loaded as a user installs them (the ``all`` extra of
smmcore, read from pyproject.toml; not the example plugin):
``uv run python benchmarks/bench_startup.py``. Each round runs the baseline and the commands
back to back, so load on the shared machine hits all of them alike; medians and spread are
printed. Targets (issue 15): ``smm --help`` at most 2x the baseline, ``smm kpis list`` at most
2.5x.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _time(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="A/B rounds (at least 7)")
    args = parser.parse_args()
    rounds = max(7, args.rounds)
    smm = Path(sys.executable).with_name("smm")
    if not smm.exists():
        sys.exit(f"no smm script next to {sys.executable}: run it with 'uv run'")
    import tomllib

    root = Path(__file__).resolve().parents[1]
    extras = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    plugins_all = extras["project"]["optional-dependencies"]["all"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMM_")}
    env["SMM_LOAD_PLUGINS"] = ",".join(plugins_all)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    commands = {
        "python -c 'import click'": [sys.executable, "-c", "import click"],
        "smm --help": [str(smm), "--help"],
        "smm kpis list": [str(smm), "kpis", "list"],
        "smm plugins list": [str(smm), "plugins", "list"],
    }
    loaded = subprocess.run(
        [str(smm), "plugins", "list", "--json"], check=True, capture_output=True, text=True, env=env
    ).stdout.count('"status": "ok"')
    for command in commands.values():  # warm the file cache and .pyc files
        _time(command, env)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            samples[name].append(_time(command, env))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    print(
        f"{loaded} plugins loaded, {rounds} rounds, load average {os.getloadavg()[0]:.1f} "
        "(a shared machine: noisy); median wall time (spread):"
    )
    for name, value in medians.items():
        low, high = min(samples[name]), max(samples[name])
        print(f"  {name:<26} {value * 1000:7.1f} ms ({low * 1000:.0f}-{high * 1000:.0f})")
    baseline = medians["python -c 'import click'"]
    plugins_ratio = medians["smm plugins list"] / baseline
    print(f"smm plugins list / import click: {plugins_ratio:.2f}")
    kpis_ratio = medians["smm kpis list"] / baseline
    print(
        f"smm kpis list / import click (target <= 2.5): {kpis_ratio:.2f} "
        f"{'ok' if kpis_ratio <= 2.5 else 'MISSED'}"
    )
    help_ratio = medians["smm --help"] / baseline
    print(
        f"smm --help / import click (target <= 2): {help_ratio:.2f} "
        f"{'ok' if help_ratio <= 2 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
