"""Issue 17, every validation branch of the import on both sides: a good value passes and is
stored exactly; a bad one is kept out and reported with its row, its column and how to fix it;
nothing is stored when the file is refused. The delimiter is found for comma, semicolon, tab
and ``|`` separated files. Everything runs through ``smm files import`` (or ``check``) and looks
at the exit code, the message and what the store then holds.

Every file here is constructed: the column names are the canonical ones of the user guide
("Importing exports"), every value is invented (the fictional bakery Forno Rossi).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from smmcore.cli.app import App
from smmcore.cli.main import cli

POSTS = ("network", "account", "post_id", "created_at", "text", "likes", "captured_at")
QUOTE_CLOSED_LATER = (
    'runs over several lines that look like rows of the file: a quote (") opens the field '
    "and is closed only rows later, so those rows were read into it"
)


def workspace(tmp_path: Path, config: str = "") -> Path:
    """A workspace with no channel: ``smm files import`` stores into its history store."""
    ws = tmp_path / "ws"
    (ws / "data").mkdir(parents=True)
    (ws / "smm.toml").write_text(f'[client]\nname = "Forno Rossi"\n{config}', encoding="utf-8")
    return ws


def run(ws: Path, *args: str):
    return CliRunner().invoke(cli, list(args), obj=App(workspace_dir=ws))


def said(result) -> str:
    """Everything the user sees: the output, and an error 'smm' prints as 'Error: ...'."""
    error = result.exception
    hint = getattr(error, "hint", None) or ""
    return result.output + (f"\nError: {error}. {hint}" if error is not None else "")


def stored(ws: Path, sql: str) -> list[tuple]:
    path = ws / ".smm" / "store.duckdb"
    if not path.exists():
        return []
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def write_csv(path: Path, rows: list[tuple], delimiter: str = ",") -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def imported(ws: Path, *args: str) -> str:
    result = run(ws, "files", "import", str(ws / "data"), *args)
    assert result.exit_code == 0, said(result)
    return said(result)


def refused(ws: Path) -> str:
    """Import, expect the refusal, and check the store holds nothing of the file."""
    result = run(ws, "files", "import", str(ws / "data"))
    assert result.exit_code == 1, said(result)
    assert "nothing imported" in said(result)
    assert "Traceback" not in said(result)
    assert stored(ws, "SELECT count(*) FROM posts") in ([], [(0,)])
    assert stored(ws, "SELECT count(*) FROM sync_state") in ([], [(0,)])
    return said(result)


def post(post_id: str, created_at: str, text: str, likes: str, captured_at: str) -> tuple:
    """A row of a posts.csv with the columns of :data:`POSTS`."""
    return ("instagram", "forno", post_id, created_at, text, likes, captured_at)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


POSTS_SQL = "SELECT post_id, created_at, text FROM posts ORDER BY post_id"
METRICS_SQL = "SELECT post_id, captured_at, likes FROM post_metrics ORDER BY post_id, captured_at"


# ------------------------------------------------------------------ the delimiter

CAPTION = 'Pane caldo, "buono"; croccante | a fette\tcon olio'
LINES = "Oggi in vetrina:\npane, focaccia; grissini | taralli\tciambelle"


@pytest.mark.parametrize(
    "delimiter", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"]
)
def test_the_delimiter_is_found_and_every_value_is_stored_exactly(
    tmp_path: Path, delimiter: str
) -> None:
    # the captions hold the other delimiters (quoted, as a spreadsheet saves them) and a
    # caption runs over two lines: none of it may split a row or be taken for a broken quote
    ws = workspace(tmp_path)
    write_csv(
        ws / "data" / "posts.csv",
        [
            POSTS,
            post("p1", "2026-03-01T08:30:00+01:00", CAPTION, "12", "2026-03-02T08:00:00+01:00"),
            post("p2", "2026-03-02T18:00:00Z", LINES, "0", "2026-03-03T08:00:00Z"),
        ],
        delimiter,
    )
    check = run(ws, "files", "check", str(ws / "data"))
    assert check.exit_code == 0, said(check)
    assert "posts.csv: 2 rows" in said(check)
    assert "All rows are valid." in said(check)
    assert "posts: 2 rows" in imported(ws)
    assert stored(ws, POSTS_SQL) == [
        ("p1", utc(2026, 3, 1, 7, 30), CAPTION),
        ("p2", utc(2026, 3, 2, 18), LINES),
    ]
    assert stored(ws, METRICS_SQL) == [
        ("p1", utc(2026, 3, 2, 7), 12),
        ("p2", utc(2026, 3, 3, 8), 0),
    ]


CAPTURED = "2026-03-02T08:00:00+01:00"


def test_a_tab_separated_export_with_two_kinds_of_file(tmp_path: Path) -> None:
    """A spreadsheet's "tab delimited text" save of the canonical files, here posts.csv and
    audience.csv, with a header that also holds commas and semicolons in a column nothing
    reads. (No native export of the user guide's sources is tab separated by itself; a native
    one saved again with tabs: test_native_formats.)"""
    ws = workspace(tmp_path)
    write_csv(
        ws / "data" / "posts.csv",
        [
            (*POSTS, "Note; commenti, varie"),
            (*post("p1", "2026-03-01T08:30:00+01:00", "Pane, olio; sale", "7", CAPTURED), "x"),
        ],
        "\t",
    )
    write_csv(
        ws / "data" / "audience.csv",
        [
            ("network", "account", "member", "bio", "followers", "is_follower"),
            ("instagram", "forno", "@giulia", "Amo il pane, la pizza; il caffè", "320", "yes"),
        ],
        "\t",
    )
    out = imported(ws)
    assert "'Note; commenti, varie' not read" in out
    assert stored(ws, POSTS_SQL) == [("p1", utc(2026, 3, 1, 7, 30), "Pane, olio; sale")]
    assert stored(ws, METRICS_SQL) == [("p1", utc(2026, 3, 2, 7), 7)]
    assert stored(ws, "SELECT member, bio, followers, is_follower FROM audience_members") == [
        ("giulia", "Amo il pane, la pizza; il caffè", 320, True)
    ]


@pytest.mark.parametrize(
    "delimiter", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"]
)
def test_a_quote_closed_rows_later_is_reported_for_every_delimiter(
    tmp_path: Path, delimiter: str
) -> None:
    d = delimiter
    ws = workspace(tmp_path)
    row = d.join(
        ["instagram", "forno", "{}", "2026-03-0{}T08:30:00Z", "{}", "5", "2026-03-09T08:00:00Z"]
    )
    (ws / "data" / "posts.csv").write_text(
        "\n".join(
            [
                d.join(POSTS),
                row.format("p1", 1, '"Pane'),  # the quote opens here ...
                row.format("p2", 2, "Focaccia"),
                row.format("p3", 3, 'Grissini"'),  # ... and closes two rows later
                row.format("p4", 4, "Taralli"),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    out = refused(ws)
    assert f"posts.csv row 2: text {QUOTE_CLOSED_LATER}" in out
    assert "1 bad row(s)" in out
    out = imported(ws, "--skip-bad")
    assert "skipped 1 bad row(s)" in out
    assert stored(ws, "SELECT post_id, text FROM posts") == [("p4", "Taralli")]


def test_a_quote_left_open_in_a_key_column_is_reported(tmp_path: Path) -> None:
    # the quote opens in post_id: without the check the post would be stored under an id
    # that holds the next rows
    ws = workspace(tmp_path)
    (ws / "data" / "posts.csv").write_text(
        ",".join(POSTS) + "\n"
        'instagram,forno,"p1,2026-03-01T08:30:00Z,Pane,5,2026-03-09T08:00:00Z\n'
        "instagram,forno,p2,2026-03-02T08:30:00Z,Focaccia,6,2026-03-09T08:00:00Z\n"
        'instagram,forno,p3",2026-03-03T08:30:00Z,Grissini,7,2026-03-09T08:00:00Z\n',
        encoding="utf-8",
    )
    out = refused(ws)
    assert f"posts.csv row 2: post_id {QUOTE_CLOSED_LATER}" in out


POSTS_VALUES = '\n[plugins.files.posts]\nvalues = {network = "instagram", account = "forno"}\n'
AUDIENCE_VALUES = POSTS_VALUES.replace("posts", "audience")


def test_three_columns_are_enough_to_find_a_quote_closed_rows_later(tmp_path: Path) -> None:
    # network and account are constants of smm.toml: the file has three columns
    ws = workspace(tmp_path, POSTS_VALUES)
    (ws / "data" / "posts.csv").write_text(
        "post_id,created_at,text\n"
        'p1,2026-03-01T08:30:00Z,"Pane\n'
        "p2,2026-03-02T08:30:00Z,Focaccia\n"
        'p3,2026-03-03T08:30:00Z,Grissini"\n'
        "p4,2026-03-04T08:30:00Z,Taralli\n",
        encoding="utf-8",
    )
    out = refused(ws)
    assert f"posts.csv row 2: text {QUOTE_CLOSED_LATER}" in out


def test_a_two_column_file_keeps_its_lines_with_delimiters(tmp_path: Path) -> None:
    # with two columns any line holding a delimiter would look like a row: the check is off
    # and a bio over two lines, the second with a semicolon, is stored as it is
    ws = workspace(tmp_path, AUDIENCE_VALUES)
    bio = "Panettiera a Bologna\npane; dolci; caffè"
    write_csv(ws / "data" / "audience.csv", [("member", "bio"), ("giulia", bio)], ";")
    imported(ws)
    assert stored(ws, "SELECT network, account, member, bio FROM audience_members") == [
        ("instagram", "forno", "giulia", bio)
    ]


def test_a_caption_line_with_fewer_delimiters_than_a_row_is_stored(tmp_path: Path) -> None:
    # a row of this file has 4 commas; a caption line with 3 is text, not a swallowed row
    ws = workspace(tmp_path)
    text = "Oggi in vetrina:\npane, focaccia, grissini, taralli"
    write_csv(
        ws / "data" / "posts.csv",
        [
            ("network", "account", "post_id", "created_at", "text"),
            ("instagram", "forno", "p1", "2026-03-01T08:30:00Z", text),
        ],
    )
    imported(ws)
    assert stored(ws, "SELECT post_id, text FROM posts") == [("p1", text)]


def test_a_delimiter_set_in_smm_toml_that_is_not_ascii_is_used(tmp_path: Path) -> None:
    # '¦' (broken bar) separates some legacy exports; a regular expression must not choke
    # on it (it did: "cannot be read: invalid escape sequence")
    ws = workspace(tmp_path, '\n[plugins.files]\ndelimiter = "¦"\n')
    (ws / "data" / "posts.csv").write_text(
        "¦".join(POSTS) + "\n"
        "instagram¦forno¦p1¦2026-03-01T08:30:00Z¦Pane, olio¦5¦2026-03-02T08:00:00Z\n",
        encoding="utf-8",
    )
    imported(ws)
    assert stored(ws, "SELECT post_id, text FROM posts") == [("p1", "Pane, olio")]
    assert stored(ws, "SELECT post_id, likes FROM post_metrics") == [("p1", 5)]


# ------------------------------------------------------------------ plausible times and days


def test_days_from_2004_to_tomorrow_are_stored_others_are_bad_rows(tmp_path: Path) -> None:
    today = datetime.now(UTC).date()
    tomorrow, later = today + timedelta(days=1), today + timedelta(days=3)
    ws = workspace(tmp_path)
    write_csv(
        ws / "data" / "daily.csv",
        [
            ("network", "account", "day", "metric", "value"),
            ("linkedin", "forno-rossi", "2004-01-01", "page_views", "1"),
            ("linkedin", "forno-rossi", today.isoformat(), "page_views", "12"),
            ("linkedin", "forno-rossi", tomorrow.isoformat(), "page_views", "3.5"),
            ("linkedin", "forno-rossi", "2003-12-31", "page_views", "7"),
            ("linkedin", "forno-rossi", later.isoformat(), "page_views", "8"),
        ],
    )
    result = run(ws, "files", "import", str(ws / "data"))
    assert result.exit_code == 1
    why = "is not plausible: before 2004 or later than the import day plus a day"
    assert f"daily.csv row 5: day 2003-12-31 {why}" in said(result)
    assert f"daily.csv row 6: day {later} {why}" in said(result)
    assert "2 bad row(s)" in said(result)
    assert stored(ws, "SELECT count(*) FROM daily_metrics") in ([], [(0,)])
    imported(ws, "--skip-bad")
    assert stored(ws, "SELECT day, value FROM daily_metrics ORDER BY day") == [
        (date(2004, 1, 1), 1.0),
        (today, 12.0),
        (tomorrow, 3.5),
    ]


def test_times_up_to_a_day_after_the_import_are_stored_later_ones_are_bad(
    tmp_path: Path,
) -> None:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    hour_ago, soon = now - timedelta(hours=1), now + timedelta(hours=20)
    later = now + timedelta(days=3)
    ws = workspace(tmp_path)
    write_csv(
        ws / "data" / "posts.csv",
        [
            POSTS,
            post("p1", "2004-01-01T00:00:00Z", "", "1", hour_ago.isoformat()),
            post("p2", hour_ago.isoformat(), "", "2", soon.isoformat()),
            post("p3", "2003-12-31T23:59:00Z", "", "3", hour_ago.isoformat()),
            post("p4", hour_ago.isoformat(), "", "4", later.isoformat()),
        ],
    )
    out = refused(ws)
    why = "UTC is not plausible: before 2004 or later than the import time plus a day"
    assert f"posts.csv row 4: created_at 2003-12-31 23:59 {why}" in out
    assert f"posts.csv row 5: captured_at {later:%Y-%m-%d %H:%M} {why}" in out
    imported(ws, "--skip-bad")
    assert stored(ws, "SELECT post_id, created_at FROM posts ORDER BY post_id") == [
        ("p1", utc(2004, 1, 1)),
        ("p2", hour_ago),
    ]
    assert stored(ws, METRICS_SQL) == [("p1", hour_ago, 1), ("p2", soon, 2)]


def test_a_post_created_after_its_capture_is_a_bad_row(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    write_csv(
        ws / "data" / "posts.csv",
        [
            POSTS,
            # a day of slack for time zones and clocks: 23 hours later is stored
            post("p1", "2026-03-02T07:00:00Z", "", "1", "2026-03-01T08:00:00Z"),
            post("p2", "2026-03-03T08:00:00Z", "", "2", "2026-03-01T08:00:00Z"),
        ],
    )
    out = refused(ws)
    assert (
        "posts.csv row 3: created_at is later than captured_at (the post cannot be measured "
        "before it exists)" in out
    )
    imported(ws, "--skip-bad")
    assert stored(ws, METRICS_SQL) == [("p1", utc(2026, 3, 1, 8), 1)]


# ------------------------------------------------------------------ interactions


def test_an_interaction_without_an_id_is_stored_under_its_default_id(tmp_path: Path) -> None:
    # the id smmcore.models.Interaction gives one: kind:post_id:member (post_id may be empty)
    ws = workspace(tmp_path)
    write_csv(
        ws / "data" / "interactions.csv",
        [
            ("network", "account", "member", "kind", "post_id", "occurred_at", "interaction_id"),
            ("instagram", "forno", "giulia", "like", "p1", "2026-03-01T09:00:00Z", ""),
            ("instagram", "forno", "@marco", "follow", "", "2026-03-01T10:00:00Z", ""),
            ("instagram", "forno", "foodblogger", "reply", "p1", "", "c-77"),
        ],
    )
    imported(ws)
    assert stored(
        ws, "SELECT interaction_id, member, kind, post_id FROM interactions ORDER BY member"
    ) == [
        ("c-77", "foodblogger", "reply", "p1"),
        ("like:p1:giulia", "giulia", "like", "p1"),
        ("follow::marco", "marco", "follow", None),
    ]


# ------------------------------------------------------------------ each type of value


def test_audience_values_on_both_sides(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    write_csv(
        ws / "data" / "audience.csv",
        [
            ("network", "account", "member", "followers", "is_follower", "first_seen"),
            ("instagram", "forno", "@giulia", "0", "yes", "2026-02-01T09:00:00+01:00"),
            ("instagram", "forno", "marco", "1200", "No", ""),
            ("instagram", "forno", "anna", "", " TRUE ", ""),
            ("instagram", "forno", "luca", "7", "0", ""),
            ("instagram", "forno", "@", "5", "", ""),
            ("instagram", "forno", "sara", "1,200", "maybe", "2026-02-01 09:00"),
        ],
    )
    out = refused(ws)
    assert "audience.csv row 6: member is empty" in out
    assert (
        "audience.csv row 7: followers must be a whole number >= 0, got '1,200'; is_follower "
        "must be true or false, got 'maybe'; first_seen '2026-02-01 09:00' has no UTC offset"
    ) in out
    imported(ws, "--skip-bad")
    assert stored(
        ws, "SELECT member, followers, is_follower, first_seen FROM audience_members ORDER BY 1"
    ) == [
        ("anna", None, True, None),
        ("giulia", 0, True, utc(2026, 2, 1, 8)),
        ("luca", 7, False, None),
        ("marco", 1200, False, None),
    ]


def test_interaction_kinds_on_both_sides(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    write_csv(
        ws / "data" / "interactions.csv",
        [
            ("network", "account", "member", "kind", "post_id", "interaction_id"),
            ("instagram", "forno", "giulia", " Like ", "p1", ""),
            ("instagram", "forno", "marco", "", "p1", ""),
            ("instagram", "forno", "anna", "clap", "p1", ""),
        ],
    )
    out = refused(ws)
    assert "interactions.csv row 3: kind is empty" in out
    assert (
        "interactions.csv row 4: kind 'clap' is not one of like, repost, reply, quote, mention, "
        "follow"
    ) in out
    imported(ws, "--skip-bad")
    assert stored(ws, "SELECT interaction_id, kind FROM interactions") == [
        ("like:p1:giulia", "like")
    ]


def test_daily_values_on_both_sides(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    write_csv(
        ws / "data" / "daily.csv",
        [
            ("network", "account", "day", "metric", "value"),
            ("linkedin", "forno-rossi", " 2026-03-05 ", "page_views", " 12 "),
            ("linkedin", "forno-rossi", "2026-03-06", "page_views", "0.5"),
            ("linkedin", "forno-rossi", "2026-03-07", "page_views", ""),
            ("linkedin", "forno-rossi", "03/08/2026", "page_views", "1"),
            ("linkedin", "forno-rossi", "", "page_views", "1"),
            ("linkedin", "forno-rossi", "2026-03-09", "page_views", "12,5"),
            ("linkedin", "forno-rossi", "2026-03-10", "page_views", "inf"),
            ("linkedin", "forno-rossi", "2026-03-11", "", "1"),
        ],
    )
    result = run(ws, "files", "import", str(ws / "data"))
    assert result.exit_code == 1
    out = said(result)
    assert "daily.csv row 5: day '03/08/2026' is not a day (YYYY-MM-DD)" in out
    assert "daily.csv row 6: day is empty" in out
    assert "daily.csv row 7: value is not a number: '12,5'" in out
    assert "daily.csv row 8: value is not a number: 'inf'" in out
    assert "daily.csv row 9: metric is empty" in out
    assert stored(ws, "SELECT count(*) FROM daily_metrics") in ([], [(0,)])
    imported(ws, "--skip-bad")
    assert stored(ws, "SELECT day, value FROM daily_metrics ORDER BY day") == [
        (date(2026, 3, 5), 12.0),
        (date(2026, 3, 6), 0.5),
        (date(2026, 3, 7), None),
    ]


def test_an_account_snapshot_needs_its_capture_time(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    write_csv(
        ws / "data" / "accounts.csv",
        [
            ("network", "account", "captured_at", "followers"),
            ("instagram", "forno", "2026-03-01T23:00:00+01:00", "0"),
            ("instagram", "forno", "", "105"),
        ],
    )
    result = run(ws, "files", "import", str(ws / "data"))
    assert result.exit_code == 1
    assert "accounts.csv row 3: captured_at is empty" in said(result)
    imported(ws, "--skip-bad")
    assert stored(ws, "SELECT captured_at, followers FROM account_snapshots") == [
        (utc(2026, 3, 1, 22), 0)
    ]


@pytest.mark.parametrize(
    ("config", "good", "bad", "why"),
    [
        (
            'timezone = "Europe/Rome"\ntimestamp_format = "%d/%m/%Y %H:%M"',
            "01/03/2026 08:30",
            "1 marzo 2026",
            "matches neither ISO 8601 nor %d/%m/%Y %H:%M",
        ),
        (
            'timezone = "Europe/Rome"\ntimestamp_format = "%d %b \'%y %H:%M"',
            "01 Mar '26 08:30",
            "01/03/2026 08:30",
            "matches neither ISO 8601 nor %d %b '%y %H:%M",
        ),
        (
            'timestamp_format = "%d/%m/%Y %H:%M %z"',
            "01/03/2026 08:30 +0100",
            "01/03/2026 08:30",
            "matches neither ISO 8601 nor %d/%m/%Y %H:%M %z",
        ),
        (
            'timestamp_format = "%d/%m/%Y %H:%M"',
            "2026-03-01T08:30:00+01:00",
            "01/03/2026 08:30",
            "has no UTC offset: set timezone for timestamp_format",
        ),
        (
            'timezone = "Europe/Rome"',
            "2026-03-01 08:30:00",
            "01/03/2026 08:30",
            "is not an ISO 8601 timestamp",
        ),
    ],
    ids=[
        "format-and-zone",
        "format-with-a-quote",
        "format-with-offset",
        "format-without-zone",
        "zone",
    ],
)
def test_timestamps_as_the_settings_say(
    tmp_path: Path, config: str, good: str, bad: str, why: str
) -> None:
    # the good one is 08:30 in Rome in winter (or written with its offset): 07:30 UTC;
    # an ISO 8601 time with an offset is read whatever the settings say
    ws = workspace(tmp_path, f"\n[plugins.files]\n{config}\n")
    write_csv(
        ws / "data" / "posts.csv",
        [
            ("network", "account", "post_id", "created_at"),
            ("instagram", "forno", "p1", good),
            ("instagram", "forno", "p2", "2026-03-01T07:30:00Z"),
            ("instagram", "forno", "p3", bad),
        ],
    )
    out = refused(ws)
    assert f"posts.csv row 4: created_at '{bad}' {why}" in out
    imported(ws, "--skip-bad")
    assert stored(ws, "SELECT post_id, created_at FROM posts ORDER BY 1") == [
        ("p1", utc(2026, 3, 1, 7, 30)),
        ("p2", utc(2026, 3, 1, 7, 30)),
    ]


def test_post_kinds_are_the_core_s_reels_and_carousels_included(tmp_path: Path) -> None:
    # the kinds smm-meta stores from the API (smmcore.models.PostKind): a file says the same
    ws = workspace(tmp_path)
    write_csv(
        ws / "data" / "posts.csv",
        [
            ("network", "account", "post_id", "created_at", "kind"),
            ("instagram", "forno", "r1", "2026-03-01T08:30:00+01:00", "reel"),
            ("instagram", "forno", "c1", "2026-03-01T09:30:00+01:00", " Carousel "),
            ("instagram", "forno", "p1", "2026-03-01T10:30:00+01:00", ""),
            ("instagram", "forno", "t1", "2026-03-01T11:30:00+01:00", "tweet"),
        ],
    )
    out = refused(ws)
    assert (
        "posts.csv row 5: kind 'tweet' is not one of post, reply, repost, quote, video, reel, "
        "story, carousel, article"
    ) in out
    assert "row 2" not in out and "row 3" not in out and "row 4" not in out
    imported(ws, "--skip-bad")
    assert stored(ws, "SELECT post_id, kind FROM posts ORDER BY post_id") == [
        ("c1", "carousel"), ("p1", "post"), ("r1", "reel")
    ]  # fmt: skip
