"""Which ``smm`` commands and options a test suite runs: a recorder and the list to compare with.

When ``SMM_CLI_COVERAGE_LOG`` names a file, :func:`install` (called by the repository's
conftest in the test process and by :func:`smmcore.cli.main.main` in every ``smm``
subprocess) appends one line per command run and per option given on the command line or
through its environment variable. :func:`commands_and_options` lists what ``smm --help``
offers, recursively, plugin commands included; :func:`missing` compares the two.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

import click
from click.core import ParameterSource

LOG_ENV = "SMM_CLI_COVERAGE_LOG"
"""The variable naming the file invocations are appended to."""

_installed: list[str] = []


def _chain(ctx: click.Context) -> tuple[bool, list[str]]:
    """``(whether the root is the smm group, command names from the root down)``."""
    contexts = []
    current: click.Context | None = ctx
    while current is not None:
        contexts.append(current)
        current = current.parent
    contexts.reverse()
    from smmcore.cli.main import SmmGroup

    rooted = isinstance(contexts[0].command, SmmGroup)
    names = [c.info_name or c.command.name or "?" for c in contexts[1:]]
    if not rooted:  # a subcommand invoked on its own (CliRunner.invoke(sync, ...))
        names = [contexts[0].command.name or "?", *names]
    return rooted, names


def _key(ctx: click.Context) -> str:
    rooted, names = _chain(ctx)
    return " ".join(["smm" if rooted else "...", *names])


def _append(path: str, line: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


def install(path: str | None = None) -> None:
    """Record invocations into ``path`` (default: ``$SMM_CLI_COVERAGE_LOG``); idempotent."""
    path = path or os.environ.get(LOG_ENV)
    if not path or _installed:
        return
    _installed.append(path)
    real_invoke = click.Command.invoke
    real_consume = click.Parameter.consume_value

    def invoke(self: click.Command, ctx: click.Context):  # type: ignore[no-untyped-def]
        with contextlib.suppress(Exception):  # recording never breaks a command
            _append(path, f"command\t{_key(ctx)}")
        return real_invoke(self, ctx)

    def consume_value(self: click.Parameter, ctx: click.Context, opts):  # type: ignore[no-untyped-def]
        value, source = real_consume(self, ctx, opts)
        if source in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT):
            with contextlib.suppress(Exception):
                _append(path, f"option\t{_key(ctx)}\t{self.opts[0] if self.opts else self.name}")
        return value, source

    click.Command.invoke = invoke  # type: ignore[method-assign]
    click.Parameter.consume_value = consume_value  # type: ignore[method-assign]


def commands_and_options(root: click.Command, ctx: click.Context) -> set[str]:
    """Every visible command (``"smm sync"``) and option (``"smm sync --since"``) under
    ``root``: what ``smm --help`` and each subcommand's ``--help`` list."""
    found: set[str] = set()

    def walk(command: click.Command, ctx: click.Context, path: str) -> None:
        found.add(path)
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden and param.name != "help":
                found.add(f"{path} {param.opts[0]}")
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is None or sub.hidden:
                    continue
                walk(sub, click.Context(sub, parent=ctx, info_name=name), f"{path} {name}")

    walk(root, ctx, "smm")
    return found


def recorded(path: Path) -> set[str]:
    """The commands and options the log at ``path`` holds, in the form of
    :func:`commands_and_options`; a subcommand invoked on its own is kept as ``"... sync"``."""
    seen: set[str] = set()
    if not path.exists():
        return seen
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if parts[0] == "command" and len(parts) == 2:
            seen.add(parts[1])
        elif parts[0] == "option" and len(parts) == 3:
            seen.add(f"{parts[1]} {parts[2]}")
    return seen


def missing(wanted: Iterable[str], seen: set[str]) -> list[str]:
    """The entries of ``wanted`` never seen; ``"... x y"`` in ``seen`` covers any path ending
    with ``x y``."""
    loose = [s.removeprefix("... ") for s in seen if s.startswith("... ")]
    out = []
    for item in sorted(wanted):
        if item in seen or any(item.endswith(" " + tail) for tail in loose):
            continue
        out.append(item)
    return out
