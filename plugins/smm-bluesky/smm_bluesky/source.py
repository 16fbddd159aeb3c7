"""Bluesky source through the AppView's XRPC queries (no authentication needed):

- ``app.bsky.actor.getProfile`` -> Account and AccountSnapshot;
- ``app.bsky.feed.getAuthorFeed`` paged with ``cursor`` -> posts; an item whose ``reason`` is
  ``app.bsky.feed.defs#reasonRepost`` is stored as ``kind="repost"`` under the reposting
  account, without metrics (the counters belong to the original author);
- ``app.bsky.graph.getFollowers`` -> audience (capped);
- ``app.bsky.feed.getLikes`` and ``app.bsky.feed.getRepostedBy`` for the most recent own posts,
  read again only when a post's counters changed;
- ``app.bsky.feed.getPostThread?uri=...&depth=1&parentHeight=0`` for the same posts, read again
  only when a post's ``replyCount`` changed: each direct reply by another author is a
  ``reply`` interaction (``notFoundPost`` and ``blockedPost`` entries are skipped).

A missing counter is ``None``, never ``0``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pydantic import Field

from smm_bluesky import __version__
from smmcore.contracts import Source, SourceContext, SourceError, SyncCursor, SyncUnit
from smmcore.http import HttpError, HttpSourceSettings, fetch_json, open_client
from smmcore.models import (
    Account,
    AccountSnapshot,
    AudienceMember,
    Interaction,
    Post,
    PostMetrics,
)
from smmcore.payloads import count, parse_time
from smmcore.sourcekit import (
    counter_changed,
    plan_thread_reads,
    read_threads,
    remembered,
    settle_thread_counts,
)

NETWORK = "bluesky"
AGENT = f"smm-bluesky/{__version__}"
DEFAULT_BASE_URL = "https://public.api.bsky.app"
REPOST = "app.bsky.feed.defs#reasonRepost"
QUOTE_EMBEDS = ("app.bsky.embed.record", "app.bsky.embed.recordWithMedia")
THREAD_POST = "app.bsky.feed.defs#threadViewPost"


class BlueskySettings(HttpSourceSettings):
    """``[plugins.bluesky]`` in ``smm.toml``.

    :param base_url: the AppView (default ``https://public.api.bsky.app``).
    :param page_size: feed items per request (1-100).
    :param max_posts: stop a full sync after this many feed items (``None``: all).
    :param feed_filter: ``posts_with_replies`` (default), ``posts_no_replies``,
        ``posts_with_media`` or ``posts_and_author_threads``.
    :param refresh_days: an incremental sync reads back this many days of posts, so the
        metrics of recent posts get a new snapshot.
    :param followers_limit: followers to read per sync (0 turns the audience off).
    :param audience_refresh_days: read followers again only after this many days.
    :param interactions_posts: the most recent own posts whose likes and reposts are read.
    :param interactions_per_post: accounts to read per post and kind.
    :param replies_posts: at most this many of those posts get their thread read per sync,
        newest first; the others wait for the next sync (0 turns replies off).
    """

    page_size: int = Field(100, ge=1, le=100)
    max_posts: int | None = Field(None, ge=1)
    feed_filter: str = "posts_with_replies"
    refresh_days: float = Field(7.0, ge=0)
    followers_limit: int = Field(200, ge=0)
    audience_refresh_days: float = Field(7.0, ge=0)
    interactions_posts: int = Field(20, ge=0)
    interactions_per_post: int = Field(200, ge=0)
    replies_posts: int = Field(20, ge=0)


def post_url(handle: str | None, uri: str) -> str | None:
    """``at://did/app.bsky.feed.post/rkey`` -> the bsky.app web address."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != "app.bsky.feed.post":
        return None
    return f"https://bsky.app/profile/{handle or parts[0]}/post/{parts[2]}"


def member_name(profile: Mapping[str, Any]) -> str | None:
    """The handle of a profile view, or its DID when the handle does not resolve."""
    handle = profile.get("handle")
    if isinstance(handle, str) and handle and handle != "handle.invalid":
        return handle
    did = profile.get("did")
    return did if isinstance(did, str) and did else None


class BlueskySource(Source):
    """Syncs Bluesky accounts; one unit per channel (``handle = "name.bsky.social"``)."""

    settings: BlueskySettings

    def __init__(self, settings: BlueskySettings | None = None, *, name: str = "bluesky"):
        super().__init__(settings or BlueskySettings(), name=name)

    def _base(self, unit: SyncUnit) -> str:
        option = unit.options.get("base_url") if unit.options else None
        return str(option or self.settings.base_url or DEFAULT_BASE_URL).rstrip("/")

    async def _xrpc(
        self, http: httpx.AsyncClient, base: str, method: str, params: Mapping[str, Any]
    ) -> Any:
        data, _ = await fetch_json(
            http, f"{base}/xrpc/{method}", params=params, agent=AGENT, network="Bluesky"
        )
        if not isinstance(data, Mapping):
            raise SourceError(f"Bluesky answered {method} with no object", kind="invalid_data")
        return data

    @staticmethod
    def _unit_error(exc: HttpError, account: str) -> SourceError:
        code = exc.error_code or ""
        message = str(exc.args[0]) if exc.args else str(exc)
        low = message.lower()
        if code == "AccountTakedown":
            return SourceError(f"Bluesky account {account} was taken down", kind="suspended")
        if code == "AccountDeactivated":
            return SourceError(
                f"Bluesky account {account} is deactivated by its owner", kind="suspended"
            )
        if code in ("BlockedActor", "BlockedByActor"):
            return SourceError(f"Bluesky account {account} blocks this viewer", kind="blocked")
        if exc.status == 404 or (
            code in ("InvalidRequest", "NotFound")
            and ("not found" in low or "could not find" in low or "unable to resolve" in low)
        ):
            return SourceError(
                f"Bluesky account {account} not found ({message})",
                kind="not_found",
                hint="check the handle (name.bsky.social or a custom domain)",
            )
        if exc.status == 401:
            return SourceError(
                f"Bluesky refuses anonymous access ({message})",
                kind="auth",
                hint="point base_url at the public AppView https://public.api.bsky.app",
            )
        return exc

    # ------------------------------------------------------------------ fetch

    async def fetch(self, unit: SyncUnit, ctx: SourceContext) -> AsyncIterator[Any]:
        """Yield Account, AccountSnapshot, Post, PostMetrics, AudienceMember and Interaction
        records for one account, then the cursor."""
        if ctx.http is None:  # called outside the pipeline: use a client of our own
            async with open_client(user_agent_extra=AGENT) as http:
                async for item in self.fetch(unit, replace(ctx, http=http)):
                    yield item
            return
        http = ctx.http
        s = self.settings
        account = (unit.account or "").lstrip("@")
        base = self._base(unit)
        now = ctx.now or datetime.now(UTC)
        cursor = dict(ctx.cursor or {}) if not ctx.full else {}
        newest_seen = parse_time(cursor.get("newest"))
        cutoff_refresh = now - timedelta(days=s.refresh_days)

        try:
            profile = await self._xrpc(http, base, "app.bsky.actor.getProfile", {"actor": account})
        except HttpError as exc:
            raise self._unit_error(exc, account) from None
        did = profile.get("did") or account
        yield Account(
            network=NETWORK,
            account=account,
            display_name=profile.get("displayName") or None,
            url=f"https://bsky.app/profile/{profile.get('handle') or account}",
            bio=profile.get("description") or None,
            created_at=parse_time(profile.get("createdAt")),
        )
        yield AccountSnapshot(
            network=NETWORK,
            account=account,
            captured_at=now,
            followers=count(profile, "followersCount"),
            following=count(profile, "followsCount"),
            posts_count=count(profile, "postsCount"),
        )

        # ---------------------------------------------------------- the author feed
        newest = newest_seen
        recent: list[Mapping[str, Any]] = []
        seen = 0
        feed_cursor: str | None = None
        done = False
        try:
            while not done:
                params = {"actor": did, "limit": s.page_size, "filter": s.feed_filter}
                if feed_cursor:
                    params["cursor"] = feed_cursor
                page = await self._xrpc(http, base, "app.bsky.feed.getAuthorFeed", params)
                items = page.get("feed")
                if not isinstance(items, list):
                    raise SourceError(
                        f"Bluesky sent a feed of {account} without a 'feed' list",
                        kind="invalid_data",
                    )
                for item in items:
                    record = self._item(item, account, did, now)
                    if record is None:
                        continue
                    post, metrics, sort_at, raw = record
                    if ctx.since is not None and sort_at < ctx.since:
                        done = True
                        break
                    if (
                        newest_seen is not None
                        and sort_at <= newest_seen
                        and sort_at < cutoff_refresh
                    ):
                        done = True
                        break
                    if newest is None or sort_at > newest:
                        newest = sort_at
                    if newest_seen is None or sort_at > newest_seen:
                        yield post  # a known post only gets a new metrics snapshot
                    if metrics is not None:
                        yield metrics
                        if len(recent) < s.interactions_posts:
                            recent.append(raw)
                    seen += 1
                    if s.max_posts is not None and seen >= s.max_posts and newest_seen is None:
                        done = True
                        break
                feed_cursor = page.get("cursor") or None
                if not items or not feed_cursor:
                    break
        except HttpError as exc:
            raise self._unit_error(exc, account) from None

        # ---------------------------------------------------------- audience
        followers: set[str] | None = None
        audience_at = parse_time(cursor.get("audience_at"))
        due = audience_at is None or now - audience_at >= timedelta(days=s.audience_refresh_days)
        new_audience_at = cursor.get("audience_at")
        if s.followers_limit > 0 and due:
            followers = set()
            complete = True
            async for view in self._list(
                http,
                base,
                "app.bsky.graph.getFollowers",
                {"actor": did},
                "followers",
                s.followers_limit + 1,
            ):
                name = member_name(view)
                if name is None:
                    continue
                if len(followers) >= s.followers_limit:
                    complete = False
                    break
                followers.add(name)
                yield self._member(view, account, name, True)
            if not complete:
                followers = None
            new_audience_at = now.isoformat()

        # ---------------------------------------------------------- interactions
        old_counts: Mapping[str, Any] = cursor.get("counts") or {}
        new_counts: dict[str, list[int | None]] = {}
        emitted: set[str] = set()  # members yielded by the interactions below
        if recent:
            async for item in self._interactions(
                http, base, account, recent, old_counts, new_counts, followers, emitted
            ):
                yield item
            if s.replies_posts > 0:
                async for item in self._replies(
                    http,
                    (base, account, did),
                    recent,
                    old_counts,
                    new_counts,
                    followers,
                    emitted,
                    ctx.log,
                ):
                    yield item
        for uri, pair in old_counts.items():
            if uri not in new_counts and len(new_counts) < max(s.interactions_posts, 1) * 2:
                new_counts[uri] = pair
        yield SyncCursor(
            {
                "did": did,
                "newest": newest.isoformat() if newest else None,
                "audience_at": new_audience_at,
                "counts": new_counts,
            }
        )

    # ------------------------------------------------------------------ records

    @staticmethod
    def _item(
        item: Any, account: str, did: str, now: datetime
    ) -> tuple[Post, PostMetrics | None, datetime, Mapping[str, Any]] | None:
        """A feed item -> (post, metrics or None, its time in the feed, the post view)."""
        if not isinstance(item, Mapping):
            return None
        view = item.get("post")
        if not isinstance(view, Mapping) or not isinstance(view.get("uri"), str):
            return None
        record = view.get("record") if isinstance(view.get("record"), Mapping) else {}
        author = view.get("author") if isinstance(view.get("author"), Mapping) else {}
        langs = record.get("langs")
        language = langs[0] if isinstance(langs, list) and langs else None
        created = parse_time(record.get("createdAt")) or parse_time(view.get("indexedAt"))
        uri = view["uri"]
        reason = item.get("reason") if isinstance(item.get("reason"), Mapping) else None
        if reason is not None and reason.get("$type") == REPOST:
            at = parse_time(reason.get("indexedAt")) or created
            if at is None:
                return None
            repost_id = reason.get("uri") if isinstance(reason.get("uri"), str) else None
            post = Post(
                network=NETWORK,
                account=account,
                post_id=repost_id or f"repost:{uri}",
                created_at=at,
                kind="repost",
                text=record.get("text"),
                url=post_url(author.get("handle"), uri),
                language=language,
            )
            return post, None, at, view
        if reason is not None or author.get("did") not in (did, None) or created is None:
            return None  # a pin or someone else's post in a thread view
        if record.get("reply"):
            kind = "reply"
        elif isinstance(record.get("embed"), Mapping) and record["embed"].get("$type") in (
            QUOTE_EMBEDS
        ):
            kind = "quote"
        else:
            kind = "post"
        post = Post(
            network=NETWORK,
            account=account,
            post_id=uri,
            created_at=created,
            kind=kind,
            text=record.get("text"),
            url=post_url(author.get("handle") or account, uri),
            language=language,
        )
        metrics = PostMetrics(
            network=NETWORK,
            account=account,
            post_id=uri,
            captured_at=now,
            likes=count(view, "likeCount"),
            reposts=count(view, "repostCount"),
            replies=count(view, "replyCount"),
            quotes=count(view, "quoteCount"),
        )
        sort_at = parse_time(view.get("indexedAt")) or created
        return post, metrics, max(sort_at, created), view

    @staticmethod
    def _member(
        view: Mapping[str, Any], account: str, name: str, is_follower: bool | None
    ) -> AudienceMember:
        return AudienceMember(
            network=NETWORK,
            account=account,
            member=name,
            display_name=view.get("displayName") or None,
            bio=view.get("description") or None,
            followers=count(view, "followersCount"),
            following=count(view, "followsCount"),
            is_follower=is_follower,
        )

    async def _list(
        self,
        http: httpx.AsyncClient,
        base: str,
        method: str,
        params: Mapping[str, Any],
        key: str,
        cap: int,
    ) -> AsyncIterator[Mapping[str, Any]]:
        """Every element of a cursor-paged list, at most ``cap``."""
        seen = 0
        page_cursor: str | None = None
        while seen < cap:
            query = {**params, "limit": 100}
            if page_cursor:
                query["cursor"] = page_cursor
            page = await self._xrpc(http, base, method, query)
            items = page.get(key)
            if not isinstance(items, list) or not items:
                return
            for element in items:
                if isinstance(element, Mapping):
                    yield element
                    seen += 1
                    if seen >= cap:
                        return
            page_cursor = page.get("cursor") or None
            if not page_cursor:
                return

    async def _interactions(
        self,
        http: httpx.AsyncClient,
        base: str,
        account: str,
        views: list[Mapping[str, Any]],
        old_counts: Mapping[str, Any],
        new_counts: dict[str, list[int | None]],
        followers: set[str] | None,
        emitted: set[str],
    ) -> AsyncIterator[Any]:
        """Who liked and reposted each recent post (when its counters changed)."""
        jobs: list[tuple[str, str, str, str]] = []
        for view in views:
            uri = view["uri"]
            likes, reposts = count(view, "likeCount"), count(view, "repostCount")
            before = remembered(old_counts, uri)
            new_counts[uri] = [likes, reposts, before[2]]  # _replies sets the third
            if counter_changed(likes, before[0]):
                jobs.append((uri, "app.bsky.feed.getLikes", "likes", "like"))
            if counter_changed(reposts, before[1]):
                jobs.append((uri, "app.bsky.feed.getRepostedBy", "repostedBy", "repost"))
        limit = asyncio.Semaphore(4)
        cap = self.settings.interactions_per_post

        async def read(uri: str, method: str, key: str) -> list[Mapping[str, Any]]:
            async with limit:
                try:
                    return [e async for e in self._list(http, base, method, {"uri": uri}, key, cap)]
                except HttpError as exc:
                    if exc.status in (400, 404):
                        return []  # the post was deleted meanwhile
                    raise

        results = await asyncio.gather(*(read(u, m, k) for u, m, k, _ in jobs))
        for (uri, _, _, kind), elements in zip(jobs, results, strict=True):
            for element in elements:
                view = element.get("actor") if kind == "like" else element
                if not isinstance(view, Mapping):
                    continue
                name = member_name(view)
                if name is None:
                    continue
                when = parse_time(element.get("createdAt")) if kind == "like" else None
                yield Interaction(
                    network=NETWORK,
                    account=account,
                    member=name,
                    kind=kind,  # type: ignore[arg-type]
                    post_id=uri,
                    occurred_at=when,
                )
                if followers is not None and name not in followers and name not in emitted:
                    emitted.add(name)
                    yield self._member(view, account, name, False)

    async def _replies(
        self,
        http: httpx.AsyncClient,
        where: tuple[str, str, str],
        views: list[Mapping[str, Any]],
        old_counts: Mapping[str, Any],
        new_counts: dict[str, list[int | None]],
        followers: set[str] | None,
        emitted: set[str],
        log: Callable[[str], None],
    ) -> AsyncIterator[Any]:
        """Direct replies to each recent post whose ``replyCount`` changed since the last sync,
        from ``app.bsky.feed.getPostThread`` (``depth=1``); at most ``replies_posts`` a sync.

        A reply by another author is an interaction on the post, keyed by the reply's URI; the
        account's own replies, ``notFoundPost`` and ``blockedPost`` entries are skipped. A
        thread that cannot be read is logged and skipped: a transient failure (5xx, network,
        rate limit) keeps the old counter so the next sync asks again; a permanent one (the
        post deleted, an unknown method, an answer without a thread) records the new one.
        """
        base, account, did = where
        jobs = plan_thread_reads(
            ((view["uri"], count(view, "replyCount")) for view in views),
            old_counts,
            new_counts,
            self.settings.replies_posts,
        )
        if not jobs:
            return

        async def read(uri: str) -> list[Any]:
            params = {"uri": uri, "depth": 1, "parentHeight": 0}
            data = await self._xrpc(http, base, "app.bsky.feed.getPostThread", params)
            thread = data.get("thread")
            if not isinstance(thread, Mapping):
                raise SourceError("the answer has no thread", kind="invalid_data")
            replies = thread.get("replies")
            return list(replies) if isinstance(replies, list) else []

        results, failures = await read_threads(jobs, read)
        if failures:
            log(
                f"bluesky {account}: the replies of {len(failures)} post(s) were not read "
                f"(e.g. {failures[0]})"
            )
        by_uri = {view["uri"]: view for view in views}
        seen: set[str] = set()
        for uri, replies in zip(jobs, results, strict=True):
            now = count(by_uri[uri], "replyCount")
            settle_thread_counts(uri, replies, now, old_counts, new_counts)
            if replies is None:
                continue
            for node in replies:
                if not isinstance(node, Mapping) or node.get("$type", THREAD_POST) != THREAD_POST:
                    continue  # notFoundPost, blockedPost or an unknown kind of entry
                post = node.get("post")
                if not isinstance(post, Mapping) or not isinstance(post.get("uri"), str):
                    continue
                author = post.get("author")
                if not isinstance(author, Mapping) or author.get("did") in (did, None):
                    continue  # the account's own reply (or no author to name)
                name = member_name(author)
                if name is None or name == account or post["uri"] in seen:
                    continue
                seen.add(post["uri"])
                record = post.get("record") if isinstance(post.get("record"), Mapping) else {}
                yield Interaction(
                    network=NETWORK,
                    account=account,
                    member=name,
                    kind="reply",
                    post_id=uri,
                    occurred_at=parse_time(record.get("createdAt"))
                    or parse_time(post.get("indexedAt")),
                    interaction_id=post["uri"],
                )
                if name in emitted or (followers is not None and name in followers):
                    continue  # already yielded, with what is known of them
                emitted.add(name)
                yield self._member(author, account, name, None if followers is None else False)
