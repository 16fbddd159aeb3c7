"""``smm audience``: segments, influencers, communities and network renewal."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from smmcore.cli.app import App, pass_app
from smmcore.errors import SmmError

if TYPE_CHECKING:
    from smmcore.audience import SegmentationResult
    from smmcore.models import Segment

FORMATS = click.Choice(["table", "json", "csv"])
period_option = click.option(
    "--period",
    default=None,
    help="30d, 90d, YYYY-MM, YYYY-Qn, YYYY-Hn or FROM..TO "
    "[default: the report period in smm.toml].",
)
format_option = click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
export_option = click.option(
    "--export", "export", type=click.Path(dir_okay=False), help="Write a CSV contact list."
)


@contextmanager
def _session(app: App, period: str | None) -> Iterator[tuple[Any, Any, Any]]:
    from smmcore.audience import resolve_period

    workspace = app.workspace()
    store = workspace.open_store(read_only=True)
    try:
        spec = period or workspace.config.report.period
        yield workspace, store, resolve_period(store, workspace.config.client.timezone, spec)
    finally:
        store.close()


def _run(app: App, period: str | None, names: list[str] | None, **options: Any) -> Any:
    from smmcore.audience import run_segmenters

    with _session(app, period) as (workspace, store, resolved):
        return run_segmenters(
            workspace, app.host, store, resolved, names=names, options=options, strict=bool(names)
        )


def _member_rows(segment: Segment) -> list[dict[str, Any]]:
    return [
        {
            "segment": segment.name,
            "network": m.network,
            "member": m.member,
            "reason": m.reason,
            **{f"score_{k}": v for k, v in m.scores.items()},
        }
        for m in segment.members
    ]


def _write_csv(rows: list[dict[str, Any]], stream: Any) -> None:
    from smmcore.safeout import safe_csv_writer

    fields: list[str] = []
    for row in rows:
        fields.extend(k for k in row if k not in fields)
    writer = safe_csv_writer(stream, fieldnames=fields or ["segment"], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)


def _export(rows: list[dict[str, Any]], path: str | None) -> None:
    if not path:
        return
    from smmcore.safeout import open_output

    with open_output(path) as handle:
        _write_csv(rows, handle)
    click.echo(f"Exported {len(rows)} contacts to {path}", err=True)


def _emit_data(fmt: str, rows: list[dict[str, Any]], document: Any = None) -> bool:
    """Print ``document`` (default: ``rows``) as JSON, or ``rows`` as CSV; ``False`` when
    ``fmt`` is the table, which the caller draws."""
    if fmt == "json":
        click.echo(json.dumps(rows if document is None else document, indent=2, ensure_ascii=False))
        return True
    if fmt == "csv":
        buffer = io.StringIO()
        _write_csv(rows, buffer)
        click.echo(buffer.getvalue(), nl=False)
        return True
    return False


def _problems(result: SegmentationResult) -> None:
    for problem in result.problems:
        click.echo(f"Warning: {problem}", err=True)


def _print_segments(result: SegmentationResult, fmt: str) -> None:
    summaries = [
        {
            "name": s.name,
            "segmenter": s.segmenter,
            "description": s.description,
            "method": s.method,
            "size": s.size,
        }
        for s in result.segments
    ]
    document = {"period": str(result.period), "segments": summaries, "problems": result.problems}
    rows = [
        {"segment": s["name"], "size": s["size"], "description": s["description"]}
        for s in summaries
    ]
    if _emit_data(fmt, rows, document):
        return
    from rich.markup import escape
    from rich.table import Table

    from smmcore.safeout import safe_console

    table = Table(title=f"Audience segments, {result.period}")
    table.add_column("segment")
    table.add_column("size", justify="right")
    table.add_column("description")
    for s in result.segments:
        table.add_row(escape(s.name), f"{s.size:,}", escape(s.description))
    safe_console(emoji=False).print(table)


def _print_members(segment: Segment, fmt: str, limit: int | None = None) -> None:
    rows = _member_rows(segment)[:limit] if limit else _member_rows(segment)
    document = {**segment.model_dump(exclude={"members"}), "size": segment.size, "members": rows}
    if _emit_data(fmt, rows, document):
        return
    from rich.markup import escape
    from rich.table import Table

    from smmcore.safeout import safe_console

    table = Table(
        title=escape(f"{segment.name}: {segment.size:,} members"), caption=escape(segment.method)
    )
    table.add_column("#", justify="right")
    table.add_column("member")
    table.add_column("network")
    table.add_column("why")
    for index, row in enumerate(rows, start=1):
        table.add_row(
            str(index), escape(row["member"]), escape(row["network"]), escape(row["reason"])
        )
    console = safe_console(emoji=False)
    console.print(escape(segment.description))
    console.print(table)


@click.group()
def audience() -> None:
    """Segments, influencers, communities and the renewal of the network."""


@audience.command("segments")
@click.option("--segmenter", "segmenters", multiple=True, help="Only this segmenter (repeatable).")
@period_option
@format_option
@pass_app
def segments_cmd(app: App, segmenters: tuple[str, ...], period: str | None, fmt: str) -> None:
    """List the segments of the client's audience with their sizes."""
    result = _run(app, period, list(segmenters) or None)
    _problems(result)
    _print_segments(result, fmt)


@audience.command("show")
@click.argument("segment")
@period_option
@format_option
@click.option("--limit", type=int, default=None, help="Show at most this many members.")
@click.option(
    "--export", "export", type=click.Path(dir_okay=False), help="Write a CSV contact list."
)
@pass_app
def show_cmd(
    app: App, segment: str, period: str | None, fmt: str, limit: int | None, export: str | None
) -> None:
    """Show one segment's members and why each is there (SEGMENT like tiers:advocate)."""
    segmenter = segment.split(":", 1)[0]
    result = _run(app, period, [segmenter])
    found = result.find(segment)
    _print_members(found, fmt, limit)
    _export(_member_rows(found), export)


@audience.command("influencers")
@click.option("--top", type=int, default=25, show_default=True, help="How many to list.")
@period_option
@format_option
@click.option(
    "--export", "export", type=click.Path(dir_okay=False), help="Write a CSV contact list."
)
@pass_app
def influencers_cmd(app: App, top: int, period: str | None, fmt: str, export: str | None) -> None:
    """The most influential members: reach, engagement and k-core, explained."""
    result = _run(app, period, ["influencers"], top=top)
    found = result.find("influencers:top")
    _print_members(found, fmt)
    _export(_member_rows(found), export)


@audience.command("communities")
@period_option
@format_option
@click.option(
    "--export", "export", type=click.Path(dir_okay=False), help="Write a CSV contact list."
)
@pass_app
def communities_cmd(app: App, period: str | None, fmt: str, export: str | None) -> None:
    """Communities in the interaction graph, with size, top members and dominant terms."""
    result = _run(app, period, ["communities"])
    _print_segments(result, fmt)
    _export([row for s in result.segments for row in _member_rows(s)], export)


@audience.command("renewal")
@click.option("--months", type=int, default=12, show_default=True, help="How many months.")
@format_option
@pass_app
def renewal_cmd(app: App, months: int, fmt: str) -> None:
    """Month by month: engaged accounts, new ones, returning ones and the renewal rate."""
    from smmcore.audience import latest_activity_day
    from smmcore.periods import today_in

    workspace = app.workspace()
    timezone = workspace.config.client.timezone
    store = workspace.open_store(read_only=True)
    try:
        # the segmenter registered as "renewal" (smm-segments has one) owns the definition
        spec = app.host.segmenters().get("renewal")
        segmenter = app.host.implementation(spec, workspace) if spec is not None else None
        if not callable(getattr(segmenter, "monthly", None)):
            raise SmmError(
                "the renewal table needs a 'renewal' segmenter with a monthly table",
                hint="install the smm-segments plugin: smm plugins install smm-segments",
            )
        last = latest_activity_day(store, timezone) or today_in(timezone)
        rows = segmenter.monthly(store.con, timezone, last, months)
    finally:
        store.close()
    if _emit_data(fmt, rows):
        return
    from rich.table import Table

    from smmcore.safeout import safe_console

    table = Table(
        title="Network renewal by month",
        caption="renewal rate = engaged this month and not the month before / engaged x 100",
    )
    for column in ("month", "engaged", "new", "returning", "first time", "renewal rate"):
        table.add_column(column, justify="left" if column == "month" else "right")
    for r in rows:
        rate = "n/a" if r["renewal_rate"] is None else f"{r['renewal_rate']:.1f}%"
        table.add_row(
            r["month"],
            str(r["engaged"]),
            str(r["new"]),
            str(r["returning"]),
            str(r["first_time"]),
            rate,
        )
    safe_console(emoji=False).print(table)
