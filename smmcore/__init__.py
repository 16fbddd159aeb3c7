"""smmcore: a plugin-based framework for social media managers.

The package root stays cheap to import: it exposes the pluggy markers and the registration
records plugins hand to the ``register`` callbacks, and the Python API (``smmcore.open``,
``smmcore.Workspace``, the errors and the sync events), each imported on first use. Models,
contracts, the store and the CLI live in their own modules and are imported where they are
used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

from smmcore.registry import (
    ChartSeriesSpec,
    CommandSpec,
    DemoSpec,
    ExportFormatSpec,
    KeywordToolSpec,
    KPIProviderSpec,
    KPISpec,
    MetricSpec,
    ReporterSpec,
    ReportSectionSpec,
    SegmenterSpec,
    SourceSpec,
    StoreBackendSpec,
)

__version__ = "0.1.0"

PROJECT_NAME = "smmcore"
"""The pluggy project name and the entry-point group plugins register under."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
"""Marks a hook specification (used by :mod:`smmcore.hookspecs`)."""

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""Marks a hook implementation in a plugin module: ``from smmcore import hookimpl``."""

_LAZY: dict[str, str] = {
    # the Python API (docs/python-api.md)
    "open": "smmcore.api:open",
    "init": "smmcore.api:init",
    "demo": "smmcore.api:demo",
    "Workspace": "smmcore.api:Workspace",
    "StoreTools": "smmcore.api:StoreTools",
    "KPICatalog": "smmcore.api:KPICatalog",
    "KPIInfo": "smmcore.api:KPIInfo",
    "MetricInfo": "smmcore.api:MetricInfo",
    "ReportTimings": "smmcore.api:ReportTimings",
    "DateCheck": "smmcore.api:DateCheck",
    "StoreMigration": "smmcore.api:StoreMigration",
    "SmmWarning": "smmcore.api:SmmWarning",
    "Report": "smmcore.report_model:Report",
    "SeriesTable": "smmcore.frames:SeriesTable",
    "SyncResult": "smmcore.sync:SyncResult",
    "UnitResult": "smmcore.sync:UnitResult",
    "SyncInterrupted": "smmcore.sync:SyncInterrupted",
    # ws.keywords, ws.audience and smmcore.plugins (smm keywords / audience / plugins)
    "KeywordResearch": "smmcore.keyword_research:KeywordResearch",
    "KeywordResult": "smmcore.keywords:KeywordResult",
    "KeywordReport": "smmcore.keyword_research:KeywordReport",
    "Audience": "smmcore.audience:Audience",
    "SegmentationResult": "smmcore.audience:SegmentationResult",
    "MemberTable": "smmcore.audience:MemberTable",
    "RenewalTable": "smmcore.audience:RenewalTable",
    "PluginRecord": "smmcore.plugins:PluginRecord",
    "PluginInfo": "smmcore.plugin_manager:PluginInfo",
    # progress events of a sync
    "SyncEvent": "smmcore.events:SyncEvent",
    "ProgressCallback": "smmcore.events:ProgressCallback",
    "SyncStarted": "smmcore.events:SyncStarted",
    "UnitStarted": "smmcore.events:UnitStarted",
    "UnitRecords": "smmcore.events:UnitRecords",
    "UnitWaiting": "smmcore.events:UnitWaiting",
    "UnitFinished": "smmcore.events:UnitFinished",
    "LogLine": "smmcore.events:LogLine",
    "SyncFinished": "smmcore.events:SyncFinished",
    # errors (smmcore.errors documents the hierarchy)
    "SmmError": "smmcore.errors:SmmError",
    "ConfigError": "smmcore.errors:ConfigError",
    "StoreError": "smmcore.errors:StoreError",
    "PluginError": "smmcore.errors:PluginError",
    "NotFoundError": "smmcore.errors:NotFoundError",
    "MissingExtraError": "smmcore.errors:MissingExtraError",
    "EnvironmentFault": "smmcore.errors:EnvironmentFault",
    "InvalidArgument": "smmcore.errors:InvalidArgument",
    "KeywordToolError": "smmcore.errors:KeywordToolError",
}
"""Public names imported on first use (``smmcore.open`` imports :mod:`smmcore.api`)."""

if TYPE_CHECKING:
    from smmcore.api import (
        DateCheck,
        KPICatalog,
        KPIInfo,
        MetricInfo,
        ReportTimings,
        SmmWarning,
        StoreMigration,
        StoreTools,
        Workspace,
        demo,
        init,
    )
    from smmcore.api import (
        open as open,
    )
    from smmcore.audience import Audience, MemberTable, RenewalTable, SegmentationResult
    from smmcore.errors import (
        ConfigError,
        EnvironmentFault,
        InvalidArgument,
        KeywordToolError,
        MissingExtraError,
        NotFoundError,
        PluginError,
        SmmError,
        StoreError,
    )
    from smmcore.events import (
        LogLine,
        ProgressCallback,
        SyncEvent,
        SyncFinished,
        SyncStarted,
        UnitFinished,
        UnitRecords,
        UnitStarted,
        UnitWaiting,
    )
    from smmcore.frames import SeriesTable
    from smmcore.keyword_research import KeywordReport, KeywordResearch
    from smmcore.keywords import KeywordResult
    from smmcore.plugin_manager import PluginInfo
    from smmcore.plugins import PluginRecord
    from smmcore.report_model import Report
    from smmcore.sync import SyncInterrupted, SyncResult, UnitResult


_SUBMODULES = frozenset({"plugins"})
"""Submodules that are part of the API: ``smmcore.plugins.list()`` works after ``import
smmcore`` alone."""


def __getattr__(name: str) -> Any:
    reference = _LAZY.get(name)
    if reference is None and name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"smmcore.{name}")
    if reference is None:
        raise AttributeError(f"module 'smmcore' has no attribute {name!r}")
    import importlib

    module, _, attr = reference.partition(":")
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


# ``open`` is left out on purpose: ``from smmcore import *`` must not shadow the builtin.
__all__ = [
    "PROJECT_NAME",
    "Audience",
    "ChartSeriesSpec",
    "CommandSpec",
    "ConfigError",
    "DateCheck",
    "DemoSpec",
    "EnvironmentFault",
    "ExportFormatSpec",
    "InvalidArgument",
    "KPICatalog",
    "KPIInfo",
    "KPIProviderSpec",
    "KPISpec",
    "KeywordReport",
    "KeywordResearch",
    "KeywordResult",
    "KeywordToolError",
    "KeywordToolSpec",
    "LogLine",
    "MemberTable",
    "MetricInfo",
    "MetricSpec",
    "MissingExtraError",
    "NotFoundError",
    "PluginError",
    "PluginInfo",
    "PluginRecord",
    "ProgressCallback",
    "RenewalTable",
    "Report",
    "ReportSectionSpec",
    "ReportTimings",
    "ReporterSpec",
    "SegmentationResult",
    "SegmenterSpec",
    "SeriesTable",
    "SmmError",
    "SmmWarning",
    "SourceSpec",
    "StoreBackendSpec",
    "StoreError",
    "StoreMigration",
    "StoreTools",
    "SyncEvent",
    "SyncFinished",
    "SyncInterrupted",
    "SyncResult",
    "SyncStarted",
    "UnitFinished",
    "UnitRecords",
    "UnitResult",
    "UnitStarted",
    "UnitWaiting",
    "Workspace",
    "__version__",
    "demo",
    "hookimpl",
    "hookspec",
    "init",
]
