"""The ``smm`` root command: help, version, plugin commands, errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from types import SimpleNamespace

import click
import pytest

from smmcore import CommandSpec, SourceSpec, hookimpl
from smmcore.cli.app import App
from smmcore.cli.main import main
from smmcore.plugins import PluginHost


@click.command()
@click.argument("who", default="world")
def hello(who: str) -> None:
    """Say hello."""
    click.echo(f"hello {who}")


@click.command()
def explode() -> None:
    """Fail unexpectedly."""
    raise ZeroDivisionError("division by zero")


def _plugins() -> list[tuple[str, object]]:
    def good_commands(register):
        register(CommandSpec(name="hello", description="Say hello.", impl=f"{__name__}:hello"))
        register(CommandSpec(name="explode", description="Boom.", impl=f"{__name__}:explode"))
        register(CommandSpec(name="ghost", description="Gone.", impl="no_such_module_xyz:command"))

    def half_commands(register):
        register(CommandSpec(name="half", description="Half a plugin.", impl=f"{__name__}:hello"))

    def half_sources(register):
        raise RuntimeError("cannot reach the config")

    def good_sources(register):
        register(SourceSpec(name="fine", description="A fine source.", impl="a.b:C"))

    return [
        (
            "good",
            SimpleNamespace(
                smm_register_commands=hookimpl(good_commands),
                smm_register_sources=hookimpl(good_sources),
            ),
        ),
        (
            "half",
            SimpleNamespace(
                smm_register_commands=hookimpl(half_commands),
                smm_register_sources=hookimpl(half_sources),
            ),
        ),
    ]


def run(args: list[str], capsys: pytest.CaptureFixture[str], strict: bool | None = None):
    host = PluginHost(_plugins(), discover=False, strict=strict)
    with pytest.raises(SystemExit) as exit_info:
        main(args, app=App(host=host))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_help_lists_core_and_plugin_commands(capsys) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    assert "hello     Say hello. [plugin good]" in out
    assert "plugins   List, inspect, install and create plugins." in out


def test_plugin_command_runs(capsys) -> None:
    assert run(["hello", "Rossi"], capsys)[:2] == (0, "hello Rossi\n")


def test_command_of_a_failed_plugin_is_listed_broken_and_explains(capsys) -> None:
    # "half" registered its command but raised in another hook: it is marked broken.
    _, out, _ = run(["--help"], capsys)
    assert "[broken] Half a plugin. [plugin half]" in out
    code, _, err = run(["half"], capsys)
    assert code == 1
    assert "Error: command 'half' is broken: its plugin 'half' failed" in err
    assert "cannot reach the config" in err


def test_command_whose_implementation_is_missing_explains(capsys) -> None:
    code, _, err = run(["ghost"], capsys)
    assert code == 1
    assert "command 'ghost' is broken" in err and "no_such_module_xyz" in err


def test_usage_errors_exit_2(capsys) -> None:
    code, _, err = run(["no-such-command"], capsys)
    assert code == 2
    assert "No such command 'no-such-command'" in err


def test_unexpected_errors_are_one_line_without_debug(capsys) -> None:
    code, _, err = run(["explode"], capsys)
    assert code == 1
    assert err.strip().splitlines() == [
        "Error: unexpected ZeroDivisionError: division by zero "
        "(run again with --debug for the traceback and report it)"
    ]
    code, _, err = run(["--debug", "explode"], capsys)
    assert code == 1 and "Traceback (most recent call last)" in err


def test_version_counts_plugins(capsys) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0
    assert out == "smm, version 0.1.0 (smmcore) with 1 plugins, 1 failed\n"


def test_plugins_list_reports_the_failed_plugin_and_keeps_the_others(capsys) -> None:
    code, out, err = run(["plugins", "list"], capsys)
    assert code == 0
    assert "good  (in-memory)  ok" in out
    assert "half  (in-memory)  failed" in out
    assert "problem: smm_register_sources raised RuntimeError: cannot reach the config" in out
    assert "1 plugin(s) failed" in err


def test_plugins_list_json(capsys) -> None:
    code, out, _ = run(["plugins", "list", "--json"], capsys)
    assert code == 0
    data = {p["name"]: p for p in json.loads(out)}
    assert data["good"]["status"] == "ok"
    assert [s["name"] for s in data["good"]["registers"]["sources"]] == ["fine"]
    assert data["half"]["status"] == "failed"


def test_strict_plugins_flag_fails(capsys) -> None:
    code, _, err = run(["--strict-plugins", "plugins", "list"], capsys)
    assert code == 1
    assert "Error: plugin 'half': smm_register_sources raised RuntimeError" in err
    assert "Strict plugin mode is on" in err


def test_plugins_info(capsys) -> None:
    code, out, _ = run(["plugins", "info", "good"], capsys)
    assert code == 0
    assert "fine: A fine source." in out and "implementation: a.b:C" in out
    code, _, err = run(["plugins", "info", "nope"], capsys)
    assert code == 1 and "no plugin named 'nope'" in err


def test_uninstalling_smmcore_is_refused(capsys) -> None:
    code, _, err = run(["plugins", "uninstall", "smmcore"], capsys)
    assert code == 1
    assert "refusing to uninstall smmcore itself" in err


FAST_START_PROBE = """
import sys
from smmcore.cli.main import main
try:
    main({args!r})
except SystemExit:
    pass
loaded = set(sys.modules)
from smmcore.plugins import PluginHost
host = PluginHost()
host.collect_all()
implementations = {{
    reg.impl.partition(":")[0] for record in host.plugins
    for regs in record.registrations.values() for reg in regs
}}
heavy = sorted(
    m for m in loaded
    if m.split(".")[0] in {{"httpx", "pydantic", "duckdb", "pyarrow", "rich", "jinja2",
                            "networkx", "pandas", "numpy", "feedparser", "pytrends"}}
    or m in implementations
)
print("IMPLEMENTATIONS:", len(implementations), file=sys.stderr)
print("HEAVY:" + ",".join(heavy), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["plugins", "list"]])
def test_fast_start_imports_no_implementation(args: list[str]) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", FAST_START_PROBE.format(args=args)],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = completed.stderr.splitlines()
    assert int(next(li for li in lines if li.startswith("IMPLEMENTATIONS:")).split()[1]) > 10
    assert [li for li in lines if li.startswith("HEAVY:")] == ["HEAVY:"], completed.stderr


def test_plugins_list_and_info_name_every_extension_point_of_the_installed_plugins() -> None:
    # The development environment holds every first-party plugin but smm-ducklake (its own
    # environment: tests/test_team_environment.py lists its store backend): each extension
    # point any of them registers (demos, chart series, report sections, ...) must be listed.
    smm = [sys.executable, "-m", "smmcore"]
    listed = subprocess.run([*smm, "plugins", "list"], capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    assert "unexpected" not in listed.stderr
    for label in ("demos:", "chart series:", "export formats:"):
        assert label in listed.stdout
    as_json = subprocess.run(
        [*smm, "plugins", "list", "--json"], capture_output=True, text=True, check=True
    )
    names = [plugin["name"] for plugin in json.loads(as_json.stdout)]
    for name in names:
        info = subprocess.run([*smm, "plugins", "info", name], capture_output=True, text=True)
        assert info.returncode == 0, (name, info.stderr)
