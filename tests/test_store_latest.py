"""``post_metrics_latest`` (schema 5): a table the store's writes keep equal to the latest
snapshot of each post, whichever path wrote the snapshots (models, Arrow batches, staged
units, units committed together, deletions of implausible rows, a copy to another store),
and that a failed unit leaves as it was."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from smmcore.contracts import RecordBatch
from smmcore.errors import StoreError
from smmcore.models import PostMetrics
from smmcore.store import Store
from smmcore.store import db as store_db

T0 = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)

EXPECTED = """
SELECT DISTINCT ON (network, account, post_id) *
FROM post_metrics ORDER BY network, account, post_id, captured_at DESC
"""


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / ".smm" / "store.duckdb")
    yield s
    s.close()


def latest(store: Store) -> list[tuple]:
    return store.con.execute("SELECT * FROM post_metrics_latest ORDER BY ALL").fetchall()


def expected(store: Store) -> list[tuple]:
    return store.con.execute(f"SELECT * FROM ({EXPECTED}) ORDER BY ALL").fetchall()


def snap(pid: str, day: int, account: str = "forno", **kw) -> PostMetrics:
    return PostMetrics(
        network="mastodon",
        account=account,
        post_id=pid,
        captured_at=T0 + timedelta(days=day),
        **kw,
    )


def test_a_newer_snapshot_replaces_an_older_one_and_not_the_other_way(store: Store) -> None:
    kind = store.con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_name = ?",
        ["post_metrics_latest"],
    ).fetchone()
    assert kind == ("BASE TABLE",)  # kept by the writes, not a view computed by every read
    store.write([snap("p1", 2, likes=5), snap("p2", 0, likes=8)])
    assert [(r[2], r[4]) for r in latest(store)] == [("p1", 5), ("p2", 8)]
    store.write([snap("p1", 1, likes=3)])  # an older snapshot arrives late: not the latest
    store.write([snap("p2", 3, likes=9)])  # a newer one: it is
    assert [(r[2], r[4]) for r in latest(store)] == [("p1", 5), ("p2", 9)]
    # the same capture time again with an unknown count and a new one: merged value by value
    store.write([snap("p1", 2, likes=None, views=40)])
    assert [(r[2], r[4], r[8]) for r in latest(store)] == [("p1", 5, 40), ("p2", 9, None)]
    assert latest(store) == expected(store)


def test_every_write_path_keeps_it_equal_to_the_snapshots(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(15)
    monkeypatch.setattr(store_db, "MODEL_BATCH_ROWS", 7)
    monkeypatch.setattr(store_db, "STAGE_ROWS", 11)
    for round_ in range(6):
        items: list = []
        for _ in range(40):  # models: some staged, some merged from lists
            likes = rng.choice([None, rng.randint(0, 50)])
            items.append(snap(f"p{rng.randint(0, 25)}", rng.randint(0, 9), likes=likes))
        n = 30  # and an Arrow batch of another account
        items.append(
            RecordBatch(
                "post_metrics",
                pa.table(
                    {
                        "network": ["mastodon"] * n,
                        "account": ["rival"] * n,
                        "post_id": [f"r{rng.randint(0, 9)}" for _ in range(n)],
                        "captured_at": [T0 + timedelta(days=rng.randint(0, 9)) for _ in range(n)],
                        "views": [rng.choice([None, rng.randint(0, 900)]) for _ in range(n)],
                    }
                ),
            )
        )
        store.write(items, unit_key=f"u{round_}", source="t")
        # units committed together (small, disjoint keys: one shared transaction)
        writers = []
        for k in range(3):
            w = store.unit_writer(f"g{round_}-{k}", "t", auto_stage=False)
            w.add(snap(f"g{k}", rng.randint(0, 9), likes=rng.randint(0, 9)))
            writers.append(w)
        assert store.commit_units(writers) == [None, None, None]
        assert latest(store) == expected(store), f"round {round_}"
    assert len(latest(store)) == len({(r[1], r[2]) for r in latest(store)})


def test_a_failed_unit_leaves_it_as_it_was(store: Store) -> None:
    store.write([snap("p1", 1, likes=1)])
    before = latest(store)
    bad = RecordBatch(  # captured_at is required: this merge fails after post_metrics'
        "post_metrics_extra",
        {
            "network": ["mastodon"],
            "account": ["forno"],
            "post_id": ["p1"],
            "captured_at": [None],
            "metric": ["shares"],
            "value": [1.0],
        },
    )
    with pytest.raises(StoreError, match="nothing was written"):
        store.write([snap("p1", 5, likes=99), snap("p9", 5, likes=9), bad], unit_key="u")
    assert latest(store) == before
    with pytest.raises(RuntimeError), store.unit_writer("u", "t") as w:
        w.add(snap("p1", 6, likes=100))
        raise RuntimeError("killed in the middle")
    assert latest(store) == before


def test_deleting_implausible_rows_recomputes_the_posts_they_touched(store: Store) -> None:
    from smmcore.dates import delete_implausible

    far = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
    lost = PostMetrics(network="mastodon", account="forno", post_id="p1", captured_at=far, likes=7)
    store.write([snap("p1", 1, likes=1), snap("p2", 1, likes=2), lost])
    assert [(r[2], r[4]) for r in latest(store)] == [("p1", 7), ("p2", 2)]
    deleted = delete_implausible(store.con)
    assert deleted == {"post_metrics": 1}
    assert [(r[2], r[4]) for r in latest(store)] == [("p1", 1), ("p2", 2)]
    assert latest(store) == expected(store)


def test_a_copy_to_another_store_rebuilds_it(tmp_path: Path, store: Store) -> None:
    from smmcore.store.transfer import copy_store

    store.write([snap("p1", 1, likes=1), snap("p1", 2, likes=4), snap("p2", 1, likes=2)])
    with Store.open(tmp_path / "other.duckdb") as target:
        target.write([snap("old", 1, likes=50)])
        copy_store(store, target, replace=True)
        assert latest(target) == latest(store) == expected(store)
