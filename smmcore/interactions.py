"""When an interaction happened, and what network renewal means: the ONE definition that the
``network_renewal_rate`` KPI, the renewal segmenter, every segmenter's period and
``smm audience renewal`` share. Cheap to import (no database driver, no pydantic).

**When an interaction happened** (:data:`DATED_INTERACTIONS`): its own time; when the source
gives none (a Mastodon favourite, an export without the column) or the stored one is not
plausible (:mod:`smmcore.dates`), the publication time of its post, the best available
estimate (it happened at or after it); an interaction with neither is in no period.

**Network renewal rate** (:data:`RENEWAL_FORMULA`): accounts that engaged in the period and
not in the period before it (:func:`renewal_baseline`) / accounts that engaged in the period
x 100.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from smmcore.dates import plausible_sql

if TYPE_CHECKING:
    from smmcore.contracts import Period

_OWN = plausible_sql("i.occurred_at")
_POST = plausible_sql("p.created_at")

_CLIENT = (
    "(i.network, i.account) IN (SELECT network, account FROM workspace_channels WHERE is_client)"
)


def _dated(channels: str = "TRUE", *, by_post: bool = True) -> str:
    # Two branches, not a LEFT JOIN of every interaction with the posts: only the interactions
    # without a plausible time of their own meet the posts table (a million posts at 1M).
    own = f"""
    SELECT i.network, i.account, i.member, i.kind, i.post_id, i.occurred_at AS ts,
           FALSE AS dated_by_post
    FROM interactions i
    WHERE {channels} AND {_OWN}
"""
    if not by_post:
        return own
    return f"""{own}
    UNION ALL
    SELECT i.network, i.account, i.member, i.kind, i.post_id, p.created_at AS ts,
           TRUE AS dated_by_post
    FROM interactions i
    JOIN posts p ON p.network = i.network AND p.account = i.account AND p.post_id = i.post_id
    WHERE {channels} AND NOT {_OWN} AND {_POST}
"""


DATED_INTERACTIONS = _dated()
"""Every stored interaction that can be placed in time, with ``ts``, when it happened (see the
module docstring), and ``dated_by_post``, whether that is its post's time."""

CLIENT_INTERACTIONS = _dated(_CLIENT)
""":data:`DATED_INTERACTIONS` with the client's own channels only."""


def client_interactions(con: Any) -> str:
    """:data:`CLIENT_INTERACTIONS` for the store behind ``con`` as it is now: without the
    branch that dates interactions by their post when no interaction needs it (that branch
    reads every interaction a second time). Check once per run and reuse the text: a write
    after the check can make it stale."""
    undated = con.execute(f"SELECT EXISTS (SELECT 1 FROM interactions i WHERE NOT {_OWN})")
    row = undated.fetchone()
    return CLIENT_INTERACTIONS if row and row[0] else _dated(_CLIENT, by_post=False)


RENEWAL_ENGAGED_SQL = "kind <> 'follow'"
"""The interactions that make an account engaged, for renewal: every kind but a follow."""

RENEWAL_FORMULA = (
    "accounts that engaged with the scope's channels in the period and not in the period "
    "before it / accounts that engaged in the period x 100; an account is network + handle; "
    "engaged = any interaction but a follow; the period before = the previous calendar "
    "month(s) when the period is whole calendar months, else the same number of days just "
    "before; an interaction without a time of its own is dated by its post's publication "
    "time, one with neither is not counted"
)
"""How the network renewal rate is computed, everywhere it is shown."""


def renewal_baseline(period: Period) -> Period:
    """The period a renewal rate compares ``period`` with: the same number of calendar
    months just before when ``period`` is whole calendar months (October: September),
    otherwise the same number of days just before."""
    start, end = period.start, period.end
    after = end + timedelta(days=1)
    if start.day == 1 and after.day == 1:
        months = (after.year - start.year) * 12 + after.month - start.month
        index = start.year * 12 + start.month - 1 - months
        return type(period)(date(index // 12, index % 12 + 1, 1), start - timedelta(days=1))
    return period.previous()


@dataclass(frozen=True)
class InteractionDating:
    """How the client's engaged interactions were placed in time for a period: with their
    own time, with their post's, and (whatever the period) how many could not be placed."""

    own_time: int
    post_time: int
    undated: int


def interaction_dating(con: Any, start: Any, end: Any) -> InteractionDating:
    """Count the client's interactions (follows excepted) in ``[start, end)`` by how they
    were dated, and those that no period can hold (no time, no known post). Needs the
    ``workspace_channels`` table (:meth:`Store.set_channels`)."""
    row = con.execute(
        f"""
        SELECT count(*) FILTER (WHERE NOT dated_by_post),
               count(*) FILTER (WHERE dated_by_post)
        FROM ({CLIENT_INTERACTIONS}) x
        WHERE ts >= ? AND ts < ? AND {RENEWAL_ENGAGED_SQL}
        """,
        [start, end],
    ).fetchone()
    undated = con.execute(
        f"""
        SELECT count(*) FROM interactions i
        JOIN workspace_channels c
          ON c.network = i.network AND c.account = i.account AND c.is_client
        LEFT JOIN posts p
          ON p.network = i.network AND p.account = i.account AND p.post_id = i.post_id
        WHERE NOT {_OWN} AND NOT {_POST} AND i.kind <> 'follow'
        """
    ).fetchone()
    own, post = (int(row[0]), int(row[1])) if row else (0, 0)
    return InteractionDating(own, post, int(undated[0]) if undated else 0)
