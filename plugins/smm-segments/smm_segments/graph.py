"""The interaction graph: members linked to the client's posts they engaged with.

A bipartite graph, one node per member and one per post, an edge weighted by the summed value
of the member's interactions with that post (see :data:`smm_segments.data.VALUE_WEIGHTS`).
Members who engage with the same posts end up close: that is what communities and k-cores
are computed on. Interactions without a post (follows, mentions) are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from smm_segments.data import CLIENT_INTERACTIONS, weight_sql

MEMBER = "m"
POST = "p"


_MEMO = "_smm_segments_graphs"


def context_graph(ctx: Any, start: datetime, end: datetime, weights: Mapping[str, float]) -> Any:
    """:func:`build_graph` once per audience context: the segmenters of one run (a report,
    ``smm audience segments``) share the graph of the same period and weights. Callers must
    not modify it."""
    memo = ctx.__dict__.setdefault(_MEMO, {})
    key = (start, end, tuple(sorted(weights.items())))
    if key not in memo:
        memo[key] = build_graph(ctx.con, start, end, weights)
    return memo[key]


def build_graph(con: Any, start: datetime, end: datetime, weights: Mapping[str, float]) -> Any:
    """The member-post graph of interactions in ``[start, end)``, as a ``networkx.Graph``.

    Nodes are ``("m", network, member)`` and ``("p", network, post_id)`` tuples. The graph is
    bipartite, so it has no self-loops.
    """
    import networkx as nx

    value = weight_sql(weights, column="kind")
    columns = con.execute(
        f"""
            SELECT network, member, post_id, sum({value}) AS w
            FROM ({CLIENT_INTERACTIONS}) x
            WHERE ts >= ? AND ts < ? AND post_id IS NOT NULL AND kind <> 'follow'
            GROUP BY network, member, post_id
            HAVING sum({value}) > 0
            ORDER BY network, member, post_id
            """,
        [start, end],
    ).fetchnumpy()
    graph = nx.Graph()
    graph.add_weighted_edges_from(
        ((MEMBER, net, member), (POST, net, post), w)
        for net, member, post, w in zip(
            columns["network"], columns["member"], columns["post_id"], columns["w"], strict=True
        )
    )
    return graph


def members_of(nodes: Any) -> list[tuple[str, str]]:
    """The ``(network, member)`` pairs among graph nodes."""
    return [(n[1], n[2]) for n in nodes if n[0] == MEMBER]
