"""Reading the client's audience and interactions from the store, in SQL.

Interactions count for the client's own channels only (``workspace_channels.is_client``).
An interaction without a timestamp (a Mastodon favourite) is dated by its post's
``created_at``: the best available estimate of when it happened; times that are not plausible
count as unknown (:mod:`smmcore.interactions` holds that rule for every reader).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from smmcore.contracts import AudienceContext
from smmcore.interactions import CLIENT_INTERACTIONS as CORE_CLIENT_INTERACTIONS
from smmcore.interactions import client_interactions as core_client_interactions
from smmcore.models import SegmentMember, SegmentMembers

VALUE_WEIGHTS: dict[str, float] = {
    "like": 1.0,
    "click": 1.0,
    "save": 2.0,
    "mention": 2.0,
    "reply": 3.0,
    "quote": 3.0,
    "repost": 4.0,
    "follow": 0.0,
}
"""How much one interaction of each kind is worth: a reply or a share says more than a like."""

DEEP_KINDS = ("reply", "repost", "quote")
"""Interactions that take effort and reach others: conversation and amplification."""


def reasons_wanted(ctx: AudienceContext) -> int | None:
    """How many members of each segment need their reason text: ``ctx.options["reasons"]``
    (the report, which shows none, asks for 0); ``None``, the default, means all of them."""
    value = ctx.options.get("reasons")
    return None if value is None else max(int(value), 0)


def day_start(day: date, timezone: str) -> datetime:
    """Midnight at the start of ``day`` in ``timezone``, as an aware datetime."""
    return datetime.combine(day, time(0), ZoneInfo(timezone))


def bounds(ctx: AudienceContext) -> tuple[datetime, datetime]:
    """``[start, end)`` of the context's period as aware datetimes."""
    return (
        day_start(ctx.period.start, ctx.timezone),
        day_start(ctx.period.end + timedelta(days=1), ctx.timezone),
    )


def weight_sql(weights: Mapping[str, float], column: str = "i.kind") -> str:
    """A CASE expression giving each interaction kind its weight (constants only)."""
    cases = " ".join(
        f"WHEN '{kind}' THEN {float(value)!r}"
        for kind, value in weights.items()
        if kind.isidentifier()
    )
    return f"(CASE {column} {cases} ELSE 1.0 END)"


CLIENT_INTERACTIONS = CORE_CLIENT_INTERACTIONS
"""Every interaction with the client's channels that can be placed in time, with ``ts`` (the
core's one definition: :data:`smmcore.interactions.CLIENT_INTERACTIONS`)."""


def client_interactions(ctx: AudienceContext) -> str:
    """:data:`CLIENT_INTERACTIONS` as the store needs it, decided once per audience context
    (:func:`smmcore.interactions.client_interactions`): the segmenters of one run share it."""
    memo = ctx.__dict__.setdefault("_smm_segments_sql", {})
    if "interactions" not in memo:
        memo["interactions"] = core_client_interactions(ctx.con)
    return memo["interactions"]


_PROFILE = {
    "display_name": "max(am.display_name)",
    "bio": "max(am.bio)",
    "language": "max(am.language)",
    "location": "max(am.location)",
    "followers": "max(am.followers)",
    "is_follower": "bool_or(am.is_follower)",
}


def client_audience(*columns: str) -> str:
    """:data:`CLIENT_AUDIENCE` with only ``network``, ``member`` and the profile ``columns``
    (DuckDB computes every aggregate of a subquery, read or not)."""
    fields = "".join(f", {_PROFILE[c]} AS {c}" for c in columns)
    return f"""
    SELECT am.network, am.member{fields}
    FROM audience_members am
    WHERE (am.network, am.account) IN
          (SELECT network, account FROM workspace_channels WHERE is_client)
    GROUP BY am.network, am.member
"""


CLIENT_AUDIENCE = client_audience(*_PROFILE)
"""The client's audience, one row per (network, member) across its channels."""


def fetch_columns(con: Any, sql: str, params: Any = None) -> dict[str, Any]:
    """Run ``sql``; its columns as numpy arrays (no Python object per row but strings)."""
    return con.execute(sql, params).fetchnumpy()


def cell(column: Any, row: int) -> Any:
    """The Python value of ``column[row]`` (``None`` for a SQL NULL)."""
    import numpy as np

    value = column[row]
    if value is np.ma.masked:
        return None
    return value.item() if isinstance(value, np.generic) else value


def slices(codes: Any, count: int) -> list[tuple[int, int]]:
    """``[start, stop)`` of each code ``0 .. count - 1`` in ``codes``, sorted ascending."""
    import numpy as np

    edges = np.searchsorted(np.asarray(codes), np.arange(count + 1)).tolist()
    return list(pairwise(edges))


def lazy_members(
    start: int, stop: int, build: Callable[[int, int], SegmentMember]
) -> SegmentMembers:
    """Rows ``start .. stop - 1`` of a result as a segment's members, each built when read by
    ``build(row, rank)`` (``rank``: its position in the segment)."""
    return SegmentMembers(stop - start, lambda rank: build(start + rank, rank))
