"""The team store's own environment: smm-ducklake pins duckdb==1.5.5, the repository runs 2.x.

    uv run python scripts/team_env.py        # build it when needed; print its Python

It is built the way a user gets one: smmcore and the plugins the team tests and benchmark use
(:data:`PLUGINS`) installed with uv (duckdb 2.x comes with them), then
``smm plugins install -e plugins/smm-ducklake``, which takes duckdb down to 1.5.5. Installs are
editable, so code changes need no rebuild. It is kept in ``.team-env/<key>/`` (gitignored),
keyed by the pyproject files it was built from, this Python and this build recipe; a build
tries uv's cache first (offline), then the registry. Used by tests/test_team_environment.py
and benchmarks/bench_team.py.
"""

from __future__ import annotations

import fcntl
import hashlib
import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DUCKLAKE = ROOT / "plugins" / "smm-ducklake"
PLUGINS = ("smm-files", "smm-kpis", "smm-reports", "smm-mastodon", "smm-bluesky")
"""What the team tests and benchmark use besides smmcore: demos, the KPIs and the reports,
and the two networks benchmarks/simulator.py serves."""
ENVS = ROOT / ".team-env"
PINNED = "1.5.5"
"""The duckdb smm-ducklake pins."""


class BuildError(RuntimeError):
    """A step of the build failed (its command and output are the message)."""


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment for a command of the team environment: without this
    environment's venv, plugin selection or CLI-coverage log (what runs there depends on
    whether the environment was cached)."""
    drop = {
        "VIRTUAL_ENV",
        "PYTHONPATH",
        "SMM_LOAD_PLUGINS",
        "SMM_DISABLE_PLUGINS",
        "SMM_CLI_COVERAGE_LOG",
    }
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(extra)
    return env


def _run(*cmd: str | Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in cmd],
        capture_output=True,
        text=True,
        timeout=900,
        env=clean_env(**extra),
        cwd=ROOT,
    )


def _install(*cmd: str | Path, **extra: str) -> None:
    """Run an install command from uv's cache alone, else with the registry."""
    if _run(*cmd, UV_OFFLINE="1", **extra).returncode == 0:
        return
    done = _run(*cmd, **extra)
    if done.returncode != 0:
        raise BuildError(f"{' '.join(map(str, cmd))} failed:\n{done.stdout}\n{done.stderr}")


def _build(folder: Path, uv: str) -> None:
    python = folder / "bin" / "python"
    done = _run(uv, "venv", "--quiet", "--python", sys.executable, folder)
    if done.returncode != 0:
        raise BuildError(f"uv venv {folder} failed:\n{done.stderr}")
    editables = [a for p in PLUGINS for a in ("-e", ROOT / "plugins" / p)]
    # a user's environment: smmcore and the standard plugins (duckdb 2.x comes with them) ...
    _install(uv, "pip", "install", "--python", python, "-e", ROOT, *editables, "pytest>=8")
    # ... then the team store the way the user guide says: smm plugins install (uv pip)
    _install(python, "-m", "smmcore", "plugins", "install", "-e", DUCKLAKE, SMM_INSTALLER="uv")


def _key() -> str:
    digest = hashlib.sha256(sys.version.encode())
    for folder in (ROOT, *(ROOT / "plugins" / p for p in PLUGINS), DUCKLAKE):
        digest.update((folder / "pyproject.toml").read_bytes())
    digest.update(inspect.getsource(_build).encode())
    return digest.hexdigest()[:16]


def team_python(uv: str | None = None) -> Path:
    """The team environment's Python, built first when missing or stale (one build at a time:
    a lock file). Raises :class:`BuildError` when uv is missing or a step fails."""
    uv = uv or os.environ.get("UV") or shutil.which("uv")
    if uv is None:
        raise BuildError("uv is needed to build the team store's environment (pip install uv)")
    ENVS.mkdir(exist_ok=True)
    key = _key()
    folder = ENVS / key
    with open(ENVS / ".lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".complete").exists():
            for old in ENVS.iterdir():
                if old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
            _build(folder, uv)
            (folder / ".complete").write_text(key)
    return folder / "bin" / "python"


if __name__ == "__main__":
    try:
        print(team_python())
    except BuildError as exc:
        raise SystemExit(str(exc)) from None
