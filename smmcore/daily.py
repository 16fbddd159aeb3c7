"""Daily account-level metrics: the documented metric names of the ``daily_metrics`` table.

A network's analytics tool reports some numbers only as daily totals of the whole account or
Page (LinkedIn page views and new followers, TikTok profile views, Meta's daily follows); some
report daily numbers per video (YouTube Studio's chart data). The store keeps them in
``daily_metrics`` (network, account, day, metric, post_id, value): ``day`` is the calendar day
the network reports (its own day, as written in the export), ``post_id`` is ``''`` for the
whole account, ``value`` is NULL when unknown (never 0).

Every metric name has a unit and says whether days add up over a period (``summable``): daily
new followers do, daily unique visitors or daily reach do not (the same person counts on
several days), nor does a daily rate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class DailyMetric:
    """One daily metric: its unit, whether a period's value is the sum of its days, and
    what it counts."""

    name: str
    unit: str
    summable: bool
    description: str


_METRICS = (
    DailyMetric("impressions", "count", True, "times content was shown (not unique)"),
    DailyMetric("impressions_organic", "count", True, "impressions not paid for"),
    DailyMetric("impressions_sponsored", "count", True, "impressions of sponsored content"),
    DailyMetric(
        "unique_impressions_organic", "count", False, "distinct members shown organic content"
    ),
    DailyMetric("views", "count", True, "times content (videos) was viewed or played"),
    DailyMetric("engaged_views", "count", True, "views past the first seconds (YouTube)"),
    DailyMetric("reach", "count", False, "distinct accounts reached that day (Meta Viewers)"),
    DailyMetric("clicks", "count", True, "clicks on content"),
    DailyMetric("clicks_organic", "count", True, "clicks on organic content"),
    DailyMetric("clicks_sponsored", "count", True, "clicks on sponsored content"),
    DailyMetric("link_clicks", "count", True, "clicks on links (Meta)"),
    DailyMetric("likes", "count", True, "likes and reactions"),
    DailyMetric("likes_organic", "count", True, "reactions on organic content"),
    DailyMetric("likes_sponsored", "count", True, "reactions on sponsored content"),
    DailyMetric("replies", "count", True, "comments"),
    DailyMetric("replies_organic", "count", True, "comments on organic content"),
    DailyMetric("replies_sponsored", "count", True, "comments on sponsored content"),
    DailyMetric("reposts", "count", True, "shares and reposts"),
    DailyMetric("reposts_organic", "count", True, "reposts of organic content"),
    DailyMetric("reposts_sponsored", "count", True, "reposts of sponsored content"),
    DailyMetric("interactions", "count", True, "content interactions (Meta)"),
    DailyMetric(
        "engagement_rate", "ratio", False, "engagement rate as the network computes it (0-1)"
    ),
    DailyMetric("engagement_rate_organic", "ratio", False, "engagement rate, organic (0-1)"),
    DailyMetric("engagement_rate_sponsored", "ratio", False, "engagement rate, sponsored (0-1)"),
    DailyMetric("new_followers", "count", True, "followers gained that day (not the total)"),
    DailyMetric("new_followers_organic", "count", True, "followers gained organically"),
    DailyMetric("new_followers_sponsored", "count", True, "followers gained through ads"),
    DailyMetric("new_followers_invited", "count", True, "followers who accepted an invitation"),
    DailyMetric("page_views", "count", True, "views of the Page (LinkedIn, Facebook visits)"),
    DailyMetric("page_views_desktop", "count", True, "Page views on desktop"),
    DailyMetric("page_views_mobile", "count", True, "Page views on mobile"),
    DailyMetric("unique_visitors", "count", False, "distinct visitors of the Page that day"),
    DailyMetric("unique_visitors_desktop", "count", False, "distinct desktop visitors that day"),
    DailyMetric("unique_visitors_mobile", "count", False, "distinct mobile visitors that day"),
    DailyMetric("profile_views", "count", True, "views of the profile (TikTok, Instagram)"),
)

DAILY_METRICS: dict[str, DailyMetric] = {m.name: m for m in _METRICS}
"""Metric name -> its definition. The names a format or a ``daily.csv`` may use."""

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def check_metric(name: str) -> str:
    """``name`` when it is a documented daily metric; else a ``ValueError`` naming them."""
    if name not in DAILY_METRICS:
        raise ValueError(
            f"{name!r} is not a daily metric (known: {', '.join(sorted(DAILY_METRICS))})"
        )
    return name


def metrics_table() -> str:
    """The catalogue as a Markdown table (for the docs)."""
    lines = ["| metric | unit | days add up | what it counts |", "|---|---|---|---|"]
    for m in _METRICS:
        lines.append(
            f"| `{m.name}` | {m.unit} | {'yes' if m.summable else 'no'} | {m.description} |"
        )
    return "\n".join(lines)


__all__ = ["DAILY_METRICS", "DailyMetric", "check_metric", "metrics_table"]
