"""Extra metrics (issue 11, item 4): a source declares metrics beyond the standard counters;
they are stored, listed by `smm kpis metrics`, and usable by KPIs and declarative KPIs."""

from __future__ import annotations

import importlib
import json
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from smmcore import MetricSpec, SourceSpec, hookimpl
from smmcore.testing import sync_and_report

IMPLS = """
from datetime import datetime, timezone

from smmcore.contracts import RecordBatch, Source
from smmcore.models import ExtraMetric, Post, PostMetrics

UTC = timezone.utc
T = datetime(2026, 3, 31, 20, tzinfo=UTC)


class VideoSource(Source):
    async def fetch(self, unit, ctx):
        for i, seconds in enumerate((8.0, 12.0, None), start=1):
            yield Post(network="tiktok", account="forno", post_id=str(i),
                       created_at=datetime(2026, 3, 10 + i, 12, tzinfo=UTC), kind="video")
            yield PostMetrics(network="tiktok", account="forno", post_id=str(i),
                              captured_at=T, views=100 * i)
            if unit.options.get("undeclared"):
                yield ExtraMetric(network="tiktok", account="forno", post_id=str(i),
                                  captured_at=T, metric="mystery", value=1.0)
        # one as a model, two in a batch (unknown stays None)
        yield ExtraMetric(network="tiktok", account="forno", post_id="1", captured_at=T,
                          metric="avg_watch_seconds", value=8.0)
        yield RecordBatch("post_metrics_extra", {
            "network": ["tiktok", "tiktok"], "account": ["forno", "forno"],
            "post_id": ["2", "3"], "captured_at": [T, T],
            "metric": ["avg_watch_seconds", "avg_watch_seconds"], "value": [12.0, None]})
"""

WS = """
[client]
name = "Forno"

[[channels]]
network = "tiktok"
handle = "forno"
{options}

[report]
kpis = ["watch_time"]

[kpis.watch_time]
label = "Average watch time"
numerator = "extra_avg_watch_seconds"
aggregation = "mean"
unit = "s"
"""

SPEC = SourceSpec(
    name="tiktok-videos",
    description="TikTok videos.",
    impl="extra_impls:VideoSource",
    networks=("tiktok",),
    metrics=(
        MetricSpec("avg_watch_seconds", "seconds", "Average time a viewer watched the video."),
    ),
)


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "extra_impls.py").write_text(textwrap.dedent(IMPLS))
    monkeypatch.syspath_prepend(str(folder))
    importlib.invalidate_caches()
    yield (
        "tiktok",
        SimpleNamespace(smm_register_sources=hookimpl(lambda register: register(SPEC))),
    )
    sys.modules.pop("extra_impls", None)


def _run(tmp_path: Path, plugin, options: str = ""):
    return sync_and_report(
        tmp_path / "ws",
        WS.format(options=options),
        plugin,
        installed=True,
        period="2026-03",
        now=datetime(2026, 4, 2, tzinfo=UTC),
    )


def test_extra_metrics_are_stored_and_reach_a_declarative_kpi(tmp_path, plugin) -> None:
    synced, report = _run(tmp_path, plugin)
    assert synced.ok, [u.error for u in synced.units]
    assert synced.units[0].written["post_metrics_extra"] == 3
    row = report.kpi("watch_time")
    assert row is not None and row.status == "ok", row
    # mean over the posts where it is known: (8 + 12) / 2; the unknown third is left out
    assert row.client is not None and row.client.value == 10.0


def test_an_undeclared_metric_fails_the_unit(tmp_path, plugin) -> None:
    synced, _report = _run(tmp_path, plugin, options="options = { undeclared = true }")
    (unit,) = synced.units
    assert unit.status == "failed"
    assert "yields the metric(s) mystery it does not declare" in unit.error


def test_smm_kpis_metrics_lists_standard_and_extra_metrics(plugin) -> None:
    from smmcore.cli.app import App
    from smmcore.cli.main import cli
    from smmcore.plugins import PluginHost

    app = App()
    app.__dict__["host"] = PluginHost([plugin], discover=False, env={})
    done = CliRunner().invoke(cli, ["kpis", "metrics", "--json"], obj=app, catch_exceptions=False)
    rows = {r["name"]: r for r in json.loads(done.output)}
    assert rows["likes"]["table"] == "post_metrics"
    assert rows["avg_watch_seconds"] == {
        "name": "avg_watch_seconds",
        "unit": "seconds",
        "description": "Average time a viewer watched the video.",
        "source": "tiktok-videos",
        "table": "post_metrics_extra",
    }


def test_a_metric_named_like_a_standard_counter_is_refused() -> None:
    bad = SourceSpec(
        name="s", description="d", impl="a:b", metrics=(MetricSpec("likes", "count", "Likes."),)
    )
    assert any("'likes' is a standard counter" in p for p in bad.problems())
