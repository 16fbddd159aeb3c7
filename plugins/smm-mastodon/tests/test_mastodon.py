"""The Mastodon source against an offline instance that answers with documented payloads."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from smm_mastodon.source import MastodonSettings, MastodonSource, html_to_text

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
BASE = "https://example.social"
NOW = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


ACCOUNT = load("account.json")["body"]
STATUS = load("status.json")["body"]
FOLLOWER = load("follower.json")["body"]
CONTEXT = load("context.json")["body"]
ERRORS = load("errors.json")


def status(sid: str, created: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(STATUS)
    data.update(
        id=sid,
        created_at=created,
        uri=f"{BASE}/users/forno/statuses/{sid}",
        url=f"{BASE}/@forno/{sid}",
        account=copy.deepcopy(ACCOUNT),
    )
    data.update(changes)
    return data


def person(pid: str, acct: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(FOLLOWER)
    data.update(id=pid, acct=acct, username=acct.split("@")[0], **changes)
    return data


class FakeInstance:
    """Routes of one Mastodon instance; pages follow the Link header like the real server."""

    def __init__(self, statuses: list[dict[str, Any]], *, page_size: int = 2) -> None:
        self.statuses = statuses  # newest first
        self.page_size = page_size
        self.followers = [person("1", "giulia"), person("2", "marco@other.example")]
        self.favourited = {"113500000000000100": [person("2", "marco@other.example")]}
        self.reblogged = {"113500000000000100": [person("3", "anna@third.example")]}
        self.contexts: dict[str, dict[str, Any]] = {}  # status id -> Context entity
        self.requests: list[httpx.Request] = []
        self.override: Callable[[httpx.Request], httpx.Response | None] | None = None

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.override is not None:
            answer = self.override(request)
            if answer is not None:
                return answer
        path = request.url.path
        if path == "/api/v1/accounts/lookup":
            assert request.url.params["acct"] == "forno"
            return httpx.Response(200, json=ACCOUNT)
        if path == f"/api/v1/accounts/{ACCOUNT['id']}":
            return httpx.Response(200, json=ACCOUNT)
        if path == f"/api/v1/accounts/{ACCOUNT['id']}/statuses":
            return self._page(request, self.statuses)
        if path == f"/api/v1/accounts/{ACCOUNT['id']}/followers":
            return self._page(request, self.followers)
        if path.startswith("/api/v1/statuses/"):
            _, _, _, _, sid, what = path.split("/")
            if what == "context":
                if sid in self.contexts:
                    return httpx.Response(200, json=self.contexts[sid])
                return httpx.Response(404, json=ERRORS["not_found"]["body"])
            table = self.favourited if what == "favourited_by" else self.reblogged
            return self._page(request, table.get(sid, []))
        return httpx.Response(404, json=ERRORS["not_found"]["body"])

    def _page(self, request: httpx.Request, items: list[dict[str, Any]]) -> httpx.Response:
        params = request.url.params
        limit = min(int(params.get("limit", 20)), self.page_size)
        start = 0
        if "max_id" in params:
            ids = [i["id"] for i in items]
            start = ids.index(params["max_id"]) + 1
        page = items[start : start + limit]
        headers = {}
        if page:
            nxt = request.url.copy_merge_params({"max_id": page[-1]["id"]})
            headers["Link"] = f'<{nxt}>; rel="next", <{request.url}>; rel="prev"'
        return httpx.Response(200, json=page, headers=headers)


STATUSES = [
    status("113500000000000100", "2026-11-20T08:30:00.000Z"),
    status(
        "113400000000000200",
        "2026-11-10T18:00:00.000Z",
        in_reply_to_id="113300000000000001",
        in_reply_to_account_id="555",
        content='<p><span class="h-card"><a href="https://other.example/@marco" '
        'class="u-url mention">@<span>marco</span></a></span> Grazie mille! 🙏 Ça va? 日本</p>',
        replies_count=0,
        reblogs_count=0,
        favourites_count=0,
    ),
    status(
        "113300000000000300",
        "2026-11-01T12:00:00.000Z",
        reblog=status("999", "2026-10-31T12:00:00.000Z", content="<p>Someone else's</p>"),
        content="",
        replies_count=0,
        reblogs_count=0,
        favourites_count=0,
    ),
]
# A status from an older server: no quotes_count and no favourites_count at all.
OLD = status("113200000000000400", "2026-10-01T09:00:00.000Z")
del OLD["quotes_count"], OLD["favourites_count"]
STATUSES.append(OLD)


async def run(
    source: MastodonSource,
    instance: FakeInstance,
    *,
    cursor: dict[str, Any] | None = None,
    since: datetime | None = None,
    account: str = "forno@example.social",
    log: Callable[[str], None] = lambda _line: None,
) -> list[Any]:
    async with open_client(
        transport=httpx.MockTransport(instance.handler), max_retries=1, backoff_initial=0.01
    ) as http:
        ctx = SourceContext(cursor=cursor, since=since, http=http, now=NOW, log=log)
        unit = SyncUnit(source="mastodon", key="k", network="mastodon", account=account)
        return [item async for item in source.fetch(unit, ctx)]


def of(items: list[Any], kind: type) -> list[Any]:
    return [i for i in items if isinstance(i, kind)]


def test_full_sync_maps_profile_posts_metrics_audience_and_interactions() -> None:
    instance = FakeInstance(STATUSES)
    items = asyncio.run(run(MastodonSource(MastodonSettings()), instance))

    (account,) = of(items, Account)
    assert account.display_name == "Forno Rossi 🍞"
    assert account.bio == "Panetteria artigianale a Bologna. Pane, pizza & dolci 🥐"
    (snap,) = of(items, AccountSnapshot)
    assert (snap.followers, snap.following, snap.posts_count) == (1520, 87, 412)
    assert snap.captured_at == NOW

    posts = {p.post_id: p for p in of(items, Post)}
    assert [posts[s["id"]].kind for s in STATUSES] == ["post", "reply", "repost", "post"]
    first = posts["113500000000000100"]
    assert (
        first.text
        == "Il pane di oggi è pronto! 🍞✨\nVieni a trovarci.\n\nhttps://forno.example/menu"
    )
    assert first.language == "it"
    assert first.url == f"{BASE}/@forno/113500000000000100"
    assert posts["113400000000000200"].text == "@marco Grazie mille! 🙏 Ça va? 日本"
    repost = posts["113300000000000300"]
    assert repost.text == "Someone else's"
    assert repost.url == f"{BASE}/@forno/999"

    metrics = {m.post_id: m for m in of(items, PostMetrics)}
    assert "113300000000000300" not in metrics  # a reblog's counters are not ours
    m = metrics["113500000000000100"]
    assert (m.likes, m.reposts, m.replies, m.quotes) == (12, 4, 3, 1)
    old = metrics["113200000000000400"]
    assert (old.likes, old.reposts, old.replies, old.quotes) == (None, 4, 3, None)

    followers = [a for a in of(items, AudienceMember) if a.is_follower]
    assert sorted(a.member for a in followers) == ["giulia@example.social", "marco@other.example"]
    assert {a.member: a.followers for a in followers}["giulia@example.social"] == 4200

    inter = sorted((i.kind, i.member, i.post_id, i.occurred_at) for i in of(items, Interaction))
    assert inter == [
        ("like", "marco@other.example", "113500000000000100", None),
        ("repost", "anna@third.example", "113500000000000100", None),
    ]
    # anna boosted but does not follow (the follower list was complete)
    anna = [a for a in of(items, AudienceMember) if a.member == "anna@third.example"]
    assert [a.is_follower for a in anna] == [False]

    cursor = items[-1]
    assert isinstance(cursor, SyncCursor)
    assert cursor.value["since_id"] == "113500000000000100"
    assert cursor.value["account_id"] == "109302"
    # 2 statuses per page: 4 statuses -> 2 full pages + 1 empty; 1 lookup; 2 follower pages
    # (2 followers, then empty); 2 interaction lists of one page each (likes for the
    # reply/old post are 0 or unknown: the old post's favourites are unknown -> read too).
    paths = [r.url.path for r in instance.requests]
    assert paths.count("/api/v1/accounts/109302/statuses") == 3
    assert all(r.headers["user-agent"].endswith(" smm-mastodon/0.1.0") for r in instance.requests)
    assert "authorization" not in instance.requests[0].headers


def test_incremental_sync_reads_one_page_and_no_lookup() -> None:
    new = status("113600000000000001", "2026-11-25T10:00:00.000Z", favourites_count=2)
    instance = FakeInstance([new, *STATUSES], page_size=40)
    settings = MastodonSettings(followers_limit=0, interactions_posts=0, refresh_days=7)
    cursor = {"instance": BASE, "account_id": "109302", "since_id": "113500000000000100"}
    items = asyncio.run(run(MastodonSource(settings), instance, cursor=cursor))

    assert [r.url.path for r in instance.requests] == ["/api/v1/accounts/109302/statuses"]
    # the new post, and a fresh metrics snapshot of the 6-day-old one (refresh_days=7)
    assert [p.post_id for p in of(items, Post)] == ["113600000000000001"]
    metrics = [(m.post_id, m.likes) for m in of(items, PostMetrics)]
    assert metrics == [("113600000000000001", 2), ("113500000000000100", 12)]
    (snap,) = of(items, AccountSnapshot)  # from the account embedded in the statuses
    assert snap.followers == 1520
    assert items[-1].value["since_id"] == "113600000000000001"


def test_incremental_sync_without_new_statuses_asks_for_the_account() -> None:
    instance = FakeInstance([])
    settings = MastodonSettings(followers_limit=0, interactions_posts=0)
    cursor = {"instance": BASE, "account_id": "109302", "since_id": "113500000000000100"}
    items = asyncio.run(run(MastodonSource(settings), instance, cursor=cursor))
    assert [r.url.path for r in instance.requests] == [
        "/api/v1/accounts/109302/statuses",
        "/api/v1/accounts/109302",
    ]
    assert of(items, Post) == []
    assert of(items, AccountSnapshot)[0].posts_count == 412
    assert items[-1].value["since_id"] == "113500000000000100"


def test_since_stops_paging_and_empty_timeline_gives_no_posts() -> None:
    instance = FakeInstance(STATUSES)
    settings = MastodonSettings(followers_limit=0, interactions_posts=0)
    since = datetime(2026, 11, 5, tzinfo=UTC)
    items = asyncio.run(run(MastodonSource(settings), instance, since=since))
    assert [p.post_id for p in of(items, Post)] == ["113500000000000100", "113400000000000200"]
    # the 2nd page held the first status older than --since: no 3rd request
    assert [r.url.path for r in instance.requests].count("/api/v1/accounts/109302/statuses") == 2

    empty = FakeInstance([])
    items = asyncio.run(run(MastodonSource(settings), empty))
    assert of(items, Post) == [] and len(of(items, AccountSnapshot)) == 1
    assert items[-1].value["since_id"] is None


def test_token_is_sent_and_never_shown() -> None:
    instance = FakeInstance([])
    instance.override = lambda r: httpx.Response(401, json=ERRORS["unauthorized"]["body"])
    settings = MastodonSettings(access_token=SecretStr("s3cr3t-token"), followers_limit=0)
    with pytest.raises(SourceError) as info:
        asyncio.run(run(MastodonSource(settings), instance))
    assert instance.requests[0].headers["authorization"] == "Bearer s3cr3t-token"
    assert info.value.kind == "auth"
    assert "This API requires an authenticated user" in str(info.value)
    assert "s3cr3t" not in str(info.value)
    assert "s3cr3t" not in repr(settings)


@pytest.mark.parametrize(
    ("error", "kind", "text"),
    [
        ("not_found", "not_found", "Record not found"),
        ("forbidden", "private", "This action is not allowed"),
        ("gone", "suspended", "gone or suspended"),
        ("rate_limited", "rate_limited", "Too many requests"),
        ("unavailable", "network", "Service Unavailable"),
    ],
)
def test_http_errors_become_clear_unit_errors(error: str, kind: str, text: str) -> None:
    spec = ERRORS[error]
    instance = FakeInstance(STATUSES)
    instance.override = lambda r: httpx.Response(
        spec["status"], json=spec["body"], headers=spec.get("headers", {})
    )
    with pytest.raises(SourceError) as info:
        asyncio.run(run(MastodonSource(), instance))
    assert info.value.kind == kind
    assert text in str(info.value)
    if spec["status"] in (429, 503):  # retried once (max_retries=1) before giving up
        assert len(instance.requests) == 2
    else:
        assert len(instance.requests) == 1


def test_malformed_json_and_suspended_account() -> None:
    instance = FakeInstance(STATUSES)
    instance.override = lambda r: httpx.Response(
        200, content=b"<html>Maintenance</html>", headers={"content-type": "text/html"}
    )
    with pytest.raises(SourceError) as info:
        asyncio.run(run(MastodonSource(), instance))
    assert info.value.kind == "invalid_data"

    suspended = dict(ACCOUNT, suspended=True)
    instance = FakeInstance(STATUSES)
    instance.override = lambda r: (
        httpx.Response(200, json=suspended) if r.url.path.endswith("lookup") else None
    )
    with pytest.raises(SourceError) as info:
        asyncio.run(run(MastodonSource(), instance))
    assert info.value.kind == "suspended"


def test_handle_without_instance_needs_base_url() -> None:
    with pytest.raises(SourceError) as info:
        asyncio.run(run(MastodonSource(), FakeInstance([]), account="forno"))
    assert info.value.kind == "config"
    instance = FakeInstance([])
    settings = MastodonSettings(base_url=BASE + "/", followers_limit=0)
    items = asyncio.run(run(MastodonSource(settings), instance, account="forno"))
    assert of(items, Account)[0].account == "forno"
    assert str(instance.requests[0].url).startswith(BASE + "/api/v1/accounts/lookup")


def test_interactions_are_read_again_only_when_counters_change() -> None:
    instance = FakeInstance(STATUSES[:1], page_size=40)
    settings = MastodonSettings(followers_limit=0, interactions_posts=5)
    cursor = {
        "instance": BASE,
        "account_id": "109302",
        "since_id": "113400000000000000",
        # favourites unchanged, boosts 3 -> 4, replies unchanged (3)
        "counts": {"113500000000000100": [12, 3, 3]},
    }
    items = asyncio.run(run(MastodonSource(settings), instance, cursor=cursor))
    paths = [r.url.path for r in instance.requests]
    assert "/api/v1/statuses/113500000000000100/favourited_by" not in paths
    assert "/api/v1/statuses/113500000000000100/reblogged_by" in paths
    assert "/api/v1/statuses/113500000000000100/context" not in paths
    assert [i.kind for i in of(items, Interaction)] == ["repost"]
    assert items[-1].value["counts"]["113500000000000100"] == [12, 4, 3]


def test_html_to_text() -> None:
    assert html_to_text(None) is None
    assert html_to_text("a &amp; b") == "a & b"
    assert html_to_text("<p>one</p><p>two<br>three</p>") == "one\n\ntwo\nthree"


def test_recent_posts_outside_refresh_window_end_incremental_sync() -> None:
    old_only = [status("113500000000000100", (NOW - timedelta(days=30)).isoformat())]
    instance = FakeInstance(old_only, page_size=40)
    settings = MastodonSettings(followers_limit=0, interactions_posts=0)
    cursor = {"instance": BASE, "account_id": "109302", "since_id": "113500000000000100"}
    items = asyncio.run(run(MastodonSource(settings), instance, cursor=cursor))
    assert of(items, Post) == []
    assert len(instance.requests) == 1


def test_without_a_pipeline_client_the_source_opens_its_own(monkeypatch: Any) -> None:
    import smm_mastodon.source as module

    instance = FakeInstance(STATUSES[:1])
    opened: list[str] = []

    def fake_open_client(**kwargs: Any) -> httpx.AsyncClient:
        opened.append(kwargs["user_agent_extra"])
        return open_client(transport=httpx.MockTransport(instance.handler), **kwargs)

    monkeypatch.setattr(module, "open_client", fake_open_client)
    settings = MastodonSettings(followers_limit=0, interactions_posts=0)

    async def main() -> list[Any]:
        unit = SyncUnit(
            source="mastodon", key="k", network="mastodon", account="forno@example.social"
        )
        return [x async for x in MastodonSource(settings).fetch(unit, SourceContext(now=NOW))]

    items = asyncio.run(main())
    assert opened == ["smm-mastodon/0.1.0"]
    assert [p.post_id for p in of(items, Post)] == ["113500000000000100"]


# --------------------------------------------------------------------------- replies

ROOT = "113500000000000100"  # STATUSES[0]: replies_count 3


def reply(sid: str, created: str, parent: str, author: dict[str, Any]) -> dict[str, Any]:
    """A descendant of the thread: a Status (status.json) by ``author``, answering ``parent``."""
    return status(sid, created, in_reply_to_id=parent, account=author, replies_count=0)


def thread() -> dict[str, Any]:
    """The context of ROOT: the documented Context shape with constructed descendants."""
    own = copy.deepcopy(ACCOUNT)  # forno itself
    marco = person("2", "marco@other.example")
    return dict(
        CONTEXT,
        ancestors=[],
        descendants=[
            reply("113500000000000201", "2026-11-20T09:00:00.000Z", ROOT, marco),
            # forno answers marco: its own reply is not an interaction
            reply("113500000000000202", "2026-11-20T09:05:00.000Z", "113500000000000201", own),
            # marco answers forno's reply: the conversation under the post counts
            reply("113500000000000203", "2026-11-20T09:10:00.000Z", "113500000000000202", marco),
            # luca answers marco, not forno: not an interaction with the account
            reply(
                "113500000000000204",
                "2026-11-20T09:20:00.000Z",
                "113500000000000201",
                person("7", "luca@elsewhere.example"),
            ),
            # paolo answers the post directly; he does not follow forno
            reply(
                "113500000000000205",
                "2026-11-21T18:45:30.000Z",
                ROOT,
                person("8", "paolo@far.example", display_name="Paolo", followers_count=12),
            ),
        ],
    )


def test_replies_become_interactions_with_their_ids_and_times() -> None:
    instance = FakeInstance(STATUSES[:1], page_size=40)
    instance.contexts[ROOT] = thread()
    items = asyncio.run(run(MastodonSource(MastodonSettings()), instance))

    replies = [
        (i.member, i.post_id, i.interaction_id, i.occurred_at)
        for i in of(items, Interaction)
        if i.kind == "reply"
    ]
    assert replies == [
        (
            "marco@other.example",
            ROOT,
            "113500000000000201",
            datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        ),
        (
            "marco@other.example",
            "113500000000000202",
            "113500000000000203",
            datetime(2026, 11, 20, 9, 10, tzinfo=UTC),
        ),
        (
            "paolo@far.example",
            ROOT,
            "113500000000000205",
            datetime(2026, 11, 21, 18, 45, 30, tzinfo=UTC),
        ),
    ]
    # marco follows (yielded once, with the followers); paolo is a new non-follower member
    members = [(a.member, a.is_follower) for a in of(items, AudienceMember)]
    assert members.count(("marco@other.example", True)) == 1
    assert ("marco@other.example", False) not in members
    (paolo,) = [a for a in of(items, AudienceMember) if a.member == "paolo@far.example"]
    assert (paolo.is_follower, paolo.display_name, paolo.followers) == (False, "Paolo", 12)
    assert not any(a.member == "luca@elsewhere.example" for a in of(items, AudienceMember))
    assert items[-1].value["counts"][ROOT] == [12, 4, 3]


def test_repliers_are_members_of_unknown_following_when_followers_are_not_read() -> None:
    instance = FakeInstance(STATUSES[:1], page_size=40)
    instance.contexts[ROOT] = thread()
    settings = MastodonSettings(followers_limit=0)
    items = asyncio.run(run(MastodonSource(settings), instance))
    members = sorted((a.member, a.is_follower) for a in of(items, AudienceMember))
    assert members == [("marco@other.example", None), ("paolo@far.example", None)]


def test_unchanged_reply_counts_make_no_context_request_next_sync() -> None:
    instance = FakeInstance(STATUSES[:1], page_size=40)
    instance.contexts[ROOT] = thread()
    settings = MastodonSettings(followers_limit=0)
    first = asyncio.run(run(MastodonSource(settings), instance))
    assert sum(r.url.path.endswith("/context") for r in instance.requests) == 1

    instance.requests.clear()
    second = asyncio.run(run(MastodonSource(settings), instance, cursor=dict(first[-1].value)))
    # the statuses (a page and the empty next one), nothing else: every counter is the same
    statuses_path = f"/api/v1/accounts/{ACCOUNT['id']}/statuses"
    assert {r.url.path for r in instance.requests} == {statuses_path}
    assert of(second, Interaction) == []

    # one more reply (3 -> 4): the thread is read again, and only for that post
    instance.statuses = [dict(STATUSES[0], replies_count=4)]
    instance.requests.clear()
    asyncio.run(run(MastodonSource(settings), instance, cursor=dict(second[-1].value)))
    assert [r.url.path for r in instance.requests][-1] == f"/api/v1/statuses/{ROOT}/context"


@pytest.mark.parametrize(("status_code", "retry_next_time"), [(404, False), (500, True)])
def test_a_failing_context_request_does_not_fail_the_unit(
    status_code: int, retry_next_time: bool
) -> None:
    instance = FakeInstance(STATUSES[:1], page_size=40)
    instance.override = lambda r: (
        httpx.Response(status_code, json={"error": "Record not found"})
        if r.url.path.endswith("/context")
        else None
    )
    lines: list[str] = []
    settings = MastodonSettings(followers_limit=0)
    items = asyncio.run(run(MastodonSource(settings), instance, log=lines.append))

    assert [i.kind for i in of(items, Interaction)] == ["like", "repost"]  # the rest is kept
    assert len(of(items, Post)) == 1
    assert len(lines) == 1 and "the replies of 1 post(s) were not read" in lines[0]
    assert str(status_code) in lines[0]
    # a 404 (deleted) is settled; a 500 leaves the counter unknown so the next sync asks again
    assert items[-1].value["counts"][ROOT] == [12, 4, None if retry_next_time else 3]


def test_replies_posts_caps_the_threads_read_per_sync() -> None:
    second = status("113400000000000900", "2026-11-19T08:00:00.000Z", replies_count=1)
    instance = FakeInstance([STATUSES[0], second], page_size=40)
    instance.contexts[ROOT] = thread()
    settings = MastodonSettings(followers_limit=0, replies_posts=1)
    items = asyncio.run(run(MastodonSource(settings), instance))
    contexts = [r.url.path for r in instance.requests if r.url.path.endswith("/context")]
    assert contexts == [f"/api/v1/statuses/{ROOT}/context"]  # the newest post only
    counts = items[-1].value["counts"]
    assert counts[ROOT][2] == 3 and counts["113400000000000900"][2] is None  # next sync

    off = MastodonSettings(followers_limit=0, replies_posts=0)
    instance.requests.clear()
    asyncio.run(run(MastodonSource(off), instance))
    assert not any(r.url.path.endswith("/context") for r in instance.requests)


def test_a_rate_limited_context_stops_the_threads_and_keeps_the_counters() -> None:
    second = status("113400000000000900", "2026-11-19T08:00:00.000Z", replies_count=1)
    instance = FakeInstance([STATUSES[0], second], page_size=40)
    spec = ERRORS["rate_limited"]
    instance.override = lambda r: (
        httpx.Response(429, json=spec["body"], headers=spec.get("headers", {}))
        if r.url.path.endswith("/context")
        else None
    )
    lines: list[str] = []
    settings = MastodonSettings(followers_limit=0)
    items = asyncio.run(run(MastodonSource(settings), instance, log=lines.append))
    assert len(of(items, Post)) == 2 and len(lines) == 1  # the unit did not fail
    counts = items[-1].value["counts"]
    assert counts[ROOT][2] is None and counts["113400000000000900"][2] is None  # next sync
