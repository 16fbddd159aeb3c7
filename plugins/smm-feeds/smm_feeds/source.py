"""The blog source: RSS/Atom feeds and WordPress sites.

A channel's ``url`` is the feed or the site; ``options.kind`` says which reader to use:
``"rss"`` (also Atom), ``"wordpress"`` or ``"auto"`` (the default for network ``blog``;
network ``rss`` means a feed and network ``wordpress`` the REST API). Auto-detection reads
the URL once: a feed is parsed as is; an HTML page is searched for the WordPress API link
(preferred: whole history, post count, comment counts) or a feed link. What was found is kept
in the sync cursor, so later syncs go straight to it.

Feeds are fetched with ``If-None-Match`` / ``If-Modified-Since`` from the cursor; a ``304``
means nothing changed and nothing is written. A changed feed yields all its entries again
(one request): entries newer than the cursor become Posts, and every entry with a
``slash:comments`` count gets a fresh PostMetrics snapshot.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from smm_feeds.detect import discover, looks_like_feed
from smm_feeds.feed import entry_metrics, entry_post, feed_account, feed_language, parse_feed
from smm_feeds.net import AGENT, FEED_ACCEPT, Web
from smm_feeds.settings import FeedsSettings
from smm_feeds.wordpress import Api, WordPressSite, cursor_floor, post_of
from smmcore.contracts import Source, SourceContext, SourceError, SyncCursor, SyncUnit
from smmcore.models import AccountSnapshot, PostMetrics
from smmcore.payloads import parse_time
from smmcore.redact import redact_url

if TYPE_CHECKING:
    import httpx

    from smmcore.config import ChannelConfig

KINDS = {"rss": "feed", "atom": "feed", "feed": "feed", "wordpress": "wordpress", "auto": "auto"}


def _http(ctx: SourceContext) -> AbstractAsyncContextManager[httpx.AsyncClient]:
    from smmcore.http import shared_client

    return shared_client(ctx, user_agent_extra=AGENT)


class FeedsSource(Source):
    """Blogs through RSS/Atom or the WordPress REST API; see the module docstring."""

    def __init__(self, settings: FeedsSettings | None = None, *, name: str = "feeds") -> None:
        super().__init__(settings or FeedsSettings(), name=name or "feeds")
        self.settings: FeedsSettings

    def plan(self, channels: Sequence[ChannelConfig]) -> list[SyncUnit]:
        """One unit per channel; the channel's ``url`` travels in the unit's options."""
        units = []
        for ch in channels:
            options = dict(ch.options)
            if ch.url:
                options.setdefault("url", ch.url)
            units.append(
                SyncUnit(
                    source=self.name,
                    key=f"{self.name}:{ch.network}:{ch.account}",
                    network=ch.network,
                    account=ch.account,
                    options=options,
                )
            )
        return units

    def _kind(self, unit: SyncUnit) -> str:
        raw = str(unit.options.get("kind") or "").strip().lower()
        if not raw:
            raw = {"rss": "rss", "wordpress": "wordpress"}.get(unit.network, "auto")
        if raw not in KINDS:
            raise SourceError(
                f"unknown blog kind {raw!r} for {unit.account}",
                kind="config",
                hint='options.kind is "rss", "wordpress" or "auto"',
            )
        return KINDS[raw]

    async def fetch(self, unit: SyncUnit, ctx: SourceContext) -> AsyncIterator[Any]:
        """Yield the blog, its posts (and comment counts), then the cursor."""
        url = str(unit.options.get("url") or unit.account or "").strip()
        if not url.startswith(("http://", "https://")):
            raise SourceError(
                f"the blog channel {unit.account!r} has no http(s) URL",
                kind="config",
                hint='add url = "https://..." (the feed or the site) to the channel in smm.toml',
            )
        kind = self._kind(unit)
        cursor = None if ctx.full else ctx.cursor
        if cursor and cursor.get("url") not in (url, redact_url(url)):
            cursor = None  # the channel now points elsewhere: start over
        async with _http(ctx) as client:
            web = Web(client, self.settings.base_url)
            first: httpx.Response | None = None
            endpoint = url
            if kind == "auto" and cursor and cursor.get("kind") in ("feed", "wordpress"):
                kind, endpoint = cursor["kind"], str(cursor.get("endpoint") or url)
            elif kind == "auto":
                first = await web.get(url, headers={"Accept": FEED_ACCEPT}, what=url)
                if looks_like_feed(first):
                    kind = "feed"
                else:
                    found = discover(first)
                    if found is None:
                        raise SourceError(
                            f"found neither an RSS/Atom feed nor a WordPress API at {url}",
                            kind="invalid_data",
                            hint='set url to the feed and options.kind = "rss", or '
                            'options.kind = "wordpress"',
                        )
                    kind, endpoint, first = found.kind, found.endpoint, None
                    ctx.log(f"feeds: {url} -> {kind} at {endpoint}")
            if kind == "feed":
                items = self._feed(web, unit, url, endpoint, first, cursor, ctx)
            else:
                items = self._wordpress(web, unit, url, endpoint, cursor, ctx)
            async for item in items:
                yield item

    async def _feed(
        self,
        web: Web,
        unit: SyncUnit,
        url: str,
        endpoint: str,
        response: httpx.Response | None,
        cursor: Mapping[str, Any] | None,
        ctx: SourceContext,
    ) -> AsyncIterator[Any]:
        network, account = unit.network, unit.account or url
        previous = cursor if cursor and cursor.get("endpoint") == endpoint else None
        if response is None:
            headers = {"Accept": FEED_ACCEPT}
            if previous and previous.get("etag"):
                headers["If-None-Match"] = str(previous["etag"])
            if previous and previous.get("last_modified"):
                headers["If-Modified-Since"] = str(previous["last_modified"])
            response = await web.get(endpoint, headers=headers, what=endpoint)
        if response.status_code == 304 and previous:
            ctx.log(f"feeds: {endpoint} not modified")
            yield SyncCursor(dict(previous))
            return
        parsed = parse_feed(
            response.content,
            url=str(response.url),
            content_type=response.headers.get("content-type"),
            log=ctx.log,
        )
        now = ctx.now or datetime.now(UTC)
        language = feed_language(parsed)
        yield feed_account(network, account, parsed)
        newest: datetime | None = None
        seen_before = parse_time(previous.get("newest")) if previous else None
        count = skipped = 0
        for entry in parsed.get("entries") or []:
            post = entry_post(network, account, entry, language)
            if post is None:
                skipped += 1
                continue
            if ctx.since is not None and post.created_at < ctx.since:
                continue
            if seen_before is None or post.created_at > seen_before:
                yield post  # entries synced before only get a fresh comment count
            metrics = entry_metrics(network, account, entry, post.post_id, now)
            if metrics is not None:
                yield metrics
            count += 1
            newest = post.created_at if newest is None else max(newest, post.created_at)
        if seen_before is not None and (newest is None or seen_before > newest):
            newest = seen_before
        note = f", {skipped} without a date skipped" if skipped else ""
        ctx.log(f"feeds: {endpoint}: {count} entries{note}")
        value: dict[str, Any] = {"url": redact_url(url), "kind": "feed"}
        value.update(_endpoint(endpoint))
        if response.headers.get("etag"):
            value["etag"] = response.headers["etag"]
        if response.headers.get("last-modified"):
            value["last_modified"] = response.headers["last-modified"]
        if newest is not None:
            value["newest"] = newest.isoformat()
        yield SyncCursor(value)

    async def _wordpress(
        self,
        web: Web,
        unit: SyncUnit,
        url: str,
        endpoint: str,
        cursor: Mapping[str, Any] | None,
        ctx: SourceContext,
    ) -> AsyncIterator[Any]:
        network, account = unit.network, unit.account or url
        if cursor and cursor.get("kind") == "wordpress" and cursor.get("endpoint"):
            api = Api(str(cursor["endpoint"]), bool(cursor.get("rest_route")))
        elif endpoint != url:
            api = Api.from_root(endpoint)
        else:
            api = Api.for_site(url)
        site = WordPressSite(web, api, url, ctx.log)
        now = ctx.now or datetime.now(UTC)
        yield await site.account(network, account)
        floor = cursor_floor(dict(cursor) if cursor else None, self.settings.refresh_days)
        budget = self.settings.comment_counts
        newest: tuple[datetime, str] | None = None
        seen_before = parse_time(cursor.get("newest_date_gmt")) if cursor else None
        if cursor and seen_before is not None:
            newest = (seen_before, str(cursor.get("newest_id")))
        count = 0
        async for items in site.posts(
            floor=floor, since=ctx.since, max_posts=self.settings.max_posts
        ):
            posts = [p for p in (post_of(network, account, i) for i in items) if p is not None]
            counted = [p.post_id for p in posts[:budget]]
            budget -= len(counted)
            replies = await site.comment_counts(counted) if counted else {}
            for post in posts:
                if seen_before is None or post.created_at > seen_before:
                    yield post  # posts synced before only get a fresh comment count
                if replies.get(post.post_id) is not None:
                    yield PostMetrics(
                        network=network,
                        account=account,
                        post_id=post.post_id,
                        captured_at=now,
                        replies=replies[post.post_id],
                    )
                count += 1
                if newest is None or post.created_at > newest[0]:
                    newest = (post.created_at, post.post_id)
        if site.total_posts is not None:
            yield AccountSnapshot(
                network=network, account=account, captured_at=now, posts_count=site.total_posts
            )
        ctx.log(f"feeds: {url}: {count} WordPress posts ({web.requests} requests)")
        value: dict[str, Any] = {
            "url": redact_url(url),
            "kind": "wordpress",
            "rest_route": site.api.rest_route,
            **_endpoint(site.api.root),
        }
        if newest is not None:
            value["newest_date_gmt"] = newest[0].isoformat()
            value["newest_id"] = newest[1]
        yield SyncCursor(value)


def _endpoint(endpoint: str) -> dict[str, str]:
    """The endpoint for the cursor, unless it carries a credential: the store never holds
    one (the next sync then finds the endpoint from the channel's url again)."""
    return {} if redact_url(endpoint) != endpoint else {"endpoint": endpoint}
