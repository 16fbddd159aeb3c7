"""``smm audience`` on a small workspace: segments, show, influencers, communities, export."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from smmcore.cli.app import App
from smmcore.cli.main import main
from smmcore.plugins import PluginHost

SMM_TOML = """
[client]
name = "Forno Rossi"
language = "it"
timezone = "Europe/Rome"

[[channels]]
network = "mastodon"
handle = "forno"

[[competitors]]
name = "Pane & Co"
[[competitors.channels]]
network = "mastodon"
handle = "rival"

[report]
period = "2026-10"

[segments.bolognesi]
description = "People in Bologna"
location = "bologna"
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    from smmcore.workspace import load_workspace

    (tmp_path / "smm.toml").write_text(SMM_TOML)
    ws = load_workspace(tmp_path)
    store = ws.open_store()
    con = store.con
    when = datetime(2026, 10, 10, 12, tzinfo=UTC)
    con.execute(
        "INSERT INTO posts (network, account, post_id, created_at, kind, text) VALUES "
        "('mastodon', 'forno', 'p1', ?, 'post', 'Pane'), "
        "('mastodon', 'forno', 'p2', ?, 'post', 'Caffè')",
        [when, when],
    )
    people = [("anna", "Bologna", 120), ("bruno", "Milano", 90000), ("carla", "bologna", 40)]
    for name, location, followers in people:
        con.execute(
            "INSERT INTO audience_members (network, account, member, location, followers, "
            "updated_at) VALUES ('mastodon', 'forno', ?, ?, ?, now())",
            [name, location, followers],
        )
    rows = [("anna", "like", "p1"), ("bruno", "repost", "p1"), ("bruno", "repost", "p2")]
    for i, (name, kind, post) in enumerate(rows):
        con.execute(
            "INSERT INTO interactions (network, account, interaction_id, member, kind, post_id, "
            "occurred_at) VALUES ('mastodon', 'forno', ?, ?, ?, ?, ?)",
            [f"i{i}", name, kind, post, when],
        )
    store.close()
    return tmp_path


def run(workspace: Path, args: list[str], capsys) -> tuple[int, str, str]:
    host = PluginHost(env={"SMM_LOAD_PLUGINS": "smm-segments"})
    with pytest.raises(SystemExit) as info:
        main(["--workspace", str(workspace), *args], app=App(host=host))
    out, err = capsys.readouterr()
    return info.value.code, out, err


def test_segments_lists_every_segmenter(workspace: Path, capsys) -> None:
    code, out, err = run(workspace, ["audience", "segments", "--format", "json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["period"] == "2026-10-01..2026-10-31"
    sizes = {s["name"]: s["size"] for s in data["segments"]}
    assert sizes["rules:bolognesi"] == 2
    assert sizes["tiers:silent"] == 1  # carla never interacted
    assert sizes["tiers:occasional"] == 2  # anna 1, bruno 2
    assert sizes["influencers:top"] == 3  # carla scores on reach alone (40 followers)


def test_show_a_segment_and_export_contacts(workspace: Path, capsys, tmp_path: Path) -> None:
    target = tmp_path / "contacts.csv"
    code, out, err = run(
        workspace, ["audience", "show", "rules:bolognesi", "--export", str(target)], capsys
    )
    assert code == 0, err
    assert "anna" in out and "carla" in out and "bruno" not in out
    with target.open() as handle:
        assert [r["member"] for r in csv.DictReader(handle)] == ["anna", "carla"]


def test_influencers_top(workspace: Path, capsys) -> None:
    code, out, _ = run(
        workspace, ["audience", "influencers", "--top", "1", "--format", "csv"], capsys
    )
    assert code == 0
    rows = list(csv.DictReader(out.splitlines()))
    assert [r["member"] for r in rows] == ["bruno"]


def test_unknown_segment_is_a_clear_error(workspace: Path, capsys) -> None:
    code, _, err = run(workspace, ["audience", "show", "tiers:nobody"], capsys)
    assert code == 1
    assert "no segment named 'tiers:nobody'" in err and "tiers:advocate" in err


def test_renewal_by_month(workspace: Path, capsys) -> None:
    code, out, err = run(
        workspace, ["audience", "renewal", "--months", "2", "--format", "json"], capsys
    )
    assert code == 0, err
    rows = json.loads(out)
    assert [r["month"] for r in rows] == ["2026-09", "2026-10"]
    assert rows[0]["engaged"] == 0 and rows[0]["renewal_rate"] is None
    assert rows[1] == {
        "month": "2026-10",
        "engaged": 2,
        "new": 2,
        "returning": 0,
        "first_time": 2,
        "renewal_rate": 100.0,
    }


def test_network_text_is_not_read_as_terminal_markup(workspace: Path, capsys) -> None:
    from smmcore.workspace import load_workspace

    store = load_workspace(workspace).open_store()
    store.con.execute(
        "INSERT INTO audience_members (network, account, member, location, updated_at) "
        "VALUES ('mastodon', 'forno', '[bold]dj[/bold]', 'Bologna', now())"
    )
    store.close()
    code, out, err = run(workspace, ["audience", "show", "rules:bolognesi"], capsys)
    assert code == 0, err
    assert "[bold]dj[/bold]" in out
