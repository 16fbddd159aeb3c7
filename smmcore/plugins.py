"""The plugin manager: discovery, isolation, escape hatches and a typed facade over the hooks.

Plugins are found through the ``smmcore`` entry-point group (``importlib.metadata``, remembered
between runs by :mod:`smmcore.entry_points`). Each is
loaded and each hook implementation is called on its own, so a plugin that fails to import,
raises inside a hook or registers something invalid is reported with its name, distribution,
version and the cause, while every other plugin keeps working. Strict mode turns those reports
into errors.

Environment variables:

``SMM_LOAD_PLUGINS``
    comma-separated distribution (or plugin) names to load; empty loads none.
``SMM_DISABLE_PLUGINS``
    comma-separated distribution (or plugin) names never to load.
``SMM_STRICT_PLUGINS=1``
    any plugin problem is an error (for plugin developers); also ``smm --strict-plugins``.
``SMM_TRACE_PLUGINS=1``
    print each plugin load and hook call, with its plugin and duration, to stderr.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import pluggy

from smmcore import PROJECT_NAME, hookspecs
from smmcore.errors import NotFoundError, PluginError, SmmError
from smmcore.registry import (
    REGISTRATION_TYPES,
    ChartSeriesSpec,
    CommandSpec,
    DashboardPageSpec,
    DemoSpec,
    ExportFormatSpec,
    KeywordToolSpec,
    KPIProviderSpec,
    KPISpec,
    Registration,
    ReporterSpec,
    ReportSectionSpec,
    SegmenterSpec,
    SourceSpec,
)

ENTRY_POINT_GROUP = PROJECT_NAME
"""The entry-point group plugins declare: ``[project.entry-points.smmcore]``."""

PluginStatus = Literal["ok", "failed", "disabled"]
R = TypeVar("R", bound=Registration)


def _normalize(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(".", "-")


def _env_list(value: str | None) -> set[str] | None:
    if value is None:
        return None
    return {_normalize(part) for part in value.split(",") if part.strip()}


def _env_flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class PluginRecord:
    """What the manager knows about one plugin."""

    name: str
    module: str
    distribution: str | None = None
    version: str | None = None
    status: PluginStatus = "ok"
    problems: list[str] = field(default_factory=list)
    registrations: dict[str, list[Registration]] = field(default_factory=dict)
    object: Any = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """``name (distribution version)``, for messages."""
        if self.distribution:
            return f"{self.name!r} ({self.distribution} {self.version or '?'})"
        return repr(self.name)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready description (``smm plugins list --json``)."""
        return {
            "name": self.name,
            "module": self.module,
            "distribution": self.distribution,
            "version": self.version,
            "status": self.status,
            "problems": list(self.problems),
            "registers": {
                point: [reg.summary() for reg in regs]
                for point, regs in self.registrations.items()
                if regs
            },
        }


class PluginHost:
    """Loads plugins and answers, lazily and type-safely, what they register.

    :param plugins: in-memory plugins as ``(name, module_or_object)`` pairs, registered
        before (and instead of, when ``discover`` is false) the installed ones. Tests use this.
    :param discover: load the installed plugins of the ``smmcore`` entry-point group.
    :param strict: raise :class:`~smmcore.errors.PluginError` on any plugin problem.
    :param env: environment to read the ``SMM_*_PLUGINS`` variables from.
    """

    def __init__(
        self,
        plugins: Iterable[tuple[str, Any]] = (),
        *,
        discover: bool = True,
        strict: bool | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if env is None else env
        self.strict = _env_flag(env.get("SMM_STRICT_PLUGINS")) if strict is None else strict
        self.trace = _env_flag(env.get("SMM_TRACE_PLUGINS"))
        self._allow = _env_list(env.get("SMM_LOAD_PLUGINS"))
        self._block = _env_list(env.get("SMM_DISABLE_PLUGINS")) or set()
        self.pm = pluggy.PluginManager(PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self._records: dict[str, PluginRecord] = {}
        self._collected: dict[str, dict[str, Registration]] = {}
        self._raw: dict[str, dict[str, Registration]] = {}
        self._settings_checked = False
        for name, obj in plugins:
            self._add_object(name, obj)
        if discover:
            self._discover()

    # ------------------------------------------------------------------ loading

    def _emit_trace(self, line: str) -> None:
        if self.trace:
            print(f"smm: trace: {line}", file=sys.stderr)

    def _problem(self, record: PluginRecord, message: str) -> None:
        record.problems.append(message)
        record.status = "failed"
        if self.strict:
            raise PluginError(
                f"plugin {record.label}: {message}",
                hint="strict plugin mode is on (--strict-plugins or SMM_STRICT_PLUGINS=1)",
            )

    def _is_selected(self, name: str, distribution: str | None) -> bool:
        names = {_normalize(name)}
        if distribution:
            names.add(_normalize(distribution))
        if names & self._block:
            return False
        return self._allow is None or bool(names & self._allow)

    def _add_object(
        self,
        name: str,
        obj: Any,
        *,
        module: str | None = None,
        distribution: str | None = None,
        version: str | None = None,
    ) -> None:
        record = PluginRecord(
            name=name,
            module=module or getattr(obj, "__name__", type(obj).__name__),
            distribution=distribution,
            version=version,
            object=obj,
        )
        if name in self._records:
            other = self._records[name]
            self._problem(
                record, f"plugin name {name!r} is already used by {other.label}; not loaded"
            )
            self._records[f"{name} ({distribution or module})"] = record
            return
        self._records[name] = record
        self._register(record)

    def _register(self, record: PluginRecord) -> None:
        known = set(REGISTRATION_TYPES)
        for attr in dir(record.object):
            if attr.startswith("smm_") and self.pm.parse_hookimpl_opts(record.object, attr):
                point = attr.removeprefix("smm_register_")
                if not attr.startswith("smm_register_") or point not in known:
                    self._problem(
                        record,
                        f"implements unknown hook {attr!r}; the hooks are "
                        + ", ".join(f"smm_register_{p}" for p in REGISTRATION_TYPES),
                    )
        try:
            self.pm.register(record.object, name=record.name)
        except Exception as exc:  # pluggy validation errors and anything odd
            self._problem(record, f"cannot be registered: {type(exc).__name__}: {exc}")

    def _discover(self) -> None:
        from smmcore.entry_points import plugin_entry_points

        entry_points, cached = plugin_entry_points(ENTRY_POINT_GROUP)
        if cached:
            self._emit_trace("entry points from the cache (smmcore.entry_points)")
        found = [(ep, ep.distribution, ep.version) for ep in entry_points]
        found.sort(key=lambda item: (item[0].name, item[1] or ""))
        for ep, dist_name, dist_version in found:
            if not self._is_selected(ep.name, dist_name):
                self._records.setdefault(
                    ep.name,
                    PluginRecord(
                        name=ep.name,
                        module=ep.value,
                        distribution=dist_name,
                        version=dist_version,
                        status="disabled",
                    ),
                )
                continue
            start = time.perf_counter()
            try:
                obj = ep.load()
            except BaseException as exc:
                if isinstance(exc, KeyboardInterrupt):
                    raise
                record = PluginRecord(
                    name=ep.name, module=ep.value, distribution=dist_name, version=dist_version
                )
                self._records.setdefault(ep.name, record)
                self._problem(
                    record,
                    f"failed to import {ep.value!r}: {type(exc).__name__}: {exc}",
                )
                continue
            self._emit_trace(
                f"loaded plugin {ep.name!r} ({dist_name} {dist_version}) from {ep.value} "
                f"in {(time.perf_counter() - start) * 1000:.2f} ms"
            )
            self._add_object(
                ep.name, obj, module=ep.value, distribution=dist_name, version=dist_version
            )

    # ------------------------------------------------------------------ hook calls

    def _collect(self, point: str) -> dict[str, Registration]:
        if point in self._collected:
            return self._collected[point]
        result = self._collect_raw(point)
        if not self._settings_checked and any(r.settings for r in result.values()):
            # Settings are keyed by registration name ([plugins.<name>]): before handing out
            # any registration that reads settings, make sure no other extension point
            # claims the same table with another model. Registration hooks are cheap.
            self._settings_checked = True
            for other in REGISTRATION_TYPES:
                self._collect_raw(other)
            self._check_settings_names()
        self._collected[point] = result
        return result

    def _check_settings_names(self) -> None:
        """Reject a registration whose ``[plugins.<name>]`` table is already read by a
        registration of another extension point with a different settings model. The first
        claimant (in extension-point order: sources, keyword tools, segmenters, KPIs,
        reporters, commands; then plugin order) keeps the name."""
        owners: dict[str, Registration] = {}
        for point in REGISTRATION_TYPES:
            found = self._raw[point]
            for name, reg in list(found.items()):
                if not reg.settings:
                    continue
                owner = owners.get(name)
                if owner is None:
                    owners[name] = reg
                    continue
                if owner.settings == reg.settings:
                    continue  # one settings model shared by a plugin's registrations
                record = self._records[reg.plugin]
                del found[name]
                accepted = record.registrations.get(point, [])
                if reg in accepted:
                    accepted.remove(reg)
                self._problem(
                    record,
                    f"{reg.kind.replace('_', ' ')} {name!r} is not registered: its settings "
                    f"would be read from [plugins.{name}] in smm.toml, which the "
                    f"{owner.kind.replace('_', ' ')} {name!r} of plugin "
                    f"{self._records[owner.plugin].label} already reads with another model "
                    f"({owner.settings}, not {reg.settings}). Settings are keyed by name: "
                    f"give this {reg.kind.replace('_', ' ')} another name, or let both use "
                    "the same settings model",
                )

    def _collect_raw(self, point: str) -> dict[str, Registration]:
        if point in self._raw:
            return self._raw[point]
        hookname = f"smm_register_{point}"
        expected = REGISTRATION_TYPES[point]
        caller = getattr(self.pm.hook, hookname)
        order = {name: index for index, name in enumerate(self._records)}
        impls = sorted(caller.get_hookimpls(), key=lambda i: order.get(i.plugin_name, 1 << 30))
        result: dict[str, Registration] = {}
        for impl in impls:
            record = self._records.get(impl.plugin_name)
            if record is None or record.status == "disabled":
                continue
            received: list[Any] = []
            start = time.perf_counter()
            try:
                impl.function(**{arg: received.append for arg in impl.argnames})
            except Exception as exc:
                self._problem(record, f"{hookname} raised {type(exc).__name__}: {exc}")
                continue
            finally:
                self._emit_trace(
                    f"{hookname} -> plugin {record.label}: {len(received)} registered in "
                    f"{(time.perf_counter() - start) * 1000:.2f} ms"
                )
            accepted = record.registrations.setdefault(point, [])
            for reg in received:
                if not isinstance(reg, expected):
                    self._problem(
                        record,
                        f"{hookname} registered {type(reg).__name__} {reg!r:.80}; "
                        f"expected {expected.__name__}",
                    )
                    continue
                problems = reg.problems()
                if problems:
                    for message in problems:
                        self._problem(record, f"{hookname}: {message}")
                    continue
                if reg.name in result:
                    owner = self._records[result[reg.name].plugin]
                    self._problem(
                        record,
                        f"{hookname}: duplicate {reg.kind} name {reg.name!r}, already "
                        f"registered by plugin {owner.label}; this one is ignored",
                    )
                    continue
                object.__setattr__(reg, "plugin", record.name)
                result[reg.name] = reg
                accepted.append(reg)
        self._raw[point] = result
        return result

    def collect_all(self) -> None:
        """Call every registration hook (``smm plugins list`` does, to report everything)."""
        for point in REGISTRATION_TYPES:
            self._collect(point)

    # ------------------------------------------------------------------ typed facade

    def sources(self) -> dict[str, SourceSpec]:
        """Every registered source, by name."""
        return self._collect("sources")  # type: ignore[return-value]

    def keyword_tools(self) -> dict[str, KeywordToolSpec]:
        """Every registered keyword tool, by name."""
        return self._collect("keyword_tools")  # type: ignore[return-value]

    def segmenters(self) -> dict[str, SegmenterSpec]:
        """Every registered segmenter, by name."""
        return self._collect("segmenters")  # type: ignore[return-value]

    def kpis(self) -> dict[str, KPISpec]:
        """Every registered KPI, by name."""
        return self._collect("kpis")  # type: ignore[return-value]

    def reporters(self) -> dict[str, ReporterSpec]:
        """Every registered reporter, by name."""
        return self._collect("reporters")  # type: ignore[return-value]

    def commands(self) -> dict[str, CommandSpec]:
        """Every registered extra command, by name."""
        return self._collect("commands")  # type: ignore[return-value]

    def export_formats(self) -> dict[str, ExportFormatSpec]:
        """Every registered native export format, by name."""
        return self._collect("export_formats")  # type: ignore[return-value]

    def report_sections(self) -> dict[str, ReportSectionSpec]:
        """Every registered report section, by name."""
        return self._collect("report_sections")  # type: ignore[return-value]

    def dashboard_pages(self) -> dict[str, DashboardPageSpec]:
        """Every registered dashboard page (``smm serve``), by name."""
        return self._collect("dashboard_pages")  # type: ignore[return-value]

    def kpi_providers(self) -> dict[str, KPIProviderSpec]:
        """Every registered KPI provider (declarative KPIs, ...), by name."""
        return self._collect("kpi_providers")  # type: ignore[return-value]

    def chart_series(self) -> dict[str, ChartSeriesSpec]:
        """Every registered chart-series builder, by chart name."""
        return self._collect("chart_series")  # type: ignore[return-value]

    def demos(self) -> dict[str, DemoSpec]:
        """Every registered demo workspace, by name."""
        return self._collect("demos")  # type: ignore[return-value]

    def get(self, point: str, name: str) -> Registration:
        """One registration of an extension point, or a clear :class:`SmmError`."""
        found = self._collect(point)
        if name in found:
            return found[name]
        kind = REGISTRATION_TYPES[point].kind.replace("_", " ")
        known = ", ".join(sorted(found)) or "none installed"
        raise SmmError(
            f"no {kind} named {name!r} (available: {known})",
            hint="run 'smm plugins list' to see what is installed, "
            "'smm plugins install PACKAGE' to add a plugin",
        )

    def settings_for(self, spec: Registration, workspace: Any = None) -> Any:
        """The validated settings of ``spec``: ``[plugins.<spec.name>]`` of ``workspace``
        checked against the registration's settings model (its defaults without a
        workspace); ``None`` when the registration declares no model.

        This is the one way every kind of implementation (source, keyword tool, segmenter,
        KPI, reporter, command) gets its settings. Raises
        :class:`~smmcore.errors.ConfigError` naming the key for invalid settings.
        """
        from smmcore.errors import ConfigError

        try:
            model = spec.load_settings_model()
        except Exception as exc:
            raise PluginError(
                f"{spec.kind.replace('_', ' ')} {spec.name!r} of plugin {spec.plugin!r}: "
                f"its settings model cannot be loaded: {exc}",
                hint="reinstall or upgrade the plugin, or disable it with SMM_DISABLE_PLUGINS",
            ) from exc
        if model is None:
            return None
        if workspace is not None:
            return workspace.plugin_settings(spec.name, model)
        from pydantic import ValidationError

        try:
            return model()
        except ValidationError as exc:
            fields = ", ".join(str(e["loc"][0]) for e in exc.errors() if e["loc"])
            raise ConfigError(
                f"{spec.kind.replace('_', ' ')} {spec.name!r} needs settings ({fields})",
                hint=f"set them under [plugins.{spec.name}] in smm.toml",
            ) from None

    def implementation(self, spec: Registration, workspace: Any = None, **kwargs: Any) -> Any:
        """The implementation behind ``spec``, ready to use: a class is instantiated as
        ``Impl(settings, name=spec.name)`` with :meth:`settings_for`; a ready object (a
        KPI instance, a click command) is returned as it is.

        :param kwargs: ``settings=`` to use instead of reading the workspace (tests).
        :raises PluginError: the implementation cannot be imported, or a ready object's
            registration declares a settings model it could never receive.
        """
        try:
            impl = spec.load()
        except Exception as exc:
            raise PluginError(
                f"{spec.kind.replace('_', ' ')} {spec.name!r} of plugin {spec.plugin!r} "
                f"cannot be loaded: {exc}",
                hint="reinstall or upgrade the plugin, or disable it with SMM_DISABLE_PLUGINS",
            ) from exc
        if "settings" in kwargs:
            settings = kwargs["settings"]
        else:
            settings = self.settings_for(spec, workspace)
        if isinstance(impl, type):
            return impl(settings, name=spec.name)
        if spec.settings and spec.kind != "command":
            raise PluginError(
                f"{spec.kind.replace('_', ' ')} {spec.name!r} of plugin {spec.plugin!r} "
                f"declares settings ({spec.settings}) but its impl {spec.impl} is an object, "
                "not a class, so it cannot receive them",
                hint="point impl at the class; smm instantiates it as Impl(settings, name=...)",
            )
        return impl

    def source_for(self, network: str) -> SourceSpec | None:
        """The first source (in plugin order) that declares ``network``."""
        for spec in self.sources().values():
            if network in spec.networks:
                return spec
        return None

    # ------------------------------------------------------------------ plugin records

    @property
    def plugins(self) -> list[PluginRecord]:
        """Every plugin the manager knows, in load order, including failed and disabled."""
        return list(self._records.values())

    def plugin(self, name: str) -> PluginRecord:
        """One plugin by plugin or distribution name, or a :class:`NotFoundError` listing the
        installed ones."""
        wanted = _normalize(name)
        for record in self._records.values():
            if _normalize(record.name) == wanted or (
                record.distribution and _normalize(record.distribution) == wanted
            ):
                return record
        known = ", ".join(r.name for r in self._records.values()) or "none"
        raise NotFoundError(
            f"no plugin named {name!r} (installed: {known})",
            hint="run 'smm plugins list' to see the installed plugins",
        )

    def enable_strict(self) -> None:
        """Turn strict mode on; raise at once for a problem already recorded."""
        self.strict = True
        for record in self._records.values():
            if record.problems:
                raise PluginError(
                    f"plugin {record.label}: {record.problems[0]}",
                    hint="strict plugin mode is on (--strict-plugins or SMM_STRICT_PLUGINS=1)",
                )

    def problems(self) -> list[str]:
        """Every problem of every plugin, one line each."""
        return [f"plugin {r.label}: {p}" for r in self._records.values() for p in r.problems]


# --------------------------------------------------------------------------- the Python API
# ``smmcore.plugins.list()``, ``.info(name)``, ``.install([...])``, ``.uninstall([...])`` and
# ``.new(name)``: the functions of :mod:`smmcore.plugin_manager`, imported on first use (the
# names are not module globals, so ``list`` stays the builtin inside this module).
_API = {
    "list": "list_plugins",
    "info": "plugin_info",
    "install": "install",
    "uninstall": "uninstall",
    "new": "new_plugin",
}


def __getattr__(name: str) -> Any:
    if name in _API:
        from smmcore import plugin_manager

        return getattr(plugin_manager, _API[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
