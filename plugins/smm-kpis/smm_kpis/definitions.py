"""The built-in KPI definitions as plain data: cheap to import, registered by
:mod:`smm_kpis.plugin` and implemented in :mod:`smm_kpis.builtin`.

Scopes, for every KPI unless said otherwise: each channel (``"network:account"``), each of the
client's networks, the client (all its channels) and each competitor (all its channels).
Periods are calendar days in the client's time zone. Own posts only: reposts are excluded.
"""

from __future__ import annotations

from typing import Any

from smmcore.interactions import RENEWAL_FORMULA

ENGAGEMENTS = (
    "engagements = likes + reposts + replies + quotes (saves and clicks excluded; an unknown "
    "counter counts as 0, a post with all four unknown is left out)"
)

BEST_TIME_WEEKS = 16
"""Best time to post looks at this many weeks, ending on the last day of the period."""

BEST_TIME_MIN_POSTS = 3
"""A weekday x hour cell needs this many posts to be ranked (unless no cell has that many)."""

TOP_POSTS_N = 5
"""How many top posts a scope lists (``KPIContext.options["top_posts"]`` overrides)."""

BUILTINS: list[dict[str, Any]] = [
    {
        "name": "follower_growth",
        "description": "Followers gained (or lost) in the period.",
        "label": "Follower growth",
        "formula": "followers at the last snapshot in the period - followers at the last "
        "snapshot before the period (or, without one, the first snapshot in the period; "
        "unknown with a single snapshot); summed over the scope's channels where both are "
        "known",
        "unit": "followers",
        "higher_is_better": True,
        "aggregation": "sum of per-channel differences",
    },
    {
        "name": "follower_growth_rate",
        "description": "Follower growth relative to the followers at the start, in %.",
        "label": "Follower growth rate",
        "formula": "Σ (followers at end - followers at start) / Σ followers at start x 100, "
        "over the scope's channels where both are known (start and end as in follower_growth)",
        "unit": "%",
        "higher_is_better": True,
        "aggregation": "ratio of sums over channels",
    },
    {
        "name": "posts_per_week",
        "description": "Own posts published per week (posting frequency).",
        "label": "Posts per week",
        "formula": "number of own posts (reposts excluded) created in the period / "
        "(days in the period / 7)",
        "unit": "posts/week",
        "higher_is_better": None,
        "aggregation": "sum",
        "numerator": "posts",
        "kpi_aggregation": "sum",
        "per_week": True,
    },
    {
        "name": "engagement_rate_followers",
        "description": "Engagements per post relative to the account's followers, in %.",
        "label": "Engagement rate by followers",
        "formula": "mean over posts of engagements / followers on the day of posting x 100; "
        "followers = the last snapshot of the posting day in the client's time zone, or the "
        f"latest before it; posts with unknown or zero followers are left out; {ENGAGEMENTS}",
        "unit": "%",
        "higher_is_better": True,
        "aggregation": "mean of ratios (per post)",
        "numerator": "engagements",
        "denominator": "followers",
        "kpi_aggregation": "mean_of_ratios",
        "scale": 100.0,
    },
    {
        "name": "engagement_rate_views",
        "description": "Engagements relative to views (or impressions), where the network "
        "reports them, in %.",
        "label": "Engagement rate by views",
        "formula": "Σ engagements / Σ views x 100 (impressions where views are unknown), over "
        f"the posts whose views or impressions are known; {ENGAGEMENTS}",
        "unit": "%",
        "higher_is_better": True,
        "aggregation": "ratio of sums",
        "numerator": "engagements",
        "denominator": "views_or_impressions",
        "kpi_aggregation": "ratio_of_sums",
        "scale": 100.0,
    },
    {
        "name": "applause_rate",
        "description": "Likes per post (Kaushik's applause rate).",
        "label": "Applause rate",
        "formula": "Σ likes / number of posts, over the posts whose likes are known",
        "unit": "likes/post",
        "higher_is_better": True,
        "aggregation": "ratio of sums (= mean per post)",
        "numerator": "likes",
        "denominator": "posts",
        "kpi_aggregation": "ratio_of_sums",
    },
    {
        "name": "conversation_rate",
        "description": "Replies per post (Kaushik's conversation rate).",
        "label": "Conversation rate",
        "formula": "Σ replies / number of posts, over the posts whose replies are known",
        "unit": "replies/post",
        "higher_is_better": True,
        "aggregation": "ratio of sums (= mean per post)",
        "numerator": "replies",
        "denominator": "posts",
        "kpi_aggregation": "ratio_of_sums",
    },
    {
        "name": "amplification_rate",
        "description": "Reposts (shares) per post (Kaushik's amplification rate).",
        "label": "Amplification rate",
        "formula": "Σ reposts / number of posts, over the posts whose reposts are known "
        "(quote posts are not counted here)",
        "unit": "reposts/post",
        "higher_is_better": True,
        "aggregation": "ratio of sums (= mean per post)",
        "numerator": "reposts",
        "denominator": "posts",
        "kpi_aggregation": "ratio_of_sums",
    },
    {
        "name": "virality_rate",
        "description": "Reposts relative to views (or impressions), in %.",
        "label": "Virality rate",
        "formula": "Σ reposts / Σ views x 100 (impressions where views are unknown), over the "
        "posts whose reposts and views or impressions are known",
        "unit": "%",
        "higher_is_better": True,
        "aggregation": "ratio of sums",
        "numerator": "reposts",
        "denominator": "views_or_impressions",
        "kpi_aggregation": "ratio_of_sums",
        "scale": 100.0,
    },
    {
        "name": "share_of_voice",
        "description": "The client's (or a competitor's) share of the panel's engagements, in %.",
        "label": "Share of voice",
        "formula": "engagements on the owner's posts / engagements on the posts of the client "
        f"and every competitor in smm.toml x 100; {ENGAGEMENTS}; scopes: the client and each "
        "competitor (the shares of the owners with known engagements sum to 100)",
        "unit": "%",
        "higher_is_better": True,
        "aggregation": "ratio of sums",
    },
    {
        "name": "best_time_to_post",
        "description": "The weekday and hour (client's time zone) whose posts get the most "
        "engagements.",
        "label": "Best time to post",
        "formula": f"mean engagements per post for each weekday x hour of the client's time "
        f"zone, over the {BEST_TIME_WEEKS} weeks ending on the period's last day; value = the "
        f"best cell's mean among cells with at least {BEST_TIME_MIN_POSTS} posts (all cells if "
        f"none has that many); detail = the 7 x 24 grid and the best slots; {ENGAGEMENTS}",
        "unit": "engagements/post",
        "higher_is_better": True,
        "aggregation": "mean per weekday x hour cell",
    },
    {
        "name": "top_posts",
        "description": "The period's posts with the most engagements.",
        "label": "Top posts",
        "formula": f"value = the number of own posts in the period; detail = the top "
        f"{TOP_POSTS_N} by engagements (ties: the newest first), with text, url and counters; "
        f"{ENGAGEMENTS}",
        "unit": "posts",
        "higher_is_better": None,
        "aggregation": "count; ranking by engagements per post",
    },
    {
        "name": "new_followers",
        "description": "Followers gained in the period, as the network counts them day by day "
        "(LinkedIn New followers, Meta Facebook/Instagram follows).",
        "label": "New followers (daily)",
        "formula": "Σ over the period's days of the daily new_followers the network reports "
        "for the account (daily_metrics; days as the network dates them); unfollows are not "
        "subtracted; days without a value are left out (detail: days_known of "
        "days_in_period); unknown when no day is known",
        "unit": "followers",
        "higher_is_better": True,
        "aggregation": "sum over days and channels",
        "daily_metrics": ("new_followers",),
    },
    {
        "name": "profile_views",
        "description": "Visits to the account's profile or Page in the period, as the network "
        "counts them day by day.",
        "label": "Profile and Page views",
        "formula": "Σ over the period's days of the daily profile_views (TikTok Profile "
        "Views, Instagram profile visits), or page_views where the network reports those "
        "instead (LinkedIn page views, Facebook visits); days without a value are left out "
        "(detail: days_known of days_in_period); unknown when no day is known",
        "unit": "views",
        "higher_is_better": True,
        "aggregation": "sum over days and channels",
        "daily_metrics": ("profile_views", "page_views"),
    },
    {
        "name": "network_renewal_rate",
        "description": "Share of the accounts that engaged in the period and not in the one "
        "before, in %.",
        "label": "Network renewal rate",
        "formula": RENEWAL_FORMULA,
        "unit": "%",
        "higher_is_better": True,
        "aggregation": "ratio of distinct accounts",
    },
]
"""Every built-in KPI: the registration fields, and for declarative ones the engine's
``numerator``, ``denominator``, ``kpi_aggregation``, ``scale`` and ``per_week``."""

REGISTRATION_FIELDS = (
    "name",
    "description",
    "label",
    "formula",
    "unit",
    "higher_is_better",
    "aggregation",
)

_POSTS = ("posts", "post_metrics")
READS: dict[str, tuple[str, ...]] = {
    "follower_growth": ("account_snapshots",),
    "follower_growth_rate": ("account_snapshots",),
    "posts_per_week": ("posts",),
    "engagement_rate_followers": (*_POSTS, "account_snapshots"),
    "engagement_rate_views": _POSTS,
    "applause_rate": _POSTS,
    "conversation_rate": _POSTS,
    "amplification_rate": _POSTS,
    "virality_rate": _POSTS,
    "share_of_voice": _POSTS,
    "best_time_to_post": _POSTS,
    "top_posts": (*_POSTS, "account_snapshots"),
    "network_renewal_rate": ("interactions", "posts"),
}
"""The store tables each built-in KPI reads (``KPISpec.reads``; the data reference lists
them per table)."""
