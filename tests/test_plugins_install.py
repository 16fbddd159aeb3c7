"""Install and uninstall examples/smm-example-plugin like an outside package, offline.

The example's wheel is built locally and installed with ``smm plugins install`` into a fresh
virtual environment that holds smmcore (from its own wheel) and, through a ``.pth`` file,
smmcore's dependencies from the development environment, but none of the repository's
plugins. Both installers are exercised: ``uv pip`` and ``pip``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "smm-example-plugin"
UV = os.environ.get("UV") or shutil.which("uv")

pytestmark = pytest.mark.skipif(UV is None, reason="uv is needed to build the wheels offline")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    env.update(UV_OFFLINE="1", PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    env.pop("SMM_LOAD_PLUGINS", None)
    env.pop("SMM_DISABLE_PLUGINS", None)
    return env


def _run(*cmd: str | Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, env=_env(**extra), timeout=180
    )


def _ok(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, f"{done.args}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The wheels of smmcore and of the example plugin, built offline."""
    out = tmp_path_factory.mktemp("dist")
    for project in (EXAMPLE, ROOT):
        done = _run(UV, "build", "--offline", "--wheel", "--out-dir", out, project)
        if done.returncode != 0 and "network" in done.stderr.lower():
            pytest.skip("the build backend (hatchling) is not in uv's cache and we stay offline")
        _ok(done)
    (example,) = out.glob("smm_example_plugin-*.whl")
    (core,) = out.glob("smmcore-*.whl")
    return {"example": example, "smmcore": core}


@pytest.fixture(scope="module")
def dependencies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder exposing the dev environment's third-party packages, without smmcore and
    without any smm plugin (their code, metadata and editable-install hooks)."""
    site = Path(sysconfig.get_paths()["purelib"])
    farm = tmp_path_factory.mktemp("deps")
    for entry in site.iterdir():
        lowered = entry.name.lower()
        if (
            lowered.startswith(("smm", "_editable_impl_", "__editable__", "_virtualenv"))
            or lowered.endswith(".pth")
            or lowered in {"pip", "__pycache__"}
            or lowered.startswith("pip-")
        ):
            continue
        (farm / entry.name).symlink_to(entry)
    return farm


def _bundled_pip() -> Path:
    """The pip wheel shipped with the standard library's ensurepip (installable offline)."""
    import ensurepip

    wheels = sorted(Path(ensurepip.__file__).parent.joinpath("_bundled").glob("pip-*.whl"))
    if not wheels:
        pytest.skip("this Python has no bundled pip wheel")
    return wheels[-1]


def _make_env(folder: Path, deps: Path, core_wheel: Path, *, with_pip: bool) -> Path:
    _ok(_run(UV, "venv", "--offline", "--python", sys.executable, folder))
    python = folder / "bin" / "python"
    if with_pip:  # faster than `python -m venv`, and offline too
        _ok(_run(UV, "pip", "install", "--offline", "--python", python, _bundled_pip()))
    purelib = _ok(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    ).stdout.strip()
    Path(purelib, "_smm_test_deps.pth").write_text(f"{deps}\n")
    _ok(_run(UV, "pip", "install", "--offline", "--no-deps", "--python", python, core_wheel))
    return python


def _plugins(python: Path) -> dict[str, dict]:
    done = _ok(_run(python, "-m", "smmcore", "plugins", "list", "--json", "--all"))
    return {p["name"]: p for p in json.loads(done.stdout)}


@pytest.mark.parametrize("installer", ["uv", "pip"])
def test_install_and_uninstall_round_trip(
    installer: str, wheels: dict[str, Path], dependencies: Path, tmp_path: Path
) -> None:
    python = _make_env(
        tmp_path / "env", dependencies, wheels["smmcore"], with_pip=installer == "pip"
    )
    smm = (python, "-m", "smmcore")
    use = {"SMM_INSTALLER": installer}

    # a clean environment: smmcore without the repository's plugins
    assert _plugins(python) == {}

    done = _ok(_run(*smm, "plugins", "install", "--no-deps", wheels["example"], **use))
    assert ("uv pip install" if installer == "uv" else "-m pip install") in done.stderr
    listed = _plugins(python)
    assert list(listed) == ["example"]
    example = listed["example"]
    assert (example["distribution"], example["version"], example["status"]) == (
        "smm-example-plugin",
        "0.1.0",
        "ok",
    )
    assert [s["name"] for s in example["registers"]["sources"]] == ["followers-file"]
    assert [k["name"] for k in example["registers"]["kpis"]] == ["saves_rate"]
    info = _ok(_run(*smm, "plugins", "info", "example"))
    assert "path: string [default: followers.json]" in info.stdout  # settings schema, imported

    # uninstalling smmcore itself is refused, and smm keeps working
    refused = _run(*smm, "plugins", "uninstall", "smmcore", **use)
    assert refused.returncode == 1
    assert "refusing to uninstall smmcore" in refused.stderr
    assert list(_plugins(python)) == ["example"]

    _ok(_run(*smm, "plugins", "uninstall", "--yes", "smm-example-plugin", **use))
    assert _plugins(python) == {}
    gone = _run(python, "-c", "import smm_example_plugin")
    assert gone.returncode != 0 and "ModuleNotFoundError" in gone.stderr


def test_the_smmcore_wheel_ships_the_plugin_template(
    wheels: dict[str, Path], dependencies: Path, tmp_path: Path
) -> None:
    python = _make_env(tmp_path / "env", dependencies, wheels["smmcore"], with_pip=False)
    _ok(_run(python, "-m", "smmcore", "plugins", "new", "demo", "--dir", tmp_path))
    assert (tmp_path / "smm-demo" / "smm_demo" / "plugin.py").is_file()
    assert (tmp_path / "smm-demo" / "tests" / "cassettes" / "api.json").is_file()
