"""The history store: one DuckDB file per workspace.

* Forward migrations (:mod:`smmcore.store.migrations`) recorded in ``schema_version``; an
  older store is upgraded in one transaction when it is opened.
* Natural keys: every write is ``INSERT ... ON CONFLICT (key) DO UPDATE``, so writing the same
  data twice stores it once.
* One transaction per unit: :meth:`Store.unit_writer` collects a unit's records (staging them
  in TEMP tables as they arrive: 250 models or 50,000 Arrow rows of a table at a time) and
  merges them, with the unit's cursor, in a single transaction when the ``with`` block ends;
  an exception discards everything. :meth:`Store.commit_units` writes several finished small
  units with one statement per table (a statement costs milliseconds whatever its size); each
  unit is still written all or nothing.
* Columnar ingest only, never row by row: a RecordBatch goes in as Arrow; models go in as one
  typed LIST parameter per column, unnested in SQL (no pyarrow, so a sync of live sources does
  not pay for importing it and the pandas it loads).

DuckDB is imported when a store is opened, never at import time. One connection per open
store; every operation of the store on it is serialized by :attr:`Store.lock`, so worker
threads may write one after the other. The session time zone is UTC: timestamps come back as
UTC datetimes, and SQL that groups by day or hour converts to the client's time zone itself
(``timezone('Europe/Rome', created_at)``). A RecordBatch timestamp without an offset is read as
UTC.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from smmcore.contracts import NoData, RecordBatch, SyncCursor
from smmcore.errors import StoreError, explain_environment
from smmcore.store.backends import StoreBackend
from smmcore.store.ingest import SEQ, batch_to_arrow, seq_array
from smmcore.store.latest import TABLE as LATEST
from smmcore.store.latest import refresh_latest
from smmcore.store.migrations import MIGRATIONS, SCHEMA_VERSION
from smmcore.store.tables import TABLES, TableSpec
from smmcore.store.validate import InvalidRecord, check_model

MODEL_BATCH_ROWS = 250
"""A unit holding this many models of one table stages them into its TEMP table (so the
Python objects of a unit stay few, whatever its size)."""
STAGE_ROWS = 50_000
"""A unit holding more pending rows than this stages them into TEMP tables (flat memory:
past the store's memory limit DuckDB spills them to disk)."""

WRITE_MEMORY_LIMIT = "512MB"
"""DuckDB's memory limit for a store opened to write: a sync merging millions of rows into a
large store stays within about 1 GiB of memory in all (measured: 2.0 GiB without it for 2M
posts into a store that held them) and spills the rest to disk."""

SMALL_ROWS = 20_000
"""A batch of at most this many rows is merged in one statement, without the checks that
let a large first import skip the sort by key and the conflict bookkeeping."""

_stage_ids = itertools.count(1)
_fast_lists: bool | None = None


def _lists_bind_fast() -> bool:
    """Whether this duckdb binds a Python list parameter quickly. 2.x does (microseconds for
    a unit's column); 1.x converts it value by value through pandas (measured with 1.5.5,
    the version smm-ducklake pins: 0.55 s for a list of 200 integers), so there a unit's
    models go in as an Arrow table instead."""
    global _fast_lists
    if _fast_lists is None:
        import duckdb

        _fast_lists = int(duckdb.__version__.split(".")[0]) >= 2
    return _fast_lists


def _combined(batches: list[Any]) -> list[Any]:
    """``batches`` with runs of the same columns concatenated (one statement each)."""
    if len(batches) < 2:
        return batches
    import pyarrow as pa

    out: list[Any] = []
    for data in batches:
        if out and out[-1].schema.equals(data.schema):
            out[-1] = pa.concat_tables([out[-1], data])
        else:
            out.append(data)
    return out


def _lock_message(path: Path, exc: Exception) -> StoreError:
    text = str(exc)
    pid = re.search(r"PID (\d+)", text)
    holder = f" (process {pid.group(1)})" if pid else ""
    return StoreError(
        f"the history store {path} is in use by another smm command{holder}",
        hint="wait for it to finish (or stop it) and run this command again",
    )


def _checked_size(value: str) -> str:
    if not re.fullmatch(r"\s*\d+(\.\d+)?\s*[KMGT]?i?B\s*", value, flags=re.IGNORECASE):
        raise StoreError(
            f"invalid store memory limit {value!r}", hint="use a size such as 512MB or 2GB"
        )
    return value.strip()


STORAGE_COMPATIBILITY = "v1.5.0"
"""The DuckDB storage format the store files are written in: the one duckdb 1.5.x reads (the
version smm-ducklake pins) and every later duckdb too. DuckDB 2.x would otherwise create files
only 2.x opens; an existing file keeps the format it was created in."""

_READABLE_FROM = "1.5.5"
"""The oldest duckdb that opens a file in :data:`STORAGE_COMPATIBILITY` (pyproject's bound)."""


def _writer_of(path: Path) -> str | None:
    """The DuckDB version recorded in a database file's header (``v2.0.1``), if readable."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(84)
    except OSError:
        return None
    if len(head) < 84 or head[8:12] != b"DUCK":
        return None
    version = head[52:84].split(b"\0", 1)[0].decode("ascii", "replace").strip()
    return version if re.fullmatch(r"v?\d+\.\d+[\w.+-]*", version) else None


def _too_new(path: Path, exc: Exception) -> StoreError | None:
    """One clear error for a store file in a storage format newer than this duckdb reads."""
    import duckdb

    text = str(exc).lower()
    if "version number" not in text or not ("newer" in text or "can only read" in text):
        return None
    writer = _writer_of(path)
    by = f" ({writer})" if writer else ""
    return StoreError(
        f"the history store {path} was written by a newer version of DuckDB{by} in a "
        f"storage format the duckdb {duckdb.__version__} installed here cannot read",
        hint=f"upgrade duckdb in this environment (pip install -U duckdb) and run the command "
        f"again; where smm-ducklake holds duckdb at {_READABLE_FROM}, rewrite the file in the "
        "1.5 format with the newer duckdb first (user guide, 'Team and agency'). The file "
        "was not changed",
    )


def _connect(path: Path, read_only: bool) -> Any:
    import duckdb

    try:
        con = duckdb.connect(
            str(path),
            read_only=read_only,
            config={"storage_compatibility_version": STORAGE_COMPATIBILITY},
        )
    except duckdb.IOException as exc:
        too_new = _too_new(path, exc)
        if too_new is not None:
            raise too_new from exc
        if "lock" in str(exc).lower():
            raise _lock_message(path, exc) from exc
        fault = explain_environment(exc, path)
        if fault is not None:
            raise StoreError(str(fault), hint=fault.hint) from exc
        raise StoreError(f"cannot open the history store {path}: {exc}") from exc
    except duckdb.Error as exc:
        if read_only and "different configuration" in str(exc):
            # this process already has the store open for writing: share that database
            # (the Store still refuses writes)
            return _connect(path, False)
        fault = explain_environment(exc, path)
        if fault is not None:
            raise StoreError(str(fault), hint=fault.hint) from exc
        raise StoreError(
            f"cannot open the history store {path}: {exc}",
            hint="if another part of this program has it open with other settings, close it "
            "first; if the file is damaged, move it away and run 'smm sync --full'",
        ) from exc
    con.execute("SET TimeZone = 'UTC'")
    return con


_HERE = "table_catalog = current_database() AND table_schema = current_schema()"
"""The store's own tables: the connection's current catalog and schema (a backend may put
several workspaces' schemas in one database)."""


def _schema_version(con: Any) -> int:
    # one statement: on a shared backend another process may create the whole schema between
    # two (it commits every table at once; two reads could see none, then all but ours)
    found, others = con.execute(
        "SELECT count(*) FILTER (WHERE table_name = 'schema_version'), count(*) "
        f"FROM information_schema.tables WHERE {_HERE}"
    ).fetchone()
    if not found:
        if others:
            raise StoreError(
                "this database is not an smm history store (it has no schema_version table)",
                hint="point the workspace at another folder, or move the file away",
            )
        return 0
    return con.execute("SELECT COALESCE(max(version), 0) FROM schema_version").fetchone()[0]


def migrate(
    con: Any,
    migrations: Sequence[tuple[int, str, str]] = MIGRATIONS,
    backend: StoreBackend | None = None,
) -> int:
    """Apply the pending ``migrations`` in one transaction; return the resulting version.

    A failure rolls everything back, so the store stays at its previous version with its data.
    ``backend`` adapts the DDL (default: DuckDB's own).
    """
    if backend is not None:
        with backend.write_guard(con):
            return _migrate(con, migrations, backend)
    return _migrate(con, migrations, StoreBackend(Path()))


def _migrate(con: Any, migrations: Sequence[tuple[int, str, str]], backend: StoreBackend) -> int:
    current = _schema_version(con)
    known = migrations[-1][0] if migrations else 0
    if current > known:
        raise StoreError(
            f"the history store has schema version {current}, newer than this smmcore "
            f"understands ({known})",
            hint="upgrade smmcore ('pip install -U smmcore')",
        )
    pending = [m for m in migrations if m[0] > current]
    if not pending:
        return current
    con.execute("BEGIN TRANSACTION")
    try:
        if current == 0:
            con.execute(
                backend.ddl(
                    "CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, "
                    "description VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
                )
            )
        for version, description, sql in pending:
            con.execute(backend.ddl(sql))
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, CURRENT_TIMESTAMP)",
                [version, description],
            )
        con.execute("COMMIT")
    except Exception as exc:
        con.execute("ROLLBACK")
        raise StoreError(
            f"upgrading the history store from version {current} failed: {exc}; "
            "nothing was changed",
            hint="report this bug with the output of 'smm --debug'",
        ) from exc
    return pending[-1][0]


class Store:
    """An open history store. Create with :meth:`open`; close with :meth:`close` (or use it
    as a context manager).

    :ivar con: the DuckDB connection (read with SQL; write through :meth:`write` or
        :meth:`unit_writer` so natural keys and transactions hold).
    :ivar path: the database file (or the data folder of a shared backend).
    :ivar read_only: opened without write access.
    :ivar backend: where the store lives (:mod:`smmcore.store.backends`).
    """

    def __init__(
        self,
        con: Any,
        path: Path,
        *,
        read_only: bool = False,
        backend: StoreBackend | None = None,
    ) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only
        self.backend = backend or StoreBackend(path)
        self.lock = threading.RLock()
        self._columns: dict[str, dict[str, str]] = {}

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        *,
        read_only: bool = False,
        memory_limit: str | None = None,
        backend: StoreBackend | None = None,
    ) -> Store:
        """Open (creating it and its folder if needed, unless ``read_only``) the store at
        ``path`` and bring its schema up to date.

        :param memory_limit: DuckDB's memory limit (``"512MB"``); default: the environment
            variable ``SMM_STORE_MEMORY_LIMIT``, else :data:`WRITE_MEMORY_LIMIT` for a store
            opened to write and DuckDB's own default (80% of RAM) read-only. Past it, large
            imports spill to disk (next to the store): slower, flat memory.
        :param backend: where the store lives (default: the DuckDB file at ``path``).

        Raises :class:`~smmcore.errors.StoreError` when the file is missing (read-only), is
        locked by another process, or has a newer schema than this smmcore knows.
        """
        if backend is None:
            if path is None:
                raise TypeError("Store.open needs a path or a backend")
            backend = StoreBackend(Path(path))
        path = backend.path
        if read_only and not backend.exists():
            raise StoreError(
                f"there is no history store at {backend.location} yet",
                hint="run 'smm sync' to bring the channels' data in first",
            )
        con = backend.connect(read_only)
        try:
            version = _schema_version(con)
            if version < SCHEMA_VERSION:
                if read_only:
                    con.close()
                    upgrade = backend.connect(False)
                    try:
                        migrate(upgrade, backend=backend)
                    finally:
                        upgrade.close()
                    con = backend.connect(True)
                else:
                    migrate(con, backend=backend)
            elif version > SCHEMA_VERSION:
                raise StoreError(
                    f"the history store {backend.location} was written by a newer version of "
                    f"smm (schema version {version}; this smmcore understands {SCHEMA_VERSION})",
                    hint="upgrade smm ('pip install -U smmcore' or 'uv tool upgrade smmcore') "
                    "and run the command again; the file was not changed",
                )
            limit = memory_limit or os.environ.get("SMM_STORE_MEMORY_LIMIT")
            if not limit and not read_only:
                limit = WRITE_MEMORY_LIMIT
            if limit:
                con.execute(f"SET memory_limit = '{_checked_size(limit)}'")
            if read_only and backend.snapshot_reads:
                con.execute("BEGIN TRANSACTION")  # every query of this reader: one snapshot
        except BaseException:
            con.close()
            backend.close()
            raise
        store = cls(con, path, read_only=read_only, backend=backend)
        store._load_columns()
        return store

    def _load_columns(self) -> None:
        rows = self.con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            f"WHERE {_HERE} ORDER BY table_name, ordinal_position"
        ).fetchall()
        for table, name, dtype in rows:
            self._columns.setdefault(table, {})[name] = dtype

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self.lock:
            if self.con is not None:
                self.con.close()
                self.con = None  # type: ignore[assignment]
                self.backend.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The schema version of the open store."""
        with self.lock:
            return _schema_version(self.con)

    def columns(self, table: str) -> dict[str, str]:
        """Column name -> SQL type of a store table, in table order."""
        if table not in self._columns:
            with self.lock:
                rows = self.con.execute(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    f"WHERE {_HERE} AND table_name = ? ORDER BY ordinal_position",
                    [table],
                ).fetchall()
            if not rows:
                raise StoreError(f"the history store has no table {table!r}")
            self._columns[table] = {name: dtype for name, dtype in rows}
        return self._columns[table]

    # ------------------------------------------------------------------ workspace channels

    def set_channels(self, channels: Iterable[Any]) -> None:
        """Create or refresh the TEMP table ``workspace_channels`` (network, account, owner,
        is_client, label) from :class:`~smmcore.contracts.ChannelRef` objects."""
        rows = [(c.network, c.account, c.owner, bool(c.is_client), c.label) for c in channels]
        with self.lock:
            self.con.execute(
                "CREATE OR REPLACE TEMP TABLE workspace_channels (network VARCHAR NOT NULL, "
                "account VARCHAR NOT NULL, owner VARCHAR NOT NULL, is_client BOOLEAN NOT NULL, "
                "label VARCHAR)"
            )
            if rows:
                self.con.executemany("INSERT INTO workspace_channels VALUES (?, ?, ?, ?, ?)", rows)

    # ------------------------------------------------------------------ sync state

    def get_cursor(self, unit_key: str) -> dict[str, Any] | None:
        """The cursor the unit saved with its last successful write, or ``None``."""
        with self.lock:
            row = self.con.execute(
                "SELECT cursor FROM sync_state WHERE unit_key = ?", [unit_key]
            ).fetchone()
        if row is None or row[0] is None:
            return None
        return json.loads(row[0])

    def sync_state(self) -> list[dict[str, Any]]:
        """Every row of ``sync_state`` as a dict, ordered by unit key."""
        with self.lock:
            cur = self.con.execute("SELECT * FROM sync_state ORDER BY unit_key")
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def record_error(self, unit_key: str, source: str, error: str) -> None:
        """Remember that the unit failed (its cursor and last success stay as they were)."""
        self._check_writable()
        sql = self.backend.upsert_sql(
            "sync_state",
            ["unit_key", "source", "last_error", "updated_at"],
            ["unit_key"],
            "SELECT ?::VARCHAR, ?::VARCHAR, ?::VARCHAR, CURRENT_TIMESTAMP",
            [
                '"source" = excluded."source"',
                '"last_error" = excluded."last_error"',
                '"updated_at" = excluded."updated_at"',
            ],
        )
        with self.lock:
            self.transaction(lambda: self.con.execute(sql, [unit_key, source, error]))

    # ------------------------------------------------------------------ writing

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError("the history store was opened read-only", hint="this is a bug")

    def unit_writer(
        self, unit_key: str | None = None, source: str = "", *, auto_stage: bool = True
    ) -> UnitWriter:
        """A writer for one unit: ``with store.unit_writer(key, source) as w: w.add(item)``.

        Everything added, and the cursor set with :meth:`UnitWriter.set_cursor`, is written
        in one transaction when the block ends without an exception; an exception discards it
        all and leaves the store as it was. ``unit_key=None`` writes no sync state.

        :param auto_stage: stage large pending data into TEMP tables from :meth:`add`; pass
            ``False`` to call :meth:`UnitWriter.stage` yourself when
            :attr:`UnitWriter.needs_staging` (the sync pipeline does, in a worker thread).
        """
        self._check_writable()
        return UnitWriter(self, unit_key, source, auto_stage=auto_stage)

    def write(
        self,
        items: Iterable[Any],
        unit_key: str | None = None,
        source: str = "",
        cursor: Mapping[str, Any] | None = None,
    ) -> dict[str, int]:
        """Write models and/or :class:`~smmcore.contracts.RecordBatch` objects in ONE
        transaction (with the unit's cursor, when ``unit_key`` is given). Returns the number
        of rows received per table."""
        with self.unit_writer(unit_key, source) as writer:
            for item in items:
                writer.add(item)
            if cursor is not None:
                writer.set_cursor(cursor)
        return dict(writer.counts)

    # ------------------------------------------------------------------ SQL helpers

    def _fill_sql(self, spec: TableSpec, provided: Iterable[str], src: str) -> str:
        """``SELECT`` of every column of the table (cast, defaulted) plus SEQ from ``src``."""
        columns = self.columns(spec.name)
        provided = set(provided)
        inner = []
        for name, dtype in columns.items():
            expr = f'CAST(src."{name}" AS {dtype})' if name in provided else f"NULL::{dtype}"
            inner.append(f'{expr} AS "{name}"')
        outer = []
        for name in columns:
            default = spec.defaults.get(name)
            if default is None:
                outer.append(f'"{name}"')
            elif name in spec.keys and columns[name] == "VARCHAR":
                outer.append(f'COALESCE(NULLIF("{name}", \'\'), {default}) AS "{name}"')
            else:
                outer.append(f'COALESCE("{name}", {default}) AS "{name}"')
        return (
            f"SELECT {', '.join(outer)}, {SEQ} FROM "
            f"(SELECT {', '.join(inner)}, src.{SEQ} AS {SEQ} FROM {src} AS src) AS raw"
        )

    def _merge_sql(
        self, spec: TableSpec, src_select: str, *, distinct: bool = True, plain: bool = False
    ) -> str:
        """The upsert of ``src_select`` into the table (``plain``: an INSERT only, for an
        empty table)."""
        columns = list(self.columns(spec.name))
        cols = ", ".join(f'"{c}"' for c in columns)
        keys = ", ".join(f'"{k}"' for k in spec.keys)
        updates = []
        for c in columns:
            if c in spec.keys:
                continue
            old, new = f'{spec.name}."{c}"', f'excluded."{c}"'
            if c in spec.update:
                value = spec.update[c].format(old=old, new=new)
            elif spec.keep_known:
                value = f"COALESCE({new}, {old})"
            else:
                value = new
            updates.append(f'"{c}" = {value}')
        if distinct and spec.keep_known:
            # rows of one key in one statement merge as successive writes would: each column
            # takes its last known value (a NULL never erases one), or spec.update's rule
            merged = []
            for c in columns:
                if c in spec.keys:
                    merged.append(f'"{c}"')
                elif c in spec.update:
                    rule = spec.update[c].split("(")[0].strip().upper()
                    agg = {"LEAST": "min", "GREATEST": "max"}.get(rule)
                    if agg is None:
                        raise StoreError(f"no aggregate for the update rule of {spec.name}.{c}")
                    merged.append(f'{agg}("{c}") AS "{c}"')
                else:
                    merged.append(
                        f'arg_max("{c}", {SEQ}) FILTER (WHERE "{c}" IS NOT NULL) AS "{c}"'
                    )
            select = f"SELECT {', '.join(merged)} FROM ({src_select}) AS filled GROUP BY {keys}"
        elif distinct:  # the last row of each key wins (a key may be updated once per statement)
            select = (
                f"SELECT DISTINCT ON ({keys}) {cols} FROM ({src_select}) AS filled "
                f"ORDER BY {keys}, {SEQ} DESC"
            )
        else:
            select = f"SELECT {cols} FROM ({src_select}) AS filled"
        if plain:
            return f"INSERT INTO {spec.name} ({cols}) {select}"
        return self.backend.upsert_sql(spec.name, columns, spec.keys, select, updates)

    def _merge(self, spec: TableSpec, src_select: str) -> None:
        """Upsert the rows of ``src_select``; sort them by key only when a key repeats."""
        keys = ", ".join(f'"{k}"' for k in spec.keys)
        repeated = self.con.execute(
            f"SELECT 1 FROM ({src_select}) AS s GROUP BY {keys} HAVING count(*) > 1 LIMIT 1"
        ).fetchone()
        empty = self.con.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {spec.name})").fetchone()[0]
        # a first import (empty table): nothing to conflict with, skip the upsert bookkeeping
        self.con.execute(
            self._merge_sql(spec, src_select, distinct=repeated is not None, plain=empty)
        )
        self._derive(spec, src_select)

    def _merge_batches(self, spec: TableSpec, batches: list[Any], registered: list[str]) -> None:
        """Upsert Arrow ``batches`` (with SEQ) of one table, one statement per run of
        batches with the same columns (each registered as a view, named in ``registered``
        for the caller to release; every view is used and released under :attr:`lock`, so
        the names need not differ between writers)."""
        for index, data in enumerate(_combined(batches)):
            view = f"_smm_src_{spec.name}_{index}"
            self.con.register(view, data)
            registered.append(view)
            select = self._fill_sql(spec, data.column_names, view)
            if data.num_rows <= SMALL_ROWS:
                # a small batch: one statement (sorting a few rows by key costs less than
                # the two queries that could avoid it)
                self.con.execute(self._merge_sql(spec, select))
                self._derive(spec, select)
            else:
                self._merge(spec, select)

    def _merge_lists(self, spec: TableSpec, cols: Mapping[str, list[Any]]) -> None:
        """Upsert rows given as column -> Python list (SEQ included) in one statement: the
        lists are bound as typed LIST parameters and unnested (columnar, no row loop)."""
        if not cols or not cols.get(SEQ):
            return
        with self._list_source(spec, cols) as (src, params):
            select = self._fill_sql(spec, [n for n in cols if n != SEQ], src)
            self.con.execute(self._merge_sql(spec, select), params)
            self._derive(spec, select, params)

    def _derive(self, spec: TableSpec, select: str, params: Sequence[Any] = ()) -> None:
        """Bring the tables derived from ``spec``'s up to date for the rows of ``select``
        (in the transaction that merged them): ``post_metrics_latest``."""
        if spec.name == "post_metrics":
            refresh_latest(self.con, select, params, columns=list(self.columns(LATEST)))

    @contextmanager
    def _list_source(
        self, spec: TableSpec, cols: Mapping[str, list[Any]]
    ) -> Iterator[tuple[str, list[Any]]]:
        """A subquery over column -> Python list (SEQ included) and its parameters, usable
        inside the ``with`` block."""
        types = self.columns(spec.name)
        names = [n for n in cols if n != SEQ]
        if not _lists_bind_fast():
            from smmcore.store.ingest import arrow_columns

            view = f"_smm_lists_{next(_stage_ids)}"
            self.con.register(view, arrow_columns(cols, types))
            try:
                yield view, []
            finally:
                self.con.unregister(view)
            return
        parts = [f'unnest(?::{types[n]}[]) AS "{n}"' for n in names]
        parts.append(f"unnest(?::BIGINT[]) AS {SEQ}")
        yield f"(SELECT {', '.join(parts)})", [*(cols[n] for n in names), cols[SEQ]]

    def _write_sync_state(self, writers: Sequence[UnitWriter]) -> None:
        """Record the success (and cursor) of the ``writers``' units in one statement."""
        rows = [w for w in writers if w.unit_key is not None]
        if not rows:
            return
        params: list[Any] = []
        for w in rows:
            cursor = None if w.cursor is None else json.dumps(w.cursor, default=str)
            params += [w.unit_key, w.source, cursor]
        row = (
            "(?::VARCHAR, ?::VARCHAR, ?::VARCHAR, CURRENT_TIMESTAMP, NULL::VARCHAR, "
            "CURRENT_TIMESTAMP)"
        )
        columns = ["unit_key", "source", "cursor", "last_success", "last_error", "updated_at"]
        select = f"SELECT * FROM (VALUES {', '.join([row] * len(rows))}) AS v({', '.join(columns)})"
        updates = [
            '"source" = excluded."source"',
            '"cursor" = COALESCE(excluded."cursor", sync_state."cursor")',
            '"last_success" = excluded."last_success"',
            '"last_error" = NULL',
            '"updated_at" = excluded."updated_at"',
        ]
        sql = self.backend.upsert_sql("sync_state", columns, ["unit_key"], select, updates)
        self.con.execute(sql, params)

    def transaction(self, body: Callable[[], Any]) -> Any:
        """Run ``body`` in one write transaction (under the backend's write guard) and return
        its result. A failure rolls back; a failure the backend names in ``retry_on`` (a
        concurrent writer won) runs ``body`` again in a new transaction, up to
        ``backend.attempts`` times."""
        backend = self.backend
        with self.lock, backend.write_guard(self.con):
            if backend.attempts <= 1 or not backend.retry_on:
                return self._run_transaction(body)
            import stamina

            retrying = stamina.retry(
                on=backend.retry_on, attempts=backend.attempts, wait_initial=0.05, wait_max=2.0
            )
            return retrying(self._run_transaction)(body)

    def _run_transaction(self, body: Callable[[], Any]) -> Any:
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            result = body()
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):  # the transaction may be aborted
                con.execute("ROLLBACK")
            raise
        return result

    def commit_units(self, writers: Sequence[UnitWriter]) -> list[BaseException | None]:
        """Commit several finished units; return, per writer, ``None`` or the error that
        kept its unit from being written (the error :meth:`UnitWriter.commit` raises).

        Each unit is still written all or nothing, and the store ends as if the units were
        committed one after the other in their order. Consecutive small units share one
        transaction (one statement per table for all of them, rows of one key merging as
        successive commits would: a commit costs milliseconds whatever its size, so this is
        what lets many units that finish together be written quickly); when that transaction
        fails, each unit is written again in its own, so one unit's failure never costs
        another its data.
        """
        errors: list[BaseException | None] = [None] * len(writers)

        def small(i: int) -> bool:
            w = writers[i]
            return not w._done and not w._staged and not w._mixed() and w.pending_rows <= SMALL_ROWS

        # runs of consecutive small units, so the units are written in their order
        for shared, run in itertools.groupby(range(len(writers)), key=small):
            indices = list(run)
            if shared and len(indices) > 1:
                # when it fails, the units are written one by one below (each gets its error)
                with contextlib.suppress(Exception):
                    self._commit_group([writers[i] for i in indices])
            for i in indices:  # a unit the shared commit wrote is done: commit() returns
                try:
                    writers[i].commit()
                except Exception as exc:
                    errors[i] = exc
        return errors

    def _commit_group(self, writers: list[UnitWriter]) -> None:
        """Write ``writers`` in one transaction, as committing them one after the other would
        (rows of one key in one statement merge in their SEQ order, later units' moved up);
        raises :class:`_Overlap`, writing nothing, when a table would get both models and
        Arrow batches, or models of different columns."""
        batches: dict[str, list[Any]] = {}
        lists: dict[str, dict[str, list[Any]]] = {}
        for name in TABLES:
            offset = 0
            for w in writers:
                mine = w._arrow.get(name, [])
                batches.setdefault(name, []).extend(_shift_seq(d, offset) for d in mine)
                cols = w._model_lists(name)
                if cols:
                    cols[SEQ] = [v + offset for v in cols[SEQ]]
                    merged = lists.setdefault(name, {})
                    if merged and set(merged) != set(cols):
                        raise _Overlap  # different columns: write them one by one
                    for col, values in cols.items():
                        merged.setdefault(col, []).extend(values)
                offset += w._seq
            if batches[name] and name in lists:
                # a table's batches and models merge in two statements (the batches first),
                # so a row one unit gives as a model and a later unit as a batch would keep
                # the earlier
                raise _Overlap
        registered: list[str] = []

        def body() -> None:
            for name, spec in TABLES.items():
                self._merge_batches(spec, batches[name], registered)
                if name in lists:
                    self._merge_lists(spec, lists[name])
            self._write_sync_state(writers)

        with self.lock:
            # a failure rolls back the views' registration with the rest of the transaction
            self.transaction(body)
            for view in registered:
                self.con.unregister(view)
            for w in writers:
                w._cleanup([])


class _Overlap(Exception):
    """A group's rows cannot be merged as one after the other: its units are written one by
    one."""


def _shift_seq(data: Any, offset: int) -> Any:
    """``data`` with its SEQ column moved up by ``offset`` (later units win)."""
    if not offset:
        return data
    import pyarrow.compute as pc

    index = data.schema.get_field_index(SEQ)
    return data.set_column(index, SEQ, pc.add(data.column(index), offset))


class UnitWriter:
    """Collects one unit's records and writes them in one transaction (see
    :meth:`Store.unit_writer`).

    :ivar counts: rows received per table.
    """

    def __init__(
        self, store: Store, unit_key: str | None, source: str, *, auto_stage: bool = True
    ) -> None:
        from smmcore.models import RECORD_TABLES

        self.store = store
        self.auto_stage = auto_stage
        self._record_tables = RECORD_TABLES
        self.unit_key = unit_key
        self.source = source
        self.counts: dict[str, int] = {}
        self.no_data: list[NoData] = []
        self.cursor: Mapping[str, Any] | None = None
        self._models: dict[str, list[Any]] = {}
        self._model_seqs: dict[str, list[int]] = {}  # the order each model came in
        self._arrow: dict[str, list[Any]] = {}
        self._pending_rows = 0
        self._staged: dict[str, str] = {}
        self._seq = 0
        self._id = next(_stage_ids)
        self._done = False

    # ------------------------------------------------------------------ public

    def __enter__(self) -> UnitWriter:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()

    def add(self, item: Any) -> None:
        """Add a record model, a :class:`~smmcore.contracts.RecordBatch`, a
        :class:`~smmcore.contracts.SyncCursor` or a :class:`~smmcore.contracts.NoData` (kept
        in :attr:`no_data`, nothing stored)."""
        if self._done:
            raise StoreError("this unit writer is already committed or discarded")
        table = self._record_tables.get(type(item))
        if table is None:
            if isinstance(item, RecordBatch):
                self.add_batch(item.table, item.columns)
                return
            if isinstance(item, SyncCursor):
                self.set_cursor(item.value)
                return
            if isinstance(item, NoData):  # nothing to store; the sync reports it
                self.no_data.append(item)
                return
            raise StoreError(
                f"cannot store a {type(item).__name__}",
                hint="yield models from smmcore.models, RecordBatch or SyncCursor objects",
            )
        try:
            check_model(item, table)
        except InvalidRecord as exc:
            raise self._invalid(exc) from None
        bucket = self._models.setdefault(table, [])
        bucket.append(item)
        self._model_seqs.setdefault(table, []).append(self._seq)
        self._seq += 1
        self.counts[table] = self.counts.get(table, 0) + 1
        if self.auto_stage and len(bucket) >= MODEL_BATCH_ROWS:
            self.stage()

    def add_batch(self, table: str, columns: Any) -> None:
        """Add many rows of one table at once (a dict of columns or a ``pyarrow.Table``)."""
        spec = self._spec(table)
        try:
            data = batch_to_arrow(table, columns, self.store.columns(spec.name))
        except InvalidRecord as exc:
            raise self._invalid(exc) from None
        if data.num_rows:
            self.counts[table] = self.counts.get(table, 0) + data.num_rows
            self._push(table, data)

    def _invalid(self, exc: InvalidRecord) -> InvalidRecord:
        """``exc`` naming the source and unit it came from (nothing of the unit is stored)."""
        who = []
        if self.source:
            who.append(f"source {self.source!r}")
        if self.unit_key:
            who.append(f"unit {self.unit_key!r}")
        prefix = f"{', '.join(who)}: " if who else ""
        return InvalidRecord(
            f"{prefix}{exc}",
            hint="the plugin produced an invalid record; nothing of this unit was stored "
            "(report it to the plugin's authors)",
        )

    def set_cursor(self, cursor: Mapping[str, Any] | Any) -> None:
        """The cursor saved with this unit's data (a JSON-ready mapping or a SyncCursor)."""
        value = getattr(cursor, "value", cursor)
        json.dumps(dict(value), default=str)  # fail now, not at commit
        self.cursor = dict(value)

    def commit(self) -> None:
        """Merge everything into the store in one transaction, with the unit's sync state."""
        if self._done:
            return
        store = self.store
        registered: list[str] = []
        lists: dict[str, dict[str, list[Any]]]  # the models as lists, made before the transaction

        def body() -> None:
            for name, spec in TABLES.items():
                if name in self._staged:
                    store._merge(spec, f"SELECT * FROM {self._staged[name]}")
                store._merge_batches(spec, self._arrow.get(name, []), registered)
                if name in lists:
                    store._merge_lists(spec, lists[name])
            if self.unit_key is not None:
                store._write_sync_state([self])

        with store.lock:
            try:
                # everything pending goes into the staging tables (or lists) before the
                # transaction, so a retried transaction finds the unit's rows complete; a
                # table holding models and batches is staged whole, so its rows merge in
                # one statement in the order they came
                for name in [*self._staged, *self._mixed()]:
                    self._stage(name)
                lists = {name: self._model_lists(name) for name in list(self._models)}
                store.transaction(body)
            except BaseException as exc:
                self._cleanup(registered)
                if isinstance(exc, StoreError | KeyboardInterrupt):
                    raise
                what = f"unit {self.unit_key!r}" if self.unit_key else "the records"
                raise StoreError(
                    f"writing {what} failed, nothing was written: {type(exc).__name__}: {exc}"
                ) from exc
            self._cleanup(registered)

    def discard(self) -> None:
        """Drop everything collected; the store keeps its previous state."""
        with self.store.lock:
            self._cleanup([])

    # ------------------------------------------------------------------ internals

    def _spec(self, table: str) -> TableSpec:
        spec = TABLES.get(table)
        if spec is None:
            raise StoreError(
                f"unknown store table {table!r}",
                hint=f"a RecordBatch table is one of: {', '.join(TABLES)}",
            )
        return spec

    def _model_lists(self, table: str) -> dict[str, list[Any]]:
        """The pending models of ``table`` as column -> Python list (with SEQ), for a merge
        without Arrow: a small unit's commit needs neither pyarrow nor the pandas it
        imports on first use (most of a second in a fresh process)."""
        models = self._models.get(table) or []
        if not models:
            return {}
        fields = type(models[0]).model_fields
        cols = {
            name: [getattr(m, name) for m in models]
            for name in self.store.columns(table)
            if name in fields
        }
        cols[SEQ] = list(self._model_seqs[table])
        return cols

    def _mixed(self) -> list[str]:
        """The tables holding both pending models and Arrow batches: their rows merge in the
        order they came only together, through the table's staging table."""
        return [name for name in self._models if name in self._arrow]

    def _push(self, table: str, data: Any) -> None:
        data = data.append_column(SEQ, seq_array(self._seq, data.num_rows))
        self._seq += data.num_rows
        self._arrow.setdefault(table, []).append(data)
        self._pending_rows += data.num_rows
        if self.auto_stage and self.needs_staging:
            self.stage()

    @property
    def pending_rows(self) -> int:
        """Rows added and not yet staged (models included)."""
        return self._pending_rows + sum(len(m) for m in self._models.values())

    @property
    def needs_staging(self) -> bool:
        """Whether enough rows are pending in memory to move them into TEMP tables."""
        return self._pending_rows >= STAGE_ROWS or any(
            len(models) >= MODEL_BATCH_ROWS for models in self._models.values()
        )

    def stage(self) -> None:
        """Move every pending batch into the unit's TEMP staging tables (memory stays flat)."""
        for name in {**self._arrow, **self._models}:
            self._stage(name)
        self._pending_rows = 0

    def _stage(self, table: str) -> None:
        """Move the pending Arrow batches and models of ``table`` into its TEMP staging
        table (models as typed LIST parameters: no Arrow needed)."""
        batches = self._arrow.pop(table, [])
        cols = self._model_lists(table) if self._models.get(table) else {}
        self._models.pop(table, None)
        self._model_seqs.pop(table, None)
        if not batches and not cols:
            return
        store = self.store
        spec = TABLES[table]
        with store.lock:
            con = store.con
            stage = self._staged.get(table)
            if stage is None:
                stage = f"_smm_stage_{self._id}_{table}"
                con.execute(
                    f"CREATE TEMP TABLE {stage} AS SELECT *, 0::BIGINT AS {SEQ} "
                    f"FROM {table} LIMIT 0"
                )
                self._staged[table] = stage
            for data in batches:
                view = f"_smm_src_{self._id}_{table}_stage"
                con.register(view, data)
                try:
                    con.execute(
                        f"INSERT INTO {stage} {store._fill_sql(spec, data.column_names, view)}"
                    )
                finally:
                    con.unregister(view)
            if cols:
                names = [n for n in cols if n != SEQ]
                with store._list_source(spec, cols) as (src, params):
                    con.execute(f"INSERT INTO {stage} {store._fill_sql(spec, names, src)}", params)

    def _cleanup(self, registered: list[str]) -> None:
        self._done = True
        con = self.store.con
        if con is None:
            return
        for view in registered:
            con.unregister(view)
        for stage in self._staged.values():
            con.execute(f"DROP TABLE IF EXISTS {stage}")
        self._staged.clear()
        self._arrow.clear()
        self._models.clear()
        self._model_seqs.clear()


@contextmanager
def open_store(path: Path | str, *, read_only: bool = False) -> Iterator[Store]:
    """``with open_store(path) as store:`` opens and always closes a store."""
    store = Store.open(path, read_only=read_only)
    try:
        yield store
    finally:
        store.close()
