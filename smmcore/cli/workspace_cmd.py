"""``smm init`` (create a workspace) and ``smm config show`` (print its configuration).

The work is :func:`smmcore.api.init` and :meth:`smmcore.api.Workspace.config_toml`; this
module asks for what the options leave out and prints.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from smmcore.cli.app import App, pass_app


def _prompt_valid(label: str, default: str, field: str) -> str:
    from smmcore.api import check_client

    while True:
        value = click.prompt(label, default=default, show_default=bool(default))
        problem = check_client(field, value)
        if problem is None:
            return value
        click.echo(f"  {problem}", err=True)


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="The client's name.")
@click.option("--language", help="Report language (ISO 639-1, e.g. en, it).")
@click.option("--timezone", help="The client's IANA time zone (e.g. Europe/Rome).")
@click.option("--segment", help="The client's segment or market.")
@click.option("-y", "--yes", is_flag=True, help="Ask nothing: use the options and defaults.")
@click.option("--force", is_flag=True, help="Overwrite an existing smm.toml.")
@pass_app
def init(
    app: App,
    directory: Path | None,
    name: str | None,
    language: str | None,
    timezone: str | None,
    segment: str | None,
    yes: bool,
    force: bool,
) -> None:
    """Create a workspace: a commented smm.toml in DIRECTORY (default: the workspace folder).

    Asks for the client's name, language, time zone and segment unless they are given as
    options or --yes is passed.
    """
    from smmcore.api import check_init_target
    from smmcore.api import init as create

    target = (directory or app.workspace_dir).resolve()
    check_init_target(target, force=force)  # before asking anything
    default_name = target.name or "My client"
    if yes:
        name = name or default_name
        language = language or "en"
        timezone = timezone or "UTC"
    else:
        if name is None:
            name = click.prompt("Client name", default=default_name)
        if language is None:
            language = _prompt_valid("Report language (en, it, ...)", "en", "language")
        if timezone is None:
            timezone = _prompt_valid("Time zone (IANA, e.g. Europe/Rome)", "UTC", "timezone")
        if segment is None:
            segment = click.prompt("Segment or market (optional)", default="", show_default=False)
    assert name is not None and language is not None and timezone is not None
    ws = create(
        target,
        name=name,
        language=language,
        timezone=timezone,
        segment=segment or "",
        force=force,
        host=app.host,
    )
    click.echo(f"Created {ws.config_path}")
    click.echo("Next: add your channels to it, then run 'smm sync' and 'smm report'.")


# ------------------------------------------------------------------ smm config


@click.group()
def config() -> None:
    """Show the workspace configuration."""


@config.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of TOML.")
@pass_app
def config_show(app: App, as_json: bool) -> None:
    """Print the resolved configuration (defaults filled in) with secrets redacted.

    A ${VAR} reference shows as ${VAR} with whether the variable is set; values under keys
    that look secret (token, key, secret, password) are replaced.
    """
    ws = app.open()
    if as_json:
        click.echo(json.dumps(ws.redacted_config(), indent=2, ensure_ascii=False))
    else:
        click.echo(f"# {ws.config_path} (resolved, secrets redacted)")
        click.echo(f"# history store: {ws.store_path}")
        click.echo(ws.config_toml())
