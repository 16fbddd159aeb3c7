"""Entry point of the smm-mastodon plugin: registrations only, nothing heavy is imported here."""

from __future__ import annotations

from typing import Any

from smmcore import SourceSpec, hookimpl


@hookimpl
def smm_register_sources(register: Any) -> None:
    register(
        SourceSpec(
            name="mastodon",
            description="Mastodon accounts on any instance: profile, posts, followers, "
            "favourites, boosts and replies of recent posts.",
            impl="smm_mastodon.source:MastodonSource",
            options="smmcore.sourcekit:HttpChannelOptions",
            settings="smm_mastodon.source:MastodonSettings",
            capabilities=("profile", "posts", "metrics", "audience", "interactions"),
            networks=("mastodon",),
        )
    )
