"""Every built-in KPI against values computed by hand from the rows in conftest.py.

Posts of February in Rome (own posts; i4 is a repost, i3 is 00:30 on 1 March in Rome, j1 is
January; i5 was posted 23:30 UTC on 31 January = 00:30 on 1 February in Rome):

    post  likes rep repl quo  views/impr  engagements  followers that day   eng/followers
    i1    50    5   3    2    1000 views  60           1000 (31 Jan)        6.0 %
    i2    20    0   5    0    500 impr    25           1050 (10 Feb)        2.380952 %
    i5    10    1   0    NULL 200 views   11           1000 (31 Jan)        1.1 %
    m1    8     2   1    0    unknown     11           200 (5 Feb)          5.5 %
    m2    4     0   0    0    unknown     4            unknown (no snapshot yet)
    r1    300   30  20   0    10000 views 350          5000                 7.0 %
    z1    5     0   1    0    unknown     6            0                    unknown
January: j1 30 3 6 1, 800 views, engagements 40, followers 900 (3 Jan) -> 4.444444 %.
"""

from __future__ import annotations

from datetime import date

import pytest
from smm_kpis import builtin

from smmcore.contracts import KPIContext, Period
from smmcore.store.latest import refresh_latest


def approx(x: float) -> object:
    return pytest.approx(x, rel=1e-9)


def test_every_builtin_is_registered_with_its_definition() -> None:
    from smm_kpis import plugin

    from smmcore.plugins import PluginHost

    host = PluginHost([("kpis", plugin)], discover=False, strict=True)
    specs = host.kpis()
    assert set(specs) == set(builtin.BUILTIN_KPIS)
    for name, spec in specs.items():
        assert spec.problems() == []
        assert spec.load() is builtin.BUILTIN_KPIS[name]
    assert specs["engagement_rate_views"].aggregation == "ratio of sums"
    assert specs["engagement_rate_followers"].aggregation.startswith("mean of ratios")


def test_follower_growth(ctx: KPIContext, kf) -> None:
    v = kf.by_scope(builtin.follower_growth.compute(ctx))
    # instagram:forno: 1100 (28 Feb) - 1000 (31 Jan, last before Feb) = 100
    assert v[kf.IG].value == 100
    # January: 1000 (31 Jan) - 900 (3 Jan, last before 4 Jan) = 100 -> change 0
    assert v[kf.IG].previous == 100
    assert (v[kf.IG].change, v[kf.IG].change_pct) == (0, 0)
    # mastodon: no snapshot before February -> first in February: 260 - 200 = 60
    assert v[kf.MS].value == 60
    assert v[kf.MS].previous is None and v[kf.MS].change is None
    # Rival: 5100 (23:30 28 Feb in Rome) - 5000; the 9999 of 1 March (Rome) is outside
    assert v[kf.RIVAL].value == 100
    assert v[kf.CLIENT].value == 160
    assert v[kf.NET_IG].value == 100 and v[kf.NET_MS].value == 60
    assert v[kf.ZERO].value == 0


def test_follower_growth_rate(ctx: KPIContext, kf) -> None:
    v = kf.by_scope(builtin.follower_growth_rate.compute(ctx))
    assert v[kf.IG].value == approx(10.0)  # 100 / 1000
    assert v[kf.IG].previous == approx(100 / 900 * 100)
    assert v[kf.MS].value == approx(30.0)  # 60 / 200
    assert v[kf.CLIENT].value == approx(160 / 1200 * 100)  # ratio of sums over channels
    assert v[kf.RIVAL].value == approx(2.0)
    assert v[kf.ZERO].value is None  # 0 followers at the start: unknown, not an error


def test_posts_per_week(ctx: KPIContext, kf) -> None:
    v = kf.by_scope(builtin.posts_per_week.compute(ctx))
    # 28 days = 4 weeks. instagram: i1, i2, i5 (not i3: March in Rome; not i4: repost)
    assert v[kf.IG].value == approx(0.75)
    assert v[kf.MS].value == approx(0.5)
    assert v[kf.CLIENT].value == approx(1.25)
    assert v[kf.CLIENT].previous == approx(0.25)  # j1
    assert v[kf.CLIENT].change == approx(1.0)
    assert v[kf.CLIENT].change_pct == approx(400.0)
    assert v[kf.MS].previous == 0  # no posts: zero, not unknown
    assert v[kf.RIVAL].value == approx(0.25) and v[kf.RIVAL].previous == 0


def test_engagement_rate_followers(ctx: KPIContext, kf) -> None:
    v = kf.by_scope(builtin.engagement_rate_followers.compute(ctx))
    assert v[kf.IG].value == approx((6.0 + 25 / 1050 * 100 + 1.1) / 3)
    assert v[kf.MS].value == approx(5.5)  # m2 has no known followers: left out
    assert v[kf.MS].detail["posts_used"] == 1
    assert v[kf.CLIENT].value == approx((6.0 + 25 / 1050 * 100 + 1.1 + 5.5) / 4)
    assert v[kf.CLIENT].previous == approx(40 / 900 * 100)
    assert v[kf.RIVAL].value == approx(7.0)
    assert v[kf.ZERO].value is None  # zero followers -> unknown


def test_engagement_rate_views(ctx: KPIContext, kf) -> None:
    v = kf.by_scope(builtin.engagement_rate_views.compute(ctx))
    # (60 + 25 + 11) / (1000 + 500 impressions + 200) x 100
    assert v[kf.IG].value == approx(96 / 1700 * 100)
    assert v[kf.IG].detail["numerator"] == 96 and v[kf.IG].detail["denominator"] == 1700
    assert v[kf.CLIENT].value == approx(96 / 1700 * 100)  # mastodon posts have no views
    assert v[kf.MS].value is None  # views unknown: None, not 0
    assert v[kf.NET_MS].value is None
    assert v[kf.ZERO].value is None
    assert v[kf.RIVAL].value == approx(3.5)
    assert v[kf.IG].previous == approx(5.0)  # 40 / 800


def test_kaushik_rates(ctx: KPIContext, kf) -> None:
    applause = kf.by_scope(builtin.applause_rate.compute(ctx))
    assert applause[kf.IG].value == approx(80 / 3)
    assert applause[kf.CLIENT].value == approx(92 / 5)
    assert applause[kf.RIVAL].value == approx(300)
    conversation = kf.by_scope(builtin.conversation_rate.compute(ctx))
    assert conversation[kf.IG].value == approx(8 / 3)
    assert conversation[kf.MS].value == approx(0.5)
    assert conversation[kf.CLIENT].value == approx(9 / 5)
    amplification = kf.by_scope(builtin.amplification_rate.compute(ctx))
    assert amplification[kf.IG].value == approx(2.0)  # (5 + 0 + 1) / 3
    assert amplification[kf.CLIENT].value == approx(8 / 5)
    assert amplification[kf.CLIENT].previous == approx(3.0)  # j1: 3 reposts


def test_virality_rate(ctx: KPIContext, kf) -> None:
    v = kf.by_scope(builtin.virality_rate.compute(ctx))
    assert v[kf.IG].value == approx(6 / 1700 * 100)
    assert v[kf.MS].value is None
    assert v[kf.RIVAL].value == approx(0.3)


def test_share_of_voice_sums_to_100(ctx: KPIContext, kf) -> None:
    values = builtin.share_of_voice.compute(ctx)
    v = kf.by_scope(values)
    assert {x.scope for x in values} == {"client", "competitor"}
    # client 96 + 15 = 111, Rival 350, Zero 6: panel 467
    assert v[kf.CLIENT].value == approx(111 / 467 * 100)
    assert v[kf.RIVAL].value == approx(350 / 467 * 100)
    assert v[kf.ZERO].value == approx(6 / 467 * 100)
    assert sum(x.value for x in values) == approx(100.0)
    # January: only the client posted -> 100 %, competitors 0 %
    assert v[kf.CLIENT].previous == approx(100.0)
    assert v[kf.RIVAL].previous == 0.0


def test_best_time_to_post(ctx: KPIContext, kf) -> None:
    v = kf.by_scope(builtin.best_time_to_post.compute(ctx))
    ig = v[kf.IG]
    # 16 weeks to 28 Feb: i1 Mon 10:00 (60), j1 Tue 11:00 (40), i2 Wed 18:00 (25),
    # i5 Sun 00:30 in Rome (11). No cell has 3 posts, so all cells rank.
    assert ig.value == 60
    grid = ig.detail["values"]
    assert len(grid) == 7 and all(len(row) == 24 for row in grid)
    assert grid[0][10] == 60 and grid[1][11] == 40 and grid[2][18] == 25
    assert grid[6][0] == 11  # the time-zone boundary: Sunday 00:30 in Rome, not Saturday
    assert grid[5][23] is None
    assert ig.detail["posts"][0][10] == 1
    assert ig.detail["best"] == [[0, 10], [1, 11], [2, 18]]
    assert ig.detail["best_slots"][0]["weekday_name"] == "Mon"
    # previous window ends 31 Jan (Rome): only j1
    assert ig.previous == 40
    assert v[kf.CLIENT].value == 60
    assert v[kf.RIVAL].value == 350


def test_best_time_prefers_cells_with_enough_posts(con, kf) -> None:
    # three posts on Thursdays at 09:xx Rome with 10 engagements each: the cell has
    # 3 posts, so it ranks ahead of the single-post Monday cell with 60
    for i, day in enumerate(("2026-02-05", "2026-02-12", "2026-02-19")):
        con.execute(
            "INSERT INTO posts VALUES ('instagram', 'forno', ?, ?, 'post', NULL, NULL, NULL)",
            [f"t{i}", f"{day} 08:15:00+00"],
        )
        con.execute(
            "INSERT INTO post_metrics (network, account, post_id, captured_at, likes) "
            "VALUES ('instagram', 'forno', ?, '2026-02-20 00:00:00+00', 10)",
            [f"t{i}"],
        )
    refresh_latest(con)
    ctx = KPIContext(con=con, period=kf.FEB, previous=kf.JAN, timezone=kf.TZ, channels=kf.CHANNELS)
    ig = kf.by_scope(builtin.best_time_to_post.compute(ctx))[kf.IG]
    assert ig.value == 10
    assert ig.detail["best"][0] == [3, 9]
    assert ig.detail["posts"][3][9] == 3


def test_top_posts(ctx: KPIContext, kf) -> None:
    v = kf.by_scope(builtin.top_posts.compute(ctx))
    client = v[kf.CLIENT]
    assert client.value == 5 and client.previous == 1  # posts in Feb / Jan
    ids = [p["post_id"] for p in client.detail["posts"]]
    # 60, 25, then the tie at 11: m1 (6 Feb) is newer than i5 (1 Feb), then m2 (4)
    assert ids == ["i1", "i2", "m1", "i5", "m2"]
    top = client.detail["posts"][0]
    assert top["text"] == "Pane & <b>" and top["url"] == "https://ig/i1"
    assert top["engagements"] == 60 and top["likes"] == 50 and top["views"] == 1000
    assert top["engagement_rate"] == approx(6.0)
    i5 = client.detail["posts"][3]
    assert i5["created_at"] == "2026-02-01T00:30:00+01:00"  # in the client's time zone
    assert v[kf.IG].value == 3
    assert [p["post_id"] for p in v[kf.RIVAL].detail["posts"]] == ["r1"]


def test_top_posts_n_from_options(con, kf) -> None:
    ctx = KPIContext(
        con=con,
        period=kf.FEB,
        previous=kf.JAN,
        timezone=kf.TZ,
        channels=kf.CHANNELS,
        options={"top_posts": 2},
    )
    v = kf.by_scope(builtin.top_posts.compute(ctx))
    assert [p["post_id"] for p in v[kf.CLIENT].detail["posts"]] == ["i1", "i2"]


def test_network_renewal_rate(ctx: KPIContext, kf) -> None:
    v = kf.by_scope(builtin.network_renewal_rate.compute(ctx))
    ig = v[kf.IG]
    # February: alice (also January), bob (new), erin (23:30 UTC 31 Jan = 1 Feb in Rome,
    # new); frank has no time and does not count -> 2 / 3
    assert ig.value == approx(200 / 3)
    assert ig.detail == {"active_accounts": 3, "new_accounts": 2, "returning": 1}
    # January: alice (new), carol (December too), dave (new), gina (December too) -> 2 / 4
    assert ig.previous == approx(50.0)
    assert ig.change == approx(200 / 3 - 50)
    assert v[kf.MS].value == approx(100.0)  # bob on mastodon is another account
    assert v[kf.MS].previous is None  # no interactions: unknown
    # client: instagram alice, bob, erin + mastodon bob = 4 accounts, 3 new
    assert v[kf.CLIENT].value == approx(75.0)
    assert v[kf.RIVAL].value is None


@pytest.mark.parametrize("kpi_cache", [True, False], ids=["posts-table", "inline"])
def test_no_posts_in_period(con, kf, kpi_cache: bool) -> None:
    june = Period(date(2025, 6, 1), date(2025, 6, 28))
    ctx = KPIContext(
        con=con,
        period=june,
        previous=june.previous(),
        timezone=kf.TZ,
        channels=kf.CHANNELS,
        options={"kpi_cache": kpi_cache},
    )
    for kpi in (builtin.posts_per_week, builtin.top_posts):
        for value in kpi.compute(ctx):
            assert value.value == 0, (kpi, value)
    for kpi in (
        builtin.engagement_rate_followers,
        builtin.engagement_rate_views,
        builtin.applause_rate,
        builtin.conversation_rate,
        builtin.amplification_rate,
        builtin.virality_rate,
        builtin.share_of_voice,
        builtin.best_time_to_post,
        builtin.network_renewal_rate,
        builtin.follower_growth,
        builtin.follower_growth_rate,
    ):
        for value in kpi.compute(ctx):
            assert value.value is None, (kpi, value)
            assert value.change is None


def test_inline_sql_matches_materialized(con, kf) -> None:
    # the per-context table is an optimisation: the inline query gives the same numbers
    fast = KPIContext(con=con, period=kf.FEB, previous=kf.JAN, timezone=kf.TZ, channels=kf.CHANNELS)
    slow = KPIContext(
        con=con,
        period=kf.FEB,
        previous=kf.JAN,
        timezone=kf.TZ,
        channels=kf.CHANNELS,
        options={"kpi_cache": False},
    )
    for name, kpi in builtin.BUILTIN_KPIS.items():
        assert kpi.compute(fast) == kpi.compute(slow), name


def test_without_workspace_channels_table(kf) -> None:
    # a connection without the store's TEMP table: the context's channels are used
    con = kf.new_store(with_channels_table=False)
    ctx = KPIContext(con=con, period=kf.FEB, previous=kf.JAN, timezone=kf.TZ, channels=kf.CHANNELS)
    v = kf.by_scope(builtin.posts_per_week.compute(ctx))
    assert v[kf.CLIENT].value == approx(1.25)
    assert kf.by_scope(builtin.follower_growth.compute(ctx))[kf.CLIENT].value == 160


def test_year_over_year_comparison(con, kf) -> None:
    # previous = the same dates a year earlier: no data then, so no previous value
    ctx = KPIContext(
        con=con,
        period=kf.FEB,
        previous=kf.FEB.year_before(),
        timezone=kf.TZ,
        channels=kf.CHANNELS,
    )
    v = kf.by_scope(builtin.network_renewal_rate.compute(ctx))
    assert v[kf.IG].value == approx(200 / 3) and v[kf.IG].previous is None
    pw = kf.by_scope(builtin.posts_per_week.compute(ctx))
    assert pw[kf.CLIENT].previous == 0 and pw[kf.CLIENT].change == approx(1.25)


def test_followers_carried_from_a_snapshot_long_before(con, kf) -> None:
    # August: the last instagram:forno snapshot is 28 Feb (1100), months before the window
    con.execute(
        "INSERT INTO posts VALUES ('instagram', 'forno', 'aug', '2026-08-10 10:00:00+00', "
        "'post', NULL, NULL, NULL)"
    )
    con.execute(
        "INSERT INTO post_metrics (network, account, post_id, captured_at, likes) "
        "VALUES ('instagram', 'forno', 'aug', '2026-08-11 10:00:00+00', 22)"
    )
    refresh_latest(con)
    aug = Period(date(2026, 8, 1), date(2026, 8, 28))
    ctx = KPIContext(
        con=con, period=aug, previous=aug.previous(), timezone=kf.TZ, channels=kf.CHANNELS
    )
    v = kf.by_scope(builtin.engagement_rate_followers.compute(ctx))
    assert v[kf.IG].value == approx(22 / 1100 * 100)
    assert v[kf.IG].previous is None  # no posts in July


def test_best_time_follows_daylight_saving_time(con, kf) -> None:
    # 29 March 2026, 01:30 UTC: clocks in Rome jumped at 01:00 UTC, so it is 03:30 (CEST)
    con.execute(
        "INSERT INTO posts VALUES ('instagram', 'forno', 'dst', '2026-03-29 01:30:00+00', "
        "'post', NULL, NULL, NULL)"
    )
    con.execute(
        "INSERT INTO post_metrics (network, account, post_id, captured_at, likes) "
        "VALUES ('instagram', 'forno', 'dst', '2026-03-30 00:00:00+00', 7)"
    )
    refresh_latest(con)
    march = Period(date(2026, 3, 1), date(2026, 3, 31))
    ctx = KPIContext(
        con=con, period=march, previous=march.previous(), timezone=kf.TZ, channels=kf.CHANNELS
    )
    ig = kf.by_scope(builtin.best_time_to_post.compute(ctx))[kf.IG]
    assert ig.detail["values"][6][3] == 7  # Sunday 03:00 CEST
    assert ig.detail["values"][6][2] is None
    pw = kf.by_scope(builtin.posts_per_week.compute(ctx))[kf.IG]
    assert pw.value == approx(2 / (31 / 7))  # i3 (1 March in Rome) and dst


def test_engagement_chart_from_the_kpis_posts_table_equals_its_own_query(con, kf) -> None:
    from smm_kpis.charts import EngagementSeries

    from smmcore.contracts import ChartContext

    window = Period(date(2026, 1, 5), date(2026, 2, 28))  # 8 weeks ending with the period
    ctx = KPIContext(con=con, period=kf.FEB, previous=kf.JAN, timezone=kf.TZ, channels=kf.CHANNELS)
    builtin.posts_per_week.compute(ctx)  # builds the report's posts table on ctx

    def chart(kpi: KPIContext | None) -> list:
        return EngagementSeries().series(
            ChartContext(
                con=con,
                window=window,
                timezone=kf.TZ,
                granularity="day",
                channels=kf.CHANNELS,
                kpi=kpi,
            )
        )

    shared, own = chart(ctx), chart(None)
    assert (
        EngagementSeries._from_kpis(  # the shared path really was taken
            ChartContext(con, window, kf.TZ, "day", kf.CHANNELS, ctx), *bounds_of(window, kf.TZ)
        )
        is not None
    )
    assert [s.model_dump() for s in shared] == [s.model_dump() for s in own]
    ig = next(s for s in own if s.key == "instagram:forno")
    week = {p.date: p.value for p in ig.points}
    assert week[date(2026, 1, 26)] == 11  # i5 (1 Feb in Rome, a Sunday): 10 + 1 + 0
    assert week[date(2026, 2, 2)] == 60  # i1's latest snapshot; i4 is a repost
    assert week[date(2026, 2, 23)] == 0  # i3 is 1 March in Rome: outside the window


def bounds_of(window: Period, tz: str) -> tuple:
    from smmcore.kpitools import bounds

    return bounds(window.start, window.end, tz)
