"""``smm kpis list`` and ``smm kpis show`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from smm_kpis import plugin

from smmcore.cli.app import App
from smmcore.cli.main import cli
from smmcore.errors import SmmError
from smmcore.plugins import PluginHost

SMM_TOML = """
[client]
name = "Forno"
timezone = "Europe/Rome"

[kpis.saves_rate]
label = "Saves per 1000 views"
numerator = "saves"
denominator = "views"
aggregation = "ratio_of_sums"
scale = 1000
unit = "saves/1000 views"
"""


def run(args: list[str], workspace: Path) -> Result:
    host = PluginHost([("kpis", plugin)], discover=False, strict=True)
    app = App(workspace_dir=workspace, host=host)
    return CliRunner().invoke(cli, args, obj=app)


def test_list_without_workspace(tmp_path: Path) -> None:
    result = run(["kpis", "list"], tmp_path)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(
        line.startswith("engagement_rate_views") and "Engagement rate by views [%]" in line
        for line in lines
    )
    assert "ratio of sums" in result.output
    assert "saves_rate" not in result.output


def test_list_json_includes_workspace_kpis(tmp_path: Path) -> None:
    (tmp_path / "smm.toml").write_text(SMM_TOML, encoding="utf-8")
    result = run(["kpis", "list", "--json"], tmp_path)
    assert result.exit_code == 0, result.output
    data = {item["name"]: item for item in json.loads(result.output)}
    assert len(data) == 16  # 15 built-in + 1 from smm.toml
    assert data["follower_growth"]["origin"] == "kpis"
    assert data["posts_per_week"]["higher_is_better"] is None
    custom = data["saves_rate"]
    assert custom["origin"] == "smm.toml"
    assert custom["label"] == "Saves per 1000 views"
    assert custom["unit"] == "saves/1000 views"
    assert custom["formula"].startswith("Σ (saves) / Σ (views) x 1000")


def test_list_warns_about_a_bad_custom_kpi_but_lists_the_rest(tmp_path: Path) -> None:
    bad = SMM_TOML.replace('numerator = "saves"', 'numerator = "saves; DROP TABLE posts"')
    (tmp_path / "smm.toml").write_text(bad, encoding="utf-8")
    result = run(["kpis", "list"], tmp_path)
    assert result.exit_code == 0
    assert "kpis.saves_rate: numerator: unexpected character ';'" in result.stderr
    assert "follower_growth" in result.stdout


def test_show_builtin(tmp_path: Path) -> None:
    result = run(["kpis", "show", "engagement_rate_followers"], tmp_path)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "label:          Engagement rate by followers" in out
    assert "followers on the day of posting" in out
    assert "aggregation:    mean of ratios (per post)" in out
    assert "direction:      higher is better" in out
    assert "smm_kpis.builtin:engagement_rate_followers" in out


def test_show_custom(tmp_path: Path) -> None:
    (tmp_path / "smm.toml").write_text(SMM_TOML, encoding="utf-8")
    result = run(["kpis", "show", "saves_rate", "--json"], tmp_path)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["name"] == "saves_rate" and data["origin"] == "smm.toml"
    text = run(["kpis", "show", "saves_rate"], tmp_path).output
    assert "declarative ([kpis.saves_rate] in smm.toml)" in text


def test_show_unknown(tmp_path: Path) -> None:
    result = run(["kpis", "show", "nope"], tmp_path)
    assert isinstance(result.exception, SmmError)
    assert "no KPI named 'nope'" in str(result.exception)
    assert "share_of_voice" in result.exception.hint


def test_list_warns_when_a_plugin_kpi_shadows_a_custom_one(tmp_path: Path) -> None:
    from smmcore import KPISpec, hookimpl

    class Other:
        @hookimpl
        def smm_register_kpis(self, register):  # type: ignore[no-untyped-def]
            register(
                KPISpec(
                    name="saves_rate",
                    description="Another saves rate.",
                    impl="x.y:z",
                    label="Saves rate",
                    formula="saves / views",
                    unit="%",
                    aggregation="ratio of sums",
                )
            )

    (tmp_path / "smm.toml").write_text(SMM_TOML, encoding="utf-8")
    host = PluginHost([("kpis", plugin), ("other", Other())], discover=False, strict=True)
    result = CliRunner().invoke(
        cli, ["kpis", "list", "--json"], obj=App(workspace_dir=tmp_path, host=host)
    )
    assert result.exit_code == 0, result.output
    data = {item["name"]: item for item in json.loads(result.stdout)}
    assert data["saves_rate"]["origin"] == "other"
    assert "a plugin registers the same name" in result.stderr
