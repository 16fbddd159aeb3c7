"""The team store (smm-ducklake) in its own environment, and store files across duckdb versions.

smm-ducklake pins ``duckdb==1.5.5`` (its DuckLake and PostgreSQL extension packages exist for
that version only) while the repository's environment runs duckdb 2.x, so it is not a member
of the uv workspace. Here its environment is built the way a user gets one: smmcore and the
standard plugins installed with uv (duckdb 2.x comes with them), then ``smm plugins install -e
plugins/smm-ducklake``, which takes duckdb down to 1.5.5. smm-ducklake's own tests (a real
PostgreSQL) run in it as a subprocess, and store files go both ways between the two duckdb
versions.

The environment (scripts/team_env.py) is kept in ``.team-env/`` (gitignored) and rebuilt only
when a pyproject file it comes from changes; installs are editable.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("team_env", ROOT / "scripts" / "team_env.py")
team_env = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(team_env)

DUCKLAKE = team_env.DUCKLAKE
PINNED = team_env.PINNED
SAME_PLUGINS = {"SMM_LOAD_PLUGINS": "smm-files,smm-kpis,smm-reports"}
"""Both environments load the same plugins when their reports are compared."""


def _run(*cmd: str | Path, timeout: float = 600, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(c) for c in cmd],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=team_env.clean_env(COLUMNS="200", **extra),
        cwd=ROOT,
    )


def _ok(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0, f"{done.args}\n{done.stdout[-8000:]}\n{done.stderr[-8000:]}"
    return done


@pytest.fixture(scope="module")
def team_python() -> Path:
    """The team environment's Python (scripts/team_env.py: built, or reused when its inputs
    are unchanged)."""
    try:
        return team_env.team_python()
    except team_env.BuildError as exc:
        pytest.fail(f"cannot build the team store's environment: {exc}")


def _smm(python: Path | str, ws: Path | None, *args: str | Path) -> subprocess.CompletedProcess:
    where = ("-w", ws) if ws is not None else ()
    return _run(python, "-m", "smmcore", *where, *args, **SAME_PLUGINS)


def _demo(python: Path | str, out: Path) -> None:
    _ok(_smm(python, None, "demo", "--out", out, "--end-date", "2026-03-31"))


def _report(python: Path | str, ws: Path) -> dict[str, Any]:
    done = _ok(_smm(python, ws, "report", "--format", "json", "-o", "-"))
    data = json.loads(done.stdout)
    data.pop("generated_at", None)
    return data


def _same(a: Any, b: Any, path: str = "") -> list[str]:
    """Where two reports differ (floats to 1e-9 relative: another duckdb may sum in another
    order)."""
    if isinstance(a, float) and isinstance(b, float | int):
        return [] if b == pytest.approx(a, rel=1e-9, abs=1e-12) else [f"{path}: {a} != {b}"]
    if type(a) is not type(b):
        return [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, dict):
        if set(a) != set(b):
            return [f"{path}: keys {sorted(set(a) ^ set(b))}"]
        return [d for k in a for d in _same(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in _same(x, y, path)]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def _storage_version(path: Path) -> int:
    """The storage version number in a DuckDB file's header."""
    head = path.read_bytes()[:20]
    assert head[8:12] == b"DUCK"
    return int.from_bytes(head[12:20], "little")


def test_installing_smm_ducklake_gives_duckdb_1_5_5_and_a_working_smm(team_python: Path) -> None:
    assert int(duckdb.__version__.split(".")[0]) >= 2  # this environment: duckdb 2.x
    done = _ok(_run(team_python, "-c", "import duckdb; print(duckdb.__version__)"))
    assert done.stdout.strip() == PINNED
    listed = _ok(_run(team_python, "-m", "smmcore", "plugins", "list", "--json"))
    plugins = {p["name"]: p for p in json.loads(listed.stdout)}
    assert set(plugins) >= {"ducklake", "files", "kpis", "reports"}
    assert {p["status"] for p in plugins.values()} == {"ok"}
    assert "Take sync units" in _ok(_run(team_python, "-m", "smmcore", "--help")).stdout
    shown = _ok(_run(team_python, "-m", "smmcore", "plugins", "list")).stdout
    assert "store backends: ducklake" in shown
    info = _ok(_run(team_python, "-m", "smmcore", "plugins", "info", "ducklake")).stdout
    assert "ducklake" in info and "catalog" in info


def test_the_smm_ducklake_tests_pass_in_their_own_environment(team_python: Path) -> None:
    from smmcore.testing import cli_coverage

    tests = DUCKLAKE / "tests"
    # the smm commands these tests run count for the suite's CLI coverage (smm store migrate,
    # smm sync --status/--also run nowhere else): they log into this session's log
    log = {k: v for k, v in os.environ.items() if k == cli_coverage.LOG_ENV}
    done = _run(team_python, "-m", "pytest", tests, "-q", "-rs", "--no-header", timeout=1800, **log)
    output = f"{done.stdout[-20000:]}\n{done.stderr[-5000:]}"
    assert done.returncode == 0, f"pytest {tests} in {team_python.parents[1]} failed:\n{output}"
    skipped = re.findall(r"^SKIPPED \[\d+\] (.*)$", done.stdout, flags=re.MULTILINE)
    if skipped:  # PostgreSQL cannot be started here: say why, as the team tests do
        pytest.skip("smm-ducklake's tests skipped: " + "; ".join(sorted(set(skipped))))


def test_store_files_go_both_ways_between_duckdb_2_and_1_5(
    team_python: Path, tmp_path: Path
) -> None:
    """A store duckdb 2.x creates opens under 1.5.5 (the report is the same), and one 1.5.5
    creates stays readable by 1.5.5 after duckdb 2.x wrote to it."""
    made_by_2 = tmp_path / "by2"
    _demo(sys.executable, made_by_2)
    store = made_by_2 / ".smm" / "store.duckdb"
    assert _storage_version(store) == 68  # the 1.5 format (1.5.5 reads versions 64 to 68)
    assert _same(_report(sys.executable, made_by_2), _report(team_python, made_by_2)) == []

    made_by_1 = tmp_path / "by1"
    _demo(team_python, made_by_1)
    before = _report(team_python, made_by_1)
    # duckdb 2.x writes into it: a full re-import (every row written again, a checkpoint)
    _ok(_smm(sys.executable, made_by_1, "sync", "--full"))
    after_2 = _report(sys.executable, made_by_1)
    assert _storage_version(made_by_1 / ".smm" / "store.duckdb") == 68
    assert _same(before, _report(team_python, made_by_1)) == []
    assert _same(before, after_2) == []


def test_a_store_file_only_duckdb_2_reads_is_one_clear_error_under_1_5(
    team_python: Path, tmp_path: Path
) -> None:
    """A store file created by duckdb 2.x in its default storage format (as smmcore did before
    it chose the 1.5 format) cannot be opened by 1.5.5: one message, what to do, no traceback."""
    from smmcore.store import Store

    ws = tmp_path / "ws"
    _ok(_run(sys.executable, "-m", "smmcore", "init", ws, "--name", "Forno", "--yes"))
    store = ws / ".smm" / "store.duckdb"
    store.parent.mkdir(parents=True, exist_ok=True)
    duckdb.connect(str(store)).close()  # duckdb 2.x's own format
    with contextlib.closing(Store.open(store)):
        pass
    assert _storage_version(store) > 68
    before = store.read_bytes()

    done = _smm(team_python, ws, "report", "--format", "json", "-o", "-")
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, done.stderr
    assert "Traceback" not in done.stderr and "unexpected" not in done.stderr
    line = errors[0]
    assert f"the history store {store} was written by a newer version of DuckDB" in line
    assert f"(v{duckdb.__version__})" in line  # which duckdb wrote it (the file's header)
    assert f"the duckdb {PINNED} installed here cannot read" in line
    assert "upgrade duckdb" in line.lower() and "Team and agency" in line
    assert store.read_bytes() == before

    # the user guide's way out: rewrite the file in the 1.5 format with duckdb 2.x
    guide = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")
    (recipe,) = re.findall(r"```sh\n(python -c .*?COPY FROM DATABASE.*?)```", guide, re.DOTALL)
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    rewrite = ["bash", "-ec", recipe]
    env = team_env.clean_env(PATH=path)
    _ok(subprocess.run(rewrite, cwd=ws, env=env, capture_output=True, text=True))
    assert _storage_version(store) == 68
    assert _storage_version(ws / ".smm" / "store-2.duckdb") > 68  # the original, kept
    _ok(_smm(team_python, ws, "sync"))  # 1.5.5 opens and writes it now
    _report(team_python, ws)


def test_the_team_chapter_commands_exist_in_the_team_environment(team_python: Path) -> None:
    """The user guide's ```sh team``` blocks (smm worker, smm sync --queue, smm store migrate)
    resolve against the click tree of the environment that has smm-ducklake."""
    check = (
        "import sys, shlex\n"
        "sys.path.insert(0, 'tests')\n"
        "from test_docs_examples import _shell_blocks, smm_invocations, resolve\n"
        "from smmcore.plugins import PluginHost\n"
        "host = PluginHost(env={})\n"
        "blocks = [b for b in _shell_blocks() if b.team]\n"
        "print('commands', sum(len(smm_invocations(b.text)) for b in blocks))\n"
        "for b in blocks:\n"
        "    for args in smm_invocations(b.text):\n"
        "        for problem in resolve(args, host)[1]:\n"
        "            print(f'{b.where}: smm {shlex.join(args)}: {problem}')\n"
    )
    done = _ok(_run(team_python, "-c", check))
    lines = done.stdout.splitlines()
    assert int(lines[0].split()[1]) >= 3, done.stdout  # the chapter has its examples
    assert lines[1:] == []
