"""Influencers: reach, engagement with the client's content and k-core, combined and explained.

Pei et al. (2014, Scientific Reports 4:5547) found that degree and PageRank misrank real
spreaders while a node's k-core (its coreness) ranks them best; vendors add reach and
engagement (Brandwatch's Reach and Impact scores). For every member of the client's audience
or of the period's interactions:

- **reach** = ``log(1 + followers) / log(1 + max followers)`` (unknown followers score 0 and
  say so);
- **engagement** = weighted interactions with the client's content in the period, divided by
  the largest;
- **core** = the member's core number in the member-post interaction graph, divided by the
  largest: members embedded in the densest part of the conversation score high.

``score = w_reach * reach + w_engagement * engagement + w_core * core`` with the weights in
the settings (default 0.35, 0.35, 0.30), so a score is between 0 and 1.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field

from smm_segments.data import VALUE_WEIGHTS, bounds, member_profiles
from smm_segments.graph import MEMBER, context_graph
from smm_segments.texts import text
from smmcore.contracts import AudienceContext, Segmenter
from smmcore.models import Segment, SegmentMember


class InfluencerSettings(BaseModel):
    """Influencer settings (``[plugins.influencers]``)."""

    model_config = ConfigDict(extra="forbid")
    top: int = Field(default=25, ge=1, description="How many influencers are listed.")
    weight_reach: float = Field(default=0.35, ge=0)
    weight_engagement: float = Field(default=0.35, ge=0)
    weight_core: float = Field(default=0.30, ge=0)


class InfluencerSegmenter(Segmenter):
    """The top members by combined influence score, each score explained."""

    def segment(self, ctx: AudienceContext) -> list[Segment]:
        """One segment, ``influencers:top``, ranked by score (ties by name)."""
        import networkx as nx

        settings = (
            self.settings if isinstance(self.settings, InfluencerSettings) else InfluencerSettings()
        )
        top_n = int(ctx.options.get("top", settings.top))
        start, end = bounds(ctx)
        graph = context_graph(ctx, start, end, VALUE_WEIGHTS)  # bipartite: no self-loops
        cores = nx.core_number(graph) if graph.number_of_nodes() else {}
        profiles = member_profiles(ctx)
        population = set(profiles) | {(n[1], n[2]) for n in graph if n[0] == MEMBER}
        engagement = {
            (n[1], n[2]): graph.degree(n, weight="weight") for n in graph if n[0] == MEMBER
        }
        core = {(n[1], n[2]): cores[n] for n in graph if n[0] == MEMBER}
        followers = {key: (profiles.get(key) or {}).get("followers") for key in population}
        max_log_reach = max((math.log1p(f) for f in followers.values() if f), default=0.0)
        max_engagement = max(engagement.values(), default=0.0)
        max_core = max(core.values(), default=0)
        total_weight = settings.weight_reach + settings.weight_engagement + settings.weight_core
        total_weight = total_weight or 1.0

        scored = []
        for key in population:
            f = followers[key]
            reach = math.log1p(f) / max_log_reach if f and max_log_reach else 0.0
            eng = engagement.get(key, 0.0) / max_engagement if max_engagement else 0.0
            kc = core.get(key, 0) / max_core if max_core else 0.0
            score = (
                settings.weight_reach * reach
                + settings.weight_engagement * eng
                + settings.weight_core * kc
            ) / total_weight
            scored.append((score, key, reach, eng, kc, f))
        scored.sort(key=lambda s: (-s[0], s[1]))

        def reason(score: float, key: tuple[str, str], reach: float, eng: float, kc: float,
                   f: int | None) -> str:  # fmt: skip
            # written for the members kept only (25 of ~100k)
            reach_text = f"{f:,} followers" if f is not None else "followers unknown"
            return (
                f"score {score:.2f} = reach {reach:.2f} ({reach_text}) x{settings.weight_reach:g}"
                f" + engagement {eng:.2f} ({engagement.get(key, 0.0):g} weighted interactions)"
                f" x{settings.weight_engagement:g} + core {kc:.2f} (k-core {core.get(key, 0)})"
                f" x{settings.weight_core:g}"
            )

        members = [
            SegmentMember(
                network=key[0],
                member=key[1],
                scores={
                    "score": round(score, 4),
                    "reach": round(reach, 4),
                    "engagement": round(eng, 4),
                    "core": round(kc, 4),
                    "followers": float(f) if f is not None else None,
                    "k_core": float(core.get(key, 0)),
                },
                reason=reason(score, key, reach, eng, kc, f),
            )
            for score, key, reach, eng, kc, f in scored[:top_n]
            if score > 0
        ]
        return [
            Segment(
                name="influencers:top",
                segmenter=self.name or "influencers",
                description=text("influencers", ctx.language, count=len(members)),
                method=text(
                    "influencers.method",
                    ctx.language,
                    weights=f"{settings.weight_reach:g}/{settings.weight_engagement:g}/"
                    f"{settings.weight_core:g}",
                ),
                members=members,
            )
        ]
