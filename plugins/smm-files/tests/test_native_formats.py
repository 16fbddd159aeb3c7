"""Native exports (Meta, LinkedIn, TikTok, X, YouTube) import with no mapping, through the CLI.

Each test copies the constructed fixture files (tests/fixtures/native, see its README) into a
workspace, runs ``smm files check`` and ``smm files import`` or ``smm sync`` as a user would,
and reads what the store then holds.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from smmcore.cli.app import App
from smmcore.cli.main import cli

FIXTURES = Path(__file__).parent / "fixtures" / "native"
# the files' modification time is the snapshot time of lifetime exports
DOWNLOADED = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)

CHANNELS = """
[[channels]]
network = "facebook"
handle = "fornorossi"
source = "files"
options = { export_name = "Forno Rossi" }

[[channels]]
network = "instagram"
handle = "fornorossi"
source = "files"

[[channels]]
network = "linkedin"
handle = "forno-rossi"
source = "files"

[[channels]]
network = "tiktok"
handle = "fornorossi"
source = "files"

[[channels]]
network = "x"
handle = "fornorossi"
source = "files"

[[channels]]
network = "youtube"
handle = "FornoRossiTV"
source = "files"
"""


def run(workspace: Path, *args: str):
    return CliRunner().invoke(cli, list(args), obj=App(workspace_dir=workspace))


def workspace(tmp_path: Path, *files: str, channels: str = CHANNELS) -> Path:
    ws = tmp_path / "ws"
    data = ws / "data"
    data.mkdir(parents=True)
    (ws / "smm.toml").write_text(
        '[client]\nname = "Forno Rossi"\ntimezone = "Europe/Rome"\n\n'
        '[plugins.files]\npath = "data"\ntimezone = "Europe/Rome"\n' + channels,
        encoding="utf-8",
    )
    for name in files:
        source = FIXTURES / name
        target = data / source.name
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy(source, target)
    stamp = DOWNLOADED.timestamp()
    for path in data.rglob("*"):
        if path.is_file():
            os.utime(path, (stamp, stamp))
    return ws


def rows(ws: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(next(ws.glob("**/*.duckdb"))), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(sql).fetchall()
    finally:
        con.close()


def check(ws: Path, fmt: str, language: str) -> str:
    result = run(ws, "files", "check", str(ws / "data"))
    assert result.exit_code == 0, result.output + str(result.exception)
    assert f": {fmt} (" in result.output and f", {language})" in result.output, result.output
    return result.output


def imported(ws: Path) -> str:
    result = run(ws, "files", "import", str(ws / "data"))
    assert result.exit_code == 0, result.output + str(result.exception)
    return result.output


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


POST_SQL = (
    "SELECT p.network, p.account, p.post_id, p.created_at, p.kind, p.text, p.url, m.captured_at, "
    "m.likes, m.reposts, m.replies, m.views, m.impressions, m.reach, m.clicks, m.saves "
    "FROM posts p LEFT JOIN post_metrics m USING (network, account, post_id) "
    "ORDER BY p.network, p.post_id"
)


@pytest.mark.parametrize(
    ("fixture", "language"),
    [
        ("meta/Mar-01-2026_Mar-31-2026_1931058604954295.csv", "en"),
        ("meta/facebook_it_Mar-01-2026_Mar-31-2026_1931058604954296.csv", "it"),
    ],
)
def test_meta_facebook_posts(tmp_path: Path, fixture: str, language: str) -> None:
    ws = workspace(tmp_path, fixture)
    output = check(ws, "meta-facebook-posts", language)
    assert "columns ignored:" in output and "Other Clicks" in output
    imported(ws)
    got = rows(ws, POST_SQL)
    assert len(got) == 2
    photo, reel = got
    # Page name 'Forno Rossi' is the channel's export_name: rows belong to fornorossi
    assert photo[:3] == ("facebook", "fornorossi", "122158000000000001")
    # MM/DD/YYYY HH:MM in US Pacific time (PST in March before DST: UTC-8)
    assert photo[3] == utc("2026-03-01T14:05:00-08:00")
    assert photo[4] == "post" and reel[4] == "reel"  # Photos / Reels, as smm-meta says
    assert photo[5] == 'Pane caldo, "buono"\nseconda riga'
    assert photo[6] == "https://www.facebook.com/fornorossi/posts/pfbid01"
    assert photo[7] == DOWNLOADED
    # likes=Reactions, reposts=Shares, replies=Comments, views '1,234' (it: '1.234')
    assert photo[8:] == (20, 4, 6, 1234, None, 900, 15, None)
    # empty Views and '--' Reach stay unknown, never 0
    assert reel[11] is None and reel[13] is None and reel[8] == 5


@pytest.mark.parametrize(
    ("fixture", "language"),
    [
        ("meta/Mar-01-2026_Mar-31-2026_1727196598254722.csv", "en"),
        ("meta/instagram_it_Mar-01-2026_Mar-31-2026_1727196598254723.csv", "it"),
    ],
)
def test_meta_instagram_posts_and_reels(tmp_path: Path, fixture: str, language: str) -> None:
    ws = workspace(tmp_path, fixture)
    check(ws, "meta-instagram-posts", language)
    imported(ws)
    image, reel = rows(ws, POST_SQL)
    assert image[:5] == (
        "instagram", "fornorossi", "17900000000000001", utc("2026-03-03T07:30:00-08:00"), "post"
    )  # fmt: skip
    assert image[8:] == (140, 12, 9, 2500, None, 1800, None, 21)
    assert reel[4] == "reel"  # IG reel, as smm-meta stores a REELS media
    # '10,400' (it: '10.400'); '--' saves unknown
    assert reel[8:] == (610, 88, 41, 10400, None, 7950, None, None)


def test_meta_instagram_posts_saved_again_as_tab_separated_utf16(tmp_path: Path) -> None:
    """The Instagram content export after a spreadsheet saved it again as Unicode text (UTF-16
    with a BOM, tab separated, as Excel's "Unicode Text" does): the headers and values are the
    fixture's (headers verbatim from [M1 M3]); the encoding and the tabs are constructed: no
    export of the user guide's "Native exports: sources" is tab separated by itself."""
    import csv
    import io

    name = "meta/Mar-01-2026_Mar-31-2026_1727196598254722.csv"
    ws = workspace(tmp_path, name)
    path = ws / "data" / Path(name).name
    records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\r\n").writerows(records)
    assert "\t" in out.getvalue().splitlines()[0] and "," in out.getvalue()  # '10,400' stays
    path.write_bytes(out.getvalue().encode("utf-16"))
    stamp = DOWNLOADED.timestamp()
    os.utime(path, (stamp, stamp))
    check(ws, "meta-instagram-posts", "en")
    imported(ws)
    image, reel = rows(ws, POST_SQL)
    assert image[:5] == (
        "instagram", "fornorossi", "17900000000000001", utc("2026-03-03T07:30:00-08:00"), "post"
    )  # fmt: skip
    assert image[7:] == (DOWNLOADED, 140, 12, 9, 2500, None, 1800, None, 21)
    assert reel[8:] == (610, 88, 41, 10400, None, 7950, None, None)


def test_meta_reels_and_carousels_are_the_kinds_the_meta_api_gives(tmp_path: Path) -> None:
    # smm-meta maps media_product_type REELS to 'reel' and CAROUSEL_ALBUM to 'carousel': the
    # same client's export must give the same content mix. Types verbatim from [M1] (English
    # and Swedish values inside one file, as the real files mix them); the rows constructed.
    instagram = '[[channels]]\nnetwork = "instagram"\nhandle = "fornorossi"\nsource = "files"\n'
    ws = workspace(
        tmp_path, "meta/Mar-01-2026_Mar-31-2026_1727196598254722.csv", channels=instagram
    )
    path = next((ws / "data").glob("*.csv"))
    text = path.read_text(encoding="utf-8-sig")
    rows_added = [
        f"1790000000000001{n},17841400000000001,fornorossi,Forno Rossi,Tre foto,0,"
        f"03/0{n}/2026 10:00,https://www.instagram.com/p/AbCdEf{n}/,{kind},,Lifetime,"
        "300,200,30,2,,4,6"
        for n, kind in ((5, "IG carousel"), (6, "IG-carousel"), (7, "IG-reel"), (8, "IG-bild"))
    ]
    path.write_text(text + "\n".join(rows_added) + "\n", encoding="utf-8-sig")
    result = run(ws, "sync")
    assert result.exit_code == 0, result.output + str(result.exception)
    assert rows(ws, "SELECT post_id, kind FROM posts ORDER BY post_id") == [
        ("17900000000000001", "post"),  # IG image
        ("17900000000000002", "reel"),  # IG reel
        ("17900000000000015", "carousel"),
        ("17900000000000016", "carousel"),
        ("17900000000000017", "reel"),
        ("17900000000000018", "post"),
    ]


@pytest.mark.parametrize(
    ("fixture", "language"),
    [
        ("meta/stories_Mar-01-2026_Mar-31-2026_1727196598254724.csv", "en"),
        ("meta/storie_it_Mar-01-2026_Mar-31-2026_1727196598254725.csv", "it"),
    ],
)
def test_meta_instagram_stories(tmp_path: Path, fixture: str, language: str) -> None:
    ws = workspace(tmp_path, fixture)
    check(ws, "meta-instagram-stories", language)
    imported(ws)
    (story,) = rows(ws, POST_SQL)
    assert story[2] == "17900000000000101" and story[4] == "story"
    assert story[8:] == (7, 1, 2, 640, None, 610, 4, None)


def test_meta_daily_breakdown_is_refused(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "meta/Mar-01-2026_Mar-31-2026_1727196598254722.csv")
    path = next((ws / "data").glob("*.csv"))
    path.write_text(path.read_text(encoding="utf-8-sig").replace("Lifetime", "03/05/2026"))
    result = run(ws, "files", "import", str(ws / "data"))
    assert result.exit_code == 1
    assert "per-day breakdown" in str(result.exception)
    assert not list(ws.glob("**/*.duckdb")) or rows(ws, "SELECT count(*) FROM posts") == [(0,)]


def test_meta_daily_series_is_stored_beside_the_posts(tmp_path: Path) -> None:
    ws = workspace(
        tmp_path, "meta/Facebook follows.csv", "meta/Mar-01-2026_Mar-31-2026_1727196598254722.csv"
    )
    output = check(ws, "meta-daily-series", "en")
    assert "meta-daily-series (facebook, en), read as daily metrics" in output
    imported(ws)
    assert rows(ws, "SELECT DISTINCT network FROM posts") == [("instagram",)]
    assert rows(ws, "SELECT DISTINCT network, metric FROM daily_metrics") == [
        ("facebook", "new_followers")
    ]


@pytest.mark.parametrize(
    "fixture",
    ["linkedin/forno-rossi_content_1742193384396.xlsx", "linkedin/forno-rossi_content.xls"],
)
def test_linkedin_content_workbook(tmp_path: Path, fixture: str) -> None:
    ws = workspace(tmp_path, fixture)
    output = check(ws, "linkedin-content", "en")
    assert "[All posts]: linkedin-content" in output
    assert "[Metrics]: linkedin-content-metrics" in output
    imported(ws)
    first, video = rows(ws, POST_SQL)
    # no column says whose posts: the one LinkedIn channel configured
    assert first[:4] == (
        "linkedin", "forno-rossi", "7300000000000000001", utc("2026-03-06T00:00:00+01:00")
    )  # fmt: skip
    assert first[8:] == (37, 3, 5, None, 1520, None, 44, None)
    assert video[2] == "7300000000000000002" and video[4] == "video"
    # '2,310' impressions; 'N/A' comments unknown
    assert video[8:] == (52, 7, None, 930, 2310, None, 61, None)


def test_linkedin_followers_and_visitors_are_not_follower_totals(tmp_path: Path) -> None:
    ws = workspace(
        tmp_path,
        "linkedin/forno-rossi_followers_1742193384397.xlsx",
        "linkedin/forno-rossi_visitors.xls",
        "linkedin/forno-rossi_content_1742193384396.xlsx",
    )
    output = check(ws, "linkedin-followers", "en")
    assert "linkedin-visitors (linkedin, en), read as daily metrics" in output
    imported(ws)
    # daily NEW followers are never taken for the follower count
    assert rows(ws, "SELECT count(*) FROM account_snapshots") == [(0,)]


@pytest.mark.parametrize(
    ("fixture", "language"), [("tiktok/Content.csv", "en"), ("tiktok/Contenuto_es.csv", "es")]
)
def test_tiktok_content(tmp_path: Path, fixture: str, language: str) -> None:
    ws = workspace(tmp_path, fixture)
    check(ws, "tiktok-content", language)
    imported(ws)
    got = rows(ws, POST_SQL)
    first = got[0]
    assert first[:2] == ("tiktok", "fornorossi") and first[4] == "video"
    if language == "en":
        assert first[2] == "7340000000000000001"
        # '1.2K' views, '18,400' likes
        assert first[8:] == (18400, 4, 35, 1200, None, None, None, 22)
        assert got[1][10] is None and got[1][13] == 900  # '--' comments unknown
        # no zone in the file: the workspace's timezone setting (Europe/Rome)
        assert first[3] == utc("2026-03-07T12:30:00+01:00")
    else:
        assert first[2] == "7340000000000000003" and first[11] == 2500


def test_tiktok_follower_history_and_overview(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "tiktok/FollowerHistory.csv", "tiktok/Overview.csv")
    output = check(ws, "tiktok-followers", "en")
    assert "tiktok-overview (tiktok, en), read as daily metrics" in output
    imported(ws)
    snaps = rows(
        ws, "SELECT account, captured_at, followers FROM account_snapshots ORDER BY captured_at"
    )
    # no year in the file: the latest year not after the download (1 Apr 2026), so the
    # December days are 2025 and the January ones 2026; 'undefined' is unknown
    assert snaps == [
        ("fornorossi", utc("2025-12-30T00:00:00+01:00"), 1200),
        ("fornorossi", utc("2025-12-31T00:00:00+01:00"), 1205),
        ("fornorossi", utc("2026-01-01T00:00:00+01:00"), None),
        ("fornorossi", utc("2026-01-02T00:00:00+01:00"), 1210),
    ]


def test_x_tweet_activity_classic(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "x/tweet_activity_metrics_fornorossi_20260301_20260331_en.csv")
    check(ws, "x-tweet-activity", "en")
    imported(ws)
    (tweet,) = rows(ws, POST_SQL)
    assert tweet[:4] == ("x", "fornorossi", "1765000000000000001", utc("2026-03-10T06:42:00+00:00"))
    # floats as text: '29.0' impressions, '5.0' likes
    assert tweet[8:] == (5, 2, 0, None, 29, None, 1, None)


def test_x_post_content_2024(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "x/account_analytics_content_2026-03-01_2026-03-31.csv")
    check(ws, "x-post-content", "en")
    imported(ws)
    (post,) = rows(ws, POST_SQL)
    assert post[:4] == ("x", "fornorossi", "1767000000000000002", utc("2026-03-13T00:00:00+01:00"))
    assert post[8:] == (12, 4, 3, None, 1234, None, 6, 2)


def test_youtube_table_and_chart_data_through_sync(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "youtube/Content 2026-03-01_2026-03-31 Forno Rossi")
    check(ws, "youtube-table", "en")
    # the workspace's other channels have no rows in this YouTube-only folder: no data,
    # which this test expects
    result = run(ws, "sync", "--allow-no-data")
    assert result.exit_code == 0, result.output + str(result.exception)
    assert "no data for instagram:fornorossi (expected)" in result.output
    got = rows(ws, POST_SQL)
    # the Total row is skipped; ' -abcDEF1234' is trimmed
    assert [g[2] for g in got] == ["-abcDEF1234", "dQw4w9WgXcQ"]
    ciabatta, bread = got
    assert bread[:2] == ("youtube", "FornoRossiTV") and bread[4] == "video"
    assert bread[3] == utc("2026-03-02T00:00:00+01:00")
    assert bread[8:] == (280, 18, 30, 12500, 45000, None, None, None)
    assert ciabatta[12] is None  # empty Thumbnail impressions stay unknown


def test_youtube_table_data_italian(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "youtube_it/Table data.csv")
    check(ws, "youtube-table", "it")
    imported(ws)
    (video,) = rows(ws, POST_SQL)
    assert video[2] == "dQw4w9WgXcQ" and video[11] == 1500  # '1.500' in Italian


def test_a_file_without_an_account_needs_a_channel(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "tiktok/FollowerHistory.csv", channels="")
    result = run(ws, "files", "import", str(ws / "data"))
    assert result.exit_code == 1
    assert "does not say which account" in str(result.exception)
    assert "export_files" in result.exception.hint


def test_two_channels_of_a_network_pick_their_files(tmp_path: Path) -> None:
    channels = CHANNELS + (
        '\n[[competitors]]\nname = "Panificio Bianchi"\n[[competitors.channels]]\n'
        'network = "tiktok"\nhandle = "bianchi"\nsource = "files"\n'
        'options = { export_files = ["bianchi/*.csv"] }\n'
    )
    ws = workspace(tmp_path, "tiktok/FollowerHistory.csv", channels=channels)
    (ws / "data" / "bianchi").mkdir()
    shutil.copy(FIXTURES / "tiktok" / "FollowerHistory.csv", ws / "data" / "bianchi")
    result = run(ws, "files", "import", str(ws / "data"))
    # two TikTok channels: the unclaimed file is ambiguous
    assert result.exit_code == 1 and "could be its owner" in str(result.exception)
    channels = channels.replace(
        'network = "tiktok"\nhandle = "fornorossi"\nsource = "files"\n',
        'network = "tiktok"\nhandle = "fornorossi"\nsource = "files"\n'
        'options = { export_files = ["FollowerHistory.csv"] }\n',
    )
    (ws / "smm.toml").write_text(
        (ws / "smm.toml").read_text().split("\n[[channels]]")[0] + channels
    )
    imported(ws)
    assert rows(ws, "SELECT account, count(*) FROM account_snapshots GROUP BY 1 ORDER BY 1") == [
        ("bianchi", 4), ("fornorossi", 4)
    ]  # fmt: skip


def test_formats_command_lists_every_format(tmp_path: Path) -> None:
    result = run(tmp_path, "files", "formats")
    assert result.exit_code == 0
    for name in (
        "meta-facebook-posts", "meta-instagram-posts", "meta-instagram-stories",
        "linkedin-content", "linkedin-followers", "linkedin-visitors", "tiktok-content",
        "tiktok-followers", "tiktok-overview", "x-tweet-activity", "x-post-content",
        "youtube-table", "youtube-chart",
    ):  # fmt: skip
        assert name in result.output
    assert "recognised by: Post ID" in result.output
    listed = run(tmp_path, "plugins", "list")
    assert "export formats: " in listed.output


def test_check_names_the_format_even_when_the_import_cannot_tell_the_account(
    tmp_path: Path,
) -> None:
    ws = workspace(tmp_path, "tiktok/FollowerHistory.csv", "tiktok/Content.csv", channels="")
    result = run(ws, "files", "check", str(ws / "data"))
    assert result.exit_code == 1
    assert "FollowerHistory.csv: tiktok-followers (tiktok, en), read as accounts" in result.output
    assert "cannot be imported: FollowerHistory.csv (tiktok-followers) does not say" in (
        result.output
    )
    assert "Content.csv: tiktok-content (tiktok, en), read as posts" in result.output


def test_a_rounded_meta_id_is_refused_with_its_row(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "meta/Mar-01-2026_Mar-31-2026_1931058604954295.csv")
    path = next((ws / "data").glob("*.csv"))
    path.write_text(
        path.read_text(encoding="utf-8-sig").replace("122158000000000002", "1.22158E+17")
    )
    result = run(ws, "files", "import", str(ws / "data"))
    assert result.exit_code == 1
    # the first record spans two lines and is still row 2
    assert "row 3: post_id '1.22158E+17' lost its digits" in str(result.exception)


def test_a_native_file_name_is_shown_without_control_characters(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "meta/Mar-01-2026_Mar-31-2026_1931058604954295.csv")
    path = next((ws / "data").glob("*.csv"))
    hostile = path.with_name("posts\x1b]0;owned\x07\u202e\nrow 9: fine.csv")
    path.rename(hostile)
    output = check(ws, "meta-facebook-posts", "en")
    assert "\x1b" not in output and "\u202e" not in output and "\nrow 9: fine" not in output
    assert "postsrow 9: fine.csv: meta-facebook-posts (facebook, en), read as posts" in output
    hostile.write_text(
        hostile.read_text(encoding="utf-8-sig").replace("122158000000000002", "1.22158E+17")
    )
    result = run(ws, "files", "import", str(ws / "data"))
    assert result.exit_code == 1
    error = str(result.exception)
    assert "postsrow 9: fine.csv row 3: post_id '1.22158E+17' lost its digits" in error
    assert "\x1b" not in error and "\u202e" not in error
