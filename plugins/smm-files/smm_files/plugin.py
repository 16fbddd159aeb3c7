"""Entry point of the smm-files plugin: registrations only, nothing heavy is imported here."""

from __future__ import annotations

from collections.abc import Callable

from smmcore import CommandSpec, SourceSpec, hookimpl


@hookimpl
def smm_register_sources(register: Callable[[SourceSpec], None]) -> None:
    register(
        SourceSpec(
            name="files",
            description="Analytics exports (CSV or JSON Lines) in a folder, any network.",
            impl="smm_files.source:FilesSource",
            settings="smm_files.settings:FilesSettings",
            capabilities=("accounts", "posts", "metrics", "audience", "interactions", "offline"),
            networks=(),
        )
    )


@hookimpl
def smm_register_commands(register: Callable[[CommandSpec], None]) -> None:
    register(
        CommandSpec(
            name="files",
            description="Check and import analytics exports; write the demo data.",
            impl="smm_files.cli:files",
        )
    )
