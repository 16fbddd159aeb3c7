"""The plugin author kit: pytest fixtures, an HTTP replay transport and conformance tests.

The pytest plugin (:mod:`smmcore.testing.plugin`) loads automatically wherever smmcore is
installed and provides the ``smm_*`` fixtures. The names below are imported on first use, so
importing :mod:`smmcore.testing` costs nothing::

    from smmcore.testing import KPIContract, SourceContract, replay_transport
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smmcore.testing.contracts import (
        KeywordToolContract,
        KPIContract,
        PluginContract,
        ReporterContract,
        SegmenterContract,
        SourceContract,
        default_channels,
    )
    from smmcore.testing.helpers import (
        MINIMAL_SMM_TOML,
        fetch_all,
        make_host,
        make_workspace,
        open_store,
        sync_and_report,
        write_workspace,
    )
    from smmcore.testing.replay import ReplayTransport, UnexpectedRequest, replay_transport
    from smmcore.testing.reports import minimal_report, sample_report

_EXPORTS: dict[str, str] = {
    "PluginContract": "contracts",
    "SourceContract": "contracts",
    "KPIContract": "contracts",
    "SegmenterContract": "contracts",
    "KeywordToolContract": "contracts",
    "ReporterContract": "contracts",
    "default_channels": "contracts",
    "MINIMAL_SMM_TOML": "helpers",
    "fetch_all": "helpers",
    "local_http_server": "helpers",
    "make_host": "helpers",
    "make_workspace": "helpers",
    "open_store": "helpers",
    "sync_and_report": "helpers",
    "write_workspace": "helpers",
    "ReplayTransport": "replay",
    "UnexpectedRequest": "replay",
    "replay_transport": "replay",
    "minimal_report": "reports",
    "sample_report": "reports",
}

__all__ = [
    "MINIMAL_SMM_TOML",
    "KPIContract",
    "KeywordToolContract",
    "PluginContract",
    "ReplayTransport",
    "ReporterContract",
    "SegmenterContract",
    "SourceContract",
    "UnexpectedRequest",
    "default_channels",
    "fetch_all",
    "local_http_server",
    "make_host",
    "make_workspace",
    "minimal_report",
    "open_store",
    "replay_transport",
    "sample_report",
    "sync_and_report",
    "write_workspace",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'smmcore.testing' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"smmcore.testing.{module}"), name)
    globals()[name] = value
    return value
