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

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from smm_segments.data import VALUE_WEIGHTS, bounds
from smm_segments.graph import InteractionGraph, context_graph
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


_FOLLOWERS = """
    SELECT am.network, am.member, max(am.followers) AS followers
    FROM audience_members am
    JOIN workspace_channels c
      ON c.network = am.network AND c.account = am.account AND c.is_client
    GROUP BY am.network, am.member
"""


def _population(ctx: AudienceContext, graph: InteractionGraph) -> tuple[Any, ...]:
    """Every member of the audience or of the graph: networks, names, followers (NaN when
    unknown), weighted interactions and core number (0 outside the graph)."""
    import numpy as np

    audience = ctx.con.execute(_FOLLOWERS).fetchnumpy()
    networks, names = audience["network"], audience["member"]
    followers = np.ma.asarray(audience["followers"], dtype=np.float64).filled(np.nan)
    vertex_of = {
        key: i
        for i, key in enumerate(
            zip(graph.member_network.tolist(), graph.member_name.tolist(), strict=True)
        )
    }
    vertex = np.fromiter(
        (vertex_of.get(k, -1) for k in zip(networks.tolist(), names.tolist(), strict=True)),
        dtype=np.int64,
        count=len(names),
    )
    listed = np.zeros(graph.n_members, dtype=bool)
    listed[vertex[vertex >= 0]] = True
    extra = np.flatnonzero(~listed)  # in the graph, not (or no longer) in the audience
    vertex = np.concatenate((vertex, extra))
    networks = np.concatenate((np.asarray(networks, dtype=object), graph.member_network[extra]))
    names = np.concatenate((np.asarray(names, dtype=object), graph.member_name[extra]))
    followers = np.concatenate((followers, np.full(len(extra), np.nan)))
    # vertex -1 (not in the graph) reads the 0 appended at the end
    engagement = np.append(graph.strength, 0.0)[vertex]
    core = np.append(graph.coreness, 0)[vertex]
    return networks, names, followers, engagement, core


class InfluencerSegmenter(Segmenter):
    """The top members by combined influence score, each score explained."""

    def segment(self, ctx: AudienceContext) -> list[Segment]:
        """One segment, ``influencers:top``, ranked by score (ties by name)."""
        import numpy as np

        settings = (
            self.settings if isinstance(self.settings, InfluencerSettings) else InfluencerSettings()
        )
        top_n = int(ctx.options.get("top", settings.top))
        start, end = bounds(ctx)
        graph = context_graph(ctx, start, end, VALUE_WEIGHTS)  # bipartite: no self-loops
        networks, names, followers, engagement, core = _population(ctx, graph)
        known = ~np.isnan(followers) & (followers != 0)  # unknown or none: reach 0
        logs = np.log1p(np.where(known, followers, 0.0))
        max_log_reach = float(logs[known].max()) if known.any() else 0.0
        max_engagement = float(engagement.max()) if len(engagement) else 0.0
        max_core = int(core.max()) if len(core) else 0
        total_weight = settings.weight_reach + settings.weight_engagement + settings.weight_core
        total_weight = total_weight or 1.0
        reach = np.where(known, logs / max_log_reach, 0.0) if max_log_reach else logs * 0.0
        eng = engagement / max_engagement if max_engagement else engagement * 0.0
        kc = core / max_core if max_core else core * 0.0
        score = (
            settings.weight_reach * reach
            + settings.weight_engagement * eng
            + settings.weight_core * kc
        ) / total_weight
        # the top N by score, ties by (network, member): sort the few at or above the N-th
        candidates = np.flatnonzero(score > 0)
        if len(candidates) > top_n:
            cut = np.partition(score[candidates], len(candidates) - top_n)[-top_n]
            candidates = candidates[score[candidates] >= cut]
        kept = sorted(candidates.tolist(), key=lambda i: (-score[i], networks[i], names[i]))[:top_n]

        def reason(i: int) -> str:  # written for the members kept only (25 of ~100k)
            f = followers[i]
            reach_text = f"{int(f):,} followers" if not np.isnan(f) else "followers unknown"
            return (
                f"score {score[i]:.2f} = reach {reach[i]:.2f} ({reach_text})"
                f" x{settings.weight_reach:g} + engagement {eng[i]:.2f}"
                f" ({float(engagement[i]):g} weighted interactions)"
                f" x{settings.weight_engagement:g} + core {kc[i]:.2f} (k-core {int(core[i])})"
                f" x{settings.weight_core:g}"
            )

        members = [
            SegmentMember(
                network=networks[i],
                member=names[i],
                scores={
                    "score": round(float(score[i]), 4),
                    "reach": round(float(reach[i]), 4),
                    "engagement": round(float(eng[i]), 4),
                    "core": round(float(kc[i]), 4),
                    "followers": None if np.isnan(followers[i]) else float(followers[i]),
                    "k_core": float(core[i]),
                },
                reason=reason(i),
            )
            for i in kept
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
