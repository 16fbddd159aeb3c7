"""The ``ducklake`` store backend.

A lake is a catalog (PostgreSQL for a team; a DuckDB or SQLite file for one machine) and a
data folder of Parquet files. Each workspace keeps its history in its own schema of the lake
(``[store] schema``, by default the client's name), so many clients share one catalog and each
workspace reads and writes only its own tables.

Writers: DuckLake gives snapshot isolation but no primary keys, so two transactions that both
insert the same new key would both succeed. Every write transaction of a workspace therefore
runs under that workspace's lock (a PostgreSQL advisory lock, held by every machine; a file
lock in the data folder for a file catalog): one commit of a workspace at a time, other
workspaces unaffected, and an upsert always sees the rows committed before it. A transaction
that still loses a conflict (another program compacting the lake) is run again.

Readers: a read-only store holds one transaction, so a report sees one snapshot while syncs
commit.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import threading
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from smmcore.errors import StoreError
from smmcore.store.backends import StoreBackend

LAKE = "smm_lake"
"""The name the lake is attached under in each connection."""

_SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_install_lock = threading.Lock()


class DuckLakeSettings(BaseModel):
    """``[store]`` keys of the ``ducklake`` backend.

    :param catalog: where the catalog lives: ``postgres:dbname=smm host=db.example user=smm``
        (libpq keywords; the password comes from ``PGPASSWORD`` / ``~/.pgpass`` or a
        ``${VAR}`` reference), ``sqlite:path/catalog.sqlite`` or ``path/catalog.ducklake``
        (a DuckDB file; one machine). Relative paths are from the workspace folder.
    :param data_path: the folder every machine reaches (Parquet files), relative paths from
        the workspace folder.
    :param schema: this workspace's schema in the lake (lowercase letters, digits, ``_``);
        default: the client's name made into one.
    :param retries: how many times a write transaction that lost a conflict is tried.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    catalog: str
    data_path: str
    schema_name: str | None = Field(default=None, alias="schema")
    retries: int = Field(default=5, ge=1, le=50)

    @field_validator("schema_name")
    @classmethod
    def _schema(cls, value: str | None) -> str | None:
        if value is not None and not _SCHEMA_RE.match(value):
            raise ValueError(
                "use lowercase letters, digits and '_' (starting with a letter), e.g. 'acme'"
            )
        return value


def schema_for(client_name: str) -> str:
    """A schema name made from a client's name: ``Forno Rossi & Co`` -> ``forno_rossi_co``."""
    slug = re.sub(r"[^a-z0-9]+", "_", client_name.lower()).strip("_")[:60]
    if not slug or not slug[0].isalpha():
        slug = f"ws_{slug}".rstrip("_")
    return slug


def _extension_file(module: str) -> str:
    """The ``.duckdb_extension`` file a ``duckdb-extension-*`` package ships."""
    import importlib

    package = importlib.import_module(module)
    found = sorted(
        glob.glob(
            os.path.join(os.path.dirname(package.__file__), "extensions", "*", "*.duckdb_extension")
        )
    )
    if not found:
        raise StoreError(
            f"the package {module} holds no DuckDB extension file",
            hint="reinstall smm-ducklake ('smm plugins install --upgrade smm-ducklake')",
        )
    return found[-1]


def load_extensions(con: Any, postgres: bool) -> None:
    """Install (from the PyPI packages' files, offline) and load ducklake (and postgres)."""
    wanted = [("ducklake", "duckdb_extension_ducklake", "ducklake")]
    if postgres:
        wanted.append(("postgres_scanner", "duckdb_extension_postgres", "postgres"))
    with _install_lock:
        installed = {
            row[0]
            for row in con.execute(
                "SELECT extension_name FROM duckdb_extensions() WHERE installed"
            ).fetchall()
        }
        for name, module, load in wanted:
            if name not in installed:
                path = _extension_file(module).replace("'", "''")
                con.execute(f"FORCE INSTALL '{path}'")
            con.execute(f"LOAD {load}")


class DuckLakeBackend(StoreBackend):
    """A workspace's schema in a DuckLake (see the module docstring)."""

    name = "ducklake"
    snapshot_reads = True

    def __init__(self, settings: DuckLakeSettings, base: Path, schema: str) -> None:
        import duckdb

        self.settings = settings
        self.schema = schema
        catalog = settings.catalog.strip().removeprefix("ducklake:")
        kind, sep, rest = catalog.partition(":")
        if sep and kind in ("postgres", "sqlite"):
            self.catalog_kind = kind
            if kind == "sqlite":
                rest = str((base / rest).resolve()) if not os.path.isabs(rest) else rest
            self.catalog = f"{kind}:{rest}"
        else:
            self.catalog_kind = "duckdb"
            self.catalog = str((base / catalog).resolve())
        data = Path(settings.data_path)
        self.data_path = data if data.is_absolute() else (base / data).resolve()
        super().__init__(self.data_path)
        where = "PostgreSQL catalog" if self.catalog_kind == "postgres" else self.catalog
        self.location = f"the lake schema {schema!r} ({where}, data in {self.data_path})"
        self.retry_on = (duckdb.TransactionException,)
        self.attempts = settings.retries
        self._lock_con: Any = None
        self._lock_file: Any = None

    @property
    def conninfo(self) -> str:
        """The libpq connection string of a PostgreSQL catalog."""
        if self.catalog_kind != "postgres":
            raise StoreError("this lake's catalog is not PostgreSQL")
        return self.catalog.removeprefix("postgres:")

    # ------------------------------------------------------------------ connecting

    def exists(self) -> bool:
        return True  # a missing schema is reported by connect(read_only=True)

    def connect(self, read_only: bool) -> Any:
        import duckdb

        con = duckdb.connect()
        try:
            con.execute("SET TimeZone = 'UTC'")
            load_extensions(con, self.catalog_kind == "postgres")
            if not read_only:
                self.data_path.mkdir(parents=True, exist_ok=True)
            options = [f"DATA_PATH '{_quote(str(self.data_path) + os.sep)}'"]
            if read_only:
                options.append("READ_ONLY")
            attach = (
                f"ATTACH '{_quote('ducklake:' + self.catalog)}' AS {LAKE} ({', '.join(options)})"
            )
            if read_only:
                con.execute(attach)
            else:
                # the first writer creates the lake's catalog tables: one process at a time
                with self._lock("(lake)"):
                    con.execute(attach)
                    self._create_schema(con)
            if read_only:
                found = con.execute(
                    "SELECT count(*) FROM information_schema.schemata "
                    "WHERE catalog_name = ? AND schema_name = ?",
                    [LAKE, self.schema],
                ).fetchone()[0]
                if not found:
                    raise self._missing()
            con.execute(f"USE {LAKE}.{self.schema}")
        except duckdb.Error as exc:
            con.close()
            if read_only and "creating a new DuckLake is explicitly disabled" in str(exc):
                raise self._missing() from None
            raise StoreError(
                f"cannot open {self.location}: {_scrub(str(exc))}",
                hint="check [store] catalog and data_path in smm.toml, that PostgreSQL is "
                "running and that this machine reaches the data folder",
            ) from exc
        except BaseException:
            con.close()
            raise
        return con

    def _missing(self) -> StoreError:
        return StoreError(
            f"there is no history store at {self.location} yet",
            hint="run 'smm sync' (or 'smm store migrate --to ducklake') first",
        )

    def _create_schema(self, con: Any) -> None:
        import duckdb

        for attempt in range(self.attempts):
            try:
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {LAKE}.{self.schema}")
                return
            except duckdb.TransactionException:  # another process created it meanwhile
                if attempt == self.attempts - 1:
                    raise

    # ------------------------------------------------------------------ SQL

    def ddl(self, sql: str) -> str:
        """The schema without PRIMARY KEY constraints (DuckLake has none; the natural keys
        hold through MERGE under the workspace's write lock)."""
        sql = re.sub(r",\s*PRIMARY KEY\s*\([^)]*\)", "", sql)
        return re.sub(r"\s+PRIMARY KEY\b", "", sql)

    def upsert_sql(
        self,
        table: str,
        columns: Sequence[str],
        keys: Sequence[str],
        select: str,
        updates: Sequence[str],
    ) -> str:
        on = " AND ".join(f'{table}."{k}" = excluded."{k}"' for k in keys)
        cols = ", ".join(f'"{c}"' for c in columns)
        values = ", ".join(f'excluded."{c}"' for c in columns)
        matched = f"UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
        return (
            f"MERGE INTO {table} USING ({select}) AS excluded ON ({on}) "
            f"WHEN MATCHED THEN {matched} "
            f"WHEN NOT MATCHED THEN INSERT ({cols}) VALUES ({values})"
        )

    # ------------------------------------------------------------------ the write lock

    @contextlib.contextmanager
    def write_guard(self, con: Any) -> Iterator[None]:
        with self._lock(self.schema):
            yield

    def _lock(self, name: str) -> contextlib.AbstractContextManager[None]:
        """A lock every process and machine of this lake shares (``name``: a schema)."""
        if self.catalog_kind == "postgres":
            return self._advisory_lock(name)
        return self._file_lock(name)

    @contextlib.contextmanager
    def _advisory_lock(self, name: str) -> Iterator[None]:
        import psycopg

        if self._lock_con is None or self._lock_con.closed:
            try:
                self._lock_con = psycopg.connect(self.conninfo, autocommit=True)
            except psycopg.Error as exc:
                raise StoreError(
                    f"cannot reach the PostgreSQL catalog of {self.location}: "
                    f"{_scrub(str(exc)).strip()}",
                    hint="check [store] catalog in smm.toml and that PostgreSQL is running",
                ) from exc
        # a stable key per name (advisory locks of the database share one key space)
        key = zlib.crc32(f"smm-lake:{name}".encode())
        self._lock_con.execute("SELECT pg_advisory_lock(%s)", [key])
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                self._lock_con.execute("SELECT pg_advisory_unlock(%s)", [key])

    @contextlib.contextmanager
    def _file_lock(self, name: str) -> Iterator[None]:
        import fcntl

        folder = self.data_path / ".smm-locks"
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f"{name}.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._lock_con is not None:
            with contextlib.suppress(Exception):
                self._lock_con.close()
            self._lock_con = None


def _quote(text: str) -> str:
    return text.replace("'", "''")


_PASSWORD = re.compile(r"(password\s*=\s*)(\S+)", re.IGNORECASE)


def _scrub(text: str) -> str:
    """A database message without a password that a connection string may hold."""
    return _PASSWORD.sub(r"\1***", text)


def make_backend(workspace: Any, settings: DuckLakeSettings) -> DuckLakeBackend:
    """The ``ducklake`` backend of a workspace (the ``impl`` of its registration)."""
    schema = settings.schema_name or schema_for(workspace.config.client.name)
    return DuckLakeBackend(settings, workspace.dir, schema)
