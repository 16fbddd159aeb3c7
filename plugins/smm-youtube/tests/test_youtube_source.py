"""The YouTube source against documented-shape responses, offline."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from pydantic import SecretStr
from smm_youtube.settings import YouTubeSettings
from smm_youtube.source import YouTubeSource, channel_query

from smmcore.contracts import SourceError, SyncCursor
from smmcore.models import Account, AccountSnapshot, Post, PostMetrics

API_KEY = "AIzaSy-test-secret-key-0123456789"


def of(items, kind):
    return [i for i in items if isinstance(i, kind)]


def test_channel_by_handle_maps_account_and_snapshot(source, fake, run):
    items = run(source, fake)
    first = fake.requests[0]
    assert first.url.path == "/youtube/v3/channels"
    assert first.url.params["forHandle"] == "@fornorossi"
    assert first.url.params["part"] == "snippet,statistics,contentDetails"
    assert first.url.params["key"] == API_KEY
    [account] = of(items, Account)
    assert account.account == "fornorossi"
    assert account.display_name == "Forno Rossi \u2013 Pane & Caffè ☕"
    assert account.url == "https://www.youtube.com/@fornorossi"
    assert account.bio.endswith("caffè. 🥐")
    assert account.created_at == datetime(2016, 4, 2, 8, 15, tzinfo=UTC)
    [snap] = of(items, AccountSnapshot)
    # subscriberCount "12300" (YouTube rounds it to 3 significant figures); videoCount "120"
    assert (snap.followers, snap.following, snap.posts_count) == (12300, None, 120)
    assert snap.captured_at == datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def test_channel_id_and_urls_select_the_right_filter():
    assert channel_query("UC_x5XG1OV2P6uZZ5FSM9Ttw") == {"id": "UC_x5XG1OV2P6uZZ5FSM9Ttw"}
    assert channel_query("@google") == {"forHandle": "@google"}
    assert channel_query("https://www.youtube.com/@google") == {"forHandle": "@google"}
    assert channel_query("https://www.youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw") == {
        "id": "UC_x5XG1OV2P6uZZ5FSM9Ttw"
    }


def test_hidden_subscriber_count_is_unknown_not_zero(source, fake, run, fixture):
    fake.channel = fixture("channels_hidden_subscribers.json")
    fake.videos = []
    items = run(source, fake, account="UCpasticceriaBianchiXXXX")
    assert fake.requests[0].url.params["id"] == "UCpasticceriaBianchiXXXX"
    [snap] = of(items, AccountSnapshot)
    assert snap.followers is None
    assert snap.posts_count == 0
    [account] = of(items, Account)
    assert account.bio is None  # empty description
    assert account.url == "https://www.youtube.com/channel/UCpasticceriaBianchiXXXX"


def test_videos_map_to_posts_and_metrics_with_unicode(source, fake, run):
    items = run(source, fake)
    posts = of(items, Post)
    assert [p.post_id for p in posts] == ["vid00000003", "vid00000002", "vid00000001"]
    newest = posts[0]
    assert newest.kind == "video"
    assert newest.created_at == datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    assert (
        newest.text
        == "Video 3: la ricetta della focaccia 🍕\n\nCittà, perché, più: accenti italiani."
    )
    assert newest.url == "https://www.youtube.com/watch?v=vid00000003"
    assert newest.language == "it"
    metrics = {m.post_id: m for m in of(items, PostMetrics)}
    m3 = metrics["vid00000003"]
    assert (m3.views, m3.likes, m3.replies, m3.reposts) == (300, 30, 3, None)
    assert fake.paths() == ["channels", "playlistItems", "videos"]
    assert fake.requests[1].url.params["playlistId"] == "UUfornoRossiXXXXXXXXXXXX"
    assert fake.requests[1].url.params["maxResults"] == "50"
    assert fake.requests[2].url.params["part"] == "snippet,statistics"


def test_missing_counts_are_none(source, fake, run):
    del fake.videos[0]["statistics"]["likeCount"]  # likes hidden by the owner
    del fake.videos[1]["statistics"]["commentCount"]  # comments disabled
    fake.videos[2].pop("statistics")  # no statistics part at all
    fake.videos[1]["statistics"]["viewCount"] = "0"  # a real zero stays 0
    metrics = {m.post_id: m for m in of(run(source, fake), PostMetrics)}
    assert (metrics["vid00000003"].likes, metrics["vid00000003"].views) == (None, 300)
    assert (metrics["vid00000002"].replies, metrics["vid00000002"].views) == (None, 0)
    m1 = metrics["vid00000001"]
    assert (m1.views, m1.likes, m1.replies) == (None, None, None)


def test_pagination_over_three_pages_counts_quota(source, fake_factory, run):
    fake = fake_factory(n_videos=120)
    items = run(source, fake)
    posts = of(items, Post)
    assert len(posts) == 120
    assert len({p.post_id for p in posts}) == 120
    # 1 channels + 3 playlistItems pages (50, 50, 20) + 3 videos batches = 7 units
    assert fake.paths() == ["channels"] + ["playlistItems", "videos"] * 3
    assert [r.url.params.get("pageToken") for r in fake.requests[1::2]] == [None, "50", "100"]
    assert source.budget.used == 7
    [cursor] = of(items, SyncCursor)
    assert cursor.value["newest_video_id"] == "vid00000120"
    assert cursor.value["newest_published_at"] == "2026-11-01T12:00:00+00:00"


def test_second_sync_fetches_only_new_videos(source, fake_factory, run):
    fake = fake_factory(n_videos=120)
    first = run(source, fake)
    [cursor] = of(first, SyncCursor)
    fake.add_new(2)
    fake.requests.clear()
    second = run(source, fake, cursor=cursor.value)
    assert [p.post_id for p in of(second, Post)] == ["vid00000122", "vid00000121"]
    assert fake.paths() == ["channels", "playlistItems", "videos"]
    assert fake.requests[2].url.params["id"] == "vid00000122,vid00000121"
    [new_cursor] = of(second, SyncCursor)
    assert new_cursor.value["newest_video_id"] == "vid00000122"
    # nothing new: the cursor stays where it was and no videos call is made
    fake.requests.clear()
    third = run(source, fake, cursor=new_cursor.value)
    assert of(third, Post) == []
    assert fake.paths() == ["channels", "playlistItems"]
    assert of(third, SyncCursor)[0].value["newest_video_id"] == "vid00000122"


def test_refresh_window_refetches_recent_statistics(fake_factory, run):
    source = YouTubeSource(YouTubeSettings(api_key=SecretStr(API_KEY), refresh_days=3))
    fake = fake_factory(n_videos=10)  # one a day, newest 2026-11-01 12:00
    cursor = {"newest_video_id": "vid00000010", "newest_published_at": "2026-11-01T12:00:00Z"}
    fake.add_new(1)
    items = run(source, fake, cursor=cursor)
    # only the new video is a Post again; videos 10, 9, 8 (published within 3 days before
    # the cursor; 7 is exactly 3 days) get a fresh metric snapshot
    assert [p.post_id for p in of(items, Post)] == ["vid00000011"]
    assert [m.post_id for m in of(items, PostMetrics)] == [
        "vid00000011",
        "vid00000010",
        "vid00000009",
        "vid00000008",
    ]
    assert of(items, SyncCursor)[0].value["newest_video_id"] == "vid00000011"


def test_full_sync_ignores_the_cursor(source, fake, run):
    cursor = {"newest_video_id": "vid00000003", "newest_published_at": "2026-11-01T12:00:00Z"}
    assert len(of(run(source, fake, cursor=cursor), Post)) == 0
    assert len(of(run(source, fake, cursor=cursor, full=True), Post)) == 3


def test_since_stops_paging(source, fake_factory, run):
    fake = fake_factory(n_videos=120)
    items = run(source, fake, since=datetime(2026, 10, 30, 0, 0, tzinfo=UTC))
    assert [p.post_id for p in of(items, Post)] == ["vid00000120", "vid00000119", "vid00000118"]
    assert fake.paths() == ["channels", "playlistItems", "videos"]


def test_empty_playlist_yields_no_posts_and_a_cursor(source, fake_factory, run):
    fake = fake_factory(n_videos=0)
    items = run(source, fake)
    assert of(items, Post) == []
    [cursor] = of(items, SyncCursor)
    assert cursor.value == {"channel_id": "UCfornoRossiXXXXXXXXXXXX"}
    assert fake.paths() == ["channels", "playlistItems"]


def test_unknown_handle_is_not_found(source, fake, run, fixture):
    fake.channel = fixture("channels_empty.json")
    with pytest.raises(SourceError) as err:
        run(source, fake, account="nessuno")
    assert err.value.kind == "not_found"
    assert "'nessuno'" in str(err.value)


@pytest.mark.parametrize(
    ("resource", "status", "body_file", "kind"),
    [
        ("videos", 403, "error_quotaExceeded.json", "quota"),
        ("channels", 400, "error_keyInvalid.json", "auth"),
        ("channels", 404, "error_channelNotFound.json", "not_found"),
    ],
)
def test_documented_errors_become_clear_source_errors(
    source, fake, run, fixture, resource, status, body_file, kind
):
    fake.fail[resource] = httpx.Response(status, json=fixture(body_file))
    with pytest.raises(SourceError) as err:
        run(source, fake)
    assert err.value.kind == kind
    assert API_KEY not in str(err.value)
    assert err.value.hint


def test_quota_exceeded_says_the_unit_is_discarded(source, fake, run, fixture):
    fake.fail["videos"] = httpx.Response(403, json=fixture("error_quotaExceeded.json"))
    with pytest.raises(SourceError) as err:
        run(source, fake)
    message = str(err.value)
    assert "quota exceeded (403 quotaExceeded) after 3 units" in message
    assert "discarded, not saved" in message
    assert "Pacific" in message  # the hint: when the quota resets


@pytest.mark.parametrize(
    ("status", "kind"),
    [(401, "auth"), (403, "auth"), (429, "rate_limited"), (500, "network"), (503, "network")],
)
def test_http_statuses_without_documented_body(source, fake, run, status, kind):
    fake.fail["playlistItems"] = httpx.Response(status, text="<html>error</html>")
    with pytest.raises(SourceError) as err:
        run(source, fake)
    assert err.value.kind == kind
    assert API_KEY not in str(err.value)


def test_malformed_json_is_invalid_data(source, fake, run):
    fake.fail["videos"] = httpx.Response(
        200,
        content=b'{"kind": "youtube#videoListResponse", "items": [',
        headers={"content-type": "application/json"},
    )
    with pytest.raises(SourceError) as err:
        run(source, fake)
    assert err.value.kind == "invalid_data"
    assert "youtube/v3/videos" in str(err.value)
    assert API_KEY not in str(err.value)
    assert "key=REDACTED" in str(err.value)


def test_network_error_names_the_url_without_the_key(source, run):
    def handler(request):
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(SourceError) as err:
        run(source, handler)
    assert err.value.kind == "network"
    assert "https://www.googleapis.com/youtube/v3/channels" in str(err.value)
    assert API_KEY not in str(err.value)


def test_missing_api_key_names_the_env_var(fake, run, monkeypatch):
    monkeypatch.delenv("YOUTUBE_API_KEY", raising=False)
    with pytest.raises(SourceError) as err:
        run(YouTubeSource(None), fake)
    assert err.value.kind == "config"
    assert "YOUTUBE_API_KEY" in str(err.value)
    assert fake.requests == []


def test_api_key_from_the_environment(fake, run, monkeypatch):
    monkeypatch.setenv("YOUTUBE_API_KEY", "env-key-42")
    run(YouTubeSource(None), fake)
    assert fake.requests[0].url.params["key"] == "env-key-42"


def test_after_quota_exceeded_later_units_send_nothing(source, fake, run, fixture):
    fake.fail["videos"] = httpx.Response(403, json=fixture("error_quotaExceeded.json"))
    with pytest.raises(SourceError):
        run(source, fake)
    fake.requests.clear()
    with pytest.raises(SourceError) as err:
        run(source, fake, account="altrocanale")
    assert err.value.kind == "quota"
    assert "earlier in this run" in str(err.value)
    assert fake.requests == []


def test_daily_quota_budget_stops_before_overspending(fake_factory, run):
    source = YouTubeSource(YouTubeSettings(api_key=SecretStr(API_KEY), daily_quota=4))
    fake = fake_factory(n_videos=120)
    with pytest.raises(SourceError) as err:
        run(source, fake)
    assert err.value.kind == "quota"
    assert len(fake.requests) == 4  # channels, playlistItems, videos, playlistItems; not a 5th
    assert "discarded" in str(err.value)


def test_max_videos_caps_the_first_sync(fake_factory, run):
    source = YouTubeSource(YouTubeSettings(api_key=SecretStr(API_KEY), max_videos=60))
    fake = fake_factory(n_videos=120)
    items = run(source, fake)
    assert len(of(items, Post)) == 60
    assert fake.paths() == ["channels", "playlistItems", "videos", "playlistItems", "videos"]


def test_base_url_setting_is_used(fake, run):
    source = YouTubeSource(
        YouTubeSettings(api_key=SecretStr(API_KEY), base_url="http://127.0.0.1:9/yt/v3/")
    )
    run(source, fake)
    assert str(fake.requests[0].url).startswith("http://127.0.0.1:9/yt/v3/channels?")


def test_registration_is_lazy_and_complete():
    from smm_youtube import plugin

    from smmcore.testing.helpers import make_host

    host = make_host(("youtube", plugin))
    spec = host.sources()["youtube"]
    assert spec.networks == ("youtube",)
    assert spec.load() is YouTubeSource
    assert spec.load_settings_model() is YouTubeSettings


def test_through_the_shared_client_user_agent_and_retry(source, fake):
    import asyncio

    from smmcore.contracts import SourceContext, SyncUnit
    from smmcore.http import open_client

    flaky = {"left": 1}

    def handler(request):
        if request.url.path.endswith("/videos") and flaky["left"]:
            flaky["left"] -= 1
            return httpx.Response(503, text="backend error")
        return fake.handler(request)

    async def go():
        async with open_client(
            transport=httpx.MockTransport(handler), backoff_initial=0.0, backoff_max=0.0
        ) as client:
            unit = SyncUnit(source="youtube", key="k", network="youtube", account="fornorossi")
            return [i async for i in source.fetch(unit, SourceContext(http=client))]

    items = asyncio.run(go())
    assert len(of(items, Post)) == 3
    assert "smm-youtube/0.1.0" in fake.requests[-1].headers["User-Agent"]
    assert fake.paths() == ["channels", "playlistItems", "videos"]  # the 503 was retried


def test_skipped_playlist_items_are_logged_and_counted(source, fake, run):
    """A playlist item without a video id (documented shape, id removed: constructed) and a
    video videos.list does not return (private) are skipped with a log line and counted."""
    original = fake.handler

    def handler(request: httpx.Request) -> httpx.Response:
        response = original(request)
        resource = request.url.path.rsplit("/", 1)[-1]
        if resource == "playlistItems":
            body = response.json()
            del body["items"][1]["contentDetails"]["videoId"]
            return httpx.Response(200, json=body)
        if resource == "videos":
            body = response.json()
            body["items"] = [v for v in body["items"] if v["id"] != "vid00000001"]
            return httpx.Response(200, json=body)
        return response

    lines: list[str] = []
    items = run(source, handler, log=lines.append)
    assert [p.post_id for p in of(items, Post)] == ["vid00000003"]
    assert any("has no video id; skipped" in li for li in lines), lines
    summary = lines[-1]
    assert "1 videos" in summary
    assert "1 playlist items without a video id skipped" in summary
    assert "1 private or deleted videos skipped" in summary
