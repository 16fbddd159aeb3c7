"""Entry point of the smm-ducklake plugin: registrations only, nothing heavy is imported here."""

from __future__ import annotations

from collections.abc import Callable

from smmcore import CommandSpec, StoreBackendSpec, hookimpl


@hookimpl
def smm_register_store_backends(register: Callable[[StoreBackendSpec], None]) -> None:
    register(
        StoreBackendSpec(
            name="ducklake",
            description="DuckLake: catalog in PostgreSQL (or a file), data as Parquet in a "
            "shared folder; many workspaces and writers.",
            impl="smm_ducklake.backend:make_backend",
            settings="smm_ducklake.backend:DuckLakeSettings",
            queue="smm_ducklake.queue:make_queue",
        )
    )


@hookimpl
def smm_register_commands(register: Callable[[CommandSpec], None]) -> None:
    register(
        CommandSpec(
            name="worker",
            description="Take sync units from the team queue and sync them into the lake.",
            impl="smm_ducklake.cli:worker",
        )
    )
