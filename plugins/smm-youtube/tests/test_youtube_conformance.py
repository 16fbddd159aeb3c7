"""The core's source conformance tests (smmcore.testing.SourceContract) for the YouTube
source, replaying documented-shape responses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from smm_youtube import plugin

from smmcore.contracts import SyncUnit
from smmcore.testing import SourceContract

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "https://www.googleapis.com/youtube/v3"
KEY = "conformance-key"
IDS = ["vidC0000003", "vidC0000002", "vidC0000001"]


def _fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _video(i: int, day: int, stats: dict[str, str]) -> dict[str, Any]:
    return {
        "kind": "youtube#video",
        "etag": f"etag-{i}",
        "id": f"vidC000000{i}",
        "snippet": {
            "publishedAt": f"2026-03-{day:02d}T10:00:00Z",
            "channelId": "UCfornoRossiXXXXXXXXXXXX",
            "title": f"Focaccia n. {i} \u2013 più alta",
            "description": "Perché la lievitazione conta 🍞",
        },
        "statistics": stats,
    }


def _channel_query(extra: str) -> str:
    return f"GET {BASE}/channels?part=snippet,statistics,contentDetails&{extra}&key={KEY}"


PLAYLIST = {
    "kind": "youtube#playlistItemListResponse",
    "etag": "etag-playlist",
    "pageInfo": {"totalResults": 3, "resultsPerPage": 50},
    "items": [
        {
            "kind": "youtube#playlistItem",
            "etag": f"etag-item-{vid}",
            "id": f"item-{vid}",
            "contentDetails": {"videoId": vid, "videoPublishedAt": f"2026-03-{day:02d}T10:00:00Z"},
        }
        for vid, day in zip(IDS, (28, 27, 26), strict=True)
    ],
}
VIDEOS = {
    "kind": "youtube#videoListResponse",
    "etag": "etag-videos",
    "pageInfo": {"totalResults": 3, "resultsPerPage": 3},
    "items": [
        _video(3, 28, {"viewCount": "1200", "likeCount": "80", "commentCount": "9"}),
        _video(2, 27, {"viewCount": "640", "commentCount": "2"}),  # likes hidden
        _video(1, 26, {"viewCount": "0"}),  # comments disabled, likes hidden
    ],
}

RESPONSES = {
    _channel_query("forHandle=@fornorossi"): {"json": _fixture("channels_forhandle.json")},
    (
        f"GET {BASE}/playlistItems?part=contentDetails&playlistId=UUfornoRossiXXXXXXXXXXXX"
        f"&maxResults=50&key={KEY}"
    ): {"json": PLAYLIST},
    f"GET {BASE}/videos?part=snippet,statistics&id={','.join(IDS)}&key={KEY}": {"json": VIDEOS},
    _channel_query("forHandle=@nessuno"): {"json": _fixture("channels_empty.json")},
    _channel_query("forHandle=@senzaquota"): {
        "status": 403,
        "json": _fixture("error_quotaExceeded.json"),
    },
    _channel_query("forHandle=@chiavesbagliata"): {
        "status": 400,
        "json": _fixture("error_keyInvalid.json"),
    },
}


def _unit(account: str) -> SyncUnit:
    return SyncUnit(
        source="youtube", key=f"youtube:youtube:{account}", network="youtube", account=account
    )


class TestYouTubeSourceContract(SourceContract):
    plugin = plugin
    plugin_name = "youtube"
    name = "youtube"
    settings = {"api_key": KEY}  # refresh_days keeps its default (7)
    units = (_unit("fornorossi"),)
    responses = RESPONSES
    expected_counts = {"accounts": 1, "account_snapshots": 1, "posts": 3, "post_metrics": 3}
    error_units = (
        (_unit("nessuno"), "not_found"),
        (_unit("senzaquota"), "quota"),
        (_unit("chiavesbagliata"), "auth"),
    )
