"""Network renewal: who joined the conversation this period, who stayed, who left.

Compared with the period before (:func:`smmcore.interactions.renewal_baseline`: the previous
calendar month for a month; an SMM renews the vertical network at least monthly):

- **new contacts**: engaged with the client's channels in the period and not in the previous
  one (``first_time`` = 1 when they had never engaged before);
- **retained**: engaged in both periods;
- **lapsed**: engaged in the previous period and not in this one: the people to win back.

The network renewal rate of the period is ``new contacts / engaged in the period x 100``, the
one definition in :data:`smmcore.interactions.RENEWAL_FORMULA` that the ``network_renewal_rate``
KPI and ``smm audience renewal`` share (interactions without a time are dated by their post).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from smm_segments.data import (
    CLIENT_INTERACTIONS,
    bounds,
    client_interactions,
    day_start,
    fetch_columns,
    lazy_members,
    reasons_wanted,
    slices,
)
from smm_segments.texts import period_text, rate_text, text
from smmcore.contracts import AudienceContext, Period, Segmenter
from smmcore.interactions import RENEWAL_ENGAGED_SQL, renewal_baseline
from smmcore.models import Segment, SegmentMember

_ENGAGED = f"""
    SELECT network, member, count(*) AS n, min(ts) AS first_ts
    FROM ({CLIENT_INTERACTIONS}) x
    WHERE ts >= ? AND ts < ? AND {RENEWAL_ENGAGED_SQL}
    GROUP BY network, member
"""


def _engaged(con: Any, period: Period, timezone: str) -> dict[tuple[str, str], int]:
    start = day_start(period.start, timezone)
    end = day_start(period.end + timedelta(days=1), timezone)
    return {(r[0], r[1]): r[2] for r in con.execute(_ENGAGED, [start, end]).fetchall()}


def monthly_renewal(con: Any, timezone: str, last_month: date, months: int = 12) -> list[dict]:
    """Per calendar month up to ``last_month``'s month: engaged, new, returning, first-time
    accounts and the renewal rate (new / engaged x 100, ``None`` when nobody engaged)."""
    rows = []
    first_seen: dict[tuple[str, str], Any] = {
        (r[0], r[1]): r[2]
        for r in con.execute(
            f"SELECT network, member, min(ts) FROM ({CLIENT_INTERACTIONS}) x "
            f"WHERE {RENEWAL_ENGAGED_SQL} GROUP BY 1, 2"
        ).fetchall()
    }
    starts = []
    year, month = last_month.year, last_month.month
    for _ in range(months + 1):
        starts.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    starts.reverse()
    previous: dict[tuple[str, str], int] | None = None
    for first, nxt in zip(starts, [*starts[1:], None], strict=True):
        end = nxt or date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        engaged = _engaged(con, Period(first, end - timedelta(days=1)), timezone)
        if previous is not None:
            new = [k for k in engaged if k not in previous]
            month_start = day_start(first, timezone)
            first_time = sum(
                1 for k in engaged if first_seen.get(k) and first_seen[k] >= month_start
            )
            rows.append(
                {
                    "month": first.strftime("%Y-%m"),
                    "engaged": len(engaged),
                    "new": len(new),
                    "returning": len(engaged) - len(new),
                    "first_time": first_time,
                    "renewal_rate": (len(new) / len(engaged) * 100.0) if engaged else None,
                }
            )
        previous = engaged
    return rows


class RenewalSegmenter(Segmenter):
    """New contacts, retained and lapsed members, against the previous period."""

    def monthly(self, con: Any, timezone: str, last_month: date, months: int = 12) -> list[dict]:
        """The month-by-month renewal table of ``smm audience renewal``
        (:func:`monthly_renewal`)."""
        return monthly_renewal(con, timezone, last_month, months)

    def segment(self, ctx: AudienceContext) -> list[Segment]:
        """Three segments: ``renewal:new-contacts``, ``renewal:retained``, ``renewal:lapsed``."""
        prev = renewal_baseline(ctx.period)
        start, end = bounds(ctx)
        prev_start = day_start(prev.start, ctx.timezone)
        prev_end = day_start(prev.end + timedelta(days=1), ctx.timezone)
        # one pass: interactions now, in the period before, and whether ever before the period;
        # group 0 new contacts, 1 retained, 2 lapsed, each in the order it is listed in
        cols = fetch_columns(
            ctx.con,
            f"""
            WITH counted AS (
                SELECT network, member,
                       count(*) FILTER (WHERE ts >= $s AND ts < $e) AS n_now,
                       count(*) FILTER (WHERE ts >= $ps AND ts < $pe) AS n_before,
                       bool_or(ts < $s) AS seen
                FROM ({client_interactions(ctx)}) x
                WHERE ts < $e AND {RENEWAL_ENGAGED_SQL}
                GROUP BY network, member
                HAVING n_now > 0 OR n_before > 0
            )
            SELECT *, CASE WHEN n_now > 0 AND n_before = 0 THEN 0 WHEN n_now > 0 THEN 1 ELSE 2
                      END AS grp
            FROM counted
            ORDER BY grp, CASE WHEN grp = 2 THEN n_before ELSE n_now END DESC, network, member
            """,
            {"s": start, "e": end, "ps": prev_start, "pe": prev_end},
        )
        (new_lo, new_hi), (kept_lo, kept_hi), (lapsed_lo, lapsed_hi) = slices(cols["grp"], 3)
        engaged_now = kept_hi  # groups 0 and 1
        share = (new_hi - new_lo) / engaged_now * 100 if engaged_now else None
        limit = reasons_wanted(ctx)

        def member(row: int, rank: int) -> SegmentMember:
            n_now, n_before = int(cols["n_now"][row]), int(cols["n_before"][row])
            first_time = not bool(cols["seen"][row])
            if limit is not None and rank >= limit:
                reason = ""
            elif not n_before:
                reason = f"{n_now} interactions, none in the previous period" + (
                    " (first time ever)" if first_time else ""
                )
            elif n_now:
                reason = f"{n_now} interactions now, {n_before} before"
            else:
                reason = f"{n_before} interactions before, none now"
            return SegmentMember.model_construct(
                network=cols["network"][row],
                member=cols["member"][row],
                scores={
                    "interactions": float(n_now),
                    "previous_interactions": float(n_before),
                    "first_time": 1.0 if first_time else 0.0,
                },
                reason=reason,
            )

        lang = ctx.language
        words = {"period": period_text(ctx.period, lang), "previous": period_text(prev, lang)}
        method = text("renewal.method", lang, rate=rate_text(share, lang), **words)
        return [
            Segment.model_construct(
                name="renewal:new-contacts",
                segmenter=self.name or "renewal",
                description=text("renewal.new", lang, **words),
                method=method,
                members=lazy_members(new_lo, new_hi, member),
            ),
            Segment.model_construct(
                name="renewal:retained",
                segmenter=self.name or "renewal",
                description=text("renewal.retained", lang),
                method=method,
                members=lazy_members(kept_lo, kept_hi, member),
            ),
            Segment.model_construct(
                name="renewal:lapsed",
                segmenter=self.name or "renewal",
                description=text("renewal.lapsed", lang, **words),
                method=method,
                members=lazy_members(lapsed_lo, lapsed_hi, member),
            ),
        ]
