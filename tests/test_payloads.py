"""Payload helpers: unknown stays unknown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from smmcore.payloads import count, parse_time


def test_parse_time() -> None:
    assert parse_time("2026-11-26T07:00:00.000Z") == datetime(2026, 11, 26, 7, tzinfo=UTC)
    rome = parse_time("2026-11-26T08:00:00+01:00")
    assert rome is not None and rome.utcoffset() == timedelta(hours=1)
    assert rome == datetime(2026, 11, 26, 7, tzinfo=UTC)
    assert parse_time("2026-11-26T07:00:00") == datetime(2026, 11, 26, 7, tzinfo=UTC)
    assert [parse_time(v) for v in (None, "", "yesterday", 1764140400)] == [None] * 4


def test_count() -> None:
    data = {"likes": 3, "zero": 0, "negative": -1, "text": "3", "flag": True, "none": None}
    assert [count(data, k) for k in data] == [3, 0, None, None, None, None]
    assert count(data, "missing") is None
