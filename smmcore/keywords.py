"""The keyword service: run a keyword tool for a query, store its signals, answer from the store.

A request is (tool, kind, terms, geo, language, timeframe). Its results are stored in the
``keyword_signals`` table with their retrieval time; the same request within the freshness
window (``[keywords] freshness_hours`` in ``smm.toml``, 24 h by default) is answered from the
store without touching the network, and ``refresh=True`` forces a new request.

Tools that only read the store (``KeywordTool.uses_network = False``, the own-terms tool) are
always run and never cached.

The module also provides what other parts call: :func:`refresh_workspace_keywords` for
``smm sync`` and :func:`keyword_section` for the report.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from smmcore.errors import SmmError
from smmcore.tabular import Tabular

if TYPE_CHECKING:
    import httpx

    from smmcore.config import WorkspaceConfig
    from smmcore.contracts import ChannelRef, KeywordQuery, KeywordTool
    from smmcore.models import KeywordSignal
    from smmcore.plugins import PluginHost

T = TypeVar("T")

EPOCH = date(1970, 1, 1)
"""``keyword_signals.period_start`` of values that are not points of a time series."""

Kind = Literal["interest", "regions", "related", "suggestions"]

KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "interest": ("interest_over_time", ("interest", "pageviews")),
    "regions": ("interest_by_region", ("region_interest",)),
    "related": ("related_queries", ("related_top", "related_rising", "own_engagement")),
    "suggestions": ("suggestions", ("suggestion",)),
}
"""Kind of request -> (the :class:`~smmcore.contracts.KeywordTool` method, the metrics it
returns). The kinds are also the capability names a ``KeywordToolSpec`` declares."""

COMPARABLE_METRICS = frozenset({"interest", "region_interest"})
"""Metrics whose ``relative`` values only compare within one request: a cached answer for
several terms must come from one request."""

USER_AGENT = "smmcore/0.1 (keyword research; https://pypi.org/project/smmcore/)"
"""The User-Agent of the HTTP client the service creates when none is given."""

DEFAULT_TIMEFRAME = "today 12-m"


# --------------------------------------------------------------------------- timeframes

_TODAY_RE = re.compile(r"^today\s+(\d+)-([my])$")
_NOW_RE = re.compile(r"^now\s+(\d+)-([dH])$")
_RANGE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(\d{4}-\d{2}-\d{2})$")


def _months_back(day: date, months: int) -> date:
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def timeframe_dates(timeframe: str, today: date) -> tuple[date, date]:
    """The first and last day a timeframe in Google Trends' spelling covers.

    ``"today 12-m"`` (months), ``"today 5-y"`` (years), ``"now 7-d"`` (days), ``"now 4-H"``
    (hours: today), ``"all"`` (since 2004-01-01) and ``"YYYY-MM-DD YYYY-MM-DD"``. Raises
    :class:`ValueError` for anything else.
    """
    text = " ".join(timeframe.split())
    if text == "all":
        return date(2004, 1, 1), today
    if m := _TODAY_RE.match(text):
        n, unit = int(m.group(1)), m.group(2)
        return _months_back(today, n * (12 if unit == "y" else 1)), today
    if m := _NOW_RE.match(text):
        n, unit = int(m.group(1)), m.group(2)
        return (today - timedelta(days=n), today) if unit == "d" else (today, today)
    if m := _RANGE_RE.match(text):
        start, end = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
        if end < start:
            raise ValueError(f"timeframe {timeframe!r} ends before it starts")
        return start, end
    raise ValueError(
        f"unknown timeframe {timeframe!r}: use 'today 12-m', 'today 5-y', 'now 7-d', 'all' "
        "or 'YYYY-MM-DD YYYY-MM-DD'"
    )


# --------------------------------------------------------------------------- signals


def is_no_data(signal: KeywordSignal) -> bool:
    """Whether a signal only says that a term has no data (value, item and period empty)."""
    return signal.value is None and not signal.item and signal.period_start is None


def no_data_signal(
    tool: str, term: str, metric: str, unit: str, query: KeywordQuery, now: datetime, note: str
) -> KeywordSignal:
    """A "no data" signal for ``term`` (see :class:`~smmcore.contracts.KeywordTool`)."""
    from smmcore.models import KeywordSignal

    return KeywordSignal(
        tool=tool,
        term=term,
        metric=metric,  # type: ignore[arg-type]
        unit=unit,
        value=None,
        geo=query.geo,
        language=query.language,
        timeframe=query.timeframe,
        retrieved_at=now,
        note=note,
    )


SIGNAL_COLUMNS = (
    "tool",
    "term",
    "metric",
    "item",
    "period_start",
    "value",
    "unit",
    "geo",
    "language",
    "timeframe",
    "retrieved_at",
    "cached",
    "note",
)
"""The columns of keyword results as rows (``smm keywords ... --format csv``, ``to_pandas()``)."""


@dataclass
class KeywordResult(Tabular):
    """The answer to one request; as a table (:meth:`rows`, ``to_pandas()``), one row per
    value and one per term without data.

    :param signals: the data signals (no-data signals are in :attr:`no_data` instead).
    :param no_data: term -> why the tool had no data for it.
    :param cached: answered from the store within the freshness window.
    :param retrieved_at: when the answer was retrieved from the tool.
    :param failed: term -> why the tool failed for it (the other terms' answers are kept).
    :param error: why the whole request failed.
    """

    tool: str
    kind: str
    query: KeywordQuery
    signals: list[KeywordSignal] = field(default_factory=list)
    no_data: dict[str, str] = field(default_factory=dict)
    cached: bool = False
    retrieved_at: datetime | None = None
    error: str | None = None
    failed: dict[str, str] = field(default_factory=dict)

    def failed_terms(self) -> list[str]:
        """The terms this request did not answer (every term when it failed whole)."""
        return list(self.query.terms) if self.error else list(self.failed)

    columns = SIGNAL_COLUMNS

    def rows(self) -> list[dict[str, Any]]:
        """One row per signal, then one per term without data (``value`` ``None``, ``note``
        saying why); keys are :data:`SIGNAL_COLUMNS`."""
        rows: list[dict[str, Any]] = [
            {
                "tool": s.tool,
                "term": s.term,
                "metric": s.metric,
                "item": s.item,
                "period_start": s.period_start,
                "value": s.value,
                "unit": s.unit,
                "geo": s.geo,
                "language": s.language,
                "timeframe": s.timeframe,
                "retrieved_at": s.retrieved_at,
                "cached": self.cached,
                "note": s.note,
            }
            for s in self.signals
        ]
        for term, note in self.no_data.items():
            rows.append(
                {
                    **dict.fromkeys(SIGNAL_COLUMNS),
                    "tool": self.tool,
                    "term": term,
                    "geo": self.query.geo,
                    "language": self.query.language,
                    "timeframe": self.query.timeframe,
                    "retrieved_at": self.retrieved_at,
                    "cached": self.cached,
                    "note": note,
                }
            )
        return rows

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready description (``smm keywords ... --format json``)."""
        return {
            "tool": self.tool,
            "kind": self.kind,
            "terms": list(self.query.terms),
            "geo": self.query.geo,
            "language": self.query.language,
            "timeframe": self.query.timeframe,
            "cached": self.cached,
            "retrieved_at": self.retrieved_at.isoformat() if self.retrieved_at else None,
            "no_data": dict(self.no_data),
            "failed": dict(self.failed),
            "error": self.error,
            "signals": [s.model_dump(mode="json") for s in self.signals],
        }


def _split(signals: Iterable[KeywordSignal]) -> tuple[list[KeywordSignal], dict[str, str]]:
    data: list[KeywordSignal] = []
    empty: dict[str, str] = {}
    for signal in signals:
        if is_no_data(signal):
            empty[signal.term] = signal.note or "no data"
        else:
            data.append(signal)
    return data, empty


# --------------------------------------------------------------------------- store access

_COLUMNS = (
    "tool, term, metric, geo, language, timeframe, item, period_start, unit, value, note, "
    "retrieved_at"
)


def _con(store: Any) -> Any:
    return getattr(store, "con", store)


def _row_signal(row: Sequence[Any]) -> KeywordSignal:
    from smmcore.models import KeywordSignal

    tool, term, metric, geo, language, timeframe, item, start, unit, value, note, at = row
    if isinstance(start, datetime):
        start = start.date()
    if isinstance(at, datetime) and at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return KeywordSignal(
        tool=tool,
        term=term,
        metric=metric,
        geo=geo,
        language=language,
        timeframe=timeframe,
        item=item,
        period_start=None if start == EPOCH else start,
        unit=unit,
        value=value,
        note=note,
        retrieved_at=at,
    )


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def latest_request(
    store: Any,
    tool: str,
    term: str,
    metrics: Sequence[str],
    *,
    geo: str | None = None,
    language: str | None = None,
    timeframe: str | None = None,
) -> tuple[datetime, str, str, str] | None:
    """(retrieved_at, geo, language, timeframe) of the latest stored answer of ``tool`` for
    ``term`` among ``metrics``, optionally for one geo, language and timeframe."""
    where = ["tool = ?", "term = ?", f"metric IN ({', '.join('?' for _ in metrics)})"]
    params: list[Any] = [tool, term, *metrics]
    for column, value in (("geo", geo), ("language", language), ("timeframe", timeframe)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    row = (
        _con(store)
        .execute(
            "SELECT retrieved_at, geo, language, timeframe FROM keyword_signals "
            f"WHERE {' AND '.join(where)} ORDER BY retrieved_at DESC LIMIT 1",
            params,
        )
        .fetchone()
    )
    if row is None:
        return None
    return _as_utc(row[0]), row[1], row[2], row[3]


def stored_signals(
    store: Any,
    tool: str,
    term: str,
    metrics: Sequence[str],
    geo: str,
    language: str,
    timeframe: str,
    retrieved_at: datetime,
) -> list[KeywordSignal]:
    """The signals of one stored answer (those retrieved at ``retrieved_at``), ordered by
    metric, period and value."""
    rows = (
        _con(store)
        .execute(
            f"SELECT {_COLUMNS} FROM keyword_signals WHERE tool = ? AND term = ? "
            f"AND metric IN ({', '.join('?' for _ in metrics)}) AND geo = ? AND language = ? "
            "AND timeframe = ? AND retrieved_at = ? "
            "ORDER BY metric, period_start, value DESC NULLS LAST, item",
            [tool, term, *metrics, geo, language, timeframe, retrieved_at],
        )
        .fetchall()
    )
    return [_row_signal(r) for r in rows]


def _for_store(signal: KeywordSignal) -> KeywordSignal:
    if signal.period_start is None:
        return signal.model_copy(update={"period_start": EPOCH})
    return signal


# --------------------------------------------------------------------------- the service


def open_keyword_client(log: Callable[[str], None] | None = None) -> httpx.AsyncClient:
    """The HTTP client of a keyword run: the shared polite client of :mod:`smmcore.http`
    (per-host limits, backoff on 429 and 5xx), with fewer retries and shorter waits than a
    sync, since the endpoints are unofficial and a refusal should surface quickly."""
    try:
        from smmcore.http import open_client
    except ImportError:  # pragma: no cover - the shared layer is part of the core
        import httpx

        return httpx.AsyncClient(
            headers={"User-Agent": USER_AGENT}, timeout=20.0, follow_redirects=True
        )
    return open_client(
        user_agent_extra="smm-keywords", max_retries=2, max_wait=60.0, timeout=20.0, on_wait=log
    )


def _run_coro(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion from synchronous code, even inside a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(make())
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, name="smm-keywords")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def channel_refs(config: WorkspaceConfig) -> list[ChannelRef]:
    """The workspace channels of a configuration, the client's first."""
    from smmcore.contracts import ChannelRef

    return [
        ChannelRef(
            network=ch.network,
            account=ch.account,
            owner=owner,
            is_client=is_client,
            label=ch.label,
        )
        for owner, is_client, ch in config.all_channels()
    ]


class KeywordService:
    """Runs keyword tools, stores their answers and serves fresh ones from the store.

    Use it as an async context manager (it opens an HTTP client when none is given)::

        async with KeywordService(host, store, freshness_hours=24) as service:
            result = await service.run("trends", "interest", query)

    :param host: the plugin host (keyword tools are looked up by name).
    :param store: the workspace store, or ``None`` to neither cache nor store.
    :param settings_for: ``(tool_name, settings_model) -> settings`` (the workspace's
        ``[plugins.<name>]``); ``None`` uses each model's defaults.
    :param now: the retrieval time of this run (default: the current time).
    """

    def __init__(
        self,
        host: PluginHost,
        store: Any = None,
        *,
        freshness_hours: float = 24.0,
        http: httpx.AsyncClient | None = None,
        settings_for: Callable[[str, Any], Any] | None = None,
        channels: Sequence[ChannelRef] = (),
        workspace_dir: Path | None = None,
        now: datetime | None = None,
        log: Callable[[str], None] = lambda _line: None,
    ) -> None:
        self.host = host
        self.store = store
        self.freshness = timedelta(hours=freshness_hours)
        self.http = http
        self._own_http = False
        self.settings_for = settings_for
        self.channels = list(channels)
        self.workspace_dir = workspace_dir or Path.cwd()
        self.now = _as_utc(now or datetime.now(UTC))
        self.log = log
        self._tools: dict[str, KeywordTool] = {}

    @classmethod
    def for_workspace(cls, workspace: Any, host: PluginHost, store: Any, **kwargs: Any) -> Any:
        """A service configured from a loaded :class:`~smmcore.workspace.Workspace`."""
        config = workspace.config
        kwargs.setdefault("freshness_hours", config.keywords.freshness_hours)
        kwargs.setdefault("settings_for", workspace.plugin_settings)
        kwargs.setdefault("channels", channel_refs(config))
        kwargs.setdefault("workspace_dir", workspace.dir)
        return cls(host, store, **kwargs)

    async def __aenter__(self) -> KeywordService:
        if self.http is None:
            self.http = open_keyword_client(self.log)
            self._own_http = True
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._own_http and self.http is not None:
            await self.http.aclose()
            self.http = None
            self._own_http = False

    # ------------------------------------------------------------------ tools

    def tool(self, name: str) -> KeywordTool:
        """The tool registered as ``name``, instantiated with its workspace settings."""
        if name in self._tools:
            return self._tools[name]
        from smmcore.contracts import KeywordTool

        spec = self.host.get("keyword_tools", name)
        if self.settings_for is None:
            tool = self.host.implementation(spec)
        else:
            try:
                model = spec.load_settings_model()
            except Exception as exc:
                raise SmmError(
                    f"keyword tool {name!r} (plugin {spec.plugin!r}) cannot be loaded: {exc}",
                    hint="reinstall its plugin, or disable it with SMM_DISABLE_PLUGINS",
                ) from exc
            settings = self.settings_for(name, model) if model is not None else None
            if settings is None and model is not None:
                settings = model()
            tool = self.host.implementation(spec, settings=settings)
        if not isinstance(tool, KeywordTool):
            raise SmmError(
                f"keyword tool {name!r} (plugin {spec.plugin!r}) is not a KeywordTool",
                hint="report it to the plugin's authors",
            )
        self._tools[name] = tool
        return tool

    def capabilities(self, name: str) -> tuple[str, ...]:
        """The kinds of request the tool ``name`` declares."""
        spec = self.host.get("keyword_tools", name)
        return tuple(c for c in spec.capabilities if c in KINDS)

    def context(self) -> Any:
        """The :class:`~smmcore.contracts.KeywordContext` handed to tools."""
        from smmcore.contracts import KeywordContext

        return KeywordContext(
            http=self.http,
            store=self.store,
            now=self.now,
            workspace_dir=self.workspace_dir,
            channels=tuple(self.channels),
            log=self.log,
        )

    # ------------------------------------------------------------------ cache

    def cached(self, tool: str, kind: str, query: KeywordQuery) -> KeywordResult | None:
        """The stored answer to this request when every term is within the freshness
        window (and, for relative values, all terms come from one request); else ``None``."""
        if self.store is None or not query.terms:
            return None
        metrics = KINDS[kind][1]
        cutoff = self.now - self.freshness
        found: list[tuple[str, datetime]] = []
        for term in query.terms:
            latest = latest_request(
                self.store,
                tool,
                term,
                metrics,
                geo=query.geo,
                language=query.language,
                timeframe=query.timeframe,
            )
            if latest is None or latest[0] < cutoff:
                return None
            found.append((term, latest[0]))
        signals: list[KeywordSignal] = []
        for term, at in found:
            signals.extend(
                stored_signals(
                    self.store,
                    tool,
                    term,
                    metrics,
                    query.geo,
                    query.language,
                    query.timeframe,
                    at,
                )
            )
        times = {at for _term, at in found}
        if len(times) > 1 and any(
            s.metric in COMPARABLE_METRICS and s.unit == "relative" for s in signals
        ):
            return None  # relative values of separate requests do not compare
        data, empty = _split(signals)
        return KeywordResult(
            tool=tool,
            kind=kind,
            query=query,
            signals=data,
            no_data=empty,
            cached=True,
            retrieved_at=min(times),
        )

    # ------------------------------------------------------------------ run

    async def run(
        self, tool_name: str, kind: str, query: KeywordQuery, *, refresh: bool = False
    ) -> KeywordResult:
        """Answer one request: from the store when fresh (unless ``refresh``), else from
        the tool, storing what it returns. Tool failures raise
        :class:`~smmcore.contracts.SourceError`."""
        if kind not in KINDS:
            raise SmmError(f"unknown kind of keyword request {kind!r}")
        tool = self.tool(tool_name)
        local = not tool.uses_network
        if not refresh and not local:
            hit = self.cached(tool_name, kind, query)
            if hit is not None:
                return hit
        method_name, metrics = KINDS[kind]
        from smmcore.contracts import KeywordTermsFailed

        method = getattr(tool, method_name)
        failed: dict[str, str] = {}
        try:
            raw = await method(query, self.context())
        except KeywordTermsFailed as exc:
            if set(exc.failed) >= set(query.terms):
                raise  # nothing answered: the request failed as a whole
            raw, failed = exc.signals, {t: w for t, w in exc.failed.items() if t in query.terms}
        except NotImplementedError as exc:
            raise SmmError(
                f"keyword tool {tool_name!r} does not answer {kind!r} requests",
                hint=f"tools for {kind!r}: " + ", ".join(self.tools_for(kind)),
            ) from exc
        signals = [
            s.model_copy(
                update={
                    "tool": tool_name,
                    "geo": query.geo,
                    "language": query.language,
                    "timeframe": query.timeframe,
                    "retrieved_at": self.now,
                }
            )
            for s in raw
        ]
        answered = {s.term for s in signals}
        unit = next((s.unit for s in signals), "relative")
        for term in query.terms:
            if term not in answered and term not in failed:
                signals.append(
                    no_data_signal(tool_name, term, metrics[0], unit, query, self.now, "no data")
                )
        if self.store is not None and not local:
            self.store.write([_for_store(s) for s in signals], source=f"keywords:{tool_name}")
        data, empty = _split(signals)
        return KeywordResult(
            tool=tool_name,
            kind=kind,
            query=query,
            signals=data,
            no_data=empty,
            cached=False,
            retrieved_at=self.now,
            failed=failed,
        )

    def tools_for(self, kind: str) -> list[str]:
        """The installed tools that declare ``kind``."""
        return sorted(n for n, s in self.host.keyword_tools().items() if kind in s.capabilities)


# --------------------------------------------------------------------------- sync and report


def query_defaults(config: WorkspaceConfig | None) -> dict[str, str]:
    """Geo, language and timeframe of keyword requests from ``[keywords]`` (the language
    falls back to the client's)."""
    if config is None:
        return {"geo": "", "language": "", "timeframe": DEFAULT_TIMEFRAME}
    kw = config.keywords
    return {
        "geo": kw.geo.upper(),
        "language": (kw.language or config.client.language or "").lower(),
        "timeframe": kw.timeframe or DEFAULT_TIMEFRAME,
    }


@dataclass
class KeywordRefreshSummary:
    """What :func:`refresh_workspace_keywords` did."""

    terms: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)
    """``"tool:kind"`` requests answered by the tools."""
    cached: list[str] = field(default_factory=list)
    """``"tool:kind"`` requests answered from the store."""
    signals: int = 0
    errors: list[str] = field(default_factory=list)
    failed_terms: dict[str, set[str]] = field(default_factory=dict)
    """Tool -> terms it did not answer (a request that failed whole counts all its terms)."""

    @property
    def ok(self) -> bool:
        """No request failed, not even for one term."""
        return not self.errors

    def failures(self) -> str:
        """``"suggest: 1 of 3 terms failed; wikipedia: 3 of 3 terms failed"``."""
        total = len(dict.fromkeys(self.terms))
        return "; ".join(
            f"{tool}: {len(terms)} of {total} terms failed"
            for tool, terms in self.failed_terms.items()
        )

    def __str__(self) -> str:
        if not self.terms:
            return "keywords: no terms in [keywords] terms"
        text = (
            f"keywords: {len(self.terms)} terms, {len(self.fetched)} requests fetched, "
            f"{len(self.cached)} fresh in the store, {self.signals} signals"
        )
        if self.errors:
            text += f"; {self.failures()}: " + "; ".join(self.errors)
        return text


def workspace_tools(config: WorkspaceConfig | None, host: PluginHost) -> list[str]:
    """The keyword tools a workspace uses: ``[keywords] tools`` or every installed one."""
    installed = host.keyword_tools()
    wanted = list(config.keywords.tools) if config and config.keywords.tools else sorted(installed)
    return [name for name in wanted if name in installed]


REFRESH_KINDS = ("interest", "related", "suggestions")
"""The kinds ``smm sync`` and ``smm keywords report`` refresh (regions only on request)."""


async def refresh_keywords(
    service: KeywordService,
    config: WorkspaceConfig | None,
    *,
    terms: Sequence[str] | None = None,
    tools: Sequence[str] | None = None,
    refresh: bool = False,
    include_local: bool = True,
) -> tuple[KeywordRefreshSummary, list[KeywordResult]]:
    """Run every tool of the workspace for its terms (each kind it declares among
    :data:`REFRESH_KINDS`; store-only tools unless ``include_local`` is false). A failing
    request is recorded, never raised."""
    from smmcore.contracts import KeywordQuery, SourceError

    summary = KeywordRefreshSummary(
        terms=list(terms if terms is not None else (config.keywords.terms if config else []))
    )
    results: list[KeywordResult] = []
    if not summary.terms:
        return summary, results
    defaults = query_defaults(config)
    query = KeywordQuery(terms=tuple(dict.fromkeys(summary.terms)), **defaults)
    for name in tools if tools is not None else workspace_tools(config, service.host):
        try:
            local = not service.tool(name).uses_network
        except SmmError as exc:
            summary.errors.append(f"{name}: {exc}")
            continue
        if local and not include_local:
            continue  # nothing to fetch or store: the report computes it when it needs it
        for kind in service.capabilities(name):
            if kind not in REFRESH_KINDS:
                continue
            label = f"{name}:{kind}"
            try:
                result = await service.run(name, kind, query, refresh=refresh)
            except (SourceError, SmmError) as exc:
                summary.errors.append(f"{label}: {exc}")
                results.append(KeywordResult(tool=name, kind=kind, query=query, error=str(exc)))
                _count_failed(summary, name, query.terms)
                continue
            except Exception as exc:  # a broken plugin must not stop the others
                summary.errors.append(f"{label}: unexpected {type(exc).__name__}: {exc}")
                results.append(KeywordResult(tool=name, kind=kind, query=query, error=str(exc)))
                _count_failed(summary, name, query.terms)
                continue
            if result.failed:
                summary.errors.append(
                    f"{label}: " + "; ".join(f"{t!r}: {w}" for t, w in result.failed.items())
                )
                _count_failed(summary, name, list(result.failed))
            results.append(result)
            (summary.cached if result.cached else summary.fetched).append(label)
            if not result.cached:
                summary.signals += len(result.signals)
    return summary, results


def _count_failed(summary: KeywordRefreshSummary, tool: str, terms: Sequence[str]) -> None:
    """Count failed terms per tool, each term once however many kinds failed for it."""
    summary.failed_terms.setdefault(tool, set()).update(terms)


def offline_only(workspace: Any, host: PluginHost) -> bool:
    """Whether every channel of the workspace comes from a source declaring the
    ``offline`` capability (an export import, the demo): such a sync stays offline."""
    channels = [ch for _owner, _client, ch in workspace.config.all_channels()]
    if not channels:
        return False
    sources = host.sources()
    for ch in channels:
        spec = sources.get(ch.source) if ch.source else host.source_for(ch.network)
        if spec is None or "offline" not in spec.capabilities:
            return False
    return True


async def refresh_workspace_keywords_async(
    workspace: Any,
    host: PluginHost,
    store: Any,
    refresh: bool = False,
    *,
    log: Callable[[str], None] | None = None,
    http: httpx.AsyncClient | None = None,
) -> KeywordRefreshSummary:
    """The asynchronous form of :func:`refresh_workspace_keywords`; ``log`` receives the
    summary line (only when the workspace tracks terms)."""
    summary = KeywordRefreshSummary(terms=list(workspace.config.keywords.terms))
    if not summary.terms:
        return summary
    if offline_only(workspace, host):
        if log:
            log(
                "keywords: not refreshed (every channel is an offline import); "
                "run 'smm keywords report' to fetch them"
            )
        return summary
    try:
        service = KeywordService.for_workspace(workspace, host, store, http=http, log=log or _quiet)
        async with service:
            summary, _results = await refresh_keywords(
                service, workspace.config, refresh=refresh, include_local=False
            )
    except Exception as exc:  # keyword failures never fail the social sync
        summary.errors.append(f"{type(exc).__name__}: {exc}")
    if log:
        log(str(summary))
    return summary


def _quiet(_line: str) -> None:
    return None


def refresh_workspace_keywords(
    workspace: Any, host: PluginHost, store: Any, refresh: bool = False
) -> KeywordRefreshSummary:
    """Refresh the keyword signals of the workspace's tracked terms (``smm sync`` calls it).

    Every tool of ``[keywords] tools`` (default: every installed one) runs the kinds it
    declares among :data:`REFRESH_KINDS` for ``[keywords] terms``. Requests still within the
    freshness window are left alone unless ``refresh``. A workspace whose channels are all
    offline imports is not refreshed (the sync stays offline). Never raises: the summary
    lists the failures.
    """
    return _run_coro(lambda: refresh_workspace_keywords_async(workspace, host, store, refresh))


def _weekly(points: list[tuple[date, float | None]]) -> list[tuple[date, float | None]]:
    weeks: dict[date, float | None] = {}
    for day, value in points:
        monday = day - timedelta(days=day.weekday())
        if value is None:
            weeks.setdefault(monday, None)
            continue
        weeks[monday] = (weeks.get(monday) or 0.0) + value
    return sorted(weeks.items())


def _latest_signals(store: Any, tool: str, term: str, metrics: Sequence[str]) -> list[Any]:
    found = latest_request(store, tool, term, metrics)
    if found is None:
        return []
    at, geo, language, timeframe = found
    return stored_signals(store, tool, term, metrics, geo, language, timeframe, at)


def keyword_section(
    store: Any, config: WorkspaceConfig, *, host: Any = None, now: datetime | None = None
) -> list[Any]:
    """The report's keywords section: per tracked term and tool, the interest trend
    (relative interest, or pageviews summed per week when the daily series is long), the
    rising related queries, the top long-tail suggestions, and the term's performance in
    the client's own posts (from the store, with co-occurring terms and hashtags); last, the
    client's own hashtags ranked by engagement per post.

    Reads the stored signals only (``smm sync`` and ``smm keywords`` fetch them); the own
    posts are those of ``[keywords] timeframe`` up to ``now``. Returns
    :class:`~smmcore.report_model.KeywordSection` records.
    """
    from smmcore.report_model import KeywordSection, RelatedQuery, SeriesPoint

    # The workspace's tracked terms first, then every other term researched from the CLI.
    rows = _con(store).execute("SELECT DISTINCT term FROM keyword_signals ORDER BY term")
    terms = list(dict.fromkeys([*config.keywords.terms, *(r[0] for r in rows.fetchall())]))
    tools = [
        r[0]
        for r in _con(store)
        .execute("SELECT DISTINCT tool FROM keyword_signals ORDER BY tool")
        .fetchall()
    ]
    sections: list[KeywordSection] = []
    for term in terms:
        for tool in tools:
            series = [
                s
                for s in _latest_signals(store, tool, term, KINDS["interest"][1])
                if not is_no_data(s) and s.period_start is not None
            ]
            related = _latest_signals(store, tool, term, ("related_rising",))
            suggested = [
                s for s in _latest_signals(store, tool, term, ("suggestion",)) if not is_no_data(s)
            ]
            if not (series or related or suggested):
                continue
            unit = series[0].unit if series else ""
            points = [(s.period_start, s.value) for s in series if s.period_start]
            if series and series[0].metric == "pageviews":
                by_day: dict[date, float | None] = {}
                for day, value in points:  # several articles: add their views
                    prev = by_day.get(day)
                    by_day[day] = value if prev is None else prev + (value or 0.0)
                points = sorted(by_day.items())
                if len(points) > 120:
                    points, unit = _weekly(points), "views/week"
            ref = (series or related or suggested)[0]
            sections.append(
                KeywordSection(
                    term=term,
                    tool=tool,
                    unit=unit,
                    geo=ref.geo,
                    timeframe=ref.timeframe,
                    points=[SeriesPoint(date=d, value=v) for d, v in points],
                    rising=[
                        RelatedQuery(
                            query=s.item,
                            value=s.value,
                            breakout=s.value is None and "breakout" in (s.note or ""),
                        )
                        for s in sorted(related, key=_breakouts_first)
                        if s.item
                    ][:10],
                    suggestions=[s.item for s in long_tail(suggested)][:15],
                )
            )
    order = {term: i for i, term in enumerate(terms)}
    # per term: the trend first, then related queries, then suggestions
    sections.sort(key=lambda k: (order[k.term], not k.points, not k.rising, k.tool))
    own = _own_sections(store, config, terms, host, now)
    by_term = {k.term: k for k in own}
    merged: list[KeywordSection] = []
    for term in terms:
        merged += [k for k in sections if k.term == term]
        if term in by_term:
            merged.append(by_term.pop(term))
    return merged + list(by_term.values())


def _breakouts_first(signal: KeywordSignal) -> tuple[bool, float]:
    return (signal.value is not None, -(signal.value or 0.0))


def long_tail(signals: Sequence[KeywordSignal]) -> list[KeywordSignal]:
    """Suggestions ordered for a long-tail list: best rank first, then longer (more
    specific) queries first."""
    return sorted(
        signals,
        key=lambda s: (s.value if s.value is not None else 1e9, -len(s.item.split()), s.item),
    )


def _own_sections(
    store: Any, config: WorkspaceConfig, terms: Sequence[str], host: Any, now: datetime | None
) -> list[Any]:
    """Own-content performance sections, when the own-terms tool is installed."""
    from smmcore.contracts import KeywordQuery
    from smmcore.report_model import KeywordSection, RelatedQuery

    if host is None:
        from smmcore.plugins import PluginHost

        host = PluginHost()
    if "own-terms" not in host.keyword_tools():
        return []
    service = KeywordService(host, store, channels=channel_refs(config), now=now)
    defaults = query_defaults(config)
    query = KeywordQuery(terms=(*terms, "#"), **defaults)
    try:
        result = _run_coro(lambda: service.run("own-terms", "related", query))
    except Exception:
        return []
    sections: list[KeywordSection] = []
    for term in query.terms:
        rows = [s for s in result.signals if s.term == term]
        if not rows:
            continue
        sections.append(
            KeywordSection(
                term="#hashtags" if term == "#" else term,
                tool="own-terms",
                unit="engagements/post",
                geo="",
                timeframe=query.timeframe,
                scores=[RelatedQuery(query=s.item, value=s.value) for s in rows][:10],
            )
        )
    return sections


__all__ = [
    "COMPARABLE_METRICS",
    "EPOCH",
    "KINDS",
    "KeywordRefreshSummary",
    "KeywordResult",
    "KeywordService",
    "channel_refs",
    "is_no_data",
    "keyword_section",
    "long_tail",
    "no_data_signal",
    "query_defaults",
    "refresh_keywords",
    "refresh_workspace_keywords",
    "refresh_workspace_keywords_async",
    "timeframe_dates",
]
