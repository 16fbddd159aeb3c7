"""The Reddit source: a user (``u/name``) or a subreddit (``r/name``).

Per unit: ``/user/<name>/about`` or ``/r/<name>/about`` -> Account + AccountSnapshot, then
``/user/<name>/submitted?sort=new`` or ``/r/<name>/new``, 100 per page through ``after``,
-> Post + PostMetrics. Paging stops at the sync cursor (the newest submission of the last
sync, minus ``refresh_days``: submissions already synced within that window get a fresh
PostMetrics snapshot but no Post again), at ``--since``, at
``max_items`` (Reddit's listings end near 1000 anyway) or at the end of the listing.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from smm_reddit import __version__
from smm_reddit.api import RedditAPI
from smm_reddit.mapping import (
    submission_metrics,
    submission_post,
    subreddit_account,
    subreddit_snapshot,
    user_account,
    user_snapshot,
)
from smm_reddit.settings import RedditSettings
from smmcore.contracts import Source, SourceContext, SourceError, SyncCursor, SyncUnit

if TYPE_CHECKING:
    import httpx

_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{2,21}$")
PAGE_SIZE = 100


def parse_target(account: str) -> tuple[str, str]:
    """``("user" | "subreddit", name)`` from ``u/name``, ``r/name``, ``/user/name`` or a
    reddit.com URL."""
    value = account.strip()
    if value.startswith(("http://", "https://")):
        value = urlparse(value).path
    parts = [p for p in value.strip("/").split("/") if p]
    if len(parts) >= 2 and parts[0].lower() in ("u", "user"):
        kind, name = "user", parts[1]
    elif len(parts) >= 2 and parts[0].lower() == "r":
        kind, name = "subreddit", parts[1]
    else:
        raise SourceError(
            f"cannot tell whether the Reddit channel {account!r} is a user or a subreddit",
            kind="config",
            hint="write handle = 'u/name' for a user or 'r/name' for a subreddit",
        )
    if not _NAME_RE.match(name):
        raise SourceError(f"{name!r} is not a valid Reddit name", kind="config")
    return kind, name


def _http(ctx: SourceContext) -> AbstractAsyncContextManager[httpx.AsyncClient]:
    from smmcore.http import shared_client

    return shared_client(ctx, user_agent_extra=f"smm-reddit/{__version__}")


class RedditSource(Source):
    """Reddit users and subreddits; see the module docstring for the requests made."""

    def __init__(self, settings: RedditSettings | None = None, *, name: str = "reddit") -> None:
        super().__init__(settings or RedditSettings(), name=name or "reddit")
        self.settings: RedditSettings
        self.api = RedditAPI(self.settings)

    async def fetch(self, unit: SyncUnit, ctx: SourceContext) -> AsyncIterator[Any]:
        """Yield the profile, its snapshot, new submissions with scores, then the cursor."""
        kind, name = parse_target(unit.account or "")
        network, account = unit.network, unit.account or ""
        now = ctx.now or datetime.now(UTC)
        what = f"u/{name}" if kind == "user" else f"r/{name}"
        async with _http(ctx) as client:
            about_path = f"/user/{name}/about" if kind == "user" else f"/r/{name}/about"
            about = await self.api.get(client, about_path, {"raw_json": 1}, what=what)
            data = about.get("data") if isinstance(about, dict) else None
            expected = "t2" if kind == "user" else "t5"
            if not isinstance(data, dict) or about.get("kind") != expected:
                # a missing subreddit redirects to the search page: a Listing, not a t5
                raise SourceError(
                    f"{what} not found on Reddit",
                    kind="not_found",
                    hint="check the name in smm.toml (u/name for a user, r/name for a subreddit)",
                )
            if kind == "user":
                if data.get("is_suspended"):
                    raise SourceError(
                        f"{what} is suspended by Reddit",
                        kind="suspended",
                        hint="its profile and submissions are not available",
                    )
                yield user_account(network, account, data)
                yield user_snapshot(network, account, data, now)
                if data.get("total_karma") is not None:
                    ctx.log(f"reddit {what}: total karma {data.get('total_karma')}")
            else:
                yield subreddit_account(network, account, data)
                yield subreddit_snapshot(network, account, data, now)

            cursor = None if ctx.full else ctx.cursor
            newest = _cursor_newest(cursor)
            listing = f"/user/{name}/submitted" if kind == "user" else f"/r/{name}/new"
            emitted = 0
            seen_before = newest[0] if newest else None
            async for thing in self._submissions(client, listing, cursor, ctx, what):
                post = submission_post(network, account, thing)
                if post is None:
                    continue
                if seen_before is None or float(thing["created_utc"]) > seen_before:
                    yield post  # a refreshed older submission only gets new metrics
                    emitted += 1
                yield submission_metrics(network, account, thing, now)
                created = float(thing["created_utc"])
                if newest is None or created > newest[0]:
                    newest = (created, str(thing.get("name") or f"t3_{post.post_id}"))
        ctx.log(f"reddit {what}: {emitted} submissions")
        value: dict[str, Any] = {}
        if newest is not None:
            value = {"newest_created_utc": newest[0], "newest_fullname": newest[1]}
        yield SyncCursor(value)

    async def _submissions(
        self,
        client: httpx.AsyncClient,
        path: str,
        cursor: Mapping[str, Any] | None,
        ctx: SourceContext,
        what: str,
    ) -> AsyncIterator[dict[str, Any]]:
        newest = _cursor_newest(cursor)
        floor = None if newest is None else newest[0] - self.settings.refresh_days * 86400
        since = ctx.since.timestamp() if ctx.since is not None else None
        after: str | None = None
        seen = 0
        while True:
            params: dict[str, Any] = {"limit": PAGE_SIZE, "raw_json": 1}
            if path.endswith("/submitted"):
                params["sort"] = "new"
            if after:
                params["after"] = after
                params["count"] = seen
            page = await self.api.get(client, path, params, what=what)
            data = page.get("data") if isinstance(page, dict) else None
            if not isinstance(data, dict) or page.get("kind") != "Listing":
                raise SourceError(
                    f"Reddit sent an unexpected answer for the submissions of {what}",
                    kind="invalid_data",
                )
            reached_old = False
            for child in data.get("children") or []:
                thing = child.get("data") if isinstance(child, dict) else None
                if child.get("kind") != "t3" or not isinstance(thing, dict):
                    continue
                created = thing.get("created_utc")
                if not isinstance(created, int | float):
                    continue
                if (floor is not None and created <= floor) or (
                    since is not None and created < since
                ):
                    reached_old = True  # sorted newest first: the rest is older
                    continue
                if seen >= self.settings.max_items:
                    reached_old = True
                    break
                seen += 1
                yield thing
            after = data.get("after")
            if reached_old or not after:
                return


def _cursor_newest(cursor: Mapping[str, Any] | None) -> tuple[float, str] | None:
    if not cursor:
        return None
    when = cursor.get("newest_created_utc")
    if isinstance(when, bool) or not isinstance(when, int | float):
        return None
    return float(when), str(cursor.get("newest_fullname") or "")
