"""Entry point of the smm-kpis plugin: registrations only, nothing heavy is imported here."""

from __future__ import annotations

from collections.abc import Callable

from smm_kpis.definitions import BUILTINS, READS, REGISTRATION_FIELDS
from smm_kpis.translations import TRANSLATIONS
from smmcore import ChartSeriesSpec, KPIProviderSpec, KPISpec, hookimpl


@hookimpl
def smm_register_kpis(register: Callable[[KPISpec], None]) -> None:
    """Register every built-in KPI; each ``impl`` is a ready KPI object in
    :mod:`smm_kpis.builtin` (``spec.load().compute(ctx)``)."""
    for entry in BUILTINS:
        fields = {key: entry[key] for key in REGISTRATION_FIELDS}
        register(
            KPISpec(
                impl=f"smm_kpis.builtin:{entry['name']}",
                translations=TRANSLATIONS.get(entry["name"], {}),
                reads=READS.get(entry["name"], ()),
                **fields,
            )
        )


@hookimpl
def smm_register_kpi_providers(register: Callable[[KPIProviderSpec], None]) -> None:
    """The declarative KPIs written in ``smm.toml`` (``[kpis.<name>]``)."""
    register(
        KPIProviderSpec(
            name="declarative",
            description="Declarative KPIs from [kpis.<name>] in smm.toml: numerator, "
            "denominator, aggregation.",
            impl="smm_kpis.custom:DeclarativeKPIs",
        )
    )


@hookimpl
def smm_register_chart_series(register: Callable[[ChartSeriesSpec], None]) -> None:
    """The data of the report's followers and engagement charts."""
    register(
        ChartSeriesSpec(
            name="followers",
            description="Followers per channel at the end of each day or week.",
            impl="smm_kpis.charts:FollowersSeries",
        )
    )
    register(
        ChartSeriesSpec(
            name="engagement",
            description="Engagements of the own posts published each week, per channel.",
            impl="smm_kpis.charts:EngagementSeries",
        )
    )
