"""The extension points of smmcore.

Every hook receives a ``register`` callback, in the style of llm and datasette: a plugin calls
``register(spec)`` once per thing it provides. The core validates each registration (type,
name, duplicates), credits it to the plugin and keeps going when one plugin misbehaves.

Hooks are called lazily, at most once per process, the first time the core needs that kind of
registration. They must be cheap: build registration records from strings and import nothing
heavy. Implementations are imported later, through the records' lazy references.

An implementation may accept fewer arguments than its specification lists (pluggy matches by
name), so adding an argument to a hook later does not break existing plugins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from smmcore import hookspec

if TYPE_CHECKING:
    from smmcore.registry import (
        ChartSeriesSpec,
        CommandSpec,
        DashboardPageSpec,
        DemoSpec,
        ExportFormatSpec,
        KeywordToolSpec,
        KPIProviderSpec,
        KPISpec,
        ReporterSpec,
        ReportSectionSpec,
        SegmenterSpec,
        SourceSpec,
        StoreBackendSpec,
    )


@hookspec
def smm_register_sources(register: Callable[[SourceSpec], None]) -> None:
    """Register data sources: social networks, blog feeds, analytics exports.

    Called the first time the core needs sources (``smm sync``, ``smm plugins list``).

    :param register: call ``register(SourceSpec(...))`` once per source. The record's ``impl``
        references a class implementing :class:`smmcore.contracts.Source`; ``networks`` lists
        the networks it serves and ``settings`` optionally references a pydantic model read from
        ``[plugins.<name>]`` in ``smm.toml``.

    A source turns one sync unit (usually one account) into records (accounts, snapshots,
    posts, post metrics, audience members, interactions) and a cursor for the next sync.

    .. versionadded:: 0.1.0
    """


@hookspec
def smm_register_keyword_tools(register: Callable[[KeywordToolSpec], None]) -> None:
    """Register keyword tools: interest over time, related queries, suggestions.

    Called the first time the core needs keyword tools (``smm keywords``, ``smm sync``).

    :param register: call ``register(KeywordToolSpec(...))`` once per tool. The record's
        ``impl`` references a class implementing :class:`smmcore.contracts.KeywordTool`;
        ``capabilities`` lists what it answers (``"interest"``, ``"related"``,
        ``"suggestions"``, ``"regions"``).

    .. versionadded:: 0.1.0
    """


@hookspec
def smm_register_segmenters(register: Callable[[SegmenterSpec], None]) -> None:
    """Register audience segmenters: rule segments, engagement tiers, communities, influencers.

    Called the first time the core needs segmenters (``smm audience``, ``smm report``).

    :param register: call ``register(SegmenterSpec(...))`` once per segmenter. The record's
        ``impl`` references a class implementing :class:`smmcore.contracts.Segmenter`.

    .. versionadded:: 0.1.0
    """


@hookspec
def smm_register_kpis(register: Callable[[KPISpec], None]) -> None:
    """Register KPIs: named, documented formulas with a unit and a direction.

    Called the first time the core needs KPIs (``smm kpis``, ``smm report``).

    :param register: call ``register(KPISpec(...))`` once per KPI. The record carries the
        definition shown to users (``label``, ``formula``, ``unit``, ``higher_is_better``,
        ``aggregation``); its ``impl`` references an object implementing
        :class:`smmcore.contracts.KPI` that computes values inside the store.

    .. versionadded:: 0.1.0
    """


@hookspec
def smm_register_reporters(register: Callable[[ReporterSpec], None]) -> None:
    """Register report formats: terminal, Markdown, HTML, JSON, CSV, ...

    Called the first time the core needs reporters (``smm report``, ``smm demo``).

    :param register: call ``register(ReporterSpec(...))`` once per format. The record's
        ``impl`` references a class implementing :class:`smmcore.contracts.Reporter`, which
        renders a :class:`smmcore.report_model.Report`.

    .. versionadded:: 0.1.0
    """


@hookspec
def smm_register_commands(register: Callable[[CommandSpec], None]) -> None:
    """Register extra ``smm`` subcommands.

    Called when the ``smm`` command line starts, so it must stay cheap.

    :param register: call ``register(CommandSpec(...))`` once per command. The record's
        ``impl`` references a :class:`click.Command`, imported only when the command runs or
        its own help is shown; ``description`` is the line shown by ``smm --help``. A command
        whose plugin failed still appears, marked broken, and running it says why.

    .. versionadded:: 0.1.0
    """


@hookspec
def smm_register_export_formats(register: Callable[[ExportFormatSpec], None]) -> None:
    """Register native export formats: files a network's own analytics tool writes.

    Called the first time the core needs export formats (``smm files formats``, and when an
    export folder is read by a source that recognises native files).

    :param register: call ``register(ExportFormatSpec(...))`` once per format. The record's
        ``impl`` references an :class:`smmcore.exports.ExportFormat`: a declaration, in data
        only, of how to recognise the file (header names per language, sheets, title rows,
        encoding), which network it belongs to, which canonical columns it fills and how its
        numbers and dates are written. ``network`` repeats the format's network so listing
        formats imports nothing.

    A source that reads export folders (``smm-files``) recognises each file by its headers
    and reads it with the matching format, so the user needs no column mapping.

    .. versionadded:: 0.2.0
    """


@hookspec
def smm_register_report_sections(register: Callable[[ReportSectionSpec], None]) -> None:
    """Register report sections: titled blocks (text, a table, series) added to every report.

    Called the first time the core builds a report (``smm report``, ``smm demo``).

    :param register: call ``register(ReportSectionSpec(...))`` once per section. The record's
        ``impl`` references a class implementing :class:`smmcore.contracts.ReportSectionBuilder`,
        instantiated with its settings (``[plugins.<name>]``); its ``build(ctx)`` returns a
        :class:`smmcore.report_model.ReportSection` (or ``None`` when it has nothing to say).
        Every reporter renders the sections after the KPIs; a section that fails becomes a
        note (an error in strict mode).

    .. versionadded:: 0.2.0
    """


@hookspec
def smm_register_dashboard_pages(register: Callable[[DashboardPageSpec], None]) -> None:
    """Register pages of the ``smm serve`` dashboard.

    Called the first time the dashboard starts (``smm serve``) or ``smm plugins list`` runs.

    :param register: call ``register(DashboardPageSpec(...))`` once per page. The record's
        ``impl`` references a callable ``render(page: DashboardContext) -> str`` (see
        :class:`smmcore.contracts.DashboardContext`); ``title`` is its link in the dashboard's
        navigation. The page is served at ``/w/<workspace>/page/<name>`` with the period,
        comparison and language the user picked.

    What ``render`` returns is escaped as text, unless it is markup (an object with
    ``__html__``, such as :class:`markupsafe.Markup` or a Jinja2 template rendered with
    autoescaping): then it is inserted as HTML, and escaping every network text in it is the
    plugin's job. Scripts, inline styles and anything loaded from another site are blocked by
    the dashboard's Content-Security-Policy. Pages are read-only: the context offers the
    report and a read-only store, nothing to write with.

    .. versionadded:: 0.2.0
    """


@hookspec
def smm_register_kpi_providers(register: Callable[[KPIProviderSpec], None]) -> None:
    """Register KPI providers: KPIs that depend on the workspace (the declarative ``[kpis.*]``
    of ``smm.toml`` are one).

    Called the first time the core needs KPIs of a workspace (``smm report``, ``smm kpis``).

    :param register: call ``register(KPIProviderSpec(...))`` once per provider. The record's
        ``impl`` references a class implementing :class:`smmcore.contracts.KPIProvider`, whose
        ``kpis(config)`` returns ``(KPISpec, KPI)`` pairs for a
        :class:`smmcore.config.WorkspaceConfig` and raises
        :class:`smmcore.errors.ConfigError` for invalid definitions. A name already used by a
        registered KPI is ignored with a note.

    .. versionadded:: 0.2.0
    """


@hookspec
def smm_register_chart_series(register: Callable[[ChartSeriesSpec], None]) -> None:
    """Register the data of the report's standard charts (``followers``, ``engagement``).

    Called the first time the core builds a report.

    :param register: call ``register(ChartSeriesSpec(...))`` with ``name="followers"`` or
        ``name="engagement"``. The record's
        ``impl`` references a class implementing :class:`smmcore.contracts.ChartSeriesBuilder`
        whose ``series(ctx)`` returns one :class:`smmcore.report_model.Series` per channel
        over ``ctx.window``. The first registration of a name in plugin order is used.

    .. versionadded:: 0.2.0
    """


@hookspec
def smm_register_demos(register: Callable[[DemoSpec], None]) -> None:
    """Register demo workspaces for ``smm demo``.

    Called when ``smm demo`` runs.

    :param register: call ``register(DemoSpec(...))``. The record's ``impl`` references a
        callable ``write(folder, *, end_date)`` writing a demo ``smm.toml`` and the data its
        channels sync from, offline. ``smm demo`` uses the first registered demo (or the one
        named with ``--name``).

    .. versionadded:: 0.2.0
    """


@hookspec
def smm_register_store_backends(register: Callable[[StoreBackendSpec], None]) -> None:
    """Register store backends: where a workspace's history lives.

    Called when a workspace whose ``[store] backend`` is not ``duckdb`` opens its store, so
    it must stay cheap.

    A workspace picks one with ``[store] backend = "NAME"`` in ``smm.toml`` (``duckdb``, one
    file per workspace, is built in). The same KPIs, segmenters and reports run on every
    backend: a backend only connects DuckDB to the data and says how an upsert is written.

    :param register: call ``register(StoreBackendSpec(...))`` once per backend. The record's
        ``impl`` references a callable ``(workspace, settings) -> StoreBackend`` (a subclass
        of :class:`smmcore.store.backends.StoreBackend`); ``settings`` a pydantic model of the
        other ``[store]`` keys (``${ENV_VAR}`` references are expanded first); ``queue``,
        optional, a callable ``(workspace, settings, host)`` returning the queue behind
        ``smm sync --queue`` and ``smm sync --status``.

    .. versionadded:: 0.2.0
    """
