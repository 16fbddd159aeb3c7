"""``smm plugins``: list, inspect, install, uninstall and create plugins."""

from __future__ import annotations

import json
from pathlib import Path

import click

from smmcore.cli.app import App, pass_app
from smmcore.registry import REGISTRATION_TYPES

_POINT_LABELS = {
    "sources": "sources",
    "keyword_tools": "keyword tools",
    "segmenters": "segmenters",
    "kpis": "KPIs",
    "reporters": "reporters",
    "commands": "commands",
    "export_formats": "export formats",
    "report_sections": "report sections",
    "kpi_providers": "KPI providers",
    "chart_series": "chart series",
    "demos": "demos",
    "store_backends": "store backends",
    "dashboard_pages": "dashboard pages",
}


def _label(point: str) -> str:
    """How ``smm plugins`` names an extension point (a new one reads well untranslated)."""
    return _POINT_LABELS.get(point, point.replace("_", " "))


@click.group()
def plugins() -> None:
    """List, inspect, install and create smm plugins."""


@plugins.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--all", "show_all", is_flag=True, help="Also list disabled plugins.")
@pass_app
def list_plugins(app: App, as_json: bool, show_all: bool) -> None:
    """List installed plugins: status and what each registers."""
    from smmcore import plugin_manager

    records = plugin_manager.list_plugins(include_disabled=show_all, host=app.host)
    if as_json:
        click.echo(json.dumps([r.to_json() for r in records], indent=2))
        return
    if not records:
        click.echo("No plugins installed. Try 'smm plugins install smmcore[standard]'.")
        return
    for record in records:
        dist = f"{record.distribution} {record.version}" if record.distribution else "in-memory"
        click.echo(f"{record.name}  ({dist})  {record.status}")
        for problem in record.problems:
            click.echo(f"    problem: {problem}")
        for point in REGISTRATION_TYPES:
            regs = record.registrations.get(point) or []
            if regs:
                click.echo(f"    {_label(point)}: " + ", ".join(r.name for r in regs))
    failed = [r for r in records if r.status == "failed"]
    if failed:
        click.echo(
            f"\n{len(failed)} plugin(s) failed; the others work. "
            "See 'smm plugins info NAME', or run with --debug/SMM_TRACE_PLUGINS=1.",
            err=True,
        )


@plugins.command("info")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_app
def plugin_info(app: App, name: str, as_json: bool) -> None:
    """Show one plugin in full, with the settings schema of everything it registers."""
    from smmcore.plugin_manager import plugin_info as read_info
    from smmcore.plugin_manager import settings_fields

    info = read_info(name, host=app.host)
    record, data = info.record, info.to_json()
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"{record.name}")
    click.echo(f"  distribution: {record.distribution or '-'} {record.version or ''}".rstrip())
    click.echo(f"  module:       {record.module}")
    click.echo(f"  status:       {record.status}")
    for problem in record.problems:
        click.echo(f"  problem:      {problem}")
    for point, regs in data["registers"].items():
        click.echo(f"  {_label(point)}:")
        for reg in regs:
            click.echo(f"    {reg['name']}: {reg['description']}")
            click.echo(f"      implementation: {reg['impl']}")
            for key in ("networks", "capabilities", "fills", "languages"):
                if reg.get(key):
                    click.echo(f"      {key}: {', '.join(reg[key])}")
            if reg.get("network"):
                click.echo(f"      network: {reg['network']}")
            if reg.get("formula"):
                click.echo(f"      formula: {reg['formula']} ({reg['unit']}, {reg['aggregation']})")
            if reg.get("settings_schema"):
                click.echo(f"      settings ({reg['settings_table']} in smm.toml):")
            for f in settings_fields(reg.get("settings_schema")):
                flag = " (required)" if f.required else ""
                default = f" [default: {f.default}]" if f.has_default else ""
                click.echo(f"        {f.name}: {f.kind}{flag}{default} {f.description}".rstrip())
            if reg.get("settings_error"):
                click.echo(f"      settings: cannot load ({reg['settings_error']})")


def _log(line: str) -> None:
    click.echo(line, err=True)


@plugins.command("install")
@click.argument("packages", nargs=-1)
@click.option("-U", "--upgrade", is_flag=True, help="Upgrade the packages to the newest version.")
@click.option(
    "-e",
    "--editable",
    "editables",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="Install a local plugin folder in editable mode (repeatable).",
)
@click.option("--index-url", help="Base URL of the package index.")
@click.option("--extra-index-url", multiple=True, help="Extra package index URL (repeatable).")
@click.option("--no-deps", is_flag=True, help="Do not install the packages' dependencies.")
def install(
    packages: tuple[str, ...],
    upgrade: bool,
    editables: tuple[str, ...],
    index_url: str | None,
    extra_index_url: tuple[str, ...],
    no_deps: bool,
) -> None:
    """Install plugins from PyPI (or a wheel, or a folder) into smm's own environment."""
    from smmcore.errors import InvalidArgument
    from smmcore.plugin_manager import install as install_plugins

    try:
        install_plugins(
            packages,
            upgrade=upgrade,
            editable=editables,
            index_url=index_url,
            extra_index_urls=extra_index_url,
            no_deps=no_deps,
            log=_log,
        )
    except InvalidArgument as exc:
        raise click.UsageError(str(exc)) from None


@plugins.command("uninstall")
@click.argument("packages", nargs=-1, required=True)
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation (pip only).")
def uninstall(packages: tuple[str, ...], yes: bool) -> None:
    """Uninstall plugins from smm's environment (smmcore itself is refused)."""
    from smmcore.plugin_manager import uninstall as uninstall_plugins

    uninstall_plugins(packages, yes=yes, log=_log)


@plugins.command("new")
@click.argument("name")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder to create the package folder smm-NAME in.",
)
@click.option("--description", help="One-line description of the plugin.")
@click.option("--author", help="Author name for pyproject.toml.")
@click.option("--distribution", help="Distribution name [default: smm-NAME].")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["source", "kpi", "reporter", "export-format"]),
    help="What the plugin provides; repeat for several [default: source and kpi].",
)
def new_plugin(
    name: str,
    directory: Path,
    description: str | None,
    author: str | None,
    distribution: str | None,
    kinds: tuple[str, ...],
) -> None:
    """Create a ready-to-test plugin package smm-NAME from the template."""
    from smmcore.plugin_manager import new_plugin as create

    target = create(
        name,
        directory,
        description=description,
        author=author,
        distribution=distribution,
        kinds=kinds or None,
    )
    click.echo(f"Created {target}")
    click.echo("Next steps (see its README; smmcore from a local checkout until it is on PyPI):")
    click.echo(f"  cd {target}")
    click.echo("  uv venv && uv pip install -e PATH/TO/smmcore -e '.[test]'")
    click.echo("  uv run --no-sync pytest && uv run --no-sync ruff check .")
    click.echo("  smm plugins install -e .      # use it from smm while you develop it")
    click.echo("  uv build && uv publish        # publish it on PyPI")
