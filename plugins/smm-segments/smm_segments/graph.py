"""The interaction graph: members linked to the client's posts they engaged with.

A bipartite graph, one vertex per member and one per post, an edge weighted by the summed value
of the member's interactions with that post (see :data:`smm_segments.data.VALUE_WEIGHTS`).
Members who engage with the same posts end up close: that is what communities and k-cores
are computed on. Interactions without a post (follows, mentions) are left out.

The graph is held as columns (numpy arrays) and handed to igraph, whose algorithms run in C:
members are vertices ``0 .. n_members - 1`` in ``(network, member)`` order, posts follow in
``(network, post_id)`` order, edges are sorted by member then post, so the same data always
gives the same graph (and, with a seed, the same communities).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime
from functools import cached_property
from typing import Any

from smm_segments.data import CLIENT_INTERACTIONS, client_interactions, weight_sql

_MEMO = "_smm_segments_graphs"
_RANDOM = threading.Lock()


class InteractionGraph:
    """The member-post graph of a period, as arrays (see the module docstring)."""

    def __init__(
        self,
        member_network: Any,
        member_name: Any,
        post_network: Any,
        post_id: Any,
        source: Any,
        target: Any,
        weight: Any,
    ) -> None:
        self.member_network = member_network  # per member vertex (numpy object arrays)
        self.member_name = member_name
        self.post_network = post_network  # per post: vertex n_members + index
        self.post_id = post_id
        self.source = source  # per edge: member index (numpy int64)
        self.target = target  # per edge: post index
        self.weight = weight  # per edge: summed interaction value (numpy float64)

    @property
    def n_members(self) -> int:
        """Member vertices."""
        return len(self.member_name)

    @property
    def n_posts(self) -> int:
        """Post vertices."""
        return len(self.post_id)

    @cached_property
    def strength(self) -> Any:
        """Per member: the summed weight of its edges (its weighted interactions)."""
        import numpy as np

        return np.bincount(self.source, weights=self.weight, minlength=self.n_members)

    @cached_property
    def degree(self) -> Any:
        """Per member: the posts it engaged with."""
        import numpy as np

        return np.bincount(self.source, minlength=self.n_members)

    @cached_property
    def igraph(self) -> Any:
        """The graph as an undirected, weighted ``igraph.Graph`` (edge attribute ``weight``)."""
        import igraph as ig

        edges = zip(self.source.tolist(), (self.target + self.n_members).tolist(), strict=True)
        return ig.Graph(
            n=self.n_members + self.n_posts,
            edges=list(edges),
            edge_attrs={"weight": self.weight.tolist()},
        )

    @cached_property
    def coreness(self) -> Any:
        """Per member: its core number (the largest k such that it is in the k-core)."""
        import numpy as np

        if not self.n_members:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(self.igraph.coreness(), dtype=np.int64)[: self.n_members]

    def louvain(self, resolution: float, seed: int) -> Any:
        """Louvain (igraph's multilevel) community of every vertex, seeded: an int array."""
        import random

        import igraph as ig
        import numpy as np

        if len(self.source) == 0:
            return np.zeros(self.n_members + self.n_posts, dtype=np.int64)
        with _RANDOM:  # igraph draws from one process-wide generator
            ig.set_random_number_generator(random.Random(seed))
            try:
                found = self.igraph.community_multilevel(weights="weight", resolution=resolution)
            finally:
                ig.set_random_number_generator(random)
        return np.asarray(found.membership, dtype=np.int64)


def context_graph(ctx: Any, start: datetime, end: datetime, weights: Mapping[str, float]) -> Any:
    """:func:`build_graph` once per audience context: the segmenters of one run (a report,
    ``smm audience segments``) share the graph of the same period and weights. Callers must
    not modify it."""
    memo = ctx.__dict__.setdefault(_MEMO, {})
    key = (start, end, tuple(sorted(weights.items())))
    if key not in memo:
        memo[key] = build_graph(ctx.con, start, end, weights, client_interactions(ctx))
    return memo[key]


def build_graph(
    con: Any,
    start: datetime,
    end: datetime,
    weights: Mapping[str, float],
    interactions: str = CLIENT_INTERACTIONS,
) -> InteractionGraph:
    """The member-post graph of the client's interactions in ``[start, end)`` (from
    ``interactions``, a query like :data:`~smm_segments.data.CLIENT_INTERACTIONS`)."""
    import numpy as np

    value = weight_sql(weights, column="kind")
    edges = f"""
        SELECT network, member, post_id, sum({value}) AS w
        FROM ({interactions}) x
        WHERE ts >= $start AND ts < $end AND post_id IS NOT NULL AND kind <> 'follow'
        GROUP BY network, member, post_id
        HAVING sum({value}) > 0
    """
    # One pass over the interactions; the vertices are numbered in DuckDB (distinct members
    # and posts are far fewer than edges), the edges come back as integers.
    cols = con.execute(
        f"""
        WITH e AS MATERIALIZED ({edges}),
        m AS (SELECT network, member, row_number() OVER (ORDER BY network, member) - 1 AS i
              FROM (SELECT DISTINCT network, member FROM e)),
        p AS (SELECT network, post_id, row_number() OVER (ORDER BY network, post_id) - 1 AS i
              FROM (SELECT DISTINCT network, post_id FROM e))
        SELECT 0 AS part, m.i AS a, NULL::BIGINT AS b, NULL::DOUBLE AS w,
               m.network, m.member AS name
        FROM m
        UNION ALL
        SELECT 1, p.i, NULL, NULL, p.network, p.post_id FROM p
        UNION ALL
        SELECT 2, m.i, p.i, e.w, NULL, NULL
        FROM e JOIN m USING (network, member) JOIN p USING (network, post_id)
        """,
        {"start": start, "end": end},
    ).fetchnumpy()
    part = np.asarray(cols["part"])
    index = np.asarray(cols["a"], dtype=np.int64)
    nodes = {}
    for kind in (0, 1):
        rows = np.flatnonzero(part == kind)
        order = rows[np.argsort(index[rows], kind="stable")]
        nodes[kind] = (np.asarray(cols["network"])[order], np.asarray(cols["name"])[order])
    rows = np.flatnonzero(part == 2)
    source, target = index[rows], np.asarray(cols["b"])[rows].astype(np.int64)
    order = np.lexsort((target, source))
    return InteractionGraph(
        *nodes[0],
        *nodes[1],
        source=source[order],
        target=target[order],
        weight=np.asarray(cols["w"], dtype=np.float64)[rows][order],
    )
