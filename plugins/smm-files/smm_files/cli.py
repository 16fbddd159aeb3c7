"""``smm files``: check an export folder, import it into the workspace, write the demo data."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from smmcore.cli.app import App, pass_app
from smmcore.errors import SmmError


def _settings(app: App, timezone: str | None, mapping: tuple[str, ...]) -> Any:
    """``[plugins.files]`` of the current workspace if there is one, with the command-line
    overrides applied."""
    from pydantic import ValidationError

    from smm_files.settings import FilesSettings

    settings = FilesSettings()
    if (app.workspace_dir / "smm.toml").is_file():
        settings = app.workspace().plugin_settings("files", FilesSettings) or settings
    data = settings.model_dump()
    if timezone:
        data["timezone"] = timezone
    for item in mapping:
        canonical, sep, header = item.partition("=")
        if not sep or not canonical.strip() or not header:
            raise click.BadParameter(f"expected CANONICAL=Header, got {item!r}", param_hint="--map")
        data["mapping"][canonical.strip()] = header
    try:
        settings = FilesSettings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(e["msg"] for e in exc.errors())
        raise SmmError(f"invalid files settings: {problems}") from None
    return settings.with_channels(_file_channels(app))


def _file_channels(app: App) -> list[dict[str, Any]]:
    """The workspace's channels read through the files source (native files without an
    account column take theirs)."""
    from smm_files.source import channel_binding

    if not (app.workspace_dir / "smm.toml").is_file():
        return []
    config = app.workspace().config
    return [channel_binding(ch) for _, _, ch in config.all_channels() if ch.source == "files"]


def _canonical_files(path: Path, settings: Any) -> set[Path]:
    """The canonical files of the folder (``posts.csv``, a ``file`` glob, ...)."""
    from smm_files.schema import EXTENSIONS, FILE_KINDS

    found: set[Path] = set()
    for kind in FILE_KINDS:
        pattern = settings.for_file(kind).file
        found.update(path.glob(pattern) if pattern else (path / f"{kind}{e}" for e in EXTENSIONS))
    return {p for p in found if p.is_file()}


def _format_lines(path: Path, settings: Any) -> list[str]:
    """Per native file: the format recognised, the columns used, ignored and missing."""
    from smm_files.native import scan, shown
    from smmcore.contracts import SourceError

    try:
        found, unknown = scan(path, settings, _canonical_files(path, settings))
    except SourceError as exc:
        raise SmmError(str(exc.args[0]), hint=exc.hint) from None
    lines = [line for nf in found for line in nf.describe()]
    lines += [
        f"{shown(str(name))}: not recognised (no export format matches its headers; "
        "see 'smm files formats')"
        for name in unknown
    ]
    return lines


_timezone_option = click.option(
    "--timezone",
    metavar="TZ",
    help="Time zone of timestamps written without an offset (e.g. Europe/Rome).",
)
_map_option = click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="CANONICAL=Header",
    help='Read a canonical column from your header, e.g. --map "likes=Reactions". Repeatable.',
)


@click.group()
def files() -> None:
    """Check and import analytics exports (CSV or JSON Lines); write the demo data.

    The format is documented in the smm-files README: accounts.csv, posts.csv and optionally
    audience.csv and interactions.csv (or .jsonl). Column mappings and the time zone for
    naive timestamps come from [plugins.files] in smm.toml, or from --map and --timezone.
    """


@files.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_timezone_option
@_map_option
@pass_app
def check(app: App, path: Path, timezone: str | None, mapping: tuple[str, ...]) -> None:
    """Validate the export in PATH: rows per file, bad rows with their numbers, what was
    ignored, keys given twice with different values. Exits 1 when a row is bad or no file
    has a data row."""
    from smm_files.reader import ExportData, StreamSummary, iter_export
    from smmcore.contracts import SourceError

    settings = _settings(app, timezone, mapping)
    for line in _format_lines(path, settings):  # before reading: said even when it fails
        click.echo(line)
    summary = StreamSummary(folder=path)
    try:
        for _chunk in iter_export(
            path, settings, skip_bad=True, summary=summary, require_rows=False
        ):
            pass
    except SourceError as exc:
        raise SmmError(str(exc.args[0]), hint=exc.hint) from None
    for name, rows in summary.files.items():
        click.echo(f"{name}: {rows:,} rows")
    for note in summary.warnings():
        click.echo(f"warning: {note}")
    if summary.bad_count:
        report = ExportData(folder=path, bad_rows=summary.bad_rows, bad_count=summary.bad_count)
        click.echo(report.bad_report(header=f"{summary.bad_count:,} bad row(s):"))
        click.get_current_context().exit(1)
    if not any(summary.files.values()):
        click.echo("No data rows: the files hold only their headers.")
        click.get_current_context().exit(1)
    click.echo("All rows are valid.")


@files.command(name="import")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--skip-bad", is_flag=True, help="Import the good rows and report the bad ones.")
@_timezone_option
@_map_option
@pass_app
def import_(
    app: App, path: Path, skip_bad: bool, timezone: str | None, mapping: tuple[str, ...]
) -> None:
    """Import the export in PATH into the workspace's history store, in one transaction.

    Re-importing the same files stores nothing twice. With bad rows nothing is imported,
    unless --skip-bad (or skip_bad = true in [plugins.files]) is given.
    """
    from smm_files.reader import StreamSummary, fingerprint, iter_export
    from smm_files.source import unit_key
    from smmcore.contracts import SourceError

    ws = app.workspace()
    settings = _settings(app, timezone, mapping)
    try:
        cursor = fingerprint(path, settings)
    except SourceError as exc:  # no export file in the folder: a user error, said as one
        raise SmmError(str(exc.args[0]), hint=exc.hint) from None
    summary = StreamSummary(folder=path)
    store = ws.open_store()
    try:
        # Streamed in bounded chunks into one unit: all of it is written, or nothing.
        with store.unit_writer(unit_key(path.resolve(), ws.dir), "files") as writer:
            for table, chunk in iter_export(
                path,
                settings,
                skip_bad=skip_bad or settings.skip_bad,
                log=lambda s: click.echo(s),
                summary=summary,
            ):
                writer.add_batch(table, chunk)
            writer.set_cursor(cursor)
    except SourceError as exc:
        raise SmmError(str(exc.args[0]), hint=exc.hint) from None
    finally:
        store.close()
    for table, count in summary.counts().items():
        click.echo(f"{table}: {count:,} rows")
    click.echo(f"Imported {path} into {ws.store_path}.")


@files.command(name="formats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_app
def formats_(app: App, as_json: bool) -> None:
    """List the native export formats recognised without a mapping (from every plugin)."""
    import json

    from smmcore.exports import load_format

    rows = []
    for name, spec in sorted(app.host.export_formats().items()):
        try:
            recognised = load_format(spec).recognised_by()
        except Exception as exc:  # a broken third-party format is listed, not fatal
            recognised = [f"cannot load: {exc}"]
        rows.append(
            {
                "name": name,
                "network": spec.network,
                "fills": list(spec.fills),
                "languages": list(spec.languages),
                "recognised_by": recognised,
                "plugin": spec.plugin,
                "description": spec.description,
            }
        )
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("No export formats registered.")
        return
    for row in rows:
        fills = " + ".join(row["fills"]) or "nothing stored (recognised and skipped)"
        click.echo(f"{row['name']}  [{row['network']}]  {row['description']}")
        click.echo(f"    fills: {fills}")
        click.echo(f"    languages: {', '.join(row['languages']) or '-'}")
        click.echo(f"    recognised by: {'; '.join(row['recognised_by'])}")
        if row["plugin"] and row["plugin"] != "files":
            click.echo(f"    plugin: {row['plugin']}")


@files.command(name="demo-data")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--posts", type=click.IntRange(min=1), help="Total posts [default: about 1,300].")
@click.option("--accounts", type=click.IntRange(min=6), help="Number of accounts [default: 6].")
@click.option("--seed", type=int, default=None, help="Random seed (same seed, same bytes).")
@click.option(
    "--end-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Last day of the 12 months of data [default: today].",
)
@click.option("--no-audience", is_flag=True, help="Skip audience.csv and interactions.csv.")
def demo_data(
    out: Path,
    posts: int | None,
    accounts: int | None,
    seed: int | None,
    end_date: Any,
    no_audience: bool,
) -> None:
    """Write the demo export (Forno Rossi, a bakery in Bologna, and 2 competitors) to OUT."""
    from smm_files.demo import DEFAULT_SEED, generate_export

    end: date | None = end_date.date() if end_date else None
    result = generate_export(
        out,
        end_date=end,
        seed=DEFAULT_SEED if seed is None else seed,
        posts=posts,
        accounts=accounts,
        audience=not no_audience,
    )
    for name, rows in result.rows.items():
        click.echo(f"{out / name}: {rows:,} rows")
