"""YouTube Data API resources -> smmcore models.

Counts arrive as decimal strings and any of them may be missing (hidden likes, disabled
comments): a missing count is ``None``, never 0. ``subscriberCount`` is rounded by YouTube to
three significant figures (10,712,345 is reported as 10,700,000), and it is absent or
meaningless when ``hiddenSubscriberCount`` is true, in which case followers is ``None``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from smmcore.models import Account, AccountSnapshot, Post, PostMetrics
from smmcore.payloads import parse_time as parse_timestamp


def parse_time(value: Any) -> datetime | None:
    """Parse an RFC 3339 timestamp (``2019-03-21T20:37:49.000Z``) to an aware UTC datetime."""
    when = parse_timestamp(value)
    return when.astimezone(UTC) if when is not None else None


def count(value: Any) -> int | None:
    """A count from a decimal string (or int); ``None`` when missing or not a count."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def channel_account(network: str, account: str, channel: dict[str, Any]) -> Account:
    """The :class:`Account` of a ``youtube#channel`` resource."""
    snippet = channel.get("snippet") or {}
    custom = snippet.get("customUrl")
    if isinstance(custom, str) and custom:
        url = f"https://www.youtube.com/{custom if custom.startswith('@') else '@' + custom}"
    else:
        url = f"https://www.youtube.com/channel/{channel.get('id', '')}"
    return Account(
        network=network,
        account=account,
        display_name=snippet.get("title") or None,
        url=url,
        bio=snippet.get("description") or None,
        created_at=parse_time(snippet.get("publishedAt")),
    )


def channel_snapshot(
    network: str, account: str, channel: dict[str, Any], captured_at: datetime
) -> AccountSnapshot:
    """The counters of a channel: subscribers (rounded by YouTube; ``None`` when hidden)
    and the number of public videos."""
    stats = channel.get("statistics") or {}
    hidden = stats.get("hiddenSubscriberCount") is True
    return AccountSnapshot(
        network=network,
        account=account,
        captured_at=captured_at,
        followers=None if hidden else count(stats.get("subscriberCount")),
        following=None,
        posts_count=count(stats.get("videoCount")),
    )


def video_post(network: str, account: str, video: dict[str, Any]) -> Post | None:
    """The :class:`Post` (kind ``video``) of a ``youtube#video``; ``None`` without a date."""
    snippet = video.get("snippet") or {}
    created = parse_time(snippet.get("publishedAt"))
    video_id = video.get("id")
    if created is None or not isinstance(video_id, str) or not video_id:
        return None
    title = (snippet.get("title") or "").strip()
    description = (snippet.get("description") or "").strip()
    text = "\n\n".join(part for part in (title, description) if part) or None
    language = snippet.get("defaultAudioLanguage") or snippet.get("defaultLanguage")
    return Post(
        network=network,
        account=account,
        post_id=video_id,
        created_at=created,
        kind="video",
        text=text,
        url=f"https://www.youtube.com/watch?v={video_id}",
        language=language.split("-")[0].lower() if isinstance(language, str) else None,
    )


def video_metrics(
    network: str, account: str, video: dict[str, Any], captured_at: datetime
) -> PostMetrics:
    """viewCount -> views, likeCount -> likes, commentCount -> replies (``None`` if absent).

    ``dislikeCount`` is private since December 2021 and ``favoriteCount`` is always 0, so
    neither is mapped.
    """
    stats = video.get("statistics") or {}
    return PostMetrics(
        network=network,
        account=account,
        post_id=str(video["id"]),
        captured_at=captured_at,
        views=count(stats.get("viewCount")),
        likes=count(stats.get("likeCount")),
        replies=count(stats.get("commentCount")),
    )
