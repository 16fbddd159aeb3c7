"""The typed contracts that registered implementations follow.

A registration (:mod:`smmcore.registry`) points at an implementation; this module says what
that implementation must provide. Conformance tests for each contract live in
:mod:`smmcore.testing`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TextIO

if TYPE_CHECKING:
    import httpx
    from pydantic import BaseModel

    from smmcore.config import ChannelConfig, WorkspaceConfig
    from smmcore.models import KeywordSignal, KPIValue, Segment
    from smmcore.registry import KPISpec
    from smmcore.report_model import Report, ReportSection, Series


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class SyncUnit:
    """One independent piece of a sync: usually one account of one network.

    :param source: the registration name of the source that handles it.
    :param key: stable identifier, used for the sync cursor (``"mastodon:forno@example.social"``).
    :param network: the network of the account(s).
    :param account: the account, or ``None`` for a unit that covers several (a files export).
    :param options: the channel's options from ``smm.toml``.
    """

    source: str
    key: str
    network: str
    account: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordBatch:
    """Many records of one table at once, column by column (the fast path for bulk imports).

    :param table: a store table (``"posts"``, ``"post_metrics"``, ...).
    :param columns: column name -> sequence of values, or a ``pyarrow.Table``. Column names are
        those of the matching model in :mod:`smmcore.models`; missing optional columns are NULL.
    """

    table: str
    columns: Any


@dataclass(frozen=True)
class SyncCursor:
    """Where the next incremental sync of this unit starts: a small JSON-ready mapping."""

    value: Mapping[str, Any]


@dataclass(frozen=True)
class NoData:
    """A configured channel of the unit for which the source found no rows at all (an
    export that holds other accounts, a handle spelled differently).

    The pipeline reports the channel as ``no data`` and ``smm sync`` exits 1, unless the
    channel says ``expect_data = false`` or the run was started with ``--allow-no-data``.

    :param channel: ``NETWORK:HANDLE`` as configured.
    :param detail: what the source did find, and a did-you-mean when one is close.
    """

    channel: str
    detail: str


class SourceError(Exception):
    """A per-unit failure with a clear message.

    :param kind: ``"not_found"``, ``"private"``, ``"suspended"``, ``"auth"``, ``"quota"``,
        ``"rate_limited"``, ``"blocked"``, ``"network"``, ``"invalid_data"`` or ``"config"``.
    :param hint: what the user can do about it.
    """

    def __init__(self, message: str, *, kind: str = "error", hint: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.hint = hint

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base} ({self.hint})" if self.hint else base


@dataclass
class SourceContext:
    """What the pipeline hands to a source for one unit.

    :param cursor: the cursor this unit saved after its last successful sync, or ``None``.
    :param since: only fetch content created at or after this time (``smm sync --since``).
    :param full: ignore the cursor and fetch everything the source can reach.
    :param http: the shared HTTP client (rate limits, retries, User-Agent); ``None`` where the
        pipeline runs without one.
    :param workspace_dir: the workspace folder (relative paths in settings resolve against it).
    :param log: call with a line of progress text.
    :param now: the time of this sync run.
    :param options: run-level options from the command line (``{"skip_bad": True}``).
    :param timezone: the client's IANA time zone (``[client] timezone``): read local times
        without an offset (an export's "2026-03-01 09:00") in it, never as UTC.
    """

    cursor: Mapping[str, Any] | None = None
    since: datetime | None = None
    full: bool = False
    http: httpx.AsyncClient | None = None
    workspace_dir: Path = field(default_factory=Path.cwd)
    log: Callable[[str], None] = lambda _line: None
    now: datetime | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    timezone: str = "UTC"


SourceItem = Any
"""What :meth:`Source.fetch` yields: a record model from :mod:`smmcore.models`, a
:class:`RecordBatch`, a :class:`SyncCursor` or a :class:`NoData`."""


class Source(ABC):
    """A data source: turns sync units into records.

    Subclasses set nothing at class level; the pipeline instantiates them with their validated
    settings (or ``None`` when the registration declares no settings model).
    """

    def __init__(self, settings: BaseModel | None = None, *, name: str = "") -> None:
        self.settings = settings
        self.name = name

    def plan(self, channels: Sequence[ChannelConfig]) -> list[SyncUnit]:
        """Return the units to sync for these channels (default: one unit per channel)."""
        return [
            SyncUnit(
                source=self.name,
                key=f"{self.name}:{ch.network}:{ch.account}",
                network=ch.network,
                account=ch.account,
                options=dict(ch.options),
            )
            for ch in channels
        ]

    @abstractmethod
    def fetch(self, unit: SyncUnit, ctx: SourceContext) -> AsyncIterator[SourceItem]:
        """Yield the unit's records, in any order, then at most one final :class:`SyncCursor`.

        Raise :class:`SourceError` for a clear per-unit failure. Everything yielded for a unit is
        written in one transaction after the iterator finishes; a failure discards it all.
        """


# --------------------------------------------------------------------------- keyword tools


@dataclass(frozen=True)
class KeywordQuery:
    """A keyword request.

    :param terms: one or more terms (tools with a limit batch them themselves).
    :param geo: ISO country or region code, ``""`` for worldwide.
    :param language: ISO 639-1 language code, ``""`` for the tool's default.
    :param timeframe: the time range, in Google Trends' spelling (``"today 12-m"``,
        ``"2026-01-01 2026-06-30"``).
    """

    terms: tuple[str, ...]
    geo: str = ""
    language: str = ""
    timeframe: str = "today 12-m"


@dataclass
class KeywordContext:
    """What a keyword tool receives besides the query: the shared HTTP client, the store
    connection (for tools that read the workspace's own posts) and the current time.

    :param store: the workspace :class:`~smmcore.store.Store` (or a DuckDB connection);
        read it, do not write: the keyword service stores what the tool returns.
    :param now: the retrieval time; every returned signal carries it as ``retrieved_at``.
    :param channels: the workspace channels (tools reading own posts keep the client's).
    :param log: call with a line of progress text (a back-off, a skipped engine).
    """

    http: httpx.AsyncClient | None = None
    store: Any = None
    now: datetime | None = None
    workspace_dir: Path = field(default_factory=Path.cwd)
    channels: Sequence[ChannelRef] = ()
    log: Callable[[str], None] = lambda _line: None


class KeywordTermsFailed(SourceError):
    """Some terms of a keyword request failed; the answers for the others are kept.

    A tool raises it after asking for every term it could, instead of failing the whole
    request at the first bad term or engine; the keyword service stores ``signals`` and
    reports ``failed`` term by term.

    :param signals: the signals of the terms that were answered (no-data ones included).
    :param failed: term -> why it failed.
    """

    def __init__(
        self,
        signals: Sequence[Any],
        failed: Mapping[str, str],
        *,
        kind: str = "error",
        hint: str | None = None,
    ) -> None:
        listed = "; ".join(f"{term!r}: {why}" for term, why in failed.items())
        super().__init__(f"{len(failed)} term(s) failed: {listed}", kind=kind, hint=hint)
        self.signals = list(signals)
        self.failed = dict(failed)


KeywordCapability = Literal["interest", "regions", "related", "suggestions"]


class KeywordTool(ABC):
    """A keyword tool. Implement the methods for the capabilities the registration declares;
    the others raise :class:`NotImplementedError`.

    Every returned :class:`~smmcore.models.KeywordSignal` names its tool, unit, geo, language,
    timeframe and retrieval time. A term the tool has no data for may be answered with one
    "no data" signal: ``value=None``, ``item=""``, ``period_start=None`` and a ``note`` saying
    why (the keyword service adds one itself for a term that got no signal at all).
    """

    uses_network: ClassVar[bool] = True
    """``False`` for tools that only read the workspace store: their answers are not cached."""

    def __init__(self, settings: BaseModel | None = None, *, name: str = "") -> None:
        self.settings = settings
        self.name = name

    async def interest_over_time(
        self, query: KeywordQuery, ctx: KeywordContext
    ) -> list[KeywordSignal]:
        """Interest per period for each term (metric ``"interest"`` or ``"pageviews"``)."""
        raise NotImplementedError(f"{self.name} does not provide interest over time")

    async def interest_by_region(
        self, query: KeywordQuery, ctx: KeywordContext
    ) -> list[KeywordSignal]:
        """Interest per region for each term (metric ``"region_interest"``)."""
        raise NotImplementedError(f"{self.name} does not provide interest by region")

    async def related_queries(
        self, query: KeywordQuery, ctx: KeywordContext
    ) -> list[KeywordSignal]:
        """Related queries, top and rising (metrics ``"related_top"``, ``"related_rising"``)."""
        raise NotImplementedError(f"{self.name} does not provide related queries")

    async def suggestions(self, query: KeywordQuery, ctx: KeywordContext) -> list[KeywordSignal]:
        """Autocomplete suggestions for each term (metric ``"suggestion"``)."""
        raise NotImplementedError(f"{self.name} does not provide suggestions")


# --------------------------------------------------------------------------- periods and KPIs


@dataclass(frozen=True)
class Period:
    """A closed range of calendar days in the client's time zone, ``start`` to ``end``
    inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        """The number of days in the period."""
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def year_before(self) -> Period:
        """The same dates one year earlier (29 February becomes 28 February)."""

        def back(d: date) -> date:
            try:
                return d.replace(year=d.year - 1)
            except ValueError:
                return d.replace(year=d.year - 1, day=28)

        return Period(back(self.start), back(self.end))

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


@dataclass(frozen=True)
class ChannelRef:
    """A workspace channel as KPIs see it: who owns it and whether it is the client's."""

    network: str
    account: str
    owner: str
    is_client: bool
    label: str | None = None


@dataclass
class KPIContext:
    """Everything a KPI needs to compute inside the store.

    :param con: a DuckDB connection to the workspace store (read it with SQL; do not write).
    :param period: the period reported on.
    :param previous: the comparison period.
    :param timezone: the client's IANA time zone; day and hour boundaries follow it.
    :param channels: the workspace channels. The store also exposes them to SQL as the
        ``workspace_channels`` table (network, account, owner, is_client, label).
    """

    con: Any
    period: Period
    previous: Period
    timezone: str
    channels: Sequence[ChannelRef]
    options: Mapping[str, Any] = field(default_factory=dict)


class KPI(ABC):
    """A KPI implementation. Its definition (label, formula, unit, direction, aggregation) is
    on the :class:`~smmcore.registry.KPISpec`; the implementation computes values.

    When the registration's ``impl`` names a class, the core instantiates it as
    ``Impl(settings, name=...)`` with ``[plugins.<name>]`` validated by the registration's
    settings model (``None`` without one), like every other kind of implementation.
    """

    def __init__(self, settings: BaseModel | None = None, *, name: str = "") -> None:
        self.settings = settings
        if name or not hasattr(self, "name"):
            self.name = name

    @abstractmethod
    def compute(self, ctx: KPIContext) -> list[KPIValue]:
        """Return one :class:`~smmcore.models.KPIValue` per scope (channel, network, client,
        competitor) for ``ctx.period``, each with its previous-period value and change."""


# --------------------------------------------------------------------------- segmenters


@dataclass
class AudienceContext:
    """The audience a segmenter works on.

    :param con: a DuckDB connection to the workspace store; the tables ``audience_members``
        and ``interactions`` hold the data, ``workspace_channels`` the client's channels.
    :param period: the period whose interactions count.
    :param channels: the client's channels (segmenters work on the client's audience).
    :param rules: rule segments from ``smm.toml`` (``[segments.<name>]``).
    :param language: the language of the report the segments go into (``"en"``, ``"it"``):
        write each segment's ``description`` and ``method`` in it where you can (English
        otherwise).
    """

    con: Any
    period: Period
    timezone: str
    channels: Sequence[ChannelRef]
    rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    language: str = "en"


class Segmenter(ABC):
    """An audience segmenter: returns named segments, each member with its reason."""

    def __init__(self, settings: BaseModel | None = None, *, name: str = "") -> None:
        self.settings = settings
        self.name = name

    @abstractmethod
    def segment(self, ctx: AudienceContext) -> list[Segment]:
        """Return the segments of the audience in ``ctx``; an empty audience gives segments
        with no members (or no segments), never an error."""


# --------------------------------------------------------------------------- reporters


class Reporter(ABC):
    """A report format: renders one :class:`~smmcore.report_model.Report`."""

    binary: ClassVar[bool] = False

    def __init__(self, settings: BaseModel | None = None, *, name: str = "") -> None:
        self.settings = settings
        self.name = name

    @abstractmethod
    def render(self, report: Report, out: TextIO) -> None:
        """Write the rendered report to ``out`` (a text stream; the terminal or a file)."""


# --------------------------------------------------------------------------- report sections


@dataclass
class SectionContext:
    """What a report section builder receives.

    :param con: a DuckDB connection to the workspace store (read it; do not write).
    :param period: the period reported on; ``previous`` the comparison period.
    :param timezone: the client's IANA time zone.
    :param language: the report's language (``"en"``, ``"it"``): write titles and texts in it.
    :param channels: the workspace channels (also the ``workspace_channels`` table).
    :param report: the report built so far (KPIs, series, notes): read it, do not change it.
    """

    con: Any
    period: Period
    previous: Period
    timezone: str
    language: str
    channels: Sequence[ChannelRef]
    report: Report | None = None


class ReportSectionBuilder(ABC):
    """Builds one section of the report from the store."""

    def __init__(self, settings: BaseModel | None = None, *, name: str = "") -> None:
        self.settings = settings
        self.name = name

    @abstractmethod
    def build(self, ctx: SectionContext) -> ReportSection | None:
        """Return the section (its ``name`` is filled in for you), or ``None`` when there is
        nothing to show."""


# --------------------------------------------------------------------------- dashboard pages


@dataclass(frozen=True)
class DashboardContext:
    """What a dashboard page (``smm_register_dashboard_pages``) renders from.

    :param report: the report of the period, comparison and language the user picked: the
        same model ``smm report --format json`` writes.
    :param workspace: the loaded workspace (its ``config`` holds the channels and keywords;
        secrets stay in the environment and must never be rendered).
    :param language: ``"en"`` or ``"it"``: the language of the page's labels.
    :param params: the request's query parameters (strings as the browser sent them: escape
        them before showing them).
    :param open_store: opens the workspace's history store read-only; close it when done
        (``with page.open_store() as store: ...``).
    :param url_for: ``url_for(path)`` turns a dashboard path (``"overview"``,
        ``"page/<name>"``) into a link that keeps the workspace, period and language.
    """

    report: Report
    workspace: Any
    language: str
    params: Mapping[str, str]
    open_store: Callable[[], Any]
    url_for: Callable[[str], str]


# --------------------------------------------------------------------------- KPI providers


class KPIProvider(ABC):
    """Supplies KPIs that depend on the workspace (the declarative ``[kpis.*]`` of
    ``smm.toml``), next to the registered ones."""

    def __init__(self, settings: BaseModel | None = None, *, name: str = "") -> None:
        self.settings = settings
        self.name = name

    @abstractmethod
    def kpis(self, config: WorkspaceConfig) -> list[tuple[KPISpec, KPI]]:
        """The workspace's KPIs as ``(definition, implementation)`` pairs; raise
        :class:`~smmcore.errors.ConfigError` (one problem per invalid KPI) otherwise."""


# --------------------------------------------------------------------------- chart series


@dataclass
class ChartContext:
    """What a chart-series builder receives.

    :param con: a DuckDB connection to the workspace store (read it; do not write).
    :param window: the days the chart covers (at least the report period).
    :param timezone: the client's IANA time zone; buckets are local days and weeks.
    :param granularity: ``"day"`` or ``"week"`` (weeks start on Monday).
    :param channels: the workspace channels; return one series per channel with data, keyed
        ``"network:account"``.
    :param kpi: the :class:`KPIContext` the same report computed its KPIs with (same store
        state, connection and channels), so a builder may reuse what its plugin's KPIs kept
        on it; ``None`` outside a report.
    """

    con: Any
    window: Period
    timezone: str
    granularity: Literal["day", "week"]
    channels: Sequence[ChannelRef]
    kpi: KPIContext | None = None


class ChartSeriesBuilder(ABC):
    """Computes the series of one standard chart (``followers``, ``engagement``)."""

    def __init__(self, settings: BaseModel | None = None, *, name: str = "") -> None:
        self.settings = settings
        self.name = name

    @abstractmethod
    def series(self, ctx: ChartContext) -> list[Series]:
        """One :class:`~smmcore.report_model.Series` per channel (``key`` and ``channel`` =
        ``"network:account"``); the report fills in labels and owners."""
