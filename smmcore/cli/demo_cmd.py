"""``smm demo``: write the demo workspace, sync it from its bundled export, report on it.

Runs offline: the workspace and its data come from a registered demo
(``smm_register_demos``; smm-files has one), the KPIs and report formats from their plugins;
``smm demo`` says which of them is missing. The work is :func:`smmcore.api.demo`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from smmcore.cli.app import App, pass_app


@click.command("demo")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the demo workspace [default: a new temporary folder].",
)
@click.option(
    "--end-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="Last day of the 12 months of demo data [default: today].",
)
@click.option(
    "--language", metavar="LANG", help="Report language, en or it [default: the demo client's, it]."
)
@pass_app
def demo(app: App, out: Path | None, end_date: Any, language: str | None) -> None:
    """Build a demo workspace, sync it and report on it, offline.

    Writes the workspace of Forno Rossi, a fictional bakery in Bologna with 3 channels and 2
    competitors (12 months of data), imports it into the workspace's history store, prints the
    terminal report and writes report.html next to smm.toml.
    """
    from smmcore.api import demo as build_demo

    clock = time.perf_counter()
    ws = build_demo(out, end_date=end_date.date() if end_date else None, host=app.host)
    rep = ws.report(language=language, cache=False)
    ws.render(rep, "terminal", "-")
    html = ws.render(rep, "html", ws.path / "report.html")
    seconds = time.perf_counter() - clock
    rows = sum(ws.last_sync.totals().values()) if ws.last_sync else 0
    click.echo("")
    click.echo(f"Demo workspace: {ws.path} ({rows:,} rows imported, {seconds:.1f} s)")
    click.echo(f"HTML report:    {html}")
    click.echo(f"Next: smm -w {ws.path} report --format markdown   (or edit {ws.config_path})")
