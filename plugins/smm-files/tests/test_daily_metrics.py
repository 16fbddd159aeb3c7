"""Daily account-level exports from the user's side: ``smm files check`` says what it will
store, ``smm files import`` stores one row per day and metric in ``daily_metrics``, importing
again stores nothing twice and an unknown never erases a known value, and the report's
``new_followers`` and ``profile_views`` KPIs add up the days (values computed by hand from the
constructed fixtures, see tests/fixtures/native/README.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from smm_files.native import set_formats

from smmcore.exports import ExportColumn, ExportFormat

from .test_native_formats import CHANNELS, DOWNLOADED, check, imported, rows, run, workspace

DAILY_SQL = (
    "SELECT network, account, strftime(day, '%Y-%m-%d'), metric, post_id, value "
    "FROM daily_metrics ORDER BY network, day, metric, post_id"
)


def daily(ws: Path, *metrics: str) -> dict[tuple[str, str], float | None]:
    """(day, metric) -> value of the account-level rows (post_id '')."""
    found = {}
    for _network, _account, day, metric, post_id, value in rows(ws, DAILY_SQL):
        if post_id == "" and (not metrics or metric in metrics):
            found[(day, metric)] = value
    return found


def report(ws: Path, period: str) -> dict:
    out = ws / "r.json"
    result = run(ws, "report", "--period", period, "--format", "json", "--output", str(out))
    assert result.exit_code == 0, result.output + str(result.exception)
    return json.loads(out.read_text(encoding="utf-8"))


def kpi(data: dict, name: str) -> dict:
    return next(k for k in data["kpis"] if k["name"] == name)


# --------------------------------------------------------------------------- LinkedIn


def test_linkedin_new_followers_workbook(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "linkedin/forno-rossi_followers_1742193384397.xlsx")
    output = check(ws, "linkedin-followers", "en")
    assert (
        "stores daily metrics (per day): new_followers, new_followers_organic, "
        "new_followers_sponsored, new_followers_invited" in output
    )
    assert "[New followers]: 3 rows" in output
    out = imported(ws)
    assert "daily_metrics: 12 rows" in out
    got = daily(ws)
    assert {k: v for k, v in got.items() if k[1] == "new_followers"} == {
        ("2026-03-06", "new_followers"): 5,
        ("2026-03-07", "new_followers"): 3,
        ("2026-03-08", "new_followers"): 2,
    }
    assert got[("2026-03-06", "new_followers_invited")] == 1
    assert got[("2026-03-07", "new_followers_sponsored")] == 1
    assert got[("2026-03-08", "new_followers_sponsored")] is None  # '--' stays unknown
    assert {r[:2] for r in rows(ws, DAILY_SQL)} == {("linkedin", "forno-rossi")}

    data = report(ws, "2026-03-06..2026-03-08")
    new = kpi(data, "new_followers")
    # 5 + 3 + 2 new followers; the previous three days hold nothing: unknown, not 0
    assert new["client"]["value"] == 10.0 and new["client"]["previous"] is None
    assert new["client"]["detail"] == {"days_known": 3, "days_in_period": 3}
    channels = {c["scope_id"]: c["value"] for c in new["channels"]}
    assert channels["linkedin:forno-rossi"] == 10.0
    assert channels["facebook:fornorossi"] is None  # no data for it: unknown
    # no follower snapshot: follower growth stays unknown, never computed from daily gains
    assert kpi(data, "follower_growth")["client"]["value"] is None
    assert kpi(data, "profile_views")["client"]["value"] is None


def test_linkedin_visitors_workbook(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "linkedin/forno-rossi_visitors.xls")
    output = check(ws, "linkedin-visitors", "en")
    assert "stores daily metrics (per day): page_views, page_views_desktop" in output
    imported(ws)
    assert daily(ws) == {
        ("2026-03-06", "page_views"): 75,
        ("2026-03-06", "page_views_desktop"): 30,
        ("2026-03-06", "page_views_mobile"): 45,
        ("2026-03-06", "unique_visitors"): 32,
        ("2026-03-06", "unique_visitors_desktop"): 12,
        ("2026-03-06", "unique_visitors_mobile"): 20,
        ("2026-03-07", "page_views"): 30,
        ("2026-03-07", "page_views_desktop"): 10,
        ("2026-03-07", "page_views_mobile"): 20,
        ("2026-03-07", "unique_visitors"): None,  # 'N/A'
        ("2026-03-07", "unique_visitors_desktop"): 5,
        ("2026-03-07", "unique_visitors_mobile"): 8,
    }
    views = kpi(report(ws, "2026-03-06..2026-03-07"), "profile_views")
    assert views["client"]["value"] == 105.0  # 75 + 30 page views
    assert views["client"]["detail"] == {"days_known": 2, "days_in_period": 2}


@pytest.mark.parametrize(
    "fixture",
    ["linkedin/forno-rossi_content_1742193384396.xlsx", "linkedin/forno-rossi_content.xls"],
)
def test_linkedin_content_metrics_sheet(tmp_path: Path, fixture: str) -> None:
    ws = workspace(tmp_path, fixture)
    output = check(ws, "linkedin-content-metrics", "en")
    assert "[Metrics]: linkedin-content-metrics (linkedin, en), read as daily metrics" in output
    imported(ws)
    got = daily(ws)
    day1 = {m: v for (d, m), v in got.items() if d == "2026-03-06"}
    assert day1 == {
        "impressions": 800, "impressions_organic": 800, "impressions_sponsored": 0,
        "unique_impressions_organic": 610, "clicks": 20, "clicks_organic": 20,
        "clicks_sponsored": 0, "likes": 15, "likes_organic": 15, "likes_sponsored": 0,
        "replies": 2, "replies_organic": 2, "replies_sponsored": 0, "reposts": 1,
        "reposts_organic": 1, "reposts_sponsored": 0, "engagement_rate": 0.047,
        "engagement_rate_organic": 0.047, "engagement_rate_sponsored": 0,
    }  # fmt: skip
    assert got[("2026-03-07", "impressions")] == 1500  # '1,500'
    assert got[("2026-03-07", "impressions_organic")] == 1200
    assert got[("2026-03-07", "unique_impressions_organic")] is None  # '--'
    assert got[("2026-03-07", "engagement_rate_sponsored")] == pytest.approx(0.0367)
    # the All posts sheet of the same workbook still gives the posts
    assert rows(ws, "SELECT count(*) FROM posts") == [(2,)]


# --------------------------------------------------------------------------- TikTok


def test_tiktok_overview(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "tiktok/Overview.csv")
    output = check(ws, "tiktok-overview", "en")
    assert "stores daily metrics (per day): views, profile_views, likes, replies, reposts" in output
    assert "Overview.csv: 2 rows" in output
    imported(ws)
    # no year in the file: the latest year that does not put the day after the download
    # (1 Apr 2026): August and September 2025
    assert daily(ws) == {
        ("2025-08-31", "views"): 1500,
        ("2025-08-31", "profile_views"): 40,
        ("2025-08-31", "likes"): 120,
        ("2025-08-31", "replies"): -2,  # TikTok's net comments after deletions, kept
        ("2025-08-31", "reposts"): 4,
        ("2025-09-01", "views"): 1200,  # '1.2K'
        ("2025-09-01", "profile_views"): None,  # '--'
        ("2025-09-01", "likes"): 80,
        ("2025-09-01", "replies"): 3,
        ("2025-09-01", "reposts"): 0,
    }
    assert {r[:2] for r in rows(ws, DAILY_SQL)} == {("tiktok", "fornorossi")}
    views = kpi(report(ws, "2025-08-31..2025-09-01"), "profile_views")
    assert views["client"]["value"] == 40.0  # the unknown day is left out, not counted as 0
    assert views["client"]["detail"] == {"days_known": 1, "days_in_period": 2}


def test_reimporting_stores_nothing_twice_and_unknown_keeps_known(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "tiktok/Overview.csv")
    imported(ws)
    before = rows(ws, DAILY_SQL)
    imported(ws)
    assert rows(ws, DAILY_SQL) == before
    # a later download where TikTok writes '--' for a known day, and a corrected value
    path = ws / "data" / "Overview.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",1500,", ",--,").replace(",80,", ",81,"), encoding="utf-8")
    stamp = DOWNLOADED.timestamp()  # downloaded the same day: the same years are inferred
    os.utime(path, (stamp, stamp))
    imported(ws)
    got = daily(ws)
    assert got[("2025-08-31", "views")] == 1500  # unknown never overwrites known
    assert got[("2025-09-01", "likes")] == 81  # a known value replaces the old one
    assert len(rows(ws, DAILY_SQL)) == len(before)


# --------------------------------------------------------------------------- Meta


def test_meta_daily_series_two_metrics_two_networks(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "meta/Facebook follows.csv", "meta/Instagram profile visits.csv")
    output = check(ws, "meta-daily-series", "en")
    assert "Facebook follows.csv: meta-daily-series (facebook, en), read as daily metrics" in output
    assert "Instagram profile visits.csv: meta-daily-series (instagram, en)" in output
    assert "stores daily metrics (per day): profile_views" in output
    imported(ws)
    assert rows(ws, DAILY_SQL) == [
        ("facebook", "fornorossi", "2026-03-01", "new_followers", "", 20),
        ("facebook", "fornorossi", "2026-03-02", "new_followers", "", 5),
        ("facebook", "fornorossi", "2026-03-03", "new_followers", "", 0),
        ("instagram", "fornorossi", "2026-03-01", "profile_views", "", 140),
        ("instagram", "fornorossi", "2026-03-02", "profile_views", "", 1020),  # '1,020'
    ]
    data = report(ws, "2026-03-01..2026-03-03")
    new = kpi(data, "new_followers")
    assert new["client"]["value"] == 25.0  # 20 + 5 + 0: a known 0 is a 0
    by_network = {n["scope_id"]: n["value"] for n in new["networks"]}
    assert by_network["facebook"] == 25.0 and by_network["instagram"] is None
    views = kpi(data, "profile_views")
    channels = {c["scope_id"]: c["value"] for c in views["channels"]}
    assert channels["facebook:fornorossi"] is None  # 140 + 1,020 are Instagram's
    assert channels["instagram:fornorossi"] == 1160.0


def _series(ws: Path, title: str) -> Path:
    path = ws / "data" / f"{title}.csv"
    body = f'sep=,\n"{title}"\n"Date","Primary"\n"2026-03-01T00:00:00","7"\n'
    path.write_bytes(body.encode("utf-16"))
    return path


def test_meta_series_without_a_network_in_its_title_needs_its_channel(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "meta/Facebook follows.csv")
    _series(ws, "Views")
    result = run(ws, "files", "import", str(ws / "data"))
    assert result.exit_code == 1
    assert "Views.csv" in str(result.exception) and "export_files" in result.exception.hint
    claimed = CHANNELS.replace(
        'network = "instagram"\nhandle = "fornorossi"\nsource = "files"',
        'network = "instagram"\nhandle = "fornorossi"\nsource = "files"\n'
        'options = { export_files = ["Views.csv"] }',
    )
    ws = workspace(tmp_path / "2", "meta/Facebook follows.csv", channels=claimed)
    _series(ws, "Views")
    imported(ws)
    assert ("instagram", "fornorossi", "2026-03-01", "views", "", 7) in rows(ws, DAILY_SQL)


def test_meta_series_with_an_unknown_title_is_named_not_stored(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "meta/Facebook follows.csv")
    _series(ws, "Copertura")
    output = check(ws, "meta-daily-series", "en")
    assert "Copertura.csv: meta-daily-series" in output and "recognised, nothing stored" in output
    assert "its metric 'Copertura' is not one this format stores" in output
    imported(ws)
    assert rows(ws, "SELECT DISTINCT metric FROM daily_metrics") == [("new_followers",)]


# --------------------------------------------------------------------------- YouTube


def test_youtube_chart_data_daily_views_per_video(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "youtube/Content 2026-03-01_2026-03-31 Forno Rossi")
    output = check(ws, "youtube-chart", "en")
    assert "stores daily metrics (per day and post): views" in output
    imported(ws)
    assert rows(ws, DAILY_SQL) == [
        ("youtube", "FornoRossiTV", "2026-03-02", "views", "dQw4w9WgXcQ", 700),
        ("youtube", "FornoRossiTV", "2026-03-03", "views", "dQw4w9WgXcQ", 650),
    ]
    # the daily views never become a cumulative snapshot: Table data's 12,500 stays
    assert rows(ws, "SELECT views FROM post_metrics_latest WHERE post_id = 'dQw4w9WgXcQ'") == [
        (12500,)
    ]


# --------------------------------------------------------------------------- the model


def test_a_third_party_daily_format_is_declared_in_data(tmp_path: Path) -> None:
    """A format from outside smm-files: recognised, read and stored with no code."""
    fmt = ExportFormat(
        network="linkedin",
        fills="daily",
        account_from_channel=True,
        columns=(
            ExportColumn(to="day", parse="date", required=True, headers={"en": "Giorno"}),
            ExportColumn(to="page_views", required=True, parse="count", headers={"en": "Visite"}),
        ),
    )
    assert fmt.daily_metrics() == ("page_views",)
    with pytest.raises(ValueError, match="not canonical daily columns"):
        ExportFormat(
            network="x",
            fills="daily",
            columns=(
                ExportColumn(to="day", parse="date", required=True, headers={"en": "D"}),
                ExportColumn(to="page_visits", headers={"en": "V"}),
            ),
        )
    ws = workspace(tmp_path)
    (ws / "data" / "visite.csv").write_text("Giorno,Visite\n2026-03-05,12\n", encoding="utf-8")
    set_formats([("third-party-visits", fmt)])
    try:
        imported(ws)
    finally:
        set_formats(None)
    assert rows(ws, DAILY_SQL) == [("linkedin", "forno-rossi", "2026-03-05", "page_views", "", 12)]


def test_a_canonical_daily_csv_is_validated(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    (ws / "data" / "daily.csv").write_text(
        "network,account,day,metric,value\n"
        "linkedin,forno-rossi,2026-03-05,page_views,12\n"
        "linkedin,forno-rossi,2026-03-06,page_visits,3\n"
        "linkedin,forno-rossi,9999-01-01,page_views,3\n",
        encoding="utf-8",
    )
    result = run(ws, "files", "check", str(ws / "data"))
    assert result.exit_code == 1
    assert "row 3: metric 'page_visits' is not a daily metric" in result.output
    assert "row 4: day 9999-01-01 is not plausible" in result.output


def test_the_user_guide_lists_every_daily_metric() -> None:
    from smmcore.daily import metrics_table

    guide = Path(__file__).parents[3] / "docs" / "user-guide.md"
    assert metrics_table() in guide.read_text(encoding="utf-8")


def test_the_author_guides_daily_example_is_a_valid_format() -> None:
    import re

    guide = Path(__file__).parents[3] / "docs" / "plugin-author-guide.md"
    text = guide.read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "_DAILY" in b)
    namespace: dict = {}
    exec(block, namespace)
    fmt = namespace["PINTEREST_DAILY"]
    assert fmt.fills_all == ("daily",)
    assert fmt.daily_metrics() == ("impressions", "profile_views", "engagement_rate")
