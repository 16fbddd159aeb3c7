"""``smm demo``: write the demo workspace, sync it from its bundled export, report on it.

Runs offline: the workspace and its data come from a registered demo
(``smm_register_demos``; smm-files has one), the KPIs and report formats from their plugins;
``smm demo`` says which of them is missing.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import click

from smmcore.cli.app import App, pass_app
from smmcore.errors import SmmError

DEMO_MARKER = "# Demo workspace:"
"""The first line of the demo's smm.toml: a folder holding it may be rewritten."""


def check_demo_plugins(host: Any) -> Any:
    """The registered demo writer (``smm_register_demos``), once the KPIs and the terminal and
    HTML report formats it needs are present; otherwise an error naming what is missing."""
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
        raise SmmError(
            "smm demo needs plugins that are not installed or failed to load: "
            + "; ".join(missing),
            hint="install them with: pip install 'smmcore[standard]' (or, in a clone of the "
            "repository, 'uv sync'); 'smm plugins list' shows what is loaded",
        )
    return writer


def _prepare(out: Path | None) -> Path:
    if out is None:
        import tempfile

        return Path(tempfile.mkdtemp(prefix="smm-demo-"))
    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise SmmError(f"--out {out} is a file", hint="pass a folder (it is created if needed)")
    config = out / "smm.toml"
    if config.exists():
        first = config.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
        if not first.startswith(DEMO_MARKER):
            raise SmmError(
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
    from smmcore.cli.report_cmd import write_report
    from smmcore.report import build_report
    from smmcore.sync import run_sync
    from smmcore.workspace import load_workspace

    clock = time.perf_counter()
    host = app.host
    write_demo = check_demo_plugins(host)
    folder = _prepare(out)
    last_day: date | None = end_date.date() if end_date else None
    write_demo(folder, end_date=last_day)
    ws = load_workspace(folder)
    result = run_sync(ws, host)
    if not result.ok:
        causes = "; ".join(f"{u.key}: {u.error}" for u in result.failed)
        raise SmmError(
            f"the demo import failed: {causes}",
            hint="run again with --debug and report it; the demo needs no network",
        )
    rep = build_report(ws, host, language=language)
    write_report(rep, host, "terminal", None)
    html = write_report(rep, host, "html", folder / "report.html")
    seconds = time.perf_counter() - clock
    rows = sum(result.totals().values())
    click.echo("")
    click.echo(f"Demo workspace: {folder} ({rows:,} rows imported, {seconds:.1f} s)")
    click.echo(f"HTML report:    {html}")
    click.echo(f"Next: smm -w {folder} report --format markdown   (or edit {folder / 'smm.toml'})")
