"""The Bluesky source against an offline AppView that answers with documented payloads."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from smm_bluesky.source import BlueskySettings, BlueskySource

from smmcore.contracts import SourceContext, SourceError, SyncCursor, SyncUnit
from smmcore.http import open_client
from smmcore.models import (
    Account,
    AccountSnapshot,
    AudienceMember,
    Interaction,
    Post,
    PostMetrics,
)

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "https://public.api.bsky.app"
NOW = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
DID = "did:plc:fornorossi7example0000000"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


PROFILE = load("profile.json")["body"]
ITEM = load("feed_post.json")["body"]
REASON = load("repost_reason.json")["body"]
LISTS = load("lists.json")
ERRORS = load("errors.json")
THREAD = load("thread.json")["body"]


def item(rkey: str, created: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(ITEM)
    post = data["post"]
    post["uri"] = f"at://{DID}/app.bsky.feed.post/{rkey}"
    post["record"]["createdAt"] = created
    post["indexedAt"] = created
    record_changes = changes.pop("record", {})
    post["record"].update(record_changes)
    post.update(changes)
    return data


def repost_of(rkey: str, at: str) -> dict[str, Any]:
    data = item(rkey, "2026-11-01T00:00:00.000Z", likeCount=999)
    other = "did:plc:someoneelse00000000000000"
    data["post"]["uri"] = f"at://{other}/app.bsky.feed.post/{rkey}"
    data["post"]["author"] = {"did": other, "handle": "someone.bsky.social", "labels": []}
    data["post"]["record"]["text"] = "Not ours 🌍"
    data["reason"] = dict(copy.deepcopy(REASON), indexedAt=at)
    return data


OWN = item("3lfxp0000000a", "2026-11-20T08:30:00.000Z")
REPLY = item(
    "3lfxo0000000a",
    "2026-11-18T10:00:00.000Z",
    record={
        "text": "Grazie! 🙏 Ça va? 日本",
        "reply": {
            "root": {"uri": "at://did:plc:x/app.bsky.feed.post/1", "cid": "bafyroot"},
            "parent": {"uri": "at://did:plc:x/app.bsky.feed.post/1", "cid": "bafyroot"},
        },
    },
    likeCount=0,
    repostCount=0,
)
REPOST = repost_of("3lfxn0000000a", "2026-11-15T12:00:00.000Z")
BARE = item("3lfxm0000000a", "2026-11-10T10:00:00.000Z")
for key in ("likeCount", "repostCount", "replyCount", "quoteCount"):
    BARE["post"].pop(key)  # counters missing -> unknown
QUOTE = item(
    "3lfxl0000000a",
    "2026-11-05T10:00:00.000Z",
    record={
        "embed": {
            "$type": "app.bsky.embed.record",
            "record": {"uri": "at://did:plc:x/app.bsky.feed.post/9", "cid": "bafyq"},
        }
    },
    likeCount=0,
    repostCount=0,
)
FEED = [OWN, REPLY, REPOST, BARE, QUOTE]


class FakeAppView:
    def __init__(self, feed: list[dict[str, Any]], *, page: int = 2) -> None:
        self.feed = feed
        self.page = page
        self.requests: list[httpx.Request] = []
        self.override: Callable[[httpx.Request], httpx.Response | None] | None = None
        self.followers = [LISTS["follower"], LISTS["invalid_handle"]]
        self.threads: dict[str, dict[str, Any]] = {}  # post uri -> getPostThread answer

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.override is not None:
            answer = self.override(request)
            if answer is not None:
                return answer
        method = request.url.path.removeprefix("/xrpc/")
        params = request.url.params
        if method == "app.bsky.actor.getProfile":
            assert params["actor"] == "forno.bsky.social"
            return httpx.Response(200, json=PROFILE)
        if method == "app.bsky.feed.getAuthorFeed":
            assert params["actor"] == DID
            return self._paged(params, "feed", self.feed, min(int(params["limit"]), self.page))
        if method == "app.bsky.graph.getFollowers":
            return self._paged(params, "followers", self.followers, 100, subject=PROFILE)
        if method == "app.bsky.feed.getLikes":
            likes = [LISTS["like"]] if params["uri"] == OWN["post"]["uri"] else []
            return self._paged(params, "likes", likes, 100, uri=params["uri"])
        if method == "app.bsky.feed.getRepostedBy":
            who = [LISTS["follower"]] if params["uri"] == OWN["post"]["uri"] else []
            return self._paged(params, "repostedBy", who, 100, uri=params["uri"])
        if method == "app.bsky.feed.getPostThread":
            assert (params["depth"], params["parentHeight"]) == ("1", "0")
            if params["uri"] in self.threads:
                return httpx.Response(200, json=self.threads[params["uri"]])
            message = f"Post not found: {params['uri']}"
            return httpx.Response(400, json={"error": "NotFound", "message": message})
        return httpx.Response(501, json={"error": "MethodNotImplemented", "message": method})

    @staticmethod
    def _paged(params: Any, key: str, items: list[Any], size: int, **extra: Any) -> httpx.Response:
        start = int(params.get("cursor", 0))
        body: dict[str, Any] = {key: items[start : start + size], **extra}
        if start + size < len(items):
            body["cursor"] = str(start + size)
        return httpx.Response(200, json=body)


async def run(
    source: BlueskySource,
    view: FakeAppView,
    *,
    cursor: dict[str, Any] | None = None,
    since: datetime | None = None,
    log: Callable[[str], None] = lambda _line: None,
) -> list[Any]:
    async with open_client(
        transport=httpx.MockTransport(view.handler), max_retries=1, backoff_initial=0.01
    ) as http:
        ctx = SourceContext(cursor=cursor, since=since, http=http, now=NOW, log=log)
        unit = SyncUnit(source="bluesky", key="k", network="bluesky", account="forno.bsky.social")
        return [x async for x in source.fetch(unit, ctx)]


def of(items: list[Any], kind: type) -> list[Any]:
    return [i for i in items if isinstance(i, kind)]


def test_full_sync_maps_profile_feed_audience_and_interactions() -> None:
    view = FakeAppView(FEED)
    items = asyncio.run(run(BlueskySource(), view))

    (account,) = of(items, Account)
    assert (account.display_name, account.bio) == (
        "Forno Rossi 🍞",
        "Panetteria artigianale 🥐\nBologna",
    )
    assert account.url == "https://bsky.app/profile/forno.bsky.social"
    (snap,) = of(items, AccountSnapshot)
    assert (snap.followers, snap.following, snap.posts_count) == (2310, 140, 380)

    posts = of(items, Post)
    assert [p.kind for p in posts] == ["post", "reply", "repost", "post", "quote"]
    own = posts[0]
    assert own.post_id == f"at://{DID}/app.bsky.feed.post/3lfxp0000000a"
    assert own.url == "https://bsky.app/profile/forno.bsky.social/post/3lfxp0000000a"
    assert own.text == "Il pane di oggi è pronto! 🍞✨ Vieni a trovarci." and own.language == "it"
    assert posts[1].text == "Grazie! 🙏 Ça va? 日本"
    repost = posts[2]
    assert repost.post_id == REASON["uri"]  # the repost record, under the reposting account
    assert repost.account == "forno.bsky.social"
    assert repost.created_at == datetime(2026, 11, 15, 12, tzinfo=UTC)
    assert repost.url == "https://bsky.app/profile/someone.bsky.social/post/3lfxn0000000a"

    metrics = {m.post_id: m for m in of(items, PostMetrics)}
    assert len(metrics) == 4  # no metrics for the repost (the 999 likes are someone else's)
    m = metrics[own.post_id]
    assert (m.likes, m.reposts, m.replies, m.quotes) == (12, 4, 3, 1)
    bare = metrics[BARE["post"]["uri"]]
    assert (bare.likes, bare.reposts, bare.replies, bare.quotes) == (None, None, None, None)

    members = {a.member: a for a in of(items, AudienceMember)}
    assert members["giulia.bsky.social"].is_follower is True
    assert members["did:plc:nohandle00000000000000000"].is_follower is True
    assert members["marco.example.com"].is_follower is False  # liked, does not follow
    inter = sorted((i.kind, i.member, i.occurred_at) for i in of(items, Interaction))
    assert inter == [
        ("like", "marco.example.com", datetime(2026, 11, 20, 9, tzinfo=UTC)),
        ("repost", "giulia.bsky.social", None),
    ]
    cursor = items[-1]
    assert isinstance(cursor, SyncCursor)
    assert cursor.value["newest"] == "2026-11-20T08:30:00+00:00"
    # 5 items at 2 per page: 3 feed requests, the last answer without a cursor
    methods = [r.url.path for r in view.requests]
    assert methods.count("/xrpc/app.bsky.feed.getAuthorFeed") == 3
    assert view.requests[0].headers["user-agent"].endswith("smm-bluesky/0.1.0")


def test_incremental_sync_stops_at_known_posts_outside_the_refresh_window() -> None:
    new = item("3lfxz0000000a", "2026-11-25T10:00:00.000Z")
    view = FakeAppView([new, *FEED], page=100)
    settings = BlueskySettings(followers_limit=0, interactions_posts=0, refresh_days=7)
    cursor = {"did": DID, "newest": "2026-11-20T08:30:00+00:00"}
    items = asyncio.run(run(BlueskySource(settings), view, cursor=cursor))
    assert [p.post_id for p in of(items, Post)] == [new["post"]["uri"]]
    # the known post of 2026-11-20 is inside the 7-day refresh window: new metrics only;
    # the reply of 2026-11-18 is outside it and ends the sync
    assert [m.post_id for m in of(items, PostMetrics)] == [new["post"]["uri"], OWN["post"]["uri"]]
    assert [r.url.path for r in view.requests] == [
        "/xrpc/app.bsky.actor.getProfile",
        "/xrpc/app.bsky.feed.getAuthorFeed",
    ]
    assert items[-1].value["newest"] == "2026-11-25T10:00:00+00:00"


def test_empty_feed_and_since() -> None:
    view = FakeAppView([])
    items = asyncio.run(run(BlueskySource(BlueskySettings(followers_limit=0)), view))
    assert of(items, Post) == [] and items[-1].value["newest"] is None

    view = FakeAppView(FEED)
    settings = BlueskySettings(followers_limit=0, interactions_posts=0)
    since = datetime(2026, 11, 16, tzinfo=UTC)
    items = asyncio.run(run(BlueskySource(settings), view, since=since))
    assert [p.kind for p in of(items, Post)] == ["post", "reply"]


@pytest.mark.parametrize(
    ("error", "kind", "text"),
    [
        ("not_found", "not_found", "Profile not found"),
        ("takedown", "suspended", "taken down"),
        ("deactivated", "suspended", "deactivated"),
        ("blocked", "blocked", "blocks"),
        ("rate_limited", "rate_limited", "Rate Limit Exceeded"),
        ("unavailable", "network", "Internal Server Error"),
    ],
)
def test_xrpc_errors_become_clear_unit_errors(error: str, kind: str, text: str) -> None:
    spec = ERRORS[error]
    view = FakeAppView(FEED)
    view.override = lambda r: httpx.Response(
        spec["status"], json=spec["body"], headers=spec.get("headers", {})
    )
    with pytest.raises(SourceError) as info:
        asyncio.run(run(BlueskySource(), view))
    assert info.value.kind == kind
    assert text in str(info.value)
    assert len(view.requests) == (2 if spec["status"] >= 429 else 1)


def test_malformed_json_in_the_feed() -> None:
    view = FakeAppView(FEED)
    view.override = lambda r: (
        httpx.Response(200, content=b'{"feed": [', headers={"content-type": "application/json"})
        if "getAuthorFeed" in r.url.path
        else None
    )
    with pytest.raises(SourceError) as info:
        asyncio.run(run(BlueskySource(), view))
    assert info.value.kind == "invalid_data"


def test_base_url_setting_points_at_another_appview() -> None:
    view = FakeAppView([])
    settings = BlueskySettings(base_url="http://127.0.0.1:9/", followers_limit=0)
    asyncio.run(run(BlueskySource(settings), view))
    assert str(view.requests[0].url).startswith("http://127.0.0.1:9/xrpc/app.bsky.actor.getProfile")


def test_without_a_pipeline_client_the_source_opens_its_own(monkeypatch: Any) -> None:
    import smm_bluesky.source as module

    view = FakeAppView([ITEM])
    opened: list[str] = []

    def fake_open_client(**kwargs: Any) -> httpx.AsyncClient:
        opened.append(kwargs["user_agent_extra"])
        return open_client(transport=httpx.MockTransport(view.handler), **kwargs)

    monkeypatch.setattr(module, "open_client", fake_open_client)
    settings = BlueskySettings(followers_limit=0, interactions_posts=0)

    async def main() -> list[Any]:
        unit = SyncUnit(source="bluesky", key="k", network="bluesky", account="forno.bsky.social")
        ctx = SourceContext(now=NOW)  # no http
        return [x async for x in BlueskySource(settings).fetch(unit, ctx)]

    items = asyncio.run(main())
    assert opened == ["smm-bluesky/0.1.0"]
    assert len(of(items, Post)) == 1


# --------------------------------------------------------------------------- replies

ROOT = OWN["post"]["uri"]  # replyCount 3; thread.json is its thread
MARCO_REPLY = "at://did:plc:marco00000000000000000000/app.bsky.feed.post/3lfxq0000000a"
LUCA_REPLY = "at://did:plc:luca000000000000000000000/app.bsky.feed.post/3lfxu0000000a"


def test_replies_become_interactions_with_their_ids_and_times() -> None:
    view = FakeAppView([OWN], page=100)
    view.threads[ROOT] = THREAD
    items = asyncio.run(run(BlueskySource(), view))

    replies = [
        (i.member, i.post_id, i.interaction_id, i.occurred_at)
        for i in of(items, Interaction)
        if i.kind == "reply"
    ]
    # forno's own reply, the deleted (notFoundPost) and the blocked one are not counted
    assert replies == [
        ("marco.example.com", ROOT, MARCO_REPLY, datetime(2026, 11, 20, 9, 15, tzinfo=UTC)),
        (
            "did:plc:luca000000000000000000000",
            ROOT,
            LUCA_REPLY,
            datetime(2026, 11, 21, 18, 45, 30, tzinfo=UTC),
        ),
    ]
    # marco liked and replied: one member record; luca is new; neither follows
    members = [(a.member, a.is_follower) for a in of(items, AudienceMember)]
    assert members.count(("marco.example.com", False)) == 1
    assert ("did:plc:luca000000000000000000000", False) in members
    assert not any("troll" in a.member or "gone" in a.member for a in of(items, AudienceMember))
    assert items[-1].value["counts"][ROOT] == [12, 4, 3]


def test_repliers_are_members_of_unknown_following_when_followers_are_not_read() -> None:
    view = FakeAppView([OWN], page=100)
    view.threads[ROOT] = THREAD
    items = asyncio.run(run(BlueskySource(BlueskySettings(followers_limit=0)), view))
    members = sorted((a.member, a.is_follower) for a in of(items, AudienceMember))
    assert members == [("did:plc:luca000000000000000000000", None), ("marco.example.com", None)]


def test_unchanged_reply_counts_make_no_thread_request_next_sync() -> None:
    view = FakeAppView([OWN], page=100)
    view.threads[ROOT] = THREAD
    settings = BlueskySettings(followers_limit=0)
    first = asyncio.run(run(BlueskySource(settings), view))
    threads = [r for r in view.requests if r.url.path.endswith("getPostThread")]
    assert [r.url.params["uri"] for r in threads] == [ROOT]

    view.requests.clear()
    second = asyncio.run(run(BlueskySource(settings), view, cursor=dict(first[-1].value)))
    assert [r.url.path for r in view.requests] == [
        "/xrpc/app.bsky.actor.getProfile",
        "/xrpc/app.bsky.feed.getAuthorFeed",
    ]
    assert of(second, Interaction) == []

    # one more reply (3 -> 4): the thread is read again
    changed = copy.deepcopy(OWN)
    changed["post"]["replyCount"] = 4
    view.feed = [changed]
    view.requests.clear()
    third = asyncio.run(run(BlueskySource(settings), view, cursor=dict(second[-1].value)))
    assert view.requests[-1].url.path == "/xrpc/app.bsky.feed.getPostThread"
    assert third[-1].value["counts"][ROOT] == [12, 4, 4]


@pytest.mark.parametrize(
    ("status_code", "body", "retry_next_time"),
    [
        (400, {"error": "NotFound", "message": "Post not found"}, False),
        (404, {"error": "NotFound", "message": "Not Found"}, False),
        (501, {"error": "MethodNotImplemented", "message": "Method Not Implemented"}, False),
        (500, {"error": "InternalServerError", "message": "Internal Server Error"}, True),
    ],
)
def test_a_failing_thread_request_does_not_fail_the_unit(
    status_code: int, body: dict[str, str], retry_next_time: bool
) -> None:
    view = FakeAppView([OWN], page=100)
    view.override = lambda r: (
        httpx.Response(status_code, json=body) if r.url.path.endswith("getPostThread") else None
    )
    lines: list[str] = []
    settings = BlueskySettings(followers_limit=0)
    items = asyncio.run(run(BlueskySource(settings), view, log=lines.append))

    assert sorted(i.kind for i in of(items, Interaction)) == ["like", "repost"]
    assert len(of(items, Post)) == 1
    assert len(lines) == 1 and "the replies of 1 post(s) were not read" in lines[0]
    assert body["message"] in lines[0]
    # a deleted post or a missing method is settled; a 500 is asked again next sync
    assert items[-1].value["counts"][ROOT] == [12, 4, None if retry_next_time else 3]


def test_replies_posts_caps_the_threads_read_per_sync() -> None:
    view = FakeAppView([OWN, REPLY], page=100)  # both have replyCount 3
    view.threads[ROOT] = THREAD
    settings = BlueskySettings(followers_limit=0, replies_posts=1)
    items = asyncio.run(run(BlueskySource(settings), view))
    threads = [r.url.params["uri"] for r in view.requests if "getPostThread" in r.url.path]
    assert threads == [ROOT]  # the newest post only
    counts = items[-1].value["counts"]
    assert counts[ROOT][2] == 3 and counts[REPLY["post"]["uri"]][2] is None  # next sync

    view.requests.clear()
    off = BlueskySettings(followers_limit=0, replies_posts=0)
    asyncio.run(run(BlueskySource(off), view))
    assert not any("getPostThread" in r.url.path for r in view.requests)
