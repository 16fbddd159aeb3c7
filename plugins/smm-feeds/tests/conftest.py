"""Offline blogs: a fake site served through httpx.MockTransport."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SITE = "https://blog.example.it"
NEWEST = datetime(2025, 11, 20, 9, 0, tzinfo=UTC)


def raw(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def load(name: str) -> Any:
    return json.loads(raw(name))


def make_wp_post(i: int, when: datetime) -> dict[str, Any]:
    """A ``wp/v2/posts`` item with the documented keys (as cut by ``_fields``)."""
    return {
        "id": 1000 + i,
        "date_gmt": when.strftime("%Y-%m-%dT%H:%M:%S"),
        "link": f"{SITE}/{when:%Y/%m/%d}/post-{i}/",
        "title": {"rendered": f"Ricetta n. {i}: l&#8217;impasto perfetto &#8211; più soffice"},
        "excerpt": {
            "rendered": f"<p>Farina, acqua e pazienza&hellip; n. {i} 🍞</p>\n",
            "protected": False,
        },
        "type": "post",
        "status": "publish",
    }


class FakeBlog:
    """A WordPress blog (``pretty`` permalinks or not) with a feed and a home page."""

    def __init__(self, n_posts: int = 3, pretty: bool = True) -> None:
        self.pretty = pretty
        # newest first, one a day
        self.posts = [
            make_wp_post(i, NEWEST - timedelta(days=n_posts - i)) for i in range(n_posts, 0, -1)
        ]
        self.comments: dict[int, int] = {p["id"]: (p["id"] % 7) for p in self.posts}
        self.home = raw("site_home_wordpress.html")
        self.feed = raw("rss_wordpress.xml")
        self.feed_headers = {
            "content-type": "application/rss+xml; charset=UTF-8",
            "etag": '"feed-v1"',
            "last-modified": "Tue, 14 Oct 2025 09:12:45 GMT",
        }
        self.send_total_pages = True
        self.requests: list[httpx.Request] = []
        self.fail: dict[str, httpx.Response] = {}

    def add_new(self, count: int) -> None:
        newest = datetime.fromisoformat(self.posts[0]["date_gmt"]).replace(tzinfo=UTC)
        base = len(self.posts)
        for k in range(1, count + 1):
            post = make_wp_post(base + k, newest + timedelta(hours=k))
            self.posts.insert(0, post)
            self.comments[post["id"]] = 1

    def routes(self) -> list[str]:
        out = []
        for r in self.requests:
            route = r.url.params.get("rest_route")
            out.append(f"{r.url.path}?rest_route={route}" if route else r.url.path)
        return out

    def _posts(self, params: httpx.QueryParams) -> httpx.Response:
        per_page = int(params.get("per_page", "10"))
        page = int(params.get("page", "1"))
        total_pages = max(1, math.ceil(len(self.posts) / per_page))
        if page > total_pages:
            return httpx.Response(400, json=load("wp_error_invalid_page.json"))
        chunk = self.posts[(page - 1) * per_page : page * per_page]
        headers = {"X-WP-Total": str(len(self.posts))}
        if self.send_total_pages:
            headers["X-WP-TotalPages"] = str(total_pages)
        return httpx.Response(200, json=chunk, headers=headers)

    def _comments(self, params: httpx.QueryParams) -> httpx.Response:
        count = self.comments.get(int(params["post"]), 0)
        body = [{"id": n} for n in range(min(count, int(params.get("per_page", "10"))))]
        return httpx.Response(
            200, json=body, headers={"X-WP-Total": str(count), "X-WP-TotalPages": str(count)}
        )

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path, params = request.url.path, request.url.params
        for key, response in self.fail.items():
            if key in path or key == params.get("rest_route"):
                return response
        route = params.get("rest_route")
        if route is None and path.startswith("/wp-json"):
            if not self.pretty:
                return httpx.Response(
                    404,
                    text="<html><h1>Pagina non trovata</h1></html>",
                    headers={"content-type": "text/html"},
                )
            route = path.removeprefix("/wp-json") or "/"
        if route is not None:
            if route == "/":
                return httpx.Response(200, json=load("wp_index.json"))
            if route == "/wp/v2/posts":
                return self._posts(params)
            if route == "/wp/v2/comments":
                return self._comments(params)
            return httpx.Response(404, json=load("wp_error_no_route.json"))
        if path == "/feed/":
            if request.headers.get("if-none-match") == self.feed_headers["etag"]:
                return httpx.Response(304, headers={"etag": self.feed_headers["etag"]})
            return httpx.Response(200, content=self.feed, headers=self.feed_headers)
        if path == "/":
            return httpx.Response(
                200, content=self.home, headers={"content-type": "text/html; charset=UTF-8"}
            )
        return httpx.Response(404, text="not found")


@pytest.fixture
def blog() -> FakeBlog:
    return FakeBlog()


@pytest.fixture
def blog_factory() -> Callable[..., FakeBlog]:
    return FakeBlog


@pytest.fixture
def fixture_bytes() -> Callable[[str], bytes]:
    return raw


@pytest.fixture
def fixture() -> Callable[[str], Any]:
    return load


@pytest.fixture
def run() -> Callable[..., list[Any]]:
    """``run(source, blog, url=..., network="blog", kind=None, **ctx)`` -> the items."""
    from smmcore.contracts import SourceContext, SyncUnit
    from smmcore.testing import fetch_all

    def _run(
        source: Any,
        blog: Any,
        url: str = SITE,
        network: str = "blog",
        kind: str | None = None,
        **ctx: Any,
    ) -> list[Any]:
        handle = blog.handler if hasattr(blog, "handler") else blog
        unit = SyncUnit(
            source="feeds",
            key=f"feeds:{network}:{url}",
            network=network,
            account=url,
            options={"url": url, **({"kind": kind} if kind else {})},
        )
        context = SourceContext(now=datetime(2026, 11, 26, 6, 0, tzinfo=UTC), **ctx)
        return fetch_all(source, unit, context, httpx.MockTransport(handle))

    return _run


@pytest.fixture
def source() -> Any:
    from smm_feeds.settings import FeedsSettings
    from smm_feeds.source import FeedsSource

    return FeedsSource(FeedsSettings(refresh_days=0))
