"""Shared pieces for sources: what several first-party sources (and yours) need alike.

Kept small and importable without heavy dependencies.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class HttpChannelOptions(BaseModel):
    """A channel's ``options`` for a source that reads one HTTP API per instance
    (Mastodon, Bluesky): ``options = { base_url = "https://..." }`` asks another server for
    this channel only."""

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = Field(
        default=None, description="The server to ask for this channel (default: the plugin's)."
    )
