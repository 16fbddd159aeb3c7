"""Graph API payloads -> smmcore models. Pure functions; a count Meta does not give is ``None``.

Instagram (IG User, IG Media) and Facebook (Page, Page Post) fields are documented in
Meta's Graph API reference; see the plugin README for the table of what goes where.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from smmcore.models import Account, AccountSnapshot, Interaction, Post, PostMetrics
from smmcore.payloads import count, parse_time

INSTAGRAM_PROFILE_FIELDS = (
    "id,username,name,biography,website,followers_count,follows_count,media_count"
)
INSTAGRAM_MEDIA_FIELDS = (
    "id,caption,media_type,media_product_type,timestamp,permalink,like_count,comments_count"
)
FACEBOOK_PAGE_FIELDS = "id,name,username,about,link,followers_count,fan_count"
FACEBOOK_POST_FIELDS = (
    "id,message,created_time,permalink_url,status_type,shares,"
    "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),"
    "attachments{media_type,type}"
)

METRIC_COLUMNS: dict[str, str] = {
    # Instagram media insights (current names, v22+)
    "views": "views",
    "reach": "reach",
    "saved": "saves",
    "shares": "reposts",
    "likes": "likes",
    "comments": "replies",
    "replies": "replies",
    # Facebook post insights (the November 2025 replacements)
    "post_media_view": "views",
    "post_total_media_view_unique": "reach",
    "post_clicks": "clicks",
}
"""Insight metric -> PostMetrics column. Metrics Meta deprecated (``impressions``, ``plays``,
``video_views``, ``post_impressions*``) are not asked for: those columns stay unknown."""

DEPRECATED_METRICS: dict[str, str] = {
    "impressions": "deprecated by Meta in v22.0 (all versions from 21 Apr 2025); use views",
    "plays": "deprecated by Meta in v22.0 (all versions from 21 Apr 2025); use views",
    "clips_replays_count": "deprecated by Meta in v22.0 (21 Apr 2025)",
    "ig_reels_aggregated_all_plays_count": "deprecated by Meta in v22.0 (21 Apr 2025)",
    "video_views": "deprecated by Meta in v21.0 (all versions from 8 Jan 2025); use views",
    "engagement": "deprecated by Meta in v18.0 (11 Dec 2023); use total_interactions",
    "post_impressions": "deprecated by Meta on 15 Nov 2025; use post_media_view",
    "post_impressions_unique": "deprecated by Meta; use post_total_media_view_unique",
    "post_engaged_users": "deprecated by Meta on 14 Mar 2024",
}


def instagram_kind(media: Mapping[str, Any]) -> str:
    """``reel``, ``story``, ``carousel``, ``video`` or ``post`` from ``media_product_type``
    (``FEED``, ``REELS``, ``STORY``, ``AD``) and ``media_type`` (``IMAGE``, ``VIDEO``,
    ``CAROUSEL_ALBUM``)."""
    product = str(media.get("media_product_type") or "").upper()
    mtype = str(media.get("media_type") or "").upper()
    if product == "REELS":
        return "reel"
    if product == "STORY":
        return "story"
    if mtype == "CAROUSEL_ALBUM":
        return "carousel"
    if mtype == "VIDEO":
        return "video"
    return "post"


def facebook_kind(post: Mapping[str, Any]) -> str:
    """``video``, ``carousel`` (an album) or ``post`` from ``status_type`` and the first
    attachment's ``media_type`` / ``type``."""
    attachments = (post.get("attachments") or {}).get("data") or []
    first = attachments[0] if attachments and isinstance(attachments[0], Mapping) else {}
    media_type = str(first.get("media_type") or "").lower()
    att_type = str(first.get("type") or "").lower()
    if post.get("status_type") == "added_video" or media_type == "video" or "video" in att_type:
        return "video"
    if media_type == "album" or att_type == "album":
        return "carousel"
    return "post"


def instagram_account(network: str, account: str, user: Mapping[str, Any]) -> Account:
    username = user.get("username")
    return Account(
        network=network,
        account=account,
        display_name=user.get("name") or username,
        url=f"https://www.instagram.com/{username}/" if username else None,
        bio=user.get("biography") or None,
    )


def instagram_snapshot(
    network: str, account: str, user: Mapping[str, Any], now: datetime
) -> AccountSnapshot:
    return AccountSnapshot(
        network=network,
        account=account,
        captured_at=now,
        followers=count(user, "followers_count"),
        following=count(user, "follows_count"),
        posts_count=count(user, "media_count"),
    )


def facebook_account(network: str, account: str, page: Mapping[str, Any]) -> Account:
    return Account(
        network=network,
        account=account,
        display_name=page.get("name") or page.get("username"),
        url=page.get("link") or None,
        bio=page.get("about") or None,
    )


def facebook_snapshot(
    network: str, account: str, page: Mapping[str, Any], now: datetime
) -> AccountSnapshot:
    """Followers = ``followers_count`` (``fan_count``, the Page likes, is not followers)."""
    return AccountSnapshot(
        network=network, account=account, captured_at=now, followers=count(page, "followers_count")
    )


def instagram_post(network: str, account: str, media: Mapping[str, Any]) -> Post | None:
    created = parse_time(media.get("timestamp"))
    if created is None or not media.get("id"):
        return None
    return Post(
        network=network,
        account=account,
        post_id=str(media["id"]),
        created_at=created,
        kind=instagram_kind(media),  # type: ignore[arg-type]
        text=media.get("caption") or None,
        url=media.get("permalink") or None,
    )


def facebook_post(network: str, account: str, post: Mapping[str, Any]) -> Post | None:
    created = parse_time(post.get("created_time"))
    if created is None or not post.get("id"):
        return None
    return Post(
        network=network,
        account=account,
        post_id=str(post["id"]),
        created_at=created,
        kind=facebook_kind(post),  # type: ignore[arg-type]
        text=post.get("message") or None,
        url=post.get("permalink_url") or None,
    )


def _summary_total(post: Mapping[str, Any], edge: str) -> int | None:
    summary = (post.get(edge) or {}).get("summary") if isinstance(post.get(edge), Mapping) else None
    return count(summary, "total_count") if isinstance(summary, Mapping) else None


def instagram_counts(media: Mapping[str, Any]) -> dict[str, int | None]:
    """The counts on the media object itself (organic likes and comments)."""
    return {"likes": count(media, "like_count"), "replies": count(media, "comments_count")}


def facebook_counts(post: Mapping[str, Any]) -> dict[str, int | None]:
    """Reactions (all kinds) as likes, comments as replies, shares as reposts. Meta omits
    ``shares`` when there are none known to the token: that stays unknown."""
    shares = post.get("shares")
    return {
        "likes": _summary_total(post, "reactions"),
        "replies": _summary_total(post, "comments"),
        "reposts": count(shares, "count") if isinstance(shares, Mapping) else None,
    }


def insight_values(body: Any) -> dict[str, int]:
    """``{metric: value}`` of an insights answer; a metric absent, or with an empty
    ``values`` list, or a non-numeric (breakdown) value, is left out: unknown, not 0."""
    found: dict[str, int] = {}
    for entry in (body or {}).get("data") or [] if isinstance(body, Mapping) else []:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
            continue
        value: Any = None
        values = entry.get("values")
        if isinstance(values, list) and values and isinstance(values[-1], Mapping):
            value = values[-1].get("value")
        elif isinstance(entry.get("total_value"), Mapping):
            value = entry["total_value"].get("value")
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            found[entry["name"]] = int(value)
    return found


def post_metrics(
    network: str,
    account: str,
    post_id: str,
    now: datetime,
    counts: Mapping[str, int | None],
    insights: Mapping[str, int],
) -> PostMetrics:
    """One snapshot: the object's own counts, completed (never overwritten) by insights."""
    values: dict[str, int | None] = dict(counts)
    for metric, value in insights.items():
        column = METRIC_COLUMNS.get(metric)
        if column is not None and values.get(column) is None:
            values[column] = value
    return PostMetrics(network=network, account=account, post_id=post_id, captured_at=now, **values)


def comment_interaction(
    network: str, account: str, post_id: str, comment: Mapping[str, Any]
) -> Interaction | None:
    """A comment as a ``reply`` interaction: Instagram names the commenter in ``username``,
    Facebook in ``from`` (only when the token may see it); otherwise it is skipped."""
    member = comment.get("username")
    if not member and isinstance(comment.get("from"), Mapping):
        member = comment["from"].get("id") or comment["from"].get("name")
    if not member or not comment.get("id"):
        return None
    return Interaction(
        network=network,
        account=account,
        member=str(member),
        kind="reply",
        post_id=post_id,
        occurred_at=parse_time(comment.get("timestamp") or comment.get("created_time")),
        interaction_id=str(comment["id"]),
    )
