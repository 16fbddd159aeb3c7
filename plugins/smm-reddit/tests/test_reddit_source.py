"""The Reddit source against documented-shape responses, offline."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import SecretStr
from smm_reddit.settings import RedditSettings
from smm_reddit.source import RedditSource, parse_target

from smmcore.contracts import SourceError, SyncCursor
from smmcore.models import Account, AccountSnapshot, Post, PostMetrics

SECRET = "s3cr3t-client-secret-value"
START = 1_793_000_000.0


def of(items, kind):
    return [i for i in items if isinstance(i, kind)]


def test_user_profile_account_and_followers(source, fake, run):
    logs = []
    items = run(source, fake, log=logs.append)
    about = fake.requests[0]
    assert about.url.path == "/user/forno_rossi/about.json"
    assert about.url.params["raw_json"] == "1"
    assert about.headers["User-Agent"] == f"{sys.platform}:smmcore:0.1.0 (by /u/tester)"
    [account] = of(items, Account)
    assert account.account == "u/forno_rossi"
    assert account.display_name == "Forno Rossi \u2013 pane e caffè ☕"
    assert account.url == "https://www.reddit.com/user/forno_rossi/"
    assert account.bio == "Il forno più buono di Bologna 🥖"
    assert account.created_at == datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)
    [snap] = of(items, AccountSnapshot)
    assert (snap.followers, snap.following, snap.posts_count) == (842, None, None)
    assert any("total karma 1733" in line for line in logs)


def test_user_without_profile_subreddit_has_unknown_followers(source, fake, run, fixture):
    about = fixture("user_about.json")
    del about["data"]["subreddit"]
    fake.users["forno_rossi"] = about
    [snap] = of(run(source, fake), AccountSnapshot)
    assert snap.followers is None


def test_subreddit_profile(source, fake, run):
    items = run(source, fake, account="r/panificatori")
    assert fake.requests[0].url.path == "/r/panificatori/about.json"
    assert fake.requests[1].url.path == "/r/panificatori/new.json"
    assert "sort" not in fake.requests[1].url.params
    [account] = of(items, Account)
    assert account.display_name == "Panificatori d'Italia 🇮🇹"
    assert account.url == "https://www.reddit.com/r/panificatori/"
    assert account.created_at == datetime(2010, 1, 1, tzinfo=UTC)
    [snap] = of(items, AccountSnapshot)
    assert snap.followers == 18250


def test_targets_from_handles_and_urls():
    assert parse_target("u/forno_rossi") == ("user", "forno_rossi")
    assert parse_target("/user/forno_rossi/") == ("user", "forno_rossi")
    assert parse_target("r/panificatori") == ("subreddit", "panificatori")
    assert parse_target("https://www.reddit.com/r/panificatori/") == ("subreddit", "panificatori")
    with pytest.raises(SourceError) as err:
        parse_target("forno_rossi")
    assert err.value.kind == "config"
    assert "u/name" in str(err.value)


def test_submissions_map_to_posts_and_metrics(source, fake, run):
    items = run(source, fake)
    listing = fake.requests[1]
    assert listing.url.path == "/user/forno_rossi/submitted.json"
    assert dict(listing.url.params) == {"limit": "100", "raw_json": "1", "sort": "new"}
    posts = of(items, Post)
    assert [p.post_id for p in posts] == ["p00003", "p00002", "p00001"]
    p3 = posts[0]
    assert p3.kind == "post"
    assert p3.created_at == datetime.fromtimestamp(START, UTC)
    assert p3.created_at.tzinfo is UTC
    assert p3.url == "https://www.reddit.com/r/panificatori/comments/p00003/pane_n_3/"
    assert p3.text == (
        "Pane n. 3 \u2014 più croccante\n\nEcco la ricetta n. 3: farina, acqua, lievito. "
        "Perché no? 🍞"
    )
    m3 = {m.post_id: m for m in of(items, PostMetrics)}["p00003"]
    # ups -> likes, num_comments -> replies, num_crossposts -> reposts; views unknown
    assert (m3.likes, m3.replies, m3.reposts, m3.views) == (30, 3, 0, None)


def test_crosspost_is_a_repost_and_missing_counts_are_none(source, fake, run, t3):
    fake.posts = [
        t3(2, START, crosspost_parent="t3_abc", crosspost_parent_list=[{"id": "abc"}]),
        # the 2016 schema: no num_crossposts, no upvote_ratio; a negative net score
        t3(1, START - 60, num_crossposts=..., upvote_ratio=..., ups=-4, score=-4),
    ]
    items = run(source, fake)
    kinds = {p.post_id: p.kind for p in of(items, Post)}
    assert kinds == {"p00002": "repost", "p00001": "post"}
    m1 = {m.post_id: m for m in of(items, PostMetrics)}["p00001"]
    assert (m1.likes, m1.reposts, m1.replies) == (None, None, 1)


def test_pagination_follows_after(source, fake_factory, run):
    fake = fake_factory(n_posts=250)
    items = run(source, fake)
    assert len(of(items, Post)) == 250
    listings = fake.requests[1:]
    assert [r.url.params.get("after") for r in listings] == [None, "t3_p00151", "t3_p00051"]
    assert [r.url.params.get("count") for r in listings] == [None, "100", "200"]
    [cursor] = of(items, SyncCursor)
    assert cursor.value == {"newest_created_utc": START, "newest_fullname": "t3_p00250"}


def test_max_items_caps_the_listing(fake_factory, run):
    source = RedditSource(RedditSettings(max_items=150))
    fake = fake_factory(n_posts=400)
    items = run(source, fake)
    assert len(of(items, Post)) == 150
    assert len(fake.requests) == 3  # about + 2 pages


def test_second_sync_fetches_only_new_submissions(source, fake_factory, run):
    fake = fake_factory(n_posts=250)
    [cursor] = of(run(source, fake), SyncCursor)
    fake.add_new(3)
    fake.requests.clear()
    items = run(source, fake, cursor=cursor.value)
    assert [p.post_id for p in of(items, Post)] == ["p00253", "p00252", "p00251"]
    assert len(fake.requests) == 2  # about + first page only
    assert of(items, SyncCursor)[0].value["newest_fullname"] == "t3_p00253"


def test_refresh_window_refreshes_recent_scores(fake_factory, run):
    source = RedditSource(RedditSettings(refresh_days=0.1))  # 2.4 hours
    fake = fake_factory(n_posts=10)  # one an hour
    cursor = {"newest_created_utc": START, "newest_fullname": "t3_p00010"}
    fake.add_new(1)
    items = run(source, fake, cursor=cursor)
    assert [p.post_id for p in of(items, Post)] == ["p00011"]
    assert [m.post_id for m in of(items, PostMetrics)] == ["p00011", "p00010", "p00009", "p00008"]


def test_empty_listing(source, fake_factory, run):
    fake = fake_factory(n_posts=0)
    items = run(source, fake)
    assert of(items, Post) == []
    assert of(items, SyncCursor)[0].value == {}
    assert len(of(items, Account)) == 1


def test_unknown_user_is_not_found(source, fake, run):
    with pytest.raises(SourceError) as err:
        run(source, fake, account="u/nessuno")
    assert err.value.kind == "not_found"
    assert "u/nessuno" in str(err.value)


def test_unknown_subreddit_redirect_is_not_found(source, fake, run):
    with pytest.raises(SourceError) as err:
        run(source, fake, account="r/nessuno")
    assert err.value.kind == "not_found"
    assert "r/nessuno" in str(err.value)


def test_unknown_subreddit_redirect_without_following_is_not_found(source, fake):
    import asyncio

    from smmcore.contracts import SourceContext, SyncUnit

    async def go():
        async with httpx.AsyncClient(transport=httpx.MockTransport(fake.handler)) as client:
            unit = SyncUnit(source="reddit", key="k", network="reddit", account="r/nessuno")
            return [i async for i in source.fetch(unit, SourceContext(http=client))]

    with pytest.raises(SourceError) as err:
        asyncio.run(go())
    assert err.value.kind == "not_found"
    assert "/subreddits/search.json?q=nessuno" in str(err.value)


def test_suspended_user(source, fake, run, fixture):
    fake.users["forno_sospeso"] = fixture("user_about_suspended.json")
    with pytest.raises(SourceError) as err:
        run(source, fake, account="u/forno_sospeso")
    assert err.value.kind == "suspended"
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    ("body", "status", "kind", "words"),
    [
        ("error_403_private.json", 403, "private", "r/panificatori is private"),
        ("error_404_banned.json", 404, "suspended", "r/panificatori was banned"),
    ],
)
def test_private_and_banned_subreddits(source, fake, run, fixture, body, status, kind, words):
    fake.fail["/r/panificatori/about"] = httpx.Response(status, json=fixture(body))
    with pytest.raises(SourceError) as err:
        run(source, fake, account="r/panificatori")
    assert err.value.kind == kind
    assert words in str(err.value)


def test_bare_403_says_unauthenticated_access_is_blocked(source, fake, run, fixture):
    fake.fail["/submitted"] = httpx.Response(403, json=fixture("error_403.json"))
    with pytest.raises(SourceError) as err:
        run(source, fake)
    assert err.value.kind == "blocked"
    assert str(err.value).startswith(
        "Reddit refused the request (403) for u/forno_rossi: unauthenticated access is "
        "blocked; configure OAuth credentials (client_id/client_secret) in [plugins.reddit]"
    )


def test_429_reports_the_rate_limit_headers(source, fake, run, fixture):
    fake.fail["/about"] = httpx.Response(
        429,
        json=fixture("error_429.json"),
        headers={
            "x-ratelimit-used": "100",
            "x-ratelimit-remaining": "0.0",
            "x-ratelimit-reset": "42",
        },
    )
    with pytest.raises(SourceError) as err:
        run(source, fake)
    assert err.value.kind == "rate_limited"
    assert "100 requests used, window resets in 42 s" in str(err.value)
    assert "client_id" in err.value.hint


@pytest.mark.parametrize(("status", "kind"), [(401, "auth"), (500, "network"), (502, "network")])
def test_other_statuses(source, fake, run, status, kind):
    fake.fail["/submitted"] = httpx.Response(status, text="<html>oops</html>")
    with pytest.raises(SourceError) as err:
        run(source, fake)
    assert err.value.kind == kind


def test_html_block_page_instead_of_json_is_invalid_data(source, fake, run):
    fake.fail["/submitted"] = httpx.Response(
        200, text="<!doctype html><title>Blocked</title>", headers={"content-type": "text/html"}
    )
    with pytest.raises(SourceError) as err:
        run(source, fake)
    assert err.value.kind == "invalid_data"


def test_truncated_json_is_invalid_data(source, fake, run):
    fake.fail["/about"] = httpx.Response(200, content=b'{"kind": "t2", "data": {"name": ')
    with pytest.raises(SourceError) as err:
        run(source, fake)
    assert err.value.kind == "invalid_data"


def _oauth_source(**extra):
    return RedditSource(
        RedditSettings(
            client_id="my-app-id",
            client_secret=SecretStr(SECRET),
            username="tester",
            base_url="http://127.0.0.1:9",
            oauth_base_url="https://oauth.example.test",
            auth_base_url="https://auth.example.test",
            **extra,
        )
    )


def test_oauth_client_credentials_then_oauth_host(fake, run):
    import base64

    source = _oauth_source()
    run(source, fake)
    run(source, fake, account="r/panificatori")
    token_requests = [r for r in fake.requests if r.url.path == "/api/v1/access_token"]
    assert len(token_requests) == 1  # the token is reused by the second unit
    token = token_requests[0]
    assert token.method == "POST"
    assert str(token.url) == "https://auth.example.test/api/v1/access_token"
    assert token.content == b"grant_type=client_credentials"
    expected = base64.b64encode(f"my-app-id:{SECRET}".encode()).decode()
    assert token.headers["Authorization"] == f"Basic {expected}"
    api = fake.api_requests()
    assert [str(r.url).split("?")[0] for r in api] == [
        "https://oauth.example.test/user/forno_rossi/about",
        "https://oauth.example.test/user/forno_rossi/submitted",
        "https://oauth.example.test/r/panificatori/about",
        "https://oauth.example.test/r/panificatori/new",
    ]
    assert all(
        r.headers["Authorization"] == "bearer eyJhbGciOiJSUzI1NiJ9.test-access-token" for r in api
    )


def test_oauth_bad_credentials_is_auth_without_the_secret(fake, run):
    fake.token_status = 401
    with pytest.raises(SourceError) as err:
        run(_oauth_source(), fake)
    assert err.value.kind == "auth"
    assert "OAuth client credentials (HTTP 401" in str(err.value)
    assert SECRET not in str(err.value)
    assert SECRET not in repr(RedditSettings(client_secret=SecretStr(SECRET)))


def test_oauth_403_is_blocked_with_an_approval_hint(fake, run, fixture):
    fake.fail["/submitted"] = httpx.Response(403, json=fixture("error_403.json"))
    with pytest.raises(SourceError) as err:
        run(_oauth_source(), fake)
    assert err.value.kind == "blocked"
    assert "even with OAuth" in str(err.value)


def test_oauth_expired_token_is_renewed_once(fake, run):
    calls = {"n": 0}
    original = fake.handler

    def handler(request):
        if request.url.path.endswith("/about") and calls["n"] == 0:
            calls["n"] += 1
            fake.requests.append(request)
            return httpx.Response(401, json={"message": "Unauthorized", "error": 401})
        return original(request)

    fake.handler = handler
    items = run(_oauth_source(), fake)
    assert len(of(items, Account)) == 1
    assert len([r for r in fake.requests if r.url.path == "/api/v1/access_token"]) == 2


def test_registration():
    from smm_reddit import plugin

    from smmcore.testing.helpers import make_host

    spec = make_host(("reddit", plugin)).sources()["reddit"]
    assert spec.networks == ("reddit",)
    assert spec.load() is RedditSource
    assert spec.load_settings_model() is RedditSettings
