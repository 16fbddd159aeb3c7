"""Entry point of smm-example-plugin: registrations only.

smm imports this module every time it starts (for ``smm --help`` too), so it must stay cheap:
it builds registration records from strings and imports nothing heavy. Each record names its
implementation with a lazy ``"module:attribute"`` reference, imported only when it is used.
"""

from __future__ import annotations

from collections.abc import Callable

from smmcore import KPISpec, SourceSpec, hookimpl


@hookimpl
def smm_register_sources(register: Callable[[SourceSpec], None]) -> None:
    register(
        SourceSpec(
            name="followers-file",
            description="Follower counts over time from a local JSON file.",
            impl="smm_example_plugin.source:FollowersFileSource",
            settings="smm_example_plugin.source:FollowersFileSettings",
            options="smm_example_plugin.source:FollowersFileOptions",
            capabilities=("accounts", "followers"),
        )
    )


@hookimpl
def smm_register_kpis(register: Callable[[KPISpec], None]) -> None:
    register(
        KPISpec(
            name="saves_rate",
            description="Saves per 100 views of the own posts published in the period.",
            impl="smm_example_plugin.kpis:SavesRate",
            label="Saves per 100 views",
            formula="100 x sum(saves) / sum(views), over own posts with both counts known",
            unit="saves/100 views",
            higher_is_better=True,
            aggregation="ratio of sums",
            # what an Italian report shows instead of the English texts above
            translations={
                "it": {
                    "label": "Salvataggi ogni 100 visualizzazioni",
                    "description": "Salvataggi ogni 100 visualizzazioni dei propri post "
                    "pubblicati nel periodo.",
                    "formula": "100 x somma(salvataggi) / somma(visualizzazioni), sui propri "
                    "post con entrambi i conteggi noti",
                    "unit": "salvataggi/100 visualizzazioni",
                    "aggregation": "rapporto di somme",
                }
            },
        )
    )
