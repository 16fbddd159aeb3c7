"""smmcore.sourcekit: the interaction-read bookkeeping Mastodon and Bluesky share."""

from __future__ import annotations

import asyncio

from smmcore.contracts import SourceError
from smmcore.http import HttpError
from smmcore.sourcekit import (
    HttpChannelOptions,
    counter_changed,
    plan_thread_reads,
    read_threads,
    remembered,
    settle_thread_counts,
)


def test_counters_ask_for_a_read_only_when_they_changed() -> None:
    assert counter_changed(3, 2) and counter_changed(None, 2) and counter_changed(1, None)
    assert not counter_changed(0, 5)  # nobody to read
    assert not counter_changed(2, 2)
    assert remembered({"a": [1]}, "a") == [1, None, None]
    assert remembered({}, "b") == [None, None, None]


def test_thread_reads_are_capped_and_the_rest_asked_again_next_sync() -> None:
    old = {"a": [0, 0, 1], "b": [0, 0, 2], "c": [0, 0, 5], "d": [0, 0, 7]}
    new = {k: [0, 0, None] for k in ("a", "b", "c", "d")}
    jobs = plan_thread_reads([("a", 2), ("b", 3), ("c", 5), ("d", 9)], old, new, cap=2)
    assert jobs == ["a", "b"]
    assert new["c"][2] == 5  # unchanged: recorded now
    assert new["d"][2] == 7  # changed but over the cap: the old counter, so next sync reads it
    settle_thread_counts("a", ["reply"], 2, old, new)
    settle_thread_counts("b", None, 3, old, new)  # to retry: keep the old counter
    assert (new["a"][2], new["b"][2]) == (2, 2)


def test_thread_read_failures_are_permanent_or_retried() -> None:
    async def read_one(key: str) -> list[str]:
        if key == "gone":
            raise HttpError("404 Not Found", status=404)
        if key == "down":
            raise HttpError("503", status=503)
        if key == "odd":
            raise SourceError("no thread", kind="invalid_data")
        if key == "limited":
            raise HttpError("slow down", status=429, kind="rate_limited")
        return [f"reply to {key}"]

    results, failures = asyncio.run(
        read_threads(["ok", "gone", "down", "odd"], read_one, concurrency=1)
    )
    assert results == [["reply to ok"], [], None, []]
    assert len(failures) == 3 and failures[0].startswith("gone: 404")
    # a rate limit stops the reads not started yet
    results, _ = asyncio.run(read_threads(["limited", "ok"], read_one, concurrency=1))
    assert results == [None, None]


def test_channel_options_of_http_sources_refuse_unknown_keys() -> None:
    assert HttpChannelOptions(base_url="https://x.example").base_url == "https://x.example"
    try:
        HttpChannelOptions.model_validate({"base_ulr": "x"})
    except ValueError as exc:
        assert "base_ulr" in str(exc)
    else:
        raise AssertionError("an unknown key was accepted")
