"""The Meta source against documented-shape Graph API answers: mapping, paging, usage
headers and throttling, token and permission errors, retired metrics, incremental sync."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import meta_graph_payloads as g
import pytest
from smm_meta.settings import MetaSettings
from smm_meta.source import MetaSource

from smmcore.contracts import SourceContext, SourceError, SyncCursor, SyncUnit
from smmcore.models import Interaction, Post, PostMetrics
from smmcore.testing.replay import replay_transport

NOW = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
IG = SyncUnit("meta", f"meta:instagram:{g.IG_USER}", "instagram", g.IG_USER, {"id": g.IG_ID})
FB = SyncUnit("meta", f"meta:facebook:{g.PAGE_USER}", "facebook", g.PAGE_USER)


class Recorder(httpx.AsyncBaseTransport):
    """Replays ``table`` and keeps every request sent."""

    def __init__(self, table: dict[str, Any]) -> None:
        self.inner = replay_transport(table)
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


def run(
    unit: SyncUnit,
    table: dict[str, Any] | None = None,
    *,
    cursor: dict[str, Any] | None = None,
    since: datetime | None = None,
    polite: bool = False,
    **settings: Any,
) -> tuple[list[Any], list[str], Recorder]:
    """Fetch one unit; returns (items, log lines, recorder)."""
    recorder = Recorder(g.responses() if table is None else table)
    source = MetaSource(MetaSettings(access_token=g.TOKEN, **settings))
    lines: list[str] = []

    async def main() -> list[Any]:
        if polite:
            from smmcore.http import open_client

            fake = FakeTime()
            client = open_client(transport=recorder, clock=fake.clock, sleep=fake.sleep)
        else:
            client = httpx.AsyncClient(transport=recorder)
        async with client:
            ctx = SourceContext(cursor=cursor, since=since, http=client, now=NOW, log=lines.append)
            return [item async for item in source.fetch(unit, ctx)]

    return asyncio.run(main()), lines, recorder


class FakeTime:
    def __init__(self) -> None:
        self.now = 500.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def of(items: list[Any], kind: type) -> list[Any]:
    return [i for i in items if isinstance(i, kind)]


# ------------------------------------------------------------------ mapping and paging


def test_instagram_kinds_counts_and_insights() -> None:
    items, lines, recorder = run(IG)
    posts = {p.post_id: p for p in of(items, Post)}
    assert [posts[m["id"]].kind for m in g.MEDIA] == ["reel", "carousel", "post", "video"]
    assert posts[g.STORY["id"]].kind == "story"
    metrics = {m.post_id: m for m in of(items, PostMetrics)}
    reel = metrics["18000000000000004"]
    assert (reel.likes, reel.replies, reel.views, reel.reach, reel.saves, reel.reposts) == (
        240,
        2,
        5100,
        3900,
        41,
        17,
    )
    assert reel.impressions is None  # retired by Meta: unknown, never 0
    photo = metrics["18000000000000002"]  # likes hidden by the owner
    assert photo.likes is None and photo.replies == 1 and photo.reach == 3900 // 3
    story = metrics[g.STORY["id"]]  # "(#10) Not enough viewers": insights unknown
    assert (story.views, story.reach, story.likes) == (None, None, None)
    assert not [li for li in lines if "permission" in li]  # not taken for a refusal
    snapshot = next(i for i in items if type(i).__name__ == "AccountSnapshot")
    assert (snapshot.followers, snapshot.following, snapshot.posts_count) == (1520, 87, 4)
    replies = of(items, Interaction)
    assert sorted((r.member, r.post_id) for r in replies) == [
        ("anna.b", "18000000000000002"),
        ("anna.b", "18000000000000004"),
        ("luca_m", "18000000000000004"),
    ]
    assert all(r.kind == "reply" and r.occurred_at is not None for r in replies)
    # paging: the second page through after=<cursor>, never Meta's next URL with the token
    media_pages = [r for r in recorder.requests if r.url.path.endswith(f"{g.IG_ID}/media")]
    assert [r.url.params.get("after") for r in media_pages] == [None, "QVFIUmFmdGVyMg"]
    for request in recorder.requests:
        assert g.TOKEN not in str(request.url)
        assert request.headers["authorization"] == f"Bearer {g.TOKEN}"
    assert "4 new posts" in lines[-1] or "5 new posts" in lines[-1]


def test_facebook_page_lookup_kinds_and_unknown_shares() -> None:
    items, _, recorder = run(FB)
    assert recorder.requests[0].url.path.endswith("/me/accounts")
    posts = {p.post_id: p for p in of(items, Post)}
    assert [posts[p["id"]].kind for p in g.FB_POSTS] == ["video", "carousel", "post"]
    metrics = {m.post_id: m for m in of(items, PostMetrics)}
    video, album, status = (metrics[p["id"]] for p in g.FB_POSTS)
    assert (video.likes, video.replies, video.reposts, video.views, video.reach, video.clicks) == (
        61,
        1,
        4,
        2000,
        1500,
        77,
    )
    assert album.reposts is None  # Meta sent no "shares": unknown, not 0
    assert status.reposts == 0 and status.clicks is None
    snapshot = next(i for i in items if type(i).__name__ == "AccountSnapshot")
    assert snapshot.followers == 3310  # followers_count, not fan_count
    (comment,) = of(items, Interaction)
    assert comment.member == "5550000000001" and comment.post_id == g.FB_POSTS[0]["id"]
    cursor = items[-1]
    assert isinstance(cursor, SyncCursor) and cursor.value["id"] == g.PAGE_ID


def test_incremental_sync_refreshes_recent_metrics_only() -> None:
    first, _, _ = run(IG)
    cursor = dict(first[-1].value)
    assert cursor["newest_at"].startswith("2026-03-28")
    second, _, recorder = run(IG, cursor=cursor, refresh_days=5)
    assert [p.post_id for p in of(second, Post)] == []  # the story was seen too
    refreshed = {m.post_id for m in of(second, PostMetrics)}
    assert refreshed == {"18000000000000004", "18000000000000003", g.STORY["id"]}
    assert not any(r.url.path.endswith("/comments") for r in recorder.requests)
    # paging stopped at the cursor's floor (the first post of the second page)
    assert len([r for r in recorder.requests if r.url.path.endswith("/media")]) == 2


def test_since_stops_paging() -> None:
    items, _, _ = run(IG, since=datetime(2026, 3, 24, tzinfo=UTC), stories=False)
    assert sorted(p.post_id for p in of(items, Post)) == ["18000000000000003", "18000000000000004"]


# ------------------------------------------------------------------ token and permissions


def test_missing_token_says_where_to_put_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("META_ACCESS_TOKEN", raising=False)
    source = MetaSource(MetaSettings())

    async def main() -> None:
        async for _ in source.fetch(IG, SourceContext(now=NOW)):
            pass

    with pytest.raises(SourceError) as info:
        asyncio.run(main())
    assert info.value.kind == "config"
    assert "META_ACCESS_TOKEN" in str(info.value) and "Meta token" in str(info.value)


def test_token_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("META_ACCESS_TOKEN", g.TOKEN)
    source = MetaSource(MetaSettings())
    assert source._token() == g.TOKEN


def _with(key: str, answer: dict[str, Any]) -> dict[str, Any]:
    table = g.responses()
    table[key] = answer
    return table


PROFILE_KEY = f"GET {g.ROOT}/{g.IG_ID}?fields={g.IG_PROFILE_FIELDS}"


def test_expired_token_is_explained() -> None:
    body = g.error(
        190,
        "Error validating access token: Session has expired on Tuesday, 31-Mar-26 10:00:00 "
        "PDT. The current time is Wednesday, 01-Apr-26 01:00:00 PDT.",
        sub=463,
    )
    with pytest.raises(SourceError) as info:
        run(IG, _with(PROFILE_KEY, {"status": 400, "json": body}))
    err = info.value
    assert err.kind == "auth"
    assert "the token has expired" in str(err) and "Graph error 190/463" in str(err)
    assert "META_ACCESS_TOKEN" in str(err) and g.TOKEN not in str(err)


def test_missing_permission_names_it() -> None:
    body = g.error(10, "(#10) Application does not have permission for this action")
    with pytest.raises(SourceError) as info:
        run(IG, _with(PROFILE_KEY, {"status": 403, "json": body}))
    assert info.value.kind == "auth"
    assert "missing permission" in str(info.value) and "instagram_basic" in str(info.value)


def test_insights_without_permission_keep_the_posts() -> None:
    key = f"GET {g.ROOT}/18000000000000004/insights?metric={g.IG_METRICS}"
    body = g.error(10, "(#10) The user must be an administrator to access insights (permission)")
    items, lines, recorder = run(IG, _with(key, {"status": 403, "json": body}))
    assert len(of(items, Post)) == 5
    assert all(m.reach is None for m in of(items, PostMetrics))
    assert any("insights not read" in li and "instagram_manage_insights" in li for li in lines)
    insight_calls = [r for r in recorder.requests if r.url.path.endswith("/insights")]
    assert len(insight_calls) == 1  # asked once, then not again in this unit


# ------------------------------------------------------------------ retired and renamed metrics


def test_retired_metric_in_settings_is_not_asked() -> None:
    items, lines, recorder = run(
        IG, instagram_metrics=["views", "reach", "saved", "shares", "impressions"], stories=False
    )
    assert any("'impressions' not asked" in li and "v22.0" in li for li in lines)
    asked = {r.url.params["metric"] for r in recorder.requests if r.url.path.endswith("/insights")}
    assert asked == {g.IG_METRICS}
    assert all(m.impressions is None for m in of(items, PostMetrics))


def test_a_metric_meta_refuses_is_dropped_and_stays_unknown() -> None:
    table = g.responses()
    refusal = g.error(
        100,
        "(#100) metric[0] must be one of the following values: impressions, reach, saved, "
        "video_views",
    )
    without = "reach,saved,shares"
    for media in g.MEDIA:
        key = f"GET {g.ROOT}/{media['id']}/insights?metric={g.IG_METRICS}"
        table[key] = {"status": 400, "json": refusal}
        table[f"GET {g.ROOT}/{media['id']}/insights?metric={without}"] = {
            "json": g.insights(media["id"], {"reach": 300, "saved": 4, "shares": 2})
        }
    items, lines, recorder = run(IG, table, stories=False)
    metrics = of(items, PostMetrics)
    assert all(m.views is None and m.reach == 300 for m in metrics)
    refused = [li for li in lines if "refuses the metric 'views'" in li]
    assert [li.split(":")[0] for li in refused] == ["instagram reel", "instagram feed"]
    asked = [r.url.params["metric"] for r in recorder.requests if r.url.path.endswith("/insights")]
    assert asked.count(g.IG_METRICS) == 2  # the reel, then the first feed post; never again


def test_empty_insights_are_unknown_not_zero() -> None:
    table = g.responses()
    for media in g.MEDIA:
        table[f"GET {g.ROOT}/{media['id']}/insights?metric={g.IG_METRICS}"] = {"json": {"data": []}}
    items, _, _ = run(IG, table, stories=False)
    assert all(m.reach is None and m.views is None for m in of(items, PostMetrics))


# ------------------------------------------------------------------ usage headers, throttling


def test_usage_header_at_80_percent_is_logged_once() -> None:
    table = g.responses()
    busy = {"X-App-Usage": '{"call_count":85,"total_time":40,"total_cputime":30}'}
    table[PROFILE_KEY] = {"json": g.IG_PROFILE, "headers": busy}
    _, lines, _ = run(IG, table)
    assert [li for li in lines if "85%" in li and "call budget" in li]


def test_business_use_case_throttle_defers_the_unit() -> None:
    from smmcore.http import WaitDeferred, WaitScope, wait_scope

    table = g.responses()
    buc = (
        '{"17841400000000001":[{"type":"instagram","call_count":100,"total_cputime":20,'
        '"total_time":20,"estimated_time_to_regain_access":7}]}'
    )
    table[PROFILE_KEY] = {"json": g.IG_PROFILE, "headers": {"X-Business-Use-Case-Usage": buc}}
    scope = WaitScope(label="ig", limit=20)

    async def main() -> None:
        from smmcore.http import open_client

        fake = FakeTime()
        async with open_client(
            transport=replay_transport(table), clock=fake.clock, sleep=fake.sleep
        ) as client:
            source = MetaSource(MetaSettings(access_token=g.TOKEN))
            with wait_scope(scope):
                async for _ in source.fetch(IG, SourceContext(http=client, now=NOW)):
                    pass

    with pytest.raises(WaitDeferred) as info:
        asyncio.run(main())
    text = str(info.value)
    assert "asks to wait 420 s" in text and "X-Business-Use-Case-Usage" in text
    assert "regained in 7 min" in text


def test_throttle_error_code_is_retried_after_the_wait() -> None:
    table = g.responses()
    table[PROFILE_KEY] = [
        {
            "status": 400,
            "headers": {"X-App-Usage": '{"call_count":100,"total_time":30,"total_cputime":12}'},
            "json": g.error(4, "(#4) Application request limit reached"),
        },
        {"json": g.IG_PROFILE},
    ]
    lines: list[str] = []

    async def main() -> tuple[list[Any], FakeTime]:
        from smmcore.http import open_client

        fake = FakeTime()
        async with open_client(
            transport=replay_transport(table),
            clock=fake.clock,
            sleep=fake.sleep,
            on_wait=lines.append,
        ) as client:
            source = MetaSource(MetaSettings(access_token=g.TOKEN))
            ctx = SourceContext(http=client, now=NOW)
            return [i async for i in source.fetch(IG, ctx)], fake

    items, fake = asyncio.run(main())
    assert len(of(items, Post)) == 5
    assert any(s >= 59 for s in fake.sleeps)
    assert any("X-App-Usage at 100%" in li for li in lines), lines


def test_unknown_account_lists_what_the_token_manages() -> None:
    unit = SyncUnit("meta", "meta:instagram:altro", "instagram", "altro")
    with pytest.raises(SourceError) as info:
        run(unit)
    assert info.value.kind == "not_found" and g.IG_USER in str(info.value)


def _copy(table: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    return copy.deepcopy(table())
