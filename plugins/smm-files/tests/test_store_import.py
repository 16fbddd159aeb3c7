"""Imports into a real history store: values, idempotence, all-or-nothing, --skip-bad."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from smm_files.reader import read_export
from smm_files.settings import FilesSettings
from smm_files.source import FilesSource

from smmcore.contracts import NoData, RecordBatch, SourceContext, SourceError, SyncCursor
from smmcore.store import Store

TABLES = (
    "accounts",
    "account_snapshots",
    "posts",
    "post_metrics",
    "audience_members",
    "interactions",
)


def import_folder(store: Store, folder: Path, **kwargs) -> dict[str, int]:
    data = read_export(folder, **kwargs)
    return store.write([RecordBatch(t, rows) for t, rows in data.tables.items()])


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, without the columns that record when a row was written."""
    out = {}
    for table in TABLES:
        cols = [c for c in store.columns(table) if c != "updated_at"]
        out[table] = store.con.execute(
            f"SELECT {', '.join(cols)} FROM {table} ORDER BY ALL"
        ).fetchall()
    return out


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "store.duckdb")
    yield s
    s.close()


def test_import_stores_the_values(store: Store, export: Path) -> None:
    import_folder(store, export)
    con = store.con
    assert con.execute("SELECT count(*) FROM posts").fetchone()[0] == 2
    assert con.execute(
        "SELECT post_id, likes, views, impressions FROM post_metrics_latest ORDER BY post_id"
    ).fetchall() == [("109", 0, None, None), ("p1", 12, None, 600)]
    assert con.execute(
        "SELECT followers, following FROM account_snapshots ORDER BY captured_at"
    ).fetchall() == [(100, 50), (105, None)]
    assert (
        con.execute("SELECT epoch(created_at)::BIGINT FROM posts WHERE post_id = 'p1'").fetchone()[
            0
        ]
        == 1772350200
    )  # 2026-03-01T07:30:00Z
    assert con.execute("SELECT count(*) FROM audience_members").fetchone()[0] == 2
    assert con.execute("SELECT interaction_id FROM interactions ORDER BY 1").fetchall() == [
        ("c-77",),
        ("like:p1:giulia",),
    ]


def test_reimport_changes_nothing(store: Store, export: Path) -> None:
    import_folder(store, export)
    before = snapshot(store)
    import_folder(store, export)
    assert snapshot(store) == before
    assert sum(len(rows) for rows in before.values()) == 2 + 2 + 2 + 3 + 2 + 2


def test_bad_rows_import_nothing(store: Store, tmp_path: Path, make_export, posts_csv) -> None:
    bad = posts_csv + "instagram,forno,p9,2026-03-05T08:00:00+01:00,,x,,-1,,,,,,,,,\n"
    folder = make_export(tmp_path / "bad", posts=bad)
    # row 5 as a spreadsheet counts it: the toot in row 4 spans two lines of the file
    with pytest.raises(SourceError, match=r"posts\.csv row 5: likes must be a whole number"):
        import_folder(store, folder)
    assert store.con.execute("SELECT count(*) FROM posts").fetchone()[0] == 0


def test_skip_bad_imports_the_good_rows(
    store: Store, tmp_path: Path, make_export, posts_csv
) -> None:
    bad = posts_csv + "instagram,forno,p9,2026-03-05T08:00:00+01:00,,x,,-1,,,,,,,,,\n"
    import_folder(store, make_export(tmp_path / "bad", posts=bad), skip_bad=True)
    assert store.con.execute("SELECT post_id FROM posts ORDER BY 1").fetchall() == [
        ("109",),
        ("p1",),
    ]


def run_source(source: FilesSource, ctx: SourceContext) -> list:
    (unit,) = source.plan([_Channel("instagram", "forno"), _Channel("mastodon", "forno@m")])

    async def collect() -> list:
        return [item async for item in source.fetch(unit, ctx)]

    return asyncio.run(collect())


class _Channel:
    def __init__(self, network: str, account: str, options: dict | None = None) -> None:
        self.network, self.account, self.options = network, account, options or {}


def test_source_plans_one_unit_per_folder() -> None:
    source = FilesSource(FilesSettings(path="exports"))
    units = source.plan(
        [
            _Channel("instagram", "a"),
            _Channel("facebook", "b"),
            _Channel("mastodon", "c", {"path": "other"}),
        ]
    )
    assert [(u.key, u.options["path"]) for u in units] == [
        ("files:exports", "exports"),
        ("files:other", "other"),
    ]
    assert units[0].options["channels"] == ["instagram:a", "facebook:b"]


def test_source_yields_batches_then_skips_an_unchanged_folder(store: Store, export: Path) -> None:
    source = FilesSource(FilesSettings(path="data"))
    logged: list[str] = []
    ctx = SourceContext(workspace_dir=export.parent, log=logged.append)
    items = run_source(source, ctx)
    tables = [i.table for i in items if isinstance(i, RecordBatch)]
    # one chunk per table for a small export; accounts last (it needs every row)
    assert sorted(tables) == sorted(TABLES) and tables[-1] == "accounts"
    cursor = items[-1]
    assert isinstance(cursor, SyncCursor)
    assert set(cursor.value["files"]) == {
        "accounts.csv",
        "posts.csv",
        "audience.csv",
        "interactions.csv",
    }
    store.write(items, unit_key="files:data", source="files")
    saved = store.get_cursor("files:data")

    again = run_source(source, SourceContext(workspace_dir=export.parent, cursor=saved))
    # skipped, and the channel the export has no rows for is still reported
    assert [type(i) for i in again] == [NoData, SyncCursor]
    assert again[0].channel == "mastodon:forno@m"
    assert "did you mean mastodon:forno@m.social?" in again[0].detail

    full = run_source(source, SourceContext(workspace_dir=export.parent, cursor=saved, full=True))
    assert len([i for i in full if isinstance(i, RecordBatch)]) == 6

    (export / "posts.csv").write_text(
        (export / "posts.csv").read_text() + "x,y,z,2026-03-09T10:00:00Z,,,,,,,,,,,,,\n"
    )
    changed = run_source(source, SourceContext(workspace_dir=export.parent, cursor=saved))
    posts = [i for i in changed if isinstance(i, RecordBatch) and i.table == "posts"]
    assert posts[0].columns.num_rows == 3  # p1, 109 and the new z


def test_source_skip_bad_from_run_options(tmp_path: Path, make_export, posts_csv) -> None:
    bad = posts_csv + "instagram,forno,p9,2026-03-05T08:00:00+01:00,,x,,-1,,,,,,,,,\n"
    make_export(tmp_path / "data", posts=bad)
    source = FilesSource(FilesSettings())
    with pytest.raises(SourceError):
        run_source(source, SourceContext(workspace_dir=tmp_path))
    logged: list[str] = []
    ctx = SourceContext(workspace_dir=tmp_path, options={"skip_bad": True}, log=logged.append)
    items = run_source(source, ctx)
    posts = [i for i in items if isinstance(i, RecordBatch) and i.table == "posts"]
    assert posts[0].columns.num_rows == 2
    assert any("skipped 1 bad row(s)" in line for line in logged)


def test_a_run_with_since_does_not_make_a_full_run_skip(store: Store, export: Path) -> None:
    from datetime import UTC, datetime

    source = FilesSource(FilesSettings(path="data"))
    since = datetime(2026, 3, 2, tzinfo=UTC)
    items = run_source(source, SourceContext(workspace_dir=export.parent, since=since))
    posts = [i for i in items if isinstance(i, RecordBatch) and i.table == "posts"]
    assert posts[0].columns.column("post_id").to_pylist() == ["109"]
    cursor = items[-1].value
    again = run_source(source, SourceContext(workspace_dir=export.parent, cursor=cursor))
    posts = [i for i in again if isinstance(i, RecordBatch) and i.table == "posts"]
    assert sorted(posts[0].columns.column("post_id").to_pylist()) == ["109", "p1"]


def stream_into(store: Store, folder: Path, **options) -> dict[str, int]:
    """Run the source as ``smm sync`` does: every chunk into one unit writer."""
    source = FilesSource(FilesSettings(path=str(folder)))
    (unit,) = source.plan([_Channel("instagram", "a")])
    ctx = SourceContext(workspace_dir=folder.parent, options=options)

    async def run() -> dict[str, int]:
        with store.unit_writer(unit.key, "files") as writer:
            async for item in source.fetch(unit, ctx):
                writer.add(item)
        return dict(writer.counts)

    return asyncio.run(run())


POSTS_HEADER = "network,account,post_id,created_at,text,likes,captured_at\n"


def test_streamed_chunks_keep_the_latest_snapshot_of_a_post(
    store: Store, tmp_path: Path, make_export, monkeypatch
) -> None:
    from smm_files import reader

    monkeypatch.setattr(reader, "STREAM_ROWS", 2)  # every two rows a chunk
    text = POSTS_HEADER + (
        "instagram,a,1,2026-03-01T08:00:00Z,edited text,9,2026-03-05T08:00:00Z\n"
        "instagram,a,2,2026-03-01T09:00:00Z,other,1,2026-03-05T08:00:00Z\n"
        "instagram,a,1,2026-03-01T08:00:00Z,first text,4,2026-03-02T08:00:00Z\n"
        "instagram,a,3,2026-03-01T10:00:00Z,third,2,2026-03-05T08:00:00Z\n"
        "instagram,a,1,2026-03-01T08:00:00Z,first text,5,2026-03-02T08:00:00Z\n"
    )
    stream_into(store, make_export(tmp_path / "x", posts=text))
    # the row with the latest captured_at wins for the post, though two older rows follow
    assert store.con.execute("SELECT post_id, text FROM posts ORDER BY 1").fetchall() == [
        ("1", "edited text"),
        ("2", "other"),
        ("3", "third"),
    ]
    # one snapshot per captured_at: the last row of a repeated one wins
    got = store.con.execute(
        "SELECT likes FROM post_metrics WHERE post_id = '1' ORDER BY captured_at"
    ).fetchall()
    assert got == [(5,), (9,)]
    assert store.con.execute("SELECT account FROM accounts").fetchall() == [("a",)]


def test_a_bad_row_in_a_later_chunk_imports_nothing(
    store: Store, tmp_path: Path, make_export, monkeypatch
) -> None:
    from smm_files import reader

    monkeypatch.setattr(reader, "STREAM_ROWS", 2)
    good = "".join(
        f"instagram,a,{i},2026-03-01T08:00:00Z,t,{i},2026-03-05T08:00:00Z\n" for i in range(5)
    )
    bad = "instagram,a,9,2026-03-01T08:00:00Z,t,-1,2026-03-05T08:00:00Z\n"
    folder = make_export(tmp_path / "x", posts=POSTS_HEADER + good + bad)
    with pytest.raises(SourceError, match=r"posts.csv row 7: likes must be a whole number"):
        stream_into(store, folder)
    assert store.con.execute("SELECT count(*) FROM posts").fetchall() == [(0,)]
    assert store.con.execute("SELECT count(*) FROM sync_state").fetchall() == [(0,)]
    counts = stream_into(store, folder, skip_bad=True)
    assert counts["posts"] == 5
    assert store.con.execute("SELECT count(*) FROM posts").fetchall() == [(5,)]


def test_rows_of_the_wrong_length_are_reported_with_exact_numbers_when_streaming(
    store: Store, tmp_path: Path, make_export, monkeypatch
) -> None:
    from smm_files import reader

    monkeypatch.setattr(reader, "STREAM_ROWS", 2)
    text = POSTS_HEADER + (
        "instagram,a,1,2026-03-01T08:00:00Z,t,1,2026-03-05T08:00:00Z\n"
        "instagram,a,2,2026-03-01T08:00:00Z\n"
        "instagram,a,3,2026-03-01T08:00:00Z,t,x,2026-03-05T08:00:00Z\n"
    )
    with pytest.raises(SourceError) as info:
        stream_into(store, make_export(tmp_path / "x", posts=text))
    message = str(info.value)
    assert "posts.csv row 3: expected 7 fields, found 4" in message
    assert "posts.csv row 4: likes must be a whole number" in message
    assert store.con.execute("SELECT count(*) FROM posts").fetchall() == [(0,)]
