"""HTTP calls to Reddit: public JSON or application-only OAuth, and error mapping.

Reddit's answers when it will not serve a thing: 404 ``{"message": "Not Found", "error":
404}`` (no such user or subreddit), 404 ``{"reason": "banned", ...}`` (banned subreddit), 403
``{"reason": "private" | "quarantined" | "gold_only", ...}``, a bare 403 (Reddit blocks the
client), 429 with ``X-Ratelimit-Used/Remaining/Reset``. Each becomes a
:class:`~smmcore.contracts.SourceError` with a ``kind`` and a hint.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

import httpx

from smm_reddit import __version__
from smm_reddit.settings import RedditSettings
from smmcore.contracts import SourceError
from smmcore.http import redact_url

DEFAULT_BASE_URL = "https://www.reddit.com"


def user_agent(settings: RedditSettings) -> str:
    """``<platform>:smmcore:<version> (by /u/<username>)``, as Reddit's API rules ask."""
    if settings.user_agent:
        return settings.user_agent
    agent = f"{sys.platform}:smmcore:{__version__}"
    if settings.username:
        agent += f" (by /u/{settings.username.removeprefix('u/').removeprefix('/u/')})"
    return agent


class RedditAPI:
    """Reddit reads for one run; holds the OAuth token (shared by the run's units)."""

    def __init__(self, settings: RedditSettings) -> None:
        self.settings = settings
        self.agent = user_agent(settings)
        self._token: str | None = None
        self._token_expires = 0.0
        self._lock = asyncio.Lock()
        self.requests = 0

    @property
    def oauth(self) -> bool:
        """Whether application-only OAuth credentials are configured."""
        return bool(self.settings.client_id and self.settings.client_secret)

    def url(self, path: str) -> str:
        """The URL of ``path`` (``/user/x/about``) on the public site or the OAuth host."""
        if self.oauth:
            return self.settings.oauth_base_url.rstrip("/") + path
        return (self.settings.base_url or DEFAULT_BASE_URL).rstrip("/") + path + ".json"

    async def get(
        self, client: httpx.AsyncClient, path: str, params: dict[str, Any], *, what: str
    ) -> Any:
        """GET a Reddit path as JSON; ``what`` names the thing in error messages
        (``"u/forno"``)."""
        response = await self._send(client, path, params)
        if response.status_code == 401 and self.oauth:
            self._token = None  # expired or revoked: one fresh token, one more try
            response = await self._send(client, path, params)
        if response.status_code >= 400:
            raise self.error(response, what=what)
        if response.is_redirect:  # an unknown subreddit redirects to the search page
            raise SourceError(
                f"{what} not found on Reddit (redirected to "
                f"{redact_url(response.headers.get('location', '?'))})",
                kind="not_found",
                hint="check the name in smm.toml (u/name for a user, r/name for a subreddit)",
            )
        try:
            return response.json()
        except ValueError:
            raise SourceError(
                f"Reddit sent a response that is not JSON for {what} "
                f"({redact_url(response.request.url)})",
                kind="invalid_data",
                hint="Reddit may be serving a block page; try again later or configure OAuth",
            ) from None

    async def _send(
        self, client: httpx.AsyncClient, path: str, params: dict[str, Any]
    ) -> httpx.Response:
        headers = {"User-Agent": self.agent, "Accept": "application/json"}
        if self.oauth:
            headers["Authorization"] = f"bearer {await self._access_token(client)}"
        url = self.url(path)
        self.requests += 1
        try:
            return await client.get(url, params=params, headers=headers)
        except SourceError:
            raise
        except httpx.HTTPError as exc:
            raise SourceError(
                f"cannot reach Reddit ({type(exc).__name__}) for {redact_url(url)}",
                kind="network",
                hint="check the connection and base_url under [plugins.reddit]",
            ) from None

    async def _access_token(self, client: httpx.AsyncClient) -> str:
        async with self._lock:
            if self._token and time.monotonic() < self._token_expires:
                return self._token
            secret = self.settings.client_secret
            auth = (self.settings.client_id or "", secret.get_secret_value() if secret else "")
            self.requests += 1
            try:
                response = await client.post(
                    self.settings.auth_base_url.rstrip("/") + "/api/v1/access_token",
                    data={"grant_type": "client_credentials"},
                    auth=auth,
                    headers={"User-Agent": self.agent, "Accept": "application/json"},
                )
            except httpx.HTTPError as exc:
                raise SourceError(
                    f"cannot reach Reddit's token endpoint ({type(exc).__name__})",
                    kind="network",
                    hint="check the connection and auth_base_url under [plugins.reddit]",
                ) from None
            try:
                body = response.json()
            except ValueError:
                body = {}
            token = body.get("access_token") if isinstance(body, dict) else None
            if response.status_code >= 400 or not token:
                said = ""
                if isinstance(body, dict) and body.get("error"):
                    said = f": {body['error']}"
                raise SourceError(
                    f"Reddit rejected the OAuth client credentials "
                    f"(HTTP {response.status_code}{said})",
                    kind="auth",
                    hint="check client_id and client_secret under [plugins.reddit] "
                    "(a 'script' or 'web' app from reddit.com/prefs/apps)",
                )
            expires = body.get("expires_in")
            lifetime = float(expires) if isinstance(expires, int | float) else 3600.0
            self._token = str(token)
            self._token_expires = time.monotonic() + max(lifetime - 60.0, 1.0)
            return self._token

    def error(self, response: httpx.Response, *, what: str) -> SourceError:
        """Map a Reddit error answer to a :class:`SourceError`."""
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        reason = str(body.get("reason") or "") if isinstance(body, dict) else ""
        if status == 429:
            headers = response.headers
            used = headers.get("x-ratelimit-used")
            reset = headers.get("x-ratelimit-reset")
            detail = ", ".join(
                part
                for part in (
                    f"{used} requests used" if used else "",
                    f"window resets in {reset} s" if reset else "",
                )
                if part
            )
            return SourceError(
                f"Reddit rate limit reached for {what} (429{': ' + detail if detail else ''})",
                kind="rate_limited",
                hint="Reddit allows 100 requests/min with OAuth and about 10 without; "
                "sync again later"
                + ("" if self.oauth else " or configure client_id/client_secret"),
            )
        if status == 403:
            if reason == "private":
                return SourceError(
                    f"{what} is private", kind="private", hint="only approved members can read it"
                )
            if reason in ("quarantined", "gold_only"):
                return SourceError(
                    f"{what} is {reason.replace('_', ' ')}",
                    kind="private",
                    hint="Reddit serves it only to accounts that opted in",
                )
            if self.oauth:
                return SourceError(
                    f"Reddit refused the request for {what} (403) even with OAuth credentials",
                    kind="blocked",
                    hint="the Reddit app may lack API access approval; check it at "
                    "reddit.com/prefs/apps",
                )
            return SourceError(
                f"Reddit refused the request (403) for {what}: unauthenticated access is "
                "blocked; configure OAuth credentials (client_id/client_secret) in "
                "[plugins.reddit]",
                kind="blocked",
                hint="create an app at reddit.com/prefs/apps and set client_id and "
                'client_secret = "${REDDIT_CLIENT_SECRET}"',
            )
        if status == 404:
            if reason == "banned":
                return SourceError(
                    f"{what} was banned by Reddit",
                    kind="suspended",
                    hint="remove it from smm.toml",
                )
            return SourceError(
                f"{what} not found on Reddit (404)",
                kind="not_found",
                hint="check the name in smm.toml (u/name for a user, r/name for a subreddit)",
            )
        if status == 401:
            return SourceError(
                f"Reddit answered 401 Unauthorized for {what}",
                kind="auth",
                hint="check client_id and client_secret under [plugins.reddit]",
            )
        if status >= 500:
            return SourceError(
                f"Reddit is failing ({status}) for {what}",
                kind="network",
                hint="a temporary problem at Reddit; sync again later",
            )
        return SourceError(f"Reddit answered {status} for {what}", kind="error")
