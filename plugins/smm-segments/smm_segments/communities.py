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

from smm_segments.data import VALUE_WEIGHTS, bounds, member_profiles
from smm_segments.graph import MEMBER, POST, build_graph
from smm_segments.terms import dominant_terms, tokens
from smmcore.contracts import AudienceContext, Segmenter
from smmcore.models import Segment, SegmentMember


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


def _post_texts(con: Any, posts: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    if not posts:
        return {}
    import pyarrow as pa

    wanted = pa.table({"network": [p[0] for p in posts], "post_id": [p[1] for p in posts]})
    con.register("_smm_wanted_posts", wanted)
    try:
        rows = con.execute(
            "SELECT p.network, p.post_id, p.text FROM posts p "
            "JOIN _smm_wanted_posts w ON w.network = p.network AND w.post_id = p.post_id"
        ).fetchall()
    finally:
        con.unregister("_smm_wanted_posts")
    return {(net, pid): text for net, pid, text in rows}


def summarise(
    ctx: AudienceContext,
    graph: Any,
    communities: list[set],
    settings: CommunitySettings,
    method: str,
    name: str,
) -> list[Segment]:
    """Turn raw communities into segments with top members and dominant terms."""
    profiles = member_profiles(ctx)
    groups = []
    for nodes in communities:
        members = [n for n in nodes if n[0] == MEMBER]
        if len(members) >= settings.min_size:
            groups.append((nodes, members))
    groups.sort(key=lambda g: (-len(g[1]), min(g[1])))
    groups = groups[: settings.max_communities]
    post_nodes = [(n[1], n[2]) for nodes, _ in groups for n in nodes if n[0] == POST]
    texts = _post_texts(ctx.con, post_nodes)

    def documents(nodes: Any) -> list[str | None]:
        docs: list[str | None] = []
        for n in nodes:
            if n[0] == MEMBER:
                docs.append((profiles.get((n[1], n[2])) or {}).get("bio"))
            else:
                docs.append(texts.get((n[1], n[2])))
        return docs

    corpus: Counter[str] = Counter()
    for nodes, _ in groups:
        for doc in documents(nodes):
            corpus.update(tokens(doc))
    corpus_total = sum(corpus.values())
    segments = []
    for index, (nodes, members) in enumerate(groups, start=1):
        strength = {m: graph.degree(m, weight="weight") for m in members}
        ranked = sorted(members, key=lambda m: (-strength[m], m))
        posts = sum(1 for n in nodes if n[0] == POST)
        terms = dominant_terms(documents(nodes), corpus, corpus_total)
        top = ", ".join(m[2] for m in ranked[:3])
        segments.append(
            Segment(
                name=f"communities:{index}",
                segmenter=name,
                description=(
                    f"Community {index}: {len(members)} members around {posts} posts; "
                    f"terms: {', '.join(terms) or '-'}; most engaged: {top}"
                ),
                method=method,
                members=[
                    SegmentMember(
                        network=m[1],
                        member=m[2],
                        scores={
                            "community": float(index),
                            "strength": float(strength[m]),
                            "posts": float(graph.degree(m)),
                        },
                        reason=f"engaged with {graph.degree(m)} posts of community {index} "
                        f"(weight {strength[m]:g})",
                    )
                    for m in ranked
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
        graph = build_graph(ctx.con, start, end, VALUE_WEIGHTS)
        communities = detect(graph, settings)
        method = (
            f"Louvain (Blondel et al. 2008) on the member-post interaction graph, "
            f"resolution {settings.resolution:g}, seed {settings.seed}"
        )
        return summarise(ctx, graph, communities, settings, method, self.name or "communities")
