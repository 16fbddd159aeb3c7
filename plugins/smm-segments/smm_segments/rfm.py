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
    CLIENT_INTERACTIONS,
    VALUE_WEIGHTS,
    bounds,
    reasons_wanted,
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


class RFMSegmenter(Segmenter):
    """Scores every engaged member on recency, frequency and value."""

    def segment(self, ctx: AudienceContext) -> list[Segment]:
        """Six segments; each member's scores hold R, F, V and the raw numbers."""
        settings = self.settings if isinstance(self.settings, RFMSettings) else RFMSettings()
        start, end = bounds(ctx)
        window_start = min(start, end - timedelta(days=settings.lookback_days))
        value = weight_sql(settings.weights, column="kind")
        rows = ctx.con.execute(
            f"""
            WITH acts AS (
                SELECT network, member,
                       date_diff('second', max(ts), ?::TIMESTAMPTZ) / 86400.0 AS recency_days,
                       count(*) AS frequency,
                       sum({value}) AS value
                FROM ({CLIENT_INTERACTIONS}) x
                WHERE ts >= ? AND ts < ? AND kind <> 'follow'
                GROUP BY network, member
            )
            SELECT network, member, recency_days, frequency, value,
                   CAST(ceil(cume_dist() OVER (ORDER BY recency_days DESC) * 5 - 1e-9) AS INTEGER),
                   CAST(ceil(cume_dist() OVER (ORDER BY frequency) * 5 - 1e-9) AS INTEGER),
                   CAST(ceil(cume_dist() OVER (ORDER BY value) * 5 - 1e-9) AS INTEGER)
            FROM acts
            ORDER BY value DESC, frequency DESC, network, member
            """,
            [end, window_start, end],
        ).fetchall()
        grouped: dict[str, list[SegmentMember]] = {name: [] for name, _ in SEGMENTS}
        limit = reasons_wanted(ctx)
        for network, member, recency, frequency, val, r, f, v in rows:
            group = grouped[rfm_segment(r, f, v)]
            group.append(
                SegmentMember.model_construct(
                    network=network,
                    member=member,
                    scores={
                        "R": float(r),
                        "F": float(f),
                        "V": float(v),
                        "recency_days": round(float(recency), 2),
                        "frequency": float(frequency),
                        "value": float(val),
                    },
                    reason=f"R{r} F{f} V{v}: last interaction {float(recency):.0f} days before "
                    f"the period end, {frequency} interactions worth {float(val):g}"
                    if limit is None or len(group) < limit
                    else "",
                )
            )
        lang = ctx.language
        method = text("rfm.method", lang, days=settings.lookback_days)
        return [
            Segment(
                name=f"rfm:{name}",
                segmenter=self.name or "rfm",
                description=f"{text(f'rfm.name.{name}', lang)}: {text(f'rfm.{name}', lang)}",
                method=f"{method}; {text(f'rfm.{name}', lang)}",
                members=grouped[name],
            )
            for name, _rule in SEGMENTS
        ]
