"""The core's source conformance tests (smmcore.testing.SourceContract) for the Bluesky
source, replaying responses built from the documented payload shapes in fixtures/."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from smm_bluesky import plugin

from smmcore.contracts import SyncUnit
from smmcore.testing import SourceContract

FIXTURES = Path(__file__).parent / "fixtures"
X = "https://public.api.bsky.app/xrpc"
DID = "did:plc:fornorossi7example0000000"


def _load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


PROFILE = _load("profile.json")["body"]
LISTS = _load("lists.json")
ERRORS = _load("errors.json")


def _item(rkey: str, created: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(_load("feed_post.json")["body"])
    data["post"].update(uri=f"at://{DID}/app.bsky.feed.post/{rkey}", indexedAt=created)
    data["post"]["record"]["createdAt"] = created
    data["post"].update(changes)
    return data


REPOST = _item("r1", "2026-03-01T00:00:00.000Z")
REPOST["post"]["uri"] = "at://did:plc:other/app.bsky.feed.post/r1"
REPOST["post"]["author"] = {"did": "did:plc:other", "handle": "other.bsky.social"}
REPOST["reason"] = _load("repost_reason.json")["body"]
REPOST["reason"]["indexedAt"] = "2026-03-15T00:00:00.000Z"

# DEFAULT_NOW of the contract is 2026-04-01T08:00Z: the first post is inside the 7-day
# refresh window (a rerun gives it a new metrics snapshot), the others are older.
FEED = [
    _item("p3", "2026-03-29T10:00:00.000Z"),
    _item("p2", "2026-03-20T10:00:00.000Z", likeCount=0, repostCount=0),
    REPOST,
]
P3 = f"at://{DID}/app.bsky.feed.post/p3"
P2 = f"at://{DID}/app.bsky.feed.post/p2"
# the thread of p3: marco's and luca's replies count; forno's own, a deleted and a blocked do not
THREAD = json.loads(
    json.dumps(_load("thread.json")["body"]).replace(
        f"at://{DID}/app.bsky.feed.post/3lfxp0000000a", P3
    )
)


def _get(method: str, query: str) -> str:
    return f"GET {X}/{method}?{query}"


def _error(name: str) -> dict[str, Any]:
    spec = ERRORS[name]
    return {"status": spec["status"], "json": spec["body"], "headers": spec.get("headers", {})}


RESPONSES = {
    _get("app.bsky.actor.getProfile", "actor=forno.bsky.social"): {"json": PROFILE},
    _get("app.bsky.feed.getAuthorFeed", f"actor={DID}&filter=posts_with_replies&limit=100"): {
        "json": {"feed": FEED}
    },
    _get("app.bsky.graph.getFollowers", f"actor={DID}&limit=100"): {
        "json": {"subject": PROFILE, "followers": [LISTS["follower"]]}
    },
    _get("app.bsky.feed.getLikes", f"limit=100&uri={P3}"): {
        "json": {"uri": P3, "likes": [LISTS["like"]]}
    },
    _get("app.bsky.feed.getRepostedBy", f"limit=100&uri={P3}"): {
        "json": {"uri": P3, "repostedBy": [LISTS["follower"]]}
    },
    _get("app.bsky.feed.getPostThread", f"depth=1&parentHeight=0&uri={P3}"): {"json": THREAD},
    # p2 was deleted meanwhile: logged and skipped, not a unit error
    _get("app.bsky.feed.getPostThread", f"depth=1&parentHeight=0&uri={P2}"): {
        "status": 400,
        "json": {"error": "NotFound", "message": f"Post not found: {P2}"},
    },
    _get("app.bsky.actor.getProfile", "actor=nessuno.bsky.social"): _error("not_found"),
    _get("app.bsky.actor.getProfile", "actor=rimosso.bsky.social"): _error("takedown"),
    _get("app.bsky.actor.getProfile", "actor=spento.bsky.social"): _error("deactivated"),
    _get("app.bsky.actor.getProfile", "actor=bloccato.bsky.social"): _error("blocked"),
    _get("app.bsky.actor.getProfile", "actor=troppe.bsky.social"): _error("rate_limited"),
}


def _unit(handle: str) -> SyncUnit:
    return SyncUnit(
        source="bluesky", key=f"bluesky:bluesky:{handle}", network="bluesky", account=handle
    )


class TestBlueskySourceContract(SourceContract):
    plugin = plugin
    plugin_name = "bluesky"
    name = "bluesky"
    settings = {"followers_limit": 10, "interactions_posts": 5}
    units = (_unit("forno.bsky.social"),)
    responses = RESPONSES
    # 3 posts (one a repost, without metrics); giulia follows, marco liked and replied,
    # luca (no handle: his DID) replied; interactions: a like, a repost, 2 replies
    expected_counts = {
        "accounts": 1,
        "account_snapshots": 1,
        "posts": 3,
        "post_metrics": 2,
        "audience_members": 3,
        "interactions": 4,
    }
    error_units = (
        (_unit("nessuno.bsky.social"), "not_found"),
        (_unit("rimosso.bsky.social"), "suspended"),
        (_unit("spento.bsky.social"), "suspended"),
        (_unit("bloccato.bsky.social"), "blocked"),
        (_unit("troppe.bsky.social"), "rate_limited"),
    )
