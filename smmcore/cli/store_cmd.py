"""``smm store``: look after the history store (implausible times; moving it elsewhere)."""

from __future__ import annotations

import json

import click

from smmcore.cli.app import App, pass_app


@click.group("store")
def store() -> None:
    """Look after the workspace's history store."""


@store.command("dates")
@click.option(
    "--delete", is_flag=True, help="Remove the rows listed (a post's metric snapshots too)."
)
@click.option("--examples", type=int, default=5, show_default=True, help="Rows shown per table.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def dates_cmd(app: App, delete: bool, examples: int, as_json: bool) -> None:
    """Rows dated before 2004 or later than tomorrow (reports leave them out)."""
    from smmcore.dates import EARLIEST

    found = app.open().store.check_dates(examples=examples, delete=delete)
    deleted = found.deleted
    if as_json:
        data = {"counts": found.counts, "examples": found.examples, "deleted": deleted}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if not found.total:
        click.echo(f"No stored row is dated before {EARLIEST.date()} or in the future.")
        return
    for table, count in found.counts.items():
        click.echo(f"{table}: {count} row(s) with an implausible time")
        for example in found.examples.get(table, []):
            click.echo("  " + ", ".join(f"{k}={_printable(v)}" for k, v in example.items()))
    if deleted:
        total = sum(deleted.values())
        parts = ", ".join(f"{table} {n}" for table, n in deleted.items())
        click.echo(f"Deleted {total} row(s): {parts}.")
    else:
        click.echo("Reports leave these rows out; 'smm store dates --delete' removes them.")


def _printable(value: object) -> str:
    """``value`` as text without control characters (stored text is not trusted)."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(value))


@store.command("migrate")
@click.option(
    "--to",
    "to",
    required=True,
    metavar="BACKEND",
    help="The store backend to copy the history into: 'duckdb' (the file .smm/store.duckdb) "
    "or one a plugin registers ('smm plugins list').",
)
@click.option("--replace", is_flag=True, help="Overwrite what the target store holds.")
@pass_app
def migrate_cmd(app: App, to: str, replace: bool) -> None:
    """Copy the whole history from the configured store ([store] backend) to another.

    The target's settings come from [store] in smm.toml (the backend's own keys). Every
    table is copied in one transaction and its rows counted before it commits; then set
    [store] backend to the new one.
    """
    workspace = app.open()
    done = workspace.store.migrate(to, replace=replace)
    for table, count in done.counts.items():
        click.echo(f"{table}: {count:,} row(s) copied, counts checked")
    click.echo(f"Copied the history from {done.source!r} to {done.location}.")
    click.echo(
        f'Next: set backend = "{to}" in [store] of {workspace.config_path} to use it '
        f"(the {done.source!r} store is left as it was)."
    )
