"""Shared fixtures of the core tests: a workspace folder writer, an injected clock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CLIENT = """\
[client]
name = "Forno Rossi"
segment = "bakery"
language = "it"
timezone = "Europe/Rome"
"""


@pytest.fixture
def write_ws(tmp_path: Path) -> Callable[[str], Path]:
    """Write ``smm.toml`` (the text given, after a valid ``[client]`` table unless the text
    has its own) into a fresh folder and return the folder."""
    counter = iter(range(1000))

    def write(body: str = "", *, with_client: bool = True) -> Path:
        folder = tmp_path / f"ws{next(counter)}"
        folder.mkdir()
        text = (CLIENT + "\n" + body) if with_client else body
        (folder / "smm.toml").write_text(text, encoding="utf-8")
        return folder

    return write


class FakeTime:
    """An injected monotonic clock, wall clock and sleep: waits take no real time and are
    recorded, so rate-limit and backoff tests run in milliseconds and cannot flake."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.epoch = 1_772_438_400.0  # 2026-03-02 08:00 UTC, the wall clock at now = 1000
        self.sleeps: list[float] = []
        self.events: list[tuple[str, Any]] = []
        """In order: ``("announced", line)`` for each wait line a client wrote (``on_wait``)
        and ``("slept", seconds)`` for each wait of a second or more."""

    def clock(self) -> float:
        return self.now

    def wall_clock(self) -> float:
        return self.epoch + self.now - 1000.0

    async def sleep(self, seconds: float) -> None:
        # Waits that start together end together: each wakes at its own start plus its
        # length, and the clock never goes back (a later waker is a busy machine's delay).
        self.sleeps.append(seconds)
        if seconds >= 1:
            self.events.append(("slept", seconds))
        target = self.now + seconds
        await asyncio.sleep(0)
        self.now = max(self.now, target)


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    """Every HTTP client :func:`smmcore.http.open_client` makes in this test (the sync's,
    ``smm sync`` run in-process included) waits on a :class:`FakeTime` instead of the clock."""
    import smmcore.http

    fake = FakeTime()
    real_open_client = smmcore.http.open_client

    def open_client(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("clock", fake.clock)
        kwargs.setdefault("sleep", fake.sleep)
        kwargs.setdefault("wall_clock", fake.wall_clock)
        on_wait = kwargs.get("on_wait")

        def announce(line: str) -> None:
            fake.events.append(("announced", line))
            if on_wait is not None:
                on_wait(line)

        kwargs["on_wait"] = announce
        return real_open_client(*args, **kwargs)

    monkeypatch.setattr(smmcore.http, "open_client", open_client)
    return fake
