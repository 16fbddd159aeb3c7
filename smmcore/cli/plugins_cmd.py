"""``smm plugins``: list, inspect, install, uninstall and create plugins."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from smmcore.cli.app import App, pass_app
from smmcore.errors import SmmError
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
    host = app.host
    host.collect_all()
    records = [r for r in host.plugins if show_all or r.status != "disabled"]
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


def _settings_schema(reference: str | None) -> dict[str, Any] | None:
    if not reference:
        return None
    from smmcore.registry import resolve_reference

    model = resolve_reference(reference)
    return model.model_json_schema() if hasattr(model, "model_json_schema") else None


@plugins.command("info")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_app
def plugin_info(app: App, name: str, as_json: bool) -> None:
    """Show one plugin in full, with the settings schema of everything it registers."""
    host = app.host
    host.collect_all()
    record = host.plugin(name)
    data = record.to_json()
    for regs in data["registers"].values():
        for reg in regs:
            try:
                reg["settings_schema"] = _settings_schema(reg.get("settings"))
            except Exception as exc:
                reg["settings_schema"] = None
                reg["settings_error"] = str(exc)
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
            schema = reg.get("settings_schema")
            if schema:
                click.echo(f"      settings ([plugins.{reg['name']}] in smm.toml):")
                required = set(schema.get("required", []))
                for field, prop in schema.get("properties", {}).items():
                    kind = prop.get("type") or prop.get("format") or "any"
                    if "anyOf" in prop:
                        kind = " | ".join(p.get("type", "?") for p in prop["anyOf"])
                    flag = " (required)" if field in required else ""
                    desc = prop.get("description", "")
                    default = f" [default: {prop['default']}]" if "default" in prop else ""
                    click.echo(f"        {field}: {kind}{flag}{default} {desc}".rstrip())
            if reg.get("settings_error"):
                click.echo(f"      settings: cannot load ({reg['settings_error']})")


def _installer() -> list[str]:
    """The command that installs into the environment running smm: pip, or uv pip."""
    choice = os.environ.get("SMM_INSTALLER", "").strip().lower()
    has_pip = importlib.util.find_spec("pip") is not None
    uv = shutil.which("uv")
    if choice == "pip" or (not choice and has_pip):
        if not has_pip:
            raise SmmError("SMM_INSTALLER=pip but pip is not installed in this environment")
        return [sys.executable, "-m", "pip"]
    if uv:
        return [uv, "pip"]
    raise SmmError(
        "neither pip nor uv is available to install plugins into this environment",
        hint=f"install pip ('{sys.executable} -m ensurepip') or uv",
    )


def _run_installer(args: list[str]) -> None:
    base = _installer()
    command = [*base, *args]
    if base[-1] == "pip" and base[0] != sys.executable:  # uv pip: name the environment
        command = [*base, args[0], "--python", sys.executable, *args[1:]]
    click.echo("$ " + " ".join(command), err=True)
    completed = subprocess.run(command, check=False)
    if completed.returncode != 0:
        raise SmmError(
            f"{' '.join(base)} {args[0]} failed with exit code {completed.returncode}",
            hint="see its output above",
        )


_SMMCORE_RE = re.compile(r"^smmcore(\[.*\])?$", re.IGNORECASE)


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
    if not packages and not editables:
        raise click.UsageError("name at least one package, or -e PATH")
    args = ["install"]
    if upgrade:
        args.append("--upgrade")
    if no_deps:
        args.append("--no-deps")
    if index_url:
        args += ["--index-url", index_url]
    for url in extra_index_url:
        args += ["--extra-index-url", url]
    for path in editables:
        args += ["-e", str(Path(path).resolve())]
    args += list(packages)
    _run_installer(args)


@plugins.command("uninstall")
@click.argument("packages", nargs=-1, required=True)
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation (pip only).")
def uninstall(packages: tuple[str, ...], yes: bool) -> None:
    """Uninstall plugins from smm's environment (smmcore itself is refused)."""
    for package in packages:
        if _SMMCORE_RE.match(package.strip()):
            raise SmmError(
                "refusing to uninstall smmcore itself: smm would stop working",
                hint="uninstall plugins by name; remove smmcore with your own package manager",
            )
    args = ["uninstall", *packages]
    if yes and _installer()[-1] == "pip" and _installer()[0] == sys.executable:
        args.insert(1, "-y")
    _run_installer(args)


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
    from smmcore.authorkit import create_plugin

    target = create_plugin(
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
