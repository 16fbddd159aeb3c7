"""Entry point of the smm-kpis plugin: registrations only, nothing heavy is imported here."""

from __future__ import annotations

from collections.abc import Callable

from smm_kpis.definitions import BUILTINS, REGISTRATION_FIELDS
from smm_kpis.translations import TRANSLATIONS
from smmcore import KPISpec, hookimpl


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
                **fields,
            )
        )
