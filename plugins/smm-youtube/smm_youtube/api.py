"""HTTP calls to the YouTube Data API v3: quota accounting and error mapping.

Every call is a ``*.list`` request costing 1 quota unit (``search.list``, 100 units, is never
used). Google's error envelope ``{"error": {"code", "message", "errors": [{"reason"}]}}`` is
turned into :class:`~smmcore.contracts.SourceError` with a ``kind`` and a hint.
"""

from __future__ import annotations

import html
import re
from typing import Any

import httpx

from smm_youtube import __version__
from smmcore.contracts import SourceError
from smmcore.http import HttpError, fetch_json, redact_url

AGENT = f"smm-youtube/{__version__}"
"""Appended to the shared client's User-Agent."""
DEFAULT_BASE_URL = "https://www.googleapis.com/youtube/v3"
QUOTA_HINT = (
    "the YouTube quota resets at midnight Pacific Time; run `smm sync` again then, "
    "or ask Google for a higher quota"
)

__all__ = ["AGENT", "DEFAULT_BASE_URL", "QuotaBudget", "YouTubeAPI", "redact_url"]


class QuotaBudget:
    """The quota units one run may spend, shared by every unit of the run."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self.exceeded = False
        """Set when YouTube answered ``quotaExceeded``: later units fail without a request."""

    def spend(self, units: int = 1) -> None:
        """Take ``units`` from the budget, or raise a ``quota`` error when it is spent."""
        if self.exceeded:
            raise SourceError(
                "YouTube quota exceeded earlier in this run; this channel was not synced",
                kind="quota",
                hint=QUOTA_HINT,
            )
        if self.used + units > self.limit:
            raise SourceError(
                f"stopped before exceeding the configured YouTube quota of {self.limit} units "
                f"({self.used} used in this run); the data already fetched for this channel "
                "is discarded, not saved",
                kind="quota",
                hint="raise daily_quota under [plugins.youtube] if your Google project allows it",
            )
        self.used += units


class YouTubeAPI:
    """A thin client over ``client`` for one run."""

    def __init__(
        self, client: httpx.AsyncClient, base_url: str, api_key: str, budget: QuotaBudget
    ) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")
        self._key = api_key
        self.budget = budget

    async def list(self, resource: str, params: dict[str, Any]) -> dict[str, Any]:
        """GET ``<base_url>/<resource>`` with ``params`` and the API key; return the JSON body."""
        self.budget.spend(1)
        url = f"{self.base_url}/{resource}"
        try:
            body, _ = await fetch_json(
                self.client,
                url,
                params={**params, "key": self._key},
                agent=AGENT,
                network="YouTube",
            )
        except HttpError as exc:
            if exc.status is None or exc.status < 400:  # connection failure, malformed JSON
                raise
            error = error_from_status(exc.status, exc.payload, used=self.budget.used)
            if error.kind == "quota":
                self.budget.exceeded = True
            raise error from None
        if not isinstance(body, dict):
            raise SourceError(
                f"YouTube answered {resource}.list with an unexpected JSON shape",
                kind="invalid_data",
            )
        return body


def _plain(message: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", message)).strip()


def error_from_status(status: int, payload: Any, *, used: int) -> SourceError:
    """Map an HTTP error answer of the Data API (status, decoded body) to a
    :class:`SourceError`."""
    reason = ""
    message = ""
    try:
        err = payload.get("error", {})
        message = _plain(str(err.get("message", "")))
        errors = err.get("errors") or []
        if errors and isinstance(errors[0], dict):
            reason = str(errors[0].get("reason", ""))
        for detail in err.get("details") or []:
            if isinstance(detail, dict) and detail.get("reason") == "API_KEY_INVALID":
                reason = "keyInvalid"
    except AttributeError:  # not JSON, or not Google's envelope
        pass
    said = f": {message}" if message else ""
    if reason in ("quotaExceeded", "dailyLimitExceeded"):
        return SourceError(
            f"YouTube quota exceeded ({status} {reason}) after {used} units in this run; "
            "the data already fetched for this channel is discarded, not saved",
            kind="quota",
            hint=QUOTA_HINT,
        )
    if reason == "keyInvalid" or "API key not valid" in message:
        return SourceError(
            f"YouTube rejected the API key ({status} keyInvalid)",
            kind="auth",
            hint="check YOUTUBE_API_KEY and api_key under [plugins.youtube]",
        )
    if reason in ("accessNotConfigured", "SERVICE_DISABLED") or status == 401:
        return SourceError(
            f"YouTube refused the API key ({status} {reason or 'unauthorized'}){said}",
            kind="auth",
            hint="enable the YouTube Data API v3 for the key's Google Cloud project",
        )
    if reason in ("rateLimitExceeded", "userRateLimitExceeded") or status == 429:
        return SourceError(
            f"YouTube rate limit reached ({status} {reason or 'too many requests'})",
            kind="rate_limited",
            hint="wait a minute and sync again",
        )
    if status == 404 or reason.endswith("NotFound"):
        return SourceError(
            f"YouTube says not found ({status} {reason or 'notFound'}){said}",
            kind="not_found",
            hint="check the channel handle or id in smm.toml",
        )
    if status == 403:
        return SourceError(
            f"YouTube refused the request ({status} {reason or 'forbidden'}){said}",
            kind="auth",
            hint="check the API key's restrictions (HTTP referrers, IPs, APIs)",
        )
    if status >= 500:
        return SourceError(
            f"YouTube is failing ({status}){said}",
            kind="network",
            hint="a temporary problem at Google; sync again later",
        )
    return SourceError(f"YouTube answered {status} {reason}{said}".rstrip(), kind="error")
