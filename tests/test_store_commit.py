"""The store's commit path: every unit all or nothing, alone or committed together with
others, in the order its rows came; a commit that loses to another writer is retried where
the backend says so; the store keeps its previous state on any error.

Faults are injected where the existing store tests inject them (a merge of the store failing
or meeting another writer midway), and the other writer is real: a second DuckDB connection to
the same store committing the same rows first.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from smmcore.contracts import RecordBatch
from smmcore.errors import StoreError
from smmcore.models import Account, AudienceMember, Interaction, KeywordSignal, Post, PostMetrics
from smmcore.store import Store
from smmcore.store import db as store_db
from smmcore.store.backends import StoreBackend

T0 = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
T1 = T0 + timedelta(hours=1)
T2 = T0 + timedelta(hours=2)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / ".smm" / "store.duckdb")
    yield s
    s.close()


def rows(store: Store, sql: str) -> list[tuple]:
    return store.con.execute(sql).fetchall()


def post(pid: str, text: str | None = None) -> Post:
    return Post(network="mastodon", account="forno", post_id=pid, created_at=T0, text=text)


def posts_batch(*pairs: tuple[str, str]) -> RecordBatch:
    """Posts as a RecordBatch (the Arrow path): (post_id, text) pairs."""
    return RecordBatch(
        "posts",
        {
            "network": ["mastodon"] * len(pairs),
            "account": ["forno"] * len(pairs),
            "post_id": [p for p, _ in pairs],
            "created_at": [T0] * len(pairs),
            "text": [t for _, t in pairs],
        },
    )


def unit(store: Store, key: str, *items: Any) -> store_db.UnitWriter:
    """A finished unit waiting for :meth:`Store.commit_units` (as the sync pipeline holds it)."""
    writer = store.unit_writer(key, "t", auto_stage=False)
    for item in items:
        writer.add(item)
    writer.set_cursor({"page": key})
    return writer


def leftover_views(store: Store) -> list[tuple]:
    """The units' Arrow data still registered on the store's connection (held in memory)."""
    return rows(
        store,
        "SELECT table_name FROM information_schema.tables WHERE table_name LIKE '_smm_%'",
    )


@pytest.fixture
def shared_commit_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Units must go in through the shared transaction: committing one on its own fails."""

    def alone(self: store_db.UnitWriter) -> None:
        if not self._done:
            raise AssertionError(f"unit {self.unit_key!r} was committed on its own")

    monkeypatch.setattr(store_db.UnitWriter, "commit", alone)


# ------------------------------------------------------------------ the order rows came in


def test_a_batch_added_after_a_model_of_the_same_post_wins(store: Store) -> None:
    """Rows of one key in one unit merge in the order they were added, whether they came as
    models or as a RecordBatch (the later text is the one stored, as two writes would)."""
    with store.unit_writer("u", "t") as w:
        w.add(post("p1", "draft"))
        w.add(posts_batch(("p1", "final"), ("p2", "other")))
        w.add(post("p2", "edited"))
    assert rows(store, "SELECT post_id, text FROM posts ORDER BY 1") == [
        ("p1", "final"),
        ("p2", "edited"),
    ]
    # the same two units committed together: each keeps its own order
    first = unit(store, "a", post("p3", "draft"), posts_batch(("p3", "final")))
    second = unit(store, "b", post("p4", "x"))
    assert store.commit_units([first, second]) == [None, None]
    assert rows(store, "SELECT text FROM posts WHERE post_id IN ('p3', 'p4') ORDER BY post_id") == [
        ("final",),
        ("x",),
    ]
    assert leftover_views(store) == []


def test_a_staged_table_merges_the_rows_added_after_staging_in_order(store: Store) -> None:
    with store.unit_writer("u", "t", auto_stage=False) as w:
        w.add(post("p1", "first"))
        w.stage()
        w.add(post("p1", "draft"))
        w.add(posts_batch(("p1", "final")))
    assert rows(store, "SELECT text FROM posts") == [("final",)]
    assert rows(store, "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_smm_%'") == [
        (0,)
    ]


def test_units_that_write_the_same_post_are_stored_as_if_one_after_the_other(
    store: Store,
) -> None:
    """The first unit's post comes as a model, the third's as a RecordBatch: the later unit
    wins, as two separate commits would have it (the unit in between shares no key)."""
    first = unit(store, "a", post("p1", "old"))
    middle = unit(store, "b", post("p2", "B"))
    last = unit(store, "c", posts_batch(("p1", "new")))
    assert store.commit_units([first, middle, last]) == [None, None, None]
    assert rows(store, "SELECT post_id, text FROM posts ORDER BY 1") == [("p1", "new"), ("p2", "B")]
    assert [store.get_cursor(k) for k in "abc"] == [{"page": k} for k in "abc"]


def test_rows_that_meet_only_through_the_store_defaults_keep_the_later_unit(
    store: Store, shared_commit_only: None
) -> None:
    """An interaction without an id gets "<kind>:<post_id>:<member>" from the store, a keyword
    value without a period the date 1970-01-01: a unit giving that id or date explicitly
    writes the same row. Committed together in one statement, the later unit still wins."""

    def interactions(*rows_: tuple[str, str, datetime]) -> RecordBatch:
        return RecordBatch(
            "interactions",
            {
                "network": ["mastodon"] * len(rows_),
                "account": ["forno"] * len(rows_),
                "interaction_id": [r[0] for r in rows_],
                "member": [r[1] for r in rows_],
                "kind": ["like"] * len(rows_),
                "post_id": ["p1"] * len(rows_),
                "occurred_at": [r[2] for r in rows_],
            },
        )

    def signal(item: str, value: float, period: date | None = None) -> KeywordSignal:
        return KeywordSignal(
            tool="trends",
            term="pane",
            metric="interest",
            unit="relative",
            value=value,
            item=item,
            period_start=period,
            retrieved_at=T0,
        )

    # the first unit holds more rows than the others: its row numbers pass theirs
    first = unit(
        store,
        "a",
        interactions(("a1", "ann", T0), ("a2", "bea", T0), ("a3", "cai", T0)),
        signal("x", 1),
        signal("y", 2),
        signal("z", 3),
    )
    # the rows that meet come second in this unit and first in the next one
    middle = unit(
        store,
        "b",
        interactions(("b1", "dan", T0), ("", "alice", T1)),
        signal("w", 4),
        signal("", 10.0),
    )
    last = unit(
        store,
        "c",
        interactions(("like:p1:alice", "alice", T2)),
        signal("", 20.0, date(1970, 1, 1)),
    )
    assert store.commit_units([first, middle, last]) == [None, None, None]
    assert rows(
        store, "SELECT occurred_at FROM interactions WHERE interaction_id = 'like:p1:alice'"
    ) == [(T2,)]
    assert rows(store, "SELECT value FROM keyword_signals WHERE item = ''") == [(20.0,)]
    assert rows(store, "SELECT count(*) FROM interactions") == [(5,)]
    assert rows(store, "SELECT count(*) FROM keyword_signals") == [(5,)]


def test_a_model_and_a_batch_of_units_meeting_through_a_default_keep_the_later_unit(
    store: Store,
) -> None:
    """One unit's interaction is a model (its id made "like:p1:alice" by the model), the next
    unit's a RecordBatch row without an id (the store makes the same one): the later unit's
    row is the one stored, as two separate commits would have it."""
    model = Interaction(
        network="mastodon",
        account="forno",
        member="alice",
        kind="like",
        post_id="p1",
        occurred_at=T1,
    )
    without_id = RecordBatch(
        "interactions",
        {
            "network": ["mastodon"],
            "account": ["forno"],
            "member": ["alice"],
            "kind": ["like"],
            "post_id": ["p1"],
            "occurred_at": [T2],
        },
    )
    first, last = unit(store, "a", model), unit(store, "b", without_id)
    assert store.commit_units([first, last]) == [None, None]
    assert rows(store, "SELECT interaction_id, occurred_at FROM interactions") == [
        ("like:p1:alice", T2)
    ]


# ------------------------------------------------------------------ units committed together


def test_units_of_record_batches_share_one_commit_and_release_their_data(
    store: Store, shared_commit_only: None
) -> None:
    """Two units of Arrow batches (posts, metrics) go in through one shared transaction; the
    Arrow data they registered on the connection is released afterwards."""
    a = unit(store, "a", posts_batch(("a1", "A"), ("a2", "A2")))
    metrics = RecordBatch(
        "post_metrics",
        {
            "network": ["mastodon"],
            "account": ["forno"],
            "post_id": ["b1"],
            "captured_at": [T1],
            "likes": [4],
        },
    )
    b = unit(store, "b", posts_batch(("b1", "B")), metrics)
    assert store.commit_units([a, b]) == [None, None]
    assert rows(store, "SELECT post_id, text FROM posts ORDER BY 1") == [
        ("a1", "A"),
        ("a2", "A2"),
        ("b1", "B"),
    ]
    assert rows(store, "SELECT post_id, likes FROM post_metrics") == [("b1", 4)]
    assert rows(store, "SELECT post_id, likes FROM post_metrics_latest") == [("b1", 4)]
    assert [store.get_cursor(k) for k in "ab"] == [{"page": "a"}, {"page": "b"}]
    assert leftover_views(store) == []


def test_a_failed_shared_commit_releases_its_data_and_keeps_the_other_units(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The failure comes after the group's posts were merged from Arrow batches: the units
    are written one by one, the failing one leaves nothing, and no unit's data stays
    registered on the connection."""
    real = Store._merge_batches

    def hiccup(self: Store, spec, batches, *args) -> None:
        if spec.name == "post_metrics" and any(
            "b1" in d.column("post_id").to_pylist() for d in batches
        ):
            raise RuntimeError("I/O error on the metrics")
        real(self, spec, batches, *args)

    monkeypatch.setattr(Store, "_merge_batches", hiccup)

    def metrics(pid: str) -> RecordBatch:
        return RecordBatch(
            "post_metrics",
            {
                "network": ["mastodon"],
                "account": ["forno"],
                "post_id": [pid],
                "captured_at": [T1],
                "likes": [1],
            },
        )

    a = unit(store, "a", posts_batch(("a1", "A")), metrics("a1"))
    # no text: the group's posts go in two statements, one more than either unit's own
    untitled = RecordBatch(
        "posts",
        {"network": ["mastodon"], "account": ["forno"], "post_id": ["b1"], "created_at": [T0]},
    )
    b = unit(store, "b", untitled, metrics("b1"))
    errors = store.commit_units([a, b])
    assert errors[0] is None
    assert isinstance(errors[1], StoreError)
    assert "writing unit 'b' failed, nothing was written: RuntimeError: I/O error" in str(errors[1])
    assert rows(store, "SELECT post_id FROM posts") == [("a1",)]
    assert rows(store, "SELECT post_id FROM post_metrics") == [("a1",)]
    assert store.get_cursor("b") is None
    assert leftover_views(store) == []


def test_a_large_unit_finishing_with_small_ones_is_written_whole(store: Store) -> None:
    """A unit already moved into its staging tables is committed on its own, after the small
    units' shared commit: all of its rows are stored."""
    small_a = unit(store, "a", post("a1", "A"))
    small_b = unit(store, "b", post("b1", "B"))
    large = unit(store, "c", *(post(f"c{i}", "C") for i in range(5)))
    large.stage()
    large.add(post("c5", "C"))
    other = unit(store, "d", post("d1", "D"))
    other.stage()
    assert store.commit_units([small_a, small_b, large, other]) == [None] * 4
    assert rows(store, "SELECT count(*) FROM posts WHERE text = 'C'") == [(6,)]
    assert rows(store, "SELECT post_id FROM posts WHERE text <> 'C' ORDER BY 1") == [
        ("a1",),
        ("b1",),
        ("d1",),
    ]
    assert [store.get_cursor(k) for k in "abcd"] == [{"page": k} for k in "abcd"]


def test_a_unit_committed_on_its_own_keeps_its_place_among_shared_ones(store: Store) -> None:
    """A unit already staged, or mixing models and a batch of posts, is committed alone; the
    units after it share a commit. Their texts still replace its, as they come later."""
    large = unit(store, "a", post("p1", "A"))
    large.stage()
    second = unit(store, "b", post("p1", "B"))
    third = unit(store, "c", post("p2", "C"))
    assert store.commit_units([large, second, third]) == [None] * 3
    mixed = unit(store, "d", post("p3", "D"), posts_batch(("p9", "D")))
    fifth = unit(store, "e", post("p3", "E"))
    sixth = unit(store, "f", post("p4", "F"))
    assert store.commit_units([mixed, fifth, sixth]) == [None] * 3
    assert rows(store, "SELECT post_id, text FROM posts ORDER BY 1") == [
        ("p1", "B"),
        ("p2", "C"),
        ("p3", "E"),
        ("p4", "F"),
        ("p9", "D"),
    ]


def _random_items(rng: random.Random) -> list[Any]:
    """A few records of a sync unit, keys drawn from a small set (so units meet), values
    unknown now and then; models and Arrow batches of the same tables."""
    items: list[Any] = []
    for _ in range(rng.randint(1, 6)):
        pid = f"p{rng.randint(0, 3)}"
        text = rng.choice([None, "a", "b", "c"])
        day = T0 + timedelta(days=rng.randint(0, 2))
        likes = rng.choice([None, 1, 2, 3])
        kind = rng.randint(0, 7)
        if kind == 0:
            items.append(post(pid, text))
        elif kind == 1:
            items.append(
                PostMetrics(
                    network="mastodon",
                    account="forno",
                    post_id=pid,
                    captured_at=day,
                    likes=likes,
                    views=rng.choice([None, 5, 6]),
                )
            )
        elif kind == 2:
            items.append(
                Account(
                    network="mastodon",
                    account=rng.choice(["forno", "rival"]),
                    display_name=text,
                    bio=rng.choice([None, "x", "y"]),
                )
            )
        elif kind == 3:
            items.append(
                AudienceMember(
                    network="mastodon",
                    account="forno",
                    member=rng.choice(["u", "v"]),
                    first_seen=T0 + timedelta(days=rng.randint(-3, 3)),
                )
            )
        elif kind == 4:
            items.append(
                KeywordSignal(
                    tool="trends",
                    term="pane",
                    metric="interest",
                    unit="relative",
                    value=rng.choice([None, 1.0, 2.0]),
                    item=rng.choice(["", "i"]),
                    retrieved_at=T0,
                )
            )
        elif kind == 5:
            items.append(posts_batch((pid, text)))
        elif kind == 6:
            columns = {"network": ["mastodon"], "account": ["forno"], "post_id": [pid]}
            items.append(
                RecordBatch("post_metrics", {**columns, "captured_at": [day], "likes": [likes]})
            )
        else:
            items.append(
                Interaction(
                    network="mastodon",
                    account="forno",
                    member=rng.choice(["u", "v"]),
                    kind="like",
                    post_id=pid,
                    occurred_at=T0 + timedelta(hours=rng.randint(0, 5)),
                )
            )
    return items


def _stored(store: Store) -> dict[str, list[tuple]]:
    tables = (
        "accounts",
        "audience_members",
        "interactions",
        "keyword_signals",
        "post_metrics",
        "post_metrics_latest",
        "posts",
    )
    stored = {}
    for table in tables:
        columns = [c for c in store.columns(table) if c != "updated_at"]  # the time of writing
        stored[table] = rows(store, f"SELECT {', '.join(columns)} FROM {table} ORDER BY ALL")
    stored["cursors"] = rows(store, "SELECT unit_key, cursor FROM sync_state ORDER BY 1")
    return stored


@pytest.mark.parametrize("seed", range(12))
def test_units_committed_together_store_what_one_after_the_other_would(
    tmp_path: Path, seed: int
) -> None:
    """Random units meeting on their keys, some staged: committing them together stores
    exactly what committing them one by one, in the same order, stores."""
    rng = random.Random(seed)
    units = [_random_items(rng) for _ in range(rng.randint(2, 5))]
    staged = [rng.random() < 0.2 for _ in units]
    with (
        contextlib.closing(Store.open(tmp_path / "together.duckdb")) as together,
        contextlib.closing(Store.open(tmp_path / "apart.duckdb")) as apart,
    ):
        writers = []
        for i, items in enumerate(units):
            writer = unit(together, f"u{i}", *items)
            if staged[i]:
                writer.stage()
            writers.append(writer)
        assert together.commit_units(writers) == [None] * len(units)
        for i, items in enumerate(units):
            with apart.unit_writer(f"u{i}", "t") as writer:
                for item in items:
                    writer.add(item)
                writer.set_cursor({"page": f"u{i}"})
        assert _stored(together) == _stored(apart)
        assert leftover_views(together) == []


# ------------------------------------------------------------------ what a failure says


def test_a_failed_write_without_a_unit_names_the_records_and_the_error(store: Store) -> None:
    store.write([post("p0", "kept")])
    no_created_at = RecordBatch("posts", {"network": ["m"], "account": ["x"], "post_id": ["1"]})
    with pytest.raises(StoreError) as caught:
        store.write([post("p0", "changed"), no_created_at])
    assert str(caught.value).startswith(
        "writing the records failed, nothing was written: ConstraintException: "
    )
    assert "NOT NULL constraint failed: posts.created_at" in str(caught.value)
    assert rows(store, "SELECT post_id, text FROM posts") == [("p0", "kept")]


# ------------------------------------------------------------------ another writer first


class Rival:
    """Another writer of the same store (a second connection) that writes post ``p1`` in its
    own transaction while the store's transaction is open, and commits first.

    It steps in before the store merges its posts, on the first ``times`` merges."""

    def __init__(self, store: Store, monkeypatch: pytest.MonkeyPatch, times: int) -> None:
        self.con = store.con.cursor()
        self.times = times
        self.merges = 0
        real = Store._merge_lists

        def merge(store_: Store, spec, cols) -> None:
            if spec.name != "posts":
                real(store_, spec, cols)
                return
            self.merges += 1
            if self.merges > self.times:
                real(store_, spec, cols)
                return
            self.con.execute("BEGIN TRANSACTION")
            self.con.execute(
                "INSERT INTO posts (network, account, post_id, created_at, kind, text) "
                "VALUES ('mastodon', 'forno', 'p1', ?, 'post', ?) "
                "ON CONFLICT (network, account, post_id) DO UPDATE SET text = excluded.text",
                [T0, f"rival {self.merges}"],
            )
            try:
                real(store_, spec, cols)
            finally:
                self.con.execute("COMMIT")

        monkeypatch.setattr(Store, "_merge_lists", merge)


class RetryingBackend(StoreBackend):
    """A backend whose lost commits are retried (as DuckLake's are)."""

    retry_on = (duckdb.TransactionException,)

    def __init__(self, path: Path, attempts: int) -> None:
        super().__init__(path)
        self.attempts = attempts


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits between tries, recorded instead of slept (the retry sleeps through
    ``time.sleep``)."""
    made: list[float] = []
    monkeypatch.setattr(time, "sleep", made.append)
    return made


def test_a_commit_that_loses_to_another_writer_fails_whole_with_the_reason(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without retries (the default backend) the user sees why: the other writer's row is
    kept and nothing of the unit is."""
    Rival(store, monkeypatch, times=1)
    with pytest.raises(StoreError) as caught:
        store.write([post("p1", "mine"), post("p2", "mine")], unit_key="u", source="t")
    message = str(caught.value)
    assert message.startswith("writing unit 'u' failed, nothing was written: TransactionException")
    assert "duplicate key" in message
    assert rows(store, "SELECT post_id, text FROM posts") == [("p1", "rival 1")]
    assert store.get_cursor("u") is None and store.sync_state() == []


@pytest.mark.parametrize("attempts", [2, 3])
def test_a_commit_that_loses_to_another_writer_is_retried_where_the_backend_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, waits: list[float], attempts: int
) -> None:
    """The other writer wins every try but the last: the unit is written whole on that one
    (the first loss is at COMMIT, the later ones at the merge)."""
    backend = RetryingBackend(tmp_path / "s.duckdb", attempts=attempts)
    with contextlib.closing(Store.open(backend=backend)) as store:
        rival = Rival(store, monkeypatch, times=attempts - 1)
        store.write([post("p1", "mine"), post("p2", "mine")], unit_key="u", source="t")
        assert rival.merges == attempts
        assert rows(store, "SELECT post_id, text FROM posts ORDER BY 1") == [
            ("p1", "mine"),
            ("p2", "mine"),
        ]
        (state,) = store.sync_state()
        assert state["unit_key"] == "u" and state["last_success"] is not None
    assert len(waits) == attempts - 1


def test_a_writer_that_keeps_losing_gives_up_after_the_backend_s_attempts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, waits: list[float]
) -> None:
    """Eight tries, each lost: the eighth loss is the error and nothing of the unit is stored.
    The waits between the tries back off from 50 ms (plus up to 1 s of jitter) and never
    pass 2 s, so a lake writer retries promptly."""
    backend = RetryingBackend(tmp_path / "s.duckdb", attempts=8)
    with contextlib.closing(Store.open(backend=backend)) as store:
        rival = Rival(store, monkeypatch, times=8)  # a ninth try would win
        with pytest.raises(StoreError, match="TransactionException"):
            store.write([post("p1", "mine"), post("p2", "mine")], unit_key="u", source="t")
        assert rival.merges == 8
        assert rows(store, "SELECT post_id, text FROM posts") == [("p1", "rival 8")]
        assert store.sync_state() == []
    assert len(waits) == 7
    for n, wait in enumerate(waits, start=1):
        floor = min(2.0, 0.05 * 2 ** (n - 1))
        assert floor <= wait <= min(2.0, floor + 1.0), (n, waits)
    assert waits[-1] == 2.0  # 0.05 * 2**6 = 3.2 s, capped


def test_an_error_the_backend_does_not_name_is_not_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, waits: list[float]
) -> None:
    backend = RetryingBackend(tmp_path / "s.duckdb", attempts=3)
    calls: list[str] = []
    real = Store._merge_lists

    def broken(self: Store, spec, cols) -> None:
        if spec.name == "posts":
            calls.append(spec.name)
            raise RuntimeError("disk full")
        real(self, spec, cols)

    monkeypatch.setattr(Store, "_merge_lists", broken)
    with contextlib.closing(Store.open(backend=backend)) as store:
        with pytest.raises(StoreError, match="RuntimeError: disk full"):
            store.write([post("p1", "mine")], unit_key="u", source="t")
        assert rows(store, "SELECT count(*) FROM posts") == [(0,)]
    assert calls == ["posts"] and waits == []


def test_the_backend_s_write_guard_is_held_around_each_write_on_the_store_s_connection(
    tmp_path: Path,
) -> None:
    """A plugin's guard gets the store's connection (to lock through it) and holds it from
    before the transaction until after its commit."""

    class Guarded(StoreBackend):
        def __init__(self, path: Path) -> None:
            super().__init__(path)
            self.watch = False
            self.seen: list[int] = []

        @contextlib.contextmanager
        def write_guard(self, con: Any) -> Iterator[None]:
            def count() -> None:
                if self.watch:  # once the schema exists
                    self.seen.append(con.execute("SELECT count(*) FROM posts").fetchone()[0])

            count()
            yield
            count()

    backend = Guarded(tmp_path / "s.duckdb")
    with contextlib.closing(Store.open(backend=backend)) as store:
        backend.watch = True
        store.write([post("p1"), post("p2")], unit_key="u", source="t")
        assert backend.seen == [0, 2]
