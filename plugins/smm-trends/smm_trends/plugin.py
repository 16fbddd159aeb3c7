"""Entry point of the smm-trends plugin: registrations only, nothing heavy is imported here."""

from __future__ import annotations

from collections.abc import Callable

from smmcore import KeywordToolSpec, hookimpl


@hookimpl
def smm_register_keyword_tools(register: Callable[[KeywordToolSpec], None]) -> None:
    """Register Google Trends (through pytrends) as the ``trends`` keyword tool."""
    register(
        KeywordToolSpec(
            name="trends",
            description="Google Trends: relative interest over time and by region, "
            "related queries (top and rising).",
            impl="smm_trends.tool:TrendsTool",
            settings="smm_trends.settings:TrendsSettings",
            capabilities=("interest", "regions", "related"),
        )
    )
