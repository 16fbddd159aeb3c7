"""The YouTube source: channel statistics and videos through the uploads playlist.

Per unit: ``channels.list`` (1 unit) -> Account + AccountSnapshot; then
``playlistItems.list`` over the channel's uploads playlist, newest first, 50 per page
(1 unit per page), and ``videos.list`` for each page's ids (1 unit per 50 videos) ->
Post(kind="video") + PostMetrics. Paging stops at the sync cursor (the newest video of the
last sync, minus ``refresh_days``: videos already synced within that window get a fresh
PostMetrics snapshot but no Post again), at ``--since``, at ``max_videos`` or at the end of
the playlist.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from smm_youtube.api import AGENT, DEFAULT_BASE_URL, QuotaBudget, YouTubeAPI
from smm_youtube.mapping import (
    channel_account,
    channel_snapshot,
    parse_time,
    video_metrics,
    video_post,
)
from smm_youtube.settings import API_KEY_ENV, YouTubeSettings
from smmcore.contracts import Source, SourceContext, SourceError, SyncCursor, SyncUnit

if TYPE_CHECKING:
    import httpx

_CHANNEL_ID_RE = re.compile(r"^UC[0-9A-Za-z_-]{22}$")
PAGE_SIZE = 50


def channel_query(account: str) -> dict[str, str]:
    """The ``channels.list`` filter for a channel written as ``@handle``, ``handle``,
    ``UC...`` id or a youtube.com URL."""
    value = account.strip()
    if value.startswith(("http://", "https://")):
        parts = [p for p in urlparse(value).path.split("/") if p]
        if len(parts) >= 2 and parts[0] == "channel":
            return {"id": parts[1]}
        if len(parts) >= 2 and parts[0] == "user":
            return {"forUsername": parts[1]}
        if parts and parts[0].startswith("@"):
            return {"forHandle": parts[0]}
        raise SourceError(
            f"cannot tell the YouTube channel from the URL {value!r}",
            kind="config",
            hint="use https://www.youtube.com/@handle, /channel/UC... or the handle itself",
        )
    if _CHANNEL_ID_RE.match(value):
        return {"id": value}
    return {"forHandle": "@" + value.lstrip("@")}


def _http(ctx: SourceContext) -> AbstractAsyncContextManager[httpx.AsyncClient]:
    from smmcore.http import shared_client

    return shared_client(ctx, user_agent_extra=AGENT)


class YouTubeSource(Source):
    """YouTube channels by handle or id; see the module docstring for the requests made."""

    def __init__(self, settings: YouTubeSettings | None = None, *, name: str = "youtube") -> None:
        super().__init__(settings or YouTubeSettings(), name=name or "youtube")
        self.settings: YouTubeSettings
        self.budget = QuotaBudget(self.settings.daily_quota)
        """Quota units spent by this run, across all its units."""

    def _api_key(self) -> str:
        key = self.settings.api_key.get_secret_value() if self.settings.api_key else ""
        key = key.strip() or os.environ.get(API_KEY_ENV, "").strip()
        if not key:
            raise SourceError(
                "no YouTube API key configured",
                kind="config",
                hint=(
                    f"set the {API_KEY_ENV} environment variable and add "
                    f'api_key = "${{{API_KEY_ENV}}}" under [plugins.youtube] in smm.toml'
                ),
            )
        return key

    async def fetch(self, unit: SyncUnit, ctx: SourceContext) -> AsyncIterator[Any]:
        """Yield the channel, its snapshot, new videos with statistics, then the cursor."""
        key = self._api_key()
        now = ctx.now or datetime.now(UTC)
        network, account = unit.network, unit.account or ""
        units_before = self.budget.used
        async with _http(ctx) as client:
            base_url = self.settings.base_url or DEFAULT_BASE_URL
            api = YouTubeAPI(client, base_url, key, self.budget)
            body = await api.list(
                "channels", {"part": "snippet,statistics,contentDetails", **channel_query(account)}
            )
            items = body.get("items") or []
            if not items:
                raise SourceError(
                    f"YouTube channel {account!r} not found",
                    kind="not_found",
                    hint="check the handle (as in youtube.com/@handle) or the UC... channel id",
                )
            channel = items[0]
            yield channel_account(network, account, channel)
            yield channel_snapshot(network, account, channel, now)

            cursor = None if ctx.full else ctx.cursor
            emitted = 0
            newest: tuple[datetime, str] | None = _cursor_newest(cursor)
            seen_before = newest[0] if newest else None
            skipped = {"no_id": 0, "unavailable": 0}
            async for video in self._new_videos(api, channel, cursor, ctx, skipped):
                post = video_post(network, account, video)
                if post is None:
                    continue
                if seen_before is None or post.created_at > seen_before:
                    yield post  # a refreshed older video only gets a new metric snapshot
                    emitted += 1
                yield video_metrics(network, account, video, now)
                if newest is None or post.created_at > newest[0]:
                    newest = (post.created_at, post.post_id)
        notes = ""
        if skipped["no_id"]:
            notes += f", {skipped['no_id']} playlist items without a video id skipped"
        if skipped["unavailable"]:
            notes += f", {skipped['unavailable']} private or deleted videos skipped"
        ctx.log(
            f"youtube {account}: {emitted} videos{notes}, "
            f"{self.budget.used - units_before} quota units ({self.budget.used} this run)"
        )
        value: dict[str, Any] = {"channel_id": channel.get("id")}
        if newest is not None:
            value["newest_published_at"] = newest[0].isoformat()
            value["newest_video_id"] = newest[1]
        yield SyncCursor(value)

    async def _new_videos(
        self,
        api: YouTubeAPI,
        channel: dict[str, Any],
        cursor: Mapping[str, Any] | None,
        ctx: SourceContext,
        skipped: dict[str, int] | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """The ``youtube#video`` resources to emit, newest first, stopping at the cursor;
        playlist items without a video id, and videos ``videos.list`` does not return
        (private, deleted), are counted in ``skipped`` and logged."""
        skipped = skipped if skipped is not None else {"no_id": 0, "unavailable": 0}
        uploads = ((channel.get("contentDetails") or {}).get("relatedPlaylists") or {}).get(
            "uploads"
        ) or ("UU" + str(channel.get("id", ""))[2:])
        newest = _cursor_newest(cursor)
        floor: datetime | None = None
        if newest is not None:
            floor = newest[0] - timedelta(days=self.settings.refresh_days)
        limit = self.settings.max_videos
        page_token: str | None = None
        seen = 0
        while True:
            params = {"part": "contentDetails", "playlistId": uploads, "maxResults": PAGE_SIZE}
            if page_token:
                params["pageToken"] = page_token
            try:
                page = await api.list("playlistItems", params)
            except SourceError as exc:
                if exc.kind == "not_found" and page_token is None:
                    ctx.log(f"youtube: uploads playlist {uploads} not found (no public videos)")
                    return
                raise
            ids: list[str] = []
            reached_old = False
            for item in page.get("items") or []:
                details = item.get("contentDetails") or {}
                video_id = details.get("videoId")
                if not isinstance(video_id, str) or not video_id:
                    skipped["no_id"] += 1
                    ctx.log(
                        f"youtube: playlist item {item.get('id', '?')!r} has no video id; skipped"
                    )
                    continue
                published = parse_time(details.get("videoPublishedAt"))
                too_old = published is not None and (
                    (floor is not None and published <= floor)
                    or (ctx.since is not None and published < ctx.since)
                )
                if too_old:
                    reached_old = True
                    continue
                if limit is not None and seen >= limit:
                    reached_old = True
                    break
                ids.append(video_id)
                seen += 1
            if ids:
                videos = await api.list(
                    "videos", {"part": "snippet,statistics", "id": ",".join(ids)}
                )
                by_id = {v.get("id"): v for v in videos.get("items") or []}
                for video_id in ids:  # keep the playlist order; private videos are absent
                    if video_id in by_id:
                        yield by_id[video_id]
                    else:
                        skipped["unavailable"] += 1
            page_token = page.get("nextPageToken")
            if reached_old or not page_token:
                return


def _cursor_newest(cursor: Mapping[str, Any] | None) -> tuple[datetime, str] | None:
    if not cursor:
        return None
    when = parse_time(cursor.get("newest_published_at"))
    if when is None:
        return None
    return when, str(cursor.get("newest_video_id") or "")
