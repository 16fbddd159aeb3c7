"""GET with the shared client: base_url rebasing, the plugin's User-Agent, clear errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from smm_feeds import __version__
from smmcore.contracts import SourceError
from smmcore.http import BASE_USER_AGENT, raise_for_response, redact_url

AGENT = f"smm-feeds/{__version__}"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "text/html;q=0.5, */*;q=0.1"
)


def rebase(url: str, base_url: str | None) -> str:
    """``url`` with its scheme and host (and a path prefix) taken from ``base_url``."""
    if not base_url:
        return url
    target = urlsplit(url)
    base = urlsplit(base_url.rstrip("/"))
    return urlunsplit(
        (base.scheme, base.netloc, base.path + target.path, target.query, target.fragment)
    )


class Web:
    """GETs for one unit through ``client``."""

    def __init__(self, client: httpx.AsyncClient, base_url: str | None) -> None:
        self.client = client
        self.base_url = base_url
        self.requests = 0

    async def get(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        what: str,
        raise_status: bool = True,
    ) -> httpx.Response:
        """GET ``url``; transport failures and (unless ``raise_status`` is false) HTTP
        errors become :class:`SourceError` naming ``what``."""
        base = self.client.headers.get("User-Agent") or BASE_USER_AGENT
        merged = {"User-Agent": base if AGENT in base else f"{base} {AGENT}"}
        merged.update(headers or {})
        target = rebase(url, self.base_url)
        self.requests += 1
        try:
            response = await self.client.get(
                target, params=params, headers=merged, follow_redirects=True
            )
        except SourceError:
            raise
        except httpx.HTTPError as exc:
            raise SourceError(
                f"cannot reach {what} ({type(exc).__name__}) at {redact_url(target)}",
                kind="network",
                hint="check the URL in smm.toml and the connection",
            ) from None
        if raise_status and response.status_code >= 400:
            raise_for_response(response, network=what)
        return response
