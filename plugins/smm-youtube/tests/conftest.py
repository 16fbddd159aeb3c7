"""Offline YouTube Data API: a fake served through httpx.MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
API_KEY = "AIzaSy-test-secret-key-0123456789"
BASE = "https://www.googleapis.com/youtube/v3"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def make_video(i: int, published: datetime, **stats: str | None) -> dict[str, Any]:
    """A ``youtube#video`` resource of the documented shape (snippet + statistics)."""
    statistics = {"viewCount": str(100 * i), "likeCount": str(10 * i), "commentCount": str(i)}
    statistics.update(stats)
    return {
        "kind": "youtube#video",
        "etag": f"etag-v{i}",
        "id": f"vid{i:08d}",
        "snippet": {
            "publishedAt": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "channelId": "UCfornoRossiXXXXXXXXXXXX",
            "title": f"Video {i}: la ricetta della focaccia 🍕",
            "description": "Città, perché, più: accenti italiani.",
            "channelTitle": "Forno Rossi",
            "liveBroadcastContent": "none",
            "defaultAudioLanguage": "it",
        },
        "statistics": {k: v for k, v in statistics.items() if v is not None},
    }


class FakeYouTube:
    """Serves channels / playlistItems / videos from ``self.videos`` (newest first)."""

    def __init__(self, n_videos: int = 0, start: datetime | None = None) -> None:
        self.channel = load("channels_forhandle.json")
        start = start or datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
        # video n is the newest; one video a day going back
        self.videos = [
            make_video(i, start - timedelta(days=n_videos - i)) for i in range(n_videos, 0, -1)
        ]
        self.requests: list[httpx.Request] = []
        self.fail: dict[str, httpx.Response] = {}
        self.page_size = 50

    def add_new(self, count: int) -> None:
        newest = datetime.fromisoformat(
            self.videos[0]["snippet"]["publishedAt"].replace("Z", "+00:00")
        )
        base = len(self.videos)
        for k in range(1, count + 1):
            self.videos.insert(0, make_video(base + k, newest + timedelta(hours=k)))

    def paths(self) -> list[str]:
        return [r.url.path.rsplit("/", 1)[-1] for r in self.requests]

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        resource = request.url.path.rsplit("/", 1)[-1]
        if resource in self.fail:
            return self.fail[resource]
        params = request.url.params
        if resource == "channels":
            return httpx.Response(200, json=self.channel)
        if resource == "playlistItems":
            start = int(params.get("pageToken", "0") or 0)
            chunk = self.videos[start : start + self.page_size]
            body: dict[str, Any] = {
                "kind": "youtube#playlistItemListResponse",
                "etag": f"etag-page-{start}",
                "pageInfo": {"totalResults": len(self.videos), "resultsPerPage": self.page_size},
                "items": [
                    {
                        "kind": "youtube#playlistItem",
                        "etag": f"etag-item-{v['id']}",
                        "id": f"UExpl{v['id']}",
                        "contentDetails": {
                            "videoId": v["id"],
                            "videoPublishedAt": v["snippet"]["publishedAt"].replace("Z", ".000Z"),
                        },
                    }
                    for v in chunk
                ],
            }
            if start + self.page_size < len(self.videos):
                body["nextPageToken"] = str(start + self.page_size)
            return httpx.Response(200, json=body)
        if resource == "videos":
            ids = params["id"].split(",")
            assert len(ids) <= 50
            items = [v for v in self.videos if v["id"] in ids]
            return httpx.Response(
                200,
                json={
                    "kind": "youtube#videoListResponse",
                    "etag": "etag-videos",
                    "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
                    "items": items,
                },
            )
        return httpx.Response(404, json={"error": {"code": 404, "message": "Not Found"}})


@pytest.fixture
def fake() -> FakeYouTube:
    return FakeYouTube(n_videos=3)


@pytest.fixture
def fake_factory() -> Callable[..., FakeYouTube]:
    return FakeYouTube


@pytest.fixture
def fixture() -> Callable[[str], Any]:
    return load


@pytest.fixture
def run() -> Callable[..., list[Any]]:
    """``run(source, fake_or_handler, account="fornorossi", **ctx)`` -> the yielded items."""
    from smmcore.contracts import SourceContext, SyncUnit
    from smmcore.testing import fetch_all

    def _run(source: Any, handler: Any, account: str = "fornorossi", **ctx: Any) -> list[Any]:
        handle = handler.handler if hasattr(handler, "handler") else handler
        unit = SyncUnit(
            source="youtube", key=f"youtube:youtube:{account}", network="youtube", account=account
        )
        context = SourceContext(now=datetime(2026, 11, 26, 6, 0, tzinfo=UTC), **ctx)
        return fetch_all(source, unit, context, httpx.MockTransport(handle))

    return _run


@pytest.fixture
def source() -> Any:
    from pydantic import SecretStr
    from smm_youtube.settings import YouTubeSettings
    from smm_youtube.source import YouTubeSource

    return YouTubeSource(YouTubeSettings(api_key=SecretStr(API_KEY), refresh_days=0))
