"""RFM for social audiences: recency, frequency and value, scored 1 to 5.

Over a lookback window ending at the period's end (default 365 days, never shorter than the
period), for every member who interacted with the client's channels in it:

- **recency** = days from the member's last interaction to the end of the period;
- **frequency** = interactions in the window;
- **value** = weighted interactions in the window (like 1, click 1, save 2, mention 2,
  reply 3, quote 3, repost 4: a reply or a share is worth more than a like).

Each becomes a quintile score ``ceil(cume_dist * 5)`` (ties share a score; for recency fewer
days score higher). Members then fall in exactly one segment, checked in this order:
champions (R>=4, F>=4, V>=4), loyal (F>=4), new (R>=4, F<=2), at risk (R<=2, F>=3),
hibernating (R<=2), needs attention (everyone else).
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from smm_segments.data import (
    VALUE_WEIGHTS,
    bounds,
    client_interactions,
    fetch_columns,
    lazy_members,
    reasons_wanted,
    slices,
    weight_sql,
)
from smm_segments.texts import text
from smmcore.contracts import AudienceContext, Segmenter
from smmcore.models import Segment, SegmentMember

SEGMENTS: list[tuple[str, str]] = [
    ("champions", "R>=4, F>=4, V>=4: recent, frequent and valuable"),
    ("loyal", "F>=4: interact often"),
    ("new", "R>=4, F<=2: recent first steps"),
    ("at-risk", "R<=2, F>=3: used to interact, not lately"),
    ("hibernating", "R<=2: neither recent nor frequent"),
    ("needs-attention", "everyone else"),
]


class RFMSettings(BaseModel):
    """RFM settings (``[plugins.rfm]``)."""

    model_config = ConfigDict(extra="forbid")
    lookback_days: int = Field(default=365, ge=7, description="Window ending at the period end.")
    weights: dict[str, float] = Field(
        default_factory=lambda: dict(VALUE_WEIGHTS), description="Value of each interaction."
    )


def rfm_segment(r: int, f: int, v: int) -> str:
    """The segment of a member with scores R, F, V (1-5)."""
    if r >= 4 and f >= 4 and v >= 4:
        return "champions"
    if f >= 4:
        return "loyal"
    if r >= 4 and f <= 2:
        return "new"
    if r <= 2 and f >= 3:
        return "at-risk"
    if r <= 2:
        return "hibernating"
    return "needs-attention"


RFM_SEGMENT_SQL = (
    "CASE WHEN r >= 4 AND f >= 4 AND v >= 4 THEN 0 WHEN f >= 4 THEN 1 "
    "WHEN r >= 4 AND f <= 2 THEN 2 WHEN r <= 2 AND f >= 3 THEN 3 WHEN r <= 2 THEN 4 ELSE 5 END"
)
"""The index in :data:`SEGMENTS` of a member with scores ``r``, ``f``, ``v``: the rule of
:func:`rfm_segment`, in SQL."""


class RFMSegmenter(Segmenter):
    """Scores every engaged member on recency, frequency and value."""

    def segment(self, ctx: AudienceContext) -> list[Segment]:
        """Six segments; each member's scores hold R, F, V and the raw numbers."""
        settings = self.settings if isinstance(self.settings, RFMSettings) else RFMSettings()
        start, end = bounds(ctx)
        window_start = min(start, end - timedelta(days=settings.lookback_days))
        value = weight_sql(settings.weights, column="kind")
        cols = fetch_columns(
            ctx.con,
            f"""
            WITH acts AS (
                SELECT network, member,
                       date_diff('second', max(ts), $end::TIMESTAMPTZ) / 86400.0
                           AS recency_days,
                       count(*) AS frequency,
                       sum({value}) AS value
                FROM ({client_interactions(ctx)}) x
                WHERE ts >= $start AND ts < $end AND kind <> 'follow'
                GROUP BY network, member
            ),
            scored AS (
                SELECT network, member, recency_days, frequency, value,
                  CAST(ceil(cume_dist() OVER (ORDER BY recency_days DESC) * 5 - 1e-9) AS INTEGER)
                      AS r,
                  CAST(ceil(cume_dist() OVER (ORDER BY frequency) * 5 - 1e-9) AS INTEGER) AS f,
                  CAST(ceil(cume_dist() OVER (ORDER BY value) * 5 - 1e-9) AS INTEGER) AS v
                FROM acts
            )
            SELECT *, {RFM_SEGMENT_SQL} AS segment
            FROM scored
            ORDER BY segment, value DESC, frequency DESC, network, member
            """,
            {"start": window_start, "end": end},
        )
        limit = reasons_wanted(ctx)

        def build(row: int, rank: int) -> SegmentMember:
            r, f, v = int(cols["r"][row]), int(cols["f"][row]), int(cols["v"][row])
            recency = float(cols["recency_days"][row])
            frequency, val = int(cols["frequency"][row]), float(cols["value"][row])
            return SegmentMember.model_construct(
                network=cols["network"][row],
                member=cols["member"][row],
                scores={
                    "R": float(r),
                    "F": float(f),
                    "V": float(v),
                    "recency_days": round(recency, 2),
                    "frequency": float(frequency),
                    "value": val,
                },
                reason=f"R{r} F{f} V{v}: last interaction {recency:.0f} days before "
                f"the period end, {frequency} interactions worth {val:g}"
                if limit is None or rank < limit
                else "",
            )

        grouped = {
            name: lazy_members(lo, hi, build)
            for (name, _), (lo, hi) in zip(
                SEGMENTS, slices(cols["segment"], len(SEGMENTS)), strict=True
            )
        }
        lang = ctx.language
        method = text("rfm.method", lang, days=settings.lookback_days)
        return [
            Segment.model_construct(
                name=f"rfm:{name}",
                segmenter=self.name or "rfm",
                description=f"{text(f'rfm.name.{name}', lang)}: {text(f'rfm.{name}', lang)}",
                method=f"{method}; {text(f'rfm.{name}', lang)}",
                members=grouped[name],
            )
            for name, _rule in SEGMENTS
        ]
