"""Settings of the blog source: ``[plugins.feeds]`` in ``smm.toml``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from smmcore.http import HttpSourceSettings


class FeedsSettings(HttpSourceSettings):
    """``[plugins.feeds]``.

    ``base_url``, when set, replaces the scheme and host of every channel URL (a proxy or a
    test server); by default each channel's own ``url`` is fetched.
    """

    model_config = ConfigDict(extra="forbid")

    max_posts: int = Field(default=1000, ge=1)
    """WordPress: posts per unit at most (100 per request)."""
    comment_counts: int = Field(default=20, ge=0)
    """WordPress: at most this many comment-count requests per unit (newest posts first);
    0 turns them off. Posts beyond the cap get no metric snapshot in that sync."""
    refresh_days: float = Field(default=7, ge=0)
    """WordPress: also refresh the comment counts of posts up to this many days older than
    the newest post of the previous sync."""


class FeedOptions(BaseModel):
    """A blog channel's ``options`` in smm.toml."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["auto", "rss", "wordpress"] | None = Field(
        default=None, description='Which reader: "rss", "wordpress" or "auto" (the default).'
    )
    url: str | None = Field(default=None, description="The feed or site (default: the url).")
