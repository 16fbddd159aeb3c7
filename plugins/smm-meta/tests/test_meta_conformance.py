"""The core's source conformance tests (smmcore.testing.SourceContract) for the Meta source,
replaying documented-shape Graph API responses (see meta_graph_payloads.py: verbatim vs
constructed)."""

from __future__ import annotations

import meta_graph_payloads as g
from smm_meta import plugin

from smmcore.contracts import SyncUnit
from smmcore.testing import SourceContract


def _unit(network: str, handle: str, **options: str) -> SyncUnit:
    return SyncUnit("meta", f"meta:{network}:{handle}", network, handle, options)


class TestMetaConformance(SourceContract):
    plugin = plugin
    name = "meta"
    settings = {"access_token": g.TOKEN}
    responses = g.responses()
    units = (
        _unit("instagram", g.IG_USER, id=g.IG_ID),
        _unit("facebook", g.PAGE_USER),  # looked up through /me/accounts
    )
    expected_counts = {
        "accounts": 2,
        "account_snapshots": 2,
        "posts": 4 + 1 + 3,  # media, the live story, Page posts
        "post_metrics": 4 + 1 + 3,
        "interactions": 3 + 1,  # IG comments, the Page comment
    }
    error_units = (
        (_unit("instagram", "nessuno.sconosciuto"), "not_found"),
        (_unit("tiktok", "fornorossi"), "config"),
    )
