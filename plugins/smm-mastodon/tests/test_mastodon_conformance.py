"""The core's source conformance tests (smmcore.testing.SourceContract) for the Mastodon
source, replaying responses built from the documented payload shapes in fixtures/."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from smm_mastodon import plugin

from smmcore.contracts import SyncUnit
from smmcore.testing import SourceContract

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "https://example.social"
API = f"{BASE}/api/v1"


def _body(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))["body"]


ACCOUNT = _body("account.json")
ERRORS = json.loads((FIXTURES / "errors.json").read_text(encoding="utf-8"))


def _status(sid: str, created: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(_body("status.json"))
    data.update(id=sid, created_at=created, url=f"{BASE}/@forno/{sid}", account=ACCOUNT)
    data.update(changes)
    return data


def _person(pid: str, acct: str) -> dict[str, Any]:
    data = copy.deepcopy(_body("follower.json"))
    data.update(id=pid, acct=acct, username=acct.split("@")[0])
    return data


# DEFAULT_NOW of the contract is 2026-04-01T08:00Z: the first status is inside the 7-day
# refresh window (a rerun gives it a new metrics snapshot), the others are older.
STATUSES = [
    _status("300", "2026-03-28T10:00:00.000Z"),
    _status(
        "200", "2026-03-20T10:00:00.000Z", in_reply_to_id="1", favourites_count=0, reblogs_count=0
    ),
    _status("100", "2026-03-10T10:00:00.000Z", reblog=_status("77", "2026-03-09T00:00:00Z")),
]


def _link(path: str, max_id: str) -> dict[str, str]:
    return {"Link": f'<{API}{path}&max_id={max_id}>; rel="next"'}


RESPONSES = {
    f"GET {API}/accounts/lookup?acct=forno": {"json": ACCOUNT},
    f"GET {API}/accounts/109302/statuses?limit=40": {
        "json": STATUSES,
        "headers": _link("/accounts/109302/statuses?limit=40", "100"),
    },
    f"GET {API}/accounts/109302/statuses?limit=40&max_id=100": {"json": []},
    f"GET {API}/accounts/109302/followers?limit=80": {
        "json": [_person("1", "giulia"), _person("2", "marco@other.example")],
        "headers": _link("/accounts/109302/followers?limit=80", "2"),
    },
    f"GET {API}/accounts/109302/followers?limit=80&max_id=2": {"json": []},
    f"GET {API}/statuses/300/favourited_by?limit=80": {"json": [_person("3", "anna@x.example")]},
    f"GET {API}/statuses/300/reblogged_by?limit=80": {"json": [_person("1", "giulia")]},
    # the thread of 300: anna answers it, forno answers anna (own, not an interaction)
    f"GET {API}/statuses/300/context": {
        "json": {
            "ancestors": [],
            "descendants": [
                _status(
                    "301",
                    "2026-03-28T11:00:00.000Z",
                    in_reply_to_id="300",
                    account=_person("3", "anna@x.example"),
                ),
                _status("302", "2026-03-28T12:00:00.000Z", in_reply_to_id="301"),
            ],
        }
    },
    # 200 was deleted meanwhile: logged and skipped, not a unit error
    f"GET {API}/statuses/200/context": {"status": 404, "json": ERRORS["not_found"]["body"]},
    f"GET {API}/accounts/lookup?acct=nessuno": {"status": 404, "json": ERRORS["not_found"]["body"]},
    f"GET {API}/accounts/lookup?acct=segreto": {
        "status": 403,
        "json": ERRORS["forbidden"]["body"],
    },
    f"GET {API}/accounts/lookup?acct=chiuso": {
        "status": 401,
        "json": ERRORS["unauthorized"]["body"],
    },
    f"GET {API}/accounts/lookup?acct=sospeso": {"json": dict(ACCOUNT, suspended=True)},
    f"GET {API}/accounts/lookup?acct=troppe": {
        "status": 429,
        "headers": ERRORS["rate_limited"]["headers"],
        "json": ERRORS["rate_limited"]["body"],
    },
}


def _unit(handle: str) -> SyncUnit:
    account = f"{handle}@example.social"
    return SyncUnit(
        source="mastodon", key=f"mastodon:mastodon:{account}", network="mastodon", account=account
    )


class TestMastodonSourceContract(SourceContract):
    plugin = plugin
    plugin_name = "mastodon"
    name = "mastodon"
    settings = {"followers_limit": 10, "interactions_posts": 5}
    units = (_unit("forno"),)
    responses = RESPONSES
    # 3 posts (one a reblog, without metrics); 2 followers + anna who liked and replied;
    # interactions: anna's like, giulia's boost, anna's reply
    expected_counts = {
        "accounts": 1,
        "account_snapshots": 1,
        "posts": 3,
        "post_metrics": 2,
        "audience_members": 3,
        "interactions": 3,
    }
    error_units = (
        (_unit("nessuno"), "not_found"),
        (_unit("segreto"), "private"),
        (_unit("chiuso"), "auth"),
        (_unit("sospeso"), "suspended"),
        (_unit("troppe"), "rate_limited"),
    )
