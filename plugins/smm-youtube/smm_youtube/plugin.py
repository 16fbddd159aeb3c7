"""Entry point of the smm-youtube plugin: registrations only, nothing heavy is imported here."""

from __future__ import annotations

from collections.abc import Callable

from smmcore import SourceSpec, hookimpl


@hookimpl
def smm_register_sources(register: Callable[[SourceSpec], None]) -> None:
    """Register the YouTube Data API v3 source."""
    register(
        SourceSpec(
            name="youtube",
            description="YouTube channels and their videos through the Data API v3",
            impl="smm_youtube.source:YouTubeSource",
            settings="smm_youtube.settings:YouTubeSettings",
            capabilities=("profile", "posts", "metrics"),
            networks=("youtube",),
        )
    )
