"""Reddit ``about`` things and ``t3`` submissions -> smmcore models.

Decisions, so that every number means what its name says:

- ``likes`` = ``ups``. Reddit fuzzes votes and no longer reports downvotes (``downs`` is 0,
  ``ups`` equals the net ``score``), so this is the net score; a negative net score says
  nothing about how many people liked it and becomes ``None``.
- ``replies`` = ``num_comments`` (all comments, nested ones included).
- ``reposts`` = ``num_crossposts`` when the listing has it (newer schema), else ``None``.
- ``upvote_ratio`` has no column in the models and is not stored.
- A crosspost (``crosspost_parent`` set) is ``kind="repost"``: not the account's own content.
- A user's karma has no column either (it is not an audience size) and is only logged;
  followers of a user are the subscribers of the user's profile subreddit when present.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from smmcore.models import Account, AccountSnapshot, Post, PostMetrics

WEB = "https://www.reddit.com"


def utc(value: Any) -> datetime | None:
    """``created_utc`` (epoch seconds, a float) -> an aware UTC datetime."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(float(value), tz=UTC)


def count(value: Any) -> int | None:
    """A non-negative integer count, else ``None``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if value >= 0 else None


def user_account(network: str, account: str, data: dict[str, Any]) -> Account:
    """The :class:`Account` of a ``t2`` (user) thing."""
    profile = data.get("subreddit") if isinstance(data.get("subreddit"), dict) else {}
    name = data.get("name") or account
    return Account(
        network=network,
        account=account,
        display_name=(profile.get("title") or name) or None,
        url=f"{WEB}/user/{name}/",
        bio=profile.get("public_description") or None,
        created_at=utc(data.get("created_utc")),
    )


def user_snapshot(
    network: str, account: str, data: dict[str, Any], captured_at: datetime
) -> AccountSnapshot:
    """Followers of a user: ``subreddit.subscribers`` of the profile, ``None`` when absent."""
    profile = data.get("subreddit") if isinstance(data.get("subreddit"), dict) else {}
    return AccountSnapshot(
        network=network,
        account=account,
        captured_at=captured_at,
        followers=count(profile.get("subscribers")),
    )


def subreddit_account(network: str, account: str, data: dict[str, Any]) -> Account:
    """The :class:`Account` of a ``t5`` (subreddit) thing."""
    name = data.get("display_name") or account.split("/")[-1]
    return Account(
        network=network,
        account=account,
        display_name=data.get("title") or name,
        url=f"{WEB}/r/{name}/",
        bio=data.get("public_description") or None,
        created_at=utc(data.get("created_utc")),
    )


def subreddit_snapshot(
    network: str, account: str, data: dict[str, Any], captured_at: datetime
) -> AccountSnapshot:
    """Followers of a subreddit: ``subscribers``."""
    return AccountSnapshot(
        network=network,
        account=account,
        captured_at=captured_at,
        followers=count(data.get("subscribers")),
    )


def submission_post(network: str, account: str, data: dict[str, Any]) -> Post | None:
    """The :class:`Post` of a ``t3`` submission; ``None`` without an id or a date."""
    created = utc(data.get("created_utc"))
    post_id = data.get("id")
    if created is None or not isinstance(post_id, str) or not post_id:
        return None
    title = (data.get("title") or "").strip()
    body = (data.get("selftext") or "").strip()
    permalink = data.get("permalink")
    return Post(
        network=network,
        account=account,
        post_id=post_id,
        created_at=created,
        kind="repost" if data.get("crosspost_parent") else "post",
        text="\n\n".join(p for p in (title, body) if p) or None,
        url=f"{WEB}{permalink}" if isinstance(permalink, str) and permalink else None,
    )


def submission_metrics(
    network: str, account: str, data: dict[str, Any], captured_at: datetime
) -> PostMetrics:
    """``ups`` -> likes, ``num_comments`` -> replies, ``num_crossposts`` -> reposts."""
    return PostMetrics(
        network=network,
        account=account,
        post_id=str(data["id"]),
        captured_at=captured_at,
        likes=count(data.get("ups")),
        replies=count(data.get("num_comments")),
        reposts=count(data.get("num_crossposts")),
        views=count(data.get("view_count")),
    )
