"""Managing plugins from Python: list, inspect, install, uninstall and create them.

The functions behind ``smm plugins``; from Python they read as ``smmcore.plugins.list()``,
``smmcore.plugins.info("kpis")``, ``smmcore.plugins.install(["smm-trends"])``,
``smmcore.plugins.uninstall([...])`` and ``smmcore.plugins.new("bookings")`` (the
:mod:`smmcore.plugins` module hands them out under those names).

Installing runs ``pip`` (or ``uv pip`` when pip is missing, or ``SMM_INSTALLER=uv``) for the
Python environment running smmcore; its output goes to this process's standard streams.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smmcore.errors import InvalidArgument, SmmError

if TYPE_CHECKING:
    from smmcore.plugins import PluginHost, PluginRecord

KINDS = ("source", "kpi", "reporter", "export-format")
"""What :func:`new_plugin` can scaffold."""

_SMMCORE_RE = re.compile(r"^smmcore(\[.*\])?$", re.IGNORECASE)


def _host(host: PluginHost | None) -> PluginHost:
    if host is None:
        from smmcore.plugins import PluginHost

        host = PluginHost()
    host.collect_all()
    return host


def list_plugins(
    *, include_disabled: bool = False, host: PluginHost | None = None
) -> list[PluginRecord]:
    """The installed plugins in load order, each with its status (``ok``, ``failed``,
    ``disabled``), problems and registrations (``smm plugins list``).

    :param include_disabled: also the plugins ``SMM_DISABLE_PLUGINS`` / ``SMM_LOAD_PLUGINS``
        kept from loading.
    :param host: the plugin host to read (default: the installed plugins).
    """
    host = _host(host)
    return [r for r in host.plugins if include_disabled or r.status != "disabled"]


@dataclass
class SettingsField:
    """One field of a registration's ``[plugins.<name>]`` settings."""

    name: str
    kind: str
    """JSON-schema type (``"string"``, ``"integer | null"``, ...)."""
    required: bool
    description: str
    has_default: bool
    default: Any = None


def settings_fields(schema: dict[str, Any] | None) -> list[SettingsField]:
    """The fields of a settings JSON schema, in order."""
    if not schema:
        return []
    required = set(schema.get("required", []))
    fields = []
    for name, prop in schema.get("properties", {}).items():
        kind = prop.get("type") or prop.get("format") or "any"
        if "anyOf" in prop:
            kind = " | ".join(p.get("type", "?") for p in prop["anyOf"])
        fields.append(
            SettingsField(
                name=name,
                kind=kind,
                required=name in required,
                description=prop.get("description", ""),
                has_default="default" in prop,
                default=prop.get("default"),
            )
        )
    return fields


@dataclass
class PluginInfo:
    """One plugin in full (``smm plugins info``): its record and, per extension point, what
    it registers, each with the JSON schema of its settings (``settings_schema``, or
    ``settings_error`` when the model cannot be loaded) and where they go in ``smm.toml``
    (``settings_table``)."""

    record: PluginRecord
    registers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """``smm plugins info NAME --json``."""
        return {**self.record.to_json(), "registers": self.registers}


def _settings_schema(reference: str | None) -> dict[str, Any] | None:
    if not reference:
        return None
    from smmcore.registry import resolve_reference

    model = resolve_reference(reference)
    return model.model_json_schema() if hasattr(model, "model_json_schema") else None


def plugin_info(name: str, *, host: PluginHost | None = None) -> PluginInfo:
    """One plugin by plugin or distribution name, with the settings schema of everything it
    registers; :class:`~smmcore.errors.SmmError` listing the installed ones when unknown."""
    record = _host(host).plugin(name)
    registers = record.to_json()["registers"]
    for point, regs in registers.items():
        for registration, reg in zip(record.registrations[point], regs, strict=True):
            reg["settings_table"] = registration.settings_table()
            try:
                reg["settings_schema"] = _settings_schema(reg.get("settings"))
            except Exception as exc:
                reg["settings_schema"] = None
                reg["settings_error"] = str(exc)
    return PluginInfo(record, registers)


# --------------------------------------------------------------------------- installing


def installer() -> list[str]:
    """The command that installs into the environment running smmcore: ``python -m pip``,
    else ``uv pip`` (``SMM_INSTALLER=pip`` or ``uv`` chooses)."""
    choice = os.environ.get("SMM_INSTALLER", "").strip().lower()
    has_pip = importlib.util.find_spec("pip") is not None
    uv = shutil.which("uv")
    if choice == "pip" or (not choice and has_pip):
        if not has_pip:
            raise SmmError("SMM_INSTALLER=pip but pip is not installed in this environment")
        return [sys.executable, "-m", "pip"]
    if uv:
        return [uv, "pip"]
    raise SmmError(
        "neither pip nor uv is available to install plugins into this environment",
        hint=f"install pip ('{sys.executable} -m ensurepip') or uv",
    )


def _run_installer(args: list[str], log: Callable[[str], None] | None) -> list[str]:
    base = installer()
    command = [*base, *args]
    if base[-1] == "pip" and base[0] != sys.executable:  # uv pip: name the environment
        command = [*base, args[0], "--python", sys.executable, *args[1:]]
    if log:
        log("$ " + " ".join(command))
    completed = subprocess.run(command, check=False)
    if completed.returncode != 0:
        raise SmmError(
            f"{' '.join(base)} {args[0]} failed with exit code {completed.returncode}",
            hint="see its output above",
        )
    return command


def install(
    packages: Sequence[str] = (),
    *,
    upgrade: bool = False,
    editable: Sequence[str | Path] = (),
    index_url: str | None = None,
    extra_index_urls: Sequence[str] = (),
    no_deps: bool = False,
    log: Callable[[str], None] | None = None,
) -> list[str]:
    """Install plugins from PyPI (or a wheel, or a folder) into smmcore's environment
    (``smm plugins install``); returns the installer command that ran.

    :param editable: local plugin folders to install in editable mode.
    :param log: receives the command line before it runs.
    :raises InvalidArgument: neither a package nor an editable folder is named.
    :raises SmmError: no installer, or the installer failed.
    """
    if isinstance(packages, str):
        packages = [packages]
    if not packages and not editable:
        raise InvalidArgument("name at least one package, or -e PATH")
    args = ["install"]
    if upgrade:
        args.append("--upgrade")
    if no_deps:
        args.append("--no-deps")
    if index_url:
        args += ["--index-url", index_url]
    for url in extra_index_urls:
        args += ["--extra-index-url", url]
    for path in editable:
        args += ["-e", str(Path(path).resolve())]
    args += list(packages)
    return _run_installer(args, log)


def uninstall(
    packages: Sequence[str], *, yes: bool = False, log: Callable[[str], None] | None = None
) -> list[str]:
    """Uninstall plugins from smmcore's environment (smmcore itself is refused); returns the
    installer command that ran. ``yes`` skips pip's confirmation (uv never asks)."""
    if isinstance(packages, str):
        packages = [packages]
    if not packages:
        raise InvalidArgument("name at least one package to uninstall")
    for package in packages:
        if _SMMCORE_RE.match(package.strip()):
            raise SmmError(
                "refusing to uninstall smmcore itself: smm would stop working",
                hint="uninstall plugins by name; remove smmcore with your own package manager",
            )
    args = ["uninstall", *packages]
    base = installer()
    if yes and base[-1] == "pip" and base[0] == sys.executable:
        args.insert(1, "-y")
    return _run_installer(args, log)


def new_plugin(
    name: str,
    directory: str | Path = ".",
    *,
    description: str | None = None,
    author: str | None = None,
    distribution: str | None = None,
    kinds: Sequence[str] | None = None,
) -> Path:
    """Create a ready-to-test plugin package ``<directory>/smm-NAME`` from the template
    (``smm plugins new``); returns its folder.

    :param kinds: what it provides, among :data:`KINDS` (default: source and kpi).
    :raises InvalidArgument: an unknown kind.
    :raises SmmError: an invalid name, or a folder that exists and is not empty.
    """
    from smmcore.authorkit import create_plugin

    unknown = [k for k in kinds or () if k not in KINDS]
    if unknown:
        raise InvalidArgument(
            f"unknown plugin kind {unknown[0]!r}: use {', '.join(KINDS)}", param="--kind"
        )
    return create_plugin(
        name,
        directory,
        description=description,
        author=author,
        distribution=distribution,
        kinds=kinds or None,
    )


__all__ = [
    "KINDS",
    "PluginInfo",
    "SettingsField",
    "install",
    "installer",
    "list_plugins",
    "new_plugin",
    "plugin_info",
    "settings_fields",
    "uninstall",
]
