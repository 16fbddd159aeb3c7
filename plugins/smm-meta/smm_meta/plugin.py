"""Entry point of the smm-meta plugin: registrations only, nothing heavy is imported here."""

from __future__ import annotations

from typing import Any

from smmcore import SourceSpec, hookimpl


@hookimpl
def smm_register_sources(register: Any) -> None:
    register(
        SourceSpec(
            name="meta",
            description="Facebook Pages and Instagram professional accounts (Graph API): "
            "profile, followers, posts, reels, stories and their insights, comments.",
            impl="smm_meta.source:MetaSource",
            settings="smm_meta.settings:MetaSettings",
            capabilities=("profile", "posts", "metrics", "interactions"),
            networks=("facebook", "instagram"),
        )
    )
