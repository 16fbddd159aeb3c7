"""The client's pacing against rate limits, in virtual time: a sliding-window server (at most
``limit`` requests in any ``window`` seconds, counted when they arrive), answers after a
latency, every header form the simulator and the networks send. No real sleep: the clock
jumps to the next wake-up once every task waits."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from smmcore.http import get_json, open_client

START = 1_764_000_000.0  # the virtual epoch time (and monotonic clock) a test starts at


class VirtualTime:
    """``clock`` and ``sleep`` for the transport and the fake server: a sleep ends when the
    clock reaches it, and the clock moves to the earliest pending end only when no task can
    run (so concurrent waits end in their order, however long each is)."""

    def __init__(self) -> None:
        self.now = START
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._count = 0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        self._count += 1
        heapq.heappush(self._timers, (self.now + max(0.0, seconds), self._count, future))
        await future

    async def run(self, main: Awaitable[Any]) -> Any:
        task = asyncio.ensure_future(main)
        while True:
            await self._idle()
            if task.done():
                return task.result()
            if not self._timers:
                raise AssertionError("every task waits and no timer is pending: a deadlock")
            when, _, future = heapq.heappop(self._timers)
            self.now = max(self.now, when)
            future.set_result(None)

    @staticmethod
    async def _idle() -> None:
        # let every task that can run do so (CPython's loop keeps its runnable callbacks in
        # ``_ready``; without it, a generous number of rounds)
        loop = asyncio.get_running_loop()
        for _ in range(10_000):
            await asyncio.sleep(0)
            ready = getattr(loop, "_ready", None)
            if ready is not None and not ready:
                return


class SlidingWindowServer:
    """A host allowing ``limit`` requests in any ``window`` seconds (counted at arrival),
    answering after ``latency`` seconds with the headers of ``style``:

    - ``"bluesky"``: ``RateLimit-Limit/Remaining/Reset`` (epoch seconds, rounded up) and
      ``RateLimit-Policy: <limit>;w=<window>``; ``Retry-After`` on a 429;
    - ``"mastodon"``: ``X-RateLimit-Limit/Remaining/Reset`` (ISO 8601), no window stated;
    - ``"ietf"``: ``RateLimit-Limit/Remaining/Reset`` as a delta in seconds, no policy.

    The reset is when the oldest request counted leaves the window (now, when the window is
    not full), as benchmarks/simulator.py answers."""

    def __init__(
        self, time: VirtualTime, *, limit: int, window: float, latency: float, style: str
    ) -> None:
        self.time, self.limit, self.window = time, limit, window
        self.latency, self.style = latency, style
        self.counted: deque[float] = deque()
        self.arrivals: list[tuple[float, int]] = []  # (time, status)

    @property
    def refused(self) -> int:
        return sum(1 for _, status in self.arrivals if status == 429)

    def headers(self, now: float, limited: bool) -> dict[str, str]:
        full = len(self.counted) >= self.limit
        reset = self.counted[0] + self.window if full else now
        remaining = str(max(0, self.limit - len(self.counted)))
        if self.style == "mastodon":
            when = datetime.fromtimestamp(reset, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            return {
                "X-RateLimit-Limit": str(self.limit),
                "X-RateLimit-Remaining": remaining,
                "X-RateLimit-Reset": when,
            }
        headers = {"RateLimit-Limit": str(self.limit), "RateLimit-Remaining": remaining}
        if self.style == "bluesky":
            headers["RateLimit-Reset"] = str(math.ceil(reset))
            headers["RateLimit-Policy"] = f"{self.limit};w={self.window:g}"
            if limited:
                headers["Retry-After"] = str(max(1, math.ceil(reset - now)))
        else:
            headers["RateLimit-Reset"] = f"{reset - now:.3f}"
        return headers

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        now = self.time.now
        while self.counted and self.counted[0] <= now - self.window:
            self.counted.popleft()
        limited = len(self.counted) >= self.limit
        if not limited:
            self.counted.append(now)
        headers = self.headers(now, limited)
        status = 429 if limited else 200
        self.arrivals.append((now, status))
        await self.time.sleep(self.latency)
        return httpx.Response(status, headers=headers, json={"ok": not limited})

    def most_in_any_window(self) -> int:
        """The most requests answered 200 whose arrivals fall in one window."""
        times = [t for t, status in self.arrivals if status == 200]
        best, first = 0, 0
        for last, t in enumerate(times):
            while times[first] <= t - self.window:
                first += 1
            best = max(best, last - first + 1)
        return best


def floor_seconds(requests: int, limit: int, window: float, latency: float) -> float:
    """The least time ``requests`` can take: each window admits ``limit`` of them, and the
    last answer takes ``latency``."""
    return (math.ceil(requests / limit) - 1) * window + latency


def run_clients(
    server_factory: Callable[[VirtualTime], SlidingWindowServer],
    *,
    requests: int,
    tasks: int = 100,
    per_host_limit: int = 8,
) -> tuple[SlidingWindowServer, float]:
    """``requests`` GETs from ``tasks`` concurrent tasks through one client; returns the
    server and the virtual seconds they took."""
    time = VirtualTime()
    server = server_factory(time)

    async def main() -> None:
        async with open_client(
            transport=httpx.MockTransport(server),
            per_host_limit=per_host_limit,
            clock=time.clock,
            sleep=time.sleep,
            wall_clock=time.clock,
        ) as http:
            queue = list(range(requests))

            async def worker() -> None:
                while queue:
                    i = queue.pop()
                    await get_json(http, f"https://sim.example/r/{i}")

            await asyncio.gather(*(worker() for _ in range(tasks)))

    asyncio.run(time.run(main()))
    return server, time.now - START


def test_a_stated_sliding_window_is_never_exceeded_and_nearly_filled() -> None:
    # 600 requests, 60 in any second, 50 ms latency, Bluesky's headers (the window stated by
    # RateLimit-Policy, the reset in whole epoch seconds): the old pacing read a reset as a
    # fresh window and was refused
    def factory(time: VirtualTime) -> SlidingWindowServer:
        return SlidingWindowServer(time, limit=60, window=1.0, latency=0.05, style="bluesky")

    server, seconds = run_clients(factory, requests=600)
    assert server.refused == 0
    assert len(server.arrivals) == 600  # no retry either
    assert server.most_in_any_window() <= 60
    floor = floor_seconds(600, 60, 1.0, 0.05)
    # within 10% of the floor: the own log counts a request until a window after its answer
    # (the server counted it in between), which costs one latency per window
    assert floor <= seconds <= 1.1 * floor, (seconds, floor)


@pytest.mark.parametrize("style", ["mastodon", "ietf"])
def test_a_window_the_headers_do_not_state_is_learnt_from_the_resets(style: str) -> None:
    # Mastodon's headers (an ISO reset) and the IETF draft's without a policy (a reset in
    # seconds) state no window: the client estimates it from the resets it is given
    def factory(time: VirtualTime) -> SlidingWindowServer:
        return SlidingWindowServer(time, limit=60, window=1.0, latency=0.05, style=style)

    server, seconds = run_clients(factory, requests=600)
    assert server.refused == 0
    assert len(server.arrivals) == 600
    floor = floor_seconds(600, 60, 1.0, 0.05)
    assert floor <= seconds <= 1.2 * floor, (seconds, floor)


def test_a_long_window_is_spread_so_that_no_wait_is_long() -> None:
    # 100 requests per 60 s: half the budget goes at once, the rest one every 0.6 s, so no
    # wait comes near the 2 s that would be announced (and counted against max_wait)
    def factory(time: VirtualTime) -> SlidingWindowServer:
        return SlidingWindowServer(time, limit=100, window=60.0, latency=0.05, style="bluesky")

    server, seconds = run_clients(factory, requests=100, tasks=10)
    assert server.refused == 0
    starts = [t - START for t, _ in server.arrivals]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert max(gaps) < 2.0, max(gaps)
    assert starts[-1] >= 0.5 * 0.6 * 50 - 1  # the second half was spread, not sent at once
    assert seconds < 60  # and all 100 within the one window


def test_requests_of_others_on_the_budget_wait_for_the_servers_reset() -> None:
    # the server's figure is lower than the client's own log: another client (or process)
    # spends the same budget. The figure holds until its reset.
    time = VirtualTime()
    arrivals: list[float] = []

    async def answer(request: httpx.Request) -> httpx.Response:
        arrivals.append(time.now)
        await time.sleep(0.01)
        remaining = 2 - len(arrivals) if len(arrivals) <= 2 else 100
        reset = START + 30 if len(arrivals) <= 2 else time.now + 60
        return httpx.Response(
            200,
            headers={
                "RateLimit-Limit": "100",
                "RateLimit-Remaining": str(remaining),
                "RateLimit-Reset": str(int(reset)),
                "RateLimit-Policy": "100;w=60",
            },
            json={},
        )

    async def main() -> None:
        async with open_client(
            transport=httpx.MockTransport(answer),
            clock=time.clock,
            sleep=time.sleep,
            wall_clock=time.clock,
            max_wait=60,
        ) as http:
            for i in range(4):
                await get_json(http, f"https://shared.example/{i}")

    asyncio.run(time.run(main()))
    assert arrivals[2] - START >= 30  # the third waited for the reset the server gave
    assert arrivals[3] - arrivals[2] < 1  # and then the fresh budget was used
