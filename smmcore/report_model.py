"""The report model: one structured, versioned document that every reporter renders.

The builder (:mod:`smmcore.report`) fills it from the store and the KPI plugins; reporters
(terminal, Markdown, JSON, CSV, HTML, ...) only read it. The ``json`` reporter writes it as is,
so this module *is* the JSON format: bump :data:`SCHEMA_VERSION` on any incompatible change
and document it in ``docs/report-schema.md``.

Values a network does not report, or that cannot be computed, are ``null``, never ``0``.
Texts that came from a social network (post texts, display names, handles, search terms) are
plain, unescaped strings: escaping is the reporter's job.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1
"""The version of the report schema this smmcore writes."""

Direction = Literal["higher_is_better", "lower_is_better", "neutral"]
Scope = Literal["channel", "network", "client", "competitor", "workspace"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClientInfo(_Model):
    """Who the report is for."""

    name: str
    segment: str = ""


class PeriodInfo(_Model):
    """A closed range of calendar days in the client's time zone (both ends included)."""

    start: date
    end: date
    days: int
    complete: bool = True
    """``False`` when the period reaches past the latest data (a month still running)."""


class ChannelInfo(_Model):
    """A workspace channel: the client's own or a competitor's."""

    id: str
    """``"network:account"``: the key every per-channel value refers to."""
    network: str
    account: str
    owner: str
    is_client: bool
    label: str


class ScopeValue(_Model):
    """A KPI's value for one scope in the period, with the comparison period and the change.

    ``change`` is ``value - previous``; ``change_pct`` is relative to ``previous`` (``null``
    when ``previous`` is 0 or either side is unknown).
    """

    scope: Scope
    scope_id: str
    label: str
    value: float | None = None
    previous: float | None = None
    change: float | None = None
    change_pct: float | None = None
    detail: dict[str, Any] = Field(default_factory=dict)
    """KPI-specific extras (numerator, denominator, ...), as the KPI returned them. For a
    chart or list KPI (``KPIRow.section`` set) only the client and competitor scopes keep it."""


class KPIRow(_Model):
    """One KPI of the report: its definition and its values for the client, each channel,
    each network and each competitor."""

    name: str
    label: str
    description: str = ""
    formula: str
    unit: str
    direction: Direction
    aggregation: str
    status: Literal["ok", "no_data", "error"] = "ok"
    section: str | None = None
    """Set when the KPI is a chart or list rather than a number (``"best_time"``,
    ``"top_posts"``): reporters show it in that section, not in the KPI table."""
    error: str | None = None
    """Why the KPI could not be computed (``status == "error"``)."""
    client: ScopeValue | None = None
    channels: list[ScopeValue] = Field(default_factory=list)
    networks: list[ScopeValue] = Field(default_factory=list)
    competitors: list[ScopeValue] = Field(default_factory=list)


class SeriesPoint(_Model):
    """One point of a time series: the bucket's first day and its value."""

    date: date
    value: float | None


class Series(_Model):
    """A time series of one channel (``channel`` set) or one owner."""

    key: str
    label: str
    owner: str
    is_client: bool
    network: str | None = None
    channel: str | None = None
    points: list[SeriesPoint] = Field(default_factory=list)


class Heatmap(_Model):
    """Best time to post: a weekday x hour grid in the client's time zone.

    ``values[d][h]`` is the metric for weekday ``d`` (0 = Monday) and hour ``h`` (0-23), ``null``
    where no post went out. ``posts[d][h]`` counts the posts behind each cell.
    """

    metric: str
    unit: str = ""
    values: list[list[float | None]]
    posts: list[list[int]] | None = None
    weeks: int | None = None
    """How many weeks of posts the grid covers."""
    best: list[tuple[int, int]] = Field(default_factory=list)
    """The best (weekday, hour) cells, best first."""


class ChartSeries(_Model):
    """The series the charts draw.

    :param window: the dates the time series cover (at least the report period; longer when
        the period is short, so a trend is visible).
    """

    window: PeriodInfo | None = None
    followers: list[Series] = Field(default_factory=list)
    """Followers at the end of each day (or week, for windows over 120 days), per channel."""
    followers_granularity: Literal["day", "week"] = "day"
    engagement: list[Series] = Field(default_factory=list)
    """Engagements (likes + reposts + replies + quotes) of the posts published each week (the
    week starting on Monday), per channel."""
    best_time: Heatmap | None = None


class TopPost(_Model):
    """One of the period's best posts of the client. ``text`` is as the network gave it."""

    network: str
    account: str
    owner: str = ""
    post_id: str
    created_at: datetime
    kind: str = "post"
    text: str | None = None
    url: str | None = None
    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None
    quotes: int | None = None
    views: int | None = None
    engagements: int | None = None
    engagement_rate: float | None = None
    """Engagements per follower of the account, in %, where followers are known."""


class BenchmarkOwner(_Model):
    """The client or one competitor, with its value of each benchmarked KPI."""

    owner: str
    is_client: bool
    values: dict[str, float | None] = Field(default_factory=dict)
    """KPI name -> value in the period."""
    previous: dict[str, float | None] = Field(default_factory=dict)
    share_of_voice: float | None = None
    """Share of the panel's engagements, in %."""


class Benchmark(_Model):
    """The client against each competitor of the fixed panel in ``smm.toml``."""

    kpis: list[str] = Field(default_factory=list)
    """The benchmarked KPI names (their labels are in the KPI table)."""
    owners: list[BenchmarkOwner] = Field(default_factory=list)


class SegmentSummary(_Model):
    """An audience segment, summarised for the report."""

    name: str
    segmenter: str
    description: str = ""
    method: str = ""
    size: int
    examples: list[str] = Field(default_factory=list)
    """A few members (handles), as the network spells them."""


class RelatedQuery(_Model):
    """A related query of a term: its score or growth (``null`` with ``breakout`` set for a
    'Breakout', more than 5000% growth)."""

    query: str
    value: float | None = None
    breakout: bool = False


class KeywordSection(_Model):
    """What one keyword tool says about one term."""

    term: str
    tool: str
    unit: str = ""
    """Unit of ``points``: ``"relative"`` (0-100 within one request), ``"views"``, ..."""
    geo: str = ""
    timeframe: str = ""
    points: list[SeriesPoint] = Field(default_factory=list)
    rising: list[RelatedQuery] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)
    scores: list[RelatedQuery] = Field(default_factory=list)
    """Items with a value in ``unit``, best first (own-terms: the engagements per post of the
    client's posts using each word or hashtag). Reporters format the numbers."""


class SectionTable(_Model):
    """A table of a report section: column headers and rows of plain values (texts are
    unescaped; numbers are numbers, ``null`` for unknown)."""

    columns: list[str]
    rows: list[list[str | float | int | bool | None]] = Field(default_factory=list)


class ReportSection(_Model):
    """A section a plugin adds to the report (``smm_register_report_sections``): a title and
    any of a text, a table and time series. Reporters render them after the KPIs, in
    registration order."""

    name: str
    """The registration name of the section."""
    title: str
    plugin: str = ""
    """The plugin that contributed it."""
    text: str = ""
    table: SectionTable | None = None
    series: list[Series] = Field(default_factory=list)
    unit: str = ""
    """Unit of the series values."""


class HistoryInfo(_Model):
    """How much history the store holds for the client's channels."""

    first: date | None = None
    last: date | None = None
    days: int = 0
    weeks: int = 0
    months: int = 0
    """Approximate months (days / 30.44, rounded)."""
    full_months: int = 0
    """Calendar months entirely covered (what month-over-month trends need)."""
    posts: int = 0


class Note(_Model):
    """A sentence for the client: how much history there is, when a trend becomes meaningful,
    what could not be computed. ``text`` is in the report's language; ``code`` and ``params``
    say the same thing for machines."""

    level: Literal["info", "warning", "error"] = "info"
    code: str
    text: str
    params: dict[str, Any] = Field(default_factory=dict)


class Brand(_Model):
    """The agency's or client's look, from ``[report.brand]`` in ``smm.toml``."""

    logo: str | None = None
    """The logo as a ``data:`` URI (PNG, JPEG or SVG), so a report file stays self-contained."""
    primary: str = "#2563eb"
    """The main colour (headings, the client's bars and lines), ``#rrggbb``."""
    accent: str = "#0f766e"
    """A second colour (rules, highlights), ``#rrggbb``."""


class Report(_Model):
    """A report of one workspace over one period, compared with another."""

    schema_version: int = SCHEMA_VERSION
    client: ClientInfo
    generated_at: datetime
    language: str
    """ISO 639-1 code of the labels and notes (``"en"``, ``"it"``)."""
    timezone: str
    """The client's IANA time zone; every day and hour in the report follows it."""
    period: PeriodInfo
    comparison: PeriodInfo
    compare: Literal["previous", "year"]
    channels: list[ChannelInfo] = Field(default_factory=list)
    history: HistoryInfo = Field(default_factory=HistoryInfo)
    kpis: list[KPIRow] = Field(default_factory=list)
    series: ChartSeries = Field(default_factory=ChartSeries)
    top_posts: list[TopPost] = Field(default_factory=list)
    benchmark: Benchmark = Field(default_factory=Benchmark)
    segments: list[SegmentSummary] = Field(default_factory=list)
    keywords: list[KeywordSection] = Field(default_factory=list)
    sections: list[ReportSection] = Field(default_factory=list)
    """Sections contributed by plugins, in registration order."""
    notes: list[Note] = Field(default_factory=list)
    audience: Literal["client", "analyst"] = "analyst"
    """Who reads it: ``client`` leads with a one-page summary and moves formulas to an
    appendix; ``analyst`` keeps every formula next to its KPI."""
    brand: Brand | None = None

    def kpi(self, name: str) -> KPIRow | None:
        """The KPI row named ``name``, or ``None``."""
        return next((row for row in self.kpis if row.name == name), None)

    def to_arrow(self) -> Any:
        """The KPI table as a ``pyarrow.Table``, long form: one row per KPI and scope
        (client, channels, networks, competitors) with value, previous and change; the
        columns are :data:`smmcore.frames.KPI_COLUMNS`."""
        from smmcore.frames import kpi_table

        return kpi_table(self)

    def to_pandas(self) -> Any:
        """:meth:`to_arrow` as a ``pandas.DataFrame`` (the ``pandas`` extra)."""
        from smmcore.frames import to_pandas

        return to_pandas(self.to_arrow())

    def to_polars(self) -> Any:
        """:meth:`to_arrow` as a ``polars.DataFrame`` (the ``polars`` extra)."""
        from smmcore.frames import to_polars

        return to_polars(self.to_arrow())

    def timeseries(self, name: str) -> Any:
        """The chart series ``name`` (``followers``, ``engagement``, or a plugin section's
        name) as a :class:`smmcore.frames.SeriesTable`: ``.to_arrow()``, ``.to_pandas()``,
        ``.to_polars()``, one row per line and date. Raises
        :class:`~smmcore.errors.NotFoundError` listing the known names."""
        from smmcore.frames import series_table

        return series_table(self, name)


def report_json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`Report` (what ``docs/report-schema.md`` documents)."""
    return Report.model_json_schema()


def update_schema_doc(path: str) -> None:
    """Replace the first ```json block of the Markdown file ``path`` with the schema."""
    import json
    import re
    from pathlib import Path

    doc = Path(path)
    block = "```json\n" + json.dumps(report_json_schema(), indent=2, ensure_ascii=False) + "\n```"
    text, count = re.subn(
        r"```json\n.*?\n```", lambda _m: block, doc.read_text("utf-8"), count=1, flags=re.S
    )
    doc.write_text(text if count else text.rstrip("\n") + "\n\n" + block + "\n", "utf-8")


if __name__ == "__main__":  # python -m smmcore.report_model [--update docs/report-schema.md]
    import json
    import sys

    if sys.argv[1:2] == ["--update"] and len(sys.argv) == 3:
        update_schema_doc(sys.argv[2])
    else:
        print(json.dumps(report_json_schema(), indent=2, ensure_ascii=False))
