"""``smm sync``: bring the workspace's channels into its history store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from smmcore.cli.app import App, pass_app

if TYPE_CHECKING:
    from smmcore.contracts import SyncUnit
    from smmcore.events import SyncEvent
    from smmcore.http import WaitEvent
    from smmcore.sync import SyncReport, UnitResult


def _written(result: UnitResult) -> str:
    return ", ".join(f"{table} {count:,}" for table, count in result.written.items()) or "-"


class PlainProgress:
    """Renders the sync's progress events (:mod:`smmcore.events`) as one log line each, to
    stderr (when the output is not a terminal)."""

    def __init__(self) -> None:
        self.echo = lambda line: click.echo(f"sync: {line}", err=True)

    def __call__(self, event: SyncEvent) -> None:
        from smmcore import events

        match event:
            case events.SyncStarted(units=units):
                self.start(list(units))
            case events.UnitStarted(unit=unit):
                self.unit_started(unit)
            case events.UnitRecords(unit=unit, records=records):
                self.unit_records(unit, records)
            case events.UnitWaiting(unit=unit, wait=wait):
                self.unit_waiting(unit, wait)
            case events.UnitFinished(result=result):
                self.unit_done(result)
            case events.LogLine(text=text):
                self.log(text)
            case events.SyncFinished(result=result):
                self.finish(result)

    def start(self, units: list[SyncUnit]) -> None:
        self.echo(f"{len(units)} unit(s) to sync")

    def unit_started(self, unit: SyncUnit) -> None:
        self.echo(f"{unit.key}: started")

    def unit_records(self, unit: SyncUnit, records: int) -> None:
        pass

    def unit_done(self, result: UnitResult) -> None:
        if result.status == "ok":
            self.echo(f"{result.key}: ok, {_written(result)} ({result.seconds:.1f} s)")
        elif result.status == "no_data":
            self.echo(f"{result.key}: saved {_written(result)}; {_no_data_text(result)}")
        elif result.status == "deferred":
            self.echo(f"{result.key}: DEFERRED: {result.error}")
        elif result.status == "interrupted":
            self.echo(f"{result.key}: interrupted, nothing saved")
        else:
            self.echo(f"{result.key}: FAILED: {result.error}")

    def unit_waiting(self, unit: SyncUnit, event: WaitEvent) -> None:
        pass  # the announcement line arrives through log()

    def log(self, line: str) -> None:
        self.echo(line)

    def finish(self, report: SyncReport) -> None:
        pass

    def close(self) -> None:
        """Release the terminal (idempotent)."""


class RichProgress(PlainProgress):
    """A progress line per unit (rich), on a terminal."""

    def __init__(self) -> None:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        from smmcore.safeout import safe_console

        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.completed:,.0f} records"),
            TimeElapsedColumn(),
            console=safe_console(stderr=True),
            transient=False,
        )
        self.tasks: dict[str, Any] = {}
        self.echo = lambda line: self.progress.console.print(line, markup=False, highlight=False)

    def start(self, units: list[SyncUnit]) -> None:
        self.progress.start()
        for unit in units:
            self.tasks[unit.key] = self.progress.add_task(unit.key, total=None, start=False)

    def unit_started(self, unit: SyncUnit) -> None:
        task = self.tasks.get(unit.key)
        if task is not None:
            self.progress.start_task(task)

    def unit_records(self, unit: SyncUnit, records: int) -> None:
        task = self.tasks.get(unit.key)
        if task is not None:
            self.progress.update(task, completed=records)

    def unit_waiting(self, unit: SyncUnit, event: WaitEvent) -> None:
        from rich.markup import escape

        task = self.tasks.get(unit.key)
        if task is None:
            return
        label = escape(unit.key)
        if event.seconds > 0:
            label += f" [yellow]waiting {event.seconds:.0f} s for {escape(event.host)}[/]"
        self.progress.update(task, description=label)

    def unit_done(self, result: UnitResult) -> None:
        from rich.markup import escape

        task = self.tasks.get(result.key)
        if task is None:
            return
        mark = {
            "ok": "[green]ok[/]",
            "no_data": "[red]no data[/]" if _unexpected(result) else "[yellow]no data[/]",
            "deferred": "[yellow]deferred[/]",
            "interrupted": "[yellow]interrupted[/]",
        }.get(result.status, "[red]failed[/]")
        self.progress.update(
            task,
            description=f"{escape(result.key)} {mark}",
            completed=result.records,
            total=max(result.records, 1),
        )
        self.progress.stop_task(task)

    def finish(self, report: SyncReport) -> None:
        self.progress.stop()

    def close(self) -> None:
        self.progress.stop()


def _unexpected(result: UnitResult) -> bool:
    return any(not c["expected"] for c in result.no_data)


def _no_data_text(result: UnitResult) -> str:
    """``no data for X: <detail>`` for each channel, ``(expected)`` when it is."""
    return "; ".join(
        f"no data for {c['channel']}"
        + (" (expected)" if c["expected"] else "")
        + f": {c['detail']}"
        for c in result.no_data
    )


def print_summary(report: SyncReport, *, terminal: bool) -> None:
    """The table at the end of a sync: unit, records written per table, status, error."""
    from rich.markup import escape
    from rich.table import Table

    from smmcore.safeout import safe_console

    console = (
        safe_console() if terminal else safe_console(width=160, no_color=True, highlight=False)
    )
    table = Table(title="Sync summary", title_justify="left")
    table.add_column("unit", overflow="fold")
    table.add_column("records written", overflow="fold")
    table.add_column("status")
    table.add_column("error", overflow="fold")
    styles = {
        "ok": "ok",
        "failed": "[red]failed[/]",
        "deferred": "[yellow]deferred[/]",
        "interrupted": "[yellow]not saved[/]",
    }
    for result in report.units:
        status = styles.get(result.status, escape(result.status))
        error = result.error or ""
        if result.status == "no_data":
            status = "[red]no data[/]" if _unexpected(result) else "no data (expected)"
            error = _no_data_text(result)
        table.add_row(escape(result.key), _written(result), status, escape(error))
    console.print(table)
    failed = len(report.failed)
    deferred = report.deferred
    synced = sum(1 for u in report.units if u.saved)
    total = sum(report.totals().values())
    line = (
        f"{synced} of {len(report.units)} unit(s) synced, "
        f"{total:,} records written in {report.seconds:.1f} s"
    )
    if deferred:
        when = (
            max(u.retry_at for u in deferred if u.retry_at)
            if any(u.retry_at for u in deferred)
            else None
        )
        line += f"; {len(deferred)} deferred to the next sync"
        if when is not None:
            line += f" (the network answers again after {when:%H:%M:%S} UTC)"
    if failed:
        line += f"; {failed} failed"
    missing = report.no_data
    if missing:
        line += (
            f"; {len(missing)} channel(s) got no data: "
            + ", ".join(c["channel"] for c in missing)
            + " (fix the handle or the export; if that is expected, set expect_data = false "
            "on the channel in smm.toml or run with --allow-no-data)"
        )
    console.print(line, markup=False)
    if report.interrupted:
        lost = [u for u in report.units if u.status == "interrupted"]
        console.print(
            f"Interrupted: {synced} unit(s) saved, {len(lost)} not saved"
            + (f" ({', '.join(u.key for u in lost)})" if lost else "")
            + ". Nothing of an unsaved unit was written; the next 'smm sync' resumes every "
            "unit from its last saved point.",
            markup=False,
        )


@click.command()
@click.option(
    "--channel",
    "channels",
    multiple=True,
    metavar="NETWORK:HANDLE",
    help="Sync only this channel (repeatable).",
)
@click.option("--since", metavar="DATE", help="Only content from DATE on (YYYY-MM-DD or 30d).")
@click.option("--full", is_flag=True, help="Ignore the saved cursors: fetch everything again.")
@click.option(
    "--skip-bad",
    is_flag=True,
    help="Import the valid rows of files that have bad rows (the bad ones are reported).",
)
@click.option(
    "--max-wait",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    help="Longest total wait (rate limits, retries) per unit before it is deferred to the "
    "next sync [default: [sync] max_wait, else 20].",
)
@click.option(
    "--allow-no-data",
    is_flag=True,
    help="A configured channel that gets no rows is reported as 'no data' but does not make "
    "the sync fail (per channel: expect_data = false in smm.toml).",
)
@click.option(
    "--queue",
    "to_queue",
    is_flag=True,
    help="Queue every unit for 'smm worker' processes instead of syncing here (a shared "
    "store backend with a queue, set in [store]).",
)
@click.option(
    "--status", "show_status", is_flag=True, help="Show the queue: each unit's job and status."
)
@click.option(
    "--also",
    "also",
    multiple=True,
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="With --queue or --status: the workspace in DIR too (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON on stdout.")
@pass_app
@click.pass_context
def sync(
    ctx: click.Context,
    app: App,
    channels: tuple[str, ...],
    since: str | None,
    full: bool,
    skip_bad: bool,
    max_wait: float | None,
    allow_no_data: bool,
    to_queue: bool,
    show_status: bool,
    also: tuple[Path, ...],
    as_json: bool,
) -> None:
    """Bring the workspace's channels into its history store.

    Every (source, account) unit runs concurrently; by default each continues from where its
    last successful sync stopped. A unit that fails is reported at the end with its cause and
    does not stop the others. Waits of 2 s or more are announced; a unit that would wait longer
    than --max-wait is deferred to the next sync. Ctrl-C stops at once and says what was saved.

    A configured channel the export (or the network) gave no rows for is reported as
    'no data' with the accounts that were found and a did-you-mean.

    Exit codes: 0 every unit synced or deferred; 1 a unit failed or a channel got no data
    (unless expect_data = false or --allow-no-data); 130 interrupted.
    """
    from smmcore.sync import SyncInterrupted

    ws = app.open()
    if to_queue or show_status:
        _queue(ws, also, to_queue, as_json)
        return
    terminal = sys.stderr.isatty()
    progress = RichProgress() if terminal else PlainProgress()
    interrupted = False
    try:
        report = ws.sync(
            list(channels) or None,
            since=since,
            full=full,
            skip_bad=skip_bad,
            allow_no_data=allow_no_data,
            max_wait=max_wait,
            progress=progress,
        )
    except SyncInterrupted as exc:
        report, interrupted = exc.report, True
    finally:
        progress.close()
    if as_json:
        import json

        click.echo(json.dumps(report.to_json(), indent=2))
    elif interrupted or report.units:
        print_summary(report, terminal=sys.stdout.isatty())
    else:
        click.echo(
            f"Nothing to sync: {ws.config_path} lists no channels. Add a [[channels]] block "
            "(network and handle) for each account, then run 'smm sync' again."
        )
        return
    ctx.exit(130 if interrupted else 0 if report.ok else 1)


def _queue(ws: Any, also: tuple[Path, ...], enqueue: bool, as_json: bool) -> None:
    """``smm sync --queue`` / ``--status``: the store backend's queue (of ``ws`` and ``also``)."""
    import json

    if enqueue:
        rows = ws.queue_sync(also)
        if as_json:
            data = [{"workspace": w, "unit": u, "outcome": o} for w, u, o in rows]
            click.echo(json.dumps(data, indent=2))
            return
        for folder, unit, outcome in rows:
            click.echo(f"{folder}  {unit}: {outcome}")
        queued = sum(1 for *_, o in rows if o == "queued")
        click.echo(
            f"{queued} unit(s) queued of {len(rows)}; start 'smm worker' on one or more "
            "machines to sync them, 'smm sync --status' to follow."
        )
        return
    jobs = ws.queue_status(also)
    if as_json:
        click.echo(json.dumps(jobs, indent=2, default=str))
        return
    if not jobs:
        click.echo("The queue holds no unit of this workspace; 'smm sync --queue' adds them.")
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Sync queue", title_justify="left")
    for column in ("job", "workspace", "unit", "status", "attempts", "updated"):
        table.add_column(column, overflow="fold")
    for job in jobs:
        updated = job["updated_at"].strftime("%Y-%m-%d %H:%M:%S") if job["updated_at"] else ""
        table.add_row(
            str(job["id"]),
            escape(str(job["workspace"])),
            escape(str(job["unit"])),
            job["status"],
            str(job["attempts"]),
            updated,
        )
    terminal = sys.stdout.isatty()
    console = Console() if terminal else Console(width=200, no_color=True, highlight=False)
    console.print(table)
    counts: dict[str, int] = {}
    for job in jobs:
        counts[job["status"]] = counts.get(job["status"], 0) + 1
    click.echo(", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
