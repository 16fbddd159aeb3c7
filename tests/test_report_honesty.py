"""Reports that never turn missing data into numbers (issue 9, report side), from the user's
side: ``smm sync`` then ``smm report`` / ``smm audience`` on a folder of exports.

- a competitor whose sync failed, or that was never synced, is unknown (null, ``n/a``), not 0;
  share of voice is a share of the owners with data; a note says which channel and why;
- one renewal definition: the KPI, the renewal segments and ``smm audience renewal`` agree,
  interactions without a time included, and the report says how they were dated;
- a store already holding a year-9999 (or year-1) time: reports and segments still work, and
  ``smm store dates`` lists and removes the rows;
- the report cache (issue 15): a report of an unchanged store is reused, and any write (a
  sync) or settings change gives the next report fresh numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from smmcore.cli.app import App
from smmcore.cli.main import cli
from smmcore.plugins import PluginHost
from smmcore.store.latest import refresh_latest

PLUGINS = "smm-files,smm-kpis,smm-reports,smm-segments"

HEADER = (
    "network,account,post_id,created_at,kind,text,url,likes,reposts,replies,quotes,views,"
    "impressions,reach,clicks,saves,captured_at"
)


def smm(workspace: Path, *args: str) -> tuple[int, str]:
    host = PluginHost(env={"SMM_LOAD_PLUGINS": PLUGINS})
    result = CliRunner().invoke(
        cli, ["--workspace", str(workspace), *args], obj=App(host=host), catch_exceptions=False
    )
    return result.exit_code, result.output


def posts_csv(account: str, count: int, likes: int) -> str:
    """``count`` posts a day apart from 1 September 2026, half in September, half in October."""
    rows = [HEADER]
    for i in range(count):
        month, day = (9, 1 + i) if i < count // 2 else (10, 1 + i - count // 2)
        rows.append(
            f"instagram,{account},{account}{i},2026-{month:02d}-{day:02d}T10:00:00+02:00,,"
            f"Post {i},,{likes},1,1,,,,,,,2026-11-01T10:00:00+01:00"
        )
    return "\n".join(rows) + "\n"


def accounts_csv(account: str) -> str:
    return (
        "network,account,captured_at,followers\n"
        f"instagram,{account},2026-09-01T10:00:00+02:00,1000\n"
        f"instagram,{account},2026-10-31T10:00:00+01:00,1100\n"
    )


def workspace(tmp_path: Path, competitors: str, language: str = "en") -> Path:
    ws = tmp_path / "ws"
    (ws / "data").mkdir(parents=True)
    (ws / "data" / "posts.csv").write_text(
        posts_csv("forno", 20, 30) + posts_csv("dolce", 20, 10).split("\n", 1)[1]
    )
    (ws / "data" / "accounts.csv").write_text(
        accounts_csv("forno") + accounts_csv("dolce").split("\n", 1)[1]
    )
    (ws / "smm.toml").write_text(
        f"""
[client]
name = "Forno Rossi"
language = "{language}"
timezone = "Europe/Rome"

[[channels]]
network = "instagram"
handle = "forno"
source = "files"
options = {{ path = "data" }}
{competitors}
[report]
period = "2026-10"
formats = ["terminal"]
""",
        encoding="utf-8",
    )
    return ws


FAILING_RIVAL = """
[[competitors]]
name = "Pane & Co"
[[competitors.channels]]
network = "instagram"
handle = "rival"
source = "files"
options = { path = "rival-exports" }
"""

DOLCE = """
[[competitors]]
name = "Dolce Vita"
[[competitors.channels]]
network = "instagram"
handle = "dolce"
source = "files"
options = { path = "data" }
"""


def report_json(ws: Path) -> dict:
    code, out = smm(ws, "report", "--format", "json", "--output", str(ws / "r.json"))
    assert code == 0, out
    return json.loads((ws / "r.json").read_text(encoding="utf-8"))


def kpi(report: dict, name: str) -> dict:
    return next(k for k in report["kpis"] if k["name"] == name)


def competitor(row: dict, owner: str) -> dict:
    return next(c for c in row["competitors"] if c["scope_id"] == owner)


def owner_row(report: dict, owner: str) -> dict:
    return next(o for o in report["benchmark"]["owners"] if o["owner"] == owner)


# --------------------------------------------------------------------------- missing data


def test_a_competitor_whose_sync_failed_is_unknown_not_zero(tmp_path: Path) -> None:
    ws = workspace(tmp_path, FAILING_RIVAL + DOLCE)
    code, out = smm(ws, "sync")
    assert code == 1 and "rival-exports" in out  # the sync says the unit failed

    report = report_json(ws)
    # the competitor without data: null everywhere, never 0.0
    for name in ("posts_per_week", "share_of_voice", "applause_rate", "top_posts"):
        assert competitor(kpi(report, name), "Pane & Co")["value"] is None, name
    assert owner_row(report, "Pane & Co")["values"]["posts_per_week"] is None
    assert owner_row(report, "Pane & Co")["share_of_voice"] is None
    # share of voice over the owners that have data: 30 vs 10 likes (+2 each) a post
    client_sov = kpi(report, "share_of_voice")["client"]["value"]
    dolce_sov = competitor(kpi(report, "share_of_voice"), "Dolce Vita")["value"]
    assert client_sov == pytest.approx(32 / 44 * 100)
    assert client_sov + dolce_sov == pytest.approx(100)
    # a competitor that did post keeps its numbers
    assert competitor(kpi(report, "posts_per_week"), "Dolce Vita")["value"] > 0
    notes = {n["code"]: n for n in report["notes"]}
    missing = notes["channel_no_data"]
    assert missing["params"]["channel"] == "instagram:rival"
    assert missing["params"]["reason"] == "sync_failed"
    assert "last sync failed" in missing["text"] and "rival-exports" in missing["text"]
    assert "Dolce Vita" in notes["sov_partial"]["text"]
    assert "Pane & Co" in notes["sov_partial"]["params"]["missing"]

    code, text = smm(ws, "report", "--format", "terminal")
    assert code == 0, text
    assert "0.00 posts/week" not in text and "0.00%" not in text
    assert "instagram:rival (Pane & Co) has no data for the period" in text


def test_the_only_competitor_missing_leaves_share_of_voice_unknown(tmp_path: Path) -> None:
    ws = workspace(tmp_path, FAILING_RIVAL, language="it")
    smm(ws, "sync")
    report = report_json(ws)
    sov = kpi(report, "share_of_voice")
    assert sov["client"]["value"] is None  # not 100% because the competitor is missing
    assert competitor(sov, "Pane & Co")["value"] is None
    assert competitor(kpi(report, "posts_per_week"), "Pane & Co")["value"] is None
    codes = [n["code"] for n in report["notes"]]
    assert "sov_unknown" in codes and "channel_no_data" in codes

    code, text = smm(ws, "report", "--format", "terminal")
    assert code == 0, text
    assert "Post a settimana" in text and "0,00 post/settimana" not in text
    assert "100%" not in text.split("Quota di voce", 1)[1].splitlines()[0]
    assert "0,00%" not in text


def test_a_competitor_never_synced_or_without_posts_in_the_period(tmp_path: Path) -> None:
    ws = workspace(tmp_path, DOLCE)
    assert smm(ws, "sync")[0] == 0
    # added to smm.toml after the sync: never synced
    toml = ws / "smm.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("[report]", FAILING_RIVAL + "\n[report]"),
        encoding="utf-8",
    )
    report = report_json(ws)
    notes = [n for n in report["notes"] if n["code"] == "channel_no_data"]
    assert [n["params"]["reason"] for n in notes] == ["never_synced"]
    assert "smm sync" in notes[0]["text"]

    # a period where Dolce Vita has no data but the client has
    code, out = smm(ws, "report", "--format", "json", "--output", str(ws / "r.json"))
    assert code == 0
    code, out = smm(
        ws, "report", "--period", "2026-08-01..2026-08-31", "--format", "json",
        "--output", str(ws / "aug.json"),
    )  # fmt: skip
    assert code == 0, out
    august = json.loads((ws / "aug.json").read_text(encoding="utf-8"))
    reasons = {
        n["params"]["channel"]: n["params"]["reason"]
        for n in august["notes"]
        if n["code"] == "channel_no_data"
    }
    assert reasons["instagram:dolce"] == "nothing_in_period"
    assert competitor(kpi(august, "posts_per_week"), "Dolce Vita")["value"] is None


# --------------------------------------------------------------------------- renewal

INTERACTIONS = """network,account,member,kind,post_id,occurred_at,interaction_id
instagram,forno,anna,like,forno0,2026-09-01T11:00:00+02:00,
instagram,forno,bruno,like,forno0,,
instagram,forno,anna,like,forno10,,
instagram,forno,bruno,like,forno10,,
instagram,forno,carla,like,forno10,,
instagram,forno,dario,reply,forno11,,
instagram,forno,elena,like,forno12,,
instagram,forno,franco,follow,,2026-10-05T09:00:00+02:00,
instagram,forno,gino,mention,,,m-1
"""


def test_one_renewal_definition_everywhere(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "")
    (ws / "data" / "interactions.csv").write_text(INTERACTIONS, encoding="utf-8")
    assert smm(ws, "sync")[0] == 0
    # October: anna, bruno (both engaged in September too), carla, dario, elena (new);
    # only the follow has a time of its own, and a follow is not engagement: 3 / 5
    report = report_json(ws)
    renewal = kpi(report, "network_renewal_rate")
    assert renewal["client"]["value"] == pytest.approx(60.0)
    assert "dated by its post's publication time" in renewal["formula"]
    segments = {s["name"]: s["size"] for s in report["segments"]}
    assert segments["renewal:new-contacts"] == 3 and segments["renewal:retained"] == 2

    code, out = smm(ws, "audience", "renewal", "--months", "2", "--format", "json")
    assert code == 0, out
    months = {r["month"]: r for r in json.loads(out)}
    assert months["2026-10"]["renewal_rate"] == pytest.approx(60.0)
    assert months["2026-10"]["new"] == 3

    code, out = smm(ws, "audience", "segments", "--period", "2026-10", "--format", "json")
    assert code == 0, out
    sizes = {s["name"]: s["size"] for s in json.loads(out)["segments"]}
    assert sizes["renewal:new-contacts"] == 3 and sizes["renewal:retained"] == 2

    dated = next(n for n in report["notes"] if n["code"] == "interactions_dated")
    assert dated["params"] == {"post_time": 5, "total": 5, "undated": 1}
    assert "publication time" in dated["text"]


# --------------------------------------------------------------------------- stored dates


def test_a_store_holding_impossible_dates_still_reports(tmp_path: Path) -> None:
    ws = workspace(tmp_path, DOLCE)
    (ws / "data" / "interactions.csv").write_text(INTERACTIONS, encoding="utf-8")
    assert smm(ws, "sync")[0] == 0
    from smmcore.workspace import load_workspace

    store = load_workspace(ws).open_store()
    store.con.execute(
        "INSERT INTO posts (network, account, post_id, created_at, kind) VALUES "
        "('instagram', 'forno', 'far', '9999-12-31 23:30:00+00', 'post'), "
        "('instagram', 'forno', 'old', '0001-01-01 00:00:00+00', 'post')"
    )
    store.con.execute(
        "INSERT INTO post_metrics (network, account, post_id, captured_at, likes) VALUES "
        "('instagram', 'forno', 'far', '2026-10-02 10:00:00+00', 5)"
    )
    store.transaction(lambda: refresh_latest(store.con))  # as a write through the store would
    store.con.execute(
        "INSERT INTO interactions (network, account, interaction_id, member, kind, post_id, "
        "occurred_at) VALUES ('instagram', 'forno', 'x', 'zoe', 'like', 'forno10', "
        "'9999-12-31 23:30:00+00')"
    )
    store.close()

    report = report_json(ws)
    assert report["period"]["start"] == "2026-10-01"
    assert report["history"]["last"] == "2026-10-31"
    note = next(n for n in report["notes"] if n["code"] == "implausible_dates")
    assert note["params"]["count"] == 3 and "smm store dates" in note["text"]
    # zoe's impossible time counts as unknown: dated by her post (October), so a new contact
    assert kpi(report, "network_renewal_rate")["client"]["value"] == pytest.approx(4 / 6 * 100)

    for args in (
        ["report", "--format", "terminal"],
        ["audience", "segments"],
        ["audience", "renewal"],
        ["audience", "influencers"],
    ):
        code, out = smm(ws, *args)
        assert code == 0, (args, out)
        assert "unexpected" not in out

    code, out = smm(ws, "store", "dates")
    assert code == 0
    assert "posts: 2 row(s)" in out and "post_id=far" in out and "interactions: 1 row(s)" in out
    code, out = smm(ws, "store", "dates", "--json", "--examples", "1")
    assert code == 0
    listed = json.loads(out)
    assert listed["counts"] == {"posts": 2, "interactions": 1} and listed["deleted"] == {}
    assert len(listed["examples"]["posts"]) == 1  # --examples 1 of the 2
    code, out = smm(ws, "store", "dates", "--delete")
    assert code == 0 and "Deleted 4 row(s)" in out  # the two posts, far's snapshot, zoe's like
    code, out = smm(ws, "store", "dates")
    assert code == 0 and "No stored row" in out
    assert not any(n["code"] == "implausible_dates" for n in report_json(ws)["notes"])


# --------------------------------------------------------------------------- cache


def report_timed(ws: Path, *extra: str) -> tuple[dict, str]:
    code, out = smm(
        ws, "report", "--format", "json", "--output", str(ws / "r.json"), "--timings", *extra
    )
    assert code == 0, out
    return json.loads((ws / "r.json").read_text(encoding="utf-8")), out


def segment_sizes(data: dict) -> dict[str, int]:
    return {s["name"]: s["size"] for s in data["segments"]}


def test_a_sync_changes_the_next_report(tmp_path: Path) -> None:
    ws = workspace(tmp_path, DOLCE)
    (ws / "data" / "interactions.csv").write_text(INTERACTIONS, encoding="utf-8")
    assert smm(ws, "sync")[0] == 0

    first, out = report_timed(ws)
    assert "report computed" in out and "segmenter:communities" in out  # --timings
    again, out = report_timed(ws)
    assert "from the cache" in out
    assert again["kpis"] == first["kpis"] and again["segments"] == first["segments"]
    before = kpi(first, "posts_per_week")["client"]["value"]
    assert segment_sizes(first)["renewal:new-contacts"] == 3

    # ten more October posts and two new people engaging with them, then a sync
    more = posts_csv("forno", 40, 30).splitlines()[31:]
    with (ws / "data" / "posts.csv").open("a", encoding="utf-8") as f:
        f.write("\n".join(more) + "\n")
    with (ws / "data" / "interactions.csv").open("a", encoding="utf-8") as f:
        f.write("instagram,forno,ugo,like,forno31,2026-10-12T10:00:00+02:00,\n")
        f.write("instagram,forno,vera,like,forno32,2026-10-13T10:00:00+02:00,\n")
    assert smm(ws, "sync")[0] == 0

    after, out = report_timed(ws)
    assert "report computed" in out and "from the cache" not in out
    assert kpi(after, "posts_per_week")["client"]["value"] > before
    assert segment_sizes(after)["renewal:new-contacts"] == 5


def test_settings_and_no_cache_bypass_it(tmp_path: Path) -> None:
    ws = workspace(tmp_path, DOLCE)
    assert smm(ws, "sync")[0] == 0
    report_timed(ws)
    _, out = report_timed(ws, "--no-cache")
    assert "report computed" in out
    # a new rule segment in smm.toml: a new key, the segment appears
    toml = ws / "smm.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + '\n[segments.bolognesi]\nlocation = "bologna"\n',
        encoding="utf-8",
    )
    data, out = report_timed(ws)
    assert "report computed" in out
    assert "rules:bolognesi" in segment_sizes(data)
    # another language reuses the keywords computed for the same store (segments have
    # texts in the report's language: computed again)
    _, out = report_timed(ws, "--language", "it")
    assert "report computed" in out and "reused from the cache: keywords" in out
