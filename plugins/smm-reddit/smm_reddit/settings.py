"""Settings of the Reddit source: ``[plugins.reddit]`` in ``smm.toml``."""

from __future__ import annotations

from pydantic import ConfigDict, Field, SecretStr

from smmcore.http import HttpSourceSettings


class RedditSettings(HttpSourceSettings):
    """``[plugins.reddit]``.

    Without credentials the public JSON endpoints of ``base_url`` (default
    ``https://www.reddit.com``) are used: best effort, since Reddit blocks more and more
    unauthenticated clients. With ``client_id`` and ``client_secret`` (a Reddit app, read from
    the environment: ``client_secret = "${REDDIT_CLIENT_SECRET}"``) the source gets an
    application-only OAuth token and reads ``oauth_base_url`` instead (100 requests/min).
    """

    model_config = ConfigDict(extra="forbid")

    # base_url (inherited): None means https://www.reddit.com
    oauth_base_url: str = "https://oauth.reddit.com"
    auth_base_url: str = "https://www.reddit.com"
    """Where ``POST /api/v1/access_token`` (client credentials) is sent."""
    client_id: str | None = None
    client_secret: SecretStr | None = None
    username: str | None = None
    """Your Reddit username, named in the User-Agent as Reddit's API rules ask."""
    user_agent: str | None = None
    """Replaces the whole User-Agent.

    Default: ``<platform>:smmcore:<version> (by /u/<username>)``."""
    max_items: int = Field(default=1000, ge=1, le=1000)
    """Submissions per unit at most; Reddit's listings end near 1000 items anyway."""
    refresh_days: float = Field(default=7, ge=0)
    """Also refresh the scores of submissions up to this many days older than the newest one
    of the previous sync (votes and comments keep coming in for a few days)."""
