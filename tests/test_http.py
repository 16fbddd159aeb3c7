"""The shared HTTP layer against a real HTTP/1.1 server on 127.0.0.1 sending real headers."""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

import smmcore.http
from smmcore.contracts import SourceError
from smmcore.http import (
    BASE_USER_AGENT,
    HttpError,
    HttpSourceSettings,
    RateLimitInfo,
    get_json,
    open_client,
    parse_rate_limit,
    redact_headers,
    redact_url,
    transport_stats,
)

Reply = tuple[int, dict[str, str], bytes]
Handler = Callable[[str, str, dict[str, str]], Reply | None]


class LocalServer:
    """A keep-alive HTTP/1.1 responder on 127.0.0.1; ``handler`` returns the answer, or
    ``None`` to drop the connection without one."""

    def __init__(self, handler: Handler, clock: Callable[[], float] = time.monotonic) -> None:
        self.handler = handler
        self.clock = clock
        self.hits: list[tuple[float, str, dict[str, str]]] = []
        self.statuses: list[int] = []
        self.server: asyncio.Server | None = None

    async def __aenter__(self) -> str:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                self.hits.append((self.clock(), target, headers))
                answer = self.handler(method, target, headers)
                if answer is None:
                    writer.close()
                    return
                status, extra, body = answer
                self.statuses.append(status)
                out = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body)}"]
                out += [f"{k}: {v}" for k, v in extra.items()]
                writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()


def ok(data: Any = None, **headers: str) -> Reply:
    body = json.dumps({"ok": True} if data is None else data).encode()
    return 200, {"Content-Type": "application/json", **headers}, body


class FixedWindow:
    """A server-side fixed-window limiter answering with Mastodon's headers (``now``: the
    epoch time, the client's injected wall clock)."""

    def __init__(self, limit: int, window: float, now: Callable[[], float]) -> None:
        self.limit, self.window, self.now = limit, window, now
        self.start = now()
        self.index = -1
        self.used = 0
        self.windows: list[int] = []  # the window of every accepted request

    def __call__(self, method: str, target: str, headers: dict[str, str]) -> Reply:
        now = self.now()
        index = int((now - self.start) // self.window)
        if index != self.index:
            self.index, self.used = index, 0
        reset = datetime.fromtimestamp(self.start + (index + 1) * self.window, UTC)
        rl = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Reset": reset.isoformat(timespec="microseconds").replace("+00:00", "Z"),
        }
        if self.used >= self.limit:
            rl["X-RateLimit-Remaining"] = "0"
            return 429, rl, b'{"error": "Too many requests"}'
        self.used += 1
        self.windows.append(index)
        rl["X-RateLimit-Remaining"] = str(self.limit - self.used)
        return ok(**rl)


def run(coro: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(coro())


# --------------------------------------------------------------------------- rate limits


def test_waits_for_the_window_instead_of_being_refused() -> None:
    # In-process transport and injected time: concurrent waits are exact and take no real
    # time (a local server's latency would move a fake clock that probes while it waits).
    fake = FakeTime()
    limiter = FixedWindow(limit=5, window=0.5, now=fake.clock)
    statuses: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        status, headers, body = limiter(request.method, request.url.path, dict(request.headers))
        statuses.append(status)
        return httpx.Response(status, headers=headers, content=body)

    async def main() -> None:
        async with open_client(
            per_host_limit=8,
            transport=httpx.MockTransport(answer),
            clock=fake.clock,
            sleep=fake.sleep,
            wall_clock=fake.clock,
        ) as http:
            await asyncio.gather(
                *(get_json(http, f"https://mastodon.example/r/{i}") for i in range(12))
            )

    start = fake.now
    run(main)
    assert statuses == [200] * 12  # never refused
    per_window = [limiter.windows.count(w) for w in sorted(set(limiter.windows))]
    assert per_window == [5, 5, 2]  # 12 requests need 3 windows, each used to its limit
    assert fake.now - start < 1.1  # and no window was wasted waiting (two resets of 0.5 s)


def test_reddit_headers_float_remaining_and_seconds_reset() -> None:
    fake = FakeTime()
    state = {"used": 0, "start": fake.now}

    def reddit(method: str, target: str, headers: dict[str, str]) -> Reply:
        elapsed = fake.now - state["start"]
        if elapsed >= 1.0 and state["used"] >= 3:  # one window of 1 s, then a fresh one
            state["used"], state["start"] = 0, fake.now
            elapsed = 0.0
        reset = max(1, round(1.0 - elapsed))
        if state["used"] >= 3:
            return 429, {"X-Ratelimit-Remaining": "0.0", "X-Ratelimit-Reset": str(reset)}, b"{}"
        state["used"] += 1
        return ok(
            **{
                "X-Ratelimit-Used": str(state["used"]),
                "X-Ratelimit-Remaining": f"{3 - state['used']}.0",
                "X-Ratelimit-Reset": str(reset),
            }
        )

    server = LocalServer(reddit)

    async def main() -> None:
        async with (
            server as base,
            open_client(per_host_limit=1, clock=fake.clock, sleep=fake.sleep) as http,
        ):
            for i in range(5):
                await get_json(http, f"{base}/r/{i}")

    run(main)
    assert 429 not in server.statuses and len(server.statuses) == 5
    assert fake.sleeps and sum(fake.sleeps) >= 0.95  # waited for the window's reset


def test_honours_retry_after_seconds() -> None:
    calls = {"n": 0}

    def handler(method: str, target: str, headers: dict[str, str]) -> Reply:
        calls["n"] += 1
        if calls["n"] == 1:
            body = b'{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}'
            return 429, {"Retry-After": "1", "RateLimit-Remaining": "0"}, body
        return ok()

    fake = FakeTime()
    server = LocalServer(handler, clock=fake.clock)

    async def main() -> Any:
        async with (
            server as base,
            open_client(backoff_initial=0.01, clock=fake.clock, sleep=fake.sleep) as http,
        ):
            data = await get_json(http, f"{base}/x")
            return data, transport_stats(http)

    data, stats = run(main)
    assert data == {"ok": True}
    (first, _, _), (second, _, _) = server.hits
    assert 0.95 <= second - first < 1.1  # waited the second it was told to, not 0.01 s
    (host_stats,) = stats.values()
    assert host_stats["requests"] == 2 and host_stats["429"] == 1


def test_retries_503_then_succeeds() -> None:
    answers = [(503, {}, b'{"error":"busy"}'), (502, {}, b""), ok({"n": 3})]
    server = LocalServer(lambda m, t, h: answers.pop(0))

    async def main() -> Any:
        async with server as base, open_client(backoff_initial=0.01) as http:
            return await get_json(http, f"{base}/x")

    assert run(main) == {"n": 3}
    assert server.statuses == [503, 502, 200]


def test_retries_dropped_connections() -> None:
    calls = {"n": 0}

    def handler(method: str, target: str, headers: dict[str, str]) -> Reply | None:
        calls["n"] += 1
        return None if calls["n"] <= 2 else ok()

    server = LocalServer(handler)

    async def main() -> Any:
        async with server as base, open_client(backoff_initial=0.01) as http:
            return await get_json(http, f"{base}/x")

    assert run(main) == {"ok": True}
    assert calls["n"] == 3


def test_gives_up_after_the_cap_with_a_clear_error() -> None:
    server = LocalServer(lambda m, t, h: (503, {}, b'{"error": "Service Unavailable"}'))

    async def main() -> None:
        async with server as base, open_client(max_retries=2, backoff_initial=0.01) as http:
            await get_json(http, f"{base}/api?access_token=SECRET", network="Mastodon")

    with pytest.raises(HttpError) as info:
        run(main)
    assert len(server.hits) == 3  # 1 + 2 retries
    err = info.value
    assert (err.kind, err.status) == ("network", 503)
    assert "Mastodon answered HTTP 503" in str(err) and "Service Unavailable" in str(err)
    assert "SECRET" not in str(err) and "access_token=REDACTED" in str(err)


def test_too_long_a_wait_is_a_rate_limited_error_not_a_hang() -> None:
    fake = FakeTime()
    reset = (datetime.fromtimestamp(fake.now, UTC) + timedelta(hours=1)).isoformat()
    server = LocalServer(
        lambda m, t, h: ok(
            **{"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
        )
    )

    async def main() -> None:
        async with (
            server as base,
            open_client(
                max_wait=5, clock=fake.clock, sleep=fake.sleep, wall_clock=fake.clock
            ) as http,
        ):
            await get_json(http, f"{base}/a")  # allowed, but spends the budget
            await get_json(http, f"{base}/b")

    with pytest.raises(SourceError) as info:
        run(main)
    assert info.value.kind == "rate_limited" and "3600 s" in str(info.value)
    assert fake.sleeps == []  # refused at once: no part of the hour waited
    assert len(server.hits) == 1


def test_unreachable_host_is_a_network_error() -> None:
    async def main() -> None:
        async with open_client(max_retries=1, backoff_initial=0.01) as http:
            await get_json(http, "http://127.0.0.1:9/nothing?key=K")

    with pytest.raises(HttpError) as info:
        run(main)
    assert info.value.kind == "network" and "key=REDACTED" in str(info.value)


# --------------------------------------------------------------------------- conditional requests


def test_etag_304_is_answered_from_the_cache_and_cache_persists() -> None:
    def handler(method: str, target: str, headers: dict[str, str]) -> Reply:
        if headers.get("if-none-match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return ok(
            {"followers": 10}, ETag='"v1"', **{"Last-Modified": "Wed, 25 Nov 2026 10:00:00 GMT"}
        )

    server = LocalServer(handler)
    cache: dict[str, Any] = {}

    async def main() -> list[Any]:
        async with server as base:
            async with open_client(cache=cache) as http:
                first = await get_json(http, f"{base}/p?api_key=K")
                second = await http.get(f"{base}/p?api_key=K")
            async with open_client(cache=cache) as http:  # a later run with the saved cache
                third = await get_json(http, f"{base}/p?api_key=K")
            return [first, second.json(), second.headers.get("x-smm-cache"), third]

    first, second, marker, third = run(main)
    assert first == second == third == {"followers": 10}
    assert marker == "revalidated"
    assert server.statuses == [200, 304, 304]
    assert server.hits[1][2]["if-none-match"] == '"v1"'
    assert server.hits[1][2]["if-modified-since"] == "Wed, 25 Nov 2026 10:00:00 GMT"
    assert "api_key" not in json.dumps(cache) and "K" not in "".join(cache)  # keys are hashes


# --------------------------------------------------------------------------- headers, secrets


def test_user_agent_and_errors_with_the_network_message() -> None:
    server = LocalServer(lambda m, t, h: (404, {}, b'{"error": "Record not found"}'))

    async def main() -> None:
        async with server as base, open_client(user_agent_extra="run/1") as http:
            await get_json(
                http, f"{base}/api/v1/accounts/lookup?acct=x", agent="smm-mastodon/0.1.0"
            )

    with pytest.raises(HttpError) as info:
        run(main)
    assert info.value.kind == "not_found" and "Record not found" in str(info.value)
    ua = server.hits[0][2]["user-agent"]
    assert ua == f"{BASE_USER_AGENT} run/1 smm-mastodon/0.1.0"
    assert ua.startswith("smmcore/0.1.0 (+https://github.com/smmcore/smmcore)")


def test_secrets_never_reach_the_log(caplog: pytest.LogCaptureFixture) -> None:
    server = LocalServer(lambda m, t, h: (503, {}, b"{}"))

    async def main() -> None:
        async with server as base, open_client(max_retries=1, backoff_initial=0.01) as http:
            with pytest.raises(HttpError):
                await get_json(
                    http,
                    f"{base}/v3/channels?key=AIzaSECRET&part=statistics",
                    headers={"Authorization": "Bearer TOKENSECRET"},
                )

    with caplog.at_level(logging.DEBUG):
        run(main)
    assert "channels" in caplog.text
    assert "AIzaSECRET" not in caplog.text and "TOKENSECRET" not in caplog.text


def test_redaction_helpers() -> None:
    assert (
        redact_url("https://u:pw@h.test/p?access_token=a&q=caf%C3%A9&api_key=b&client_secret=c")
        == "https://u:REDACTED@h.test/p?access_token=REDACTED&q=caf%C3%A9&api_key=REDACTED"
        "&client_secret=REDACTED"
    )
    assert redact_url("https://h.test/p?q=1") == "https://h.test/p?q=1"
    assert redact_headers({"Authorization": "Bearer x", "Accept": "a"}) == {
        "Authorization": "REDACTED",
        "Accept": "a",
    }


def test_parse_rate_limit_header_styles() -> None:
    now = 1_764_000_000.0
    mastodon = parse_rate_limit(
        httpx.Headers(
            {
                "X-RateLimit-Limit": "300",
                "X-RateLimit-Remaining": "299",
                "X-RateLimit-Reset": datetime.fromtimestamp(now + 120.5, UTC).isoformat(),
            }
        ),
        now,
    )
    assert (mastodon.limit, mastodon.remaining) == (300, 299)
    assert mastodon.reset_in == pytest.approx(120.5)
    bluesky = parse_rate_limit(
        httpx.Headers(
            {
                "RateLimit-Limit": "3000",
                "RateLimit-Remaining": "2999",
                "RateLimit-Reset": str(int(now) + 300),
                "RateLimit-Policy": "3000;w=300",
            }
        ),
        now,
    )
    assert (bluesky.limit, bluesky.remaining, bluesky.reset_in, bluesky.window) == (
        3000,
        2999,
        300.0,
        300.0,
    )
    ietf = parse_rate_limit(httpx.Headers({"RateLimit-Remaining": "5", "RateLimit-Reset": "30"}))
    assert ietf.reset_in == 30.0
    reddit = parse_rate_limit(
        httpx.Headers(
            {"X-Ratelimit-Used": "4", "X-Ratelimit-Remaining": "96.0", "X-Ratelimit-Reset": "412"}
        ),
        now,
    )
    assert (reddit.limit, reddit.remaining, reddit.reset_in) == (100, 96, 412.0)
    date = datetime.fromtimestamp(now + 90, UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_rate_limit(httpx.Headers({"Retry-After": date}), now).retry_after == 90.0
    assert parse_rate_limit(httpx.Headers({"Retry-After": "7"}), now).retry_after == 7.0
    assert parse_rate_limit(httpx.Headers({"Content-Type": "x"}), now).empty


NOW = 1_764_000_000.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        # X API v2 (docs: x-rate-limit-*, the reset in epoch seconds)
        (
            {"x-rate-limit-limit": "900", "x-rate-limit-remaining": "0",
             "x-rate-limit-reset": str(int(NOW) + 600)},
            {"limit": 900, "remaining": 0, "reset_in": 600.0},
        ),
        # X-RateLimit-Reset in epoch seconds
        (
            {"X-RateLimit-Limit": "900", "X-RateLimit-Remaining": "1",
             "X-RateLimit-Reset": str(int(NOW) + 60)},
            {"limit": 900, "remaining": 1, "reset_in": 60.0},
        ),
        # the IETF names win over the X- ones when both are sent
        (
            {"RateLimit-Limit": "50", "X-RateLimit-Limit": "70", "RateLimit-Remaining": "3",
             "X-RateLimit-Remaining": "9", "RateLimit-Reset": "12", "X-RateLimit-Reset": "99"},
            {"limit": 50, "remaining": 3, "reset_in": 12.0},
        ),
        # several policies: the most restrictive rate (1000 per hour < 100 per 10 s)
        (
            {"RateLimit-Policy": "100;w=10, 1000;w=3600"},
            {"limit": 1000, "window": 3600.0},
        ),
        # a named policy with q= and w=
        ({"RateLimit-Policy": '"default";q=100;w=10'}, {"limit": 100, "window": 10.0}),
        # the first of two equally restrictive policies; a policy without a window or with
        # a window that is not a number is not a rate and is skipped; a limit stays the first
        ({"RateLimit-Policy": "10;w=1, 600;w=60"}, {"limit": 10, "window": 1.0}),
        ({"RateLimit-Policy": "5, 50;w=abc, 100;w=10"}, {"limit": 100, "window": 10.0}),
        ({"RateLimit-Policy": "100;200;w=10"}, {"limit": 100, "window": 10.0}),
        ({"RateLimit-Policy": "oops"}, {"limit": None, "window": None}),
        # Retry-After as an HTTP date (RFC 9110): seconds from now; one past waits 0; an
        # unreadable date is unknown
        ({"Retry-After": "Sun, 24 Nov 2024 16:01:40"}, {"retry_after": None}),  # no zone
        (
            {"Retry-After": email.utils.formatdate(NOW + 90, usegmt=True)},
            {"retry_after": 90.0},
        ),
        ({"Retry-After": email.utils.formatdate(NOW - 90, usegmt=True)}, {"retry_after": 0.0}),
        ({"Retry-After": "Mon, 99 Foo 2026 25:61:00"}, {"retry_after": None}),
        # the newer combined draft header
        ({"RateLimit": '"default";r=50;t=30'}, {"remaining": 50, "reset_in": 30.0}),
        # a reset already past waits 0, never a negative time
        ({"X-RateLimit-Reset": str(int(NOW) - 5)}, {"reset_in": 0.0}),
        ({"Retry-After": "-3"}, {"retry_after": 0.0}),
        # an ISO time without offset cannot be placed in time: no reset rather than a guess
        ({"X-RateLimit-Reset": "2025-11-24T16:00:00"}, {"reset_in": None}),
        # garbage is unknown, not 0
        (
            {"X-RateLimit-Limit": "lots", "X-RateLimit-Remaining": "", "Retry-After": "soon"},
            {"limit": None, "remaining": None, "retry_after": None},
        ),
    ],
)  # fmt: skip
def test_every_rate_limit_header_form(headers: dict[str, str], expected: dict) -> None:
    info = parse_rate_limit(httpx.Headers(headers), NOW)
    got = {name: getattr(info, name) for name in expected}
    assert got == expected


# Meta's usage headers: the field names and shapes are Meta's (Graph API "Rate Limiting");
# the ids and the percentages are constructed.
APP_USAGE_AT = '{{"call_count":{},"total_time":25,"total_cputime":25}}'.format
BUC_REGAIN_IN = (
    '{{"1234567890":[{{"type":"pages","call_count":100,"total_cputime":20,'
    '"total_time":20,"estimated_time_to_regain_access":{}}}]}}'
).format


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        # Bluesky: the reset in epoch seconds, and the policy's own window and limit
        (
            {"RateLimit-Limit": "3000", "RateLimit-Remaining": "0",
             "RateLimit-Reset": str(int(NOW) + 300), "RateLimit-Policy": "3000;w=300"},
            RateLimitInfo(limit=3000, remaining=0, reset_in=300.0, window=300.0,
                          window_limit=3000),
        ),
        # a limit header beside a stricter policy: each figure kept as sent
        (
            {"RateLimit-Limit": "100", "RateLimit-Policy": "100;w=10, 1000;w=3600"},
            RateLimitInfo(limit=100, window=3600.0, window_limit=1000),
        ),
        # the policy alone: its limit is the limit
        ({"RateLimit-Policy": "60;w=1"}, RateLimitInfo(limit=60, window=1.0, window_limit=60)),
        # the combined field's t read like RateLimit-Reset (here epoch seconds)
        (
            {"RateLimit": f'"default";r=0;t={int(NOW) + 45}'},
            RateLimitInfo(remaining=0, reset_in=45.0),
        ),
        # a parameter without a value is no figure; the others are still read
        ({"RateLimit": '"default";r;t=30'}, RateLimitInfo(reset_in=30.0)),
        # the combined field is read only when no remaining header was sent
        (
            {"RateLimit-Remaining": "7", "RateLimit": '"default";r=50;t=30'},
            RateLimitInfo(remaining=7),
        ),
        # Mastodon's ISO 8601 reset; RFC 3339 allows a lower-case t and z (NOW + 30 s)
        ({"X-RateLimit-Reset": "2025-11-24T16:00:30.000Z"}, RateLimitInfo(reset_in=30.0)),
        ({"X-RateLimit-Reset": "2025-11-24t16:00:30.000z"}, RateLimitInfo(reset_in=30.0)),
        # the documented cut-off: a number above 10^9 is epoch seconds (10^9 + 1 is in
        # 2001, long past: 0 s), 10^9 itself still a delta
        ({"X-RateLimit-Reset": "1000000000"}, RateLimitInfo(reset_in=1e9)),
        ({"X-RateLimit-Reset": "1000000001"}, RateLimitInfo(reset_in=0.0)),
        # Meta: under 100% used no wait; at 100% without a time, the assumed 60 s
        ({"X-App-Usage": APP_USAGE_AT(28)}, RateLimitInfo(usage=28.0)),
        ({"X-App-Usage": APP_USAGE_AT(99.9)}, RateLimitInfo(usage=99.9)),
        (
            {"X-App-Usage": APP_USAGE_AT(100)},
            RateLimitInfo(retry_after=60.0, usage=100.0,
                          reason="X-App-Usage at 100%, no time given (assumed 60 s)"),
        ),
        # the time to regain access (minutes) is the wait
        (
            {"X-Business-Use-Case-Usage": BUC_REGAIN_IN(45)},
            RateLimitInfo(retry_after=2700.0, usage=100.0,
                          reason="X-Business-Use-Case-Usage: access regained in 45 min"),
        ),
        # a Retry-After is what the server asks, whatever the usage headers say
        (
            {"Retry-After": "30", "X-Business-Use-Case-Usage": BUC_REGAIN_IN(45)},
            RateLimitInfo(retry_after=30.0, usage=100.0),
        ),
        (
            {"Retry-After": "30", "X-App-Usage": APP_USAGE_AT(100)},
            RateLimitInfo(retry_after=30.0, usage=100.0),
        ),
    ],
)  # fmt: skip
def test_each_header_form_gives_the_whole_budget(
    headers: dict[str, str], expected: RateLimitInfo
) -> None:
    assert parse_rate_limit(httpx.Headers(headers), NOW) == expected


def test_without_a_clock_resets_are_measured_from_the_current_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a plugin calling parse_rate_limit(response.headers) itself; the current time faked
    monkeypatch.setattr(smmcore.http, "time", SimpleNamespace(time=lambda: NOW))
    info = parse_rate_limit(httpx.Headers({"x-rate-limit-reset": str(int(NOW) + 600)}))
    assert info.reset_in == 600.0


def test_meta_usage_headers_make_the_client_wait_what_meta_asks() -> None:
    usage = {
        "buc.example": {"X-Business-Use-Case-Usage": BUC_REGAIN_IN(4)},
        "app.example": {"X-App-Usage": APP_USAGE_AT(100)},
        "fine.example": {"X-App-Usage": APP_USAGE_AT(99)},
    }

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=usage[request.url.host], json={"ok": True})

    fake, lines = FakeTime(), []

    async def main() -> None:
        async with open_client(
            transport=httpx.MockTransport(answer),
            on_wait=lines.append,
            clock=fake.clock,
            sleep=fake.sleep,
            wall_clock=fake.clock,
        ) as http:
            for host in usage:  # two requests each, one after the other
                await get_json(http, f"https://{host}/a")
                await get_json(http, f"https://{host}/b")

    run(main)
    assert fake.sleeps == [240.0, 60.0]  # 4 minutes to regain access; 100% with no time
    assert len(lines) == 2, lines
    assert lines[0].startswith(
        "waiting 240 s for buc.example (X-Business-Use-Case-Usage: access regained in 4 min)"
    )
    assert lines[1].startswith(
        "waiting 60 s for app.example (X-App-Usage at 100%, no time given (assumed 60 s))"
    )


def test_base_url_setting_validation() -> None:
    assert (
        HttpSourceSettings(base_url=" http://127.0.0.1:8080/ ").base_url == "http://127.0.0.1:8080"
    )
    assert HttpSourceSettings(base_url="").base_url is None
    with pytest.raises(ValueError):
        HttpSourceSettings(base_url="mastodon.social")


def test_unreachable_host_gets_fewer_retries_than_a_failing_server() -> None:
    calls = {"n": 0}

    def refuse(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    async def main() -> None:
        transport = httpx.MockTransport(refuse)
        async with open_client(transport=transport, max_retries=5, backoff_initial=0.01) as http:
            await get_json(http, "https://down.example/x")

    with pytest.raises(HttpError) as info:
        run(main)
    assert calls["n"] == 3  # 1 + max_connect_retries (2), not 1 + 5
    assert info.value.kind == "network" and "ConnectError" in str(info.value)


# --------------------------------------------------------------------------- waits and caps


class FakeTime:
    """An injected clock and sleep: waits take no real time, and are recorded. Also the
    wall clock (``wall_clock=fake.clock``) of tests whose server gives absolute resets."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        # Waits that start together end together: each wakes at its own start plus its
        # length, and the clock never goes back (a later waker is a busy machine's delay).
        self.sleeps.append(seconds)
        target = self.now + seconds
        await asyncio.sleep(0)
        self.now = max(self.now, target)


def test_retry_backoff_is_announced_through_the_injected_sleep() -> None:
    from smmcore.http import WaitScope, wait_scope

    answers = [(503, {}, b"{}"), (503, {}, b"{}"), (503, {}, b"{}"), ok({"n": 4})]
    server = LocalServer(lambda m, t, h: answers.pop(0))
    fake, lines, events = FakeTime(), [], []

    async def main() -> Any:
        async with (
            server as base,
            open_client(
                backoff_initial=1.0, on_wait=lines.append, clock=fake.clock, sleep=fake.sleep
            ) as http,
        ):
            with wait_scope(WaitScope(label="unit-a", limit=60, on_wait=events.append)):
                return await get_json(http, f"{base}/x")

    assert run(main) == {"n": 4}
    assert [int(s) for s in fake.sleeps] == [1, 2, 4]  # 1, 2, 4 s plus jitter under 1 s
    # the 1 s wait is not announced; the 2 s and 4 s ones are, with host, length and why
    assert len(lines) == 2, lines
    assert re.match(r"unit-a: waiting [23] s for 127\.0\.0\.1:\d+ \(", lines[0]), lines
    assert "retry 2 of 5 after HTTP 503" in lines[0]
    assert "retry 3 of 5 after HTTP 503" in lines[1]
    assert [e.seconds > 0 for e in events] == [True, False, True, False]  # start, end


def test_a_wait_past_the_unit_cap_defers_at_once() -> None:
    from smmcore.http import WaitDeferred, WaitScope, wait_scope

    server = LocalServer(lambda m, t, h: (429, {"Retry-After": "100"}, b"{}"))
    fake, lines = FakeTime(), []
    scope = WaitScope(label="bsky", limit=20)

    async def main() -> Any:
        async with (
            server as base,
            open_client(on_wait=lines.append, clock=fake.clock, sleep=fake.sleep) as http,
        ):
            with wait_scope(scope):
                return await get_json(http, f"{base}/x?access_token=SECRET")

    with pytest.raises(WaitDeferred) as info:
        run(main)
    assert fake.sleeps == [] and len(server.hits) == 1
    assert scope.deferred is info.value and info.value.kind == "deferred"
    assert 99 <= info.value.seconds <= 100 and info.value.retry_at > datetime.now(UTC)
    assert "asks to wait 100 s (Retry-After of HTTP 429)" in str(info.value)
    assert "20 s this unit may still wait" in str(info.value)
    assert lines and "deferred to the next sync" in lines[0] and "SECRET" not in lines[0]


def test_the_run_cap_is_shared_by_the_units() -> None:
    from smmcore.http import RunWaits, WaitDeferred, WaitScope, wait_scope

    calls: dict[str, int] = {}

    def handler(method: str, target: str, headers: dict[str, str]) -> Reply:
        calls[target] = calls.get(target, 0) + 1
        return (429, {"Retry-After": "10"}, b"{}") if calls[target] == 1 else ok()

    server = LocalServer(handler)
    fake = FakeTime()
    run_waits = RunWaits(limit=15)

    async def main() -> list[Any]:
        async with (
            server as base,
            open_client(clock=fake.clock, sleep=fake.sleep, per_host_limit=1) as http,
        ):
            results = []
            for name in ("a", "b"):  # one after the other: 10 s each, 20 s > 15 s
                with wait_scope(WaitScope(label=name, limit=30, run=run_waits)):
                    try:
                        results.append(await get_json(http, f"{base}/{name}"))
                    except WaitDeferred as exc:
                        results.append(str(exc))
            return results

    first, second = run(main)
    assert first == {"ok": True}
    assert "this run may still wait" in second and "sync.max_wait_run" in second
