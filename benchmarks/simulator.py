"""A load simulator: Mastodon and Bluesky APIs for synthetic accounts on local virtual hosts.

Each virtual host is an HTTP/1.1 (keep-alive) server on its own port of 127.0.0.1. Accounts are
spread round-robin over the hosts and alternate between the two networks, so every host serves
both APIs (as a proxy in front of an instance and an AppView would):

- Mastodon: ``/api/v1/accounts/lookup``, ``/api/v1/accounts/:id``,
  ``/api/v1/accounts/:id/statuses`` (``limit`` <= 40, ``max_id``, ``since_id``, ``min_id``,
  ``Link`` paging), ``/api/v1/accounts/:id/followers`` (<= 80), ``/api/v1/statuses/:id/
  favourited_by`` and ``/reblogged_by`` (<= 80, ``Link`` paging);
- Bluesky: ``app.bsky.actor.getProfile``, ``app.bsky.feed.getAuthorFeed`` (``limit`` <= 100,
  ``cursor``), ``app.bsky.graph.getFollowers``, ``app.bsky.feed.getLikes``,
  ``app.bsky.feed.getRepostedBy``.

Every answer waits ``latency`` seconds. Each host has one sliding-window rate limit (at most
``limit`` requests answered in any ``window`` seconds, not windows aligned to the clock that a
client can straddle to get twice the rate) shared by both APIs: Mastodon
endpoints answer with ``X-RateLimit-Limit/Remaining/Reset`` (ISO 8601), Bluesky endpoints with
``RateLimit-Limit/Remaining/Reset`` (unix seconds) and ``RateLimit-Policy``; over the limit the
answer is 429 (Bluesky's with ``Retry-After``). Payloads follow the documented shapes (a
subset of the fields). Content is computed from indexes, so the simulator holds no per-post
data and its memory does not grow with the number of posts.

Run it alone: ``python benchmarks/simulator.py --accounts 4 --posts 50`` prints the base URLs
and serves until interrupted. Benchmarks run it in its own process with
:class:`RemoteSimulator` (``--control``: one JSON line with the URLs, then a control port for
the statistics), so the server never shares the measured client's CPU time or event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import subprocess
import sys
import time
import urllib.request
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

DAY = timedelta(days=1)


@dataclass
class SimAccount:
    """One synthetic account: ``posts`` posts, one per ``spacing``, the newest last."""

    index: int
    network: str  # "mastodon" or "bluesky"
    host: int
    posts: int
    followers: int
    likes_per_post: int
    reblogs_per_post: int
    fresh_from: int = 1 << 30  # posts with this index or later have no likes yet

    @property
    def handle(self) -> str:
        if self.network == "mastodon":
            return f"user{self.index}@sim{self.host}.test"
        return f"user{self.index}.sim{self.host}.test"

    @property
    def did(self) -> str:
        return f"did:plc:sim{self.index:022d}"


@dataclass
class HostStats:
    """What one virtual host served."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    paths: Counter[str] = field(default_factory=Counter)
    per_account: Counter[int] = field(default_factory=Counter)
    first_at: float | None = None
    last_at: float | None = None

    @property
    def refused(self) -> int:
        return self.statuses[429]


class Simulator:
    """The simulated networks. Use ``async with Simulator(...) as sim`` and read
    ``sim.base_urls``, ``sim.accounts`` and ``sim.stats``.

    :param accounts: number of synthetic accounts.
    :param posts: posts per account.
    :param hosts: number of virtual hosts (ports).
    :param latency: seconds every answer waits.
    :param limit: requests allowed per host and window (0: no limit).
    :param window: the rate-limit window in seconds.
    :param followers: followers per account.
    :param likes: likes (favourites) per post; ``reblogs``: reposts per post.
    """

    def __init__(
        self,
        *,
        accounts: int = 100,
        posts: int = 200,
        hosts: int = 4,
        latency: float = 0.05,
        limit: int = 60,
        window: float = 1.0,
        followers: int = 0,
        likes: int = 0,
        reblogs: int = 0,
    ) -> None:
        self.latency = latency
        self.limit = limit
        self.window = window
        self.hosts = hosts
        self.accounts = [
            SimAccount(
                index=i,
                network="mastodon" if (i // hosts) % 2 == 0 else "bluesky",
                host=i % hosts,
                posts=posts,
                followers=followers,
                likes_per_post=likes,
                reblogs_per_post=reblogs,
            )
            for i in range(accounts)
        ]
        self.start_time = datetime.now(UTC).replace(microsecond=0)
        self.spacing = DAY
        self.origin = self.start_time - posts * self.spacing - timedelta(hours=1)
        self.stats = [HostStats() for _ in range(hosts)]
        self.base_urls: list[str] = []
        self._servers: list[asyncio.Server] = []
        self._answered: list[deque[float]] = [deque() for _ in range(hosts)]

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> Simulator:
        for host in range(self.hosts):
            server = await asyncio.start_server(
                lambda r, w, h=host: self._serve(h, r, w), "127.0.0.1", 0, backlog=1024
            )
            self._servers.append(server)
            port = server.sockets[0].getsockname()[1]
            self.base_urls.append(f"http://127.0.0.1:{port}")
        return self

    async def __aexit__(self, *exc: object) -> None:
        for server in self._servers:
            server.close()
        for server in self._servers:
            await server.wait_closed()

    def reset_stats(self) -> None:
        """Forget what was served so far (between benchmark phases)."""
        self.stats = [HostStats() for _ in range(self.hosts)]

    def add_post(self, account: SimAccount) -> None:
        """Publish one new post (it has no likes or reblogs yet)."""
        account.fresh_from = min(account.fresh_from, account.posts)
        account.posts += 1

    def base_url(self, account: SimAccount) -> str:
        return self.base_urls[account.host]

    # ------------------------------------------------------------------ HTTP

    async def _serve(
        self, host: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                target = head.split(b" ", 2)[1].decode("latin-1")
                arrived = time.monotonic()
                status, headers, body = self._answer(host, target, arrived)
                if self.latency:
                    await asyncio.sleep(self.latency)
                lines = [
                    f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}",
                    "Content-Type: application/json; charset=utf-8",
                    f"Content-Length: {len(body)}",
                    *(f"{k}: {v}" for k, v in headers.items()),
                ]
                writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    def _answer(self, host: int, target: str, arrived: float) -> tuple[int, dict[str, str], bytes]:
        stats = self.stats[host]
        stats.requests += 1
        stats.first_at = stats.first_at if stats.first_at is not None else arrived
        stats.last_at = arrived
        parts = urlsplit(target)
        path = parts.path
        params = dict(parse_qsl(parts.query))
        bluesky = path.startswith("/xrpc/")
        stats.paths[path.split("/")[-1] if bluesky else _route_name(path)] += 1
        limited, headers = self._rate_limit(host, bluesky)
        if limited:
            stats.statuses[429] += 1
            error = (
                {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}
                if bluesky
                else {"error": "Too many requests"}
            )
            return 429, headers, json.dumps(error).encode()
        try:
            if bluesky:
                status, extra, data = self._bluesky(host, path[6:], params)
            else:
                status, extra, data = self._mastodon(host, path, params, target)
        except LookupError:  # an unknown account, as each network answers it
            status, extra = (400, {}) if bluesky else (404, {})
            data = (
                {"error": "InvalidRequest", "message": "Profile not found"}
                if bluesky
                else {"error": "Record not found"}
            )
        except ValueError as exc:
            status, extra, data = 400, {}, {"error": "InvalidRequest", "message": str(exc)}
        stats.statuses[status] += 1
        return status, {**headers, **extra}, json.dumps(data, separators=(",", ":")).encode()

    def _rate_limit(self, host: int, bluesky: bool) -> tuple[bool, dict[str, str]]:
        if not self.limit:
            return False, {}
        now = time.time()
        answered = self._answered[host]
        while answered and answered[0] <= now - self.window:
            answered.popleft()
        limited = len(answered) >= self.limit
        if not limited:
            answered.append(now)
        # the window frees a request when the oldest one in it leaves
        reset = answered[0] + self.window if len(answered) >= self.limit else now
        remaining = str(max(0, self.limit - len(answered)))
        if bluesky:
            headers = {
                "RateLimit-Limit": str(self.limit),
                "RateLimit-Remaining": remaining,
                "RateLimit-Reset": str(math.ceil(reset)),
                "RateLimit-Policy": f"{self.limit};w={self.window:g}",
            }
            if limited:
                headers["Retry-After"] = str(max(1, math.ceil(reset - now)))
        else:
            when = datetime.fromtimestamp(reset, UTC)
            headers = {
                "X-RateLimit-Limit": str(self.limit),
                "X-RateLimit-Remaining": remaining,
                "X-RateLimit-Reset": when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            }
        return limited, headers

    def _account_of(self, host: int, key: str) -> SimAccount:
        """The account a handle, acct or DID names; LookupError when it is not here."""
        try:
            if key.startswith("did:plc:sim"):
                account = self.accounts[int(key[11:])]
            else:
                index = int(key.split(".")[0].split("@")[0].removeprefix("user"))
                account = self.accounts[index]
        except (ValueError, IndexError):
            raise LookupError(key) from None
        if account.host != host:
            raise LookupError(key)
        self.stats[host].per_account[account.index] += 1
        return account

    # ------------------------------------------------------------------ Mastodon

    def _created(self, j: int) -> datetime:
        return self.origin + j * self.spacing

    @staticmethod
    def _iso(when: datetime) -> str:
        return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")

    def _m_account(self, a: SimAccount) -> dict[str, Any]:
        return {
            "id": str(a.index + 1),
            "username": f"user{a.index}",
            "acct": f"user{a.index}",
            "display_name": f"Sim {a.index} 🍞",
            "locked": False,
            "bot": False,
            "created_at": "2022-01-01T00:00:00.000Z",
            "note": f"<p>Synthetic account {a.index}</p>",
            "url": f"https://sim{a.host}.test/@user{a.index}",
            "followers_count": a.followers,
            "following_count": 10,
            "statuses_count": a.posts,
            "last_status_at": self._created(a.posts - 1).date().isoformat(),
            "emojis": [],
            "fields": [],
        }

    def _m_status(self, a: SimAccount, j: int, account: dict[str, Any]) -> dict[str, Any]:
        sid = str((a.index + 1) * 10_000_000 + j)
        fresh = j >= a.fresh_from
        return {
            "id": sid,
            "created_at": self._iso(self._created(j)),
            "in_reply_to_id": None,
            "in_reply_to_account_id": None,
            "sensitive": False,
            "spoiler_text": "",
            "visibility": "public",
            "language": "it",
            "uri": f"https://sim{a.host}.test/users/user{a.index}/statuses/{sid}",
            "url": f"https://sim{a.host}.test/@user{a.index}/{sid}",
            "replies_count": j % 3,
            "reblogs_count": 0 if fresh else a.reblogs_per_post,
            "favourites_count": 0 if fresh else a.likes_per_post,
            "content": f"<p>Post {j} di user{a.index} ✨</p>",
            "reblog": None,
            "account": account,
            "media_attachments": [],
            "mentions": [],
            "tags": [],
            "emojis": [],
            "card": None,
            "poll": None,
        }

    def _m_person(self, a: SimAccount, n: int, kind: str) -> dict[str, Any]:
        return {
            "id": str(900_000_000 + n),
            "username": f"{kind}{n}",
            "acct": f"{kind}{n}@elsewhere.test",
            "display_name": f"{kind} {n}",
            "locked": False,
            "bot": False,
            "created_at": "2023-01-01T00:00:00.000Z",
            "note": "",
            "url": f"https://elsewhere.test/@{kind}{n}",
            "followers_count": n * 7 % 1000,
            "following_count": 50,
            "statuses_count": 10,
            "emojis": [],
            "fields": [],
        }

    def _mastodon(
        self, host: int, path: str, params: dict[str, str], target: str
    ) -> tuple[int, dict[str, str], Any]:
        parts = path.strip("/").split("/")  # api v1 accounts ...
        if parts[:3] != ["api", "v1", "accounts"] and parts[:3] != ["api", "v1", "statuses"]:
            return 404, {}, {"error": "Record not found"}
        if parts[2] == "accounts" and parts[3] == "lookup":
            return 200, {}, self._m_account(self._account_of(host, params["acct"]))
        if parts[2] == "accounts":
            a = self.accounts[int(parts[3]) - 1]
            if a.host != host:
                return 404, {}, {"error": "Record not found"}
            self.stats[host].per_account[a.index] += 1
            if len(parts) == 4:
                return 200, {}, self._m_account(a)
            limit = int(params.get("limit", 20))
            if parts[4] == "statuses":
                limit = min(limit, 40)
                base = (a.index + 1) * 10_000_000
                hi = a.posts - 1
                if "max_id" in params:
                    hi = min(hi, int(params["max_id"]) - base - 1)
                lo = 0
                if "since_id" in params:
                    lo = max(lo, int(params["since_id"]) - base + 1)
                if "min_id" in params:  # the oldest newer ones first, returned newest first
                    lo = max(lo, int(params["min_id"]) - base + 1)
                    hi = min(hi, lo + limit - 1)
                account = self._m_account(a)
                page = [
                    self._m_status(a, j, account)
                    for j in range(hi, max(lo, hi - limit + 1) - 1, -1)
                ]
                return 200, _link(self.base_urls[host], target, page), page
            if parts[4] == "followers":
                limit = min(limit, 80)
                start = int(params.get("max_id", "0"))
                items = [
                    dict(self._m_person(a, n, "follower"), id=str(n + 1))
                    for n in range(start, min(a.followers, start + limit))
                ]
                return 200, _link(self.base_urls[host], target, items), items
        if parts[2] == "statuses" and len(parts) == 5:
            sid = int(parts[3])
            a = self.accounts[sid // 10_000_000 - 1]
            self.stats[host].per_account[a.index] += 1
            j = sid % 10_000_000
            count = a.likes_per_post if parts[4] == "favourited_by" else a.reblogs_per_post
            if j >= a.fresh_from:
                count = 0
            limit = min(int(params.get("limit", 40)), 80)
            start = int(params.get("max_id", "0"))
            kind = "fan" if parts[4] == "favourited_by" else "booster"
            items = [
                dict(self._m_person(a, n, kind), id=str(n + 1))
                for n in range(start, min(count, start + limit))
            ]
            return 200, _link(self.base_urls[host], target, items), items
        return 404, {}, {"error": "Record not found"}

    # ------------------------------------------------------------------ Bluesky

    def _b_profile(self, a: SimAccount) -> dict[str, Any]:
        return {
            "did": a.did,
            "handle": a.handle,
            "displayName": f"Sim {a.index} 🦋",
            "description": f"Synthetic account {a.index}",
            "createdAt": "2023-09-01T00:00:00.000Z",
            "indexedAt": "2024-01-01T00:00:00.000Z",
            "labels": [],
            "followersCount": a.followers,
            "followsCount": 10,
            "postsCount": a.posts,
        }

    def _b_item(self, a: SimAccount, j: int) -> dict[str, Any]:
        created = self._iso(self._created(j))
        fresh = j >= a.fresh_from
        return {
            "post": {
                "uri": f"at://{a.did}/app.bsky.feed.post/sim{j:08d}",
                "cid": f"bafysim{a.index}x{j}",
                "author": {"did": a.did, "handle": a.handle, "labels": []},
                "record": {
                    "$type": "app.bsky.feed.post",
                    "createdAt": created,
                    "langs": ["it"],
                    "text": f"Post {j} di user{a.index} ✨",
                },
                "replyCount": j % 3,
                "repostCount": 0 if fresh else a.reblogs_per_post,
                "likeCount": 0 if fresh else a.likes_per_post,
                "quoteCount": 0,
                "indexedAt": created,
                "labels": [],
            }
        }

    def _b_person(self, n: int, kind: str) -> dict[str, Any]:
        return {
            "did": f"did:plc:{kind}{n:020d}",
            "handle": f"{kind}{n}.elsewhere.test",
            "displayName": f"{kind} {n}",
            "labels": [],
        }

    def _bluesky(
        self, host: int, method: str, params: dict[str, str]
    ) -> tuple[int, dict[str, str], Any]:
        if method == "app.bsky.actor.getProfile":
            return 200, {}, self._b_profile(self._account_of(host, params["actor"]))
        limit = min(int(params.get("limit", 50)), 100)
        start = int(params.get("cursor", "0"))
        if method == "app.bsky.feed.getAuthorFeed":
            a = self._account_of(host, params["actor"])
            newest = a.posts - 1 - start
            feed = [self._b_item(a, j) for j in range(newest, max(-1, newest - limit), -1)]
            body: dict[str, Any] = {"feed": feed}
            if len(feed) == limit:
                body["cursor"] = str(start + limit)
            return 200, {}, body
        if method == "app.bsky.graph.getFollowers":
            a = self._account_of(host, params["actor"])
            total, key, kind = a.followers, "followers", "follower"
            extra: dict[str, Any] = {"subject": self._b_profile(a)}
        elif method in ("app.bsky.feed.getLikes", "app.bsky.feed.getRepostedBy"):
            did, _, rkey = params["uri"].removeprefix("at://").partition("/app.bsky.feed.post/")
            a = self._account_of(host, did)
            j = int(rkey.removeprefix("sim"))
            likes = method.endswith("getLikes")
            total = a.likes_per_post if likes else a.reblogs_per_post
            total = 0 if j >= a.fresh_from else total
            key, kind = ("likes", "fan") if likes else ("repostedBy", "booster")
            extra = {"uri": params["uri"]}
        else:
            return 501, {}, {"error": "MethodNotImplemented", "message": method}
        people = [self._b_person(n, kind) for n in range(start, min(total, start + limit))]
        if key == "likes":
            at = self._iso(self.start_time)
            people = [{"indexedAt": at, "createdAt": at, "actor": p} for p in people]
        body = {key: people, **extra}
        if len(people) == limit:
            body["cursor"] = str(start + limit)
        return 200, {}, body


def _route_name(path: str) -> str:
    parts = path.strip("/").split("/")
    if len(parts) >= 5:
        return parts[4]
    return parts[3] if len(parts) == 4 and parts[3] == "lookup" else "account"


def _link(base: str, target: str, page: list[dict[str, Any]]) -> dict[str, str]:
    """Mastodon's ``Link`` header: ``next`` (older, ``max_id``) and ``prev`` (newer,
    ``min_id``) when the page is not empty."""
    if not page:
        return {}
    parts = urlsplit(target)
    params = [
        (k, v) for k, v in parse_qsl(parts.query) if k not in ("max_id", "min_id", "since_id")
    ]
    nxt = urlencode([*params, ("max_id", page[-1]["id"])])
    prev = urlencode([*params, ("min_id", page[0]["id"])])
    return {
        "Link": f'<{base}{parts.path}?{nxt}>; rel="next", <{base}{parts.path}?{prev}>; rel="prev"'
    }


def _stats_json(stats: HostStats) -> dict[str, Any]:
    return {
        "requests": stats.requests,
        "statuses": {str(k): v for k, v in stats.statuses.items()},
        "paths": dict(stats.paths),
        "per_account": {str(k): v for k, v in stats.per_account.items()},
    }


def _stats_from(data: dict[str, Any]) -> HostStats:
    return HostStats(
        requests=data["requests"],
        statuses=Counter({int(k): v for k, v in data["statuses"].items()}),
        paths=Counter(data["paths"]),
        per_account=Counter({int(k): v for k, v in data["per_account"].items()}),
    )


async def _control(sim: Simulator, reader: asyncio.StreamReader, writer: Any) -> None:
    """The control port: ``/state`` (accounts and statistics), ``/reset``, ``/add?i=N``."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        parts = urlsplit(head.split(b" ", 2)[1].decode("latin-1"))
        if parts.path == "/reset":
            sim.reset_stats()
        elif parts.path == "/add":
            for i in dict(parse_qsl(parts.query))["i"].split(","):
                sim.add_post(sim.accounts[int(i)])
        state = {
            "accounts": [
                {k: getattr(a, k) for k in ("index", "network", "host", "posts", "followers",
                                            "likes_per_post", "reblogs_per_post", "fresh_from")}
                for a in sim.accounts
            ],
            "stats": [_stats_json(st) for st in sim.stats],
        }  # fmt: skip
        body = json.dumps(state).encode()
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await writer.drain()
    finally:
        writer.close()


async def _main(args: argparse.Namespace) -> None:
    async with Simulator(
        accounts=args.accounts,
        posts=args.posts,
        hosts=args.hosts,
        latency=args.latency,
        limit=args.limit,
        window=args.window,
        followers=args.followers,
        likes=args.likes,
        reblogs=args.reblogs,
    ) as sim:
        if args.control:
            control = await asyncio.start_server(lambda r, w: _control(sim, r, w), "127.0.0.1", 0)
            port = control.sockets[0].getsockname()[1]
            hello = {"base_urls": sim.base_urls, "control": f"http://127.0.0.1:{port}"}
            print(json.dumps(hello), flush=True)
        else:
            for url in sim.base_urls:
                print(url)
            for a in sim.accounts[:8]:
                print(f"{a.network:9} {a.handle:28} {sim.base_url(a)}")
        await asyncio.Event().wait()


class RemoteSimulator:
    """A :class:`Simulator` in its own process, with the same attributes the benchmarks read
    (``accounts``, ``base_url``, ``stats``, ``reset_stats``, ``add_post``, ``latency``,
    ``limit``, ``window``)."""

    def __init__(self, **options: Any) -> None:
        self.options = {
            "accounts": 100, "posts": 200, "hosts": 4, "latency": 0.05, "limit": 60,
            "window": 1.0, "followers": 0, "likes": 0, "reblogs": 0, **options,
        }  # fmt: skip
        self.latency = float(self.options["latency"])
        self.limit = int(self.options["limit"])
        self.window = float(self.options["window"])
        self.accounts: list[SimAccount] = []
        self.base_urls: list[str] = []
        self._proc: subprocess.Popen[str] | None = None
        self._control = ""

    async def __aenter__(self) -> RemoteSimulator:
        args = [sys.executable, __file__, "--control"]
        for key, value in self.options.items():
            args += [f"--{key}", str(value)]
        self._proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        assert self._proc.stdout is not None
        hello = json.loads(await asyncio.to_thread(self._proc.stdout.readline))
        self.base_urls, self._control = hello["base_urls"], hello["control"]
        self._sync(self._call("/state"))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=10)

    def _call(self, path: str) -> dict[str, Any]:
        with urllib.request.urlopen(self._control + path, timeout=30) as answer:
            return json.loads(answer.read())

    def _sync(self, state: dict[str, Any]) -> None:
        self.accounts = [SimAccount(**a) for a in state["accounts"]]

    @property
    def stats(self) -> list[HostStats]:
        """What each host served so far (asked of the simulator's process)."""
        return [_stats_from(s) for s in self._call("/state")["stats"]]

    def reset_stats(self) -> None:
        """Forget what was served so far."""
        self._call("/reset")

    def add_post(self, account: SimAccount) -> None:
        """Publish one new post on ``account``."""
        self._sync(self._call(f"/add?i={account.index}"))

    def add_posts(self, accounts: list[SimAccount]) -> None:
        """Publish one new post on each of ``accounts`` (one control call)."""
        if accounts:
            self._sync(self._call("/add?i=" + ",".join(str(a.index) for a in accounts)))

    def base_url(self, account: SimAccount) -> str:
        return self.base_urls[account.host]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=8)
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--hosts", type=int, default=4)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--limit", type=int, default=60)
    parser.add_argument("--window", type=float, default=1.0)
    parser.add_argument("--followers", type=int, default=0)
    parser.add_argument("--likes", type=int, default=0)
    parser.add_argument("--reblogs", type=int, default=0)
    parser.add_argument("--control", action="store_true", help="JSON hello and a control port")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(parser.parse_args()))


POSTS_ONLY = """
[plugins.mastodon]
followers_limit = 0
interactions_posts = 0

[plugins.bluesky]
followers_limit = 0
interactions_posts = 0
"""
"""Plugin settings that make a sync read posts only (no followers, no interactions)."""


def workspace_toml(sim: Simulator | RemoteSimulator, settings: str = "") -> str:
    """An ``smm.toml`` with one channel per simulated account, pointed at the simulator."""
    lines = ["[client]", 'name = "Bench"', 'segment = "benchmark"', 'language = "it"']
    lines += ['timezone = "UTC"', ""]
    for a in sim.accounts:
        lines += [
            "[[channels]]",
            f'network = "{a.network}"',
            f'handle = "{a.handle}"',
            f'options = {{ base_url = "{sim.base_url(a)}" }}',
            "",
        ]
    return "\n".join(lines) + settings
