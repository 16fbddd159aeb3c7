"""Shared pieces for sources: what several first-party sources (and yours) need alike.

Channel options for per-instance HTTP sources, and the bookkeeping of interaction reads that
Mastodon and Bluesky share: per-post counters remembered in the cursor so likes, reposts and
reply threads are read again only when they changed, a cap on thread reads per sync, and
concurrent thread reads that tell a permanent failure from one to retry.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class HttpChannelOptions(BaseModel):
    """A channel's ``options`` for a source that reads one HTTP API per instance
    (Mastodon, Bluesky): ``options = { base_url = "https://..." }`` asks another server for
    this channel only."""

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = Field(
        default=None, description="The server to ask for this channel (default: the plugin's)."
    )


# --------------------------------------------------------------------------- counters


def counter_changed(now: int | None, before: int | None) -> bool:
    """Whether a post's counter asks for a new read of who is behind it: it is not 0 and it
    is unknown or differs from what the last sync saw."""
    return now != 0 and (now is None or now != before)


def remembered(old_counts: Mapping[str, Any], key: str, size: int = 3) -> list[int | None]:
    """The counters the last sync saved for the post ``key`` (``[likes, reposts, replies]``
    in the cursor), padded with ``None``."""
    before = list(old_counts.get(key) or [])[:size]
    return before + [None] * (size - len(before))


def plan_thread_reads(
    posts: Iterable[tuple[str, int | None]],
    old_counts: Mapping[str, Any],
    new_counts: dict[str, list[int | None]],
    cap: int,
    index: int = 2,
) -> list[str]:
    """The posts whose reply thread to read this sync: those whose reply counter changed,
    at most ``cap``. For the others ``new_counts[key][index]`` records the counter now;
    over the cap it keeps the old one, so the next sync asks again. A planned post's
    counter is recorded by :func:`settle_thread_counts` once its thread was read."""
    jobs: list[str] = []
    for key, replies in posts:
        before = remembered(old_counts, key)[index]
        if counter_changed(replies, before):
            if len(jobs) < cap:
                jobs.append(key)
                continue
            new_counts[key][index] = before
        else:
            new_counts[key][index] = replies
    return jobs


def settle_thread_counts(
    key: str,
    read: list[Any] | None,
    replies_now: int | None,
    old_counts: Mapping[str, Any],
    new_counts: dict[str, list[int | None]],
    index: int = 2,
) -> None:
    """Record the reply counter of a planned post: the new one when its thread was read (or
    failed for good), the old one when the read should be retried (``read is None``)."""
    new_counts[key][index] = remembered(old_counts, key)[index] if read is None else replies_now


async def read_threads(
    keys: Sequence[str],
    read_one: Callable[[str], Awaitable[list[Any]]],
    *,
    concurrency: int = 4,
) -> tuple[list[list[Any] | None], list[str]]:
    """Read the reply threads of ``keys`` concurrently; ``read_one(key)`` returns the
    replies (raise :class:`~smmcore.contracts.SourceError` for an answer that is not one).

    Returns one result per key: the replies; ``[]`` for a permanent failure (the post deleted
    or hidden, no such method, a malformed answer); ``None`` for a transient one (the
    network, a 5xx, a rate limit), to be retried by the next sync. A rate limit stops the
    reads not started yet. Also returns one line per failure (``"key: cause"``), to log.
    """
    import asyncio

    from smmcore.contracts import SourceError
    from smmcore.http import HttpError

    limit = asyncio.Semaphore(concurrency)
    stop = asyncio.Event()
    failures: list[str] = []

    async def read(key: str) -> list[Any] | None:
        async with limit:
            if stop.is_set():
                return None
            try:
                return await read_one(key)
            except HttpError as exc:
                failures.append(f"{key}: {exc.args[0] if exc.args else exc}")
                if exc.kind == "rate_limited" or exc.status == 429:
                    stop.set()
                    return None
                if exc.status is None or (exc.status >= 500 and exc.status != 501):
                    return None  # the network or the server: try again next sync
                return []  # deleted, hidden, or no such endpoint: nothing to read
            except SourceError as exc:  # an answer that is not what was asked
                failures.append(f"{key}: {exc.args[0] if exc.args else exc}")
                return []

    results = list(await asyncio.gather(*(read(key) for key in keys)))
    return results, failures
