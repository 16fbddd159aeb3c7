"""``smm init`` (create a workspace) and ``smm config show`` (print its configuration)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from smmcore.cli.app import App, pass_app
from smmcore.errors import ConfigError

TEMPLATE = """\
# smm.toml: the workspace of {name_comment}.
# Every section but [client] is optional. Secrets never go in this file: write them as
# ${{ENV_VAR}} references in [plugins.*] and set the variable in your shell.
# Check the file with 'smm config show'; bring the data in with 'smm sync'.

[client]
name = {name}
# The client's segment or market, in a few words (used in reports).
segment = {segment}
# ISO 639-1 language of the reports: "en" or "it".
language = {language}
# IANA time zone: day boundaries and the best time to post follow it.
timezone = {timezone}

# ---------------------------------------------------------------- own channels
# One [[channels]] block per account. 'network' picks the source plugin ('smm plugins list');
# 'handle' or 'url' identifies the account; 'source' forces a plugin; 'options' go to it.
#
# [[channels]]
# network = "mastodon"
# handle = "@forno@mastodon.social"
# label = "Mastodon"
#
# [[channels]]               # an account whose numbers come from analytics exports
# network = "instagram"
# handle = "forno.rossi"
# source = "files"           # smm-files: CSV / JSON Lines in [plugins.files] path

# ---------------------------------------------------------------- competitors
# [[competitors]]
# name = "Rival Bakery"
#
# [[competitors.channels]]
# network = "bluesky"
# handle = "rival.bsky.social"

# ---------------------------------------------------------------- keywords
# [keywords]
# terms = ["pane a lievitazione naturale", "forno artigianale"]
# geo = "IT"
# language = "it"

# ---------------------------------------------------------------- reports
# [report]
# period = "30d"             # 30d, 90d, YYYY-MM, YYYY-Qn, YYYY-Hn or FROM..TO
# compare = "previous"       # previous or year
# kpis = []                  # empty: every KPI

# ---------------------------------------------------------------- custom KPIs
# [kpis.saves_per_impression]
# label = "Saves per 100 impressions"
# numerator = "saves"
# denominator = "impressions"
# aggregation = "ratio_of_sums"
# unit = "%"
# scale = 100

# ---------------------------------------------------------------- plugin settings
# [plugins.files]
# path = "exports"           # relative to this folder
#
# [plugins.mastodon]
# access_token = "${{MASTODON_TOKEN}}"   # read from the environment, never written here
"""


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _check_client(**fields: str) -> None:
    from pydantic import ValidationError

    from smmcore.config import ClientConfig
    from smmcore.workspace import validation_problems

    try:
        ClientConfig(**fields)
    except ValidationError as exc:
        raise ConfigError(
            "the client settings are invalid; nothing was written",
            problems=[
                p.removeprefix("smm.toml ")
                for p in validation_problems(exc, "smm.toml", {}, ("client",))
            ],
        ) from None


def _prompt_valid(label: str, default: str, field: str) -> str:
    from pydantic import ValidationError

    from smmcore.config import ClientConfig

    while True:
        value = click.prompt(label, default=default, show_default=bool(default))
        try:
            ClientConfig(name="x", **{field: value})
        except ValidationError as exc:
            click.echo(f"  {exc.errors()[0]['msg'].removeprefix('Value error, ')}", err=True)
            continue
        return value


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
    from smmcore.workspace import CONFIG_FILE, STORE_DIR

    target = (directory or app.workspace_dir).resolve()
    config = target / CONFIG_FILE
    if config.exists() and not force:
        raise ConfigError(
            f"{config} already exists; nothing was written",
            hint="edit it, or pass --force to replace it with a new one",
        )
    default_name = target.name or "My client"
    if yes:
        name = name or default_name
        language = language or "en"
        timezone = timezone or "UTC"
        segment = segment if segment is not None else ""
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
    _check_client(name=name, language=language, timezone=timezone, segment=segment or "")
    text = TEMPLATE.format(
        name_comment=name.replace("\n", " "),
        name=_q(name),
        segment=_q(segment or ""),
        language=_q(language),
        timezone=_q(timezone),
    )
    from smmcore.safeout import write_output

    target.mkdir(parents=True, exist_ok=True)
    write_output(config, text)  # whole or not at all
    gitignore = target / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text(f"# the history store: rebuilt by 'smm sync'\n{STORE_DIR}/\n")
    click.echo(f"Created {config}")
    click.echo("Next: add your channels to it, then run 'smm sync' and 'smm report'.")


# ------------------------------------------------------------------ smm config


@click.group()
def config() -> None:
    """Show the workspace configuration."""


def _toml_key(key: str) -> str:
    import re

    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        items = ", ".join(
            f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items() if v is not None
        )
        return "{ " + items + " }" if items else "{}"
    return json.dumps(str(value))


def to_toml(data: dict[str, Any], prefix: str = "") -> str:
    """Serialize JSON-like data as TOML (``None`` values are left out: TOML has no null)."""
    lines: list[str] = []
    tables: list[tuple[str, Any]] = []
    for key, value in data.items():
        if value is None:
            continue
        is_table_list = (
            isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
        )
        if isinstance(value, dict) or is_table_list:
            tables.append((key, value))
        else:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    out = "\n".join(lines)
    for key, value in tables:
        name = f"{prefix}.{_toml_key(key)}" if prefix else _toml_key(key)
        blocks = []
        if isinstance(value, dict):
            blocks.append((f"[{name}]", value))
        else:
            blocks.extend((f"[[{name}]]", item) for item in value)
        for header, body in blocks:
            inner = to_toml(body, name)
            out += ("\n\n" if out else "") + header + ("\n" + inner if inner else "")
    return out


@config.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of TOML.")
@pass_app
def config_show(app: App, as_json: bool) -> None:
    """Print the resolved configuration (defaults filled in) with secrets redacted.

    A ${VAR} reference shows as ${VAR} with whether the variable is set; values under keys
    that look secret (token, key, secret, password) are replaced.
    """
    ws = app.workspace()
    data = ws.redacted()
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(f"# {ws.config_path} (resolved, secrets redacted)")
        click.echo(f"# history store: {ws.store_path}")
        click.echo(to_toml(data))
