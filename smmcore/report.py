"""The report builder: store + KPI plugins -> one :class:`~smmcore.report_model.Report`.

Every selected KPI (``[report] kpis`` in ``smm.toml``, default: every registered one plus the
declarative ones) is computed through its registration with a
:class:`~smmcore.contracts.KPIContext`; a KPI that fails becomes a row with ``status="error"``
and a note, never a crash. Chart series come straight from SQL on the store.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from smmcore.contracts import ChannelRef, KPIContext, Period
from smmcore.dates import plausible_sql
from smmcore.errors import SmmError
from smmcore.i18n import kpi_text, language_of, note_text
from smmcore.models import KPIValue
from smmcore.periods import resolve_periods, today_in
from smmcore.report_model import (
    Benchmark,
    BenchmarkOwner,
    ChannelInfo,
    ChartSeries,
    ClientInfo,
    Heatmap,
    HistoryInfo,
    KeywordSection,
    KPIRow,
    Note,
    PeriodInfo,
    Report,
    ScopeValue,
    SegmentSummary,
    Series,
    TopPost,
)

SECTION_KPIS = {"best_time_to_post": "best_time", "top_posts": "top_posts"}
"""KPIs whose result is a chart or a list rather than a number."""

BEST_TIME_WEEKS = 16
"""Weeks of posts the best time to post needs (Sprout Social's window)."""
MEANINGFUL_MONTHS = 3
"""Full months of history before month-over-month trends mean something."""
CHART_MIN_DAYS = 84
"""Time-series charts cover at least this many days (12 weeks) ending with the period."""


def _bounds(start: date, end: date, tz: str) -> tuple[datetime, datetime]:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)
    lo = datetime(start.year, start.month, start.day, tzinfo=zone)
    after = end + timedelta(days=1)
    return lo, datetime(after.year, after.month, after.day, tzinfo=zone)


def _period_info(p: Period, last: date | None = None) -> PeriodInfo:
    return PeriodInfo(start=p.start, end=p.end, days=p.days, complete=last is None or p.end <= last)


def _day_text(d: date, lang: str) -> str:
    return d.strftime("%d/%m/%Y") if lang == "it" else d.isoformat()


def _direction(spec: Any) -> str:
    hib = getattr(spec, "higher_is_better", True)
    return "neutral" if hib is None else ("higher_is_better" if hib else "lower_is_better")


def _full_months(first: date, last: date) -> int:
    """Calendar months entirely inside ``first``..``last``."""
    y, m = first.year, first.month
    if first.day != 1:
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    count = 0
    while True:
        ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
        if date(ny, nm, 1) - timedelta(days=1) > last:
            return count
        count += 1
        y, m = ny, nm


# --------------------------------------------------------------------------- SQL parts


def _history(con: Any, tz: str) -> tuple[HistoryInfo, date | None]:
    """History of the client's channels, and the first day of their posts (times that are
    not plausible are left out: :mod:`smmcore.dates`)."""
    row = con.execute(
        f"""
        WITH wc AS (SELECT network, account FROM workspace_channels WHERE is_client),
        s AS (SELECT min(captured_at) AS lo, max(captured_at) AS hi FROM account_snapshots
              JOIN wc USING (network, account) WHERE {plausible_sql("captured_at")}),
        p AS (SELECT min(created_at) AS lo, max(created_at) AS hi, count(*) AS n FROM posts
              JOIN wc USING (network, account)
              WHERE kind <> 'repost' AND {plausible_sql("created_at")}),
        d AS (SELECT min(day) AS lo, max(day) AS hi FROM daily_metrics
              JOIN wc USING (network, account) WHERE value IS NOT NULL)
        SELECT least(CAST(timezone($tz, least(s.lo, p.lo)) AS DATE), d.lo),
               greatest(CAST(timezone($tz, greatest(s.hi, p.hi)) AS DATE), d.hi),
               CAST(timezone($tz, p.lo) AS DATE), p.n
        FROM s, p, d
        """,
        {"tz": tz},
    ).fetchone()
    first, last, posts_first, posts = row if row else (None, None, None, 0)
    if first is None or last is None:
        return HistoryInfo(posts=int(posts or 0)), posts_first
    days = (last - first).days + 1
    return (
        HistoryInfo(
            first=first,
            last=last,
            days=days,
            months=round(days / 30.44),
            weeks=days // 7,
            full_months=_full_months(first, last),
            posts=int(posts or 0),
        ),
        posts_first,
    )


def _latest_day(con: Any, tz: str) -> date | None:
    """The day of the latest data of any workspace channel (the anchor of ``30d``)."""
    row = con.execute(
        f"""
        SELECT greatest(CAST(timezone($tz, greatest(
            (SELECT max(captured_at) FROM account_snapshots JOIN workspace_channels
                USING (network, account) WHERE {plausible_sql("captured_at")}),
            (SELECT max(created_at) FROM posts JOIN workspace_channels USING (network, account)
                WHERE {plausible_sql("created_at")})
        )) AS DATE), (SELECT max(day) FROM daily_metrics JOIN workspace_channels
                USING (network, account) WHERE value IS NOT NULL))
        """,
        {"tz": tz},
    ).fetchone()
    return row[0] if row else None


def _first_month_notes(
    rows: list[KPIRow],
    first: date,
    period: Period,
    comparison: Period,
    lang: str,
    note: Any,
) -> None:
    """Notes for a period (or comparison period) at the start of the history: its follower
    growth starts from the first snapshot rather than from the end of the period before,
    and its network renewal rate counts every account as new (nothing before to compare)."""
    values = {r.name: r.client for r in rows if r.section is None}
    for which, p in (("period", period), ("comparison", comparison)):
        if not (p.start <= first <= p.end):
            continue
        growth = values.get("follower_growth")
        if (
            growth is not None
            and (growth.value if which == "period" else growth.previous) is not None
        ):
            note(
                "growth_first_snapshot",
                "warning",
                first=_day_text(first, lang),
                start=_day_text(p.start, lang),
                end=_day_text(p.end, lang),
            )
        renewal = values.get("network_renewal_rate")
        value = (
            None if renewal is None else (renewal.value if which == "period" else renewal.previous)
        )
        if value is not None:
            note(
                "renewal_first_period",
                "warning",
                first=_day_text(first, lang),
                start=_day_text(p.start, lang),
                end=_day_text(p.end, lang),
            )


def _has_data(con: Any, start: datetime, end: datetime) -> bool:
    row = con.execute(
        """
        SELECT (SELECT count(*) FROM account_snapshots JOIN workspace_channels wc
                  USING (network, account) WHERE wc.is_client AND captured_at >= $s
                  AND captured_at < $e)
             + (SELECT count(*) FROM posts JOIN workspace_channels wc USING (network, account)
                  WHERE wc.is_client AND created_at >= $s AND created_at < $e)
             + (SELECT count(*) FROM daily_metrics JOIN workspace_channels wc
                  USING (network, account) WHERE wc.is_client
                  AND timezone('UTC', CAST(day AS TIMESTAMP) + INTERVAL 12 HOUR) >= $s
                  AND timezone('UTC', CAST(day AS TIMESTAMP) + INTERVAL 12 HOUR) < $e)
        """,
        {"s": start, "e": end},
    ).fetchone()
    return bool(row and row[0])


def _heatmap(
    cells: Mapping[tuple[int, int], tuple[float | None, int]], weeks: int | None
) -> Heatmap:
    values: list[list[float | None]] = [[None] * 24 for _ in range(7)]
    posts = [[0] * 24 for _ in range(7)]
    for (d, h), (v, n) in cells.items():
        if 0 <= d < 7 and 0 <= h < 24:
            values[d][h] = v
            posts[d][h] = n
    ranked = sorted(
        (
            (v, d, h)
            for (d, h), (v, _n) in cells.items()
            if v is not None and 0 <= d < 7 and 0 <= h < 24
        ),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    return Heatmap(
        metric="engagements per post",
        unit="engagements",
        values=values,
        posts=posts,
        weeks=weeks,
        best=[(d, h) for _v, d, h in ranked[:5]],
    )


def _heatmap_from_detail(detail: Mapping[str, Any], weeks: int | None) -> Heatmap | None:
    """The best-time KPI's 7 x 24 grid, in whichever of the common shapes it came."""
    grid = detail.get("grid") or detail.get("heatmap") or detail.get("values")
    if not isinstance(grid, list) or len(grid) != 7:
        return None
    counts = detail.get("posts") or detail.get("counts")
    cells: dict[tuple[int, int], tuple[float | None, int]] = {}
    for d, row in enumerate(grid):
        if not isinstance(row, list):
            return None
        for h, cell in enumerate(row[:24]):
            if isinstance(cell, Mapping):
                v, n = cell.get("value"), int(cell.get("posts") or cell.get("n") or 0)
            else:
                v = cell
                n = 0
                if isinstance(counts, list) and d < len(counts) and h < len(counts[d]):
                    n = int(counts[d][h] or 0)
            if v is not None:
                cells[(d, h)] = (float(v), n)
    heat = _heatmap(cells, weeks)
    metric, unit = detail.get("metric"), detail.get("unit")
    if isinstance(metric, str) and metric:
        heat.metric = metric
    if isinstance(unit, str) and unit:
        heat.unit = unit
    best = detail.get("best")
    if isinstance(best, list) and all(isinstance(b, list | tuple) and len(b) == 2 for b in best):
        heat.best = [(int(d), int(h)) for d, h in best]
    return heat


def _top_posts_from_detail(detail: Mapping[str, Any]) -> list[TopPost] | None:
    """The top-posts KPI's list (``detail["posts"]``), or ``None`` when it has none."""
    posts = detail.get("posts")
    if not isinstance(posts, list):
        return None
    fields = set(TopPost.model_fields)
    return [TopPost(**{k: v for k, v in p.items() if k in fields}) for p in posts]


# --------------------------------------------------------------------------- charts


def _chart(
    host: Any,
    workspace: Any,
    name: str,
    con: Any,
    window: Period,
    tz: str,
    weekly: bool,
    refs: Sequence[ChannelRef],
    note: Callable[..., None],
    kpi: KPIContext | None = None,
) -> list[Series]:
    """The series of chart ``name`` from its registered builder (none: an empty chart)."""
    builders = host.chart_series() if hasattr(host, "chart_series") else {}
    spec = builders.get(name)
    if spec is None:
        return []
    from smmcore.contracts import ChartContext

    ctx = ChartContext(
        con=con,
        window=window,
        timezone=tz,
        granularity="week" if weekly else "day",
        channels=refs,
        kpi=kpi,
    )
    try:
        return list(host.implementation(spec, workspace).series(ctx))
    except Exception as exc:
        if getattr(host, "strict", False):
            raise
        note("section_failed", "warning", section=f"chart {name}", error=f"{exc}")
        return []


# --------------------------------------------------------------------------- KPIs


def _kpi_objects(
    workspace: Any, host: Any, problems: list[str]
) -> dict[str, tuple[Any, Callable[[], Any]]]:
    """KPI name -> (definition, loader of the implementation): registered ones, then those of
    the KPI providers (the declarative ``[kpis.*]`` of ``smm.toml``). An invalid or shadowed
    declarative KPI is added to ``problems``."""
    found: dict[str, tuple[Any, Callable[[], Any]]] = {}
    # The standard KPIs (smm-kpis) lead; other plugins' follow in plugin order.
    registered = sorted(host.kpis().items(), key=lambda kv: kv[1].plugin != "kpis")
    for name, spec in registered:
        found[name] = (spec, lambda spec=spec: host.implementation(spec, workspace))
    providers = host.kpi_providers() if hasattr(host, "kpi_providers") else {}
    if workspace.config.kpis and not providers:
        problems.append(
            "smm.toml defines KPIs under [kpis], but no installed plugin computes declarative "
            "KPIs (install smm-kpis: 'smm plugins install smm-kpis')"
        )
    for pspec in providers.values():
        try:
            declared = list(host.implementation(pspec, workspace).kpis(workspace.config))
        except Exception as exc:  # an invalid [kpis.NAME]: say so, report the rest
            message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
            problems.append(message)
            continue
        for spec, impl in declared:
            if spec.name in found:
                problems.append(
                    f"[kpis.{spec.name}] in smm.toml is ignored: a plugin registers a KPI "
                    f"named {spec.name!r}, which wins; rename it in smm.toml"
                )
                continue
            found[spec.name] = (spec, lambda impl=impl: impl)
    return found


def _segment_summary(segment: Any, examples: int = 5) -> SegmentSummary:
    return SegmentSummary(
        name=segment.name,
        segmenter=segment.segmenter,
        description=segment.description,
        method=segment.method,
        size=len(segment.members),
        examples=[m.member for m in segment.members[:examples]],
    )


def _instance(obj: Any) -> Any:
    return obj() if isinstance(obj, type) else obj


def _rows_from_values(
    name: str,
    spec: Any,
    values: Iterable[KPIValue],
    lang: str,
    infos: Mapping[str, ChannelInfo],
) -> KPIRow:
    row = KPIRow(
        name=name,
        label=kpi_text(spec, "label", lang) or name,
        description=kpi_text(spec, "description", lang),
        formula=kpi_text(spec, "formula", lang),
        unit=kpi_text(spec, "unit", lang),
        direction=_direction(spec),  # type: ignore[arg-type]
        aggregation=kpi_text(spec, "aggregation", lang),
        section=SECTION_KPIS.get(name),
    )
    for v in values:
        if v.scope == "channel":
            label = infos[v.scope_id].label if v.scope_id in infos else v.scope_id
        else:
            label = v.scope_id
        # a chart or list KPI's detail (grids, post lists) is kept for the client and the
        # competitors; per channel and network it would repeat them in pieces
        keep = row.section is None or v.scope in ("client", "competitor", "workspace")
        sv = ScopeValue(
            scope=v.scope,
            scope_id=v.scope_id,
            label=label,
            value=v.value,
            previous=v.previous,
            change=v.change,
            change_pct=v.change_pct,
            detail=dict(v.detail) if keep else {},
        )
        if v.scope == "client":
            row.client = sv
        elif v.scope == "channel":
            row.channels.append(sv)
        elif v.scope == "network":
            row.networks.append(sv)
        elif v.scope == "competitor":
            row.competitors.append(sv)
        elif v.scope == "workspace" and row.client is None:
            row.client = sv
    scoped = [row.client, *row.channels]
    if row.section is None and all(sv is None or sv.value is None for sv in scoped):
        row.status = "no_data"
    return row


def _benchmark(rows: Sequence[KPIRow], refs: Sequence[ChannelRef], client: str) -> Benchmark:
    owners = [client, *dict.fromkeys(r.owner for r in refs if not r.is_client)]
    if len(owners) < 2:
        return Benchmark()
    table = {o: BenchmarkOwner(owner=o, is_client=o == client) for o in owners}
    names = []
    for row in rows:
        if row.section is not None or row.status == "error":
            continue
        by_owner = {sv.scope_id: sv for sv in row.competitors}
        if row.client is not None:
            by_owner[client] = row.client
        if not row.competitors:
            continue
        if row.name == "share_of_voice":
            for o in owners:
                table[o].share_of_voice = by_owner[o].value if o in by_owner else None
            continue
        names.append(row.name)
        for o in owners:
            sv = by_owner.get(o)
            table[o].values[row.name] = sv.value if sv else None
            table[o].previous[row.name] = sv.previous if sv else None
    return Benchmark(kpis=names, owners=[table[o] for o in owners])


# --------------------------------------------------------------------------- missing data


def _coverage(
    workspace: Any,
    host: Any,
    store: Any,
    refs: Sequence[ChannelRef],
    rows: Sequence[KPIRow],
    period: Period,
    comparison: Period,
    tz: str,
    lang: str,
    note: Callable[..., None],
) -> None:
    """Unknown for scopes without data (:mod:`smmcore.coverage`), and the notes on missing
    data, on how interactions without a time were dated and on implausible stored times."""
    from smmcore import coverage as cov
    from smmcore.dates import find_implausible
    from smmcore.interactions import interaction_dating

    con = store.con
    current, previous = (
        _bounds(period.start, period.end, tz),
        _bounds(comparison.start, comparison.end, tz),
    )
    channels = cov.channel_coverage(con, refs, current, previous)
    data = cov.scope_data(refs, channels)
    cov.apply_coverage(rows, data)
    cov.coverage_notes(
        workspace,
        host,
        store,
        refs,
        channels,
        data,
        note,
        lambda d: _day_text(d, lang),
        lambda code, **params: note_text(code, lang, **params),
        share_of_voice=any(r.name == cov.SHARE_OF_VOICE for r in rows),
    )
    dating = interaction_dating(con, *current)
    if dating.post_time or dating.undated:
        note(
            "interactions_dated",
            post_time=dating.post_time,
            total=dating.own_time + dating.post_time,
            undated=dating.undated,
        )
    bad = find_implausible(con, examples=0)
    if bad.total:
        note(
            "implausible_dates",
            "warning",
            count=bad.total,
            tables=", ".join(f"{table} {n}" for table, n in bad.counts.items()),
        )


# --------------------------------------------------------------------------- sections


def _add_sections(
    report: Report,
    workspace: Any,
    host: Any,
    con: Any,
    period: Period,
    comparison: Period,
    refs: Sequence[ChannelRef],
) -> None:
    """Append every registered report section to ``report``; one that fails becomes an error
    note (strict mode: an error)."""
    sections = host.report_sections() if hasattr(host, "report_sections") else {}
    if not sections:
        return
    from smmcore.contracts import SectionContext
    from smmcore.report_model import ReportSection

    ctx = SectionContext(
        con=con,
        period=period,
        previous=comparison,
        timezone=report.timezone,
        language=report.language,
        channels=refs,
        report=report,
    )
    for name, spec in sections.items():
        try:
            section = host.implementation(spec, workspace).build(ctx)
            if section is None:
                continue
            if not isinstance(section, ReportSection):
                raise TypeError(f"build() returned {type(section).__name__}, not ReportSection")
            report.sections.append(section.model_copy(update={"name": name, "plugin": spec.plugin}))
        except Exception as exc:
            error = (
                exc.format_message()
                if isinstance(exc, SmmError)
                else f"{type(exc).__name__}: {exc}"
            )
            if getattr(host, "strict", False):
                from smmcore.errors import PluginError

                raise PluginError(
                    f"report section {name!r} of plugin {spec.plugin!r} failed: {error}",
                    hint="strict plugin mode is on (--strict-plugins or SMM_STRICT_PLUGINS=1)",
                ) from exc
            report.notes.append(
                Note(
                    level="error",
                    code="section_failed",
                    text=note_text("section_failed", report.language, section=name, error=error),
                    params={"section": name, "error": error},
                )
            )


def _keywords(store: Any, cfg: Any, host: Any, now: datetime) -> list[Any]:
    from smmcore.keywords import keyword_section  # latest answers + own terms

    return keyword_section(store, cfg, host=host, now=now)


def _segments(
    workspace: Any,
    host: Any,
    store: Any,
    period: Period,
    timings: dict[str, float],
    language: str,
) -> tuple[list[SegmentSummary], list[str]]:
    from smmcore.audience import run_segmenters

    # the report shows sizes and a few names: no segmenter needs to write members' reasons
    result = run_segmenters(
        workspace, host, store, period, timings=timings, language=language, options={"reasons": 0}
    )
    return [_segment_summary(s) for s in result.segments], list(result.problems)


# --------------------------------------------------------------------------- builder


def build_report(
    workspace: Any,
    host: Any,
    period_spec: str | None = None,
    compare: str | None = None,
    *,
    language: str | None = None,
    now: datetime | None = None,
    store: Any = None,
    timings: dict[str, float] | None = None,
    cache: Any = None,
) -> Report:
    """Build the report of ``workspace`` for ``period_spec`` (default ``[report] period``)
    compared with ``compare`` (default ``[report] compare``).

    :param host: the :class:`~smmcore.plugins.PluginHost` whose KPIs are computed.
    :param language: overrides ``[report] language`` and the client's language.
    :param now: the time the report is generated (tests); ``30d`` ends on the day of the
        latest data, or on today (in the client's time zone) when the store is empty.
    :param store: an open :class:`~smmcore.store.Store`; by default the workspace's store is
        opened read-only and closed at the end.
    :param timings: filled with seconds spent per step (``"kpi:<name>"``, ``"series"``, ...).
    :param cache: a :class:`~smmcore.report_cache.ReportCache`: the segments and keywords
        sections are reused from it while the store and the settings are unchanged.
    :raises SmmError: for an invalid period or comparison, or a missing store.
    """
    cfg = workspace.config
    tz = cfg.client.timezone
    lang = language_of(language or cfg.report.language or cfg.client.language)
    generated = now or datetime.now(UTC)
    refs = list(workspace.channel_refs())
    timings = timings if timings is not None else {}
    if cache is None:
        from smmcore.report_cache import ReportCache

        cache = ReportCache(None, "", "")
    own_store = store is None
    if own_store:
        store = workspace.open_store(read_only=True)
    try:
        con = store.con
        store.set_channels(refs)
        clock = time.perf_counter()
        history, posts_first = _history(con, tz)
        latest = _latest_day(con, tz)
        today = today_in(tz, generated)
        anchor = min(latest, today) if latest else today
        period, comparison = resolve_periods(
            period_spec or cfg.report.period, compare or cfg.report.compare, anchor
        )
        compare_mode = (compare or cfg.report.compare).strip().lower()
        timings["history"] = time.perf_counter() - clock

        infos = {
            f"{r.network}:{r.account}": ChannelInfo(
                id=f"{r.network}:{r.account}",
                network=r.network,
                account=r.account,
                owner=r.owner,
                is_client=r.is_client,
                label=r.label or f"{r.network}:{r.account}",
            )
            for r in refs
        }
        notes: list[Note] = []

        def note(code: str, level: str = "info", **params: Any) -> None:
            notes.append(
                Note(level=level, code=code, text=note_text(code, lang, **params), params=params)  # type: ignore[arg-type]
            )

        # KPIs
        ctx = KPIContext(con=con, period=period, previous=comparison, timezone=tz, channels=refs)
        problems: list[str] = []
        available = _kpi_objects(workspace, host, problems)
        for problem in problems:
            note("kpi_failed", "error", kpi="[kpis] in smm.toml", error=problem)
        selected = list(cfg.report.kpis) or list(available)
        rows: list[KPIRow] = []
        for name in selected:
            if name not in available:
                note("kpi_missing", "warning", kpi=name)
                continue
            spec, load = available[name]
            clock = time.perf_counter()
            try:
                values = _instance(load()).compute(ctx)
                row = _rows_from_values(name, spec, values, lang, infos)
            except Exception as exc:
                if getattr(host, "strict", False):
                    from smmcore.errors import PluginError

                    raise PluginError(
                        f"KPI {name!r} of plugin {getattr(spec, 'plugin', '?')!r} failed: "
                        f"{type(exc).__name__}: {exc}",
                        hint="strict plugin mode is on (--strict-plugins or "
                        "SMM_STRICT_PLUGINS=1); fix the KPI or run without strict mode",
                    ) from exc
                error = (
                    exc.format_message().replace("\n", " ")
                    if isinstance(exc, SmmError)
                    else f"{type(exc).__name__}: {exc}"
                )
                row = _rows_from_values(name, spec, [], lang, infos)
                row.status, row.error = "error", error
                note("kpi_failed", "error", kpi=name, error=error)
            timings[f"kpi:{name}"] = time.perf_counter() - clock
            rows.append(row)

        # scopes without data for a period are unknown, not 0; notes say which and why
        clock = time.perf_counter()
        _coverage(workspace, host, store, refs, rows, period, comparison, tz, lang, note)
        timings["coverage"] = time.perf_counter() - clock

        # charts
        clock = time.perf_counter()
        window_start = min(period.start, period.end - timedelta(days=CHART_MIN_DAYS - 1))
        window_start -= timedelta(days=window_start.weekday())
        window = Period(window_start, period.end)
        weekly = window.days > 120
        series = ChartSeries(
            window=_period_info(window),
            followers=_chart(
                host, workspace, "followers", con, window, tz, weekly, refs, note, ctx
            ),
            followers_granularity="week" if weekly else "day",
            engagement=_chart(
                host, workspace, "engagement", con, window, tz, False, refs, note, ctx
            ),
        )
        best_row = next((r for r in rows if r.section == "best_time"), None)
        weeks_of_posts = ((period.end - posts_first).days + 1) // 7 if posts_first else 0
        weeks_of_posts = max(weeks_of_posts, 0)
        if best_row is not None and best_row.client is not None and best_row.client.detail:
            series.best_time = _heatmap_from_detail(
                best_row.client.detail, min(weeks_of_posts, BEST_TIME_WEEKS)
            )
        timings["series"] = time.perf_counter() - clock

        clock = time.perf_counter()
        top_row = next((r for r in rows if r.section == "top_posts"), None)
        top_posts = None
        if top_row is not None and top_row.client is not None:
            top_posts = _top_posts_from_detail(top_row.client.detail)
        if top_posts is None:
            top_posts = []
        timings["top_posts"] = time.perf_counter() - clock
        clock = time.perf_counter()
        try:
            keywords = cache.get(
                "keywords",
                {"day": today.isoformat()},
                lambda: _keywords(store, cfg, host, generated),
                lambda found: [k.model_dump(mode="json") for k in found],
                lambda data: [KeywordSection.model_validate(k) for k in data],
            )
        except Exception as exc:  # the section is optional; the report still goes out
            keywords = []
            note("section_failed", "warning", section="keywords", error=str(exc))
        timings["keywords"] = time.perf_counter() - clock

        clock = time.perf_counter()
        segments: list[SegmentSummary] = []
        if host.segmenters():
            try:
                segments, problems = cache.get(
                    "segments",
                    {"period": str(period), "timezone": tz, "language": lang},
                    lambda: _segments(workspace, host, store, period, timings, lang),
                    lambda found: {
                        "segments": [s.model_dump(mode="json") for s in found[0]],
                        "problems": found[1],
                    },
                    lambda data: (
                        [SegmentSummary.model_validate(s) for s in data["segments"]],
                        list(data["problems"]),
                    ),
                    keep=lambda found: not found[1],
                )
                for problem in problems:
                    note("section_failed", "warning", section="segments", error=problem)
            except Exception as exc:  # optional section
                note("section_failed", "warning", section="segments", error=str(exc))
        timings["segments"] = time.perf_counter() - clock

        # notes on history and meaning
        if history.first is None or history.last is None:
            note("no_history", "warning")
        else:
            first, last = _day_text(history.first, lang), _day_text(history.last, lang)
            if history.months >= 1:
                note(
                    "history",
                    months=history.months,
                    first=first,
                    last=last,
                    weeks=history.weeks,
                    posts=history.posts,
                )
            else:
                note(
                    "history_short", days=history.days, first=first, last=last, posts=history.posts
                )
            if history.full_months < MEANINGFUL_MONTHS:
                note("mom_meaningful", "warning", months=history.full_months)
            else:
                note("mom_ok", months=history.full_months)
            # the weeks the heatmap really covers, so the note and the chart agree
            heat_weeks = series.best_time.weeks if series.best_time is not None else None
            used_weeks = min(weeks_of_posts, BEST_TIME_WEEKS) if heat_weeks is None else heat_weeks
            if used_weeks < BEST_TIME_WEEKS:
                note("best_time_weeks", "warning", weeks=used_weeks)
            else:
                note("best_time_ok", weeks=used_weeks)
            if compare_mode == "year" and history.full_months < 13:
                note("yoy_needs", "warning", months=history.full_months)
            changes = [r.client.change for r in rows if r.section is None and r.client]
            if not _has_data(con, *_bounds(comparison.start, comparison.end, tz)) and all(
                c is None for c in changes
            ):  # a note never says "no changes" next to a change in the table
                note(
                    "comparison_empty",
                    "warning",
                    start=_day_text(comparison.start, lang),
                    end=_day_text(comparison.end, lang),
                )
            _first_month_notes(rows, history.first, period, comparison, lang, note)
            if period.end > history.last:
                note("period_incomplete", "warning", last=last, end=_day_text(period.end, lang))
        if not any(not r.is_client for r in refs):
            note("no_competitors")

        report = Report(
            client=ClientInfo(name=cfg.client.name, segment=cfg.client.segment),
            generated_at=generated,
            language=lang,
            timezone=tz,
            period=_period_info(period, history.last),
            comparison=_period_info(comparison),
            compare="year" if compare_mode == "year" else "previous",
            channels=list(infos.values()),
            history=history,
            kpis=rows,
            series=series,
            top_posts=top_posts,
            benchmark=_benchmark(rows, refs, cfg.client.name),
            segments=segments,
            keywords=keywords,
            notes=notes,
        )
        clock = time.perf_counter()
        _add_sections(report, workspace, host, con, period, comparison, refs)
        timings["sections"] = time.perf_counter() - clock
        return report
    finally:
        if own_store:
            store.close()
