"""The Python API: open a workspace, sync it, build and render its report, query its store.

Everything the ``smm`` commands do is here first; the CLI parses its options, calls these
functions and renders what they return. Nothing here prints or exits: failures raise
:class:`~smmcore.errors.SmmError` subclasses whose messages are the CLI's.

    import smmcore

    ws = smmcore.open("clients/forno-rossi")
    result = ws.sync()
    report = ws.report(period="2026-10", compare="previous")
    report.kpi("engagement_rate_views").client.value
    report.to_pandas()
    ws.render(report, "html", "october.html")

The names in :data:`__all__` (and their documented parameters) are stable: they change only
after a release that warns (``DeprecationWarning``) about the old spelling; see
``docs/python-api.md``.
"""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from smmcore.errors import ConfigError, InvalidArgument, NotFoundError, PluginError, SmmError

if TYPE_CHECKING:
    import duckdb

    from smmcore.audience import Audience
    from smmcore.config import WorkspaceConfig
    from smmcore.contracts import ChannelRef, Reporter
    from smmcore.dates import ImplausibleRows
    from smmcore.events import ProgressCallback
    from smmcore.keyword_research import KeywordResearch
    from smmcore.plugins import PluginHost
    from smmcore.registry import KPISpec, ReporterSpec
    from smmcore.report_model import Report
    from smmcore.store import Store
    from smmcore.sync import SyncReport
    from smmcore.workspace import Workspace as LoadedWorkspace

__all__ = [
    "DateCheck",
    "KPICatalog",
    "KPIInfo",
    "MetricInfo",
    "ReportTimings",
    "SmmWarning",
    "StoreMigration",
    "StoreTools",
    "Workspace",
    "check_client",
    "check_init_target",
    "demo",
    "init",
    "kpi_catalog",
    "load_reporter",
    "metric_catalog",
    "open",
]


class SmmWarning(UserWarning):
    """A problem that does not stop the operation (a secret written in plain text in
    ``smm.toml``); :func:`open` issues it with :func:`warnings.warn`."""


# ------------------------------------------------------------------ opening and creating


def open(
    path: str | Path = ".", *, host: PluginHost | None = None, env: Mapping[str, str] | None = None
) -> Workspace:
    """Open the workspace in ``path`` (a folder holding ``smm.toml``, or the file itself).

    :param host: the plugins to use (default: every installed plugin, discovered on first use).
    :param env: where ``${VAR}`` references of ``smm.toml`` are read (default: the environment).
    :raises ConfigError: when ``smm.toml`` is missing or invalid (one problem per line).

    Each secret written in plain text in ``smm.toml`` is reported as a :class:`SmmWarning`.
    """
    from smmcore.workspace import load_workspace

    ws = Workspace(load_workspace(path, env=env), host=host)
    for warning in ws.warnings:
        warnings.warn(warning, SmmWarning, stacklevel=2)
    return ws


_TEMPLATE = """\
# smm.toml: the workspace of {name_comment}.
# Every section but [client] is optional. Secrets never go in this file: write them as
# ${{ENV_VAR}} references in [plugins.*] and set the variable in your shell.
# Check the file with 'smm config show'; bring the data in with 'smm sync'.

[client]
name = {name}
# The client's segment or market, in a few words (used in reports).
segment = {segment}
# ISO 639-1 language of the reports: "en" or "it".
language = {language}
# IANA time zone: day boundaries and the best time to post follow it.
timezone = {timezone}

# ---------------------------------------------------------------- own channels
# One [[channels]] block per account. 'network' picks the source plugin ('smm plugins list');
# 'handle' or 'url' identifies the account; 'source' forces a plugin; 'options' go to it.
#
# [[channels]]
# network = "mastodon"
# handle = "@forno@mastodon.social"
# label = "Mastodon"
#
# [[channels]]               # an account whose numbers come from analytics exports
# network = "instagram"
# handle = "forno.rossi"
# source = "files"           # smm-files: CSV / JSON Lines in [plugins.files] path

# ---------------------------------------------------------------- competitors
# [[competitors]]
# name = "Rival Bakery"
#
# [[competitors.channels]]
# network = "bluesky"
# handle = "rival.bsky.social"

# ---------------------------------------------------------------- keywords
# [keywords]
# terms = ["pane a lievitazione naturale", "forno artigianale"]
# geo = "IT"
# language = "it"

# ---------------------------------------------------------------- reports
# [report]
# period = "30d"             # 30d, 90d, YYYY-MM, YYYY-Qn, YYYY-Hn or FROM..TO
# compare = "previous"       # previous or year
# kpis = []                  # empty: every KPI

# ---------------------------------------------------------------- custom KPIs
# [kpis.saves_per_impression]
# label = "Saves per 100 impressions"
# numerator = "saves"
# denominator = "impressions"
# aggregation = "ratio_of_sums"
# unit = "%"
# scale = 100

# ---------------------------------------------------------------- plugin settings
# [plugins.files]
# path = "exports"           # relative to this folder
#
# [plugins.mastodon]
# access_token = "${{MASTODON_TOKEN}}"   # read from the environment, never written here
"""


def check_init_target(path: str | Path, *, force: bool = False) -> Path:
    """The ``smm.toml`` :func:`init` would write in ``path``; :class:`ConfigError` when one
    is already there and ``force`` is false (checked before asking the user anything)."""
    from smmcore.workspace import CONFIG_FILE

    config = Path(path).resolve() / CONFIG_FILE
    if config.exists() and not force:
        raise ConfigError(
            f"{config} already exists; nothing was written",
            hint="edit it, or pass --force to replace it with a new one",
        )
    return config


def check_client(field_name: str, value: str) -> str | None:
    """Why ``value`` is not valid for the ``[client]`` setting ``field_name`` (``language``,
    ``timezone``, ...), or ``None`` when it is."""
    from pydantic import ValidationError

    from smmcore.config import ClientConfig

    fields = {"name": "x", field_name: value}
    try:
        ClientConfig(**fields)
    except ValidationError as exc:
        return str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
    return None


def init(
    path: str | Path,
    *,
    name: str | None = None,
    language: str = "en",
    timezone: str = "UTC",
    segment: str = "",
    force: bool = False,
    host: PluginHost | None = None,
) -> Workspace:
    """Create a workspace in ``path``: a commented ``smm.toml`` (and a ``.gitignore`` leaving
    the history store out) and return it opened.

    :param name: the client's name (default: the folder's name).
    :param language: the reports' language (ISO 639-1).
    :param timezone: the client's IANA time zone (day boundaries follow it).
    :param force: replace an existing ``smm.toml``.
    :raises ConfigError: when ``smm.toml`` exists (without ``force``) or a setting is invalid;
        nothing is written then.
    """
    from pydantic import ValidationError

    from smmcore.config import ClientConfig
    from smmcore.safeout import write_output
    from smmcore.workspace import STORE_DIR, load_workspace, validation_problems

    config = check_init_target(path, force=force)
    target = config.parent
    name = name if name is not None else (target.name or "My client")
    fields = {"name": name, "language": language, "timezone": timezone, "segment": segment}
    try:
        ClientConfig(**fields)
    except ValidationError as exc:
        raise ConfigError(
            "the client settings are invalid; nothing was written",
            problems=[
                p.removeprefix("smm.toml ")
                for p in validation_problems(exc, "smm.toml", {}, ("client",))
            ],
        ) from None
    text = _TEMPLATE.format(
        name_comment=name.replace("\n", " "),
        name=_quoted(name),
        segment=_quoted(segment),
        language=_quoted(language),
        timezone=_quoted(timezone),
    )
    target.mkdir(parents=True, exist_ok=True)
    write_output(config, text)  # whole or not at all
    gitignore = target / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text(f"# the history store: rebuilt by 'smm sync'\n{STORE_DIR}/\n")
    return Workspace(load_workspace(target), host=host)


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


DEMO_MARKER = "# Demo workspace:"
"""The first line of the demo's smm.toml: a folder holding it may be rewritten."""


def _demo_writer(host: PluginHost) -> Any:
    """The registered demo writer, once the KPIs and the terminal and HTML report formats it
    needs are present; otherwise a :class:`PluginError` naming what is missing."""
    missing = []
    demos = host.demos()
    if not demos:
        missing.append("a demo workspace (smm-files registers one)")
    if not host.kpis():
        missing.append("KPIs (smm-kpis)")
    reporters = host.reporters()
    if "terminal" not in reporters or "html" not in reporters:
        missing.append("the 'terminal' and 'html' report formats (smm-reports)")
    writer = None
    if not missing:
        spec = next(iter(demos.values()))
        try:
            writer = spec.load()
        except Exception as exc:
            missing.append(f"the demo {spec.name!r} of plugin {spec.plugin!r} ({exc})")
    if missing:
        raise PluginError(
            "smm demo needs plugins that are not installed or failed to load: "
            + "; ".join(missing),
            hint="install them with: pip install 'smmcore[standard]' (or, in a clone of the "
            "repository, 'uv sync'); 'smm plugins list' shows what is loaded",
        )
    return writer


def _demo_folder(out: str | Path | None) -> Path:
    if out is None:
        import tempfile

        return Path(tempfile.mkdtemp(prefix="smm-demo-"))
    out = Path(out).resolve()
    if out.exists() and not out.is_dir():
        raise SmmError(f"--out {out} is a file", hint="pass a folder (it is created if needed)")
    config = out / "smm.toml"
    if config.exists():
        first = config.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
        if not first.startswith(DEMO_MARKER):
            raise ConfigError(
                f"{out} already holds a workspace (smm.toml) that is not the demo",
                hint="pass another --out folder; smm demo never overwrites your workspace",
            )
    elif out.exists() and any(out.iterdir()):
        raise SmmError(
            f"{out} is not empty",
            hint="pass a new or empty folder to --out, or none for a temp one",
        )
    out.mkdir(parents=True, exist_ok=True)
    return out


def demo(
    path: str | Path | None = None,
    *,
    end_date: date | str | None = None,
    host: PluginHost | None = None,
) -> Workspace:
    """Write the demo workspace (Forno Rossi, a fictional bakery: 3 channels, 2 competitors,
    12 months of data) into ``path``, sync it from its bundled export, offline, and return it
    (its sync result is ``ws.last_sync``).

    :param path: a new or empty folder, or one holding an earlier demo (rewritten); default:
        a new temporary folder.
    :param end_date: the last day of the 12 months of data (default: today).
    :raises PluginError: when the demo, the KPIs or the terminal and HTML formats are missing.
    :raises SmmError: when ``path`` holds something else, or the import failed.
    """
    from smmcore.workspace import load_workspace

    if host is None:
        from smmcore.plugins import PluginHost

        host = PluginHost()
    write_demo = _demo_writer(host)
    folder = _demo_folder(path)
    last_day = date.fromisoformat(end_date) if isinstance(end_date, str) else end_date
    write_demo(folder, end_date=last_day)
    ws = Workspace(load_workspace(folder), host=host)
    result = ws.sync()
    if not result.ok:
        causes = "; ".join(f"{u.key}: {u.error}" for u in result.failed)
        raise SmmError(
            f"the demo import failed: {causes}",
            hint="run again with --debug and report it; the demo needs no network",
        )
    return ws


# ------------------------------------------------------------------ catalogs


@dataclass(frozen=True)
class KPIInfo:
    """A KPI and where it comes from.

    :ivar spec: its registration (name, label, formula, unit, direction, aggregation).
    :ivar origin: the plugin that registers it, or ``"smm.toml"`` for a ``[kpis.*]`` one.
    """

    spec: KPISpec
    origin: str

    @property
    def name(self) -> str:
        """The KPI's name (what ``report.kpi(name)`` takes)."""
        return self.spec.name

    def summary(self) -> dict[str, Any]:
        """Its definition as JSON-ready data (``smm kpis list --json``), with ``origin``."""
        return {**self.spec.summary(), "origin": self.origin}


@dataclass
class KPICatalog:
    """Every KPI: registered by plugins first, then those declared in ``smm.toml``.

    :ivar warnings: why some KPIs are not listed (a ``[kpis]`` table without a plugin that
        computes it, a name a plugin also registers).
    """

    kpis: list[KPIInfo] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[KPIInfo]:
        return iter(self.kpis)

    def __len__(self) -> int:
        return len(self.kpis)

    def names(self) -> list[str]:
        """The KPI names, in catalog order."""
        return [k.name for k in self.kpis]

    def get(self, name: str) -> KPIInfo:
        """The KPI ``name``; :class:`NotFoundError` listing the known ones otherwise."""
        for info in self.kpis:
            if info.name == name:
                return info
        names = ", ".join(sorted(self.names())) or "none"
        raise NotFoundError(f"no KPI named {name!r}", hint=f"known KPIs: {names}")


def kpi_catalog(
    host: PluginHost | None = None, workspace: Workspace | LoadedWorkspace | None = None
) -> KPICatalog:
    """The KPIs ``host``'s plugins register, and the ``[kpis.*]`` of ``workspace`` (none
    without a workspace). A plugin's name wins over a ``smm.toml`` one (with a warning)."""
    if host is None:
        host = workspace.host if isinstance(workspace, Workspace) else _default_host()
    loaded = workspace.loaded if isinstance(workspace, Workspace) else workspace
    registered = host.kpis()
    catalog = KPICatalog([KPIInfo(spec, spec.plugin or "?") for spec in registered.values()])
    custom: list[Any] = []
    if loaded is not None and loaded.config.kpis:
        providers = host.kpi_providers()
        if not providers:
            catalog.warnings.append(
                "smm.toml defines KPIs under [kpis], but no installed plugin computes "
                "declarative KPIs (install smm-kpis: 'smm plugins install smm-kpis')"
            )
        for spec in providers.values():
            try:
                provider = host.implementation(spec, loaded)
                custom.extend(kpi_spec for kpi_spec, _impl in provider.kpis(loaded.config))
            except SmmError as exc:
                custom = []
                catalog.warnings.append(exc.format_message())
                break
    shadowed = [spec.name for spec in custom if spec.name in registered]
    catalog.kpis.extend(KPIInfo(s, "smm.toml") for s in custom if s.name not in registered)
    if shadowed:
        names = ", ".join(repr(name) for name in shadowed)
        catalog.warnings.append(
            f"smm.toml defines {names} under [kpis], but a plugin registers the same name, "
            "which wins; rename it in smm.toml"
        )
    return catalog


@dataclass(frozen=True)
class MetricInfo:
    """A post metric KPIs can use: a standard counter (table ``post_metrics``) or an extra
    metric a source declares (table ``post_metrics_extra``, ``source`` set)."""

    name: str
    unit: str
    description: str
    source: str
    table: str

    def as_dict(self) -> dict[str, str]:
        """JSON-ready (``smm kpis metrics --json``)."""
        return asdict(self)


def metric_catalog(host: PluginHost | None = None) -> list[MetricInfo]:
    """The standard counters, then each installed source's extra metrics."""
    from smmcore.registry import STANDARD_METRICS

    host = host or _default_host()
    found = [
        MetricInfo(name, "count", "standard counter", "", "post_metrics")
        for name in STANDARD_METRICS
    ]
    for spec in host.sources().values():
        found.extend(
            MetricInfo(m.name, m.unit, m.description, spec.name, "post_metrics_extra")
            for m in spec.metrics
        )
    return found


def load_reporter(
    host: PluginHost, name: str, workspace: LoadedWorkspace | None = None
) -> tuple[ReporterSpec, Reporter]:
    """``(registration, reporter)`` of the report format ``name``, configured from
    ``[plugins.<name>]`` of ``workspace``; :class:`NotFoundError` lists the formats."""
    reporters = host.reporters()
    spec = reporters.get(name)
    if spec is None:
        available = ", ".join(sorted(reporters)) or "none (install smm-reports)"
        raise NotFoundError(
            f"unknown report format {name!r}; available formats: {available}",
            hint="pass one of them to --format, or install a plugin that provides it",
        )
    return spec, host.implementation(spec, workspace)


def _default_host() -> PluginHost:
    from smmcore.plugins import PluginHost

    return PluginHost()


# ------------------------------------------------------------------ results


@dataclass
class ReportTimings:
    """Where the time of :meth:`Workspace.report` went; pass one to be filled.

    :ivar steps: seconds per step (``kpi:<name>``, ``series``, ``section:<name>``, ...).
    :ivar build_seconds: building the report (or reading it from the cache).
    :ivar from_cache: whether the whole report came from the cache.
    :ivar cache_hits: the parts reused from the cache (``report``, ``segments``, ...).
    """

    steps: dict[str, float] = field(default_factory=dict)
    build_seconds: float = 0.0
    from_cache: bool = False
    cache_hits: list[str] = field(default_factory=list)


@dataclass
class DateCheck:
    """Stored rows dated before 2004 or later than tomorrow (reports leave them out).

    :ivar counts: such rows per table.
    :ivar examples: a few of them per table (key columns and the time, as text).
    :ivar deleted: rows deleted per table (empty unless asked to delete).
    """

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Implausible rows over all tables (before any deletion)."""
        return sum(self.counts.values())


@dataclass
class StoreMigration:
    """The outcome of :meth:`StoreTools.migrate`.

    :ivar counts: rows copied per table (each checked against the source before commit).
    :ivar source: the backend copied from; ``target`` the one copied into.
    :ivar location: where the target store lives (a path or a redacted URL).
    """

    counts: dict[str, int]
    source: str
    target: str
    location: str


class StoreTools:
    """Upkeep of a workspace's history store: ``ws.store``."""

    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace

    def check_dates(self, *, examples: int = 5, delete: bool = False) -> DateCheck:
        """Find (and with ``delete``, remove in one transaction, a post's metric snapshots
        too) the rows dated before 2004 or later than tomorrow."""
        from smmcore.dates import delete_implausible, find_implausible

        self._ws.close()
        store = self._ws.loaded.open_store(read_only=not delete)
        try:
            found: ImplausibleRows = find_implausible(store.con, examples=max(examples, 0))
            deleted = delete_implausible(store.con) if delete and found.total else {}
        finally:
            store.close()
        return DateCheck(found.counts, found.examples, deleted)

    def migrate(self, to: str, *, replace: bool = False) -> StoreMigration:
        """Copy the whole history from the configured store (``[store] backend``) to the
        backend ``to`` (``duckdb`` or a plugin's), configured from ``[store]``; every table in
        one transaction, its rows counted before it commits. Set ``[store] backend`` to ``to``
        afterwards to use it.

        :param replace: overwrite what the target store holds.
        """
        from smmcore.store import Store
        from smmcore.store.transfer import copy_store

        loaded, host = self._ws.loaded, self._ws.host
        current = loaded.config.store.backend
        if to == current:
            raise SmmError(
                f"the workspace's store is already {to!r} ([store] backend in smm.toml)",
                hint="name another backend with --to ('smm plugins list' shows the store backends)",
            )
        self._ws.close()
        source = Store.open(read_only=True, backend=loaded.store_backend(current, host))
        try:
            target = Store.open(backend=loaded.store_backend(to, host))
            try:
                counts = copy_store(source, target, replace=replace)
                where = str(target.backend.location)
            finally:
                target.close()
        finally:
            source.close()
        return StoreMigration(counts, current, to, where)


# ------------------------------------------------------------------ the workspace


class Workspace:
    """A workspace: its ``smm.toml``, its history store and the installed plugins.

    Get one with :func:`open`, :func:`init` or :func:`demo`. It keeps at most one read-only
    store connection open, for :meth:`sql`; :meth:`close` (or a ``with`` block) releases it,
    and :meth:`sync` and the store upkeep calls close it first.
    """

    def __init__(self, loaded: LoadedWorkspace, *, host: PluginHost | None = None) -> None:
        self._loaded = loaded
        self._host = host
        self._sql_store: Store | None = None
        self._results: duckdb.DuckDBPyConnection | None = None
        self.last_sync: SyncReport | None = None
        """The result of the latest :meth:`sync` of this object (``None`` before one)."""

    def __repr__(self) -> str:
        return f"<smmcore.Workspace {self.config.client.name!r} at {str(self.path)!r}>"

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -------------------------------------------------------------- what it is

    @property
    def path(self) -> Path:
        """The workspace folder."""
        return self._loaded.dir

    @property
    def config_path(self) -> Path:
        """Its ``smm.toml``."""
        return self._loaded.config_path

    @property
    def store_path(self) -> Path:
        """The history store file, ``.smm/store.duckdb`` (of the default backend)."""
        return self._loaded.store_path

    @property
    def config(self) -> WorkspaceConfig:
        """The validated ``smm.toml`` (defaults filled in, ``${VAR}`` references as written)."""
        return self._loaded.config

    @property
    def loaded(self) -> LoadedWorkspace:
        """The loaded configuration as plugins receive it (:class:`smmcore.workspace.Workspace`)."""
        return self._loaded

    @property
    def host(self) -> PluginHost:
        """The plugins this workspace uses (discovered on first use unless given)."""
        if self._host is None:
            self._host = _default_host()
        return self._host

    @property
    def warnings(self) -> list[str]:
        """Problems that stop nothing: each secret written in plain text in ``smm.toml``."""
        return self._loaded.plain_secret_warnings()

    def channels(self) -> list[ChannelRef]:
        """Every channel: the client's first, then each competitor's."""
        return self._loaded.channel_refs()

    def redacted_config(self) -> dict[str, Any]:
        """The resolved configuration, safe to print: a ``${VAR}`` reference shows as written
        with whether the variable is set; values under secret-looking keys are replaced."""
        return self._loaded.redacted()

    def config_toml(self) -> str:
        """:meth:`redacted_config` as TOML (what ``smm config show`` prints)."""
        from smmcore.config import to_toml

        return to_toml(self.redacted_config())

    # -------------------------------------------------------------- sync

    def sync(
        self,
        channels: str | Sequence[str] | None = None,
        *,
        full: bool = False,
        since: str | date | None = None,
        skip_bad: bool = False,
        allow_no_data: bool = False,
        max_wait: float | None = None,
        progress: ProgressCallback | None = None,
    ) -> SyncReport:
        """Bring the channels' data into the history store; every (source, account) unit
        concurrently, each from where its last sync stopped.

        :param channels: only these channels (``"NETWORK:HANDLE"``), default every one.
        :param full: ignore the saved cursors and fetch everything again.
        :param since: only content from this day on (``YYYY-MM-DD``, a date, or ``30d``).
        :param skip_bad: import the valid rows of files that have bad rows.
        :param allow_no_data: a channel that gets no rows does not make the result not ok.
        :param max_wait: seconds one unit may wait for rate limits before it is deferred
            (default ``[sync] max_wait``).
        :param progress: called with each :data:`smmcore.events.SyncEvent`.
        :returns: the :class:`smmcore.sync.SyncReport` (``SyncResult``): ``.ok``, ``.units``
            (each with ``status``, ``written``, ``records``, ``error``, ``waits``),
            ``.totals()``, ``.waits``. A failing unit is reported there, never raised.
        :raises SmmError: for a problem of the whole run (an unknown channel, a locked store).
        :raises smmcore.sync.SyncInterrupted: on Ctrl-C, with the result of what was saved.
        """
        from smmcore.events import callback_progress
        from smmcore.sync import run_sync

        if isinstance(channels, str):
            channels = [channels]
        self.close()
        options: dict[str, Any] = {"skip_bad": skip_bad}
        if allow_no_data:
            options["allow_no_data"] = True
        result = run_sync(
            self._loaded,
            self.host,
            channels=list(channels) if channels else None,
            since=since,
            full=full,
            options=options,
            progress=callback_progress(progress),
            max_wait=max_wait,
        )
        self.last_sync = result
        return result

    def queue_sync(self, also: Sequence[str | Path] = ()) -> list[tuple[str, str, str]]:
        """Queue every unit of this workspace (and of the workspaces in ``also``) for ``smm
        worker`` processes: ``(workspace folder, unit, outcome)`` per unit. Needs a shared
        store backend with a queue (``[store]``)."""
        from smmcore.workspace import load_workspace

        workspaces = [self._loaded, *(load_workspace(d) for d in also)]
        queue = self._loaded.store_queue(self.host)
        return [tuple(row) for row in queue.enqueue(workspaces, self.host)]  # type: ignore[misc]

    def queue_status(self, also: Sequence[str | Path] = ()) -> list[dict[str, Any]]:
        """The queue's jobs of this workspace (and of those in ``also``): ``id``,
        ``workspace``, ``unit``, ``status``, ``attempts``, ``updated_at``."""
        from smmcore.workspace import load_workspace

        workspaces = [self._loaded, *(load_workspace(d) for d in also)]
        return list(self._loaded.store_queue(self.host).status(workspaces))

    # -------------------------------------------------------------- report

    def report(
        self,
        period: str | None = None,
        compare: Literal["previous", "year"] | None = None,
        *,
        language: str | None = None,
        audience: Literal["client", "analyst"] | None = None,
        cache: bool = True,
        timings: ReportTimings | None = None,
    ) -> Report:
        """The report of a period: every KPI for the client, each channel, network and
        competitor, with the comparison period, the chart series, top posts, benchmark,
        sections and notes (what ``smm report`` renders).

        :param period: ``30d``, ``90d``, ``12w``, ``YYYY-MM``, ``YYYY-Qn``, ``YYYY-Hn``,
            ``YYYY`` or ``FROM..TO`` (default ``[report] period``, else ``30d``); relative
            periods end on the day of the latest data.
        :param compare: ``previous`` or ``year`` (default ``[report] compare``).
        :param language: the labels' language (default the workspace's).
        :param audience: ``client`` or ``analyst`` (default ``[report] audience``).
        :param cache: reuse a report of an unchanged store with unchanged settings from
            ``.smm/cache`` (also off with ``SMM_NO_CACHE=1``).
        :param timings: filled with where the time went.
        :returns: the :class:`smmcore.report_model.Report`: ``report.kpi(name).client.value``,
            ``report.to_pandas()``, ``report.timeseries("followers")``.
        :raises SmmError: for an invalid period or comparison, or a store not synced yet.
        """
        import time
        from datetime import UTC, datetime

        from smmcore.branding import load_brand
        from smmcore.periods import today_in
        from smmcore.report import build_report
        from smmcore.report_cache import ReportCache
        from smmcore.report_model import Report

        loaded, host = self._loaded, self.host
        chosen = (audience or loaded.config.report.audience).lower()
        if chosen not in ("client", "analyst"):
            raise InvalidArgument(
                f"unknown audience {audience!r}",
                param="--audience",
                hint="use 'client' or 'analyst'",
            )
        brand = load_brand(loaded.config, loaded.dir)
        timings = timings if timings is not None else ReportTimings()
        store = ReportCache.for_workspace(loaded, host, enabled_=cache)
        clock = time.perf_counter()
        rep = store.get(
            "report",
            {
                "period": period,
                "compare": compare,
                "language": language,
                "day": today_in(loaded.config.client.timezone).isoformat(),
            },
            lambda: build_report(
                loaded,
                host,
                period,
                compare,
                language=language,
                timings=timings.steps,
                cache=store,
            ),
            lambda built: built.model_dump(mode="json"),
            Report.model_validate,
            keep=lambda built: (
                not any(n.code in ("kpi_failed", "section_failed") for n in built.notes)
            ),
        )
        timings.from_cache = "report" in store.hits
        timings.cache_hits = list(store.hits)
        if timings.from_cache:
            rep.generated_at = datetime.now(UTC)
        timings.build_seconds = time.perf_counter() - clock
        return rep.model_copy(update={"audience": chosen, "brand": brand})

    def formats(self) -> dict[str, ReporterSpec]:
        """The installed report formats (reporters), by name."""
        return dict(self.host.reporters())

    def render(
        self, report: Report, format: str = "html", target: str | Path | IO[Any] | None = None
    ) -> Path | str | bytes | None:
        """Render ``report`` with the reporter ``format`` (``terminal``, ``markdown``,
        ``json``, ``csv``, ``html``, ``pdf`` or a plugin's).

        :param target: a file path (written whole or not at all; returns the path), an open
            stream (written into; returns ``None``), ``"-"`` for standard output, or ``None``
            to get the rendered text (``bytes`` for a binary format such as ``pdf``).
        :raises NotFoundError: for a format no installed plugin provides.
        """
        from smmcore.safeout import open_output

        spec, reporter = load_reporter(self.host, format, self._loaded)
        binary = bool(getattr(spec, "binary", False))
        if target is None:
            buffer: Any = io.BytesIO() if binary else io.StringIO()
            reporter.render(report, buffer)
            return buffer.getvalue()
        if hasattr(target, "write"):
            reporter.render(report, target)  # type: ignore[arg-type]
            return None
        with open_output(target, binary=binary) as out:  # type: ignore[arg-type]
            reporter.render(report, out)
        return None if str(target) == "-" else Path(target)  # type: ignore[arg-type]

    # -------------------------------------------------------------- the store

    def sql(
        self, query: str, params: Sequence[Any] | Mapping[str, Any] | None = None
    ) -> duckdb.DuckDBPyRelation:
        """Run one read-only query (``SELECT``, ``WITH ... SELECT``, ``DESCRIBE``, ``SHOW``,
        ``SUMMARIZE``, ``EXPLAIN``) on the history store and return its result as a DuckDB
        relation (``.fetchall()``, ``.df()``, ``.pl()``, ``.arrow()``, or more SQL on it with
        ``.filter()``, ``.aggregate()``, ...). Tables and views: ``docs/data-reference.md``;
        ``workspace_channels`` lists this workspace's channels.

        The result is read whole into memory and no longer depends on the store, so it stays
        usable after :meth:`close` or a :meth:`sync` (aggregate in SQL for large histories).

        :param params: values for ``?`` (a sequence) or ``$name`` (a mapping) placeholders.
        :raises InvalidArgument: for a statement that would change something (the store
            changes only through :meth:`sync` and :attr:`store`), or several statements.
        :raises StoreError: when there is no store yet (run :meth:`sync` first).
        """
        import duckdb

        try:
            statements = duckdb.extract_statements(query)
        except duckdb.Error as exc:
            raise SmmError(f"the query is not valid SQL: {exc}") from None
        if len(statements) != 1:
            raise InvalidArgument(
                f"ws.sql runs one statement at a time; this query has {len(statements)}",
                hint="call it once per statement",
            )
        kind = statements[0].type
        if kind not in (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN):
            raise InvalidArgument(
                f"ws.sql is read-only: a {kind.name} statement is not allowed",
                hint="query with SELECT; the store changes only through sync and the store "
                "upkeep commands",
            )
        store = self._read_store()
        with store.lock:
            # a relation's Arrow table, not a DB-API cursor's (that makes an extra copy)
            table = store.con.sql(query, params=params).to_arrow_table()
        if self._results is None:
            self._results = duckdb.connect()  # in memory: holds the results, not the store
        return self._results.from_arrow(table)

    def _read_store(self) -> Store:
        if self._sql_store is None or self._sql_store.con is None:
            self._sql_store = self._loaded.open_store(read_only=True)
        return self._sql_store

    @property
    def store(self) -> StoreTools:
        """Store upkeep: :meth:`StoreTools.check_dates`, :meth:`StoreTools.migrate`."""
        return StoreTools(self)

    def close(self) -> None:
        """Close the store connection :meth:`sql` opened (idempotent; results stay usable)."""
        if self._sql_store is not None:
            self._sql_store.close()
            self._sql_store = None

    # -------------------------------------------------------------- catalogs

    def kpis(self) -> KPICatalog:
        """The KPIs: registered by plugins, and declared in ``smm.toml``."""
        return kpi_catalog(self.host, self)

    def metrics(self) -> list[MetricInfo]:
        """The post metrics KPIs can use (standard counters and sources' extra metrics)."""
        return metric_catalog(self.host)

    # -------------------------------------------------------------- keywords and audience

    @property
    def keywords(self) -> KeywordResearch:
        """Keyword research with this workspace's ``[keywords]`` defaults, tool settings and
        store (``smm keywords``): ``ws.keywords.trends(["pane"], geo="IT")``, ``related``,
        ``suggestions``, ``report``."""
        from smmcore.keyword_research import KeywordResearch

        return KeywordResearch(self._loaded, self.host, release=self.close)

    @property
    def audience(self) -> Audience:
        """The client's audience (``smm audience``): ``ws.audience.segments()``, ``segment``,
        ``influencers``, ``communities``, ``renewal``."""
        from smmcore.audience import Audience

        return Audience(self._loaded, self.host)
