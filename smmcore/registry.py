"""Registration records: what a plugin hands to a ``register`` callback.

A registration is cheap on purpose. It holds a name, a one-line description, declared
capabilities and *lazy references* (``"package.module:attribute"``) to the implementation and
to its settings model. Nothing behind a reference is imported until the registration is used,
so listing plugins or printing ``smm --help`` imports no plugin's heavy code.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

_NAME_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
_REF_RE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


class LazyReferenceError(ImportError):
    """A lazy ``module:attribute`` reference could not be imported or resolved."""


def resolve_reference(reference: str) -> Any:
    """Import ``"package.module:attr.sub"`` and return the object it names.

    Raises :class:`LazyReferenceError` with the reference and the cause when the module cannot
    be imported or the attribute does not exist.
    """
    module_name, _, attr_path = reference.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
    except Exception as exc:  # any import-time failure of plugin code
        raise LazyReferenceError(
            f"cannot import {module_name!r} (from {reference!r}): {type(exc).__name__}: {exc}"
        ) from exc
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError as exc:
            raise LazyReferenceError(f"{module_name!r} has no attribute {attr_path!r}") from exc
    return obj


@dataclass(frozen=True, kw_only=True)
class Registration:
    """Base of every registration record.

    :param name: unique name within its extension point: lowercase letters, digits, ``-``, ``_``.
    :param description: one line shown by ``smm plugins list`` and ``--help``.
    :param impl: lazy reference ``"module:attr"`` to the implementation.
    :param settings: optional lazy reference to a pydantic model of the settings this
        implementation reads from ``[plugins.<name>]`` in ``smm.toml``.
    :param capabilities: free-form capability tags (for example ``"posts"``, ``"audience"``).
    """

    kind: ClassVar[str] = "registration"

    name: str
    description: str
    impl: str
    settings: str | None = None
    capabilities: tuple[str, ...] = ()
    plugin: str = field(default="", compare=False)
    """Filled in by the plugin manager: the name of the plugin that registered this."""

    def problems(self) -> list[str]:
        """Return what is wrong with this registration (empty when it is valid)."""
        found: list[str] = []
        if not isinstance(self.name, str) or not _NAME_RE.match(self.name):
            found.append(f"invalid name {self.name!r}: use lowercase letters, digits, '-' or '_'")
        if not isinstance(self.description, str) or not self.description.strip():
            found.append(f"{self.kind} {self.name!r} has no description")
        elif "\n" in self.description.strip():
            found.append(f"{self.kind} {self.name!r}: the description must be one line")
        if not isinstance(self.impl, str) or not _REF_RE.match(self.impl):
            found.append(
                f"{self.kind} {self.name!r}: impl must be 'module:attribute', got {self.impl!r}"
            )
        if self.settings is not None and (
            not isinstance(self.settings, str) or not _REF_RE.match(self.settings)
        ):
            found.append(
                f"{self.kind} {self.name!r}: settings must be 'module:attribute', "
                f"got {self.settings!r}"
            )
        return found

    def load(self) -> Any:
        """Import and return the implementation behind :attr:`impl`."""
        return resolve_reference(self.impl)

    def load_settings_model(self) -> Any:
        """Import and return the settings model, or ``None`` when there is none."""
        return resolve_reference(self.settings) if self.settings else None

    def settings_table(self) -> str:
        """Where the settings go in ``smm.toml``, as ``smm plugins info`` names it."""
        return f"[plugins.{self.name}]"

    def summary(self) -> dict[str, Any]:
        """A JSON-ready description used by ``smm plugins list --json``."""
        return {
            "name": self.name,
            "description": self.description,
            "impl": self.impl,
            "settings": self.settings,
            "capabilities": list(self.capabilities),
        }


@dataclass(frozen=True)
class MetricSpec:
    """A post metric a source declares beyond the standard counters of ``post_metrics``.

    :param name: lowercase letters, digits and ``_`` (``avg_watch_seconds``); declarative
        KPIs use it as ``extra_<name>``.
    :param unit: ``"seconds"``, ``"%"``, ``"count"``, ...
    :param description: one line: what it measures and how the network computes it.
    """

    name: str
    unit: str
    description: str


STANDARD_METRICS = (
    "likes", "reposts", "replies", "quotes", "views", "impressions", "reach", "clicks", "saves",
)  # fmt: skip
"""The standard counters of ``post_metrics`` (an extra metric may not reuse their names)."""


@dataclass(frozen=True, kw_only=True)
class SourceSpec(Registration):
    """A data source: a social network, a blog feed, an analytics export.

    ``impl`` names a class implementing :class:`smmcore.contracts.Source`.
    ``networks`` lists the networks it serves; a channel in ``smm.toml`` with one of these
    networks (and no explicit ``source``) is synced through it.
    """

    kind: ClassVar[str] = "source"
    networks: tuple[str, ...] = ()
    options: str | None = None
    """Optional lazy reference to a pydantic model of a channel's ``options`` table: each
    channel's options are validated against it (unknown keys get a did-you-mean)."""
    metrics: tuple[MetricSpec, ...] = ()
    """Post metrics beyond the standard counters that this source stores as
    :class:`~smmcore.models.ExtraMetric` records (table ``post_metrics_extra``)."""

    def problems(self) -> list[str]:
        found = super().problems()
        for metric in self.metrics:
            if not isinstance(metric, MetricSpec):
                found.append(f"source {self.name!r}: metrics must be MetricSpec records")
            elif not re.match(r"^[a-z][a-z0-9_]*$", metric.name or ""):
                found.append(
                    f"source {self.name!r}: invalid metric name {metric.name!r}: use "
                    "lowercase letters, digits and '_'"
                )
            elif metric.name in STANDARD_METRICS:
                found.append(
                    f"source {self.name!r}: metric {metric.name!r} is a standard counter; "
                    "store it in PostMetrics"
                )
            elif not metric.unit or not (metric.description or "").strip():
                found.append(
                    f"source {self.name!r}: metric {metric.name!r} needs a unit and a description"
                )
        if self.options is not None and (
            not isinstance(self.options, str) or not _REF_RE.match(self.options)
        ):
            found.append(
                f"source {self.name!r}: options must be 'module:attribute', got {self.options!r}"
            )
        return found

    def summary(self) -> dict[str, Any]:
        return {
            **super().summary(),
            "networks": list(self.networks),
            "options": self.options,
            "metrics": [
                {"name": m.name, "unit": m.unit, "description": m.description} for m in self.metrics
            ],
        }


@dataclass(frozen=True, kw_only=True)
class KeywordToolSpec(Registration):
    """A keyword tool: interest over time, related queries, suggestions.

    ``impl`` names a class implementing :class:`smmcore.contracts.KeywordTool`.
    """

    kind: ClassVar[str] = "keyword_tool"


@dataclass(frozen=True, kw_only=True)
class SegmenterSpec(Registration):
    """An audience segmenter: rules, engagement tiers, communities, influencers.

    ``impl`` names a class implementing :class:`smmcore.contracts.Segmenter`.
    """

    kind: ClassVar[str] = "segmenter"


@dataclass(frozen=True, kw_only=True)
class KPISpec(Registration):
    """A KPI: a named, documented formula with unit and direction.

    The definition travels with the registration so ``smm kpis list`` needs no import.
    ``impl`` names an object implementing :class:`smmcore.contracts.KPI`.

    :param label: human label, for example ``"Engagement rate by followers"``.
    :param formula: the formula as text, shown next to every value.
    :param unit: ``"%"``, ``"count"``, ``"posts/week"``, ...
    :param higher_is_better: the direction; ``None`` when neither is better.
    :param aggregation: how per-post values combine, stated: ``"ratio of sums"``,
        ``"mean of ratios"``, ``"sum"``, ``"difference"``, ...
    :param translations: the texts in other languages than English, language code ->
        field (``label``, ``formula``, ``description``, ``aggregation``, ``unit``) -> text,
        for example ``{"it": {"label": "Tasso di apprezzamento", ...}}``; a report in a
        language or field missing here shows the English text.
    """

    kind: ClassVar[str] = "kpi"
    label: str = ""
    formula: str = ""
    unit: str = ""
    higher_is_better: bool | None = True
    aggregation: str = ""
    reads: tuple[str, ...] = ()
    """The store tables and views it reads (``"posts"``, ``"post_metrics_latest"``, ...),
    listed per table in the generated data reference."""
    translations: Mapping[str, Mapping[str, str]] = field(
        default_factory=dict, compare=False, hash=False
    )

    def problems(self) -> list[str]:
        found = super().problems()
        for attr in ("label", "formula", "unit", "aggregation"):
            if not getattr(self, attr):
                found.append(f"kpi {self.name!r} has no {attr}")
        return found

    def summary(self) -> dict[str, Any]:
        return {
            **super().summary(),
            "label": self.label,
            "formula": self.formula,
            "unit": self.unit,
            "higher_is_better": self.higher_is_better,
            "aggregation": self.aggregation,
        }


@dataclass(frozen=True, kw_only=True)
class ReporterSpec(Registration):
    """A report format: terminal, Markdown, HTML, JSON, CSV, ...

    ``impl`` names a class implementing :class:`smmcore.contracts.Reporter`.

    :param extension: the file extension of its output (``".html"``), empty for terminal output.
    :param media_type: the MIME type of its output.
    :param binary: ``True`` when ``render`` writes bytes (a PDF): it then receives a binary
        stream instead of a text one.
    """

    kind: ClassVar[str] = "reporter"
    extension: str = ""
    media_type: str = "text/plain"
    binary: bool = False

    def summary(self) -> dict[str, Any]:
        return {**super().summary(), "extension": self.extension, "media_type": self.media_type}


@dataclass(frozen=True, kw_only=True)
class CommandSpec(Registration):
    """An extra ``smm`` subcommand.

    ``impl`` names a :class:`click.Command` (or group) object, imported only when the command
    runs or its own ``--help`` is shown. ``description`` is the short help in ``smm --help``.
    """

    kind: ClassVar[str] = "command"


@dataclass(frozen=True, kw_only=True)
class ExportFormatSpec(Registration):
    """A native export format: a file a network's own analytics tool writes.

    ``impl`` names an :class:`smmcore.exports.ExportFormat` instance (a declaration, data
    only: how the file is recognised, its columns, numbers and dates).

    :param network: the network the format's rows belong to (``"instagram"``).
    :param fills: the canonical files it is read as (``"posts"``: posts and post metrics,
        ``"accounts"``: account snapshots, ``"daily"``: daily account-level metrics); empty
        when the store keeps none of its columns.
    :param languages: the languages whose headers it recognises (``"en"``, ``"it"``).
    """

    kind: ClassVar[str] = "export_format"
    network: str = ""
    fills: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    def problems(self) -> list[str]:
        found = super().problems()
        if not isinstance(self.network, str) or not _NAME_RE.match(self.network or ""):
            found.append(f"export format {self.name!r} needs a network (lowercase name)")
        unknown = [f for f in self.fills if f not in ("posts", "accounts", "daily")]
        if unknown:
            found.append(
                f"export format {self.name!r}: fills {', '.join(map(repr, unknown))}; "
                "use 'posts', 'accounts' or 'daily'"
            )
        return found

    def summary(self) -> dict[str, Any]:
        return {
            **super().summary(),
            "network": self.network,
            "fills": list(self.fills),
            "languages": list(self.languages),
        }


@dataclass(frozen=True, kw_only=True)
class ReportSectionSpec(Registration):
    """A report section: a titled block (text, a table, series) a plugin adds to every report.

    ``impl`` names a class implementing :class:`smmcore.contracts.ReportSectionBuilder`; the
    report builder calls it after the KPIs, and every reporter renders what it returns.
    """

    kind: ClassVar[str] = "report_section"


@dataclass(frozen=True, kw_only=True)
class KPIProviderSpec(Registration):
    """A KPI provider: KPIs that depend on the workspace, such as the declarative ``[kpis.*]``
    of ``smm.toml``.

    ``impl`` names a class implementing :class:`smmcore.contracts.KPIProvider`.
    """

    kind: ClassVar[str] = "kpi_provider"


@dataclass(frozen=True, kw_only=True)
class ChartSeriesSpec(Registration):
    """The data of one of the report's standard charts.

    ``name`` is the chart it fills: ``"followers"`` (followers per day or week, per channel)
    or ``"engagement"`` (engagements of the posts published each week, per channel). ``impl``
    names a class implementing :class:`smmcore.contracts.ChartSeriesBuilder`. The first
    registration of a name (in plugin order) draws that chart.
    """

    kind: ClassVar[str] = "chart_series"


@dataclass(frozen=True, kw_only=True)
class DemoSpec(Registration):
    """A demo workspace ``smm demo`` can write and report on, offline.

    ``impl`` names a callable ``write(folder: Path, *, end_date: date | None) -> None`` that
    writes ``smm.toml`` (its first line starting with ``# Demo workspace:``) and the data
    its channels sync from, without network.
    """

    kind: ClassVar[str] = "demo"


@dataclass(frozen=True, kw_only=True)
class StoreBackendSpec(Registration):
    """A store backend: where a workspace's history lives (``[store] backend = NAME``).

    ``impl`` names a callable ``(workspace, settings) -> StoreBackend`` (see
    :class:`smmcore.store.backends.StoreBackend`); ``settings`` names the pydantic model of
    the backend's other ``[store]`` keys. ``queue``, optional, names a callable
    ``(workspace, settings, host) -> queue`` whose queue ``smm sync --queue`` fills and
    ``smm sync --status`` shows (see :class:`smmcore.store.backends.SyncQueue`).
    """

    kind: ClassVar[str] = "store_backend"
    queue: str | None = None

    def problems(self) -> list[str]:
        found = super().problems()
        if self.queue is not None and (
            not isinstance(self.queue, str) or not _REF_RE.match(self.queue)
        ):
            found.append(
                f"{self.kind} {self.name!r}: queue must be 'module:attribute', got {self.queue!r}"
            )
        return found

    def settings_table(self) -> str:
        return f'[store] with backend = "{self.name}"'

    def summary(self) -> dict[str, Any]:
        return {**super().summary(), "queue": self.queue}


REGISTRATION_TYPES: dict[str, type[Registration]] = {
    "sources": SourceSpec,
    "keyword_tools": KeywordToolSpec,
    "segmenters": SegmenterSpec,
    "kpis": KPISpec,
    "reporters": ReporterSpec,
    "commands": CommandSpec,
    "export_formats": ExportFormatSpec,
    "report_sections": ReportSectionSpec,
    "kpi_providers": KPIProviderSpec,
    "chart_series": ChartSeriesSpec,
    "demos": DemoSpec,
    "store_backends": StoreBackendSpec,
}
"""Extension point name -> the registration type its ``register`` callback accepts."""


@dataclass(frozen=True, kw_only=True)
class DashboardPageSpec(Registration):
    """A page of the ``smm serve`` dashboard.

    ``impl`` names a callable ``render(page: DashboardContext) -> str`` (see
    :class:`smmcore.contracts.DashboardContext`): plain text is escaped, markup (an object
    with ``__html__``) is inserted as HTML.

    :param title: the page's link in the dashboard's navigation (short); the description is
        its tooltip.
    """

    kind: ClassVar[str] = "dashboard_page"
    title: str = ""

    def problems(self) -> list[str]:
        found = super().problems()
        if not isinstance(self.title, str) or not self.title.strip():
            found.append(f"dashboard page {self.name!r} has no title")
        elif "\n" in self.title.strip() or len(self.title) > 40:
            found.append(f"dashboard page {self.name!r}: the title must be one short line")
        return found

    def summary(self) -> dict[str, Any]:
        return {**super().summary(), "title": self.title}


REGISTRATION_TYPES["dashboard_pages"] = DashboardPageSpec
