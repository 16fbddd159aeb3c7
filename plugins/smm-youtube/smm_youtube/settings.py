"""Settings of the YouTube source: ``[plugins.youtube]`` in ``smm.toml``."""

from __future__ import annotations

from pydantic import ConfigDict, Field, SecretStr

from smmcore.http import HttpSourceSettings

API_KEY_ENV = "YOUTUBE_API_KEY"
"""The environment variable the API key is read from."""


class YouTubeSettings(HttpSourceSettings):
    """``[plugins.youtube]``.

    ``api_key = "${YOUTUBE_API_KEY}"`` (a Google Cloud API key with the YouTube Data API v3
    enabled). When the section or the key is missing, the ``YOUTUBE_API_KEY`` environment
    variable is used; without either, every YouTube unit fails with a ``config`` error.
    """

    model_config = ConfigDict(extra="forbid")

    api_key: SecretStr | None = None
    # base_url (inherited): None means https://www.googleapis.com/youtube/v3
    daily_quota: int = Field(default=10_000, ge=1)
    """Units this run may spend (1 per list call); the sync stops cleanly when reached."""
    refresh_days: int = Field(default=7, ge=0)
    """Also refresh the statistics of videos published up to this many days before the
    newest video of the previous sync (views keep growing after publication)."""
    max_videos: int | None = Field(default=None, ge=1)
    """Stop after this many videos per channel (``None``: the whole uploads playlist)."""
