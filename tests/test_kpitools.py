"""The public KPI toolkit (smmcore.kpitools): bounds, scopes, aggregations that keep unknowns,
value builders, and ratio_by_scope over a real store."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from smmcore.contracts import ChannelRef, KPIContext, Period
from smmcore.kpitools import (
    ScopeKey,
    all_scopes,
    kpi_value,
    make_values,
    mean_of_ratios,
    mean_of_ratios_sql,
    period_bounds,
    ratio_by_scope,
    ratio_of_sums,
    ratio_of_sums_sql,
)
from smmcore.models import Post, PostMetrics
from smmcore.testing import open_store

REFS = [
    ChannelRef("example", "forno", "Forno", True),
    ChannelRef("other", "forno", "Forno", True),
    ChannelRef("example", "rival", "Rival", False),
]


def test_period_bounds_follow_the_client_time_zone_across_dst() -> None:
    start, end = period_bounds(Period(date(2026, 3, 29), date(2026, 3, 29)), "Europe/Rome")
    assert start.isoformat() == "2026-03-29T00:00:00+01:00"
    assert end.isoformat() == "2026-03-30T00:00:00+02:00"
    # the day clocks go forward lasts 23 hours
    assert (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() == 23 * 3600


def test_aggregations_keep_unknowns_unknown() -> None:
    assert ratio_of_sums(5, 10, scale=100) == 50.0
    assert ratio_of_sums(None, 10) is None  # no known numerator: unknown, not 0
    assert ratio_of_sums(3, 0) is None  # nothing to measure
    assert ratio_of_sums(0, 4) == 0.0  # a real zero stays zero
    assert ratio_of_sums(1, 4) == 0.25  # no scale: the plain ratio
    assert ratio_of_sums(3, 0.5) == 6.0  # a denominator under 1 (fractional weights) is fine
    assert mean_of_ratios([(1, 2), (3, 4), (None, 5), (2, 0)]) == (0.5 + 0.75) / 2
    assert mean_of_ratios([(None, 1), (1, 0)]) is None
    assert mean_of_ratios([(1, 2), (3, 4)], scale=100) == 62.5  # a mean of percentages


def test_scopes_are_in_report_order() -> None:
    assert all_scopes(REFS) == [
        ScopeKey("client", "Forno"),
        ScopeKey("competitor", "Rival"),
        ScopeKey("network", "example"),
        ScopeKey("network", "other"),
        ScopeKey("channel", "example:forno"),
        ScopeKey("channel", "other:forno"),
        ScopeKey("channel", "example:rival"),
    ]


def test_kpi_value_carries_the_change() -> None:
    march, february = (
        Period(date(2026, 3, 1), date(2026, 3, 31)),
        Period(date(2026, 2, 1), date(2026, 2, 28)),
    )
    ctx = KPIContext(None, march, february, "UTC", REFS)
    value = kpi_value("k", ctx, ScopeKey("client", "Forno"), 12.0, 8.0, {"n": 1})
    assert (value.change, value.change_pct, value.detail) == (4.0, 50.0, {"n": 1})
    assert kpi_value("k", ctx, ScopeKey("client", "Forno"), 1.0, None).change is None


def test_a_minimum_denominator_is_enough_at_the_minimum() -> None:
    """``min_denominator=5`` (at least 5 posts): 4 posts are too few to say, 5 are enough."""
    assert ratio_of_sums(3, 4, scale=100, min_denominator=5) is None
    assert ratio_of_sums(3, 5, scale=100, min_denominator=5) == 60.0
    assert ratio_of_sums(3, 6, scale=100, min_denominator=5) == 50.0


def test_make_values_gives_every_scope_both_periods_and_the_change() -> None:
    """One value per scope, in the order asked: the client's 12 against 8 (+4, +50%, its
    detail kept); a competitor with no current entry is unknown, so is its change (not a
    fall from 5 to 0); a channel with no entry in either period is unknown in both. With
    ``default=0`` (a count: no data means none happened) the same entries read 0."""
    march, february = (
        Period(date(2026, 3, 1), date(2026, 3, 31)),
        Period(date(2026, 2, 1), date(2026, 2, 28)),
    )
    ctx = KPIContext(None, march, february, "UTC", REFS)
    client, rival, channel = (
        ScopeKey("client", "Forno"),
        ScopeKey("competitor", "Rival"),
        ScopeKey("channel", "example:forno"),
    )
    current = {client: (12.0, {"posts": 3})}
    previous = {client: (8.0, {"posts": 2}), rival: (5.0, {"posts": 1})}

    def shown(values):
        return [
            (v.kpi, v.scope, v.scope_id, v.value, v.previous, v.change, v.change_pct, v.detail)
            for v in values
        ]

    values = make_values("saves", ctx, [client, rival, channel], current, previous)
    assert shown(values) == [
        ("saves", "client", "Forno", 12.0, 8.0, 4.0, 50.0, {"posts": 3}),
        ("saves", "competitor", "Rival", None, 5.0, None, None, {}),
        ("saves", "channel", "example:forno", None, None, None, None, {}),
    ]
    assert {(v.period_start, v.period_end) for v in values} == {(march.start, march.end)}
    counts = make_values("posts", ctx, [rival, channel], current, previous, default=0.0)
    assert shown(counts) == [
        ("posts", "competitor", "Rival", 0.0, 5.0, -5.0, -100.0, {}),
        ("posts", "channel", "example:forno", 0.0, 0.0, 0.0, None, {}),
    ]
    assert make_values("saves", ctx, [], current, previous) == []


def _seed(store) -> None:
    def post(net, acc, pid, day, month=3):
        return Post(
            network=net,
            account=acc,
            post_id=pid,
            created_at=datetime(2026, month, day, 12, tzinfo=UTC),
        )

    def metrics(net, acc, pid, saves, views):
        return PostMetrics(
            network=net,
            account=acc,
            post_id=pid,
            captured_at=datetime(2026, 4, 1, tzinfo=UTC),
            saves=saves,
            views=views,
        )

    records = [
        post("example", "forno", "1", 3),
        metrics("example", "forno", "1", 2, 100),
        post("example", "forno", "2", 4),
        metrics("example", "forno", "2", 6, 100),
        post("other", "forno", "3", 5),
        metrics("other", "forno", "3", None, 50),  # saves unknown: left out of both sums
        post("example", "rival", "9", 5),
        metrics("example", "rival", "9", 1, 10),
        post("example", "forno", "4", 10, month=2),
        metrics("example", "forno", "4", 1, 100),
    ]
    store.write(records)


def _ctx(store) -> KPIContext:
    store.set_channels(REFS)
    return KPIContext(
        store.con,
        Period(date(2026, 3, 1), date(2026, 3, 31)),
        Period(date(2026, 1, 29), date(2026, 2, 28)),
        "UTC",
        REFS,
    )


def _sql(select: str) -> str:
    return f"""
    SELECT c.network, c.account, c.owner, c.is_client, {select}
    FROM workspace_channels c
    JOIN posts p USING (network, account)
    JOIN post_metrics_latest m USING (network, account, post_id)
    WHERE p.kind <> 'repost' AND p.created_at >= $start AND p.created_at < $end
    GROUP BY ALL"""


def test_ratio_by_scope_adds_parts_per_scope(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.duckdb")
    try:
        _seed(store)
        ctx = _ctx(store)
        values = {
            f"{v.scope}:{v.scope_id}": v
            for v in ratio_by_scope(
                ctx, "saves", _sql(ratio_of_sums_sql("m.saves", "m.views")), scale=100
            )
        }
        assert values["channel:example:forno"].value == 4.0  # 8 / 200
        assert values["channel:example:forno"].previous == 1.0
        assert values["channel:other:forno"].value is None  # only an unknown count
        assert values["client:Forno"].value == 4.0
        assert values["network:example"].value == 4.0
        assert values["competitor:Rival"].value == 10.0
        assert values["competitor:Rival"].previous is None  # no posts: unknown
        assert values["client:Forno"].detail == {"numerator": 8.0, "denominator": 200.0}

        means = {
            f"{v.scope}:{v.scope_id}": v.value
            for v in ratio_by_scope(ctx, "m", _sql(mean_of_ratios_sql("m.saves", "m.views")))
        }
        # mean of 2/100 and 6/100 for Forno; Rival's own 1/10
        assert abs(means["client:Forno"] - 0.04) < 1e-12
        assert abs(means["competitor:Rival"] - 0.1) < 1e-12
    finally:
        store.close()


def test_ratio_by_scope_adds_the_parts_of_every_channel_of_a_scope(tmp_path: Path) -> None:
    """Forno's two channels both known: (2 + 6 + 4) saves over (100 + 100 + 50) views is
    4.8%, a ratio of the sums (not a mean of the channels' 4% and 8%)."""
    store = open_store(tmp_path / "s.duckdb")
    try:
        _seed(store)
        store.write(
            [
                Post(
                    network="other",
                    account="forno",
                    post_id="5",
                    created_at=datetime(2026, 3, 6, 12, tzinfo=UTC),
                ),
                PostMetrics(
                    network="other",
                    account="forno",
                    post_id="5",
                    captured_at=datetime(2026, 4, 1, tzinfo=UTC),
                    saves=4,
                    views=50,
                ),
            ]
        )
        values = {
            f"{v.scope}:{v.scope_id}": v
            for v in ratio_by_scope(
                _ctx(store), "saves", _sql(ratio_of_sums_sql("m.saves", "m.views")), scale=100
            )
        }
        assert values["channel:other:forno"].value == 8.0  # 4 / 50
        assert values["client:Forno"].value == 4.8  # 12 / 250
        assert values["client:Forno"].detail == {"numerator": 12.0, "denominator": 250.0}
        assert values["network:example"].value == 4.0  # the other network's post is not in it
    finally:
        store.close()


def test_local_time_sql_is_timezone_to_the_microsecond_across_dst_changes() -> None:
    import duckdb

    from smmcore.kpitools import local_time_sql

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    lo, hi = datetime(2025, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    instants = (
        "SELECT unnest(generate_series(TIMESTAMPTZ '2024-12-01 00:00:00.123456+00', "
        "TIMESTAMPTZ '2027-02-01 00:00:00+00', INTERVAL 7 MINUTE)) AS t"
    )  # before, inside and after [lo, hi), through every DST change of the zones below
    for tz in ("Europe/Rome", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"):
        sql = local_time_sql("t", tz, lo, hi)
        total, wrong = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE ({sql}) IS DISTINCT FROM "
            f"timezone('{tz}', t)) FROM ({instants})"
        ).fetchone()
        assert total > 160_000 and wrong == 0, tz
        assert "make_timestamp" in sql  # the cheap arithmetic, not timezone() everywhere
