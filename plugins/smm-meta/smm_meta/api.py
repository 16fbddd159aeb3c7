"""Calls to the Meta Graph API: the token in a header, cursor paging, Graph errors explained.

The token goes in an ``Authorization: Bearer`` header, never in a URL; pages are followed
with ``after=<paging.cursors.after>`` (Meta's ``paging.next`` URLs carry the token, so they
are not used). Throttling (``X-App-Usage`` / ``X-Business-Use-Case-Usage`` at 100%, error
codes 4, 17, 32, 613, 80001-80014) is handled by the shared HTTP layer, which waits or
defers the unit; what reaches here is turned into a :class:`SourceError` that says what to do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import httpx

from smm_meta import __version__
from smmcore.contracts import SourceError
from smmcore.http import HttpError, fetch_json, graph_error, parse_rate_limit

AGENT = f"smm-meta/{__version__}"

TOKEN_HELP = (
    "create a new token with the permissions listed in the user guide ('Meta token'), "
    "then set it in the META_ACCESS_TOKEN environment variable"
)

_TOKEN_SUBCODES = {
    458: "the app is no longer authorised by the user",
    459: "the user must log in to facebook.com to confirm the account",
    460: "the password changed since the token was issued",
    463: "the token has expired",
    464: "the user is not confirmed",
    467: "the token is invalid",
    492: "the user has no role on the Page any more",
}


class GraphError(SourceError):
    """A Graph API error with its code and subcode."""

    def __init__(
        self, message: str, *, kind: str, hint: str | None, code: int | None, sub: int | None
    ) -> None:
        super().__init__(message, kind=kind, hint=hint)
        self.code = code
        self.subcode = sub


def explain(exc: HttpError, what: str, permissions: str) -> GraphError:
    """Turn an HTTP failure of a Graph call into an error that says what to do.

    :param what: the object asked for (``"Instagram account 1784..."``).
    :param permissions: the permissions the call needs, for a permission error.
    """
    code, sub, message = graph_error(exc.payload)
    detail = f": {message}" if message else ""
    status = f"HTTP {exc.status}" if exc.status else "no answer"
    if exc.kind in ("rate_limited", "deferred", "network"):
        return GraphError(str(exc), kind=exc.kind, hint=None, code=code, sub=sub)
    if code == 190 or code == 102 or (code is None and exc.status == 401):
        why = _TOKEN_SUBCODES.get(sub or 0, "the token is invalid, expired or revoked")
        return GraphError(
            f"Meta refused the access token for {what} ({why}; Graph error {code}"
            f"{f'/{sub}' if sub else ''})",
            kind="auth",
            hint=TOKEN_HELP,
            code=code,
            sub=sub,
        )
    if code == 10 and message and "enough viewers" in message.lower():
        # "(#10) Not enough viewers for the media to show insights": no data, not a refusal
        return GraphError(
            f"Meta has no insights for {what} yet{detail}",
            kind="no_data",
            hint=None,
            code=code,
            sub=sub,
        )
    if code in (10, 3) or (code is not None and 200 <= code <= 299):
        return GraphError(
            f"Meta denied {what}: missing permission (Graph error {code}{detail})",
            kind="auth",
            hint=f"the token needs {permissions}; create a new token that grants them "
            "(user guide: 'Meta token')",
            code=code,
            sub=sub,
        )
    if (code == 100 and sub == 33) or code == 803 or exc.status == 404:
        return GraphError(
            f"{what} does not exist or this token cannot see it ({status}, Graph error "
            f"{code}{detail})",
            kind="not_found",
            hint='check the id in smm.toml (options = { id = "..." }) and that the token\'s '
            "user manages the Page or the Instagram account",
            code=code,
            sub=sub,
        )
    return GraphError(
        f"Meta answered {status} for {what} (Graph error {code}{detail})",
        kind="error" if exc.status and exc.status < 500 else "network",
        hint=None,
        code=code,
        sub=sub,
    )


class GraphAPI:
    """One account's calls through the run's shared client.

    :param log: where the first high-usage warning goes.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        version: str,
        token: str,
        log: Callable[[str], None],
    ) -> None:
        self.client = client
        self.root = f"{base_url.rstrip('/')}/{version}"
        self.headers = {"Authorization": f"Bearer {token}"}
        self.log = log
        self.warned_usage = False
        self.calls = 0

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """``GET /<version>/<path>``; raises :class:`HttpError` (explain it with
        :func:`explain`)."""
        data, response = await fetch_json(
            self.client,
            f"{self.root}/{path.lstrip('/')}",
            params=params,
            headers=self.headers,
            agent=AGENT,
            network="Meta",
        )
        self.calls += 1
        self._watch_usage(response)
        return data

    async def pages(
        self, path: str, params: Mapping[str, Any], *, limit: int | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """The ``data`` items of a paged edge, following ``paging.cursors.after`` while
        ``paging.next`` exists; at most ``limit`` items."""
        after: str | None = None
        given = 0
        while True:
            query = dict(params)
            if after:
                query["after"] = after
            body = await self.get(path, query)
            items = body.get("data") if isinstance(body, Mapping) else None
            for item in items or []:
                if isinstance(item, Mapping):
                    yield dict(item)
                    given += 1
                    if limit is not None and given >= limit:
                        return
            paging = body.get("paging") if isinstance(body, Mapping) else None
            if not isinstance(paging, Mapping) or not paging.get("next"):
                return
            cursors = paging.get("cursors")
            nxt = cursors.get("after") if isinstance(cursors, Mapping) else None
            if not nxt or nxt == after or not items:
                return
            after = str(nxt)

    def _watch_usage(self, response: httpx.Response) -> None:
        usage = parse_rate_limit(response.headers).usage
        if usage is not None and usage >= 80 and not self.warned_usage:
            self.warned_usage = True
            self.log(
                f"Meta usage headers: {usage:.0f}% of the app's call budget used; at 100% "
                "Meta throttles and the sync waits or defers the account"
            )
