"""``smm audience``: segments, influencers, communities and network renewal.

Each command calls ``ws.audience`` (:class:`smmcore.audience.Audience`) and draws what it
returns."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

import click

from smmcore.cli.app import App, pass_app

if TYPE_CHECKING:
    from smmcore.audience import Audience, MemberTable, SegmentationResult

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


def _audience(app: App) -> Audience:
    from smmcore.audience import Audience

    return Audience(app.workspace(), app.host)


def _export(table: MemberTable, path: str | None) -> None:
    if path:
        count = table.export(path)
        click.echo(f"Exported {count} contacts to {path}", err=True)


def _emit_data(fmt: str, rows: list[dict[str, Any]], document: Any = None) -> bool:
    """Print ``document`` (default: ``rows``) as JSON, or ``rows`` as CSV; ``False`` when
    ``fmt`` is the table, which the caller draws."""
    from smmcore.audience import write_member_csv

    if fmt == "json":
        click.echo(json.dumps(rows if document is None else document, indent=2, ensure_ascii=False))
        return True
    if fmt == "csv":
        buffer = io.StringIO()
        write_member_csv(rows, buffer)
        click.echo(buffer.getvalue(), nl=False)
        return True
    return False


def _problems(result: SegmentationResult) -> None:
    for problem in result.problems:
        click.echo(f"Warning: {problem}", err=True)


def _print_segments(result: SegmentationResult, fmt: str) -> None:
    rows = [
        {"segment": s["name"], "size": s["size"], "description": s["description"]}
        for s in result.rows()
    ]
    if _emit_data(fmt, rows, result.to_json()):
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


def _print_members(members: MemberTable, fmt: str, limit: int | None = None) -> None:
    segment = members.segment
    rows = members.rows(limit)
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
    result = _audience(app).segments(segmenters, period=period)
    _problems(result)
    _print_segments(result, fmt)


@audience.command("show")
@click.argument("segment")
@period_option
@format_option
@click.option("--limit", type=int, default=None, help="Show at most this many members.")
@export_option
@pass_app
def show_cmd(
    app: App, segment: str, period: str | None, fmt: str, limit: int | None, export: str | None
) -> None:
    """Show one segment's members and why each is there (SEGMENT like tiers:advocate)."""
    members = _audience(app).segment(segment, period=period)
    _print_members(members, fmt, limit)
    _export(members, export)


@audience.command("influencers")
@click.option("--top", type=int, default=25, show_default=True, help="How many to list.")
@period_option
@format_option
@export_option
@pass_app
def influencers_cmd(app: App, top: int, period: str | None, fmt: str, export: str | None) -> None:
    """The most influential members: reach, engagement and k-core, explained."""
    members = _audience(app).influencers(top, period=period)
    _print_members(members, fmt)
    _export(members, export)


@audience.command("communities")
@period_option
@format_option
@export_option
@pass_app
def communities_cmd(app: App, period: str | None, fmt: str, export: str | None) -> None:
    """Communities in the interaction graph, with size, top members and dominant terms."""
    result = _audience(app).communities(period=period)
    _print_segments(result, fmt)
    _export(result.members(), export)


@audience.command("renewal")
@click.option("--months", type=int, default=12, show_default=True, help="How many months.")
@format_option
@pass_app
def renewal_cmd(app: App, months: int, fmt: str) -> None:
    """Month by month: engaged accounts, new ones, returning ones and the renewal rate."""
    rows = _audience(app).renewal(months).rows()
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
