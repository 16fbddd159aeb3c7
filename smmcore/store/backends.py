"""Store backends: where a workspace's history lives and how the store talks to it.

The store (:class:`smmcore.store.Store`) runs the same DuckDB SQL on every backend: the KPIs,
segmenters and reports never know which one they read. A backend decides only

* how the DuckDB connection is made (:meth:`StoreBackend.connect`): the embedded default opens
  ``.smm/store.duckdb``; a team backend attaches a shared database and ``USE``\\ s the
  workspace's own schema in it, so unqualified table names are the workspace's tables;
* how a natural-key upsert is written (:meth:`StoreBackend.upsert_sql`): ``INSERT ... ON
  CONFLICT`` where the engine has primary keys, ``MERGE INTO`` where it has none;
* how the schema's DDL is adapted (:meth:`StoreBackend.ddl`);
* how a write transaction is guarded (:meth:`StoreBackend.write_guard`, e.g. a lock shared by
  every machine) and which errors mean "another writer won, run the transaction again"
  (:attr:`StoreBackend.retry_on`).

``[store] backend = "NAME"`` in ``smm.toml`` picks one; ``duckdb`` (the default) is built in,
any other name is a :class:`~smmcore.registry.StoreBackendSpec` registered by a plugin through
``smm_register_store_backends``. The backend's other ``[store]`` keys are validated by the
registration's settings model (``${ENV_VAR}`` references expanded, never printed).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar, Protocol

DEFAULT_BACKEND = "duckdb"
"""The embedded backend: one DuckDB file per workspace (``.smm/store.duckdb``)."""


class StoreBackend:
    """Where a store lives. Subclass it for a new backend; the defaults are DuckDB's own.

    :ivar name: the backend's name (``[store] backend``).
    :ivar location: a human-readable place for messages (a path; never a secret).
    :ivar path: a filesystem path for :attr:`smmcore.store.Store.path` (the file, or the
        data folder of a shared backend).
    """

    name: ClassVar[str] = DEFAULT_BACKEND
    retry_on: tuple[type[BaseException], ...] = ()
    """Errors of a write transaction that mean "retry it" (a concurrent writer won)."""
    attempts: int = 1
    """How many times a write transaction is tried when it fails with :attr:`retry_on`."""
    snapshot_reads: bool = False
    """Whether a read-only store holds one transaction open, so every query of a report
    sees the same snapshot while other processes commit."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.location = str(self.path)

    def exists(self) -> bool:
        """Whether the store has been created (a read-only open of a missing one fails)."""
        return self.path.exists()

    def connect(self, read_only: bool) -> Any:
        """A DuckDB connection whose current catalog and schema hold the store's tables,
        with the session time zone set to UTC."""
        from smmcore.errors import StoreError, explain_environment
        from smmcore.store.db import _connect

        if not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                fault = explain_environment(exc, self.path.parent)
                raise StoreError(str(fault), hint=fault.hint if fault else None) from exc
        return _connect(self.path, read_only)

    def ddl(self, sql: str) -> str:
        """The schema SQL of a migration as this backend runs it."""
        return sql

    def upsert_sql(
        self,
        table: str,
        columns: Sequence[str],
        keys: Sequence[str],
        select: str,
        updates: Sequence[str],
    ) -> str:
        """SQL writing the rows of ``select`` (the ``columns``, in order) into ``table``: a new
        key is inserted, an existing key gets ``updates`` (``"col" = expr``, where ``expr``
        names the stored row ``table."col"`` and the new one ``excluded."col"``)."""
        cols = ", ".join(f'"{c}"' for c in columns)
        key_cols = ", ".join(f'"{k}"' for k in keys)
        action = f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
        return f"INSERT INTO {table} ({cols}) {select} ON CONFLICT ({key_cols}) {action}"

    @contextlib.contextmanager
    def write_guard(self, con: Any) -> Iterator[None]:
        """Held around every write transaction (and schema upgrade) of this store."""
        yield

    def close(self) -> None:
        """Release what :meth:`connect` acquired besides the connection (idempotent)."""


class SyncQueue(Protocol):
    """The queue behind ``smm sync --queue`` (provided by a backend's ``queue`` reference).

    Units are the sync units of :func:`smmcore.sync.plan_units`; workers (``smm worker``,
    from the same plugin) take them one at a time.
    """

    def enqueue(self, workspaces: Sequence[Any]) -> list[tuple[str, str, str]]:
        """Queue every unit of every workspace; return ``(workspace, unit, outcome)`` rows
        (``queued``, or ``already queued`` when the unit waits in the queue already)."""
        ...

    def status(self) -> list[dict[str, Any]]:
        """The queue's jobs: one dict per job (``workspace``, ``unit``, ``status``,
        ``attempts``, ``updated_at``)."""
        ...
