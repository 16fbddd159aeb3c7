"""A tiny hand-made store: two client channels, two competitors, February 2026 against
January (4 weeks each) in Europe/Rome (UTC+1 all along).

Channels
    instagram:forno         client "Forno"
    mastodon:forno@m.social client "Forno"
    instagram:rival         competitor "Rival"
    mastodon:zero@m.social  competitor "Zero" (0 followers)

Every expected value in the tests is computed by hand from the rows below.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import duckdb
import pytest

from smmcore.contracts import ChannelRef, KPIContext, Period
from smmcore.store.latest import refresh_latest
from smmcore.store.migrations import MIGRATIONS

TZ = "Europe/Rome"
FEB = Period(date(2026, 2, 1), date(2026, 2, 28))
JAN = FEB.previous()  # 2026-01-04 .. 2026-01-31

CHANNELS = [
    ChannelRef("instagram", "forno", "Forno", True, "Forno IG"),
    ChannelRef("mastodon", "forno@m.social", "Forno", True, None),
    ChannelRef("instagram", "rival", "Rival", False, None),
    ChannelRef("mastodon", "zero@m.social", "Zero", False, None),
]

SNAPSHOTS = """
INSERT INTO account_snapshots (network, account, captured_at, followers) VALUES
 ('instagram', 'forno', '2026-01-03 12:00:00+00', 900),   -- before January
 ('instagram', 'forno', '2026-01-31 12:00:00+00', 1000),  -- last before February
 ('instagram', 'forno', '2026-02-10 12:00:00+00', 1050),
 ('instagram', 'forno', '2026-02-28 12:00:00+00', 1100),  -- last in February
 ('mastodon', 'forno@m.social', '2026-02-05 12:00:00+00', 200),  -- first ever
 ('mastodon', 'forno@m.social', '2026-02-20 12:00:00+00', 260),
 ('instagram', 'rival', '2026-01-31 12:00:00+00', 5000),
 ('instagram', 'rival', '2026-02-28 22:30:00+00', 5100),  -- 23:30 in Rome: still Feb 28
 ('instagram', 'rival', '2026-02-28 23:30:00+00', 9999),  -- 00:30 Mar 1 in Rome: outside
 ('mastodon', 'zero@m.social', '2026-02-01 12:00:00+00', 0),
 ('mastodon', 'zero@m.social', '2026-02-27 12:00:00+00', 0);
"""

POSTS = """
INSERT INTO posts (network, account, post_id, created_at, kind, text, url) VALUES
 ('instagram', 'forno', 'i1', '2026-02-02 09:00:00+00', 'post', 'Pane & <b>', 'https://ig/i1'),
 ('instagram', 'forno', 'i2', '2026-02-11 17:00:00+00', 'post', 'Focaccia', 'https://ig/i2'),
 ('instagram', 'forno', 'i3', '2026-02-28 23:30:00+00', 'post', 'March 1 in Rome', NULL),
 ('instagram', 'forno', 'i4', '2026-02-15 10:00:00+00', 'repost', 'not ours', NULL),
 ('instagram', 'forno', 'i5', '2026-01-31 23:30:00+00', 'post', 'Feb 1 in Rome', NULL),
 ('instagram', 'forno', 'j1', '2026-01-20 10:00:00+00', 'post', 'January', NULL),
 ('mastodon', 'forno@m.social', 'm1', '2026-02-06 08:00:00+00', 'post', 'toot', NULL),
 ('mastodon', 'forno@m.social', 'm2', '2026-02-03 08:00:00+00', 'post', 'early toot', NULL),
 ('instagram', 'rival', 'r1', '2026-02-09 12:00:00+00', 'post', 'rival', NULL),
 ('mastodon', 'zero@m.social', 'z1', '2026-02-12 12:00:00+00', 'post', 'zero', NULL);
"""

METRICS = """
INSERT INTO post_metrics (network, account, post_id, captured_at,
                          likes, reposts, replies, quotes, views, impressions, saves) VALUES
 ('instagram', 'forno', 'i1', '2026-02-02 12:00:00+00', 10, 1, 0, 0, 100, NULL, NULL),  -- older
 ('instagram', 'forno', 'i1', '2026-02-05 12:00:00+00', 50, 5, 3, 2, 1000, NULL, 7),
 ('instagram', 'forno', 'i2', '2026-02-12 12:00:00+00', 20, 0, 5, 0, NULL, 500, 1),
 ('instagram', 'forno', 'i3', '2026-03-02 12:00:00+00', 1000, 0, 0, 0, 1000, NULL, NULL),
 ('instagram', 'forno', 'i4', '2026-02-16 12:00:00+00', 500, 0, 0, 0, 1000, NULL, NULL),
 ('instagram', 'forno', 'i5', '2026-02-01 12:00:00+00', 10, 1, 0, NULL, 200, NULL, NULL),
 ('instagram', 'forno', 'j1', '2026-01-21 12:00:00+00', 30, 3, 6, 1, 800, NULL, NULL),
 ('mastodon', 'forno@m.social', 'm1', '2026-02-07 12:00:00+00', 8, 2, 1, 0, NULL, NULL, NULL),
 ('mastodon', 'forno@m.social', 'm2', '2026-02-04 12:00:00+00', 4, 0, 0, 0, NULL, NULL, NULL),
 ('instagram', 'rival', 'r1', '2026-02-10 12:00:00+00', 300, 30, 20, 0, 10000, NULL, NULL),
 ('mastodon', 'zero@m.social', 'z1', '2026-02-13 12:00:00+00', 5, 0, 1, 0, NULL, NULL, NULL);
"""

INTERACTIONS = """
INSERT INTO interactions (network, account, interaction_id, member, kind, occurred_at) VALUES
 ('instagram', 'forno', 'a1', 'alice', 'like', '2026-01-10 12:00:00+00'),
 ('instagram', 'forno', 'a2', 'alice', 'like', '2026-02-05 12:00:00+00'),
 ('instagram', 'forno', 'a3', 'alice', 'reply', '2026-02-07 12:00:00+00'),
 ('instagram', 'forno', 'b1', 'bob', 'like', '2026-02-06 12:00:00+00'),
 ('instagram', 'forno', 'c1', 'carol', 'like', '2025-12-20 12:00:00+00'),
 ('instagram', 'forno', 'c2', 'carol', 'like', '2026-01-15 12:00:00+00'),
 ('instagram', 'forno', 'd1', 'dave', 'like', '2026-01-20 12:00:00+00'),
 ('instagram', 'forno', 'e1', 'erin', 'like', '2026-01-31 23:30:00+00'),
 ('instagram', 'forno', 'f1', 'frank', 'like', NULL),
 ('instagram', 'forno', 'g1', 'gina', 'like', '2025-12-10 12:00:00+00'),
 ('instagram', 'forno', 'g2', 'gina', 'like', '2026-01-12 12:00:00+00'),
 ('mastodon', 'forno@m.social', 'mb1', 'bob', 'like', '2026-02-10 12:00:00+00');
"""


def new_store(*, with_channels_table: bool = True) -> Any:
    """An in-memory DuckDB store with the real schema and the rows above."""
    con = duckdb.connect()
    for _version, _description, sql in MIGRATIONS:
        con.execute(sql)
    for sql in (SNAPSHOTS, POSTS, METRICS, INTERACTIONS):
        con.execute(sql)
    refresh_latest(con)  # what the store's writes do with post_metrics
    if with_channels_table:
        con.execute(
            "CREATE TEMP TABLE workspace_channels (network VARCHAR, account VARCHAR, "
            "owner VARCHAR, is_client BOOLEAN, label VARCHAR)"
        )
        for ch in CHANNELS:
            con.execute(
                "INSERT INTO workspace_channels VALUES (?, ?, ?, ?, ?)",
                [ch.network, ch.account, ch.owner, ch.is_client, ch.label],
            )
    return con


@pytest.fixture
def con() -> Any:
    connection = new_store()
    yield connection
    connection.close()


@pytest.fixture
def ctx(con: Any) -> KPIContext:
    return KPIContext(con=con, period=FEB, previous=JAN, timezone=TZ, channels=CHANNELS)


def by_scope(values: list[Any]) -> dict[tuple[str, str], Any]:
    """KPIValues keyed by (scope, scope_id)."""
    return {(v.scope, v.scope_id): v for v in values}


IG = ("channel", "instagram:forno")
MS = ("channel", "mastodon:forno@m.social")
RIVAL_IG = ("channel", "instagram:rival")
ZERO_MS = ("channel", "mastodon:zero@m.social")
CLIENT = ("client", "Forno")
RIVAL = ("competitor", "Rival")
ZERO = ("competitor", "Zero")
NET_IG = ("network", "instagram")
NET_MS = ("network", "mastodon")


@pytest.fixture
def kf() -> SimpleNamespace:
    """The fixture's constants and helpers, for the test modules."""
    return SimpleNamespace(
        TZ=TZ,
        FEB=FEB,
        JAN=JAN,
        CHANNELS=CHANNELS,
        new_store=new_store,
        by_scope=by_scope,
        IG=IG,
        MS=MS,
        RIVAL_IG=RIVAL_IG,
        ZERO_MS=ZERO_MS,
        CLIENT=CLIENT,
        RIVAL=RIVAL,
        ZERO=ZERO,
        NET_IG=NET_IG,
        NET_MS=NET_MS,
    )
