"""RSS and Atom through feedparser, offline."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from smm_feeds.settings import FeedsSettings
from smm_feeds.source import FeedsSource

from smmcore.contracts import SourceError, SyncCursor
from smmcore.models import Account, AccountSnapshot, Post, PostMetrics

FEED = "https://blog.example.it/feed/"


def of(items, kind):
    return [i for i in items if isinstance(i, kind)]


def test_wordpress_rss_maps_entries(source, blog, run):
    items = run(source, blog, url=FEED, network="rss")
    assert blog.routes() == ["/feed/"]
    accept = blog.requests[0].headers["Accept"]
    assert accept.startswith("application/rss+xml, application/atom+xml")
    assert "smm-feeds/0.1.0" in blog.requests[0].headers["User-Agent"]
    [account] = of(items, Account)
    assert account.account == FEED
    assert account.display_name == "Il blog del Forno Rossi"
    assert account.url == "https://blog.example.it"
    assert account.bio == "Pane, caffè e novità dal forno più amato di Bologna"
    assert of(items, AccountSnapshot) == []  # a feed knows no followers and no post count
    posts = of(items, Post)
    assert [p.post_id for p in posts] == [
        "https://blog.example.it/?p=1234",
        "https://blog.example.it/?p=1201",
        "https://blog.example.it/?p=1100",
    ]
    first = posts[0]
    assert first.kind == "article"
    assert first.created_at == datetime(2025, 10, 14, 7, 0, tzinfo=UTC)  # 09:00 +0200
    assert first.url == "https://blog.example.it/2025/10/14/focaccia-natale/"
    assert first.language == "it"
    assert first.text == (
        "La focaccia di Natale è tornata! 🎄\n\n"
        "Perché aspettare dicembre? Ecco cosa c\u2019è di nuovo \u2026 Continua a leggere"
    )
    assert posts[2].text == "Orari di apertura\n\nDal lunedì al sabato, 7\u201319."
    replies = {m.post_id: m.replies for m in of(items, PostMetrics)}
    # slash:comments 0 is a real zero; the entry without it has no snapshot at all
    assert replies == {"https://blog.example.it/?p=1234": 0, "https://blog.example.it/?p=1201": 3}
    [cursor] = of(items, SyncCursor)
    assert cursor.value == {
        "url": FEED,
        "kind": "feed",
        "endpoint": FEED,
        "etag": '"feed-v1"',
        "last_modified": "Tue, 14 Oct 2025 09:12:45 GMT",
        "newest": "2025-10-14T07:00:00+00:00",
    }


def test_second_sync_sends_etag_and_304_writes_nothing(source, blog, run):
    [cursor] = of(run(source, blog, url=FEED, network="rss"), SyncCursor)
    blog.requests.clear()
    items = run(source, blog, url=FEED, network="rss", cursor=cursor.value)
    sent = blog.requests[0].headers
    assert sent["If-None-Match"] == '"feed-v1"'
    assert sent["If-Modified-Since"] == "Tue, 14 Oct 2025 09:12:45 GMT"
    assert items == [SyncCursor(cursor.value)]
    # a full sync ignores the cursor and reads everything again
    blog.requests.clear()
    full = run(source, blog, url=FEED, network="rss", cursor=cursor.value, full=True)
    assert "If-None-Match" not in blog.requests[0].headers
    assert len(of(full, Post)) == 3


def test_changed_feed_yields_only_new_entries_and_fresh_counts(source, blog, run):
    [cursor] = of(run(source, blog, url=FEED, network="rss"), SyncCursor)
    new_item = (
        "<item><title>Nuovo!</title><link>https://blog.example.it/nuovo/</link>"
        "<pubDate>Thu, 16 Oct 2025 08:00:00 +0000</pubDate>"
        '<guid isPermaLink="false">https://blog.example.it/?p=1300</guid>'
        "<slash:comments>1</slash:comments></item>\n\t<item>"
    )
    blog.feed = blog.feed.replace(b"<item>", new_item.encode(), 1).replace(
        b"<slash:comments>3</slash:comments>", b"<slash:comments>5</slash:comments>"
    )
    blog.feed_headers["etag"] = '"feed-v2"'
    items = run(source, blog, url=FEED, network="rss", cursor=cursor.value)
    assert [p.post_id for p in of(items, Post)] == ["https://blog.example.it/?p=1300"]
    replies = {m.post_id: m.replies for m in of(items, PostMetrics)}
    assert replies == {
        "https://blog.example.it/?p=1300": 1,
        "https://blog.example.it/?p=1234": 0,
        "https://blog.example.it/?p=1201": 5,
    }
    [new_cursor] = of(items, SyncCursor)
    assert new_cursor.value["etag"] == '"feed-v2"'
    assert new_cursor.value["newest"] == "2025-10-16T08:00:00+00:00"


def test_atom_entries_published_or_updated_and_relative_links(source, fixture_bytes, run):
    def handler(request):
        return httpx.Response(
            200, content=fixture_bytes("atom.xml"), headers={"content-type": "application/atom+xml"}
        )

    items = run(source, handler, url="https://caffe.example.it/atom.xml", kind="rss")
    [account] = of(items, Account)
    assert account.display_name == "Caffè Bianchi \u2013 Notizie"
    assert account.url == "https://caffe.example.it/"
    assert account.bio == "Il nostro caffè, ogni giorno"
    posts = of(items, Post)
    assert [p.url for p in posts] == [
        "https://caffe.example.it/notizie/nuova-miscela",
        "https://caffe.example.it/notizie/ferie",
    ]
    assert posts[0].created_at == datetime(2025, 11, 2, 8, 30, tzinfo=UTC)  # published, +01:00
    assert posts[1].created_at == datetime(2025, 8, 1, 8, 0, tzinfo=UTC)  # only updated
    assert (
        posts[0].text
        == "Nuova miscela: più crema, meno acidità ☕\n\nAbbiamo provato dodici tostature."
    )
    assert posts[0].language == "it"
    assert of(items, PostMetrics) == []


def test_recoverable_xml_errors_are_accepted_with_a_warning(source, fixture_bytes, run):
    logs = []

    def handler(request):
        return httpx.Response(
            200,
            content=fixture_bytes("rss_recoverable.xml"),
            headers={"content-type": "application/rss+xml"},
        )

    items = run(source, handler, url="https://rotto.example.it/feed", kind="rss", log=logs.append)
    [post] = of(items, Post)
    assert post.text == "Pane & salame\n\nBuonissimo."
    assert any("XML errors" in line and "kept the 1 entries" in line for line in logs)


def test_unrecoverable_xml_is_invalid_data(source, fixture_bytes, run):
    def handler(request):
        return httpx.Response(
            200,
            content=fixture_bytes("rss_broken.xml"),
            headers={"content-type": "application/rss+xml"},
        )

    with pytest.raises(SourceError) as err:
        run(source, handler, url="https://rotto.example.it/feed", kind="rss")
    assert err.value.kind == "invalid_data"
    assert "malformed" in str(err.value)
    assert "SAXParseException" in str(err.value)


def test_html_page_given_as_a_feed(source, blog, run):
    with pytest.raises(SourceError) as err:
        run(source, blog, url="https://blog.example.it/", kind="rss")
    assert err.value.kind == "invalid_data"
    assert "is not an RSS or Atom feed" in str(err.value)


def test_auto_detects_a_feed_link_and_remembers_it(source, fixture_bytes, run):
    served = []

    def handler(request):
        served.append(request.url.path)
        if request.url.path == "/atom.xml":
            return httpx.Response(
                200,
                content=fixture_bytes("atom.xml"),
                headers={"content-type": "application/atom+xml"},
            )
        return httpx.Response(
            200,
            content=fixture_bytes("site_home_feed_only.html"),
            headers={"content-type": "text/html"},
        )

    items = run(source, handler, url="https://caffe.example.it/")
    assert served == ["/", "/atom.xml"]
    assert len(of(items, Post)) == 2
    [cursor] = of(items, SyncCursor)
    assert cursor.value["endpoint"] == "https://caffe.example.it/atom.xml"
    served.clear()
    run(source, handler, url="https://caffe.example.it/", cursor=cursor.value)
    assert served == ["/atom.xml"]  # straight to the feed


def test_auto_detects_a_feed_served_at_the_url(source, blog, run):
    items = run(source, blog, url=FEED)  # network "blog", kind auto
    assert blog.routes() == ["/feed/"]
    assert len(of(items, Post)) == 3


def test_page_without_feed_or_api(source, run):
    def handler(request):
        return httpx.Response(
            200,
            text="<html><head><title>x</title></head></html>",
            headers={"content-type": "text/html"},
        )

    with pytest.raises(SourceError) as err:
        run(source, handler, url="https://nulla.example.it/")
    assert err.value.kind == "invalid_data"
    assert "neither an RSS/Atom feed nor a WordPress API" in str(err.value)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (401, "auth"),
        (403, "blocked"),
        (404, "not_found"),
        (410, "not_found"),
        (429, "rate_limited"),
        (500, "network"),
        (503, "network"),
    ],
)
def test_feed_http_errors(source, run, status, kind):
    def handler(request):
        return httpx.Response(status, text="<html>no</html>")

    with pytest.raises(SourceError) as err:
        run(source, handler, url=FEED, kind="rss")
    assert err.value.kind == kind
    assert f"HTTP {status}" in str(err.value)


def test_connection_error_is_network(source, run):
    def handler(request):
        raise httpx.ConnectTimeout("timed out", request=request)

    with pytest.raises(SourceError) as err:
        run(source, handler, url=FEED, kind="rss")
    assert err.value.kind == "network"
    assert FEED in str(err.value)


def test_since_filters_old_entries(source, blog, run):
    items = run(source, blog, url=FEED, kind="rss", since=datetime(2025, 10, 1, tzinfo=UTC))
    assert len(of(items, Post)) == 2


def test_base_url_rebases_the_channel_url(blog, run):
    source = FeedsSource(FeedsSettings(base_url="http://127.0.0.1:8765"))
    run(source, blog.handler, url=FEED, kind="rss")
    assert str(blog.requests[0].url) == "http://127.0.0.1:8765/feed/"


def test_config_errors(source, blog, run):
    with pytest.raises(SourceError) as err:
        run(source, blog, url="blog.example.it")
    assert err.value.kind == "config"
    with pytest.raises(SourceError) as err:
        run(source, blog, url=FEED, kind="medium")
    assert err.value.kind == "config"
    assert blog.requests == []


def test_plan_carries_the_url():
    from smmcore.config import ChannelConfig

    channels = [
        ChannelConfig(network="blog", handle="forno-blog", url=FEED, options={"kind": "rss"}),
        ChannelConfig(network="wordpress", url="https://blog.example.it"),
    ]
    units = FeedsSource(name="feeds").plan(channels)
    assert [u.account for u in units] == ["forno-blog", "https://blog.example.it"]
    assert units[0].options == {"kind": "rss", "url": FEED}
    assert units[0].key == "feeds:blog:forno-blog"


def test_without_shared_client_against_a_local_server(fixture_bytes):
    """ctx.http is None: the source opens its own client (smmcore.http.open_client)."""
    import asyncio
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from smmcore.contracts import SourceContext, SyncUnit

    body = fixture_bytes("rss_wordpress.xml")
    agents = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            agents.append(self.headers.get("User-Agent"))
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/feed/"
        unit = SyncUnit(source="feeds", key="k", network="rss", account=url, options={"url": url})

        async def go():
            return [i async for i in FeedsSource().fetch(unit, SourceContext())]

        items = asyncio.run(go())
    finally:
        server.shutdown()
        server.server_close()
    assert len(of(items, Post)) == 3
    assert "smmcore/" in agents[0] and "smm-feeds/0.1.0" in agents[0]


def test_registration():
    from smm_feeds import plugin

    from smmcore.testing.helpers import make_host

    spec = make_host(("feeds", plugin)).sources()["feeds"]
    assert spec.networks == ("blog", "rss", "wordpress")
    assert spec.load() is FeedsSource
    assert spec.load_settings_model() is FeedsSettings
