"""Communities: Louvain on the member-post interaction graph.

Louvain modularity optimisation (Blondel et al. 2008; igraph's ``community_multilevel``, in C)
with a fixed seed, so the same data gives the same communities. Each community lists its
members by the weight of their engagement (their strength in the graph) and its dominant terms,
drawn from its members' bios and the texts of the posts it gathers around.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from smm_segments.data import VALUE_WEIGHTS, bounds, reasons_wanted
from smm_segments.graph import InteractionGraph, context_graph
from smm_segments.terms import dominant_terms, tokens
from smm_segments.texts import text
from smmcore.contracts import AudienceContext, Segmenter
from smmcore.i18n import number
from smmcore.models import Segment, SegmentMember, SegmentMembers

TERM_SAMPLE = 500
"""Bios read per community for its dominant terms (its most engaged members)."""


class CommunitySettings(BaseModel):
    """Community settings (``[plugins.communities]``)."""

    model_config = ConfigDict(extra="forbid")
    resolution: float = Field(default=1.0, gt=0, description="Louvain resolution (>1: smaller).")
    min_size: int = Field(default=3, ge=1, description="Smallest community reported (members).")
    max_communities: int = Field(default=12, ge=1, description="How many are reported.")
    seed: int = Field(default=42, description="Random seed of Louvain, for repeatable results.")


def detect(graph: InteractionGraph, settings: CommunitySettings) -> Any:
    """The Louvain community of every vertex of ``graph`` (the library call, timed by the
    benchmark): igraph's multilevel algorithm, seeded with ``settings.seed``."""
    return graph.louvain(settings.resolution, settings.seed)


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
    graph: InteractionGraph,
    membership: Any,
    settings: CommunitySettings,
    method: str,
    name: str,
) -> list[Segment]:
    """Turn the community of every vertex into segments with top members and dominant terms:
    communities of at least ``min_size`` members, largest first (ties: the one whose first
    member sorts first), members by strength (ties by name)."""
    import numpy as np

    n = graph.n_members
    of_member, of_post = membership[:n], membership[n:]
    sizes = np.bincount(of_member) if n else np.zeros(0, dtype=np.int64)
    kept = [int(c) for c in np.flatnonzero(sizes >= settings.min_size)]
    # members are numbered in (network, member) order: a community's first is its smallest
    found, first_index = np.unique(of_member, return_index=True)
    first = dict(zip(found.tolist(), first_index.tolist(), strict=True))
    kept.sort(key=lambda c: (-int(sizes[c]), first[c]))
    kept = kept[: settings.max_communities]
    strength = graph.strength
    ranked_groups = []
    for community in kept:
        members = np.flatnonzero(of_member == community)
        ranked = members[np.lexsort((members, -strength[members]))]
        posts = np.flatnonzero(of_post == community)
        keys = list(zip(graph.post_network[posts].tolist(), graph.post_id[posts].tolist(),
                        strict=True))  # fmt: skip
        ranked_groups.append((ranked, keys))
    # Terms come from every post of a community and the bios of its most engaged members:
    # enough to characterise it, and tokenising 100k bios would cost more than Louvain.
    texts = _lookup(ctx.con, [p for _, posts in ranked_groups for p in posts], POST_TEXTS)
    sampled = [
        list(
            zip(
                graph.member_network[ranked[:TERM_SAMPLE]].tolist(),
                graph.member_name[ranked[:TERM_SAMPLE]].tolist(),
                strict=True,
            )
        )
        for ranked, _ in ranked_groups
    ]
    bios = _lookup(ctx.con, [k for keys in sampled for k in keys], MEMBER_BIOS)
    documents = [
        [tokens(texts.get(p)) for p in posts] + [tokens(bios.get(k)) for k in keys]
        for (_, posts), keys in zip(ranked_groups, sampled, strict=True)
    ]
    corpus: Counter[str] = Counter()
    for docs in documents:
        for doc in docs:
            corpus.update(doc)
    corpus_total = sum(corpus.values())
    segments = []
    limit = reasons_wanted(ctx)
    for index, ((ranked, posts), docs, keys) in enumerate(
        zip(ranked_groups, documents, sampled, strict=True), start=1
    ):
        terms = dominant_terms(docs, corpus, corpus_total)
        top = ", ".join(k[1] for k in keys[:3])
        segments.append(
            Segment.model_construct(
                name=f"communities:{index}",
                segmenter=name,
                description=text(
                    "community",
                    ctx.language,
                    index=index,
                    members=number(len(ranked), ctx.language),
                    posts=number(len(posts), ctx.language),
                    terms=", ".join(terms) or "-",
                    top=top,
                ),
                method=method,
                members=SegmentMembers(len(ranked), _member_builder(graph, ranked, index, limit)),
            )
        )
    return segments


def _member_builder(
    graph: InteractionGraph, ranked: Any, index: int, limit: int | None
) -> Callable[[int], SegmentMember]:
    """The i-th member of community ``index`` (``ranked``: its member vertices in order)."""

    def build(rank: int) -> SegmentMember:
        vertex = int(ranked[rank])
        strength = float(graph.strength[vertex])
        posts = int(graph.degree[vertex])
        return SegmentMember.model_construct(
            network=graph.member_network[vertex],
            member=graph.member_name[vertex],
            scores={"community": float(index), "strength": strength, "posts": float(posts)},
            reason=f"engaged with {posts} posts of community {index} (weight {strength:g})"
            if limit is None or rank < limit
            else "",
        )

    return build


class CommunitySegmenter(Segmenter):
    """One segment per community of the period's interaction graph, largest first."""

    def segment(self, ctx: AudienceContext) -> list[Segment]:
        """Communities of at least ``min_size`` members; none for an empty audience."""
        settings = (
            self.settings if isinstance(self.settings, CommunitySettings) else CommunitySettings()
        )
        start, end = bounds(ctx)
        graph = context_graph(ctx, start, end, VALUE_WEIGHTS)
        membership = detect(graph, settings)
        method = text(
            "communities.method",
            ctx.language,
            resolution=f"{settings.resolution:g}",
            seed=settings.seed,
        )
        return summarise(ctx, graph, membership, settings, method, self.name or "communities")
