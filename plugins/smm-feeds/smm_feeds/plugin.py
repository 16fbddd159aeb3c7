"""Entry point of the smm-feeds plugin: registrations only, nothing heavy is imported here."""

from __future__ import annotations

from collections.abc import Callable

from smmcore import SourceSpec, hookimpl


@hookimpl
def smm_register_sources(register: Callable[[SourceSpec], None]) -> None:
    """Register the blog source: RSS, Atom and the WordPress REST API."""
    register(
        SourceSpec(
            name="feeds",
            description="Corporate blogs: RSS and Atom feeds and the WordPress REST API",
            impl="smm_feeds.source:FeedsSource",
            settings="smm_feeds.settings:FeedsSettings",
            options="smm_feeds.settings:FeedOptions",
            capabilities=("profile", "posts", "metrics"),
            networks=("blog", "rss", "wordpress"),
        )
    )
