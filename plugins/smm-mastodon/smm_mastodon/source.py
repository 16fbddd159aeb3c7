"""Mastodon source: profile, statuses, followers, favourites, boosts and replies of recent
posts.

Endpoints (any instance, documented at docs.joinmastodon.org):

- ``GET /api/v1/accounts/lookup?acct=`` -> Account (first sync), ``GET /api/v1/accounts/:id``
  when an incremental sync sees no new status;
- ``GET /api/v1/accounts/:id/statuses?limit=40`` paged through the ``Link`` header; each status
  embeds the current Account, so an incremental sync that sees new statuses needs no lookup;
- ``GET /api/v1/accounts/:id/followers?limit=80`` (audience, capped);
- ``GET /api/v1/statuses/:id/favourited_by`` and ``/reblogged_by`` (interactions of the most
  recent own posts, fetched again only when the post's counters changed);
- ``GET /api/v1/statuses/:id/context`` (replies to those posts, read again only when the post's
  ``replies_count`` changed): a descendant replying to the post, or to one of the account's own
  statuses in the same thread, is a ``reply`` interaction on the status it answers.

A reblog is stored as ``kind="repost"`` under the reblogging account, without metrics (its
counters belong to the original author). A missing counter is ``None``, never ``0``.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import Field, SecretStr

from smm_mastodon import __version__
from smmcore.contracts import Source, SourceContext, SourceError, SyncCursor, SyncUnit
from smmcore.http import HttpError, HttpSourceSettings, fetch_json, next_link, open_client
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

NETWORK = "mastodon"
AGENT = f"smm-mastodon/{__version__}"


class MastodonSettings(HttpSourceSettings):
    """``[plugins.mastodon]`` in ``smm.toml``.

    :param base_url: the instance to ask (default: the domain of each handle, so
        ``forno@mastodon.social`` is read from ``https://mastodon.social``).
    :param access_token: an OAuth token (``"${MASTODON_TOKEN}"``) for instances in secure
        mode or private data; public data needs none.
    :param page_size: statuses per request (Mastodon allows at most 40).
    :param max_posts: stop a full sync after this many statuses (``None``: all).
    :param refresh_days: an incremental sync reads back this many days of statuses, so the
        metrics of recent posts get a new snapshot.
    :param followers_limit: followers to read per sync (0 turns the audience off).
    :param audience_refresh_days: read followers again only after this many days.
    :param interactions_posts: the most recent own posts whose favourites and boosts are read
        (0 turns interactions off).
    :param interactions_per_post: accounts to read per post and kind.
    :param replies_posts: at most this many of those posts get their thread (``context``) read
        per sync, newest first; the others wait for the next sync (0 turns replies off).
    """

    access_token: SecretStr | None = None
    page_size: int = Field(40, ge=1, le=40)
    max_posts: int | None = Field(None, ge=1)
    refresh_days: float = Field(7.0, ge=0)
    followers_limit: int = Field(200, ge=0)
    audience_refresh_days: float = Field(7.0, ge=0)
    interactions_posts: int = Field(20, ge=0)
    interactions_per_post: int = Field(200, ge=0)
    replies_posts: int = Field(20, ge=0)


# --------------------------------------------------------------------------- payload helpers


class _TextExtractor(HTMLParser):
    """Mastodon status HTML -> plain text (paragraphs and ``<br>`` become new lines)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(value: str | None) -> str | None:
    """Plain text of Mastodon's HTML ``content`` / ``note`` (``None`` stays ``None``)."""
    if value is None:
        return None
    if "<" not in value:
        return html.unescape(value)
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    return re.sub(r"\n{3,}", "\n\n", "".join(parser.parts)).strip()


def id_key(status_id: str) -> tuple[int, str]:
    """Sort key of Mastodon's opaque (in practice numeric) ids: longer is newer."""
    return (len(status_id), status_id)


def full_acct(acct: str, domain: str) -> str:
    """``user`` on instance ``domain`` -> ``user@domain``; remote accounts keep theirs."""
    acct = acct.lstrip("@")
    return acct if "@" in acct else f"{acct}@{domain}"


# --------------------------------------------------------------------------- the source


class MastodonSource(Source):
    """Syncs Mastodon accounts; one unit per channel (``handle = "user@instance"``)."""

    settings: MastodonSettings

    def __init__(self, settings: MastodonSettings | None = None, *, name: str = "mastodon"):
        super().__init__(settings or MastodonSettings(), name=name)

    # ------------------------------------------------------------------ plumbing

    def _base_url(self, unit: SyncUnit) -> str:
        option = unit.options.get("base_url") if unit.options else None
        if option:
            return str(option).rstrip("/")
        if self.settings.base_url:
            return self.settings.base_url
        account = (unit.account or "").lstrip("@")
        if "@" not in account:
            raise SourceError(
                f"cannot tell the instance of Mastodon account {account!r}",
                kind="config",
                hint="write the handle as user@instance.example or set base_url",
            )
        return "https://" + account.rsplit("@", 1)[1]

    def _headers(self) -> dict[str, str]:
        token = self.settings.access_token
        return {"Authorization": f"Bearer {token.get_secret_value()}"} if token else {}

    async def _get(
        self, http: httpx.AsyncClient, url: str, params: Mapping[str, Any] | None = None
    ) -> tuple[Any, httpx.Response]:
        return await fetch_json(
            http, url, params=params, headers=self._headers(), agent=AGENT, network="Mastodon"
        )

    @staticmethod
    def _unit_error(exc: HttpError, account: str) -> SourceError:
        """Turn an HTTP failure on the account's own endpoints into a clear unit error."""
        message = str(exc.args[0]) if exc.args else str(exc)
        if exc.status == 404:
            return SourceError(
                f"Mastodon account {account} not found ({message})",
                kind="not_found",
                hint="check the handle (user@instance) and the instance's base_url",
            )
        if exc.status == 410:
            return SourceError(
                f"Mastodon account {account} is gone or suspended ({message})",
                kind="suspended",
            )
        if exc.status == 401:
            return SourceError(
                f"the instance refuses anonymous access to {account} ({message})",
                kind="auth",
                hint='set access_token = "${MASTODON_TOKEN}" under [plugins.mastodon] '
                "and export the token",
            )
        if exc.status == 403:
            return SourceError(
                f"Mastodon account {account} is private or blocks this client ({message})",
                kind="private",
                hint="follow the account with the token's user, or remove the channel",
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
        base = self._base_url(unit)
        domain = urlsplit(base).hostname or ""
        now = ctx.now or datetime.now(UTC)
        cursor = dict(ctx.cursor or {}) if not ctx.full else {}
        if cursor.get("instance") not in (None, base):
            cursor = {}  # the channel moved to another instance: start over
        account_id: str | None = cursor.get("account_id")
        since_id: str | None = cursor.get("since_id")
        incremental = bool(account_id and since_id)

        profile: Mapping[str, Any] | None = None
        try:
            if not incremental:
                username, _, acct_domain = account.partition("@")
                acct = username if acct_domain in ("", domain) else account
                profile, _ = await self._get(http, f"{base}/api/v1/accounts/lookup", {"acct": acct})
                if not isinstance(profile, Mapping) or "id" not in profile:
                    raise SourceError(
                        f"Mastodon answered the lookup of {account} without an account id",
                        kind="invalid_data",
                    )
                account_id = str(profile["id"])
                self._check_status(profile, account)
                yield self._account(profile, account)
                yield self._snapshot(profile, account, now)
        except HttpError as exc:
            raise self._unit_error(exc, account) from None

        # ---------------------------------------------------------- statuses
        cutoff_refresh = now - timedelta(days=s.refresh_days)
        stop_before = ctx.since
        newest_id = since_id
        own_recent: list[dict[str, Any]] = []
        seen = 0
        url: str | None = f"{base}/api/v1/accounts/{account_id}/statuses"
        params: dict[str, Any] | None = {"limit": s.page_size}
        done = False
        try:
            while url and not done:
                page, response = await self._get(http, url, params)
                params = None  # the Link URL carries every parameter
                if not isinstance(page, list):
                    raise SourceError(
                        f"Mastodon sent statuses of {account} that are not a list",
                        kind="invalid_data",
                    )
                if profile is None and page and isinstance(page[0], Mapping):
                    embedded = page[0].get("account")
                    if isinstance(embedded, Mapping) and str(embedded.get("id")) == account_id:
                        profile = embedded
                        self._check_status(profile, account)
                        yield self._account(profile, account)
                        yield self._snapshot(profile, account, now)
                for status in page:
                    if not isinstance(status, Mapping) or "id" not in status:
                        continue
                    sid = str(status["id"])
                    created = parse_time(status.get("created_at"))
                    if created is None:
                        continue
                    if stop_before is not None and created < stop_before:
                        done = True
                        break
                    old = since_id is not None and id_key(sid) <= id_key(since_id)
                    if old and created < cutoff_refresh:
                        done = True
                        break
                    if newest_id is None or id_key(sid) > id_key(newest_id):
                        newest_id = sid
                    post, metrics = self._post(status, account, now)
                    if not old:
                        yield post  # a known post only gets a new metrics snapshot
                    if metrics is not None:
                        yield metrics
                        if len(own_recent) < s.interactions_posts:
                            own_recent.append(dict(status))
                    seen += 1
                    if s.max_posts is not None and seen >= s.max_posts and not incremental:
                        done = True
                        break
                url = next_link(response) if page else None
            if profile is None:
                profile, _ = await self._get(http, f"{base}/api/v1/accounts/{account_id}")
                if isinstance(profile, Mapping):
                    self._check_status(profile, account)
                    yield self._account(profile, account)
                    yield self._snapshot(profile, account, now)
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
            async for member in self._followers(http, base, account_id or "", account, domain):
                if len(followers) >= s.followers_limit:
                    complete = False
                    break
                followers.add(member.member)
                yield member
            if not complete:
                followers = None  # a partial list cannot say who is not a follower
            new_audience_at = now.isoformat()
        # ---------------------------------------------------------- interactions
        counts: dict[str, list[int | None]] = dict(cursor.get("counts") or {})
        new_counts: dict[str, list[int | None]] = {}
        emitted: set[str] = set()  # members yielded by the interactions below
        if s.interactions_posts > 0 and own_recent:
            async for item in self._interactions(
                http, base, account, domain, own_recent, counts, new_counts, followers, emitted
            ):
                yield item
            if s.replies_posts > 0:
                async for item in self._replies(
                    http,
                    (base, account, domain, account_id or ""),
                    own_recent,
                    counts,
                    new_counts,
                    followers,
                    emitted,
                    ctx.log,
                ):
                    yield item
        for sid, pair in counts.items():  # keep counters of posts not seen this time
            if sid not in new_counts and len(new_counts) < max(s.interactions_posts, 1) * 2:
                new_counts[sid] = pair
        yield SyncCursor(
            {
                "instance": base,
                "account_id": account_id,
                "since_id": newest_id,
                "audience_at": new_audience_at,
                "counts": new_counts,
            }
        )

    # ------------------------------------------------------------------ records

    @staticmethod
    def _check_status(profile: Mapping[str, Any], account: str) -> None:
        if profile.get("suspended"):
            raise SourceError(
                f"Mastodon account {account} is suspended", kind="suspended", hint=None
            )

    @staticmethod
    def _account(profile: Mapping[str, Any], account: str) -> Account:
        return Account(
            network=NETWORK,
            account=account,
            display_name=profile.get("display_name") or None,
            url=profile.get("url") or None,
            bio=html_to_text(profile.get("note")) or None,
            created_at=parse_time(profile.get("created_at")),
        )

    @staticmethod
    def _snapshot(profile: Mapping[str, Any], account: str, now: datetime) -> AccountSnapshot:
        return AccountSnapshot(
            network=NETWORK,
            account=account,
            captured_at=now,
            followers=count(profile, "followers_count"),
            following=count(profile, "following_count"),
            posts_count=count(profile, "statuses_count"),
        )

    @staticmethod
    def _post(
        status: Mapping[str, Any], account: str, now: datetime
    ) -> tuple[Post, PostMetrics | None]:
        sid = str(status["id"])
        created = parse_time(status.get("created_at"))
        assert created is not None
        reblog = status.get("reblog")
        if isinstance(reblog, Mapping):
            post = Post(
                network=NETWORK,
                account=account,
                post_id=sid,
                created_at=created,
                kind="repost",
                text=html_to_text(reblog.get("content")) or None,
                url=reblog.get("url") or reblog.get("uri") or None,
                language=reblog.get("language") or None,
            )
            return post, None  # the counters are the original author's, not ours
        if status.get("in_reply_to_id"):
            kind = "reply"
        elif status.get("quote"):
            kind = "quote"
        else:
            kind = "post"
        post = Post(
            network=NETWORK,
            account=account,
            post_id=sid,
            created_at=created,
            kind=kind,
            text=html_to_text(status.get("content")),
            url=status.get("url") or status.get("uri") or None,
            language=status.get("language") or None,
        )
        metrics = PostMetrics(
            network=NETWORK,
            account=account,
            post_id=sid,
            captured_at=now,
            likes=count(status, "favourites_count"),
            reposts=count(status, "reblogs_count"),
            replies=count(status, "replies_count"),
            quotes=count(status, "quotes_count"),
        )
        return post, metrics

    @staticmethod
    def _member(
        data: Mapping[str, Any], account: str, domain: str, is_follower: bool | None
    ) -> AudienceMember | None:
        acct = data.get("acct")
        if not isinstance(acct, str) or not acct:
            return None
        return AudienceMember(
            network=NETWORK,
            account=account,
            member=full_acct(acct, domain),
            display_name=data.get("display_name") or None,
            bio=html_to_text(data.get("note")) or None,
            followers=count(data, "followers_count"),
            following=count(data, "following_count"),
            is_follower=is_follower,
        )

    async def _pages(
        self, http: httpx.AsyncClient, url: str, params: Mapping[str, Any], cap: int
    ) -> AsyncIterator[Mapping[str, Any]]:
        """Every item of a Link-paged list endpoint, at most ``cap``."""
        seen = 0
        next_url: str | None = url
        next_params: Mapping[str, Any] | None = params
        while next_url and seen < cap:
            page, response = await self._get(http, next_url, next_params)
            next_params = None
            if not isinstance(page, list) or not page:
                return
            for item in page:
                if isinstance(item, Mapping):
                    yield item
                    seen += 1
                    if seen >= cap:
                        return
            next_url = next_link(response)

    async def _followers(
        self, http: httpx.AsyncClient, base: str, account_id: str, account: str, domain: str
    ) -> AsyncIterator[AudienceMember]:
        url = f"{base}/api/v1/accounts/{account_id}/followers"
        cap = self.settings.followers_limit + 1
        try:
            async for data in self._pages(http, url, {"limit": 80}, cap):
                member = self._member(data, account, domain, True)
                if member is not None:
                    yield member
        except HttpError as exc:
            if exc.status in (401, 403, 404):
                return  # the account hides its network: no audience, not a failure
            raise

    async def _interactions(
        self,
        http: httpx.AsyncClient,
        base: str,
        account: str,
        domain: str,
        statuses: list[dict[str, Any]],
        old_counts: Mapping[str, Any],
        new_counts: dict[str, list[int | None]],
        followers: set[str] | None,
        emitted: set[str],
    ) -> AsyncIterator[Any]:
        """Who favourited and boosted each recent post, read again only when its counters
        changed since the last sync."""
        jobs: list[tuple[str, str, str]] = []
        for status in statuses:
            sid = str(status["id"])
            favs, boosts = count(status, "favourites_count"), count(status, "reblogs_count")
            before = remembered(old_counts, sid)
            new_counts[sid] = [favs, boosts, before[2]]  # _replies sets the third
            if counter_changed(favs, before[0]):
                jobs.append((sid, "favourited_by", "like"))
            if counter_changed(boosts, before[1]):
                jobs.append((sid, "reblogged_by", "repost"))
        limit = asyncio.Semaphore(4)

        async def read(sid: str, endpoint: str) -> list[Mapping[str, Any]]:
            async with limit:
                url = f"{base}/api/v1/statuses/{sid}/{endpoint}"
                try:
                    return [
                        item
                        async for item in self._pages(
                            http, url, {"limit": 80}, self.settings.interactions_per_post
                        )
                    ]
                except HttpError as exc:
                    if exc.status in (403, 404, 410):
                        return []  # deleted or hidden meanwhile
                    raise

        results = await asyncio.gather(*(read(sid, ep) for sid, ep, _ in jobs))
        for (sid, _, kind), accounts in zip(jobs, results, strict=True):
            for data in accounts:
                acct = data.get("acct")
                if not isinstance(acct, str) or not acct:
                    continue
                member = full_acct(acct, domain)
                yield Interaction(
                    network=NETWORK,
                    account=account,
                    member=member,
                    kind=kind,  # type: ignore[arg-type]
                    post_id=sid,
                    occurred_at=None,  # Mastodon does not say when
                )
                if followers is not None and member not in emitted and member not in followers:
                    emitted.add(member)  # followers were already yielded with their profile
                    record = self._member(data, account, domain, False)
                    if record is not None:
                        yield record

    async def _replies(
        self,
        http: httpx.AsyncClient,
        where: tuple[str, str, str, str],
        statuses: list[dict[str, Any]],
        old_counts: Mapping[str, Any],
        new_counts: dict[str, list[int | None]],
        followers: set[str] | None,
        emitted: set[str],
        log: Callable[[str], None],
    ) -> AsyncIterator[Any]:
        """Replies to each recent post whose ``replies_count`` changed since the last sync,
        from ``GET /api/v1/statuses/:id/context``; at most ``replies_posts`` threads a sync.

        A descendant counts when it answers the post or one of the account's own statuses in
        the thread (so a conversation under the post counts in full), and its author is not
        the account. The interaction is on the status it answers, keyed by the reply's id.
        A thread that cannot be read is logged and skipped: a transient failure (5xx, network,
        rate limit) keeps the old counter so the next sync asks again; a permanent one (the
        post deleted or hidden, an answer that is not a Context) records the new counter.
        """
        base, account, domain, account_id = where
        jobs = plan_thread_reads(
            ((str(s["id"]), count(s, "replies_count")) for s in statuses),
            old_counts,
            new_counts,
            self.settings.replies_posts,
        )
        if not jobs:
            return

        async def read(sid: str) -> list[Any]:
            data, _ = await self._get(http, f"{base}/api/v1/statuses/{sid}/context")
            descendants = data.get("descendants") if isinstance(data, Mapping) else None
            if not isinstance(descendants, list):
                raise SourceError("the answer has no 'descendants' list", kind="invalid_data")
            return [d for d in descendants if isinstance(d, Mapping)]

        results, failures = await read_threads(jobs, read)
        if failures:
            log(
                f"mastodon {account}: the replies of {len(failures)} post(s) were not read "
                f"(e.g. {failures[0]})"
            )
        by_sid = {str(s["id"]): s for s in statuses}
        seen: set[str] = set()
        for sid, descendants in zip(jobs, results, strict=True):
            now = count(by_sid[sid], "replies_count")
            settle_thread_counts(sid, descendants, now, old_counts, new_counts)
            if descendants is None:
                continue
            own = {sid}
            own.update(
                str(d["id"])
                for d in descendants
                if "id" in d and self._is_own(d.get("account"), account, account_id, domain)
            )
            for reply in descendants:
                rid, parent = reply.get("id"), reply.get("in_reply_to_id")
                author = reply.get("account")
                if rid is None or parent is None or str(parent) not in own:
                    continue
                if not isinstance(author, Mapping) or self._is_own(
                    author, account, account_id, domain
                ):
                    continue
                acct = author.get("acct")
                if not isinstance(acct, str) or not acct or str(rid) in seen:
                    continue
                seen.add(str(rid))
                member = full_acct(acct, domain)
                yield Interaction(
                    network=NETWORK,
                    account=account,
                    member=member,
                    kind="reply",
                    post_id=str(parent),
                    occurred_at=parse_time(reply.get("created_at")),
                    interaction_id=str(rid),
                )
                if member in emitted or (followers is not None and member in followers):
                    continue  # already yielded, with what is known of them
                emitted.add(member)
                known = None if followers is None else False
                record = self._member(author, account, domain, known)
                if record is not None:
                    yield record

    @staticmethod
    def _is_own(author: Any, account: str, account_id: str, domain: str) -> bool:
        """Whether a status author (an Account entity) is the synced account itself."""
        if not isinstance(author, Mapping):
            return False
        if account_id and str(author.get("id")) == account_id:
            return True
        acct = author.get("acct")
        return isinstance(acct, str) and full_acct(acct, domain) == full_acct(account, domain)
