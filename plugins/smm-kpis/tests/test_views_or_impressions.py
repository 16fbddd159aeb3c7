"""Views are preferred over impressions, as the user guide's KPI table documents: "Σ views
(impressions where views are unknown)". The fixture store (conftest.py) has no post with
both counters known, so these tests give one: post i1 (February, 1000 views) also gets 3000
impressions. A query preferring impressions, or adding both, changes every number below.

Checked with the per-report posts table (the default) and without it (``kpi_cache``
false: each KPI inlines its query), which build the preference in two places."""

from __future__ import annotations

import pytest
from smm_kpis import builtin

from smmcore.contracts import KPIContext
from smmcore.store.latest import refresh_latest

approx = pytest.approx


@pytest.fixture(params=[True, False], ids=["posts-table", "inline"])
def both_known(con, kf, request) -> KPIContext:
    con.execute(
        "UPDATE post_metrics SET impressions = 3000 "
        "WHERE post_id = 'i1' AND captured_at = '2026-02-05 12:00:00+00'"
    )
    # a January post with only impressions, which the previous period's figure uses
    con.execute("UPDATE post_metrics SET views = NULL, impressions = 400 WHERE post_id = 'j1'")
    refresh_latest(con)  # what the store's writes do with post_metrics
    return KPIContext(
        con=con,
        period=kf.FEB,
        previous=kf.JAN,
        timezone=kf.TZ,
        channels=kf.CHANNELS,
        options={"kpi_cache": request.param},
    )


def test_engagement_rate_by_views_prefers_views_then_impressions(both_known, kf) -> None:
    v = kf.by_scope(builtin.engagement_rate_views.compute(both_known))
    # i1: 1000 views (its 3000 impressions unused), i2: 500 impressions, i5: 200 views
    assert v[kf.IG].detail["denominator"] == 1700
    assert v[kf.IG].value == approx(96 / 1700 * 100)
    assert v[kf.IG].previous == approx(40 / 400 * 100)  # j1: impressions, views unknown


def test_virality_rate_prefers_views(both_known, kf) -> None:
    v = kf.by_scope(builtin.virality_rate.compute(both_known))
    assert v[kf.IG].value == approx(6 / 1700 * 100)


def test_top_posts_show_views_where_known(both_known, kf) -> None:
    v = kf.by_scope(builtin.top_posts.compute(both_known))
    posts = {p["post_id"]: p for p in v[kf.CLIENT].detail["posts"]}
    assert posts["i1"]["views"] == 1000  # not its 3000 impressions
    assert posts["i2"]["views"] == 500  # views unknown: its impressions
    assert posts["m1"]["views"] is None  # neither known: unknown, not 0


def test_a_top_post_carries_every_field_the_reports_show(ctx, kf) -> None:
    v = kf.by_scope(builtin.top_posts.compute(ctx))
    top = v[kf.CLIENT].detail["posts"][0]
    assert {k: top[k] for k in top if k not in ("created_at", "text", "url", "_ts")} == {
        "network": "instagram",
        "account": "forno",
        "owner": "Forno",
        "post_id": "i1",
        "kind": "post",
        "likes": 50,
        "reposts": 5,
        "replies": 3,
        "quotes": 2,
        "views": 1000,
        "engagements": 60,
        "engagement_rate": pytest.approx(6.0),
    }
