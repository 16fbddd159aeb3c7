"""The Meta source: Facebook Pages and Instagram professional accounts (Graph API).

Per Instagram unit: ``GET /{ig-user-id}`` -> Account + AccountSnapshot; ``/{id}/media``
(newest first, cursor paging) and ``/{id}/stories`` -> Post (post, carousel, video, reel,
story) + PostMetrics (``like_count``, ``comments_count``, then ``/{media-id}/insights``:
views, reach, saved, shares); ``/{media-id}/comments`` -> reply interactions.

Per Facebook unit: ``GET /{page-id}`` -> Account + AccountSnapshot (``followers_count``);
``/{page-id}/posts`` -> Post + PostMetrics (reactions, comments, shares, then
``/{post-id}/insights``: ``post_media_view``, ``post_total_media_view_unique``,
``post_clicks``); ``/{post-id}/comments`` -> reply interactions where the token may read
who wrote them.

Paging stops at the sync cursor (the newest post of the last sync minus ``refresh_days``:
those older posts get a fresh metric snapshot, no Post again), at ``--since``, at
``max_posts`` or at the end. A metric Meta refuses for a kind of media (deprecated, renamed,
not offered) is dropped for the rest of the run and stays unknown; the log says which.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from smm_meta.api import AGENT, GraphAPI, GraphError, explain
from smm_meta.mapping import (
    DEPRECATED_METRICS,
    FACEBOOK_PAGE_FIELDS,
    FACEBOOK_POST_FIELDS,
    INSTAGRAM_MEDIA_FIELDS,
    INSTAGRAM_PROFILE_FIELDS,
    METRIC_COLUMNS,
    comment_interaction,
    facebook_account,
    facebook_counts,
    facebook_post,
    facebook_snapshot,
    insight_values,
    instagram_account,
    instagram_counts,
    instagram_post,
    instagram_snapshot,
    post_metrics,
)
from smm_meta.settings import DEFAULT_BASE_URL, TOKEN_ENV, MetaSettings
from smmcore.contracts import Source, SourceContext, SourceError, SyncCursor, SyncUnit
from smmcore.http import HttpError
from smmcore.payloads import parse_time

if TYPE_CHECKING:
    import httpx

_NUMERIC = re.compile(r"^\d{5,}$")
_METRIC_IN_MESSAGE = re.compile(r"metric\[(\d+)\]")

IG_PERMISSIONS = "instagram_basic (Facebook Login) or instagram_business_basic (Instagram Login)"
IG_INSIGHTS = "instagram_manage_insights (or instagram_business_manage_insights)"
IG_COMMENTS = "instagram_manage_comments (or instagram_business_manage_comments)"
FB_PERMISSIONS = "pages_show_list and pages_read_engagement"
FB_INSIGHTS = "read_insights and pages_read_engagement"
FB_COMMENTS = "pages_read_user_content"


def _http(ctx: SourceContext) -> AbstractAsyncContextManager[httpx.AsyncClient]:
    from smmcore.http import shared_client

    return shared_client(ctx, user_agent_extra=AGENT)


class MetaSource(Source):
    """Facebook Pages and Instagram professional accounts; see the module docstring."""

    def __init__(self, settings: MetaSettings | None = None, *, name: str = "meta") -> None:
        super().__init__(settings or MetaSettings(), name=name or "meta")
        self.settings: MetaSettings
        self.refused: dict[str, set[str]] = {}
        """Media kind -> metrics Meta refused in this run (asked no more)."""
        self._accounts: list[dict[str, Any]] | None = None

    # ------------------------------------------------------------------ token and ids

    def _token(self) -> str:
        token = self.settings.access_token.get_secret_value() if self.settings.access_token else ""
        token = token.strip() or os.environ.get(TOKEN_ENV, "").strip()
        if not token:
            raise SourceError(
                "no Meta access token configured",
                kind="config",
                hint=f"set the {TOKEN_ENV} environment variable and add "
                f'access_token = "${{{TOKEN_ENV}}}" under [plugins.meta] in smm.toml '
                "(user guide: 'Meta token' says how to get one and which permissions it needs)",
            )
        return token

    async def _resolve(self, api: GraphAPI, unit: SyncUnit) -> str:
        """The Graph id of the unit's Page or Instagram account: ``options.id``, a numeric
        handle, or the handle looked up among the Pages the token manages."""
        given = unit.options.get("id")
        if given:
            return str(given)
        handle = (unit.account or "").strip().lstrip("@")
        if _NUMERIC.match(handle):
            return handle
        if self._accounts is None:
            self._accounts = []
            try:
                async for page in api.pages(
                    "me/accounts",
                    {
                        "fields": "id,name,username,instagram_business_account{id,username}",
                        "limit": 100,
                    },
                ):
                    self._accounts.append(page)
            except HttpError as exc:
                raise explain(exc, "the list of Pages of this token", FB_PERMISSIONS) from None
        wanted = handle.lower()
        for page in self._accounts:
            if unit.network == "instagram":
                ig = page.get("instagram_business_account") or {}
                if str(ig.get("username") or "").lower() == wanted and ig.get("id"):
                    return str(ig["id"])
            elif wanted in (
                str(page.get("username") or "").lower(),
                str(page.get("name") or "").lower(),
            ):
                return str(page["id"])
        if unit.network == "instagram":
            known = [
                (p.get("instagram_business_account") or {}).get("username") for p in self._accounts
            ]
        else:
            known = [p.get("username") or p.get("name") for p in self._accounts]
        names = ", ".join(str(k) for k in known if k) or "none"
        raise SourceError(
            f"{unit.network} account {handle!r} is not among the accounts this Meta token "
            f"manages ({names})",
            kind="not_found",
            hint='give its numeric id as the handle or as options = { id = "..." }, or use a '
            "token of a user who manages it",
        )

    # ------------------------------------------------------------------ fetch

    async def fetch(self, unit: SyncUnit, ctx: SourceContext) -> AsyncIterator[Any]:
        """Yield the account, its snapshot, posts with metrics, comments, then the cursor."""
        token = self._token()
        now = ctx.now or datetime.now(UTC)
        network, account = unit.network, unit.account or ""
        if network not in ("facebook", "instagram"):
            raise SourceError(
                f"the meta source reads facebook and instagram channels, not {network!r}",
                kind="config",
                hint='set network = "facebook" or "instagram"',
            )
        instagram = network == "instagram"
        cursor = None if ctx.full else ctx.cursor
        async with _http(ctx) as client:
            base = self.settings.base_url or DEFAULT_BASE_URL
            api = GraphAPI(client, base, self.settings.api_version, token, ctx.log)
            graph_id = str(cursor.get("id")) if cursor and cursor.get("id") else None
            if graph_id is None or unit.options.get("id"):
                graph_id = await self._resolve(api, unit)
            what = f"{'Instagram account' if instagram else 'Facebook Page'} {account!r}"
            try:
                profile = await api.get(
                    graph_id,
                    {"fields": INSTAGRAM_PROFILE_FIELDS if instagram else FACEBOOK_PAGE_FIELDS},
                )
            except HttpError as exc:
                raise explain(exc, what, IG_PERMISSIONS if instagram else FB_PERMISSIONS) from None
            if instagram:
                yield instagram_account(network, account, profile)
                yield instagram_snapshot(network, account, profile, now)
            else:
                yield facebook_account(network, account, profile)
                yield facebook_snapshot(network, account, profile, now)

            newest = _cursor_newest(cursor)
            seen_before = newest[0] if newest else None
            floor = newest[0] - timedelta(days=self.settings.refresh_days) if newest else None
            old_comments: Mapping[str, Any] = (cursor or {}).get("comments") or {}
            comment_counts: dict[str, int] = {}
            old_stories = set((cursor or {}).get("stories") or ())
            stories: list[str] = []  # live now: a story lives 24 h
            stats = {"posts": 0, "refreshed": 0, "insights": 0, "comments": 0}
            insights_left = self.settings.insights_posts if self.settings.insights else 0
            comments_left = self.settings.comments_posts
            state = {"insights_denied": False, "comments_denied": False}

            async for item, kind in self._items(api, graph_id, instagram, floor, ctx, what):
                post = (
                    instagram_post(network, account, item)
                    if instagram
                    else facebook_post(network, account, item)
                )
                if post is None:
                    continue
                if kind == "story":
                    fresh = post.post_id not in old_stories
                    stories.append(post.post_id)
                else:
                    fresh = seen_before is None or post.created_at > seen_before
                if fresh:
                    yield post
                    stats["posts"] += 1
                else:
                    stats["refreshed"] += 1
                counts = instagram_counts(item) if instagram else facebook_counts(item)
                insights: dict[str, int] = {}
                if insights_left > 0 and not state["insights_denied"]:
                    insights_left -= 1
                    insights = await self._insights(
                        api, post.post_id, post.kind, instagram, ctx, state
                    )
                    stats["insights"] += bool(insights)
                yield post_metrics(network, account, post.post_id, now, counts, insights)
                if kind != "story" and (newest is None or post.created_at > newest[0]):
                    newest = (post.created_at, post.post_id)
                replies = counts.get("replies")
                if replies is not None:
                    comment_counts[post.post_id] = replies
                if (
                    comments_left > 0
                    and not state["comments_denied"]
                    and replies
                    and old_comments.get(post.post_id) != replies
                ):
                    comments_left -= 1
                    async for interaction in self._comments(
                        api, network, account, post.post_id, instagram, ctx, state
                    ):
                        stats["comments"] += 1
                        yield interaction
        ctx.log(
            f"{network} {account}: {stats['posts']} new posts, {stats['refreshed']} refreshed, "
            f"insights for {stats['insights']}, {stats['comments']} comments ({api.calls} calls)"
        )
        value: dict[str, Any] = {"id": graph_id}
        if newest is not None:
            value["newest_at"] = newest[0].isoformat()
            value["newest_id"] = newest[1]
        value["stories"] = stories
        value["comments"] = {**{k: v for k, v in old_comments.items()}, **comment_counts}
        if len(value["comments"]) > 500:  # keep the cursor small: the newest posts only
            value["comments"] = dict(list(comment_counts.items())[:500])
        yield SyncCursor(value)

    async def _items(
        self,
        api: GraphAPI,
        graph_id: str,
        instagram: bool,
        floor: datetime | None,
        ctx: SourceContext,
        what: str,
    ) -> AsyncIterator[tuple[dict[str, Any], str]]:
        """Media or posts newest first, down to the floor / --since / max_posts; then the
        live stories (Instagram)."""
        edge = "media" if instagram else "posts"
        fields = INSTAGRAM_MEDIA_FIELDS if instagram else FACEBOOK_POST_FIELDS
        time_key = "timestamp" if instagram else "created_time"
        given = 0
        try:
            async for item in api.pages(
                f"{graph_id}/{edge}", {"fields": fields, "limit": self.settings.page_size}
            ):
                created = parse_time(item.get(time_key))
                if created is not None and (
                    (floor is not None and created <= floor)
                    or (ctx.since is not None and created < ctx.since)
                ):
                    break  # newest first: everything after is older still
                if self.settings.max_posts is not None and given >= self.settings.max_posts:
                    break
                given += 1
                yield item, "post"
        except HttpError as exc:
            raise explain(
                exc, f"the posts of {what}", IG_PERMISSIONS if instagram else FB_PERMISSIONS
            ) from None
        if instagram and self.settings.stories:
            try:
                stories = [
                    s
                    async for s in api.pages(
                        f"{graph_id}/stories", {"fields": INSTAGRAM_MEDIA_FIELDS, "limit": 100}
                    )
                ]
            except HttpError as exc:
                err = explain(exc, f"the stories of {what}", IG_PERMISSIONS)
                if err.kind in ("rate_limited", "network"):
                    raise err from None
                ctx.log(f"instagram: stories not read: {err}")
                return
            for story in stories:
                story.setdefault("media_product_type", "STORY")
                yield story, "story"

    async def _insights(
        self,
        api: GraphAPI,
        post_id: str,
        kind: str,
        instagram: bool,
        ctx: SourceContext,
        state: dict[str, bool],
    ) -> dict[str, int]:
        """The post's insight values; metrics Meta refuses are dropped (logged once per
        kind) and stay unknown."""
        if instagram:
            wanted = (
                self.settings.story_metrics if kind == "story" else self.settings.instagram_metrics
            )
        else:
            wanted = self.settings.facebook_metrics
        # Meta offers metrics per product (feed, reels, stories), not per media type
        product = kind if kind in ("reel", "story") else "feed"
        group = f"instagram {product}" if instagram else "facebook post"
        refused = self.refused.setdefault(group, set())
        for name in wanted:
            if name in DEPRECATED_METRICS and name not in refused:
                refused.add(name)
                ctx.log(f"{group}: metric {name!r} not asked: {DEPRECATED_METRICS[name]}")
            elif name not in METRIC_COLUMNS and name not in refused:
                refused.add(name)
                ctx.log(f"{group}: metric {name!r} has no column in the store; not asked")
        metrics = [m for m in wanted if m not in refused]
        while metrics:
            try:
                body = await api.get(f"{post_id}/insights", {"metric": ",".join(metrics)})
            except HttpError as exc:
                err = explain(
                    exc, f"the insights of {post_id}", IG_INSIGHTS if instagram else FB_INSIGHTS
                )
                if err.kind in ("rate_limited", "network", "deferred"):
                    raise err from None
                if err.code == 100 and err.subcode != 33:
                    dropped = _refused_metric(err, metrics)
                    refused.add(dropped)
                    ctx.log(
                        f"{group}: Meta refuses the metric {dropped!r} (Graph error 100: "
                        "deprecated, renamed or not offered for this kind); it stays unknown"
                    )
                    metrics = [m for m in metrics if m != dropped]
                    continue
                if err.kind == "no_data":
                    return {}  # a story under 5 viewers: its insights stay unknown
                if err.kind == "auth":
                    state["insights_denied"] = True
                    ctx.log(f"{group}: insights not read, likes and comments only: {err}")
                    return {}
                if err.kind == "not_found":
                    return {}
                raise err from None
            return insight_values(body)
        return {}

    async def _comments(
        self,
        api: GraphAPI,
        network: str,
        account: str,
        post_id: str,
        instagram: bool,
        ctx: SourceContext,
        state: dict[str, bool],
    ) -> AsyncIterator[Any]:
        fields = "id,timestamp,username" if instagram else "id,created_time,from{id,name}"
        try:
            async for comment in api.pages(
                f"{post_id}/comments",
                {"fields": fields, "limit": min(self.settings.comments_per_post, 100)},
                limit=self.settings.comments_per_post,
            ):
                interaction = comment_interaction(network, account, post_id, comment)
                if interaction is not None:
                    yield interaction
        except HttpError as exc:
            err = explain(
                exc, f"the comments of {post_id}", IG_COMMENTS if instagram else FB_COMMENTS
            )
            if err.kind in ("rate_limited", "network", "deferred"):
                raise err from None
            if err.kind == "auth":
                state["comments_denied"] = True
            ctx.log(f"{network}: comments not read: {err}")


def _refused_metric(err: GraphError, metrics: list[str]) -> str:
    """The metric a Graph error 100 names (``metric[2] must be one of ...`` or the name in
    the message), else the last one asked."""
    text = str(err)
    found = _METRIC_IN_MESSAGE.search(text)
    if found and int(found.group(1)) < len(metrics):
        return metrics[int(found.group(1))]
    for name in metrics:
        if re.search(rf"\b{re.escape(name)}\b", text):
            return name
    return metrics[-1]


def _cursor_newest(cursor: Mapping[str, Any] | None) -> tuple[datetime, str] | None:
    if not cursor:
        return None
    when = parse_time(cursor.get("newest_at"))
    return (when, str(cursor.get("newest_id") or "")) if when else None
