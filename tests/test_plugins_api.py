"""``smmcore.plugins.list()/info()/install()/uninstall()/new()``: the plugin commands as a
Python API, and the installer command lines both build (the installer itself is replaced by a
recorder here; tests/test_plugins_install.py runs real installs into fresh environments)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from pydantic import BaseModel, Field

import smmcore.plugins
from smmcore import KeywordToolSpec, SourceSpec, hookimpl
from smmcore.cli.app import App
from smmcore.cli.main import main
from smmcore.errors import InvalidArgument, SmmError
from smmcore.plugins import PluginHost


class ToolSettings(BaseModel):
    """Settings of the test tool."""

    base_url: str = Field(description="Where to ask.")
    delay: float = 1.0
    label: str | None = None


def _plugins() -> list[tuple[str, object]]:
    def tools(register):
        register(
            KeywordToolSpec(
                name="probe",
                description="A keyword tool with settings.",
                impl="a.b:C",
                capabilities=("interest",),
                settings=f"{__name__}:ToolSettings",
            )
        )
        register(
            KeywordToolSpec(
                name="broken",
                description="Its settings model is gone.",
                impl="a.b:C",
                capabilities=("related",),
                settings="no_such_module_xyz:Settings",
            )
        )

    def sources(register):
        raise RuntimeError("cannot reach the config")

    return [
        ("good", SimpleNamespace(smm_register_keyword_tools=hookimpl(tools))),
        ("bad", SimpleNamespace(smm_register_sources=hookimpl(sources))),
    ]


@pytest.fixture
def host() -> PluginHost:
    return PluginHost(_plugins(), discover=False)


def test_the_namespace_names_the_functions() -> None:
    from smmcore import plugin_manager

    assert smmcore.plugins.list is plugin_manager.list_plugins
    assert smmcore.plugins.info is plugin_manager.plugin_info
    assert smmcore.plugins.new is plugin_manager.new_plugin
    from smmcore.plugins import install, uninstall

    assert (install, uninstall) == (plugin_manager.install, plugin_manager.uninstall)
    with pytest.raises(AttributeError):
        smmcore.plugins.remove  # noqa: B018


def test_list_with_status_problems_and_registrations(host: PluginHost) -> None:
    records = smmcore.plugins.list(host=host)
    assert [(r.name, r.status) for r in records] == [("good", "ok"), ("bad", "failed")]
    assert "cannot reach the config" in records[1].problems[0]
    assert [r.name for r in records[0].registrations["keyword_tools"]] == ["probe", "broken"]


def test_list_leaves_out_disabled_plugins_unless_asked() -> None:
    # the development environment has every first-party plugin; load only one of them
    host = PluginHost(env={"SMM_LOAD_PLUGINS": "smm-segments"})
    assert [(r.name, r.status) for r in smmcore.plugins.list(host=host)] == [("segments", "ok")]
    everything = smmcore.plugins.list(host=host, include_disabled=True)
    assert len(everything) > 10 and {r.status for r in everything} == {"ok", "disabled"}
    assert next(r for r in everything if r.name == "trends").status == "disabled"


def test_info_with_the_settings_schema(host: PluginHost) -> None:
    from smmcore.plugin_manager import settings_fields

    info = smmcore.plugins.info("good", host=host)
    probe, broken = info.registers["keyword_tools"]
    assert probe["settings_schema"]["required"] == ["base_url"]
    fields = {f.name: f for f in settings_fields(probe["settings_schema"])}
    assert fields["base_url"].required and not fields["base_url"].has_default
    assert fields["base_url"].description == "Where to ask."
    assert (fields["delay"].kind, fields["delay"].default) == ("number", 1.0)
    assert fields["label"].kind == "string | null" and fields["label"].has_default
    assert broken["settings_schema"] is None and "no_such_module_xyz" in broken["settings_error"]
    assert info.to_json()["name"] == "good" and info.to_json()["registers"] == info.registers


def test_info_of_an_unknown_plugin_lists_the_known_ones(host: PluginHost) -> None:
    with pytest.raises(SmmError, match="no plugin named 'nope' \\(installed: good, bad\\)"):
        smmcore.plugins.info("nope", host=host)


def test_info_as_the_cli_shows_it(host: PluginHost, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["plugins", "info", "good"], app=App(host=host))
    out, _ = capsys.readouterr()
    assert info.value.code == 0
    assert "      settings ([plugins.probe] in smm.toml):" in out
    assert "        base_url: string (required) Where to ask." in out
    assert "        delay: number [default: 1.0]" in out
    assert "        label: string | null [default: None]" in out
    assert "      settings: cannot load (" in out


# --------------------------------------------------------------------------- installing


class Recorder:
    """Stands in for ``subprocess.run`` of the installer: records each command."""

    def __init__(self, returncode: int = 0) -> None:
        self.commands: list[list[str]] = []
        self.returncode = returncode

    def __call__(self, command, check=False):
        self.commands.append([str(c) for c in command])
        return subprocess.CompletedProcess(command, self.returncode)


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    rec = Recorder()
    monkeypatch.setattr("smmcore.plugin_manager.subprocess.run", rec)
    monkeypatch.setenv("SMM_INSTALLER", "pip")
    monkeypatch.setattr("smmcore.plugin_manager.importlib.util.find_spec", lambda name: object())
    return rec


def test_install_builds_the_pip_command(recorder: Recorder, tmp_path: Path) -> None:
    lines: list[str] = []
    command = smmcore.plugins.install(
        ["smm-trends"],
        upgrade=True,
        no_deps=True,
        editable=[tmp_path],
        index_url="http://127.0.0.1:9/simple",
        extra_index_urls=["http://127.0.0.1:8/simple"],
        log=lines.append,
    )
    expected = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--upgrade",
        "--no-deps",
        "--index-url",
        "http://127.0.0.1:9/simple",
        "--extra-index-url",
        "http://127.0.0.1:8/simple",
        "-e",
        str(tmp_path.resolve()),
        "smm-trends",
    ]
    assert recorder.commands == [expected] and command == expected
    assert lines == ["$ " + " ".join(expected)]


def test_install_through_uv_names_this_environment(
    recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMM_INSTALLER", "uv")
    monkeypatch.setattr("smmcore.plugin_manager.shutil.which", lambda name: "/opt/uv")
    smmcore.plugins.install("smm-trends")
    assert recorder.commands == [
        ["/opt/uv", "pip", "install", "--python", sys.executable, "smm-trends"]
    ]


def test_install_needs_something_to_install(recorder: Recorder) -> None:
    with pytest.raises(InvalidArgument, match="name at least one package, or -e PATH"):
        smmcore.plugins.install([])
    assert recorder.commands == []


def test_a_failing_installer_is_an_error(recorder: Recorder) -> None:
    recorder.returncode = 3
    with pytest.raises(SmmError, match="pip install failed with exit code 3") as info:
        smmcore.plugins.install(["smm-nothing"])
    assert info.value.hint == "see its output above"


def test_no_installer_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMM_INSTALLER", raising=False)
    monkeypatch.setattr("smmcore.plugin_manager.importlib.util.find_spec", lambda name: None)
    monkeypatch.setattr("smmcore.plugin_manager.shutil.which", lambda name: None)
    with pytest.raises(SmmError, match="neither pip nor uv is available"):
        smmcore.plugins.install(["smm-trends"])
    monkeypatch.setenv("SMM_INSTALLER", "pip")
    with pytest.raises(SmmError, match="SMM_INSTALLER=pip but pip is not installed"):
        smmcore.plugins.install(["smm-trends"])


def test_uninstall(recorder: Recorder) -> None:
    smmcore.plugins.uninstall(["smm-trends"], yes=True)
    assert recorder.commands == [[sys.executable, "-m", "pip", "uninstall", "-y", "smm-trends"]]
    for name in ("smmcore", "SMMCore[standard]"):
        with pytest.raises(SmmError, match="refusing to uninstall smmcore itself"):
            smmcore.plugins.uninstall([name])
    with pytest.raises(InvalidArgument):
        smmcore.plugins.uninstall([])
    assert len(recorder.commands) == 1


def test_the_cli_passes_every_install_option(
    recorder: Recorder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(
            [
                "plugins",
                "install",
                "-U",
                "--no-deps",
                "-e",
                str(tmp_path),
                "--index-url",
                "http://127.0.0.1:9/simple",
                "--extra-index-url",
                "http://127.0.0.1:8/simple",
                "smm-trends",
            ],
            app=App(host=PluginHost([], discover=False)),
        )
    _, err = capsys.readouterr()
    assert info.value.code == 0, err
    (command,) = recorder.commands
    assert command[3:] == [
        "install",
        "--upgrade",
        "--no-deps",
        "--index-url",
        "http://127.0.0.1:9/simple",
        "--extra-index-url",
        "http://127.0.0.1:8/simple",
        "-e",
        str(tmp_path.resolve()),
        "smm-trends",
    ]
    assert err.startswith("$ " + " ".join(command))
    with pytest.raises(SystemExit) as info:
        main(["plugins", "install"], app=App(host=PluginHost([], discover=False)))
    _, err = capsys.readouterr()
    assert info.value.code == 2 and "name at least one package, or -e PATH" in err


# --------------------------------------------------------------------------- creating


def test_new_creates_the_package(tmp_path: Path) -> None:
    target = smmcore.plugins.new(
        "bookings",
        tmp_path,
        description="Table bookings as a source.",
        author="Ada",
        distribution="acme-smm-bookings",
        kinds=["source"],
    )
    assert target == tmp_path / "acme-smm-bookings"
    pyproject = (target / "pyproject.toml").read_text()
    assert 'name = "acme-smm-bookings"' in pyproject and "Table bookings as a source." in pyproject
    assert "Ada" in pyproject
    with pytest.raises(SmmError, match="already exists and is not empty"):
        smmcore.plugins.new("bookings", tmp_path, distribution="acme-smm-bookings")
    with pytest.raises(InvalidArgument, match="unknown plugin kind 'widget'"):
        smmcore.plugins.new("widgets", tmp_path, kinds=["widget"])


def test_the_cli_new_with_description_and_distribution(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(
            [
                "plugins",
                "new",
                "bookings",
                "--dir",
                str(tmp_path),
                "--description",
                "Table bookings.",
                "--distribution",
                "acme-smm-bookings",
            ],
            app=App(host=PluginHost([], discover=False)),
        )
    out, err = capsys.readouterr()
    assert info.value.code == 0, err
    assert f"Created {tmp_path / 'acme-smm-bookings'}" in out
    assert "Table bookings." in (tmp_path / "acme-smm-bookings" / "pyproject.toml").read_text()


def test_source_registrations_are_listed_too() -> None:
    def sources(register):
        register(SourceSpec(name="fine", description="A fine source.", impl="a.b:C"))

    host = PluginHost(
        [("one", SimpleNamespace(smm_register_sources=hookimpl(sources)))], discover=False
    )
    (record,) = smmcore.plugins.list(host=host)
    assert [r.name for r in record.registrations["sources"]] == ["fine"]


def test_info_says_a_store_backends_settings_go_under_store(capsys) -> None:
    # a store backend reads its settings from [store] beside `backend = NAME`, not from
    # [plugins.NAME]: the hint must send the user to the table the core reads
    from smmcore import StoreBackendSpec

    def backends(register):
        register(
            StoreBackendSpec(
                name="lake",
                description="A shared store.",
                impl="a.b:C",
                settings=f"{__name__}:ToolSettings",
            )
        )

    host = PluginHost(
        [("lakes", SimpleNamespace(smm_register_store_backends=hookimpl(backends)))],
        discover=False,
    )
    (reg,) = smmcore.plugins.info("lakes", host=host).registers["store_backends"]
    assert reg["settings_table"] == '[store] with backend = "lake"'
    with pytest.raises(SystemExit) as info:
        main(["plugins", "info", "lakes"], app=App(host=host))
    out, _ = capsys.readouterr()
    assert info.value.code == 0
    assert '      settings ([store] with backend = "lake" in smm.toml):' in out
    assert "[plugins.lake]" not in out
