"""``smm kpis``: list the KPIs (registered and declared in ``smm.toml``) and show one in full."""

from __future__ import annotations

import json
import textwrap
from typing import Any

import click

from smmcore.cli.app import App, pass_app
from smmcore.errors import SmmError


def _direction(higher_is_better: bool | None) -> str:
    if higher_is_better is None:
        return "neutral"
    return "higher is better" if higher_is_better else "lower is better"


def _catalog(app: App) -> tuple[Any, str | None]:
    """The KPI catalog (with the workspace's ``[kpis.*]`` when there is a readable
    ``smm.toml``) and the warning to print, if any."""
    from smmcore.api import kpi_catalog

    workspace, warnings = None, []
    if (app.workspace_dir / "smm.toml").is_file():
        try:
            workspace = app.workspace()
        except SmmError as exc:
            warnings.append(f"custom KPIs of {app.workspace_dir} not shown: {exc.format_message()}")
    catalog = kpi_catalog(app.host, workspace)
    return catalog, "; ".join([*warnings, *catalog.warnings]) or None


@click.group()
def kpis() -> None:
    """List the KPIs and show their formulas."""


@kpis.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_app
def list_kpis(app: App, as_json: bool) -> None:
    """List every KPI: registered by plugins, and declared in the workspace's smm.toml."""
    catalog, warning = _catalog(app)
    if warning:
        click.echo(f"Warning: {warning}", err=True)
    if as_json:
        data = [info.summary() for info in catalog]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if not catalog:
        click.echo(
            "No KPIs registered. Install the smm-kpis plugin: 'smm plugins install smm-kpis'."
        )
        return
    width = max(len(name) for name in catalog.names())
    for info in catalog:
        spec, origin = info.spec, info.origin
        direction = _direction(spec.higher_is_better)
        click.echo(
            f"{spec.name:<{width}}  {spec.label} [{spec.unit}] - {direction}; "
            f"{spec.aggregation} ({origin})"
        )
    click.echo("\nRun 'smm kpis show NAME' for the formula.")


@kpis.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_app
def show_kpi(app: App, name: str, as_json: bool) -> None:
    """Show one KPI's full definition: label, formula, unit, direction and aggregation."""
    catalog, warning = _catalog(app)
    try:
        info = catalog.get(name)
    except SmmError:
        if warning:
            click.echo(f"Warning: {warning}", err=True)
        raise
    spec, origin = info.spec, info.origin
    if as_json:
        click.echo(json.dumps(info.summary(), indent=2, ensure_ascii=False))
        return
    rows = [
        ("name", spec.name),
        ("label", spec.label),
        ("description", spec.description),
        ("formula", spec.formula),
        ("unit", spec.unit),
        ("direction", _direction(spec.higher_is_better)),
        ("aggregation", spec.aggregation),
        ("defined by", "smm.toml" if origin == "smm.toml" else f"plugin {origin}"),
        (
            "implementation",
            f"declarative ([kpis.{spec.name}] in smm.toml)" if origin == "smm.toml" else spec.impl,
        ),
    ]
    for key, value in rows:
        lines = textwrap.wrap(str(value), width=84) or [""]
        click.echo(f"{key + ':':<16}{lines[0]}")
        for line in lines[1:]:
            click.echo(" " * 16 + line)


@kpis.command("metrics")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_app
def list_metrics(app: App, as_json: bool) -> None:
    """List the post metrics KPIs can use: the standard counters, and the extra metrics the
    installed sources declare (with unit and description)."""
    from smmcore.api import metric_catalog

    rows = [metric.as_dict() for metric in metric_catalog(app.host)]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        origin = f"source {r['source']}" if r["source"] else "post_metrics"
        click.echo(f"{r['name']:<{width}}  [{r['unit']}] {r['description']} ({origin})")
    click.echo(
        "\nExtra metrics are in post_metrics_extra_latest (network, account, post_id, metric, "
        "value); declarative KPIs use them as extra_<name>."
    )
