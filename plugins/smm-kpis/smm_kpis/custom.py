"""Declarative KPIs written by the user in ``smm.toml``.

Example::

    [kpis.saves_rate]
    label = "Saves per 1000 views"
    numerator = "saves"
    denominator = "views"
    aggregation = "ratio_of_sums"     # ratio_of_sums | mean_of_ratios | sum | mean
    scale = 1000
    unit = "saves/1000 views"

``numerator`` and ``denominator`` may use the per-post columns of
:data:`smm_kpis.expr.COLUMNS`, numbers, ``+ - * /`` and parentheses; anything else is
rejected with the key and the reason.
"""

from __future__ import annotations

import re
from typing import Any

from smm_kpis.declarative import AGGREGATION_TEXT, DeclarativeKPI, build_definition
from smm_kpis.definitions import BUILTINS
from smm_kpis.expr import ExpressionError
from smmcore.contracts import KPIProvider
from smmcore.errors import ConfigError
from smmcore.registry import KPISpec

_NAME_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
_HINT = (
    "expressions may use numbers, + - * / ( ) and these columns: likes, reposts, replies, "
    "quotes, views, impressions, reach, clicks, saves, followers, posts, engagements, "
    "views_or_impressions (see 'smm kpis show NAME' for a built-in example)"
)


def _formula(cfg: Any, lang: str = "en") -> str:
    scale = "" if cfg.scale == 1 else f" x {cfg.scale:g}"
    mean = "media sui post di" if lang == "it" else "mean over posts of"
    if cfg.aggregation == "ratio_of_sums":
        return f"Σ ({cfg.numerator}) / Σ ({cfg.denominator}){scale}"
    if cfg.aggregation == "mean_of_ratios":
        return f"{mean} ({cfg.numerator}) / ({cfg.denominator}){scale}"
    if cfg.aggregation == "sum":
        return f"Σ ({cfg.numerator}){scale}"
    return f"{mean} ({cfg.numerator}){scale}"


AGGREGATION_TEXT_IT = {
    "ratio_of_sums": "rapporto di somme: Σ numeratore / Σ denominatore sui post in cui "
    "entrambi sono noti",
    "mean_of_ratios": "media dei rapporti: la media di numeratore / denominatore per post, sui "
    "post in cui entrambi sono noti e il denominatore non è 0",
    "sum": "somma sui post del periodo",
    "mean": "media sui post in cui il valore è noto",
}
"""The aggregations in Italian (the label and description are the user's own words)."""


def custom_kpis(workspace_config: Any) -> list[tuple[KPISpec, DeclarativeKPI]]:
    """The ``[kpis.<name>]`` definitions of a workspace as ``(KPISpec, KPI)`` pairs.

    :param workspace_config: a :class:`smmcore.config.WorkspaceConfig` (or anything with a
        ``kpis`` mapping of :class:`smmcore.config.CustomKPIConfig`).
    :raises ConfigError: one problem per invalid KPI, with its key path.
    """
    builtin_names = {entry["name"] for entry in BUILTINS}
    found: list[tuple[KPISpec, DeclarativeKPI]] = []
    problems: list[str] = []
    for name, cfg in (getattr(workspace_config, "kpis", None) or {}).items():
        where = f"kpis.{name}"
        if not _NAME_RE.match(name):
            problems.append(f"{where}: invalid name; use lowercase letters, digits, '-' or '_'")
            continue
        if name in builtin_names:
            problems.append(f"{where}: {name!r} is a built-in KPI; choose another name")
            continue
        try:
            definition = build_definition(
                cfg.numerator, cfg.denominator, cfg.aggregation, scale=cfg.scale
            )
        except ExpressionError as exc:
            problems.append(f"{where}: {exc}")
            continue
        spec = KPISpec(
            name=name,
            description=" ".join(cfg.description.split()) or f"{cfg.label} (defined in smm.toml)",
            impl="smm_kpis.custom:custom_kpis",
            label=cfg.label,
            formula=_formula(cfg) + "; own posts of the period, reposts excluded",
            unit=cfg.unit or "value",
            higher_is_better=cfg.higher_is_better,
            aggregation=AGGREGATION_TEXT[cfg.aggregation],
            plugin="smm.toml",
            translations={
                "it": {
                    "formula": _formula(cfg, "it")
                    + "; propri post del periodo, condivisioni escluse",
                    "aggregation": AGGREGATION_TEXT_IT[cfg.aggregation],
                }
            },
        )
        found.append((spec, DeclarativeKPI(name, definition)))
    if problems:
        raise ConfigError("invalid KPI definitions in smm.toml", problems=problems, hint=_HINT)
    return found


class DeclarativeKPIs(KPIProvider):
    """The KPI provider of smm-kpis: the ``[kpis.<name>]`` tables of ``smm.toml``."""

    def kpis(self, config: Any) -> list[tuple[KPISpec, DeclarativeKPI]]:
        return custom_kpis(config)
