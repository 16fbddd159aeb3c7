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


# --------------------------------------------------------------------------- the Python API
# ``ws.audience`` (smmcore.audience.Audience): the same behaviours without the CLI.


def _audience(workspace: Path):
    from smmcore.audience import Audience
    from smmcore.workspace import load_workspace

    host = PluginHost(env={"SMM_LOAD_PLUGINS": "smm-segments"})
    return Audience(load_workspace(workspace), host)


def test_api_segments_are_a_table(workspace: Path) -> None:
    result = _audience(workspace).segments()
    assert str(result.period) == "2026-10-01..2026-10-31" and result.problems == []
    sizes = {row["name"]: row["size"] for row in result.rows()}
    assert sizes["rules:bolognesi"] == 2 and sizes["tiers:silent"] == 1
    frame = result.to_pandas()
    assert list(frame.columns) == ["name", "segmenter", "description", "method", "size"]
    assert frame.set_index("name").loc["influencers:top", "size"] == 3
    assert result.to_json()["segments"] == result.rows()
    only = _audience(workspace).segments(["rules"])
    assert [s.name for s in only.segments] == ["rules:bolognesi"]


def test_api_a_period_relative_to_the_newest_activity(workspace: Path) -> None:
    result = _audience(workspace).segments(["tiers"], period="30d")
    assert str(result.period) == "2026-09-11..2026-10-10"


def test_api_segment_members_and_their_export(workspace: Path, tmp_path: Path) -> None:
    members = _audience(workspace).segment("rules:bolognesi")
    assert members.segment.name == "rules:bolognesi" and len(members) == 2
    assert [r["member"] for r in members.rows()] == ["anna", "carla"]
    assert [r["member"] for r in members.rows(limit=1)] == ["anna"]
    assert members.to_arrow().column("member").to_pylist() == ["anna", "carla"]
    target = tmp_path / "contacts.csv"
    assert members.export(target) == 2
    with target.open() as handle:
        assert [r["member"] for r in csv.DictReader(handle)] == ["anna", "carla"]


def test_api_influencers_with_their_scores(workspace: Path) -> None:
    top = _audience(workspace).influencers(1)
    (row,) = top.rows()
    assert row["member"] == "bruno" and row["reason"]
    assert any(key.startswith("score_") for key in row)  # every score as its own column
    assert "score_" in " ".join(top.to_pandas().columns)


def test_api_communities_and_all_their_members(workspace: Path) -> None:
    result = _audience(workspace).communities()
    assert {s.segmenter for s in result.segments} <= {"communities"}
    members = result.members()
    assert len(members) == sum(s.size for s in result.segments)
    assert {r["segment"] for r in members.rows()} == {s.name for s in result.segments}


def test_api_unknown_names_are_clear_errors(workspace: Path) -> None:
    from smmcore.errors import SmmError

    with pytest.raises(SmmError, match="no segment named 'tiers:nobody'") as info:
        _audience(workspace).segment("tiers:nobody")
    assert "tiers:advocate" in str(info.value)
    with pytest.raises(SmmError, match="nobody"):
        _audience(workspace).segments(["nobody"])
    with pytest.raises(SmmError, match="period"):
        _audience(workspace).segments(period="last autumn")


def test_api_renewal_by_month(workspace: Path) -> None:
    table = _audience(workspace).renewal(2)
    rows = table.rows()
    assert [r["month"] for r in rows] == ["2026-09", "2026-10"]
    assert rows[0]["renewal_rate"] is None  # nobody engaged: unknown, not 0
    assert rows[1]["renewal_rate"] == 100.0
    frame = table.to_arrow()
    assert frame.column_names == [
        "month",
        "engaged",
        "new",
        "returning",
        "first_time",
        "renewal_rate",
    ]


def test_api_renewal_needs_a_renewal_segmenter(workspace: Path) -> None:
    from smmcore.audience import Audience
    from smmcore.errors import SmmError
    from smmcore.workspace import load_workspace

    bare = Audience(load_workspace(workspace), PluginHost([], discover=False))
    with pytest.raises(SmmError, match="needs a 'renewal' segmenter") as info:
        bare.renewal()
    assert "smm plugins install smm-segments" in info.value.hint
