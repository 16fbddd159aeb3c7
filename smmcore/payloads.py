"""Helpers for mapping network payloads to :mod:`smmcore.models`, the same way in every source.

A value the network does not give, or gives in a shape we cannot trust, is ``None`` (unknown):
never a made-up ``0`` or "now".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 / RFC 3339 timestamp (``2026-11-26T07:00:00.000Z``) as an aware datetime.

    A trailing ``Z`` is UTC; a timestamp without an offset is taken as UTC (APIs that omit it
    mean UTC). ``None`` when the value is absent or unparsable.
    """
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def count(data: Mapping[str, Any], key: str) -> int | None:
    """``data[key]`` as a counter: a non-negative integer, else ``None`` (unknown)."""
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value
