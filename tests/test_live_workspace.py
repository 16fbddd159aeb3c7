"""A live workspace end to end: ``smm sync`` from Mastodon and Bluesky servers on 127.0.0.1
(the load simulator of benchmarks/), then the audience commands and the report on it."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from smmcore.cli.app import App
from smmcore.cli.main import main
from smmcore.plugins import PluginHost

ROOT = Path(__file__).resolve().parents[1]


def _simulator_module():
    spec = importlib.util.spec_from_file_location("smm_simulator", ROOT / "benchmarks/simulator.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def simulator() -> Iterator[object]:
    """One Mastodon and one Bluesky account with followers, likes and reposts, no latency."""
    module = _simulator_module()
    sim = module.Simulator(
        accounts=2, posts=30, hosts=1, latency=0.0, limit=0, followers=12, likes=4, reblogs=2
    )
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()  # set from this thread through the loop: no polling

    async def serve() -> None:
        async with sim:
            ready.set()
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    assert ready.wait(10)
    yield sim
    loop.call_soon_threadsafe(stop.set)
    thread.join(10)
    assert not thread.is_alive(), "the simulator did not stop"
    loop.close()


@pytest.fixture
def live_workspace(tmp_path: Path, simulator) -> Path:
    mastodon, bluesky = simulator.accounts
    base = simulator.base_urls[0]
    (tmp_path / "smm.toml").write_text(
        f"""
[client]
name = "Forno Rossi"
language = "en"
timezone = "Europe/Rome"

[[channels]]
network = "mastodon"
handle = "{mastodon.handle}"

[[channels]]
network = "bluesky"
handle = "{bluesky.handle}"

[report]
period = "30d"

[plugins.mastodon]
base_url = "{base}"

[plugins.bluesky]
base_url = "{base}"
"""
    )
    return tmp_path


def run(workspace: Path, args: list[str], capsys) -> tuple[int, str, str]:
    host = PluginHost(
        env={"SMM_LOAD_PLUGINS": "smm-mastodon,smm-bluesky,smm-kpis,smm-segments,smm-reports"}
    )
    with pytest.raises(SystemExit) as info:
        main(["--workspace", str(workspace), *args], app=App(host=host))
    out, err = capsys.readouterr()
    return info.value.code, out, err


def test_sync_then_audience_and_report(live_workspace: Path, capsys) -> None:
    code, out, err = run(live_workspace, ["sync"], capsys)
    assert code == 0, out + err
    assert "2 of 2 unit(s) synced" in out + err

    code, out, err = run(live_workspace, ["audience", "segments", "--format", "json"], capsys)
    assert code == 0, err
    sizes = {s["name"]: s["size"] for s in json.loads(out)["segments"]}
    # Followers came in as audience members; likers and reposters as interactions.
    assert sizes["tiers:silent"] + sizes["tiers:occasional"] + sizes["tiers:regular"] > 0
    assert sizes["influencers:top"] > 0
    assert sum(v for k, v in sizes.items() if k.startswith("communities:")) > 0

    report_file = live_workspace / "report.json"
    code, _, err = run(
        live_workspace, ["report", "--format", "json", "-o", str(report_file)], capsys
    )
    assert code == 0, err
    report = json.loads(report_file.read_text())
    assert {s["name"] for s in report["segments"]} >= {"tiers:advocate", "influencers:top"}
    kpis = {k["name"]: k for k in report["kpis"]}
    # 30 posts a day apart: the last 30 days hold about 30 posts per account.
    assert kpis["posts_per_week"]["status"] == "ok"
    # 2 accounts x 30 posts, one a day: 60 posts / (30 days / 7) = 14 a week when all fall in
    # the 30-day period; the oldest one or two fall on the days before it, depending on the hour.
    assert 56 / (30 / 7) - 1e-9 <= kpis["posts_per_week"]["client"]["value"] <= 14.0 + 1e-9
