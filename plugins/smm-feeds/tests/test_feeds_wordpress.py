"""The WordPress REST API, offline."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from smm_feeds.settings import FeedsSettings
from smm_feeds.source import FeedsSource

from smmcore.contracts import SourceError, SyncCursor
from smmcore.models import Account, AccountSnapshot, Post, PostMetrics

SITE = "https://blog.example.it"


def of(items, kind):
    return [i for i in items if isinstance(i, kind)]


def test_posts_account_snapshot_and_comment_counts(source, blog, run):
    items = run(source, blog, network="wordpress")
    assert blog.routes() == [
        "/wp-json/",
        "/wp-json/wp/v2/posts",
        "/wp-json/wp/v2/comments",
        "/wp-json/wp/v2/comments",
        "/wp-json/wp/v2/comments",
    ]
    posts_req = blog.requests[1]
    assert dict(posts_req.url.params) == {
        "per_page": "100",
        "page": "1",
        "orderby": "date",
        "order": "desc",
        "_fields": "id,date_gmt,link,title,excerpt,type,status",
    }
    [account] = of(items, Account)
    assert (account.display_name, account.url, account.bio) == (
        "Il blog del Forno Rossi",
        "https://blog.example.it",
        "Pane, caffè e novità",
    )
    [snap] = of(items, AccountSnapshot)
    assert (snap.followers, snap.posts_count) == (None, 3)
    posts = of(items, Post)
    assert [p.post_id for p in posts] == ["1003", "1002", "1001"]
    p = posts[0]
    assert p.kind == "article"
    assert p.created_at == datetime(2025, 11, 20, 9, 0, tzinfo=UTC)
    assert p.url == "https://blog.example.it/2025/11/20/post-3/"
    assert p.text == (
        "Ricetta n. 3: l\u2019impasto perfetto \u2013 più soffice\n\n"
        "Farina, acqua e pazienza\u2026 n. 3 🍞"
    )
    replies = {m.post_id: m.replies for m in of(items, PostMetrics)}
    assert replies == {"1003": 1003 % 7, "1002": 1002 % 7, "1001": 0}  # 1001 % 7 == 0


def test_pages_until_total_pages(source, blog_factory, run):
    blog = blog_factory(n_posts=250)
    items = run(source, blog, network="wordpress")
    pages = [r.url.params["page"] for r in blog.requests if r.url.path.endswith("/posts")]
    assert pages == ["1", "2", "3"]  # X-WP-TotalPages = 3: no 4th request
    assert len(of(items, Post)) == 250
    assert of(items, AccountSnapshot)[0].posts_count == 250
    # comment counts are capped at 20 requests per sync, newest posts first
    comments = [r for r in blog.requests if r.url.path.endswith("/comments")]
    assert len(comments) == 20
    assert [m.post_id for m in of(items, PostMetrics)][:2] == ["1250", "1249"]
    assert len(of(items, PostMetrics)) == 20
    [cursor] = of(items, SyncCursor)
    assert cursor.value == {
        "url": SITE,
        "kind": "wordpress",
        "endpoint": "https://blog.example.it/wp-json/",
        "rest_route": False,
        "newest_date_gmt": "2025-11-20T09:00:00+00:00",
        "newest_id": "1250",
    }


def test_stops_at_rest_post_invalid_page_number(source, blog_factory, run):
    blog = blog_factory(n_posts=200)
    blog.send_total_pages = False  # some caches drop the headers
    items = run(source, blog, network="wordpress")
    pages = [r.url.params["page"] for r in blog.requests if r.url.path.endswith("/posts")]
    assert pages == ["1", "2", "3"]  # page 3 answered 400 rest_post_invalid_page_number
    assert len(of(items, Post)) == 200


def test_empty_blog(source, blog_factory, run):
    blog = blog_factory(n_posts=0)
    items = run(source, blog, network="wordpress")
    assert of(items, Post) == []
    assert of(items, AccountSnapshot)[0].posts_count == 0
    assert "newest_id" not in of(items, SyncCursor)[0].value


def test_rest_route_fallback_when_wp_json_404s(source, blog_factory, run):
    blog = blog_factory(n_posts=2, pretty=False)
    items = run(source, blog, network="wordpress")
    assert blog.routes() == [
        "/wp-json/",
        "/wp-json/wp/v2/posts",
        "/?rest_route=/wp/v2/posts",
        "/?rest_route=/wp/v2/comments",
        "/?rest_route=/wp/v2/comments",
    ]
    assert len(of(items, Post)) == 2
    assert of(items, Account)[0].display_name is None  # the index was unreachable
    cursor = of(items, SyncCursor)[0].value
    assert cursor["rest_route"] is True
    blog.requests.clear()
    blog.add_new(1)
    items = run(source, blog, network="wordpress", cursor=cursor)
    assert blog.routes() == [
        "/?rest_route=/",
        "/?rest_route=/wp/v2/posts",
        "/?rest_route=/wp/v2/comments",
    ]
    assert [p.post_id for p in of(items, Post)] == ["1003"]


def test_second_sync_fetches_only_new_posts(source, blog_factory, run):
    blog = blog_factory(n_posts=250)
    [cursor] = of(run(source, blog, network="wordpress"), SyncCursor)
    blog.add_new(3)
    blog.requests.clear()
    items = run(source, blog, network="wordpress", cursor=cursor.value)
    assert [p.post_id for p in of(items, Post)] == ["1253", "1252", "1251"]
    pages = [r.url.params["page"] for r in blog.requests if r.url.path.endswith("/posts")]
    assert pages == ["1"]
    assert of(items, SyncCursor)[0].value["newest_id"] == "1253"


def test_refresh_window_rereads_recent_comment_counts(blog_factory, run):
    source = FeedsSource(FeedsSettings(refresh_days=2))
    blog = blog_factory(n_posts=10)  # one a day
    cursor = {
        "url": SITE,
        "kind": "wordpress",
        "endpoint": f"{SITE}/wp-json/",
        "rest_route": False,
        "newest_date_gmt": "2025-11-20T09:00:00+00:00",
        "newest_id": "1010",
    }
    items = run(source, blog, network="wordpress", cursor=cursor)
    assert of(items, Post) == []  # nothing new
    # 1010 and 1009 get fresh comment counts; 1008 is exactly 2 days older
    assert [m.post_id for m in of(items, PostMetrics)] == ["1010", "1009"]
    assert of(items, SyncCursor)[0].value["newest_id"] == "1010"


def test_auto_detects_wordpress_from_the_home_page(source, blog, run):
    items = run(source, blog)  # network "blog": auto
    assert blog.routes()[:3] == ["/", "/wp-json/", "/wp-json/wp/v2/posts"]
    assert len(of(items, Post)) == 3


def test_comments_hidden_means_no_counts_not_zero(source, blog_factory, run, fixture):
    blog = blog_factory(n_posts=5)
    blog.fail["/comments"] = httpx.Response(401, json=fixture("wp_error_forbidden.json"))
    items = run(source, blog, network="wordpress")
    assert len(of(items, Post)) == 5
    assert of(items, PostMetrics) == []
    assert len([r for r in blog.requests if r.url.path.endswith("/comments")]) == 1


def test_comment_counts_can_be_turned_off(blog, run):
    items = run(FeedsSource(FeedsSettings(comment_counts=0)), blog, network="wordpress")
    assert of(items, PostMetrics) == []
    assert not [r for r in blog.requests if r.url.path.endswith("/comments")]


def test_restricted_api_is_auth_with_a_hint(source, blog, run, fixture):
    blog.fail["/posts"] = httpx.Response(401, json=fixture("wp_error_forbidden.json"))
    with pytest.raises(SourceError) as err:
        run(source, blog, network="wordpress")
    assert err.value.kind == "auth"
    assert "(401 rest_not_logged_in): You are not currently logged in." in str(err.value)
    assert "refused GET https://blog.example.it/wp-json/wp/v2/posts?" in str(err.value)
    assert 'options.kind = "rss"' in err.value.hint


def test_security_plugin_403_page_is_blocked(source, blog, run):
    blog.fail["/posts"] = httpx.Response(403, text="<html>Access denied</html>")
    with pytest.raises(SourceError) as err:
        run(source, blog, network="wordpress")
    assert err.value.kind == "blocked"


def test_no_api_at_all_is_not_found(source, blog_factory, run, fixture):
    blog = blog_factory(pretty=False)
    blog.fail["/wp/v2/posts"] = httpx.Response(404, json=fixture("wp_error_no_route.json"))
    with pytest.raises(SourceError) as err:
        run(source, blog, network="wordpress")
    assert err.value.kind == "not_found"
    # the error names the URL actually requested (the ?rest_route= fallback), not only the site
    text = str(err.value)
    assert "no WordPress REST API at https://blog.example.it: GET https://blog.example.it/" in text
    assert "rest_route=%2Fwp%2Fv2%2Fposts" in text and "answered 404 rest_no_route" in text


@pytest.mark.parametrize(
    ("status", "kind"), [(429, "rate_limited"), (500, "network"), (502, "network")]
)
def test_server_errors(source, blog, run, status, kind):
    blog.fail["/posts"] = httpx.Response(status, text="busy")
    with pytest.raises(SourceError) as err:
        run(source, blog, network="wordpress")
    assert err.value.kind == kind


def test_malformed_json_is_invalid_data(source, blog, run):
    blog.fail["/posts"] = httpx.Response(
        200, content=b'[{"id": 1, "title": {"rendered": "Ciao', headers={"X-WP-Total": "1"}
    )
    with pytest.raises(SourceError) as err:
        run(source, blog, network="wordpress")
    assert err.value.kind == "invalid_data"
    assert "not JSON for GET https://blog.example.it/wp-json/wp/v2/posts?" in str(err.value)


def test_max_posts(blog_factory, run):
    blog = blog_factory(n_posts=250)
    items = run(
        FeedsSource(FeedsSettings(max_posts=120, comment_counts=0)), blog, network="wordpress"
    )
    assert len(of(items, Post)) == 120
    pages = [r.url.params["page"] for r in blog.requests if r.url.path.endswith("/posts")]
    assert pages == ["1", "2"]
