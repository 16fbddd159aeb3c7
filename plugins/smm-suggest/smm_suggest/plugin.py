"""Entry point of the smm-suggest plugin: registrations only, nothing heavy is imported here."""

from __future__ import annotations

from collections.abc import Callable

from smmcore import KeywordToolSpec, hookimpl


@hookimpl
def smm_register_keyword_tools(register: Callable[[KeywordToolSpec], None]) -> None:
    """Register ``suggest`` (autocomplete, AnswerThePublic style) and ``own-terms`` (the
    terms and hashtags of the client's own posts, ranked by engagement)."""
    register(
        KeywordToolSpec(
            name="suggest",
            description="Autocomplete suggestions (Google, DuckDuckGo) expanded with questions, "
            "prepositions, comparisons and a-z.",
            impl="smm_suggest.tool:SuggestTool",
            settings="smm_suggest.settings:SuggestSettings",
            capabilities=("suggestions",),
        )
    )
    register(
        KeywordToolSpec(
            name="own-terms",
            description="Terms and hashtags of the client's own posts ranked by engagement "
            "per post (reads the store, no network).",
            impl="smm_suggest.own_terms:OwnTermsTool",
            settings="smm_suggest.settings:OwnTermsSettings",
            capabilities=("related",),
        )
    )
