"""The history store: migrations, natural keys, one transaction per unit, columnar ingest,
the lock message."""

from __future__ import annotations

import contextlib
import importlib.metadata
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from smmcore.contracts import ChannelRef, RecordBatch, SyncCursor
from smmcore.errors import StoreError
from smmcore.models import (
    Account,
    AccountSnapshot,
    AudienceMember,
    Interaction,
    KeywordSignal,
    Post,
    PostMetrics,
)
from smmcore.store import MIGRATIONS, SCHEMA_VERSION, Store
from smmcore.store import db as store_db

T0 = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / ".smm" / "store.duckdb")
    yield s
    s.close()


def rows(store: Store, sql: str) -> list[tuple]:
    return store.con.execute(sql).fetchall()


def post(pid: str, **kw) -> Post:
    return Post(network="mastodon", account="forno", post_id=pid, created_at=T0, **kw)


def metrics(pid: str, captured_at: datetime = T0, **kw) -> PostMetrics:
    return PostMetrics(
        network="mastodon", account="forno", post_id=pid, captured_at=captured_at, **kw
    )


# ------------------------------------------------------------------ opening and migrations


def test_open_creates_folder_and_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "ws" / ".smm" / "store.duckdb"
    with Store.open(path) as s:
        assert path.exists()
        assert s.schema_version == SCHEMA_VERSION
        versions = rows(s, "SELECT version FROM schema_version ORDER BY version")
        assert versions == [(m[0],) for m in MIGRATIONS]


def test_opening_a_v1_store_migrates_it_and_keeps_the_data(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    assert store_db.migrate(con, MIGRATIONS[:1]) == 1
    con.execute(
        "INSERT INTO post_metrics (network, account, post_id, captured_at, likes) VALUES "
        "('mastodon', 'forno', 'p1', TIMESTAMPTZ '2026-01-01 10:00:00+00', 3), "
        "('mastodon', 'forno', 'p1', TIMESTAMPTZ '2026-01-02 10:00:00+00', 7)"
    )
    con.execute("INSERT INTO sync_state VALUES ('u', 'files', '{\"page\": 4}', NULL, NULL, now())")
    con.close()

    with Store.open(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert rows(s, "SELECT count(*) FROM post_metrics") == [(2,)]
        assert s.get_cursor("u") == {"page": 4}
        # the new view exists and keeps only the latest snapshot (likes 7, not 3)
        assert rows(s, "SELECT post_id, likes FROM post_metrics_latest") == [("p1", 7)]


def test_read_only_open_of_an_old_store_upgrades_it_too(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    store_db.migrate(con, MIGRATIONS[:1])
    con.close()
    with Store.open(path, read_only=True) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.read_only


def test_a_failing_migration_changes_nothing(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    store_db.migrate(con, MIGRATIONS[:1])
    con.execute("INSERT INTO accounts VALUES ('x', 'a', NULL, NULL, NULL, NULL, now())")
    broken = [*MIGRATIONS, (3, "broken", "ALTER TABLE posts ADD COLUMN v INT; SELECT nonsense")]
    with pytest.raises(StoreError, match="from version 1 failed"):
        store_db.migrate(con, broken)
    assert con.execute("SELECT max(version) FROM schema_version").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM accounts").fetchone() == (1,)
    assert "v" not in [r[0] for r in con.execute("DESCRIBE posts").fetchall()]
    con.close()


def test_a_newer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store.open(path) as s:
        s.con.execute("INSERT INTO schema_version VALUES (99, 'future', now())")
    with pytest.raises(StoreError, match=r"written by a newer version of smm \(schema version 99;"):
        Store.open(path)


def test_read_only_open_of_a_missing_store_says_sync_first(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as info:
        Store.open(tmp_path / "nothing.duckdb", read_only=True)
    assert "smm sync" in info.value.format_message()


def test_a_foreign_database_is_refused(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (a INT)")
    con.close()
    with pytest.raises(StoreError, match="not an smm history store"):
        Store.open(path)


def test_another_process_holding_the_store_gets_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.duckdb"
    Store.open(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from smmcore.store import Store
                s = Store.open({str(path)!r})
                print("ready", flush=True)
                sys.stdin.read()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError) as info:
            Store.open(path)
        message = info.value.format_message()
        assert "in use by another smm command" in message
        assert f"(process {holder.pid})" in message
        assert "Wait for it to finish" in message
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


# ------------------------------------------------------------------ natural keys


def test_writing_the_same_records_twice_stores_them_once(store: Store) -> None:
    items = [
        Account(network="mastodon", account="forno", display_name="Forno"),
        AccountSnapshot(network="mastodon", account="forno", captured_at=T0, followers=120),
        post("p1", text="Pane"),
        metrics("p1", likes=4),
        Interaction(network="mastodon", account="forno", member="anna", kind="like", post_id="p1"),
    ]
    assert store.write(items) == {
        "accounts": 1,
        "account_snapshots": 1,
        "posts": 1,
        "post_metrics": 1,
        "interactions": 1,
    }
    store.write(items)
    for table in ("accounts", "account_snapshots", "posts", "post_metrics", "interactions"):
        assert rows(store, f"SELECT count(*) FROM {table}") == [(1,)], table
    # the model's default interaction id is the natural key
    assert rows(store, "SELECT interaction_id FROM interactions") == [("like:p1:anna",)]


def test_rewriting_a_key_updates_the_row(store: Store) -> None:
    store.write([post("p1", text="old"), metrics("p1", likes=4)])
    store.write([post("p1", text="new"), metrics("p1", likes=9)])
    assert rows(store, "SELECT text FROM posts") == [("new",)]
    assert rows(store, "SELECT likes FROM post_metrics") == [(9,)]


def test_rewriting_with_unknown_values_keeps_what_is_known(store: Store) -> None:
    day = timedelta(days=1)
    store.write(
        [
            Account(network="mastodon", account="forno", display_name="Forno", bio="Pane"),
            AudienceMember(
                network="mastodon", account="forno", member="anna", first_seen=T0, followers=10
            ),
        ]
    )
    store.write(
        [
            Account(network="mastodon", account="forno", bio="Pane e dolci"),
            AudienceMember(network="mastodon", account="forno", member="anna", first_seen=T0 + day),
        ]
    )
    assert rows(store, "SELECT display_name, bio FROM accounts") == [("Forno", "Pane e dolci")]
    # the earliest first_seen stays; an unknown follower count keeps the known one
    assert rows(store, "SELECT first_seen, followers FROM audience_members") == [(T0, 10)]
    store.write(
        [AudienceMember(network="mastodon", account="forno", member="anna", first_seen=T0 - day)]
    )
    assert rows(store, "SELECT first_seen FROM audience_members") == [(T0 - day,)]


def test_rows_of_one_key_in_one_unit_merge_value_by_value(store: Store) -> None:
    # a later source's unknown value never erases a known one, in one unit as across units
    with store.unit_writer("u1", "files") as writer:
        writer.add(post("p1", text="Pane", url="https://x/p1", language="it"))
        writer.add_batch(
            "posts",
            pa.table(
                {
                    "network": ["mastodon", "mastodon"],
                    "account": ["forno", "forno"],
                    "post_id": ["p1", "p2"],
                    "created_at": [T0, T0],
                    "text": [None, "Dolci"],
                    "url": [None, None],
                }
            ),
        )
    assert rows(store, "SELECT post_id, text, url, language FROM posts ORDER BY 1") == [
        ("p1", "Pane", "https://x/p1", "it"),
        ("p2", "Dolci", None, None),
    ]
    # a real update of a known value still wins, in a batch where the key repeats too
    batch = {
        "network": ["mastodon"] * 3,
        "account": ["forno"] * 3,
        "post_id": ["p1", "p1", "p2"],
        "created_at": [T0] * 3,
        "text": ["Pane caldo", None, None],
    }
    store.write([RecordBatch("posts", batch)])
    assert rows(store, "SELECT post_id, text, url FROM posts ORDER BY 1") == [
        ("p1", "Pane caldo", "https://x/p1"),
        ("p2", "Dolci", None),
    ]


def test_a_snapshot_written_again_keeps_the_metrics_it_knew(store: Store) -> None:
    # a second source for the same capture time that does not know views does not erase them
    store.write([metrics("p1", likes=4, views=100)])
    store.write([metrics("p1", likes=5)])
    assert rows(store, "SELECT likes, views FROM post_metrics") == [(5, 100)]


def test_unknown_counts_stay_null(store: Store) -> None:
    store.write([metrics("p1", likes=0, views=None)])
    assert rows(store, "SELECT likes, views, impressions FROM post_metrics") == [(0, None, None)]


def test_the_last_of_two_rows_with_one_key_wins(store: Store) -> None:
    store.write([metrics("p1", likes=1), metrics("p1", likes=2), metrics("p1", likes=3)])
    assert rows(store, "SELECT likes FROM post_metrics") == [(3,)]


def test_post_metrics_latest_has_the_newest_snapshot_per_post(store: Store) -> None:
    store.write(
        [
            metrics("p1", T0, likes=1),
            metrics("p1", T0 + timedelta(days=2), likes=5),
            metrics("p1", T0 + timedelta(days=1), likes=3),
            metrics("p2", T0, likes=8),
        ]
    )
    got = rows(store, "SELECT post_id, likes FROM post_metrics_latest ORDER BY post_id")
    assert got == [("p1", 5), ("p2", 8)]
    columns = [r[0] for r in rows(store, "DESCRIBE post_metrics_latest")]
    assert columns == [r[0] for r in rows(store, "DESCRIBE post_metrics")]


def test_keyword_signal_without_period_gets_the_epoch_date(store: Store) -> None:
    signal = KeywordSignal(
        tool="suggest", term="pane", metric="suggestion", unit="rank", value=1,
        item="pane fatto in casa", retrieved_at=T0,
    )  # fmt: skip
    store.write([signal, signal])
    assert rows(store, "SELECT period_start, item, value FROM keyword_signals") == [
        (date(1970, 1, 1), "pane fatto in casa", 1.0)
    ]


# ------------------------------------------------------------------ columnar batches


def test_record_batch_of_columns_and_of_arrow(store: Store) -> None:
    columns = {
        "network": ["mastodon", "mastodon"],
        "account": ["forno", "forno"],
        "post_id": ["p1", "p2"],
        # ISO strings with an offset are parsed by the store
        "created_at": ["2026-01-05T10:30:00+01:00", "2026-01-06T08:00:00+00:00"],
        "text": ["Pane", None],
    }
    arrow = pa.table(
        {
            "network": ["mastodon"],
            "account": ["forno"],
            "post_id": ["p1"],
            "captured_at": pa.array([T0], type=pa.timestamp("us", tz="UTC")),
            "likes": [7],
        }
    )
    counts = store.write([RecordBatch("posts", columns), RecordBatch("post_metrics", arrow)])
    assert counts == {"posts": 2, "post_metrics": 1}
    got = rows(store, "SELECT post_id, created_at, kind, text FROM posts ORDER BY post_id")
    assert got[0] == ("p1", T0.replace(hour=9, minute=30), "post", "Pane")
    assert got[1][2:] == ("post", None)
    assert rows(store, "SELECT likes, views FROM post_metrics") == [(7, None)]


def test_record_batch_interactions_get_the_default_id(store: Store) -> None:
    batch = RecordBatch(
        "interactions",
        {
            "network": ["mastodon", "mastodon"],
            "account": ["forno", "forno"],
            "member": ["anna", "bruno"],
            "kind": ["like", "reply"],
            "post_id": ["p1", "p1"],
            "interaction_id": ["", "r-99"],
        },
    )
    store.write([batch])
    got = rows(store, "SELECT member, interaction_id FROM interactions ORDER BY member")
    assert got == [("anna", "like:p1:anna"), ("bruno", "r-99")]


def test_record_batch_with_an_unknown_column_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match=r"unknown column\(s\): likez"):
        store.write([RecordBatch("post_metrics", {"likez": [1]})])
    with pytest.raises(StoreError, match="unknown store table 'tweets'"):
        store.write([RecordBatch("tweets", {"a": [1]})])


# ------------------------------------------------------------------ one transaction per unit


def test_exception_inside_a_unit_leaves_the_previous_state(store: Store) -> None:
    store.write([post("p1", text="before")], unit_key="u", source="t", cursor={"page": 1})
    with pytest.raises(RuntimeError, match="crash"), store.unit_writer("u", "t") as w:
        w.add(post("p1", text="after"))
        w.add(post("p2"))
        w.add(SyncCursor({"page": 2}))
        raise RuntimeError("crash in the middle of the unit")
    assert rows(store, "SELECT post_id, text FROM posts") == [("p1", "before")]
    assert store.get_cursor("u") == {"page": 1}


def test_a_failure_while_committing_rolls_back_every_table(store: Store) -> None:
    store.write([Account(network="mastodon", account="forno", display_name="Old")])
    bad_posts = RecordBatch(  # created_at is required: the merge of posts fails
        "posts",
        {"network": ["mastodon"], "account": ["forno"], "post_id": ["p1"], "created_at": [None]},
    )
    with pytest.raises(StoreError, match="nothing was written"):
        store.write(
            [Account(network="mastodon", account="forno", display_name="New"), bad_posts],
            unit_key="u",
            source="t",
            cursor={"page": 2},
        )
    # accounts are merged before posts: their update was rolled back too
    assert rows(store, "SELECT display_name FROM accounts") == [("Old",)]
    assert rows(store, "SELECT count(*) FROM posts") == [(0,)]
    assert store.get_cursor("u") is None


def test_cursor_and_error_bookkeeping(store: Store) -> None:
    store.write([], unit_key="u", source="files", cursor={"since": "2026-01-01"})
    store.record_error("u", "files", "SourceError: boom")
    (state,) = store.sync_state()
    assert state["cursor"] == '{"since": "2026-01-01"}'
    assert state["last_error"] == "SourceError: boom"
    assert state["last_success"] is not None
    # a success without a new cursor keeps the old one and clears the error
    store.write([], unit_key="u", source="files")
    (state,) = store.sync_state()
    assert store.get_cursor("u") == {"since": "2026-01-01"}
    assert state["last_error"] is None


def test_large_units_are_staged_and_merged_with_the_same_result(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_db, "MODEL_BATCH_ROWS", 3)
    monkeypatch.setattr(store_db, "STAGE_ROWS", 5)
    with store.unit_writer("big", "t") as w:
        for i in range(20):
            w.add(post(f"p{i % 12}", text=f"v{i}"))  # p0..p7 appear twice; the last wins
            w.add(metrics(f"p{i % 12}", likes=i))
        assert w._staged, "the writer should have staged into TEMP tables"
    assert rows(store, "SELECT count(*) FROM posts") == [(12,)]
    assert rows(store, "SELECT text FROM posts WHERE post_id = 'p0'") == [("v12",)]
    assert rows(store, "SELECT likes FROM post_metrics WHERE post_id = 'p7'") == [(19,)]
    temp = rows(store, "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_smm_%'")
    assert temp == [(0,)]


def test_models_go_in_through_arrow_where_duckdb_binds_lists_slowly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """duckdb 1.x (smm-ducklake's 1.5.5) binds a Python list parameter value by value; there a
    unit's models go in as an Arrow table. Both ways store the same rows, staged or not."""
    day = timedelta(days=1)

    def unit(store: Store) -> None:
        with store.unit_writer("u", "t") as w:
            w.add(Account(network="mastodon", account="forno", display_name="Forno", bio=None))
            w.add(AudienceMember(network="mastodon", account="forno", member="a", first_seen=T0))
            for i in range(9):
                w.add(post(f"p{i % 6}", text=None if i % 3 else f"v{i}", language="it"))
                w.add(metrics(f"p{i % 6}", T0 + (i % 2) * day, likes=i, views=None))

    tables = ("accounts", "audience_members", "posts", "post_metrics", "sync_state")
    stored = []
    for fast in (True, False):
        monkeypatch.setattr(store_db, "_fast_lists", fast)
        for staged in (False, True):
            monkeypatch.setattr(store_db, "MODEL_BATCH_ROWS", 4 if staged else 250)
            with contextlib.closing(Store.open(tmp_path / f"{fast}{staged}.duckdb")) as store:
                unit(store)
                # every column but the time of writing
                now = {"updated_at", "last_success"}
                written = {t: [c for c in store.columns(t) if c not in now] for t in tables}
                stored.append(
                    {
                        t: rows(store, f"SELECT {', '.join(cols)} FROM {t} ORDER BY ALL")
                        for t, cols in written.items()
                    }
                )
    assert stored[0]["posts"] and stored[0]["post_metrics"]
    assert all(s == stored[0] for s in stored[1:])


def test_set_channels_fills_workspace_channels(store: Store) -> None:
    store.set_channels(
        [
            ChannelRef("mastodon", "forno", "Forno Rossi", True, "Mastodon"),
            ChannelRef("bluesky", "rival.bsky.social", "Rival", False),
        ]
    )
    got = rows(store, "SELECT * FROM workspace_channels ORDER BY network")
    assert got == [
        ("bluesky", "rival.bsky.social", "Rival", False, None),
        ("mastodon", "forno", "Forno Rossi", True, "Mastodon"),
    ]
    store.set_channels([])
    assert rows(store, "SELECT count(*) FROM workspace_channels") == [(0,)]


def test_unknown_item_type_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="cannot store a dict"):
        store.write([{"post_id": "p1"}])


def test_a_finished_writer_refuses_more_records(store: Store) -> None:
    with store.unit_writer("u", "t") as w:
        w.add(post("p1"))
    with pytest.raises(StoreError, match="already committed or discarded"):
        w.add(post("p2"))
    assert rows(store, "SELECT post_id FROM posts") == [("p1",)]


def test_read_only_open_while_this_process_writes_shares_the_database(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store.open(path) as writer:
        writer.write([post("p1")])
        with Store.open(path, read_only=True) as reader:
            assert rows(reader, "SELECT post_id FROM posts") == [("p1",)]
            with pytest.raises(StoreError, match="opened read-only"):
                reader.write([post("p2")])


def test_memory_limit_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(tmp_path / "a.duckdb", memory_limit="300MB") as s:
        (limit,) = s.con.execute("SELECT current_setting('memory_limit')").fetchone()
        assert limit == "286.1 MiB"  # 300 * 10**6 bytes
    monkeypatch.setenv("SMM_STORE_MEMORY_LIMIT", "1GB; DROP TABLE posts")
    with pytest.raises(StoreError, match="invalid store memory limit"):
        Store.open(tmp_path / "b.duckdb")


# ------------------------------------------------------------------ units committed together


def _unit(store: Store, key: str, *items) -> store_db.UnitWriter:
    writer = store.unit_writer(key, "t", auto_stage=False)
    for item in items:
        writer.add(item)
    writer.set_cursor({"page": key})
    return writer


def test_units_committed_together_are_each_all_or_nothing(store: Store) -> None:
    good_a = _unit(store, "a", post("a1", text="A"), metrics("a1", likes=3))
    broken = _unit(store, "b", post("b1"))
    broken.add(RecordBatch("posts", {"network": ["m"], "account": ["x"], "post_id": ["1"]}))
    # passes the add-time checks (it has an offset) but no such day exists: fails at commit
    bad_time = {
        "network": ["m"],
        "account": ["x"],
        "post_id": ["1"],
        "captured_at": ["2026-13-45T10:00:00+00:00"],
    }
    broken.add(RecordBatch("post_metrics", bad_time))
    good_c = _unit(store, "c", post("c1", text="C"), metrics("c1", likes=None))
    errors = store.commit_units([good_a, broken, good_c])
    assert errors[0] is None and errors[2] is None
    assert isinstance(errors[1], StoreError) and "unit 'b'" in str(errors[1])
    # the broken unit wrote nothing, the others all of theirs
    assert rows(store, "SELECT post_id, text FROM posts ORDER BY 1") == [("a1", "A"), ("c1", "C")]
    assert rows(store, "SELECT post_id, likes FROM post_metrics ORDER BY 1") == [
        ("a1", 3),
        ("c1", None),  # unknown stays NULL
    ]
    assert store.get_cursor("a") == {"page": "a"} and store.get_cursor("c") == {"page": "c"}
    assert store.get_cursor("b") is None


def test_small_units_that_share_no_key_are_written_in_one_shared_commit(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shared transaction is what makes many small units fast: it must really be used
    (a broken group silently falling back to one commit per unit would only be slower)."""

    def one_by_one(self: store_db.UnitWriter) -> None:
        if not self._done:
            raise AssertionError(f"unit {self.unit_key!r} was committed on its own")

    units = [_unit(store, k, post(f"{k}1", text=k), metrics(f"{k}1", likes=2)) for k in "abc"]
    monkeypatch.setattr(store_db.UnitWriter, "commit", one_by_one)
    assert store.commit_units(units) == [None, None, None]
    assert rows(store, "SELECT post_id, text FROM posts ORDER BY 1") == [
        ("a1", "a"),
        ("b1", "b"),
        ("c1", "c"),
    ]
    assert rows(store, "SELECT count(*) FROM post_metrics WHERE likes = 2") == [(3,)]
    assert [store.get_cursor(k) for k in "abc"] == [{"page": k} for k in "abc"]


def test_a_unit_failing_midway_through_a_shared_commit_leaves_nothing_behind(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The failure comes after the group's accounts and posts were merged (a disk hiccup on
    the metrics): the shared transaction must take those merges back, so the unit written
    again on its own, failing again, leaves no post behind."""
    real = Store._merge_lists

    def hiccup(self: Store, spec, cols) -> None:
        if spec.name == "post_metrics" and "b1" in cols.get("post_id", []):
            raise RuntimeError("I/O error on the metrics")
        real(self, spec, cols)

    monkeypatch.setattr(Store, "_merge_lists", hiccup)
    good_a = _unit(store, "a", post("a1", text="A"), metrics("a1", likes=3))
    broken = _unit(store, "b", post("b1", text="B"), metrics("b1", likes=1))
    good_c = _unit(store, "c", post("c1", text="C"), metrics("c1", likes=5))
    errors = store.commit_units([good_a, broken, good_c])
    assert errors[0] is None and errors[2] is None
    assert isinstance(errors[1], StoreError) and "nothing was written" in str(errors[1])
    assert rows(store, "SELECT post_id, text FROM posts ORDER BY 1") == [("a1", "A"), ("c1", "C")]
    assert rows(store, "SELECT post_id, likes FROM post_metrics ORDER BY 1") == [
        ("a1", 3),
        ("c1", 5),
    ]
    assert store.get_cursor("b") is None


def test_units_with_the_same_key_committed_together_as_one_after_the_other(
    store: Store,
) -> None:
    acc = dict(network="mastodon", account="forno")
    first = _unit(store, "x", Account(**acc, display_name="Forno", bio="Pane dal 1950"))
    second = _unit(store, "y", Account(**acc, display_name="Forno Rossi"))
    assert store.commit_units([first, second]) == [None, None]
    # the second unit's unknown bio keeps the first one's, as two separate commits would
    assert rows(store, "SELECT display_name, bio FROM accounts") == [
        ("Forno Rossi", "Pane dal 1950")
    ]


@pytest.mark.skipif(
    int(importlib.metadata.version("duckdb").split(".")[0]) < 2,
    reason="DuckDB 1.x imports pandas and pyarrow itself when it binds any parameter "
    "(measured with 1.5.5, the version smm-ducklake pins); the store cannot avoid it there",
)
def test_a_sync_commit_imports_no_pyarrow(tmp_path: Path) -> None:
    """Small units go in through typed list parameters: a sync of live sources pays no
    pyarrow (and pandas) import on its first commit."""
    code = textwrap.dedent(
        f"""
        import sys
        from datetime import UTC, datetime
        from smmcore.models import Post, PostMetrics
        from smmcore.store import Store
        t = datetime(2026, 1, 5, tzinfo=UTC)
        with Store.open({str(tmp_path / "s.duckdb")!r}) as s:
            s.write([Post(network="m", account="a", post_id="1", created_at=t, text="ciao"),
                     PostMetrics(network="m", account="a", post_id="1", captured_at=t,
                                 likes=2)], unit_key="u", cursor={{"n": 1}})
            print(s.con.execute("SELECT text, likes FROM posts JOIN post_metrics "
                                "USING (post_id)").fetchall())
        print("pyarrow" in sys.modules, "pandas" in sys.modules)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[('ciao', 2)]", "False False"]


# ------------------------------------------------------------------ daily metrics


def test_daily_metrics_keyed_by_day_and_metric_and_unknown_never_erases(tmp_path: Path) -> None:
    """Writing the same days twice stores nothing twice; a NULL later keeps the known value."""
    day = ["2026-03-01", "2026-03-01", "2026-03-02"]
    with Store.open(tmp_path / "s.duckdb") as s:
        first = {
            "network": ["linkedin"] * 3,
            "account": ["forno"] * 3,
            "day": day,
            "metric": ["page_views", "unique_visitors", "page_views"],
            "value": [120.0, 80.0, 95.0],
        }
        s.write([RecordBatch("daily_metrics", first)])
        again = dict(first, value=[None, 81.0, None])
        s.write([RecordBatch("daily_metrics", again)])
        assert rows(
            s,
            "SELECT strftime(day, '%Y-%m-%d'), metric, post_id, value FROM daily_metrics "
            "ORDER BY day, metric",
        ) == [
            ("2026-03-01", "page_views", "", 120.0),
            ("2026-03-01", "unique_visitors", "", 81.0),
            ("2026-03-02", "page_views", "", 95.0),
        ]
