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
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``command``."""
    cpu = _cpu()
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    return time.perf_counter() - start, _cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="A/B rounds (at least 5)")
    args = parser.parse_args()
    rounds = max(5, args.rounds)
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
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    loads = [os.getloadavg()[0]]
    for _ in range(rounds):
        for name, command in commands.items():
            wall, used = _time(command, env)
            samples[name].append(wall)
            cpu[name].append(used)
    loads.append(os.getloadavg()[0])
    medians = {name: statistics.median(values) for name, values in samples.items()}
    cpu_medians = {name: statistics.median(values) for name, values in cpu.items()}
    print(
        f"{loaded} plugins loaded, {rounds} rounds, load average {loads[0]:.1f} to "
        f"{loads[1]:.1f} (a shared machine: noisy); median wall time (spread), median CPU "
        "time (user + system, which the load disturbs much less):"
    )
    for name, value in medians.items():
        low, high = min(samples[name]), max(samples[name])
        print(
            f"  {name:<26} {value * 1000:7.1f} ms ({low * 1000:.0f}-{high * 1000:.0f})  "
            f"CPU {cpu_medians[name] * 1000:6.1f} ms"
        )
    baseline = medians["python -c 'import click'"]
    cpu_base = cpu_medians["python -c 'import click'"]
    for name, target in (("smm plugins list", None), ("smm kpis list", 2.5), ("smm --help", 2.0)):
        ratio = medians[name] / baseline
        verdict = "" if target is None else f" {'ok' if ratio <= target else 'MISSED'}"
        goal = "" if target is None else f" (target <= {target:g})"
        print(
            f"{name} / import click{goal}: {ratio:.2f}{verdict} "
            f"(CPU time: {cpu_medians[name] / cpu_base:.2f})"
        )


if __name__ == "__main__":
    main()
