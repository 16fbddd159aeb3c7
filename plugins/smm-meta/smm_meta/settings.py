"""Settings of the Meta source: ``[plugins.meta]`` in ``smm.toml``."""

from __future__ import annotations

from pydantic import ConfigDict, Field, SecretStr

from smmcore.http import HttpSourceSettings

TOKEN_ENV = "META_ACCESS_TOKEN"
"""The environment variable the access token is read from when the setting is absent."""

DEFAULT_BASE_URL = "https://graph.facebook.com"
DEFAULT_API_VERSION = "v24.0"

INSTAGRAM_MEDIA_METRICS: tuple[str, ...] = ("views", "reach", "saved", "shares")
"""Insights asked for feed posts and reels (``likes`` / ``comments`` come with the media)."""
INSTAGRAM_STORY_METRICS: tuple[str, ...] = ("views", "reach", "replies", "shares")
"""Insights asked for stories (alive 24 h; below 5 viewers Meta answers error 10)."""
FACEBOOK_POST_METRICS: tuple[str, ...] = (
    "post_media_view",
    "post_total_media_view_unique",
    "post_clicks",
)
"""Insights asked for Page posts (the 2025 replacements of ``post_impressions*``)."""


class MetaSettings(HttpSourceSettings):
    """``[plugins.meta]``.

    ``access_token = "${META_ACCESS_TOKEN}"``: a Facebook user or Page token (Facebook Login
    for Business) with ``pages_show_list``, ``pages_read_engagement``, ``read_insights``,
    ``instagram_basic`` and ``instagram_manage_insights`` (``instagram_manage_comments`` and
    ``pages_read_user_content`` for comments). Without the setting, the ``META_ACCESS_TOKEN``
    environment variable is used. ``base_url`` is ``https://graph.facebook.com`` (set
    ``https://graph.instagram.com`` for a token from Business Login for Instagram).
    """

    model_config = ConfigDict(extra="forbid")

    access_token: SecretStr | None = None
    api_version: str = Field(default=DEFAULT_API_VERSION, pattern=r"^v\d+\.\d+$")
    """The Graph API version in every path (each lives about two years)."""
    page_size: int = Field(default=50, ge=1, le=100)
    """Posts per page of ``/media`` and ``/posts``."""
    max_posts: int | None = Field(default=None, ge=1)
    """Stop after this many posts per account (``None``: all the API returns)."""
    refresh_days: int = Field(default=7, ge=0)
    """Also refresh the metrics of posts up to this many days older than the newest one of
    the previous sync."""
    insights: bool = True
    """Ask each new or refreshed post for its insights (reach, views, saves, shares)."""
    insights_posts: int = Field(default=50, ge=0)
    """At most this many insights requests per account and sync (newest posts first)."""
    instagram_metrics: list[str] = Field(default_factory=lambda: list(INSTAGRAM_MEDIA_METRICS))
    story_metrics: list[str] = Field(default_factory=lambda: list(INSTAGRAM_STORY_METRICS))
    facebook_metrics: list[str] = Field(default_factory=lambda: list(FACEBOOK_POST_METRICS))
    stories: bool = True
    """Instagram: read the stories that are live now (they vanish after 24 h)."""
    comments_posts: int = Field(default=20, ge=0)
    """Comments become reply interactions for this many recent posts whose comment count
    changed (0 turns comments off)."""
    comments_per_post: int = Field(default=100, ge=1)
