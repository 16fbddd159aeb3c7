"""Entry point of the smm-wikipedia plugin: registrations only, nothing heavy is imported here."""

from __future__ import annotations

from collections.abc import Callable

from smmcore import KeywordToolSpec, hookimpl


@hookimpl
def smm_register_keyword_tools(register: Callable[[KeywordToolSpec], None]) -> None:
    """Register Wikimedia pageviews as the ``wikipedia`` keyword tool."""
    register(
        KeywordToolSpec(
            name="wikipedia",
            description="Wikipedia pageviews: absolute daily views of the article behind a "
            "term, in any language edition.",
            impl="smm_wikipedia.tool:WikipediaTool",
            settings="smm_wikipedia.settings:WikipediaSettings",
            capabilities=("interest",),
        )
    )
