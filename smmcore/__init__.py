"""smmcore: a plugin-based framework for social media managers.

The package root stays cheap to import: it exposes the pluggy markers and the registration
records plugins hand to the ``register`` callbacks. Models, contracts, the store and the CLI
live in their own modules and are imported where they are used.
"""

from __future__ import annotations

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

__all__ = [
    "PROJECT_NAME",
    "ChartSeriesSpec",
    "CommandSpec",
    "DemoSpec",
    "ExportFormatSpec",
    "KPIProviderSpec",
    "KPISpec",
    "KeywordToolSpec",
    "MetricSpec",
    "ReportSectionSpec",
    "ReporterSpec",
    "SegmenterSpec",
    "SourceSpec",
    "StoreBackendSpec",
    "__version__",
    "hookimpl",
    "hookspec",
]
