"""The root ``smm`` group.

Startup stays fast: the core's own subcommands are imported only when they run, and plugin
commands are listed from their registrations without importing their implementation.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from smmcore import __version__
from smmcore.cli.app import App, get_app
from smmcore.errors import SmmError

CORE_COMMANDS: dict[str, tuple[str, str]] = {
    "audience": ("smmcore.cli.audience_cmd:audience", "Segments, influencers and communities."),
    "config": ("smmcore.cli.workspace_cmd:config", "Show the workspace configuration."),
    "demo": ("smmcore.cli.demo_cmd:demo", "Build a demo workspace, sync it and report on it."),
    "init": ("smmcore.cli.workspace_cmd:init", "Create a workspace with a commented smm.toml."),
    "keywords": (
        "smmcore.cli.keywords_cmd:keywords",
        "Keyword research: trends, related queries, suggestions.",
    ),
    "kpis": ("smmcore.cli.kpis_cmd:kpis", "List the KPIs and show their formulas."),
    "plugins": ("smmcore.cli.plugins_cmd:plugins", "List, inspect, install and create plugins."),
    "report": ("smmcore.cli.report_cmd:report", "Compute KPIs for a period and render a report."),
    "store": ("smmcore.cli.store_cmd:store", "Look after the workspace's history store."),
    "sync": ("smmcore.cli.sync_cmd:sync", "Bring the workspace's channels into its history store."),
}
"""Core subcommand name -> (lazy reference to the click command, short help)."""

_SELECTION_VARIABLES = ("SMM_LOAD_PLUGINS", "SMM_DISABLE_PLUGINS")


def _flag(variable: str) -> bool:
    return os.environ.get(variable, "").strip().lower() in {"1", "true", "yes", "on"}


class _BrokenCommand(click.Command):
    """Stands in for a plugin command that cannot load; running it explains why."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(
            name=name,
            help=f"[broken] {reason}",
            short_help="[broken]",
            context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
            add_help_option=False,
        )
        self.reason = reason

    def invoke(self, ctx: click.Context) -> Any:
        raise SmmError(
            f"command {self.name!r} is broken: {self.reason}",
            hint="reinstall or upgrade its plugin ('smm plugins install --upgrade PACKAGE'), "
            "or disable it with SMM_DISABLE_PLUGINS",
        )


class SmmGroup(click.Group):
    """A group whose subcommands are imported on demand: core ones from
    :data:`CORE_COMMANDS`, plugin ones from ``smm_register_commands`` registrations."""

    def _plugin_commands(self, ctx: click.Context) -> dict[str, Any]:
        host = get_app(ctx).host
        # Registration hooks are cheap by contract; calling them all tells which plugins
        # failed, so their commands can be marked broken.
        host.collect_all()
        return host.commands()

    def _listing(self, ctx: click.Context) -> dict[str, tuple[str, str, bool]]:
        """Plugin command name -> (description, plugin, broken), for help and completion.

        Remembered between runs (:func:`smmcore.entry_points.save_stamped`) when every plugin
        loaded cleanly, with the files of the modules the plugins' loading imported: the
        next ``smm --help`` lists the same commands without importing a plugin, and any
        change to those files, to an installed distribution or to the plugin selection makes
        it load them again."""
        memo = ctx.find_root().meta
        if "smm.listing" not in memo:
            memo["smm.listing"] = self._load_listing(ctx)
        return memo["smm.listing"]

    def _load_listing(self, ctx: click.Context) -> dict[str, tuple[str, str, bool]]:
        app = get_app(ctx)
        fresh = "host" not in app.__dict__  # not created yet, nor injected (tests)
        key = "\n".join([__version__, *(os.environ.get(v, "\0") for v in _SELECTION_VARIABLES)])
        strict = app.strict_plugins or _flag("SMM_STRICT_PLUGINS")
        if fresh and not strict and not _flag("SMM_TRACE_PLUGINS"):
            from smmcore.entry_points import load_stamped

            cached = load_stamped("commands", key)
            if isinstance(cached, dict):
                return {name: (d, p, False) for name, (d, p) in cached.items()}
        before = set(sys.modules) if fresh else set()
        host = app.host
        specs = self._plugin_commands(ctx)
        listing = {
            name: (spec.description, spec.plugin, host.plugin(spec.plugin).status != "ok")
            for name, spec in specs.items()
        }
        if fresh and not strict and not host.problems():
            from smmcore.entry_points import save_stamped

            loaded = [m for name, m in list(sys.modules.items()) if name not in before]
            loaded += [m for name, m in list(sys.modules.items()) if name.startswith("smmcore")]
            files = sorted(
                {f for m in loaded if isinstance(f := getattr(m, "__file__", None), str)}
            )
            data = {name: [d, p] for name, (d, p, _broken) in listing.items()}
            save_stamped("commands", key, data, files)
        return listing

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(CORE_COMMANDS) | set(self.commands)
        names |= set(self._listing(ctx))
        return sorted(names)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name in CORE_COMMANDS:
            from smmcore.registry import resolve_reference

            return resolve_reference(CORE_COMMANDS[cmd_name][0])
        spec = self._plugin_commands(ctx).get(cmd_name)
        if spec is None:
            return None
        host = get_app(ctx).host
        record = host.plugin(spec.plugin)
        if record.status != "ok":
            return _BrokenCommand(
                cmd_name, f"its plugin {record.label} failed: " + "; ".join(record.problems)
            )
        try:
            command = spec.load()
        except Exception as exc:
            return _BrokenCommand(cmd_name, f"plugin {record.label}: {exc}")
        if not isinstance(command, click.Command):
            return _BrokenCommand(
                cmd_name,
                f"plugin {record.label} registered {spec.impl!r}, which is not a click command",
            )
        return command

    def _short_help(self, ctx: click.Context, name: str) -> str:
        if name in self.commands:
            return self.commands[name].get_short_help_str(limit=60)
        if name in CORE_COMMANDS:
            return CORE_COMMANDS[name][1]
        description, plugin, broken = self._listing(ctx)[name]
        prefix = "[broken] " if broken else ""
        return f"{prefix}{description} [plugin {plugin}]"

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, self._short_help(ctx, name)) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    host = get_app(ctx).host
    host.collect_all()
    loaded = sum(1 for p in host.plugins if p.status == "ok")
    failed = sum(1 for p in host.plugins if p.status == "failed")
    extra = f", {failed} failed" if failed else ""
    click.echo(f"smm, version {__version__} (smmcore) with {loaded} plugins{extra}")
    ctx.exit()


def _strict_option(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    app = get_app(ctx)
    if value:
        app.strict_plugins = True
        if "host" in app.__dict__:  # already created (tests inject one)
            app.host.enable_strict()
    return value


@click.group(cls=SmmGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-w",
    "--workspace",
    "workspace_dir",
    type=click.Path(file_okay=False, path_type=__import__("pathlib").Path),
    envvar="SMM_WORKSPACE",
    help="Workspace folder holding smm.toml [default: the current folder].",
    is_eager=True,
)
@click.option(
    "--strict-plugins",
    is_flag=True,
    is_eager=True,
    callback=_strict_option,
    help="Fail on any plugin problem instead of reporting it (also SMM_STRICT_PLUGINS=1).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and the number of plugins, then exit.",
)
@click.pass_context
def cli(ctx: click.Context, workspace_dir: Any, strict_plugins: bool, debug: bool) -> None:
    """smm: history, KPIs, keywords, audience and reports for social media managers.

    Every network, KPI, segmenter, keyword tool and report format is a plugin: see
    'smm plugins list'. Start with 'smm demo', or 'smm init' for a workspace of your own.
    """
    app = get_app(ctx)
    if workspace_dir is not None:
        app.workspace_dir = workspace_dir.resolve()
    app.debug = debug or app.debug


def main(argv: list[str] | None = None, *, app: App | None = None) -> None:
    """Run ``smm``: click's own messages for usage errors (exit 2), one ``Error:`` line for
    failures (exit 1), a traceback only with ``--debug`` or ``SMM_DEBUG=1``.

    :param app: the invocation state to use (tests pass one holding in-memory plugins).
    """
    from smmcore.safeout import protect_terminal

    protect_terminal()  # no escape sequence from a post or a name reaches the terminal
    if os.environ.get("SMM_CLI_COVERAGE_LOG"):  # the test suite's record of what it runs
        from smmcore.testing.cli_coverage import install

        install()
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("SMM_DEBUG", "") in {"1", "true", "yes"}
    app = app or App()
    app.debug = app.debug or debug
    try:
        result = cli.main(args=args, prog_name="smm", standalone_mode=False, obj=app)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        click.echo("Aborted!", err=True)
        sys.exit(1)
    except SmmError as exc:
        if app.debug:
            import traceback

            traceback.print_exc()
        click.echo(f"Error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except (Exception, MemoryError) as exc:
        if app.debug:
            import traceback

            traceback.print_exc()
        from smmcore.errors import explain_environment

        fault = explain_environment(exc)
        if fault is not None:  # the machine, not a bug: say what and where, and what to do
            click.echo(f"Error: {fault.format_message()}", err=True)
            sys.exit(1)
        click.echo(
            f"Error: unexpected {type(exc).__name__}: {exc} "
            "(run again with --debug for the traceback and report it)",
            err=True,
        )
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)
