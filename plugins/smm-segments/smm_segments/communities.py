"""Communities: Louvain on the member-post interaction graph.

Louvain modularity optimisation (Blondel et al. 2008, ``networkx.community.louvain_communities``)
with a fixed seed, so the same data gives the same communities. Each community lists its
members by the weight of their engagement (their strength in the graph) and its dominant terms,
drawn from its members' bios and the texts of the posts it gathers around.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from smm_segments.data import VALUE_WEIGHTS, bounds, reasons_wanted
from smm_segments.graph import MEMBER, POST, context_graph
from smm_segments.terms import dominant_terms, tokens
from smm_segments.texts import text
from smmcore.contracts import AudienceContext, Segmenter
from smmcore.i18n import number
from smmcore.models import Segment, SegmentMember

TERM_SAMPLE = 500
"""Bios read per community for its dominant terms (its most engaged members)."""


class CommunitySettings(BaseModel):
    """Community settings (``[plugins.communities]``)."""

    model_config = ConfigDict(extra="forbid")
    resolution: float = Field(default=1.0, gt=0, description="Louvain resolution (>1: smaller).")
    min_size: int = Field(default=3, ge=1, description="Smallest community reported (members).")
    max_communities: int = Field(default=12, ge=1, description="How many are reported.")
    seed: int = Field(default=42, description="Random seed of Louvain, for repeatable results.")


def detect(graph: Any, settings: CommunitySettings) -> list[set]:
    """The Louvain communities of ``graph`` (the library call, timed by the benchmark)."""
    import networkx as nx

    if graph.number_of_edges() == 0:
        return []
    return nx.community.louvain_communities(
        graph, weight="weight", resolution=settings.resolution, seed=settings.seed
    )


def _lookup(con: Any, keys: list[tuple[str, str]], sql: str) -> dict[tuple[str, str], str]:
    """Run ``sql`` joined to ``keys``, bound as the ``_smm_keys(network, id)`` subquery.

    The keys travel as two typed list parameters, not an Arrow table: building one makes
    pyarrow import pandas where it is installed, which costs more than the whole lookup.
    """
    if not keys:
        return {}
    rows = con.execute(sql, [[k[0] for k in keys], [k[1] for k in keys]]).fetchall()
    return {(network, key): text for network, key, text in rows}


_KEYS = "(SELECT unnest(?::VARCHAR[]) AS network, unnest(?::VARCHAR[]) AS id)"
POST_TEXTS = (
    "SELECT p.network, p.post_id AS id, p.text FROM posts p "
    f"JOIN {_KEYS} k ON k.network = p.network AND k.id = p.post_id"
)
MEMBER_BIOS = (
    "SELECT am.network, am.member AS id, max(am.bio) AS text FROM audience_members am "
    f"JOIN {_KEYS} k ON k.network = am.network AND k.id = am.member "
    "JOIN workspace_channels c ON c.network = am.network AND c.account = am.account "
    "AND c.is_client GROUP BY am.network, am.member"
)


def summarise(
    ctx: AudienceContext,
    graph: Any,
    communities: list[set],
    settings: CommunitySettings,
    method: str,
    name: str,
) -> list[Segment]:
    """Turn raw communities into segments with top members and dominant terms."""
    groups = []
    for nodes in communities:
        members = [n for n in nodes if n[0] == MEMBER]
        if len(members) >= settings.min_size:
            groups.append((nodes, members))
    groups.sort(key=lambda g: (-len(g[1]), min(g[1])))
    groups = groups[: settings.max_communities]
    ranked_groups = []
    for nodes, members in groups:
        strength = dict(graph.degree(members, weight="weight"))
        ranked = sorted(members, key=lambda m: (-strength[m], m))
        posts = [(n[1], n[2]) for n in nodes if n[0] == POST]
        ranked_groups.append((ranked, strength, posts))
    # Terms come from every post of a community and the bios of its most engaged members:
    # enough to characterise it, and tokenising 100k bios would cost more than Louvain.
    texts = _lookup(ctx.con, [p for _, _, posts in ranked_groups for p in posts], POST_TEXTS)
    sampled = [[(m[1], m[2]) for m in ranked[:TERM_SAMPLE]] for ranked, _, _ in ranked_groups]
    bios = _lookup(ctx.con, [k for keys in sampled for k in keys], MEMBER_BIOS)
    documents = [
        [tokens(texts.get(p)) for p in posts] + [tokens(bios.get(k)) for k in keys]
        for (_, _, posts), keys in zip(ranked_groups, sampled, strict=True)
    ]
    corpus: Counter[str] = Counter()
    for docs in documents:
        for doc in docs:
            corpus.update(doc)
    corpus_total = sum(corpus.values())
    segments = []
    limit = reasons_wanted(ctx)
    for index, ((ranked, strength, posts), docs) in enumerate(
        zip(ranked_groups, documents, strict=True), start=1
    ):
        members = ranked
        terms = dominant_terms(docs, corpus, corpus_total)
        top = ", ".join(m[2] for m in ranked[:3])
        segments.append(
            Segment(
                name=f"communities:{index}",
                segmenter=name,
                description=text(
                    "community",
                    ctx.language,
                    index=index,
                    members=number(len(members), ctx.language),
                    posts=number(len(posts), ctx.language),
                    terms=", ".join(terms) or "-",
                    top=top,
                ),
                method=method,
                # model_construct: every value is built here with the right type, and
                # validating 100k members would cost as much as finding the communities.
                members=[
                    SegmentMember.model_construct(
                        network=m[1],
                        member=m[2],
                        scores={
                            "community": float(index),
                            "strength": float(strength[m]),
                            "posts": float(len(graph[m])),
                        },
                        reason=f"engaged with {len(graph[m])} posts of community {index} "
                        f"(weight {strength[m]:g})"
                        if limit is None or rank < limit
                        else "",
                    )
                    for rank, m in enumerate(ranked)
                ],
            )
        )
    return segments


class CommunitySegmenter(Segmenter):
    """One segment per community of the period's interaction graph, largest first."""

    def segment(self, ctx: AudienceContext) -> list[Segment]:
        """Communities of at least ``min_size`` members; none for an empty audience."""
        settings = (
            self.settings if isinstance(self.settings, CommunitySettings) else CommunitySettings()
        )
        start, end = bounds(ctx)
        graph = context_graph(ctx, start, end, VALUE_WEIGHTS)
        communities = detect(graph, settings)
        method = text(
            "communities.method",
            ctx.language,
            resolution=f"{settings.resolution:g}",
            seed=settings.seed,
        )
        return summarise(ctx, graph, communities, settings, method, self.name or "communities")
