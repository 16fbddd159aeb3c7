"""The smm-serve plugin: registers the ``smm serve`` command (imported only when it runs)."""

from __future__ import annotations

from collections.abc import Callable

from smmcore import hookimpl
from smmcore.registry import CommandSpec


@hookimpl
def smm_register_commands(register: Callable[[CommandSpec], None]) -> None:
    register(
        CommandSpec(
            name="serve",
            description="Serve a local web dashboard of the workspace (read-only).",
            impl="smm_serve.cli:serve",
        )
    )
