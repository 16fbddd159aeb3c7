"""The sync pipeline: every (source, account) unit of a workspace, concurrently, into the store.

:func:`run_sync` plans the units (each channel goes to its source plugin, which splits its
channels into :class:`~smmcore.contracts.SyncUnit` objects), then runs them concurrently with
asyncio. Each unit's records are written in one transaction together with its cursor; a unit
that fails is recorded with its cause in ``sync_state.last_error`` and in the report, and never
stops the others nor leaves half of its data behind.

Waits are bounded: a unit whose next rate-limit or retry wait would pass ``[sync] max_wait``
(or the run's ``max_wait_run``) is *deferred*: nothing of it is written, its cursor stays, and
the next sync resumes it. Ctrl-C stops the run at once; :class:`SyncInterrupted` carries what
was saved and what was not.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from smmcore.contracts import NoData, SourceContext, SourceError, SyncUnit
from smmcore.errors import SmmError
from smmcore.registry import resolve_reference

if TYPE_CHECKING:
    import httpx

    from smmcore.config import ChannelConfig
    from smmcore.http import WaitEvent
    from smmcore.plugins import PluginHost
    from smmcore.store import Store
    from smmcore.workspace import Workspace

CONCURRENCY = 32
"""Units fetched at the same time (the HTTP layer enforces the per-host limits)."""


# ------------------------------------------------------------------ report


@dataclass
class UnitResult:
    """How one unit went.

    :param written: rows received and written per store table (empty when it failed).
    :param error: the cause of a failure: a SourceError's message and hint, or the type and
        message of an unexpected exception; for a deferred unit, why and until when.
    :param status: ``ok``; ``failed``; ``deferred`` (a wait longer than the cap: nothing
        written, the next sync resumes it); ``interrupted`` (Ctrl-C before it was saved).
    :param retry_at: for a deferred unit, when the network said it answers again (UTC).
    :param no_data: configured channels the unit found no rows for (status ``no_data``: what
        it found is saved), each ``{"channel", "detail", "expected"}``.
    :param waits: the waits it made (rate limits, retries), in order, as announced.
    """

    key: str
    source: str
    network: str
    account: str | None
    status: Literal["ok", "failed", "deferred", "interrupted", "no_data"]
    written: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0
    retry_at: datetime | None = None
    no_data: list[dict[str, Any]] = field(default_factory=list)
    waits: list[WaitEvent] = field(default_factory=list)

    @property
    def saved(self) -> bool:
        """Whether the unit's records and cursor were written (``ok`` or ``no_data``)."""
        return self.status in ("ok", "no_data")

    @property
    def records(self) -> int:
        """Rows written, all tables together."""
        return sum(self.written.values())


@dataclass
class SyncReport:
    """The outcome of a sync run, one :class:`UnitResult` per unit in plan order."""

    units: list[UnitResult] = field(default_factory=list)
    started_at: datetime | None = None
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        """Whether no unit failed, no configured channel got no data unexpectedly, and the run
        was not interrupted (deferred units are not failures: the next sync resumes them)."""
        return not self.interrupted and not self.failed and not self.no_data

    @property
    def no_data(self) -> list[dict[str, Any]]:
        """The configured channels that got no rows and were expected to have some."""
        return [c for u in self.units for c in u.no_data if not c["expected"]]

    @property
    def failed(self) -> list[UnitResult]:
        """The units that failed."""
        return [u for u in self.units if u.status == "failed"]

    @property
    def deferred(self) -> list[UnitResult]:
        """The units deferred to the next sync (a wait longer than the cap)."""
        return [u for u in self.units if u.status == "deferred"]

    @property
    def not_saved(self) -> list[UnitResult]:
        """The units that wrote nothing in this run (failed, deferred or interrupted)."""
        return [u for u in self.units if not u.saved]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready summary (``smm sync --json``)."""
        return {
            "ok": self.ok,
            "interrupted": self.interrupted,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "seconds": round(self.seconds, 3),
            "totals": self.totals(),
            "units": [
                {
                    "key": u.key,
                    "source": u.source,
                    "network": u.network,
                    "account": u.account,
                    "status": u.status,
                    "written": u.written,
                    "error": u.error,
                    "seconds": round(u.seconds, 3),
                    "retry_at": u.retry_at.isoformat() if u.retry_at else None,
                    "no_data": u.no_data,
                }
                for u in self.units
            ],
        }

    @property
    def waits(self) -> list[WaitEvent]:
        """Every wait of every unit (rate limits, retries), unit by unit."""
        return [wait for unit in self.units for wait in unit.waits]

    def totals(self) -> dict[str, int]:
        """Rows written per table over all units."""
        total: dict[str, int] = {}
        for unit in self.units:
            for table, count in unit.written.items():
                total[table] = total.get(table, 0) + count
        return total


SyncResult = SyncReport
"""The name the Python API gives :class:`SyncReport` (``smmcore.SyncResult``)."""


class SyncProgress:
    """Receives progress events; the default does nothing. The CLI shows rich bars on a
    terminal and plain log lines otherwise."""

    def start(self, units: Sequence[SyncUnit]) -> None:
        """The planned units, before any runs."""

    def unit_started(self, unit: SyncUnit) -> None:
        """A unit began fetching."""

    def unit_records(self, unit: SyncUnit, records: int) -> None:
        """A unit has received ``records`` rows so far."""

    def unit_waiting(self, unit: SyncUnit, event: WaitEvent) -> None:
        """A unit started a long wait (``event.seconds > 0``) or finished it (``0``); the
        announcement line itself comes through :meth:`log`."""

    def unit_done(self, result: UnitResult) -> None:
        """A unit finished (written, failed or deferred)."""

    def log(self, line: str) -> None:
        """A line of text from the pipeline or a source."""

    def finish(self, report: SyncReport) -> None:
        """Every unit finished."""


# ------------------------------------------------------------------ helpers


def _open_http_client(log: Any = None, **kwargs: Any) -> httpx.AsyncClient:
    """The ONE HTTP client of a sync run: the shared polite client of :mod:`smmcore.http`
    (per-host limits, rate limits, retries, announced and capped waits)."""
    from smmcore.http import open_client

    return open_client(on_wait=log, **kwargs)


def parse_since(value: str | date | datetime | None, timezone: str = "UTC") -> datetime | None:
    """``--since``: ``YYYY-MM-DD`` (midnight in the client's time zone), an ISO 8601 time
    with offset, or ``Nd`` (N days ago)."""
    from zoneinfo import ZoneInfo

    if value is None or value == "":
        return None
    tz = ZoneInfo(timezone)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=tz)
    text = value.strip()
    if text.endswith("d") and text[:-1].isdigit():
        return datetime.now(UTC) - timedelta(days=int(text[:-1]))
    try:
        if len(text) == 10:
            return parse_since(date.fromisoformat(text), timezone)
        return parse_since(datetime.fromisoformat(text), timezone)
    except ValueError:
        raise SmmError(
            f"cannot read the date {value!r}",
            hint="use YYYY-MM-DD, an ISO 8601 time such as 2026-01-31T08:00:00+01:00, or 30d",
        ) from None


def _select(
    entries: list[tuple[str, bool, ChannelConfig]], wanted: Sequence[str] | None
) -> list[tuple[str, bool, ChannelConfig]]:
    if not wanted:
        return entries
    chosen = []
    for spec in wanted:
        network, sep, handle = spec.partition(":")
        handle = handle.strip().removeprefix("@")
        if not sep or not network or not handle:
            raise SmmError(
                f"--channel {spec!r}: expected NETWORK:HANDLE", hint="e.g. --channel mastodon:forno"
            )
        found = [e for e in entries if e[2].network == network and e[2].account == handle]
        if not found:
            known = ", ".join(f"{c.network}:{c.account}" for _, _, c in entries) or "none"
            raise SmmError(
                f"--channel {spec!r} is not a channel of this workspace (channels: {known})",
                hint="add it to smm.toml, or check the spelling",
            )
        chosen.extend(e for e in found if e not in chosen)
    return chosen


def _scrubber(ws: Workspace) -> Callable[[str], str]:
    """A function that hides the workspace's secrets in a line of text."""
    from smmcore.redact import redact_text

    secrets = sorted(ws.secret_values(), key=len, reverse=True)

    def scrub(text: str) -> str:
        text = redact_text(text)  # credentials in URLs (channel URLs, API errors)
        for secret in secrets:
            text = text.replace(secret, "***")
        return text

    return scrub


class _ScrubbedProgress(SyncProgress):
    """Forwards events, with secrets removed from log lines and errors."""

    def __init__(self, inner: SyncProgress, scrub: Callable[[str], str]) -> None:
        self.inner = inner
        self.scrub = scrub

    def start(self, units: Sequence[SyncUnit]) -> None:
        self.inner.start(units)

    def unit_started(self, unit: SyncUnit) -> None:
        self.inner.unit_started(unit)

    def unit_records(self, unit: SyncUnit, records: int) -> None:
        self.inner.unit_records(unit, records)

    def unit_waiting(self, unit: SyncUnit, event: WaitEvent) -> None:
        method = getattr(self.inner, "unit_waiting", None)
        if method is not None:
            method(unit, event)

    def unit_done(self, result: UnitResult) -> None:
        self.inner.unit_done(result)

    def log(self, line: str) -> None:
        self.inner.log(self.scrub(line))

    def finish(self, report: SyncReport) -> None:
        self.inner.finish(report)


def describe_error(exc: BaseException) -> str:
    """The cause of a unit failure as shown to the user."""
    if isinstance(exc, SourceError):
        return str(exc)
    if isinstance(exc, SmmError):
        return exc.format_message()
    from smmcore.errors import explain_environment

    fault = explain_environment(exc)
    if fault is not None:
        return fault.format_message()
    errors = getattr(exc, "errors", None)
    if type(exc).__name__ == "ValidationError" and callable(errors):
        # a record the source could not build: say which model, field and value
        parts = []
        for error in errors()[:3]:
            where = ".".join(str(p) for p in error.get("loc", ())) or "(record)"
            parts.append(f"{where}: {error.get('msg', '')} (got {error.get('input')!r:.60})")
        title = getattr(exc, "title", "record")
        return f"the source built an invalid {title} record: " + "; ".join(parts)
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@dataclass
class PlannedUnit:
    """A unit to run with the source instance that runs it, or the reason it cannot run."""

    unit: SyncUnit
    source: Any = None
    error: str | None = None
    metrics: frozenset[str] = frozenset()
    """The extra metrics the source declares (``SourceSpec.metrics``)."""


def _check_declared(item: Any, planned: PlannedUnit) -> None:
    """Refuse an extra metric the source did not declare (``SourceSpec.metrics``): it would
    be stored without a unit or a description anyone could read."""
    from smmcore.contracts import RecordBatch
    from smmcore.models import ExtraMetric

    if isinstance(item, ExtraMetric):
        names = {item.metric}
    elif isinstance(item, RecordBatch) and item.table == "post_metrics_extra":
        data = item.columns
        if hasattr(data, "column_names"):  # a pyarrow.Table
            values = data.column("metric").to_pylist() if "metric" in data.column_names else []
        else:
            values = list(data.get("metric", []))
        names = {str(v) for v in values}
    else:
        return
    undeclared = sorted(names - planned.metrics)
    if undeclared:
        raise SmmError(
            f"source {planned.unit.source!r} yields the metric(s) {', '.join(undeclared)} it "
            "does not declare",
            hint="declare each in its SourceSpec(metrics=(MetricSpec(name, unit, description),))",
        )


def _channel_loc(ws: Workspace, channel: ChannelConfig) -> tuple[Any, ...]:
    for i, ch in enumerate(ws.config.channels):
        if ch is channel:
            return ("channels", i, "options")
    for j, comp in enumerate(ws.config.competitors):
        for k, ch in enumerate(comp.channels):
            if ch is channel:
                return ("competitors", j, "channels", k, "options")
    return ("options",)


def _check_options(
    ws: Workspace, spec: Any, chans: list[ChannelConfig], planned: list[PlannedUnit]
) -> list[ChannelConfig]:
    """The channels whose ``options`` the source's options model accepts; each other one
    becomes a failed unit naming the key, its line and the closest known key."""
    if not getattr(spec, "options", None):
        return chans
    from pydantic import ValidationError

    from smmcore.workspace import CONFIG_FILE, toml_lines, validation_problems

    model = resolve_reference(spec.options)
    good = []
    for ch in chans:
        try:
            model.model_validate(dict(ch.options))
        except ValidationError as exc:
            problems = validation_problems(
                exc, CONFIG_FILE, toml_lines(ws.text), _channel_loc(ws, ch), model=model
            )
            planned.append(
                PlannedUnit(
                    SyncUnit(spec.name, f"{spec.name}:{ch.network}:{ch.account}", ch.network,
                             ch.account),
                    error=f"invalid channel options for source {spec.name!r}: "
                    + "; ".join(problems),
                )
            )  # fmt: skip
            continue
        good.append(ch)
    return good


def plan_units(
    ws: Workspace, host: PluginHost, channels: Sequence[str] | None = None
) -> list[PlannedUnit]:
    """Resolve each selected channel to its source and let the source plan its units. A
    channel whose source is missing or cannot start becomes a failed unit with the cause."""
    entries = _select(ws.config.all_channels(), channels)
    groups: dict[str, list[ChannelConfig]] = {}
    planned: list[PlannedUnit] = []
    for _owner, _is_client, channel in entries:
        name = channel.source
        if name is None:
            spec = host.source_for(channel.network)
            if spec is None:
                planned.append(
                    PlannedUnit(
                        SyncUnit(
                            "",
                            f"{channel.network}:{channel.account}",
                            channel.network,
                            channel.account,
                        ),
                        error=f"no source plugin serves the network {channel.network!r}; "
                        "install one ('smm plugins list' shows what is installed) or set "
                        "'source' on the channel",
                    )
                )
                continue
            name = spec.name
        groups.setdefault(name, []).append(channel)
    sources = host.sources()
    for name, chans in groups.items():
        try:
            spec = sources.get(name)
            if spec is None:
                raise SmmError(
                    f"no source named {name!r} (available: {', '.join(sorted(sources)) or 'none'})",
                    hint="fix 'source' in smm.toml or install the plugin",
                )
            source = host.implementation(spec, ws)
            chans = _check_options(ws, spec, chans, planned)
            units = source.plan(chans) if chans else []
        except Exception as exc:
            reason = _scrubber(ws)(describe_error(exc))
            for ch in chans:
                planned.append(
                    PlannedUnit(
                        SyncUnit(name, f"{name}:{ch.network}:{ch.account}", ch.network, ch.account),
                        error=f"source {name!r} cannot start: {reason}",
                    )
                )
            continue
        metrics = frozenset(m.name for m in getattr(spec, "metrics", ()))
        planned.extend(PlannedUnit(unit, source=source, metrics=metrics) for unit in units)
    return planned


# ------------------------------------------------------------------ running


class _Committer:
    """Writes finished units in a worker thread, one DuckDB writer at a time, while the
    event loop keeps fetching. Units that finish while a commit runs are committed together
    by the next one (:meth:`Store.commit_units`: each unit still all or nothing)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pending: list[tuple[Any, asyncio.Future[None]]] = []
        self.task: asyncio.Task[None] | None = None
        self.committed: set[str] = set()
        """Keys of the units whose commit succeeded (read after an interruption)."""

    async def commit(self, writer: Any) -> None:
        """Commit ``writer``; raises what its commit raised."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.pending.append((writer, future))
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run())
        await asyncio.shield(future)

    async def drain(self) -> None:
        """Wait for the commit in progress (after a cancellation, before closing the store)."""
        while self.task is not None and not self.task.done():
            await asyncio.wait({self.task})

    async def _run(self) -> None:
        while self.pending:
            batch, self.pending = self.pending, []
            try:
                errors = await asyncio.to_thread(
                    self.store.commit_units, [writer for writer, _ in batch]
                )
            except Exception as exc:  # the store itself broke: every unit of it fails
                errors = [exc] * len(batch)
            for (writer, future), error in zip(batch, errors, strict=True):
                if error is None and getattr(writer, "unit_key", None):
                    self.committed.add(writer.unit_key)
                if future.done():
                    continue
                if error is None:
                    future.set_result(None)
                else:
                    future.set_exception(error)


async def _run_unit(
    planned: PlannedUnit,
    store: Store,
    committer: _Committer,
    semaphore: asyncio.Semaphore,
    base: dict[str, Any],
    progress: _ScrubbedProgress,
    run_waits: Any = None,
    max_wait: float | None = None,
    results: dict[str, UnitResult] | None = None,
    expected_empty: frozenset[str] = frozenset(),
) -> UnitResult:
    from smmcore.http import WaitDeferred, WaitScope, wait_scope

    unit = planned.unit
    result = UnitResult(unit.key, unit.source, unit.network, unit.account, "failed")
    if results is not None:
        results[unit.key] = result
    if planned.error is not None:
        result.error = planned.error
        if unit.source:
            store.record_error(unit.key, unit.source, planned.error)
        progress.unit_done(result)
        return result
    async with semaphore:
        start = time.perf_counter()
        progress.unit_started(unit)
        # DuckDB work runs in a worker thread (it releases the GIL), so a large commit does
        # not stall the other units' network I/O; the store's lock serializes it.
        cursor = None if base["full"] else await asyncio.to_thread(store.get_cursor, unit.key)
        ctx = SourceContext(
            cursor=cursor, log=lambda line: progress.log(f"{unit.key}: {line}"), **base
        )
        writer = store.unit_writer(unit.key, unit.source, auto_stage=False)
        scope = WaitScope(
            label=unit.key,
            limit=max_wait,
            run=run_waits,
            on_wait=lambda event: _waited(result, unit, event, progress),
        )
        scope_cm = wait_scope(scope)
        scope_cm.__enter__()
        try:
            items = planned.source.fetch(unit, ctx)
            if inspect.isawaitable(items):
                items = await items
            if hasattr(items, "__aiter__"):
                async for item in items:
                    if isinstance(item, NoData):
                        result.no_data.append(_no_data(item, expected_empty))
                        continue
                    _check_declared(item, planned)
                    writer.add(item)
                    progress.unit_records(unit, sum(writer.counts.values()))
                    if writer.needs_staging:
                        await asyncio.to_thread(writer.stage)
            else:
                for item in items:
                    if isinstance(item, NoData):
                        result.no_data.append(_no_data(item, expected_empty))
                        continue
                    _check_declared(item, planned)
                    writer.add(item)
                    progress.unit_records(unit, sum(writer.counts.values()))
                    if writer.needs_staging:
                        await asyncio.to_thread(writer.stage)
            if scope.deferred is not None:  # the source caught the refusal and went on
                raise scope.deferred
            await committer.commit(writer)
            result.status = "no_data" if result.no_data else "ok"
            result.written = dict(writer.counts)
        except Exception as exc:
            writer.discard()
            deferred = scope.deferred or (exc if isinstance(exc, WaitDeferred) else None)
            if deferred is not None:
                result.status = "deferred"
                result.retry_at = deferred.retry_at
                exc = deferred
            result.error = progress.scrub(describe_error(exc))
            try:
                await asyncio.to_thread(store.record_error, unit.key, unit.source, result.error)
            except Exception as again:  # the store itself is failing: say so, keep going
                result.error += f" (and recording the error failed: {again})"
        except BaseException:
            writer.discard()
            result.status = "interrupted"
            result.error = "interrupted before it was saved"
            result.seconds = time.perf_counter() - start
            raise
        finally:
            scope_cm.__exit__(None, None, None)
        result.seconds = time.perf_counter() - start
    progress.unit_done(result)
    return result


async def sync_async(
    workspace: Workspace,
    host: PluginHost,
    channels: Sequence[str] | None = None,
    since: str | date | datetime | None = None,
    full: bool = False,
    options: Mapping[str, Any] | None = None,
    progress: SyncProgress | None = None,
    store: Store | None = None,
    concurrency: int = CONCURRENCY,
    report: SyncReport | None = None,
    max_wait: float | None = None,
    max_wait_run: float | None = None,
    http_options: Mapping[str, Any] | None = None,
    units: Sequence[str] | None = None,
) -> SyncReport:
    """The asynchronous form of :func:`run_sync` (for callers already in an event loop).

    :param units: run only the planned units with these keys (a queue worker's one unit).

    :param report: an empty report to fill (the caller keeps it to read what was saved when
        the run is cancelled).
    :param http_options: extra arguments for :func:`smmcore.http.open_client` (tests inject
        ``clock`` and ``sleep``).
    """
    from smmcore.http import RunWaits

    progress = _ScrubbedProgress(progress or SyncProgress(), _scrubber(workspace))
    report = report if report is not None else SyncReport()
    report.started_at = datetime.now(UTC)
    start = time.perf_counter()
    settings = workspace.config.sync
    unit_cap = settings.max_wait if max_wait is None else max_wait
    run_waits = RunWaits(settings.max_wait_run if max_wait_run is None else max_wait_run)
    since_at = parse_since(since, workspace.config.client.timezone)
    planned = plan_units(workspace, host, channels)
    if units is not None:
        planned = [p for p in planned if p.unit.key in set(units)]
    own_store = store is None
    if store is None:
        store = workspace.open_store()
    try:
        progress.start([p.unit for p in planned])
        http = _open_http_client(progress.log, **dict(http_options or {}))
        committer = _Committer(store)
        results: dict[str, UnitResult] = {}
        try:
            base = {
                "since": since_at,
                "full": full,
                "http": http,
                "workspace_dir": workspace.dir,
                "now": report.started_at,
                "options": dict(options or {}),
                "timezone": workspace.config.client.timezone,
            }
            semaphore = asyncio.Semaphore(max(1, concurrency))
            try:
                report.units = list(
                    await asyncio.gather(
                        *(
                            _run_unit(
                                p,
                                store,
                                committer,
                                semaphore,
                                base,
                                progress,
                                run_waits,
                                unit_cap,
                                results,
                                _expected_empty(workspace, options),
                            )
                            for p in planned
                        )
                    )
                )
            except BaseException:
                # Ctrl-C (or a cancelled caller): let a commit in progress finish, then say
                # which units were saved; the others resume from their cursors next time.
                await asyncio.shield(committer.drain())
                report.interrupted = True
                report.units = [_settled(p.unit, results, committer) for p in planned]
                raise
            if channels is None and (options or {}).get("keywords", True):
                # a full sync also refreshes the tracked keywords; failures are only logged
                from smmcore.http import WaitScope, wait_scope
                from smmcore.keywords import refresh_workspace_keywords_async

                # the keyword tools' waits count against the same caps as a unit's
                with wait_scope(WaitScope(label="keywords", limit=unit_cap, run=run_waits)):
                    await refresh_workspace_keywords_async(workspace, host, store, log=progress.log)
        finally:
            await http.aclose()
    finally:
        if own_store:
            store.close()
        report.seconds = time.perf_counter() - start
    progress.finish(report)
    return report


def _expected_empty(workspace: Workspace, options: Mapping[str, Any] | None) -> frozenset[str]:
    """The channels for which no data is not a failure: ``expect_data = false`` in
    smm.toml, or every channel with ``--allow-no-data``."""
    everything = bool((options or {}).get("allow_no_data"))
    return frozenset(
        f"{c.network}:{c.account}"
        for _owner, _client, c in workspace.config.all_channels()
        if everything or not c.expect_data
    )


def _no_data(item: NoData, expected_empty: frozenset[str]) -> dict[str, Any]:
    return {
        "channel": item.channel,
        "detail": item.detail,
        "expected": item.channel in expected_empty,
    }


def _settled(unit: SyncUnit, results: dict[str, UnitResult], committer: _Committer) -> UnitResult:
    """A unit's result after an interruption: its own if it finished, else ``interrupted``
    (or ``ok`` when its commit went through while the run was being stopped)."""
    result = results.get(unit.key)
    if result is None:
        result = UnitResult(unit.key, unit.source, unit.network, unit.account, "interrupted")
        result.error = "not started"
    if result.status == "interrupted" and unit.key in committer.committed:
        result.status, result.error = "ok", None
    elif result.status == "failed" and result.error is None:
        result.status, result.error = "interrupted", "interrupted before it was saved"
    return result


def _waited(result: UnitResult, unit: SyncUnit, event: WaitEvent, progress: SyncProgress) -> None:
    if event.seconds > 0:
        result.waits.append(event)
    progress.unit_waiting(unit, event)


class SyncInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped :func:`run_sync`; ``report`` says which units were saved."""

    def __init__(self, report: SyncReport) -> None:
        super().__init__("sync interrupted")
        self.report = report


def run_sync(
    workspace: Workspace,
    host: PluginHost,
    channels: Sequence[str] | None = None,
    since: str | date | datetime | None = None,
    full: bool = False,
    options: Mapping[str, Any] | None = None,
    progress: SyncProgress | None = None,
    store: Store | None = None,
    concurrency: int = CONCURRENCY,
    max_wait: float | None = None,
    max_wait_run: float | None = None,
    http_options: Mapping[str, Any] | None = None,
    units: Sequence[str] | None = None,
) -> SyncReport:
    """Sync the workspace's channels (or only ``channels``, as ``NETWORK:HANDLE``) into its
    store and return the :class:`SyncReport`.

    :param since: only content created from then on (``YYYY-MM-DD``, ISO 8601, ``30d``).
    :param full: ignore the saved cursors and fetch everything the sources can reach.
    :param options: run-level options handed to every source (``{"skip_bad": True}``).
    :param units: run only the planned units with these keys (a queue worker's unit).
    :param store: an already open store to write to (default: open and close the
        workspace's own).
    :param max_wait: seconds of waits one unit may make (default ``[sync] max_wait``).
    :param max_wait_run: seconds of waiting for the whole run (default ``[sync] max_wait_run``).

    Raises :class:`~smmcore.errors.SmmError` only for problems of the whole run (an unknown
    ``--channel``, a locked store); a failing unit is reported, never raised. Ctrl-C raises
    :class:`SyncInterrupted` with the report of what was saved.
    """
    report = SyncReport()
    try:
        return asyncio.run(
            sync_async(
                workspace,
                host,
                channels=channels,
                since=since,
                full=full,
                options=options,
                progress=progress,
                store=store,
                concurrency=concurrency,
                report=report,
                max_wait=max_wait,
                max_wait_run=max_wait_run,
                http_options=http_options,
                units=units,
            )
        )
    except KeyboardInterrupt as exc:
        if not report.interrupted:  # stopped before any unit ran
            raise
        raise SyncInterrupted(report) from exc
