"""The object every ``smm`` command receives as ``ctx.obj``: plugins and workspace, lazily."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from smmcore.plugins import PluginHost


class App:
    """Shared state of one ``smm`` invocation.

    :param workspace_dir: ``--workspace`` / ``SMM_WORKSPACE``, else the current folder.
    :param strict_plugins: ``--strict-plugins`` (``None`` defers to ``SMM_STRICT_PLUGINS``).
    """

    def __init__(
        self,
        workspace_dir: Path | None = None,
        *,
        strict_plugins: bool | None = None,
        debug: bool = False,
        host: PluginHost | None = None,
    ) -> None:
        env_dir = os.environ.get("SMM_WORKSPACE")
        self.workspace_dir = (workspace_dir or Path(env_dir or ".")).resolve()
        self.strict_plugins = strict_plugins
        self.debug = debug
        if host is not None:
            self.__dict__["host"] = host

    @cached_property
    def host(self) -> PluginHost:
        """The plugin manager, created on first use."""
        from smmcore.plugins import PluginHost

        return PluginHost(strict=self.strict_plugins)

    def workspace(self) -> Any:
        """The loaded workspace (``smm.toml`` validated), or a clear error."""
        from smmcore.workspace import load_workspace

        ws = load_workspace(self.workspace_dir)
        if not getattr(self, "_warned_secrets", False):
            self._warned_secrets = True
            for warning in ws.plain_secret_warnings():
                click.echo(f"Warning: {warning}", err=True)
        return ws

    def open(self) -> Any:
        """The workspace as the Python API's :class:`smmcore.api.Workspace`, with this
        invocation's plugins (plain-secret warnings printed once, as :meth:`workspace`)."""
        from smmcore.api import Workspace

        return Workspace(self.workspace(), host=self.host)

    def settings(self, point: str, name: str) -> Any:
        """The validated ``[plugins.<name>]`` of the registration ``name`` of extension point
        ``point`` (``"commands"``, ``"sources"``, ...): how a plugin command reads its
        settings. ``None`` when the registration declares no settings model."""
        return self.host.settings_for(self.host.get(point, name), self.workspace())


def get_app(ctx: click.Context | None = None) -> App:
    """The :class:`App` of the current invocation (a default one outside ``smm``)."""
    ctx = ctx or click.get_current_context(silent=True)
    if ctx is not None:
        app = ctx.find_object(App)
        if app is not None:
            return app
        ctx.obj = App()
        return ctx.obj
    return App()


pass_app = click.make_pass_decorator(App, ensure=True)
"""Decorator passing the :class:`App` as the first argument of a command."""
