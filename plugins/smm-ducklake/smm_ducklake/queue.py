"""The team's sync queue: procrastinate (a PostgreSQL task queue) in the lake's catalog database.

``smm sync --queue`` plans every unit of the workspace(s) and defers one job per unit
(``smm.sync_unit``: the workspace folder and the unit key). ``smm worker`` on any machine runs
procrastinate's worker: it takes a job, syncs that one unit through the ordinary pipeline
(per-host limits, retries, cursors) into the lake, and records the outcome.

* A unit is queued once: deferring a unit that waits in the queue already is refused by
  procrastinate's ``queueing_lock``; the job ``lock`` keeps two workers off the same unit.
* A unit that fails is retried (``RETRY``) and then marked failed; ``smm sync --status`` shows
  every job with its attempts.
* A worker that dies mid-unit stops sending heartbeats; every worker looks for jobs of stalled
  workers (no heartbeat for ``STALLED_AFTER`` seconds) when it starts and then periodically,
  and retries them. The unit's data went in one transaction or not at all, and the store's
  natural keys make a second run store nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from smmcore.errors import SmmError

TASK = "smm.sync_unit"
QUEUE = "smm-sync"
HEARTBEAT = 2.0
"""Seconds between a worker's heartbeats."""
STALLED_AFTER = 30.0
"""A worker silent this long is dead: its jobs are retried by another (``smm worker
--stalled-after``)."""
RETRY_ATTEMPTS = 3
"""Attempts of a failing unit (procrastinate's retry strategy, exponential wait)."""


class UnitFailed(Exception):
    """The unit ran and failed: procrastinate retries it, then marks it failed."""


def make_app(conninfo: str) -> Any:
    """The procrastinate app on the catalog's PostgreSQL, with the sync task registered."""
    import procrastinate

    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo),
    )

    @app.task(
        name=TASK,
        queue=QUEUE,
        retry=procrastinate.RetryStrategy(max_attempts=RETRY_ATTEMPTS, exponential_wait=2),
        pass_context=True,
    )
    def sync_unit(
        context: Any, workspace: str, unit: str, channel: str | None = None
    ) -> dict[str, Any]:
        # a plain function: procrastinate runs it in a thread, so the unit's own event loop
        # and CPU work never delay this worker's heartbeats
        return run_unit(workspace, unit, channel, worker=context.worker_name)

    return app


class GroupCommits:
    """A worker's open store whose commits are grouped: units of this worker that finish
    while another of its units commits are written together, in ONE lake transaction
    (:meth:`smmcore.store.Store.commit_units`: each unit still all or nothing, a failing one
    written again alone), so a worker with ``--concurrency`` pays one catalog commit (and one
    turn of the workspace's lock) for several units instead of one each.

    Everything but :meth:`commit_units` is the store's own."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._turn = threading.Lock()  # one leader commits at a time
        self._queue = threading.Lock()
        self._pending: list[_Slot] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def commit_units(self, writers: Sequence[Any]) -> list[BaseException | None]:
        """Commit ``writers`` (with whatever other units of this worker wait); per writer,
        ``None`` or the error that kept its unit from being written."""
        slot = _Slot(list(writers))
        with self._queue:
            self._pending.append(slot)
        with self._turn:
            if slot.errors is None:  # nobody took it along: lead a commit of all waiting
                with self._queue:
                    batch, self._pending = self._pending, []
                everyone = [w for s in batch for w in s.writers]
                try:
                    errors = self.store.commit_units(everyone)
                except Exception as exc:  # the store itself broke: every unit fails
                    errors = [exc] * len(everyone)
                start = 0
                for s in batch:
                    s.errors = errors[start : start + len(s.writers)]
                    start += len(s.writers)
        return slot.errors or []


class _Slot:
    def __init__(self, writers: list[Any]) -> None:
        self.writers = writers
        self.errors: list[BaseException | None] | None = None


_open: dict[str, tuple[float, Any, Any, Any]] = {}
"""Workspace folder -> (smm.toml mtime, workspace, plugin host, open store): a worker keeps
each workspace's lake attached between its units (attaching costs a catalog round trip)."""
_open_lock = threading.Lock()


def _workspace(folder: str) -> tuple[Any, Any, Any]:
    """The loaded workspace, plugin host and open store of ``folder`` (reloaded when its
    smm.toml changed)."""
    from smmcore.plugins import PluginHost
    from smmcore.workspace import CONFIG_FILE, load_workspace

    mtime = (Path(folder) / CONFIG_FILE).stat().st_mtime
    with _open_lock:
        cached = _open.get(folder)
        if cached is not None and cached[0] == mtime:
            return cached[1], cached[2], cached[3]
        if cached is not None:
            cached[3].close()
        ws = load_workspace(folder)
        host = PluginHost()
        store = GroupCommits(ws.open_store())
        _open[folder] = (mtime, ws, host, store)
        return ws, host, store


def close_workspaces() -> None:
    """Close every store a worker kept open."""
    with _open_lock:
        for _mtime, _ws, _host, store in _open.values():
            with contextlib.suppress(Exception):
                store.close()
        _open.clear()


def run_unit(
    workspace: str, unit: str, channel: str | None = None, worker: str | None = None
) -> dict[str, Any]:
    """Sync one unit of the workspace in ``workspace`` (a folder) into its store (planning
    only ``channel``, ``NETWORK:HANDLE``, when given)."""
    import click

    from smmcore.sync import run_sync

    ws, host, store = _workspace(workspace)
    click.echo(f"worker: {workspace} {unit}: started", err=True)
    channels = [channel] if channel else None
    try:
        report = run_sync(
            ws, host, channels, units=[unit], options={"keywords": False}, store=store
        )
    except SmmError:
        if channels is None:
            raise
        # the channel left smm.toml or changed: plan every channel to find the unit
        report = run_sync(ws, host, units=[unit], options={"keywords": False}, store=store)
    if not report.units:
        raise UnitFailed(f"{unit}: no such unit in {workspace} any more (smm.toml changed?)")
    result = report.units[0]
    if result.status in ("failed", "deferred", "interrupted"):
        raise UnitFailed(f"{unit}: {result.status}: {result.error}")
    written = ", ".join(f"{t} {n:,}" for t, n in result.written.items()) or "nothing new"
    click.echo(f"worker: {workspace} {unit}: {result.status} ({written})", err=True)
    return {"status": result.status, "written": result.written, "worker": worker}


async def ensure_schema(app: Any) -> None:
    """Create procrastinate's tables in the catalog database unless they exist."""
    async with app.open_async():
        connector = app.connector
        found = await connector.execute_query_one_async(
            "SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS found"
        )
        if not found["found"]:
            with contextlib.suppress(Exception):  # another process created it meanwhile
                await app.schema_manager.apply_schema_async()


async def retry_stalled(app: Any, stalled_after: float = STALLED_AFTER) -> list[int]:
    """Retry the jobs of workers silent for ``stalled_after`` seconds; their ids."""
    retried = []
    for job in await app.job_manager.get_stalled_jobs(
        queue=QUEUE, seconds_since_heartbeat=stalled_after
    ):
        await app.job_manager.retry_job(job)
        retried.append(job.id)
    await app.job_manager.prune_stalled_workers(stalled_after)
    return retried


class TeamQueue:
    """The sync queue of a lake whose catalog is PostgreSQL (see the module docstring)."""

    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo

    def enqueue(self, workspaces: Sequence[Any], host: Any = None) -> list[tuple[str, str, str]]:
        """Queue every unit of every workspace; ``(workspace, unit, outcome)`` rows."""
        from smmcore.plugins import PluginHost
        from smmcore.sync import plan_units

        host = host or PluginHost()
        planned: list[tuple[str, str, str | None, str | None]] = []
        for ws in workspaces:
            folder = str(Path(ws.dir).resolve())
            channels = {(c.network, c.account) for _o, _c, c in ws.config.all_channels()}
            for p in plan_units(ws, host):
                unit = p.unit
                # a unit of one configured channel is planned again from that channel alone
                one = unit.account is not None and (unit.network, unit.account) in channels
                channel = f"{unit.network}:{unit.account}" if one else None
                planned.append((folder, unit.key, p.error, channel))
        return asyncio.run(self._defer(planned))

    async def _defer(
        self, planned: list[tuple[str, str, str | None, str | None]]
    ) -> list[tuple[str, str, str]]:
        import procrastinate.exceptions

        app = make_app(self.conninfo)
        await ensure_schema(app)
        rows = []
        async with app.open_async():
            task = app.tasks[TASK]
            for folder, unit, error, channel in planned:
                if error:
                    rows.append((folder, unit, f"not queued: {error}"))
                    continue
                key = f"{folder}|{unit}"
                try:
                    await task.configure(queueing_lock=key, lock=key).defer_async(
                        workspace=folder, unit=unit, channel=channel
                    )
                    rows.append((folder, unit, "queued"))
                except procrastinate.exceptions.AlreadyEnqueued:
                    rows.append((folder, unit, "already queued"))
        return rows

    def status(self, workspaces: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Every job of the queue (of ``workspaces`` only, when given), oldest first."""
        import psycopg
        from psycopg.rows import dict_row

        folders = [str(Path(ws.dir).resolve()) for ws in workspaces or []]
        with psycopg.connect(self.conninfo, row_factory=dict_row) as con:
            found = con.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS f")
            if not found.fetchone()["f"]:
                return []
            rows = con.execute(
                "SELECT j.id, j.args->>'workspace' AS workspace, j.args->>'unit' AS unit, "
                "j.status::text AS status, j.attempts, "
                "(SELECT max(e.at) FROM procrastinate_events e WHERE e.job_id = j.id) "
                "AS updated_at FROM procrastinate_jobs j WHERE j.task_name = %s "
                "ORDER BY j.id",
                [TASK],
            ).fetchall()
        if folders:
            rows = [r for r in rows if r["workspace"] in folders]
        return rows


def make_queue(workspace: Any, settings: Any, host: Any = None) -> TeamQueue:
    """The queue of a ``ducklake`` workspace (the ``queue`` of its registration)."""
    from smm_ducklake.backend import make_backend

    backend = make_backend(workspace, settings)
    if backend.catalog_kind != "postgres":
        raise SmmError(
            "the sync queue lives in the lake's PostgreSQL catalog; this lake's catalog is "
            f"{backend.catalog}",
            hint='set [store] catalog = "postgres:dbname=... host=... user=..." to share '
            "the lake and its queue between machines",
        )
    return TeamQueue(backend.conninfo)


def to_json(rows: list[dict[str, Any]]) -> str:
    """The status rows as JSON (times as ISO 8601)."""
    return json.dumps(rows, indent=2, default=str)
