"""Entry point of the smm-reddit plugin: registrations only, nothing heavy is imported here."""

from __future__ import annotations

from collections.abc import Callable

from smmcore import SourceSpec, hookimpl


@hookimpl
def smm_register_sources(register: Callable[[SourceSpec], None]) -> None:
    """Register the Reddit source (users ``u/name`` and subreddits ``r/name``)."""
    register(
        SourceSpec(
            name="reddit",
            description="Reddit users (u/name) and subreddits (r/name): profile and submissions",
            impl="smm_reddit.source:RedditSource",
            settings="smm_reddit.settings:RedditSettings",
            capabilities=("profile", "posts", "metrics"),
            networks=("reddit",),
        )
    )
