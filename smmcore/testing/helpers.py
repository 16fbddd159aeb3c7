"""Plain helpers behind the fixtures: a fresh plugin host, a temporary workspace and store.

Usable without pytest fixtures too (in a script, or in a fixture of your own).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

MINIMAL_SMM_TOML = """\
# A minimal workspace for tests (written by smmcore.testing).
[client]
name = "Test Client"
segment = "testing"
language = "en"
timezone = "UTC"
"""
"""The ``smm.toml`` of :func:`make_workspace` when no text is given: only the required
``[client]`` table."""

PluginArg = ModuleType | tuple[str, Any]


def _plugin_pairs(plugins: Iterable[PluginArg]) -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = []
    for item in plugins:
        if isinstance(item, tuple):
            name, obj = item
            pairs.append((str(name), obj))
        else:
            pairs.append((getattr(item, "__name__", type(item).__name__), item))
    return pairs


def make_host(
    *plugins: PluginArg, strict: bool = True, env: Mapping[str, str] | None = None
) -> Any:
    """A fresh :class:`~smmcore.plugins.PluginHost` holding only ``plugins``.

    :param plugins: plugin modules (or any object with ``@hookimpl`` functions), or
        ``(name, module)`` pairs to give each the name its entry point would have.
    :param strict: raise :class:`~smmcore.errors.PluginError` on the first plugin problem
        (what a plugin author wants); pass ``False`` to collect problems in ``host.problems()``.
    :param env: the ``SMM_*_PLUGINS`` variables to honour; by default none, so the developer's
        own environment cannot change a test.
    """
    from smmcore.plugins import PluginHost

    return PluginHost(
        plugins=_plugin_pairs(plugins), discover=False, strict=strict, env=dict(env or {})
    )


def write_workspace(folder: Path, toml_text: str | None = None) -> Path:
    """Create ``folder`` with an ``smm.toml`` (``MINIMAL_SMM_TOML`` by default); return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "smm.toml").write_text(toml_text or MINIMAL_SMM_TOML, encoding="utf-8")
    return folder


def make_workspace(folder: Path, toml_text: str | None = None) -> Any:
    """Write a workspace into ``folder`` and load it with
    :func:`smmcore.workspace.load_workspace` (which validates ``smm.toml``)."""
    from smmcore.workspace import load_workspace

    return load_workspace(write_workspace(folder, toml_text))


def open_store(path: Path) -> Any:
    """Open (creating it) a history store at ``path``: :meth:`smmcore.store.Store.open`."""
    from smmcore.store import Store

    return Store.open(path, read_only=False)


def fetch_all(source: Any, unit: Any, ctx: Any, transport: Any = None) -> list[Any]:
    """Run ``source.fetch(unit, ctx)`` to the end and return everything it yields.

    With ``transport`` (an ``httpx`` transport: :func:`~smmcore.testing.replay_transport`,
    ``httpx.MockTransport``), ``ctx.http`` is an ``httpx.AsyncClient`` over it for the run,
    following redirects as the pipeline's client does.
    """
    import asyncio
    import dataclasses

    async def collect() -> list[Any]:
        if transport is None:
            return [item async for item in source.fetch(unit, ctx)]
        import httpx

        async with httpx.AsyncClient(transport=transport, follow_redirects=True) as client:
            context = dataclasses.replace(ctx, http=client)
            return [item async for item in source.fetch(unit, context)]

    return asyncio.run(collect())


def sync_and_report(
    folder: Path,
    toml_text: str,
    *plugins: PluginArg,
    installed: bool = False,
    period: str | None = None,
    now: Any = None,
    strict: bool = True,
) -> tuple[Any, Any]:
    """Write a workspace into ``folder``, sync it and build its report, in process.

    :param plugins: the plugins under test (modules or ``(name, module)`` pairs).
    :param installed: also load the installed plugins (the KPIs and report formats of
        smm-kpis and smm-reports, for example); by default only ``plugins``.
    :param period: the report period (``"30d"``, ``"2026-03"``; default ``[report] period``).
    :param now: the report's generation time (fixes ``30d`` to a day).
    :returns: ``(sync report, report)``: a :class:`~smmcore.sync.SyncReport` and a
        :class:`~smmcore.report_model.Report`; render the latter with any reporter.
    """
    from smmcore.plugins import PluginHost
    from smmcore.report import build_report
    from smmcore.sync import run_sync

    workspace = make_workspace(folder, toml_text)
    host = PluginHost(_plugin_pairs(plugins), discover=installed, strict=strict, env={})
    synced = run_sync(workspace, host)
    return synced, build_report(workspace, host, period, now=now)


@contextmanager
def local_http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on 127.0.0.1 (a free port) in a background thread.

    Yields the base URL ``http://127.0.0.1:PORT``; the server stops when the block ends. Tests
    that need a real socket (a subprocess ``smm sync``, the HTTP layer's own timing) use this
    instead of a replay transport.
    """
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
