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


def _workspace_kpis(app: App) -> tuple[list[Any], str | None]:
    """The workspace's declarative KPIs as KPISpecs, and a warning when they cannot be read.

    No workspace (no ``smm.toml``) means no custom KPIs and no warning.
    """
    if not (app.workspace_dir / "smm.toml").is_file():
        return [], None
    try:
        workspace = app.workspace()
    except SmmError as exc:
        return [], f"custom KPIs of {app.workspace_dir} not shown: {exc.format_message()}"
    if not workspace.config.kpis:
        return [], None
    providers = app.host.kpi_providers()
    if not providers:
        return [], (
            "smm.toml defines KPIs under [kpis], but no installed plugin computes declarative "
            "KPIs (install smm-kpis: 'smm plugins install smm-kpis')"
        )
    found: list[Any] = []
    for spec in providers.values():
        try:
            provider = app.host.implementation(spec, workspace)
            found.extend(kpi_spec for kpi_spec, _impl in provider.kpis(workspace.config))
        except SmmError as exc:
            return [], exc.format_message()
    return found, None


def _all_kpis(app: App) -> tuple[list[tuple[Any, str]], str | None]:
    """``(spec, origin)`` pairs: registered KPIs first (origin = plugin), then smm.toml ones."""
    registered = app.host.kpis()
    found = [(spec, spec.plugin or "?") for spec in registered.values()]
    custom, warning = _workspace_kpis(app)
    shadowed = [spec.name for spec in custom if spec.name in registered]
    found.extend((spec, "smm.toml") for spec in custom if spec.name not in registered)
    if shadowed:
        names = ", ".join(repr(name) for name in shadowed)
        extra = (
            f"smm.toml defines {names} under [kpis], but a plugin registers the same name, "
            "which wins; rename it in smm.toml"
        )
        warning = f"{warning}; {extra}" if warning else extra
    return found, warning


@click.group()
def kpis() -> None:
    """List the KPIs and show their formulas."""


@kpis.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_app
def list_kpis(app: App, as_json: bool) -> None:
    """List every KPI: registered by plugins, and declared in the workspace's smm.toml."""
    found, warning = _all_kpis(app)
    if warning:
        click.echo(f"Warning: {warning}", err=True)
    if as_json:
        data = [{**spec.summary(), "origin": origin} for spec, origin in found]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo(
            "No KPIs registered. Install the smm-kpis plugin: 'smm plugins install smm-kpis'."
        )
        return
    width = max(len(spec.name) for spec, _ in found)
    for spec, origin in found:
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
    found, warning = _all_kpis(app)
    match = next(((spec, origin) for spec, origin in found if spec.name == name), None)
    if match is None:
        if warning:
            click.echo(f"Warning: {warning}", err=True)
        names = ", ".join(sorted(spec.name for spec, _ in found)) or "none"
        raise SmmError(f"no KPI named {name!r}", hint=f"known KPIs: {names}")
    spec, origin = match
    if as_json:
        click.echo(json.dumps({**spec.summary(), "origin": origin}, indent=2, ensure_ascii=False))
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
    from smmcore.registry import STANDARD_METRICS

    rows = [
        {"name": name, "unit": "count", "description": "standard counter", "source": "",
         "table": "post_metrics"}
        for name in STANDARD_METRICS
    ]  # fmt: skip
    for spec in app.host.sources().values():
        for metric in spec.metrics:
            rows.append(
                {
                    "name": metric.name,
                    "unit": metric.unit,
                    "description": metric.description,
                    "source": spec.name,
                    "table": "post_metrics_extra",
                }
            )
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
