"""The core's source conformance tests (smmcore.testing.SourceContract) for the blog source:
an RSS feed and a WordPress site, replaying documented-shape responses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from smm_feeds import plugin

from smmcore.contracts import SyncUnit
from smmcore.testing import SourceContract

FIXTURES = Path(__file__).parent / "fixtures"
SITE = "https://blog.example.it"
FEED = f"{SITE}/feed/"


def _text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def _fixture(name: str) -> Any:
    return json.loads(_text(name))


def _wp_post(i: int, day: int) -> dict[str, Any]:
    return {
        "id": 500 + i,
        "date_gmt": f"2026-03-{day:02d}T08:30:00",
        "link": f"{SITE}/2026/03/{day:02d}/articolo-{i}/",
        "title": {"rendered": f"Articolo {i}: l&#8217;arte del pane"},
        "excerpt": {"rendered": "<p>Perché il pane è vita &hellip;</p>\n", "protected": False},
        "type": "post",
        "status": "publish",
    }


POSTS = (
    "per_page=100&page=1&orderby=date&order=desc&_fields=id,date_gmt,link,title,excerpt,type,status"
)
RESPONSES: dict[str, Any] = {
    f"GET {FEED}": {
        "headers": {"content-type": "application/rss+xml; charset=UTF-8", "etag": '"v1"'},
        "body": _text("rss_wordpress.xml"),
    },
    f"GET {SITE}/wp-json/?_fields=name,description,url,home": {"json": _fixture("wp_index.json")},
    f"GET {SITE}/wp-json/wp/v2/posts?{POSTS}": {
        "headers": {"X-WP-Total": "2", "X-WP-TotalPages": "1"},
        "json": [_wp_post(2, 25), _wp_post(1, 20)],
    },
    f"GET {SITE}/wp-json/wp/v2/comments?post=502&per_page=1&_fields=id": {
        "headers": {"X-WP-Total": "4", "X-WP-TotalPages": "4"},
        "json": [{"id": 9001}],
    },
    f"GET {SITE}/wp-json/wp/v2/comments?post=501&per_page=1&_fields=id": {
        "headers": {"X-WP-Total": "0", "X-WP-TotalPages": "0"},
        "json": [],
    },
    "GET https://sparito.example.it/feed/": {"status": 404, "text": "Not Found"},
    "GET https://rotto.example.it/feed/": {
        "headers": {"content-type": "application/rss+xml"},
        "body": _text("rss_broken.xml"),
    },
    "GET https://privato.example.it/wp-json/?_fields=name,description,url,home": {
        "status": 401,
        "json": _fixture("wp_error_forbidden.json"),
    },
    f"GET https://privato.example.it/wp-json/wp/v2/posts?{POSTS}": {
        "status": 401,
        "json": _fixture("wp_error_forbidden.json"),
    },
}


def _unit(network: str, url: str, **options: str) -> SyncUnit:
    return SyncUnit(
        source="feeds",
        key=f"feeds:{network}:{url}",
        network=network,
        account=url,
        options={"url": url, **options},
    )


class TestFeedsSourceContract(SourceContract):
    plugin = plugin
    plugin_name = "feeds"
    name = "feeds"
    settings = {}  # defaults: refresh_days 7, comment_counts 20
    units = (_unit("rss", FEED), _unit("wordpress", SITE))
    responses = RESPONSES
    # RSS: 3 entries, 2 with slash:comments, no snapshot; WordPress: 2 posts, 2 counts, 1 snapshot
    expected_counts = {"accounts": 2, "posts": 5, "post_metrics": 4, "account_snapshots": 1}
    error_units = (
        (_unit("rss", "https://sparito.example.it/feed/"), "not_found"),
        (_unit("blog", "https://rotto.example.it/feed/", kind="rss"), "invalid_data"),
        (_unit("wordpress", "https://privato.example.it"), "auth"),
    )
