"""Which posts and follower snapshots the post KPIs read: the periods' first and last instant,
the 16-week windows of the best time to post, the client's time zone (for the period and for
the day whose followers a post is divided by), and the counters a custom KPI asks for.

Every test runs on both query paths: the per-report posts table (the default) and the inlined
query (``kpi_cache`` false), which select the posts in two places. Expected values are computed
by hand from conftest.py's rows and the rows each test adds (constructed, not real data).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from smm_kpis import builtin
from smm_kpis.charts import EngagementSeries
from smm_kpis.declarative import DeclarativeKPI, build_definition

from smmcore.contracts import ChartContext, KPIContext, Period
from smmcore.store.latest import refresh_latest


def approx(x: float) -> object:
    return pytest.approx(x, rel=1e-9)


@pytest.fixture(params=[True, False], ids=["posts-table", "inline"])
def kpi_cache(request) -> bool:
    return request.param


def context(con: Any, kf, kpi_cache: bool, timezone: str | None = None) -> KPIContext:
    return KPIContext(
        con=con,
        period=kf.FEB,
        previous=kf.JAN,
        timezone=timezone or kf.TZ,
        channels=kf.CHANNELS,
        options={"kpi_cache": kpi_cache},
    )


def add_post(con: Any, account: str, post_id: str, created_at: str, likes: int) -> None:
    """A post of instagram:``account`` whose only known counter is ``likes``."""
    con.execute(
        "INSERT INTO posts VALUES ('instagram', ?, ?, ?, 'post', NULL, NULL, NULL)",
        [account, post_id, created_at],
    )
    con.execute(
        "INSERT INTO post_metrics (network, account, post_id, captured_at, likes) "
        "VALUES ('instagram', ?, ?, '2026-03-05 00:00:00+00', ?)",
        [account, post_id, likes],
    )


@pytest.fixture
def edges(con: Any) -> Any:
    """Rival's posts at the edges of the periods (Rome is UTC+1 all along):

    first    Feb  1 00:00:00 Rome (the current period's first instant)   likes 1
    last     Feb 28 23:59:59.999999 Rome (its last instant)              likes 2
    after    Mar  1 00:00:00 Rome (the instant after it: outside)        likes 100
    jfirst   Jan  4 00:00:00 Rome (the previous period's first instant)  likes 4
    before   Jan  3 23:59:59.999999 Rome (before both periods, but in the
             16-week windows of the best time to post)                   likes 200
    """
    add_post(con, "rival", "first", "2026-01-31 23:00:00+00", 1)
    add_post(con, "rival", "last", "2026-02-28 22:59:59.999999+00", 2)
    add_post(con, "rival", "after", "2026-02-28 23:00:00+00", 100)
    add_post(con, "rival", "jfirst", "2026-01-03 23:00:00+00", 4)
    add_post(con, "rival", "before", "2026-01-03 22:59:59.999999+00", 200)
    refresh_latest(con)
    return con


def test_a_period_holds_the_posts_from_its_first_to_its_last_instant(edges, kf, kpi_cache):
    ctx = context(edges, kf, kpi_cache)
    # February: r1, first, last (not after); January: jfirst (not before)
    posts = kf.by_scope(builtin.posts_per_week.compute(ctx))[kf.RIVAL]
    assert (posts.value, posts.previous) == (approx(3 / 4), approx(1 / 4))
    # likes per post: (300 + 1 + 2) / 3; January 4 / 1
    applause = kf.by_scope(builtin.applause_rate.compute(ctx))[kf.RIVAL]
    assert (applause.value, applause.previous) == (approx(101.0), approx(4.0))
    top = kf.by_scope(builtin.top_posts.compute(ctx))[kf.RIVAL]
    assert (top.value, top.previous) == (3, 1)
    assert [p["post_id"] for p in top.detail["posts"]] == ["r1", "last", "first"]
    # engagements: client 96 + 15, Rival 350 + 1 + 2, Zero 6; January client 40, Rival 4
    share = kf.by_scope(builtin.share_of_voice.compute(ctx))
    assert share[kf.RIVAL].value == approx(353 / 470 * 100)
    assert share[kf.RIVAL].previous == approx(4 / 44 * 100)
    assert share[kf.CLIENT].value == approx(111 / 470 * 100)


def test_best_time_reads_the_16_week_windows_not_only_the_periods(edges, kf, kpi_cache):
    ctx = context(edges, kf, kpi_cache)
    rival = kf.by_scope(builtin.best_time_to_post.compute(ctx))[kf.RIVAL]
    # window to 28 Feb (9 Nov - 28 Feb): r1 Mon 13:00 (350); Saturday 23:00: before (200)
    # and last (2); Sunday 00:00: first (1), jfirst (4). "after" is 1 March: outside.
    grid, counts = rival.detail["values"], rival.detail["posts"]
    assert (grid[0][13], counts[0][13]) == (350, 1)
    assert (grid[5][23], counts[5][23]) == (approx(101.0), 2)
    assert (grid[6][0], counts[6][0]) == (approx(2.5), 2)
    assert rival.value == 350
    # window to 31 Jan (12 Oct - 31 Jan): before (Saturday 23:00), jfirst (Sunday 00:00)
    assert rival.previous == 200


def test_the_client_time_zone_picks_the_posts_and_the_day_of_their_followers(
    con, kf, kpi_cache
) -> None:
    # 10 Feb 03:00 UTC: 9 Feb 22:00 in New York (followers 1000, as the 1050 of 10 Feb
    # 12:00 UTC is a day later there), 10 Feb 04:00 in Rome (the same day as the 1050)
    add_post(con, "forno", "late", "2026-02-10 03:00:00+00", 21)
    refresh_latest(con)
    rome = context(con, kf, kpi_cache)
    new_york = context(con, kf, kpi_cache, timezone="America/New_York")
    # In New York (UTC-5) February holds i1, i2, late and i3 (28 Feb 18:30 there); i5 (31 Jan
    # 18:30 there) is January's, with j1. In Rome February holds i1, i2, late, i5.
    for c, ids in ((rome, ["i1", "i2", "late", "i5"]), (new_york, ["i3", "i1", "i2", "late"])):
        top = kf.by_scope(builtin.top_posts.compute(c))[kf.IG]
        assert [p["post_id"] for p in top.detail["posts"]] == ids, c.timezone
    # followers on the posting day there: i1 1000 (2 Feb), i2 1050 (11 Feb), late 1000,
    # i3 1100 (its day's snapshot, 28 Feb 07:00 in New York); January i5 1000 (31 Jan, that
    # day's snapshot), j1 900
    rate = kf.by_scope(builtin.engagement_rate_followers.compute(new_york))[kf.IG]
    assert rate.value == approx((6.0 + 25 / 1050 * 100 + 2.1 + 1000 / 1100 * 100) / 4)
    assert rate.previous == approx((1.1 + 40 / 900 * 100) / 2)
    rate = kf.by_scope(builtin.engagement_rate_followers.compute(rome))[kf.IG]
    assert rate.value == approx((6.0 + 25 / 1050 * 100 + 21 / 1050 * 100 + 1.1) / 4)
    # views (impressions where unknown): i1 1000, i2 500, i3 1000; late has none
    by_views = kf.by_scope(builtin.engagement_rate_views.compute(new_york))[kf.IG]
    assert by_views.value == approx((60 + 25 + 1000) / 2500 * 100)
    assert by_views.previous == approx((11 + 40) / (200 + 800) * 100)


def test_a_custom_kpi_of_views_or_impressions_alone(ctx, kf, kpi_cache) -> None:
    kpi = DeclarativeKPI("mean_views", build_definition("views_or_impressions", None, "mean"))
    v = kf.by_scope(kpi.compute(context(ctx.con, kf, kpi_cache)))
    # i1 1000 views, i2 500 impressions (views unknown), i5 200 views; January j1 800
    assert (v[kf.IG].value, v[kf.IG].previous) == (approx(1700 / 3), 800)
    assert v[kf.IG].change == approx(1700 / 3 - 800)
    # mastodon posts have neither: unknown, not 0, and so is the change
    assert v[kf.MS].value is None and v[kf.MS].change is None
    assert v[kf.NET_MS].value is None
    assert v[kf.CLIENT].value == approx(1700 / 3)  # the mastodon posts are left out
    assert v[kf.RIVAL].value == 10000


class RecordingConnection:
    """A store connection that keeps the SQL of every query run through it."""

    def __init__(self, con: Any) -> None:
        self.con = con
        self.queries: list[str] = []

    def execute(self, sql: str, *args: Any) -> Any:
        self.queries.append(sql)
        return self.con.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)


def test_a_report_reads_the_posts_counters_once(con, kf) -> None:
    # The README's promise that keeps a report of many KPIs fast: the first KPI computed with
    # a context puts the period's posts with their counters in a table, the others read it.
    recording = RecordingConnection(con)
    ctx = context(recording, kf, True)
    values = {name: kpi.compute(ctx) for name, kpi in builtin.BUILTIN_KPIS.items()}
    reads = [sql for sql in recording.queries if "post_metrics_latest" in sql]
    assert len(reads) == 1 and reads[0].startswith("CREATE TEMP TABLE")
    # ... with the numbers of the query each KPI inlines without it
    inline = context(con, kf, False)
    for name, kpi in builtin.BUILTIN_KPIS.items():
        assert values[name] == kpi.compute(inline), name


def test_a_post_without_counters_is_left_out_of_the_rates_and_series_not_counted_as_0(
    con, kf, kpi_cache
) -> None:
    # "quiet": an instagram:forno post of Tuesday 17 February with no counter captured yet
    con.execute(
        "INSERT INTO posts VALUES ('instagram', 'forno', 'quiet', '2026-02-17 10:00:00+00', "
        "'post', NULL, NULL, NULL)"
    )
    ctx = context(con, kf, kpi_cache)
    # it is a post (i1, i2, i5, quiet in 4 weeks) ...
    assert kf.by_scope(builtin.posts_per_week.compute(ctx))[kf.IG].value == approx(1.0)
    # ... whose likes, engagements and views are unknown: the rates are those without it
    assert kf.by_scope(builtin.applause_rate.compute(ctx))[kf.IG].value == approx(80 / 3)
    followers = kf.by_scope(builtin.engagement_rate_followers.compute(ctx))[kf.IG]
    assert followers.value == approx((6.0 + 25 / 1050 * 100 + 1.1) / 3)
    assert followers.detail["posts_used"] == 3
    views = kf.by_scope(builtin.engagement_rate_views.compute(ctx))[kf.IG]
    assert views.value == approx(96 / 1700 * 100)
    top = kf.by_scope(builtin.top_posts.compute(ctx))[kf.IG]
    assert top.value == 4 and "quiet" not in [p["post_id"] for p in top.detail["posts"]]
    # the weekly engagements (from the report's posts table when the KPIs built one): its
    # week is unknown, a week without posts is 0
    weeks = Period(date(2026, 2, 2), date(2026, 2, 28))
    series = EngagementSeries().series(ChartContext(con, weeks, kf.TZ, "day", kf.CHANNELS, ctx))
    ig = next(s for s in series if s.key == "instagram:forno")
    assert [(p.date.day, p.value) for p in ig.points] == [(2, 60), (9, 25), (16, None), (23, 0)]
