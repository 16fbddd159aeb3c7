"""The record of which `smm` commands and options the suite runs (conftest.py enforces it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from smmcore.cli.app import App
from smmcore.cli.main import cli
from smmcore.plugins import PluginHost
from smmcore.testing import cli_coverage


def _wanted() -> set[str]:
    ctx = click.Context(cli, info_name="smm", obj=App(host=PluginHost(env={})))
    return cli_coverage.commands_and_options(cli, ctx)


def test_the_list_walks_core_and_plugin_commands_and_their_options() -> None:
    wanted = _wanted()
    assert {"smm", "smm -w", "smm report --compare", "smm audience communities"} <= wanted
    assert "smm files import --map" in wanted  # a plugin's command (smm-files)
    assert not any(item.endswith(" --help") for item in wanted)


def test_runs_in_this_process_and_in_subprocesses_are_recorded(tmp_path: Path) -> None:
    log = Path(os.environ[cli_coverage.LOG_ENV])  # set by the repository conftest
    before = cli_coverage.recorded(log)
    CliRunner().invoke(cli, ["kpis", "list"], obj=App())
    subprocess.run(
        [sys.executable, "-m", "smmcore", "-w", str(tmp_path), "kpis", "show", "follower_growth"],
        capture_output=True,
        check=True,
        timeout=120,
    )
    seen = cli_coverage.recorded(log)
    assert {"smm kpis list", "smm kpis show", "smm -w"} <= seen
    assert cli_coverage.missing({"smm kpis list", "smm never"}, seen) == ["smm never"]
    assert before <= seen


def test_a_subcommand_invoked_on_its_own_covers_its_path() -> None:
    seen = {"... sync --since", "smm report"}
    assert cli_coverage.missing({"smm sync --since", "smm sync --full"}, seen) == [
        "smm sync --full"
    ]


def test_the_allow_list_names_only_what_smm_offers() -> None:
    allow = Path(__file__).with_name("cli_coverage_allow.txt").read_text(encoding="utf-8")
    entries = {line.split("#")[0].strip() for line in allow.splitlines()} - {""}
    assert not (entries - _wanted())  # empty since session 3: every one is run
