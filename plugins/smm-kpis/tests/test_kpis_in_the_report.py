"""The post KPIs as a report shows them: a workspace in New York (daylight saving time starts
on 8 March 2026 there), synced from a source and reported for March, with posts at the
period's first and last instant and just outside it, and custom KPIs that need counters the
report's posts table does not keep (``reach``), so they run their own query in the report.

The source's rows are constructed for the test; every expected value is computed by hand.
"""

from __future__ import annotations

import importlib
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from smmcore import SourceSpec, hookimpl
from smmcore.testing import sync_and_report

IMPLS = """
from datetime import datetime, timezone

from smmcore.contracts import Source
from smmcore.models import AccountSnapshot, Post, PostMetrics

UTC = timezone.utc
CAPTURED = datetime(2026, 4, 2, 12, tzinfo=UTC)
POSTS = [
    # id, created (UTC), likes, reach
    ("first", datetime(2026, 3, 1, 5, tzinfo=UTC), 10, 50),  # 1 Mar 00:00 EST
    ("last", datetime(2026, 4, 1, 3, 59, 59, tzinfo=UTC), 30, None),  # 31 Mar 23:59:59 EDT
    ("after", datetime(2026, 4, 1, 4, tzinfo=UTC), 1000, 1000),  # 1 Apr 00:00 EDT
    ("before", datetime(2026, 3, 1, 4, 59, 59, tzinfo=UTC), 500, 500),  # 28 Feb 23:59:59 EST
]


class PanelSource(Source):
    async def fetch(self, unit, ctx):
        for followers, at in ((100, datetime(2026, 3, 1, 6, tzinfo=UTC)),
                              (200, datetime(2026, 4, 1, 2, tzinfo=UTC))):
            yield AccountSnapshot(network="tiktok", account="forno", captured_at=at,
                                  followers=followers)
        for post_id, created, likes, reach in POSTS:
            yield Post(network="tiktok", account="forno", post_id=post_id,
                       created_at=created, kind="video")
            yield PostMetrics(network="tiktok", account="forno", post_id=post_id,
                              captured_at=CAPTURED, likes=likes, reach=reach)
"""

WS = """
[client]
name = "Forno"
timezone = "America/New_York"

[[channels]]
network = "tiktok"
handle = "forno"

[report]
kpis = ["posts_per_week", "engagement_rate_followers", "engagement_rate_views",
        "reach_per_post", "reach_rate"]

[kpis.reach_per_post]
label = "Reach per post"
numerator = "reach"
aggregation = "mean"
unit = "accounts"

[kpis.reach_rate]
label = "Reach rate"
numerator = "reach"
denominator = "followers"
aggregation = "mean_of_ratios"
scale = 100
unit = "%"
"""

SPEC = SourceSpec(
    name="panel",
    description="A constructed panel of posts.",
    impl="kpi_report_impls:PanelSource",
    networks=("tiktok",),
)


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "kpi_report_impls.py").write_text(textwrap.dedent(IMPLS))
    monkeypatch.syspath_prepend(str(folder))
    importlib.invalidate_caches()
    yield ("panel", SimpleNamespace(smm_register_sources=hookimpl(lambda register: register(SPEC))))
    sys.modules.pop("kpi_report_impls", None)


def test_the_report_counts_the_posts_of_the_client_time_zone_and_keeps_unknowns(
    tmp_path: Path, plugin
) -> None:
    synced, report = sync_and_report(
        tmp_path / "ws",
        WS,
        plugin,
        installed=True,
        period="2026-03",
        now=datetime(2026, 4, 2, tzinfo=UTC),
    )
    assert synced.ok, [u.error for u in synced.units]
    values = {
        name: report.kpi(name).client
        for name in (
            "posts_per_week",
            "engagement_rate_followers",
            "engagement_rate_views",
            "reach_per_post",
            "reach_rate",
        )
    }
    # March in New York holds "first" and "last" (not "after", 1 April there, nor "before",
    # 28 February there although 1 March in UTC): 2 posts in 31/7 weeks
    assert values["posts_per_week"].value == pytest.approx(2 / (31 / 7))
    assert values["posts_per_week"].previous == pytest.approx(1 / 4)  # February: "before"
    # followers on the posting day there: first 100 (1 March), last 200 (31 March's snapshot,
    # 22:00 there): (10 / 100 + 30 / 200) / 2 x 100
    assert values["engagement_rate_followers"].value == pytest.approx(12.5)
    # "before" was posted before the first snapshot: followers, rate and change unknown
    assert values["engagement_rate_followers"].previous is None
    assert values["engagement_rate_followers"].change is None
    # no post has views or impressions: unknown, not 0
    assert values["engagement_rate_views"].value is None
    assert values["engagement_rate_views"].detail["posts_used"] == 0
    # reach, which the report's posts table does not keep: first 50, last unknown (left out)
    assert values["reach_per_post"].value == pytest.approx(50.0)
    assert values["reach_per_post"].previous == pytest.approx(500.0)
    assert values["reach_per_post"].detail == {"posts": 2, "posts_used": 1}
    assert values["reach_rate"].value == pytest.approx(50.0)  # 50 / 100 followers
