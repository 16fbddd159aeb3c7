"""Engagement tiers: participation inequality in the client's audience.

Nielsen's 90-9-1 rule (2006) says most of an audience watches, a few take part now and then,
and very few create most of the activity. The tiers, counted over the period:

- **silent**: audience members with no interaction in the period;
- **occasional**: 1 to ``regular_min - 1`` interactions (default 1-2);
- **regular**: ``regular_min`` or more (default 3-9);
- **advocate**: ``advocate_min`` or more interactions (default 10), or ``deep_min`` or more
  replies, reposts and quotes (default 3): the people who talk and share.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from smm_segments.data import (
    DEEP_KINDS,
    bounds,
    client_audience,
    client_interactions,
    fetch_columns,
    lazy_members,
    reasons_wanted,
    slices,
)
from smm_segments.texts import text
from smmcore.contracts import AudienceContext, Segmenter
from smmcore.models import Segment, SegmentMember

TIERS = ("advocate", "regular", "occasional", "silent")


class TierSettings(BaseModel):
    """Tier thresholds (``[plugins.tiers]``)."""

    model_config = ConfigDict(extra="forbid")
    regular_min: int = Field(default=3, ge=2, description="Interactions that make a regular.")
    advocate_min: int = Field(default=10, ge=3, description="Interactions that make an advocate.")
    deep_min: int = Field(
        default=3, ge=1, description="Replies, reposts and quotes that make an advocate."
    )

    @model_validator(mode="after")
    def _ordered(self) -> TierSettings:
        if self.advocate_min <= self.regular_min:
            raise ValueError("advocate_min must be greater than regular_min")
        return self


def tier_of(interactions: int, deep: int, settings: TierSettings) -> str:
    """The tier of a member with ``interactions`` in the period, ``deep`` of them deep."""
    if interactions >= settings.advocate_min or deep >= settings.deep_min:
        return "advocate"
    if interactions >= settings.regular_min:
        return "regular"
    if interactions >= 1:
        return "occasional"
    return "silent"


TIER_SQL = (
    "CASE WHEN n >= $advocate_min OR deep >= $deep_min THEN 0 "
    "WHEN n >= $regular_min THEN 1 WHEN n >= 1 THEN 2 ELSE 3 END"
)
"""The index in :data:`TIERS` of a member with ``n`` interactions, ``deep`` of them deep: the
rule of :func:`tier_of`, in SQL."""


class TierSegmenter(Segmenter):
    """Splits the client's audience into the four participation tiers."""

    def segment(self, ctx: AudienceContext) -> list[Segment]:
        """Four segments, advocates first; each member's scores say why."""
        settings = self.settings if isinstance(self.settings, TierSettings) else TierSettings()
        start, end = bounds(ctx)
        deep = ", ".join(f"'{k}'" for k in DEEP_KINDS)
        cols = fetch_columns(
            ctx.con,
            f"""
            WITH acts AS (
                SELECT network, member, count(*) AS n,
                       count(*) FILTER (WHERE kind IN ({deep})) AS deep
                FROM ({client_interactions(ctx)}) x
                WHERE ts >= $start AND ts < $end AND kind <> 'follow'
                GROUP BY network, member
            ),
            everyone AS (
                SELECT network, member FROM ({client_audience()}) aud
                UNION
                SELECT network, member FROM acts
            ),
            counted AS (
                SELECT e.network, e.member, coalesce(a.n, 0) AS n, coalesce(a.deep, 0) AS deep
                FROM everyone e LEFT JOIN acts a USING (network, member)
            )
            SELECT network, member, n, deep, {TIER_SQL} AS tier
            FROM counted
            ORDER BY tier, n DESC, deep DESC, network, member
            """,
            {
                "start": start,
                "end": end,
                "advocate_min": settings.advocate_min,
                "deep_min": settings.deep_min,
                "regular_min": settings.regular_min,
            },
        )
        limit = reasons_wanted(ctx)

        def build(row: int, rank: int) -> SegmentMember:
            n, deep_n = int(cols["n"][row]), int(cols["deep"][row])
            return SegmentMember.model_construct(
                network=cols["network"][row],
                member=cols["member"][row],
                scores={"interactions": float(n), "deep_interactions": float(deep_n)},
                reason=f"{n} interactions ({deep_n} replies/reposts/quotes) in the period"
                if limit is None or rank < limit
                else "",
            )

        members = {
            tier: lazy_members(lo, hi, build)
            for tier, (lo, hi) in zip(TIERS, slices(cols["tier"], len(TIERS)), strict=True)
        }
        s = settings
        lang = ctx.language
        numbers = {
            "advocate_min": s.advocate_min,
            "deep_min": s.deep_min,
            "regular_min": s.regular_min,
            "regular_max": s.advocate_min - 1,
            "occasional_max": s.regular_min - 1,
        }
        rules = {tier: text(f"tier_rule.{tier}", lang, **numbers) for tier in TIERS}
        return [
            Segment.model_construct(
                name=f"tiers:{tier}",
                segmenter=self.name or "tiers",
                description=text(f"tier.{tier}", lang, rule=rules[tier]),
                method=text("tiers.method", lang, rule=rules[tier]),
                members=members[tier],
            )
            for tier in TIERS
        ]
