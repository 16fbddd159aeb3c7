"""Conformance test classes, one per extension point (in the style of ``singer_sdk.testing``).

Subclass one in a test module, point it at your implementation, and inherit its tests::

    from smmcore.testing import KPIContract
    from my_plugin import plugin

    class TestSavesRate(KPIContract):
        plugin = plugin                 # the entry-point module
        plugin_name = "example"         # its entry-point name
        name = "saves_rate"             # the registration under test
        seed = [...]                    # records written to the store first
        expected = {"channel:example:forno": 12.5}

The base classes are not collected by pytest themselves (their names do not start with
``Test``); your subclass is. Override ``make_*`` methods for anything the attributes do not
cover. Every test says what the contract requires when it fails.
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import os
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import pytest

from smmcore.contracts import (
    KPI,
    AudienceContext,
    ChannelRef,
    KeywordContext,
    KeywordQuery,
    KeywordTool,
    KPIContext,
    Period,
    RecordBatch,
    Reporter,
    Segmenter,
    Source,
    SourceContext,
    SourceError,
    SyncCursor,
    SyncUnit,
)
from smmcore.registry import (
    REGISTRATION_TYPES,
    KeywordToolSpec,
    KPISpec,
    Registration,
    ReporterSpec,
    SegmenterSpec,
    SourceSpec,
)

DEFAULT_HEAVY_MODULES: tuple[str, ...] = (
    "httpx",
    "duckdb",
    "pyarrow",
    "pandas",
    "numpy",
    "pydantic",
    "jinja2",
    "networkx",
    "igraph",
    "rich",
    "feedparser",
    "pytrends",
)
"""Modules a plugin's entry-point module must not import (registration stays cheap)."""

SECRET_WORDS: tuple[str, ...] = ("token", "secret", "password", "api_key", "apikey", "passwd")
"""A settings field whose name contains one of these must be a ``SecretStr``."""

TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "accounts": ("network", "account"),
    "account_snapshots": ("network", "account", "captured_at"),
    "posts": ("network", "account", "post_id"),
    "post_metrics": ("network", "account", "post_id", "captured_at"),
    "audience_members": ("network", "account", "member"),
    "interactions": ("network", "account", "interaction_id"),
    "daily_metrics": ("network", "account", "day", "metric", "post_id"),
    "keyword_signals": (
        "tool",
        "term",
        "metric",
        "geo",
        "language",
        "timeframe",
        "item",
        "period_start",
    ),
}
"""The natural key of each store table: syncing twice must store nothing twice."""

CAPABILITY_METRICS: dict[str, tuple[str, str, frozenset[str]]] = {
    "interest": ("interest_over_time", "interest over time", frozenset({"interest", "pageviews"})),
    "regions": ("interest_by_region", "interest by region", frozenset({"region_interest"})),
    "related": (
        "related_queries",
        "related queries",
        frozenset({"related_top", "related_rising"}),
    ),
    "suggestions": ("suggestions", "suggestions", frozenset({"suggestion"})),
}
"""Keyword tool capability -> (method, label, metrics its signals may carry)."""

DEFAULT_PERIOD = Period(date(2026, 3, 1), date(2026, 3, 31))
DEFAULT_NOW = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def _record_tables() -> dict[type, str]:
    from smmcore.models import RECORD_TABLES

    return dict(RECORD_TABLES)


def _model_for_table(table: str) -> Any:
    for model, name in _record_tables().items():
        if name == table:
            return model
    return None


def _is_json_ready(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def _batch_rows(batch: RecordBatch) -> list[dict[str, Any]]:
    columns = batch.columns
    if hasattr(columns, "to_pylist") and hasattr(columns, "column_names"):  # pyarrow.Table
        return list(columns.to_pylist())
    if not isinstance(columns, Mapping):
        raise AssertionError(
            f"RecordBatch({batch.table!r}).columns must be a mapping of column -> values "
            f"or a pyarrow.Table, got {type(columns).__name__}"
        )
    lengths = {name: len(values) for name, values in columns.items()}
    if len(set(lengths.values())) > 1:
        raise AssertionError(
            f"RecordBatch({batch.table!r}) has columns of different lengths: {lengths}"
        )
    names = list(columns)
    size = next(iter(lengths.values()), 0)
    return [{name: columns[name][i] for name in names} for i in range(size)]


def _key_of(table: str, row: Mapping[str, Any]) -> tuple[Any, ...]:
    key = tuple(row.get(col) for col in TABLE_KEYS.get(table, ()))
    if table == "keyword_signals" and key[-1] is None:  # not a time-series point
        key = (*key[:-1], date(1970, 1, 1))
    return key


class PluginContract:
    """What every registration must satisfy, whatever its extension point.

    Attributes to set in a subclass:

    :attr plugin: the plugin's entry-point module (or any object with ``@hookimpl``
        functions). With ``name`` it locates the registration through a fresh plugin host.
    :attr plugin_name: the plugin's entry-point name (for messages).
    :attr name: the name of the registration under test.
    :attr spec: the registration record itself, instead of ``plugin`` and ``name``.
    :attr settings: the settings to test with: a dict (validated against the registration's
        settings model) or a model instance; ``None`` for no settings.
    :attr heavy_modules: modules the entry-point module must not import.
    """

    point: ClassVar[str] = ""
    impl_base: ClassVar[type | None] = None

    plugin: Any = None
    plugin_name: str = "plugin-under-test"
    name: str = ""
    spec: Registration | None = None
    settings: Any = None
    heavy_modules: Sequence[str] = DEFAULT_HEAVY_MODULES

    # ------------------------------------------------------------------ helpers

    def get_spec(self) -> Any:
        """The registration under test, found through a fresh, non-strict plugin host."""
        if self.spec is not None:
            return self.spec
        if self.plugin is None or not self.name:
            pytest.fail(
                f"{type(self).__name__}: set `spec`, or `plugin` (the entry-point module) and "
                f"`name` (the registration to test)",
                pytrace=False,
            )
        from smmcore.testing.helpers import make_host

        host = make_host((self.plugin_name, self.plugin), strict=False)
        found = getattr(host, self.point)()
        if self.name not in found:
            # only the registration under test matters here: another invalid registration
            # of the plugin fails its own test class, not this one
            kind = REGISTRATION_TYPES[self.point].kind
            names = ", ".join(sorted(found)) or "nothing"
            problems = host.problems()
            mine = [p for p in problems if repr(self.name) in p] or problems
            pytest.fail(
                f"plugin {self.plugin_name!r} registers no valid {kind} named {self.name!r} "
                f"(it registers: {names})" + ("".join(f"\n  {p}" for p in mine) if mine else ""),
                pytrace=False,
            )
        return found[self.name]

    def make_settings(self) -> Any:
        """The settings instance handed to the implementation (``None`` without a model)."""
        spec = self.get_spec()
        model = spec.load_settings_model()
        if model is None:
            return self.settings
        if isinstance(self.settings, model):
            return self.settings
        return model.model_validate(dict(self.settings or {}))

    def make_impl(self) -> Any:
        """Instantiate the implementation: ``Impl(settings, name=spec.name)``."""
        spec = self.get_spec()
        impl = spec.load()
        if isinstance(impl, type):
            return impl(self.make_settings(), name=spec.name)
        return impl

    # ------------------------------------------------------------------ tests

    def test_registration_is_valid(self) -> None:
        """The record has a valid name, a one-line description and resolvable references."""
        spec = self.get_spec()
        expected = REGISTRATION_TYPES[self.point]
        assert isinstance(spec, expected), (
            f"expected a {expected.__name__}, got {type(spec).__name__}"
        )
        assert spec.problems() == [], f"invalid registration: {spec.problems()}"
        impl = spec.load()
        if self.impl_base is not None:
            cls = impl if isinstance(impl, type) else type(impl)
            assert issubclass(cls, self.impl_base), (
                f"{spec.impl} must implement {self.impl_base.__module__}.{self.impl_base.__name__}"
            )

    def test_settings_model_is_pydantic_with_secret_secrets(self) -> None:
        """The settings model is a pydantic model; secret-looking fields are ``SecretStr``."""
        spec = self.get_spec()
        if not spec.settings:
            pytest.skip("the registration declares no settings model")
        from pydantic import BaseModel

        model = spec.load_settings_model()
        assert isinstance(model, type) and issubclass(model, BaseModel), (
            f"settings {spec.settings!r} must be a pydantic BaseModel subclass"
        )
        for field_name, info in model.model_fields.items():
            if any(word in field_name.lower() for word in SECRET_WORDS):
                assert "SecretStr" in repr(info.annotation), (
                    f"settings field {field_name!r} looks secret: declare it as SecretStr so "
                    f"it is never printed"
                )
        self.make_settings()  # the test settings validate

    def test_entry_point_module_is_cheap(self) -> None:
        """Importing the plugin and calling its hooks imports no implementation and nothing
        heavy, so ``smm --help`` and ``smm plugins list`` stay fast."""
        module = self.plugin
        if not isinstance(module, ModuleType) or not getattr(module, "__file__", None):
            pytest.skip("`plugin` is not an importable module")
        spec = self.get_spec()
        impl_module = spec.impl.partition(":")[0]
        watched = sorted({*self.heavy_modules} | ({impl_module} - {module.__name__}))
        code = textwrap.dedent(
            f"""
            import importlib, json, sys
            from smmcore.plugins import PluginHost
            module = importlib.import_module({module.__name__!r})
            host = PluginHost(plugins=[("p", module)], discover=False, strict=False, env={{}})
            host.collect_all()
            print(json.dumps(sorted(m for m in {watched!r} if m in sys.modules)))
            """
        )
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
        )
        assert done.returncode == 0, f"importing {module.__name__} failed:\n{done.stderr}"
        imported = json.loads(done.stdout.strip().splitlines()[-1])
        assert imported == [], (
            f"importing {module.__name__} and registering imported {imported}: import them "
            f"inside the implementation (lazy references), not in the entry-point module"
        )


# =========================================================================== sources


class SourceContract(PluginContract):
    """Conformance tests for a :class:`~smmcore.contracts.Source`.

    :attr source_spec: the registration (instead of ``plugin`` + ``name``).
    :attr source_factory: ``callable() -> Source`` (default: the registered class with
        ``settings``).
    :attr units: the sync units to fetch (each with ``source`` = the registration name).
    :attr responses: the recorded HTTP responses (a mapping or a JSON cassette path) replayed
        to ``ctx.http``; ``None`` runs without an HTTP client.
    :attr workspace_dir: the folder relative paths resolve against (default: a temp folder).
    :attr now: the time of the sync run.
    :attr incremental_tables: tables whose keys a second run with the cursor must not repeat.
    :attr expected_counts: table -> number of rows the first run of all units yields.
    :attr error_units: ``(unit, kind)`` pairs that must fail with a :class:`SourceError` of
        that kind (``"not_found"``, ``"auth"``, ...), replayed from the same ``responses``.
    """

    point = "sources"
    impl_base = Source

    source_spec: SourceSpec | None = None
    source_factory: Callable[[], Source] | None = None
    units: Sequence[SyncUnit] = ()
    responses: Any = None
    workspace_dir: str | Path | None = None
    now: datetime = DEFAULT_NOW
    incremental_tables: Sequence[str] = ("posts", "interactions")
    expected_counts: Mapping[str, int] | None = None
    error_units: Sequence[tuple[SyncUnit, str]] = ()

    def get_spec(self) -> Any:
        return self.source_spec or super().get_spec()

    def make_source(self) -> Source:
        """The source under test."""
        if self.source_factory is not None:
            return type(self).source_factory()  # type: ignore[misc]
        return self.make_impl()

    def get_units(self) -> list[SyncUnit]:
        """The units to fetch; override to compute them (for example with ``plan``)."""
        return list(self.units)

    def make_context(
        self, cursor: Mapping[str, Any] | None, http: Any, workspace_dir: Path
    ) -> SourceContext:
        """The context of one fetch."""
        return SourceContext(cursor=cursor, http=http, workspace_dir=workspace_dir, now=self.now)

    def fetch(
        self, unit: SyncUnit, tmp_path: Path, cursor: Mapping[str, Any] | None = None
    ) -> list[Any]:
        """Run ``fetch`` for one unit against the replayed responses; return what it yields."""
        workspace = Path(self.workspace_dir) if self.workspace_dir else tmp_path
        source = self.make_source()

        transport = None
        if self.responses is not None:
            from smmcore.testing.replay import replay_transport

            transport = replay_transport(self.responses)

        async def collect() -> list[Any]:
            client = None
            if transport is not None:
                import httpx

                client = httpx.AsyncClient(transport=transport)
            items: list[Any] = []
            try:
                async for item in source.fetch(unit, self.make_context(cursor, client, workspace)):
                    items.append(item)
            finally:
                if client is not None:
                    await client.aclose()
            return items

        def unrecorded(why: str) -> None:
            pytest.fail(
                f"unit {unit.key!r} sent requests that are not recorded ({why}):\n  "
                + "\n  ".join(transport.unexpected if transport else []),
                pytrace=False,
            )

        try:
            items = _run(collect())
        except Exception as exc:
            if type(exc).__name__ == "ValidationError" and hasattr(exc, "errors"):
                self._invalid_record(unit, exc)
            if transport is not None and transport.unexpected:
                from smmcore.testing.replay import UnexpectedRequest

                if not isinstance(exc, UnexpectedRequest):
                    unrecorded(f"the source turned the failure into {type(exc).__name__}: {exc}")
            raise
        if transport is not None and transport.unexpected:
            unrecorded("the source swallowed the error")
        return items

    def _where(self, unit: SyncUnit) -> str:
        return f"plugin {self.plugin_name!r}, source {self.name or '?'!r}, unit {unit.key!r}"

    def _invalid_record(self, unit: SyncUnit, exc: Any, row: str = "") -> None:
        details = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())) or '(record)'}: {e.get('msg')} "
            f"(got {e.get('input')!r:.60})"
            for e in exc.errors()[:3]
        )
        pytest.fail(
            f"{self._where(unit)}: an invalid {getattr(exc, 'title', 'record')} record{row}: "
            f"{details}. Expected: ids as non-empty texts, timestamps with a UTC offset, "
            "counts >= 0 or None when unknown",
            pytrace=False,
        )

    def _required_units(self) -> list[SyncUnit]:
        units = self.get_units()
        if not units:
            pytest.fail(
                f"{type(self).__name__}: set `units` to the sync units to fetch", pytrace=False
            )
        return units

    @staticmethod
    def rows_by_table(items: Sequence[Any]) -> dict[str, list[dict[str, Any]]]:
        """The records of ``items`` as rows (dicts) per store table."""
        tables = _record_tables()
        rows: dict[str, list[dict[str, Any]]] = {}
        for item in items:
            if isinstance(item, RecordBatch):
                rows.setdefault(item.table, []).extend(_batch_rows(item))
            elif type(item) in tables:
                rows.setdefault(tables[type(item)], []).append(item.model_dump())
        return rows

    # ------------------------------------------------------------------ tests

    def test_units_name_this_source(self) -> None:
        spec = self.get_spec()
        for unit in self._required_units():
            assert isinstance(unit, SyncUnit), f"{unit!r} is not a SyncUnit"
            assert unit.source == spec.name, (
                f"unit {unit.key!r} names source {unit.source!r}, expected {spec.name!r}"
            )
            assert unit.key, "a unit needs a stable key (its sync cursor is stored under it)"

    def test_fetch_yields_only_records_then_one_cursor(self, tmp_path: Path) -> None:
        tables = _record_tables()
        for unit in self._required_units():
            items = self.fetch(unit, tmp_path)
            cursors = [i for i, item in enumerate(items) if isinstance(item, SyncCursor)]
            for item in items:
                assert isinstance(item, RecordBatch | SyncCursor) or type(item) in tables, (
                    f"unit {unit.key!r} yielded {type(item).__name__}; a source yields "
                    f"smmcore.models records, RecordBatch or one final SyncCursor"
                )
            assert len(cursors) <= 1, f"unit {unit.key!r} yielded {len(cursors)} cursors"
            if cursors:
                assert cursors[0] == len(items) - 1, (
                    f"unit {unit.key!r}: the SyncCursor must be the last item"
                )
                value = items[cursors[0]].value
                assert isinstance(value, Mapping) and _is_json_ready(dict(value)), (
                    f"unit {unit.key!r}: the cursor must be a JSON-ready mapping, got {value!r}"
                )

    def test_records_are_valid(self, tmp_path: Path) -> None:
        """Every record validates (aware timestamps, counts ``None`` or >= 0, known tables and
        columns), including records built with ``model_construct`` and batch rows."""
        from pydantic import ValidationError

        tables = _record_tables()
        for unit in self._required_units():
            for item in self.fetch(unit, tmp_path):
                if type(item) in tables:
                    try:
                        type(item).model_validate(item.model_dump())
                    except ValidationError as exc:
                        self._invalid_record(unit, exc)
                elif isinstance(item, RecordBatch):
                    model = _model_for_table(item.table)
                    assert model is not None, (
                        f"RecordBatch table {item.table!r} is not one of {sorted(TABLE_KEYS)}"
                    )
                    for row in _batch_rows(item):
                        unknown = set(row) - set(model.model_fields)
                        assert not unknown, (
                            f"RecordBatch({item.table!r}) has unknown columns {sorted(unknown)}"
                        )
                        clean = {k: v for k, v in row.items() if v is not None}
                        try:
                            model.model_validate(clean)
                        except ValidationError as exc:
                            self._invalid_record(unit, exc, f" in RecordBatch({item.table!r})")

    def test_no_duplicate_keys_in_one_run(self, tmp_path: Path) -> None:
        for unit in self._required_units():
            for table, rows in self.rows_by_table(self.fetch(unit, tmp_path)).items():
                counts = Counter(_key_of(table, row) for row in rows)
                dupes = [key for key, n in counts.items() if n > 1]
                assert not dupes, (
                    f"unit {unit.key!r} yielded {table} with the same key more than once: "
                    f"{dupes[:3]}"
                )

    def test_rerun_with_cursor_repeats_nothing(self, tmp_path: Path) -> None:
        """A second sync that starts from the first one's cursor fetches only new content."""
        ran = False
        for unit in self._required_units():
            first = self.fetch(unit, tmp_path)
            cursor = next((i.value for i in first if isinstance(i, SyncCursor)), None)
            if cursor is None:
                continue
            ran = True
            second = self.fetch(unit, tmp_path, cursor=dict(cursor))
            before, after = self.rows_by_table(first), self.rows_by_table(second)
            for table in self.incremental_tables:
                old = {_key_of(table, row) for row in before.get(table, [])}
                again = [k for k in (_key_of(table, r) for r in after.get(table, [])) if k in old]
                assert not again, (
                    f"unit {unit.key!r}: the run with cursor {dict(cursor)} fetched {table} "
                    f"again: {again[:3]}"
                )
        if not ran:
            pytest.skip("the source yields no cursor")

    def test_expected_counts(self, tmp_path: Path) -> None:
        if self.expected_counts is None:
            pytest.skip("set `expected_counts` to check how many rows each table gets")
        totals: Counter[str] = Counter()
        for unit in self._required_units():
            for table, rows in self.rows_by_table(self.fetch(unit, tmp_path)).items():
                totals[table] += len(rows)
        assert dict(totals) == dict(self.expected_counts)

    def test_records_write_to_store_idempotently(self, tmp_path: Path, smm_store: Any) -> None:
        """Every record lands in the store, and writing the same sync again stores nothing
        twice; the cursor is saved under the unit's key."""
        name = self.get_spec().name
        runs = [(unit, self.fetch(unit, tmp_path)) for unit in self._required_units()]
        keys: dict[str, set[tuple[Any, ...]]] = {}
        for _unit, items in runs:
            for table, rows in self.rows_by_table(items).items():
                keys.setdefault(table, set()).update(_key_of(table, row) for row in rows)
        expected = {table: len(found) for table, found in keys.items()}
        for attempt in ("first", "second"):
            for unit, items in runs:
                records = [i for i in items if not isinstance(i, SyncCursor)]
                cursor = next((dict(i.value) for i in items if isinstance(i, SyncCursor)), None)
                smm_store.write(records, unit_key=unit.key, source=name, cursor=cursor)
                if cursor is not None:
                    assert smm_store.get_cursor(unit.key) == cursor
            stored = {
                table: smm_store.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in keys
            }
            assert stored == expected, (
                f"after the {attempt} write the store holds {stored} rows, expected {expected} "
                f"(one per distinct key)"
            )

    def test_errors_are_source_errors(self, tmp_path: Path) -> None:
        if not self.error_units:
            pytest.skip("set `error_units` to check failures ((unit, kind) pairs)")
        for unit, kind in self.error_units:
            try:
                self.fetch(unit, tmp_path)
            except SourceError as exc:
                assert exc.kind == kind, (
                    f"{self._where(unit)} failed with kind {exc.kind!r}, expected {kind!r}"
                )
                assert str(exc).strip(), f"{self._where(unit)}: a SourceError needs a message"
            except Exception as exc:
                pytest.fail(
                    f"{self._where(unit)}: expected SourceError(kind={kind!r}), got "
                    f"{type(exc).__name__}: {exc}. Catch it in the source and raise "
                    "SourceError(message, kind=..., hint=...) so the user sees a clear cause",
                    pytrace=False,
                )
            else:
                pytest.fail(
                    f"{self._where(unit)}: expected SourceError(kind={kind!r}), but fetch "
                    "finished without an error",
                    pytrace=False,
                )


# =========================================================================== KPIs


def default_channels() -> list[ChannelRef]:
    """One client channel and one competitor channel, on the ``example`` network."""
    return [
        ChannelRef(network="example", account="forno", owner="Test Client", is_client=True),
        ChannelRef(network="example", account="rival", owner="Rival", is_client=False),
    ]


class _StoreBacked(PluginContract):
    """Shared by contracts that read the store: seeding and channels."""

    seed: Sequence[Any] = ()
    """Records (models or RecordBatch) written to the store before computing; override
    :meth:`seed_store` to write them another way."""
    channels: Sequence[ChannelRef] | None = None
    period: Period = DEFAULT_PERIOD
    timezone: str = "UTC"

    def get_channels(self) -> list[ChannelRef]:
        return list(self.channels) if self.channels is not None else default_channels()

    def seed_store(self, store: Any) -> None:
        """Write ``seed`` into ``store`` and expose the channels to SQL."""
        store.set_channels(self.get_channels())
        if self.seed:
            store.write(list(self.seed), source="smmcore.testing")

    def has_seed(self) -> bool:
        """Whether the store gets data before the tests (``seed`` or a custom seeding)."""
        return bool(self.seed) or type(self).seed_store is not _StoreBacked.seed_store


class KPIContract(_StoreBacked):
    """Conformance tests for a :class:`~smmcore.contracts.KPI`.

    :attr kpi_spec: the registration (instead of ``plugin`` + ``name``).
    :attr kpi_factory: ``callable() -> KPI`` (default: the registered object, instantiated
        when it is a class).
    :attr seed: records written to the store before ``compute`` (see ``_StoreBacked``).
    :attr channels: the workspace channels (default: a client and a competitor on ``example``).
    :attr period: the period to compute; ``previous`` defaults to the period before it.
    :attr expected: ``"scope:scope_id"`` -> the value computed by hand, for the seeded store.
    :attr empty_values_are_none: on an empty store every value is ``None`` (nothing to
        measure is unknown, not 0).
    """

    point = "kpis"
    impl_base = KPI

    kpi_spec: KPISpec | None = None
    kpi_factory: Callable[[], KPI] | None = None
    previous: Period | None = None
    expected: Mapping[str, float | None] | None = None
    empty_values_are_none: bool = True
    tolerance: float = 1e-6

    def get_spec(self) -> Any:
        return self.kpi_spec or super().get_spec()

    def make_kpi(self) -> KPI:
        if self.kpi_factory is not None:
            return type(self).kpi_factory()  # type: ignore[misc]
        return self.make_impl()

    def make_context(self, store: Any) -> KPIContext:
        return KPIContext(
            con=store.con,
            period=self.period,
            previous=self.previous or self.period.previous(),
            timezone=self.timezone,
            channels=self.get_channels(),
        )

    def compute(self, store: Any, *, seeded: bool = True) -> list[Any]:
        """Seed the store (unless ``seeded`` is false), then compute."""
        if seeded:
            self.seed_store(store)
        else:
            store.set_channels(self.get_channels())
        return self.make_kpi().compute(self.make_context(store))

    def check_values(self, values: Any) -> None:
        from smmcore.models import KPIValue, change_of

        spec = self.get_spec()
        assert isinstance(values, list), f"compute must return a list, got {type(values)}"
        seen: set[tuple[str, str]] = set()
        for v in values:
            assert isinstance(v, KPIValue), f"compute returned {type(v).__name__}, not KPIValue"
            assert v.kpi == spec.name, f"a value names KPI {v.kpi!r}, expected {spec.name!r}"
            assert (v.period_start, v.period_end) == (self.period.start, self.period.end), (
                f"{v.scope}:{v.scope_id} covers {v.period_start}..{v.period_end}, "
                f"expected {self.period}"
            )
            assert (v.scope, v.scope_id) not in seen, f"two values for {v.scope}:{v.scope_id}"
            seen.add((v.scope, v.scope_id))
            for number in (v.value, v.previous):
                assert number is None or math.isfinite(number), (
                    f"{v.scope}:{v.scope_id}: {number} is not a finite number (use None)"
                )
            change, pct = change_of(v.value, v.previous)
            for got, want, what in ((v.change, change, "change"), (v.change_pct, pct, "pct")):
                assert (got is None) == (want is None) and (
                    got is None or math.isclose(got, want, abs_tol=self.tolerance)
                ), f"{v.scope}:{v.scope_id}: {what} is {got}, expected {want} (change_of)"

    # ------------------------------------------------------------------ tests

    def test_definition_is_complete(self) -> None:
        spec = self.get_spec()
        for attr in ("label", "formula", "unit", "aggregation"):
            assert str(getattr(spec, attr)).strip(), f"the KPI needs a {attr}"
        assert spec.higher_is_better in (True, False, None)

    def test_compute_on_seeded_store(self, smm_store: Any) -> None:
        if not self.has_seed():
            pytest.skip("set `seed` to records to compute on")
        values = self.compute(smm_store)
        self.check_values(values)
        assert any(v.value is not None for v in values), (
            "the KPI computed no value at all on the seeded store"
        )

    def test_empty_store_gives_unknown_values(self, smm_store: Any) -> None:
        values = self.compute(smm_store, seeded=False)
        self.check_values(values)
        if self.empty_values_are_none:
            known = [f"{v.scope}:{v.scope_id}={v.value}" for v in values if v.value is not None]
            assert not known, f"on an empty store every value must be None, got {known}"

    def test_expected_values(self, smm_store: Any) -> None:
        if self.expected is None:
            pytest.skip("set `expected` to values computed by hand")
        values = {f"{v.scope}:{v.scope_id}": v.value for v in self.compute(smm_store)}
        for key, want in self.expected.items():
            assert key in values, f"no value for {key} (got {sorted(values)})"
            got = values[key]
            assert (got is None) == (want is None) and (
                got is None or math.isclose(got, want, abs_tol=self.tolerance)
            ), f"{key}: computed {got}, expected {want}"


# =========================================================================== segmenters


class SegmenterContract(_StoreBacked):
    """Conformance tests for a :class:`~smmcore.contracts.Segmenter`.

    :attr segmenter_spec: the registration (instead of ``plugin`` + ``name``).
    :attr segmenter_factory: ``callable() -> Segmenter``.
    :attr seed: audience members and interactions written to the store first.
    :attr rules: rule segments, as ``[segments.<name>]`` in ``smm.toml`` would give them.
    :attr expected: segment name -> the set of member handles it must hold.
    :attr expect_members: the seeded audience gives at least one segment with members (set
        ``False`` only when the seed rightly gives none: the checks would then check nothing).
    """

    point = "segmenters"
    impl_base = Segmenter

    segmenter_spec: SegmenterSpec | None = None
    segmenter_factory: Callable[[], Segmenter] | None = None
    rules: Mapping[str, Mapping[str, Any]] = {}
    expected: Mapping[str, set[str]] | None = None
    expect_members: bool = True

    def get_spec(self) -> Any:
        return self.segmenter_spec or super().get_spec()

    def make_segmenter(self) -> Segmenter:
        if self.segmenter_factory is not None:
            return type(self).segmenter_factory()  # type: ignore[misc]
        return self.make_impl()

    def segment(self, store: Any, *, seeded: bool = True) -> list[Any]:
        if seeded:
            self.seed_store(store)
        else:
            store.set_channels(self.get_channels())
        ctx = AudienceContext(
            con=store.con,
            period=self.period,
            timezone=self.timezone,
            channels=[c for c in self.get_channels() if c.is_client],
            rules=dict(self.rules),
        )
        return self.make_segmenter().segment(ctx)

    def check_segments(self, segments: Any) -> None:
        from smmcore.models import Segment

        spec = self.get_spec()
        assert isinstance(segments, list), f"segment must return a list, got {type(segments)}"
        names = [s.name for s in segments if isinstance(s, Segment)]
        assert len(names) == len(segments), "segment must return Segment models only"
        assert len(set(names)) == len(names), f"segment names repeat: {names}"
        for seg in segments:
            assert seg.segmenter == spec.name, (
                f"segment {seg.name!r} names segmenter {seg.segmenter!r}, expected {spec.name!r}"
            )
            assert seg.description.strip() and seg.method.strip(), (
                f"segment {seg.name!r} needs a description and a method"
            )
            members = [(m.network, m.member) for m in seg.members]
            assert len(set(members)) == len(members), f"segment {seg.name!r} repeats members"

    def test_empty_audience_gives_empty_segments(self, smm_store: Any) -> None:
        segments = self.segment(smm_store, seeded=False)
        self.check_segments(segments)
        assert all(not s.members for s in segments), "an empty audience gave members"

    def test_segments_of_seeded_store(self, smm_store: Any) -> None:
        if not self.has_seed():
            pytest.skip("set `seed` to an audience to segment")
        segments = self.segment(smm_store)
        self.check_segments(segments)
        if self.expect_members:
            assert any(s.members for s in segments), (
                "the seeded audience gave no segment with members, so nothing was checked "
                "(seed members it segments, or set expect_members = False)"
            )

    def test_expected_segments(self, smm_store: Any) -> None:
        if self.expected is None:
            pytest.skip("set `expected` to segment name -> member handles")
        got = {s.name: {m.member for m in s.members} for s in self.segment(smm_store)}
        for name, members in self.expected.items():
            assert name in got, f"no segment {name!r} (got {sorted(got)})"
            assert got[name] == set(members), f"segment {name!r}: {got[name]} != {members}"


# =========================================================================== keyword tools


class KeywordToolContract(PluginContract):
    """Conformance tests for a :class:`~smmcore.contracts.KeywordTool`.

    :attr keyword_tool_spec: the registration (instead of ``plugin`` + ``name``).
    :attr keyword_tool_factory: ``callable() -> KeywordTool``.
    :attr query: the query to run for each declared capability.
    :attr responses: the recorded HTTP responses replayed to ``ctx.http``.
    :attr now: the time handed to the tool.
    """

    point = "keyword_tools"
    impl_base = KeywordTool

    keyword_tool_spec: KeywordToolSpec | None = None
    keyword_tool_factory: Callable[[], KeywordTool] | None = None
    query: KeywordQuery = KeywordQuery(terms=("pizza",), geo="IT", language="it")
    responses: Any = None
    now: datetime = DEFAULT_NOW

    def get_spec(self) -> Any:
        return self.keyword_tool_spec or super().get_spec()

    def make_tool(self) -> KeywordTool:
        if self.keyword_tool_factory is not None:
            return type(self).keyword_tool_factory()  # type: ignore[misc]
        return self.make_impl()

    def call(self, capability: str) -> list[Any]:
        """Run the method of ``capability`` on ``query`` against the replayed responses."""
        method_name = CAPABILITY_METRICS[capability][0]
        tool = self.make_tool()

        async def run() -> tuple[list[Any], Any]:
            transport = client = None
            if self.responses is not None:
                import httpx

                from smmcore.testing.replay import replay_transport

                transport = replay_transport(self.responses)
                client = httpx.AsyncClient(transport=transport)
            try:
                ctx = KeywordContext(http=client, now=self.now)
                return await getattr(tool, method_name)(self.query, ctx), transport
            finally:
                if client is not None:
                    await client.aclose()

        result, transport = _run(run())
        if transport is not None and transport.unexpected:
            pytest.fail(
                "requests that are not recorded:\n  " + "\n  ".join(transport.unexpected),
                pytrace=False,
            )
        return result

    def test_capabilities_are_known(self) -> None:
        caps = set(self.get_spec().capabilities)
        assert caps, f"declare capabilities among {sorted(CAPABILITY_METRICS)}"
        assert caps <= set(CAPABILITY_METRICS), (
            f"unknown capabilities {sorted(caps - set(CAPABILITY_METRICS))}"
        )

    def test_declared_capabilities_return_signals(self) -> None:
        from smmcore.models import KeywordSignal

        spec = self.get_spec()
        for capability in spec.capabilities:
            if capability not in CAPABILITY_METRICS:
                continue
            _method, label, metrics = CAPABILITY_METRICS[capability]
            signals = self.call(capability)
            assert isinstance(signals, list), f"{label} must return a list"
            assert signals, f"{label} returned nothing for {self.query.terms}"
            for s in signals:
                assert isinstance(s, KeywordSignal), f"{label} returned {type(s).__name__}"
                KeywordSignal.model_validate(s.model_dump())
                assert s.tool == spec.name, f"a signal names tool {s.tool!r}, not {spec.name!r}"
                assert s.term in self.query.terms, f"signal for unrequested term {s.term!r}"
                assert s.metric in metrics, f"{label} returned metric {s.metric!r}"
                assert s.unit.strip(), "a signal needs a unit"
                if s.unit == "relative" and s.value is not None:
                    assert 0 <= s.value <= 100, f"relative value {s.value} outside 0-100"


# =========================================================================== reporters


class ReporterContract(PluginContract):
    """Conformance tests for a :class:`~smmcore.contracts.Reporter`.

    :attr reporter_spec: the registration (instead of ``plugin`` + ``name``).
    :attr reporter_factory: ``callable() -> Reporter``.
    :attr report: a report of your own to render (default: :func:`sample_report`).
    :attr shows_client_name: the output of the sample report names the client.
    """

    point = "reporters"
    impl_base = Reporter

    reporter_spec: ReporterSpec | None = None
    reporter_factory: Callable[[], Reporter] | None = None
    report: Any = None
    shows_client_name: bool = True

    def get_spec(self) -> Any:
        return self.reporter_spec or super().get_spec()

    def make_reporter(self) -> Reporter:
        if self.reporter_factory is not None:
            return type(self).reporter_factory()  # type: ignore[misc]
        return self.make_impl()

    def render(self, report: Any) -> str:
        out = io.StringIO()
        self.make_reporter().render(report, out)
        return out.getvalue()

    @staticmethod
    def _reports() -> Any:
        pytest.importorskip("smmcore.report_model", reason="smmcore.report_model is missing")
        from smmcore.testing import reports

        return reports

    def test_output_format_is_declared(self) -> None:
        spec = self.get_spec()
        assert spec.extension == "" or spec.extension.startswith("."), (
            f"extension {spec.extension!r} must start with '.' (or be empty for the terminal)"
        )
        assert "/" in spec.media_type, f"media_type {spec.media_type!r} is not a MIME type"

    def test_renders_minimal_report(self) -> None:
        output = self.render(self._reports().minimal_report())
        assert output.strip(), "rendering a minimal report wrote nothing"

    def test_renders_sample_report(self) -> None:
        reports = self._reports()
        report = self.report if self.report is not None else reports.sample_report()
        output = self.render(report)
        assert output.strip(), "rendering the report wrote nothing"
        if self.shows_client_name:
            assert report.client.name in output, "the output does not name the client"
        media = self.get_spec().media_type
        if media == "application/json":
            json.loads(output)
        if "html" in media and self.report is None:
            assert reports.HOSTILE_TEXT not in output and "<script>alert" not in output, (
                "a post text reached the HTML unescaped"
            )
