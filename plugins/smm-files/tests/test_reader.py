"""Reading and validating exports: values, bad rows, mapping, JSON Lines, unknown counts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from smm_files.reader import read_export
from smm_files.settings import FilesSettings

from smmcore.contracts import SourceError


def rows(data, table: str, key: str = "post_id") -> list[dict]:
    return sorted(data.tables[table].to_pylist(), key=lambda r: (str(r.get(key)), str(r)))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_canonical_export_values(export: Path) -> None:
    data = read_export(export)
    assert data.bad_count == 0
    assert data.rows_read == {
        "accounts.csv": 2,
        "posts.csv": 3,
        "audience.csv": 2,
        "interactions.csv": 2,
    }
    accounts = {(r["network"], r["account"]): r for r in data.tables["accounts"].to_pylist()}
    assert set(accounts) == {("instagram", "forno"), ("mastodon", "forno@m.social")}
    assert accounts["instagram", "forno"]["display_name"] == "Forno Rossi"

    snaps = rows(data, "account_snapshots", "captured_at")
    # +01:00 -> UTC; "@forno" is the same account as "forno"; an empty cell is unknown
    assert [(s["account"], s["captured_at"], s["followers"], s["following"]) for s in snaps] == [
        ("forno", utc(2026, 3, 1, 22), 100, 50),
        ("forno", utc(2026, 3, 2, 22), 105, None),
    ]

    posts = data.tables["posts"].to_pylist()
    p1 = next(p for p in posts if p["post_id"] == "p1")
    assert p1["created_at"] == utc(2026, 3, 1, 7, 30)
    assert p1["kind"] == "post"  # empty kind = post
    assert p1["text"] == 'Pane caldo, "buono" & <b>'
    toot = next(p for p in posts if p["post_id"] == "109")
    assert toot["network"] == "mastodon"  # lower-cased
    assert toot["kind"] == "reply"
    assert toot["text"] == "due\nrighe"
    assert toot["url"] is None

    metrics = rows(data, "post_metrics", "captured_at")
    assert [(m["post_id"], m["captured_at"], m["likes"], m["replies"]) for m in metrics] == [
        ("p1", utc(2026, 3, 2, 7), 10, 3),
        ("p1", utc(2026, 3, 3, 7), 12, 4),
        ("109", utc(2026, 3, 3, 8), 0, None),
    ]
    first = metrics[0]
    assert (first["impressions"], first["reach"], first["saves"]) == (500, 400, 1)
    # unknown is NULL, never 0; a real 0 stays 0
    assert first["views"] is None and first["quotes"] is None and first["clicks"] is None
    assert metrics[2]["likes"] == 0 and metrics[2]["reposts"] is None

    members = {m["member"]: m for m in data.tables["audience_members"].to_pylist()}
    assert members["giulia"]["is_follower"] is True
    assert members["giulia"]["first_seen"] == utc(2026, 2, 1, 8)
    assert members["giulia"]["following"] is None
    assert members["foodblogger"]["followers"] == 120000
    assert members["foodblogger"]["is_follower"] is None

    inter = {i["member"]: i for i in data.tables["interactions"].to_pylist()}
    assert inter["giulia"]["interaction_id"] == "like:p1:giulia"
    assert inter["foodblogger"]["interaction_id"] == "c-77"
    assert inter["foodblogger"]["occurred_at"] is None


BAD_POSTS = """network,account,post_id,created_at,kind,text,likes,views,captured_at
instagram,forno,ok1,2026-03-01T08:30:00+01:00,,fine,5,,2026-03-02T08:00:00+01:00
instagram,forno,p2,2026-03-01 08:30:00,,naive,1,,2026-03-02T08:00:00+01:00
instagram,,p3,2026-03-01T08:30:00+01:00,tweet,x,-3,,2026-03-02T08:00:00+01:00
instagram,forno,p4,yesterday,,x,12.5,1e3,2026-03-02T08:00:00+01:00
instagram,forno,p5,2026-03-01T08:30:00+01:00,,x,4,5,6,7
instagram,forno,p6,2026-03-01T08:30:00+01:00,,metrics but no capture time,4,,
instagram,forno,ok2,2026-03-01T09:30:00+01:00,video,fine,,,
"""


def test_bad_rows_are_reported_and_nothing_is_returned(tmp_path: Path, make_export) -> None:
    folder = make_export(tmp_path / "x", posts=BAD_POSTS)
    with pytest.raises(SourceError) as info:
        read_export(folder)
    err = info.value
    assert err.kind == "invalid_data"
    assert "--skip-bad" in (err.hint or "")
    lines = str(err.args[0]).splitlines()
    assert lines[0] == f"5 bad row(s) in {folder}, nothing imported:"
    assert lines[1:] == [
        "  posts.csv row 3: created_at '2026-03-01 08:30:00' has no UTC offset (write ISO 8601 "
        "with an offset, e.g. 2026-03-01T09:30:00+01:00, or set timezone)",
        "  posts.csv row 4: account is empty; kind 'tweet' is not one of post, reply, repost, "
        "quote, video, reel, story, carousel, article; likes must be a whole number >= 0, "
        "got '-3'",
        "  posts.csv row 5: created_at 'yesterday' is not an ISO 8601 timestamp; likes must be a "
        "whole number >= 0, got '12.5'; views must be a whole number >= 0, got '1e3'",
        "  posts.csv row 6: expected 9 fields, found 10",
        "  posts.csv row 7: captured_at is empty but the row has metrics",
    ]


def test_skip_bad_keeps_the_good_rows(tmp_path: Path, make_export) -> None:
    folder = make_export(tmp_path / "x", posts=BAD_POSTS)
    logged: list[str] = []
    data = read_export(folder, skip_bad=True, log=logged.append)
    assert sorted(r["post_id"] for r in data.tables["posts"].to_pylist()) == ["ok1", "ok2"]
    # ok2 has no metrics at all: a post without a metric snapshot
    assert [r["post_id"] for r in data.tables["post_metrics"].to_pylist()] == ["ok1"]
    assert data.bad_count == 5
    assert logged[0].startswith(f"skipped 5 bad row(s) in {folder}:")
    assert "posts.csv row 6: expected 9 fields, found 10" in logged[0]


def test_bad_report_lists_20_rows_then_counts(tmp_path: Path, make_export) -> None:
    header = "network,account,post_id,created_at\n"
    body = "".join(f"instagram,forno,p{i},not a date\n" for i in range(25))
    with pytest.raises(SourceError) as info:
        read_export(make_export(tmp_path / "x", posts=header + body))
    lines = str(info.value.args[0]).splitlines()
    assert len(lines) == 1 + 20 + 1
    assert lines[1].startswith("  posts.csv row 2: created_at 'not a date'")
    assert lines[20].startswith("  posts.csv row 21:")
    assert lines[-1] == "  ... and 5 more"


def test_missing_required_column_names_it_and_the_headers(tmp_path: Path, make_export) -> None:
    folder = make_export(tmp_path / "x", posts="network,account,id,when\ninstagram,a,1,x\n")
    with pytest.raises(SourceError) as info:
        read_export(folder)
    assert "posts.csv has no column post_id, created_at (required)" in str(info.value)
    assert "its headers are: network, account, id, when" in str(info.value)
    assert "mapping" in (info.value.hint or "")


FACEBOOK_EXPORT = """Post ID;Publish time;Description;Reactions;Comments;Shares;Reach;Post type
1234_1;03/01/2026 08:30;Pane caldo;41;3;2;900;Photos
1234_2;03/07/2026 18:05;Sabato degustazione;;5;;1200;Photos
"""


def test_column_mapping_constants_and_timestamp_format(tmp_path: Path, make_export) -> None:
    folder = make_export(tmp_path / "fb", **{"Facebook_posts_2026.csv": FACEBOOK_EXPORT})
    settings = FilesSettings.model_validate(
        {
            "timezone": "Europe/Rome",
            "mapping": {"likes": "Reactions", "replies": "Comments", "reposts": "Shares"},
            "posts": {
                "file": "Facebook_posts_*.csv",
                "timestamp_format": "%m/%d/%Y %H:%M",
                "mapping": {
                    "post_id": "Post ID",
                    "created_at": "Publish time",
                    "text": "Description",
                    "reach": "REACH",  # headers match case-insensitively
                },
                "values": {
                    "network": "facebook",
                    "account": "FornoRossiBologna",
                    "captured_at": "2026-03-10T00:00:00+01:00",
                },
            },
        }
    )
    data = read_export(folder, settings)
    posts = sorted(data.tables["posts"].to_pylist(), key=lambda r: r["post_id"])
    assert [(p["network"], p["account"], p["post_id"]) for p in posts] == [
        ("facebook", "FornoRossiBologna", "1234_1"),
        ("facebook", "FornoRossiBologna", "1234_2"),
    ]
    # 08:30 in Rome in winter is 07:30 UTC
    assert posts[0]["created_at"] == utc(2026, 3, 1, 7, 30)
    assert posts[0]["text"] == "Pane caldo"
    metrics = sorted(data.tables["post_metrics"].to_pylist(), key=lambda r: r["post_id"])
    assert [(m["likes"], m["replies"], m["reposts"], m["reach"]) for m in metrics] == [
        (41, 3, 2, 900),
        (None, 5, None, 1200),
    ]
    assert metrics[0]["captured_at"] == utc(2026, 3, 9, 23)


def test_naive_timestamps_with_timezone_setting(tmp_path: Path, make_export) -> None:
    text = "network,account,post_id,created_at\ninstagram,a,1,2026-07-01 10:00:00\n"
    folder = make_export(tmp_path / "x", posts=text)
    data = read_export(folder, FilesSettings(timezone="Europe/Rome"))
    # summer time in Rome: +02:00
    assert data.tables["posts"].column("created_at").to_pylist() == [utc(2026, 7, 1, 8)]


def test_settings_reject_unknown_columns_and_time_zones() -> None:
    with pytest.raises(ValueError, match="unknown canonical column"):
        FilesSettings.model_validate({"mapping": {"lieks": "Reactions"}})
    with pytest.raises(ValueError, match="unknown time zone"):
        FilesSettings.model_validate({"timezone": "Europe/Bologna"})


def test_json_lines(tmp_path: Path, make_export) -> None:
    folder = make_export(
        tmp_path / "j",
        **{
            "posts.jsonl": (
                '{"network": "mastodon", "account": "@forno@m.social", "post_id": "1", '
                '"created_at": "2026-01-01T10:00:00Z", "likes": 3, "views": null, '
                '"text": "ciao <b>", "captured_at": "2026-01-02T10:00:00+01:00"}\n'
                '{"network": "mastodon", "account": "forno@m.social", "post_id": "2", '
                '"created_at": "2026-01-01T11:00:00Z", "likes": "x"}\n'
            ),
            "accounts.jsonl": (
                '{"network": "mastodon", "account": "forno@m.social", '
                '"captured_at": "2026-01-02T00:00:00Z", "followers": 650}\n'
            ),
        },
    )
    with pytest.raises(SourceError) as info:
        read_export(folder)
    assert "posts.jsonl line 2: likes must be a whole number >= 0, got 'x'" in str(info.value)
    data = read_export(folder, skip_bad=True)
    (post,) = data.tables["posts"].to_pylist()
    assert (post["account"], post["text"]) == ("forno@m.social", "ciao <b>")
    (m,) = data.tables["post_metrics"].to_pylist()
    assert (m["likes"], m["views"], m["captured_at"]) == (3, None, utc(2026, 1, 2, 9))
    (snap,) = data.tables["account_snapshots"].to_pylist()
    assert snap["followers"] == 650 and snap["following"] is None


def test_csv_and_jsonl_of_one_kind_are_both_read(
    tmp_path: Path, make_export, posts_csv: str
) -> None:
    folder = make_export(
        tmp_path / "both",
        posts=posts_csv,
        **{
            "posts.jsonl": '{"network": "x", "account": "y", "post_id": "9", '
            '"created_at": "2026-01-01T10:00:00Z"}\n'
        },
    )
    data = read_export(folder)
    assert data.rows_read == {"posts.csv": 3, "posts.jsonl": 1}
    assert data.tables["posts"].num_rows == 3  # p1 (two snapshots, one post), 109 and 9


def test_missing_folder_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist") as info:
        read_export(tmp_path / "nope")
    assert info.value.kind == "not_found"
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceError, match="no export files"):
        read_export(tmp_path / "empty")


def test_since_keeps_recent_content(export: Path) -> None:
    data = read_export(export, since=utc(2026, 3, 2))
    assert [p["post_id"] for p in data.tables["posts"].to_pylist()] == ["109"]
    assert [s["followers"] for s in data.tables["account_snapshots"].to_pylist()] == [105]


def test_repeated_post_keeps_the_latest_snapshot_fields(tmp_path: Path, make_export) -> None:
    text = (
        "network,account,post_id,created_at,text,likes,captured_at\n"
        "instagram,a,1,2026-03-01T08:00:00Z,edited text,9,2026-03-05T08:00:00Z\n"
        "instagram,a,1,2026-03-01T08:00:00Z,first text,4,2026-03-02T08:00:00Z\n"
        "instagram,a,1,2026-03-01T08:00:00Z,first text,5,2026-03-02T08:00:00Z\n"
    )
    data = read_export(make_export(tmp_path / "x", posts=text))
    assert data.tables["posts"].column("text").to_pylist() == ["edited text"]
    # one snapshot per captured_at: the last row of a repeated one wins
    metrics = sorted(data.tables["post_metrics"].to_pylist(), key=lambda r: r["captured_at"])
    assert [m["likes"] for m in metrics] == [5, 9]


def test_json_lines_numbers_skip_blank_lines_and_name_broken_ones(
    tmp_path: Path, make_export
) -> None:
    ok = '{"network": "x", "account": "y", "post_id": "1", "created_at": "2026-01-01T10:00:00Z"}'
    bad = '{"network": "x", "account": "y", "post_id": "2", "created_at": "bad"}'
    folder = make_export(tmp_path / "a", **{"posts.jsonl": f"{ok}\n\n{bad}\n"})
    with pytest.raises(SourceError, match=r"posts\.jsonl line 3: created_at 'bad'"):
        read_export(folder)
    broken = make_export(tmp_path / "b", **{"posts.jsonl": f'{ok}\n{{"network": "x",\n'})
    with pytest.raises(SourceError, match=r"posts\.jsonl is not valid JSON Lines: line 2: "):
        read_export(broken)


def test_a_file_that_is_not_utf8_gets_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "latin1"
    folder.mkdir()
    rows = "".join(f"instagram,a,{i},2026-01-01T10:00:00Z,ok\n" for i in range(50_000))
    text = (
        "network,account,post_id,created_at,text\n"
        + rows
        + "instagram,a,x,2026-01-01T10:00:00Z,caffè\n"
    )
    (folder / "posts.csv").write_bytes(text.encode("latin-1"))
    with pytest.raises(
        SourceError, match=r"posts\.csv cannot be read: it is not UTF-8 text"
    ) as info:
        read_export(folder)
    assert "UTF-8" in (info.value.hint or "")
