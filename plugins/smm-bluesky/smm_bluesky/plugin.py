"""Entry point of the smm-bluesky plugin: registrations only, nothing heavy is imported here."""

from __future__ import annotations

from typing import Any

from smmcore import SourceSpec, hookimpl


@hookimpl
def smm_register_sources(register: Any) -> None:
    register(
        SourceSpec(
            name="bluesky",
            description="Bluesky accounts through the public AppView: profile, posts (reposts "
            "kept apart), followers, likes, reposts and replies of recent posts.",
            impl="smm_bluesky.source:BlueskySource",
            options="smmcore.sourcekit:HttpChannelOptions",
            settings="smm_bluesky.source:BlueskySettings",
            capabilities=("profile", "posts", "metrics", "audience", "interactions"),
            networks=("bluesky",),
        )
    )
