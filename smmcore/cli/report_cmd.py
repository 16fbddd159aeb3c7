"""``smm report``: compute the KPIs for a period and render the report in one or more formats.

Where the output goes:

* no ``--format``: the formats of ``[report] formats`` in smm.toml (default ``terminal`` and
  ``html``);
* ``terminal`` prints to the screen;
* every other format is written to ``report.<ext>`` in the workspace folder (the path is
  printed), unless ``-o`` says otherwise;
* ``-o FILE`` with one format writes that format to FILE (``-o -`` prints it);
  ``-o DIR`` with several formats writes ``DIR/report.<ext>`` for each.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from smmcore.cli.app import App, pass_app
from smmcore.errors import SmmError


def plan_outputs(
    host: Any, formats: list[str], output: str | None, workspace_dir: Path
) -> list[tuple[str, Path | None]]:
    """``(format, file or None for stdout)`` for each requested format (see module doc)."""
    from smmcore.api import load_reporter

    specs = {}
    for name in formats:
        spec, _ = load_reporter(host, name)
        specs[name] = spec
    plan: list[tuple[str, Path | None]] = []
    if output == "-":
        return [(name, None) for name in formats]
    if output is not None and len(formats) == 1:
        return [(formats[0], Path(output))]
    folder = Path(output) if output is not None else workspace_dir
    if output is not None and folder.exists() and not folder.is_dir():
        raise SmmError(
            f"-o {output}: with several formats, -o must be a folder",
            hint="pass one --format with -o FILE, or -o FOLDER for several",
        )
    for name in formats:
        if name == "terminal" and output is None:
            plan.append((name, None))
        else:
            ext = specs[name].extension or ".txt"
            plan.append((name, folder / f"report{ext}"))
    return plan


@click.command("report")
@click.option(
    "--period",
    "period",
    metavar="SPEC",
    help="30d, 90d, 12w, YYYY-MM, YYYY-Qn, YYYY-Hn, YYYY or FROM..TO [default: [report] period, "
    "else 30d]. "
    "Relative periods end on the day of the latest data.",
)
@click.option(
    "--compare",
    type=click.Choice(["previous", "year"], case_sensitive=False),
    help="Compare with the previous period or the same period a year earlier "
    "[default: [report] compare, else previous].",
)
@click.option(
    "--format",
    "-f",
    "formats",
    multiple=True,
    metavar="NAME",
    help="Report format, repeatable: terminal, markdown, json, csv, html or a plugin's "
    "[default: [report] formats, else terminal and html].",
)
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    help="Output file for one format ('-' for standard output), or folder for several "
    "[default: terminal on screen, files as report.<ext> in the workspace].",
)
@click.option("--language", metavar="LANG", help="Label language (en, it) for this report.")
@click.option(
    "--audience",
    type=click.Choice(["client", "analyst"], case_sensitive=False),
    help="client: a one-page summary first, formulas in an appendix; analyst: every formula "
    "next to its KPI [default: [report] audience, else analyst].",
)
@click.option(
    "--timings",
    is_flag=True,
    help="Print where the time went (each KPI, section, segmenter and format) to stderr.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Compute everything again, even when the store and settings are unchanged "
    "(also SMM_NO_CACHE=1).",
)
@pass_app
def report(
    app: App,
    period: str | None,
    compare: str | None,
    formats: tuple[str, ...],
    output: str | None,
    language: str | None,
    audience: str | None,
    timings: bool,
    no_cache: bool,
) -> None:
    """Compute the KPIs for a period and render the report.

    Without --format it prints the terminal report and writes report.html in the workspace
    folder; every other file format goes to report.<ext> there too, unless -o is given.
    A report of an unchanged store with unchanged settings is reused from .smm/cache.
    """
    import time

    from smmcore.api import ReportTimings

    started = time.perf_counter()
    ws = app.open()
    chosen = list(formats) or list(ws.config.report.formats) or ["terminal", "html"]
    plan = plan_outputs(ws.host, chosen, output, ws.path)
    timed = ReportTimings()
    rep = ws.report(
        period, compare, language=language, audience=audience, cache=not no_cache, timings=timed
    )  # type: ignore[arg-type]
    for name, target in plan:
        clock = time.perf_counter()
        written = ws.render(rep, name, "-" if target is None else target)
        timed.steps[f"render:{name}"] = time.perf_counter() - clock
        if written is not None:
            click.echo(f"Wrote {name} report to {written}", err=True)
    if timings or getattr(ws.host, "trace", False):
        _print_timings(
            timed.steps,
            timed.build_seconds,
            time.perf_counter() - started,
            timed.from_cache,
            timed.cache_hits,
            timings,
        )


def _print_timings(
    steps: dict[str, float],
    build_s: float,
    total_s: float,
    from_cache: bool,
    hits: list[str],
    table: bool,
) -> None:
    """Where the time went, slowest step first, on stderr (``--timings``); one trace line
    per step with ``SMM_TRACE_PLUGINS=1``."""
    origin = "from the cache (store and settings unchanged)" if from_cache else "computed"
    reused = [h for h in hits if h != "report"]
    if reused:
        origin += f"; reused from the cache: {', '.join(reused)}"
    ranked = sorted(steps.items(), key=lambda kv: -kv[1])
    if not table:
        for name, seconds in ranked:
            click.echo(f"smm: trace: report {name} {seconds * 1000:.1f} ms", err=True)
        return
    click.echo(
        f"Report timings: {total_s:.3f} s in all, report {origin} in {build_s:.3f} s", err=True
    )
    for name, seconds in ranked:
        click.echo(f"  {seconds:8.3f} s  {name}", err=True)
