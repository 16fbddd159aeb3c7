"""Settings reach every kind of implementation the same way, and a settings table is never
read by two extension points with different models (issue 11, item 1)."""

from __future__ import annotations

import importlib
import io
import json
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from smmcore import KPISpec, ReporterSpec, SegmenterSpec, SourceSpec, hookimpl
from smmcore.errors import ConfigError, PluginError
from smmcore.plugins import PluginHost
from smmcore.testing import make_host, make_workspace

IMPLS = '''
from pydantic import BaseModel, Field

from smmcore.contracts import KPI, Reporter, Segmenter, Source
from smmcore.models import KPIValue, Segment


class TargetSettings(BaseModel):
    model_config = {"extra": "forbid"}
    target: float = Field(default=10.0, gt=0)


class RequiredSettings(BaseModel):
    path: str


class OtherSettings(BaseModel):
    path: str = "exports"


class TargetKPI(KPI):
    """Always the configured target: enough to see whether the settings arrived."""

    def compute(self, ctx):
        return [
            KPIValue(kpi=self.name, scope="client", scope_id="Test Client",
                     period_start=ctx.period.start, period_end=ctx.period.end,
                     value=self.settings.target)
        ]


class TargetReporter(Reporter):
    def render(self, report, out):
        out.write(f"target={self.settings.target}")


class TargetSegmenter(Segmenter):
    def segment(self, ctx):
        return [Segment(name=f"t{self.settings.target:g}", segmenter=self.name,
                        description="d", method="m", members=[])]


class PathSource(Source):
    async def fetch(self, unit, ctx):
        if False:
            yield None


class BrokenKPI(KPI):
    def compute(self, ctx):
        raise RuntimeError("division by zero in the numerator")


READY = TargetKPI()

import click

from smmcore.cli.app import get_app


@click.command()
def show_target():
    click.echo(f"target={get_app().settings('commands', 'show-target').target}")
'''


@pytest.fixture
def impls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "settings_impls.py").write_text(textwrap.dedent(IMPLS))
    monkeypatch.syspath_prepend(str(folder))
    importlib.invalidate_caches()
    yield "settings_impls"
    sys.modules.pop("settings_impls", None)


def _kpi(name: str = "target", impl: str = "TargetKPI", settings: str | None = "TargetSettings"):
    return KPISpec(
        name=name,
        description="The configured target.",
        impl=f"settings_impls:{impl}",
        settings=f"settings_impls:{settings}" if settings else None,
        label="Target",
        formula="the target setting",
        unit="count",
        aggregation="constant",
    )


def _plugin(**hooks):
    return SimpleNamespace(**{name: hookimpl(fn) for name, fn in hooks.items()})


def kpi_plugin(*specs):
    def smm_register_kpis(register):
        for spec in specs:
            register(spec)

    return _plugin(smm_register_kpis=smm_register_kpis)


WS = """
[client]
name = "Test Client"
timezone = "UTC"

[report]
kpis = ["target"]

[plugins.target]
target = 42.5
"""


def test_kpi_settings_arrive_in_the_report(impls, tmp_path: Path) -> None:
    from smmcore.report import build_report

    ws = make_workspace(tmp_path / "ws", WS)
    host = make_host(("targets", kpi_plugin(_kpi())))
    store = ws.open_store()
    try:
        report = build_report(ws, host, "30d", store=store)
    finally:
        store.close()
    row = report.kpi("target")
    assert row is not None and row.status == "ok", row
    assert row.client is not None and row.client.value == 42.5


def test_invalid_kpi_settings_name_the_key(impls, tmp_path: Path) -> None:
    from smmcore.report import build_report

    ws = make_workspace(tmp_path / "ws", WS.replace("target = 42.5", "targte = 42.5"))
    host = make_host(("targets", kpi_plugin(_kpi())), strict=False)
    store = ws.open_store()
    try:
        report = build_report(ws, host, "30d", store=store)
    finally:
        store.close()
    row = report.kpi("target")
    assert row is not None and row.status == "error"
    assert "plugins.target.targte: unknown key (did you mean 'target'?)" in (row.error or "")


def test_every_kind_gets_settings_through_the_host(impls, tmp_path: Path) -> None:
    ws = make_workspace(
        tmp_path / "ws",
        '[client]\nname = "C"\n[plugins.tiers]\ntarget = 3\n[plugins.html]\ntarget = 7\n',
    )
    reporter = ReporterSpec(
        name="html",
        description="d",
        impl="settings_impls:TargetReporter",
        settings="settings_impls:TargetSettings",
    )
    segmenter = SegmenterSpec(
        name="tiers",
        description="d",
        impl="settings_impls:TargetSegmenter",
        settings="settings_impls:TargetSettings",
    )
    host = make_host(
        (
            "p",
            _plugin(
                smm_register_reporters=lambda register: register(reporter),
                smm_register_segmenters=lambda register: register(segmenter),
            ),
        )
    )
    out = io.StringIO()
    host.implementation(host.reporters()["html"], ws).render(None, out)
    assert out.getvalue() == "target=7.0"
    assert host.implementation(host.segmenters()["tiers"], ws).segment(None)[0].name == "t3"
    # no workspace: the model's defaults
    assert host.implementation(host.segmenters()["tiers"]).settings.target == 10.0


def test_a_ready_object_cannot_declare_settings(impls) -> None:
    host = make_host(("p", kpi_plugin(_kpi(impl="READY"))))
    with pytest.raises(PluginError, match=r"declares settings .* is an object, not a class"):
        host.implementation(host.kpis()["target"])


def test_settings_need_a_workspace_value_when_required(impls, tmp_path: Path) -> None:
    spec = SourceSpec(
        name="s",
        description="d",
        impl="settings_impls:PathSource",
        settings="settings_impls:RequiredSettings",
    )
    host = make_host(("p", _plugin(smm_register_sources=lambda register: register(spec))))
    with pytest.raises(ConfigError, match=r"source 's' needs settings \(path\)"):
        host.settings_for(host.sources()["s"])
    ws = make_workspace(tmp_path / "ws", '[client]\nname = "C"\n[plugins.s]\npath = "x"\n')
    assert host.implementation(host.sources()["s"], ws).settings.path == "x"


def test_a_command_reads_its_settings_the_same_way(impls, tmp_path: Path) -> None:
    from smmcore import CommandSpec
    from smmcore.cli.app import App
    from smmcore.cli.main import cli

    make_workspace(tmp_path, '[client]\nname = "C"\n[plugins.show-target]\ntarget = 5\n')
    spec = CommandSpec(
        name="show-target",
        description="Print the target.",
        impl="settings_impls:show_target",
        settings="settings_impls:TargetSettings",
    )
    app = App(tmp_path)
    app.__dict__["host"] = make_host(
        ("p", _plugin(smm_register_commands=lambda register: register(spec)))
    )
    result = CliRunner().invoke(cli, ["show-target"], obj=app, catch_exceptions=False)
    assert result.output.strip() == "target=5.0"


# ------------------------------------------------------------------ names that collide


def _source(settings: str = "settings_impls:OtherSettings") -> SourceSpec:
    return SourceSpec(
        name="tiktok-csv",
        description="TikTok CSV exports.",
        impl="settings_impls:PathSource",
        settings=settings,
        networks=("tiktok",),
    )


def _reporter(settings: str = "settings_impls:TargetSettings") -> ReporterSpec:
    return ReporterSpec(
        name="tiktok-csv",
        description="A report format named like the source.",
        impl="settings_impls:TargetReporter",
        settings=settings,
    )


def _collision_plugins(reporter_settings: str = "settings_impls:TargetSettings"):
    source = _plugin(smm_register_sources=lambda register: register(_source()))
    reporter = _plugin(
        smm_register_reporters=lambda register: register(_reporter(reporter_settings))
    )
    return [("tiktok", source), ("kpipack", reporter)]


def test_a_settings_name_used_by_two_extension_points_is_rejected(impls) -> None:
    host = PluginHost(_collision_plugins(), discover=False, env={})
    # asking for reporters first still keeps the source: the rule does not depend on order
    assert "tiktok-csv" not in host.reporters()
    assert "tiktok-csv" in host.sources()
    (problem,) = host.problems()
    assert problem.startswith("plugin 'kpipack': reporter 'tiktok-csv' is not registered")
    assert "[plugins.tiktok-csv]" in problem
    assert "source 'tiktok-csv' of plugin 'tiktok'" in problem
    assert "give this reporter another name" in problem
    assert host.plugin("tiktok").status == "ok"


def test_strict_mode_refuses_the_collision(impls) -> None:
    with pytest.raises(PluginError, match="reporter 'tiktok-csv' is not registered"):
        PluginHost(_collision_plugins(), discover=False, strict=True, env={}).sources()


def test_one_settings_model_may_be_shared(impls) -> None:
    host = PluginHost(
        _collision_plugins("settings_impls:OtherSettings"), discover=False, strict=True, env={}
    )
    assert "tiktok-csv" in host.reporters() and "tiktok-csv" in host.sources()


def test_names_without_settings_do_not_collide() -> None:
    # the smm-files plugin registers a source and a command both named 'files'
    host = PluginHost(discover=True, env={"SMM_STRICT_PLUGINS": "1"})
    host.collect_all()
    assert host.problems() == []


# ------------------------------------------------------------------ strict reports


def test_strict_mode_fails_the_report_when_a_kpi_fails(impls, tmp_path: Path) -> None:
    from smmcore.cli.main import cli

    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "smm.toml").write_text(WS.replace('"target"', '"broken"'))
    make_workspace(ws, (ws / "smm.toml").read_text()).open_store().close()
    plugin = kpi_plugin(_kpi("broken", impl="BrokenKPI", settings=None))

    def run(*args: str):
        from smmcore.cli.app import App

        app = App(ws, strict_plugins="--strict-plugins" in args, host=None)
        strict = "--strict-plugins" in args
        app.__dict__["host"] = PluginHost([("pack", plugin)], strict=strict, env={})
        return CliRunner().invoke(
            cli,
            [*args, "--workspace", str(ws), "report", "--format", "json", "-o", "-"],
            obj=app,
        )

    lenient = run()
    assert lenient.exit_code == 0, lenient.output
    data = json.loads(lenient.stdout)
    assert data["kpis"][0]["status"] == "error"
    strict = run("--strict-plugins")
    assert strict.exit_code == 1
    assert isinstance(strict.exception, PluginError)
    assert "KPI 'broken' of plugin 'pack' failed: RuntimeError" in str(strict.exception)
