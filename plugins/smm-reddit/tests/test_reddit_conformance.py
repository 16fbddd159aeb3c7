"""The core's source conformance tests (smmcore.testing.SourceContract) for the Reddit
source, replaying documented-shape responses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from smm_reddit import plugin

from smmcore.contracts import SyncUnit
from smmcore.testing import SourceContract

FIXTURES = Path(__file__).parent / "fixtures"
WEB = "https://www.reddit.com"
START = 1_774_000_000.0  # 2026-03-20


def _fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _t3(i: int, created: float, **extra: Any) -> dict[str, Any]:
    data = {
        "subreddit": "panificatori",
        "selftext": "Lievito madre: perché sì 🍞",
        "title": f"Pane n. {i}",
        "name": f"t3_c{i}",
        "id": f"c{i}",
        "ups": 12 * i,
        "score": 12 * i,
        "upvote_ratio": 0.95,
        "num_comments": i,
        "num_crossposts": 0,
        "permalink": f"/r/panificatori/comments/c{i}/pane_n_{i}/",
        "created_utc": created,
        "view_count": None,
    }
    data.update(extra)
    return {"kind": "t3", "data": data}


LISTING = {
    "kind": "Listing",
    "data": {
        "after": None,
        "dist": 3,
        "modhash": "",
        "geo_filter": "",
        "before": None,
        "children": [
            _t3(3, START, crosspost_parent="t3_zzz"),
            _t3(2, START - 86400),
            _t3(1, START - 2 * 86400),
        ],
    },
}

RESPONSES = {
    f"GET {WEB}/user/forno_rossi/about.json?raw_json=1": {"json": _fixture("user_about.json")},
    f"GET {WEB}/user/forno_rossi/submitted.json?limit=100&raw_json=1&sort=new": {"json": LISTING},
    f"GET {WEB}/r/panificatori/about.json?raw_json=1": {"json": _fixture("subreddit_about.json")},
    f"GET {WEB}/r/panificatori/new.json?limit=100&raw_json=1": {"json": LISTING},
    f"GET {WEB}/user/nessuno/about.json?raw_json=1": {
        "status": 404,
        "json": _fixture("error_404.json"),
    },
    f"GET {WEB}/user/forno_sospeso/about.json?raw_json=1": {
        "json": _fixture("user_about_suspended.json")
    },
    f"GET {WEB}/r/segreto/about.json?raw_json=1": {
        "status": 403,
        "json": _fixture("error_403_private.json"),
    },
    f"GET {WEB}/r/bandito/about.json?raw_json=1": {
        "status": 404,
        "json": _fixture("error_404_banned.json"),
    },
    f"GET {WEB}/user/bloccato/about.json?raw_json=1": {
        "status": 403,
        "json": _fixture("error_403.json"),
    },
    f"GET {WEB}/user/troppe/about.json?raw_json=1": {
        "status": 429,
        "headers": {"x-ratelimit-used": "10", "x-ratelimit-reset": "30"},
        "json": _fixture("error_429.json"),
    },
}


def _unit(account: str) -> SyncUnit:
    return SyncUnit(
        source="reddit", key=f"reddit:reddit:{account}", network="reddit", account=account
    )


class TestRedditSourceContract(SourceContract):
    plugin = plugin
    plugin_name = "reddit"
    name = "reddit"
    settings = {"username": "tester"}  # refresh_days keeps its default (7)
    units = (_unit("u/forno_rossi"), _unit("r/panificatori"))
    responses = RESPONSES
    expected_counts = {"accounts": 2, "account_snapshots": 2, "posts": 6, "post_metrics": 6}
    error_units = (
        (_unit("u/nessuno"), "not_found"),
        (_unit("u/forno_sospeso"), "suspended"),
        (_unit("r/segreto"), "private"),
        (_unit("r/bandito"), "suspended"),
        (_unit("u/bloccato"), "blocked"),
        (_unit("u/troppe"), "rate_limited"),
    )
