"""Examples stay examples (issue 11, item 11): nothing under examples/ changes what the
README's commands show, and the commented KPI of `smm init` works when uncommented."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner

from smmcore.cli.app import App
from smmcore.cli.main import cli
from smmcore.plugins import PluginHost


def invoke(args: list[str], app: App | None = None):
    return CliRunner().invoke(cli, args, obj=app or App(), catch_exceptions=False)


def test_the_example_plugin_is_not_installed_in_the_development_environment() -> None:
    with pytest.raises(metadata.PackageNotFoundError):
        metadata.distribution("smm-example-plugin")
    host = PluginHost(env={})
    assert "example" not in {p.name for p in host.plugins}
    assert "saves_rate" not in host.kpis()


def test_smm_demo_shows_no_kpi_from_examples(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = invoke(["demo", "--out", str(out), "--end-date", "2026-03-31", "--language", "en"])
    assert result.exit_code == 0, result.output
    assert "Saves per 100 views" not in result.output
    report = invoke(["-w", str(out), "report", "--format", "json", "-o", "-"])
    names = {row["name"] for row in json.loads(report.output)["kpis"]}
    assert "saves_rate" not in names


def test_the_init_template_kpi_is_computed_when_uncommented(tmp_path: Path) -> None:
    """The commented [kpis.*] example of `smm init`, uncommented, appears in the report with
    the formula it states (nothing silently dropped)."""
    out = tmp_path / "demo"
    assert invoke(["demo", "--out", str(out), "--end-date", "2026-03-31"]).exit_code == 0
    ws = tmp_path / "mine"
    assert invoke(["init", str(ws), "--name", "Mine", "--yes"]).exit_code == 0
    template = (ws / "smm.toml").read_text()
    start = template.index("# [kpis.")
    block = []
    for line in template[start:].splitlines():
        if not line.startswith("# ") or line.startswith("# ---"):
            break
        block.append(line.removeprefix("# "))
    name = block[0].strip("[]").removeprefix("kpis.")
    config = (out / "smm.toml").read_text()
    (out / "smm.toml").write_text(config + "\n" + "\n".join(block) + "\n")
    report = invoke(["-w", str(out), "report", "--format", "json", "-o", "-"])
    data = json.loads(report.output)
    (row,) = [r for r in data["kpis"] if r["name"] == name]
    assert row["status"] in ("ok", "no_data"), row
    assert not [n for n in data["notes"] if name in n["text"] and n["level"] == "error"]
