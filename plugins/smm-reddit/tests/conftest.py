"""Offline Reddit: a fake served through httpx.MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
START = 1_793_000_000.0  # 2026-10-26 ...; submissions go back one hour each


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def make_t3(i: int, created: float, **extra: Any) -> dict[str, Any]:
    """A ``t3`` submission with the 2026 keys the source reads."""
    data = {
        "subreddit": "panificatori",
        "selftext": f"Ecco la ricetta n. {i}: farina, acqua, lievito. Perché no? 🍞",
        "author_fullname": "t2_8xk2m1",
        "title": f"Pane n. {i} — più croccante",
        "subreddit_name_prefixed": "r/panificatori",
        "downs": 0,
        "hide_score": False,
        "name": f"t3_p{i:05d}",
        "upvote_ratio": 0.97,
        "ups": 10 * i,
        "score": 10 * i,
        "is_self": True,
        "created": created,
        "view_count": None,
        "id": f"p{i:05d}",
        "author": "forno_rossi",
        "num_comments": i,
        "permalink": f"/r/panificatori/comments/p{i:05d}/pane_n_{i}/",
        "url": f"https://www.reddit.com/r/panificatori/comments/p{i:05d}/pane_n_{i}/",
        "created_utc": created,
        "num_crossposts": 0,
        "is_video": False,
    }
    data.update(extra)
    return {"kind": "t3", "data": {k: v for k, v in data.items() if v is not ...}}


class FakeReddit:
    """Serves about and listings; ``self.posts`` newest first."""

    def __init__(self, n_posts: int = 3) -> None:
        self.users = {"forno_rossi": load("user_about.json")}
        self.subreddits = {"panificatori": load("subreddit_about.json")}
        self.posts = [make_t3(i, START - 3600 * (n_posts - i)) for i in range(n_posts, 0, -1)]
        self.requests: list[httpx.Request] = []
        self.fail: dict[str, httpx.Response] = {}
        self.token_status = 200

    def add_new(self, count: int) -> None:
        newest = self.posts[0]["data"]["created_utc"] if self.posts else START
        base = len(self.posts)
        for k in range(1, count + 1):
            self.posts.insert(0, make_t3(base + k, newest + 60 * k))

    def api_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if "access_token" not in r.url.path]

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        for key, response in self.fail.items():
            if key in path:
                return response
        if path == "/api/v1/access_token":
            if self.token_status != 200:
                return httpx.Response(
                    self.token_status, json={"message": "Unauthorized", "error": 401}
                )
            return httpx.Response(200, json=load("access_token.json"))
        bare = path.removesuffix(".json").strip("/").split("/")
        if bare[-1] == "about":
            table = self.users if bare[0] == "user" else self.subreddits
            if bare[1] in table:
                return httpx.Response(200, json=table[bare[1]])
            if bare[0] == "r":  # Reddit redirects an unknown subreddit to the search page
                return httpx.Response(
                    302,
                    headers={"location": f"/subreddits/search.json?q={bare[1]}"},
                )
            return httpx.Response(404, json=load("error_404.json"))
        if bare[0] == "subreddits":
            return httpx.Response(
                200,
                json={
                    "kind": "Listing",
                    "data": {
                        "after": None,
                        "dist": 0,
                        "modhash": "",
                        "geo_filter": "",
                        "children": [],
                        "before": None,
                    },
                },
            )
        if bare[-1] in ("submitted", "new"):
            params = request.url.params
            limit = int(params.get("limit", "25"))
            start = 0
            if "after" in params:
                names = [p["data"]["name"] for p in self.posts]
                start = names.index(params["after"]) + 1
            chunk = self.posts[start : start + limit]
            after = chunk[-1]["data"]["name"] if start + limit < len(self.posts) else None
            return httpx.Response(
                200,
                json={
                    "kind": "Listing",
                    "data": {
                        "after": after,
                        "dist": len(chunk),
                        "modhash": "",
                        "geo_filter": "",
                        "children": chunk,
                        "before": None,
                    },
                },
                headers={
                    "x-ratelimit-remaining": "97.0",
                    "x-ratelimit-used": "3",
                    "x-ratelimit-reset": "412",
                },
            )
        return httpx.Response(404, json=load("error_404.json"))


@pytest.fixture
def fake() -> FakeReddit:
    return FakeReddit()


@pytest.fixture
def fake_factory() -> Callable[..., FakeReddit]:
    return FakeReddit


@pytest.fixture
def t3() -> Callable[..., dict[str, Any]]:
    return make_t3


@pytest.fixture
def fixture() -> Callable[[str], Any]:
    return load


@pytest.fixture
def run() -> Callable[..., list[Any]]:
    """``run(source, fake, account="u/forno_rossi", **ctx)`` -> the yielded items."""
    from smmcore.contracts import SourceContext, SyncUnit
    from smmcore.testing import fetch_all

    def _run(source: Any, fake: Any, account: str = "u/forno_rossi", **ctx: Any) -> list[Any]:
        unit = SyncUnit(
            source="reddit", key=f"reddit:reddit:{account}", network="reddit", account=account
        )
        context = SourceContext(now=datetime(2026, 11, 26, 6, 0, tzinfo=UTC), **ctx)
        return fetch_all(source, unit, context, httpx.MockTransport(fake.handler))

    return _run


@pytest.fixture
def source() -> Any:
    from smm_reddit.settings import RedditSettings
    from smm_reddit.source import RedditSource

    return RedditSource(RedditSettings(username="tester", refresh_days=0))
