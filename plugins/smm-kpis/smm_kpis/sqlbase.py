"""SQL building blocks shared by the KPIs: periods as UTC instants, the workspace's channels,
the per-post relation with its latest counters, scopes and turning grouped rows into values.

Every KPI runs one query for all scopes and both periods; rows come back already aggregated
(a few per scope), so Python only labels them.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from smm_kpis.definitions import BEST_TIME_WEEKS
from smmcore.contracts import KPIContext, Period
from smmcore.kpitools import (  # the public KPI toolkit; re-exported for the KPIs here
    _PARAM_RE,
    ENGAGEMENTS_SQL,
    SCOPE_COLUMNS,
    SCOPE_GROUPING,
    ScopeKey,
    all_scopes,
    bounds,
    channels,
    channels_cte,
    fetch_dicts,
    local_time_sql,
    make_values,
    scope_of_row,
)
from smmcore.kpitools import period_params as _base_params

__all__ = [
    "ENGAGEMENTS_SQL",
    "SCOPE_COLUMNS",
    "SCOPE_GROUPING",
    "ScopeKey",
    "all_scopes",
    "bounds",
    "channels",
    "channels_cte",
    "fetch_dicts",
    "make_values",
    "scope_of_row",
]

METRIC_COLUMNS = (
    "likes",
    "reposts",
    "replies",
    "quotes",
    "views",
    "impressions",
    "reach",
    "clicks",
    "saves",
)
"""Counters of ``post_metrics`` (the latest snapshot of each post is used)."""


def long_window(period: Period) -> Period:
    """The best-time window of ``period``: the 16 weeks ending on its last day."""
    return Period(period.end - timedelta(days=BEST_TIME_WEEKS * 7 - 1), period.end)


def period_params(ctx: KPIContext) -> dict[str, Any]:
    """Named parameters: ``cs, ce`` (current period), ``ps, pe`` (previous period),
    ``bs0, be0`` and ``bs1, be1`` (their 16-week windows), ``wlo, whi`` (all of them), and
    ``dlo, dhi``: the first and last local day of all of them."""
    params: dict[str, Any] = _base_params(ctx)
    cs, ce, ps, pe = params["cs"], params["ce"], params["ps"], params["pe"]
    for i, period in enumerate((ctx.period, ctx.previous)):
        w = long_window(period)
        params[f"bs{i}"], params[f"be{i}"] = bounds(w.start, w.end, ctx.timezone)
    params["wlo"] = min(cs, ps, params["bs0"], params["bs1"])
    params["whi"] = max(ce, pe, params["be0"], params["be1"])
    windows = [long_window(ctx.period), long_window(ctx.previous)]
    params["dlo"] = min(p.start for p in (ctx.period, ctx.previous, *windows))
    params["dhi"] = max(p.end for p in (ctx.period, ctx.previous, *windows))
    return params


PER_SQL = (
    "CASE WHEN {col} >= $cs AND {col} < $ce THEN 0 WHEN {col} >= $ps AND {col} < $pe THEN 1 END"
)
"""0 for the current period, 1 for the previous one, NULL outside both."""

IN_PERIODS_SQL = "(({col} >= $cs AND {col} < $ce) OR ({col} >= $ps AND {col} < $pe))"


def posts_ctes(
    ctx: KPIContext,
    params: dict[str, Any],
    *,
    metrics: bool | Iterable[str],
    followers: bool = False,
    wide: bool = False,
    materialized: bool = True,
) -> str:
    """``WITH`` clauses ending in ``b``: one row per own post (reposts excluded) of a workspace
    channel created in the current or previous period (``wide``: anywhere in ``wlo..whi``,
    their 16-week windows too), with ``per`` (0 current, 1 previous, NULL outside both: callers
    filter on it), the channel's owner, ``local_ts`` (the client's wall-clock time), the latest
    counters (``metrics``: all, or the names needed; the derived ``engagements`` and
    ``views_or_impressions`` pull in theirs) and, with ``followers``, the followers on the day
    of posting. ``params`` are those of :func:`period_params`.

    When the per-context table of :func:`period_posts_table` has every counter asked for
    (and ``materialized``), ``b`` reads it: it holds the rows of ``wlo..whi``.
    """
    if materialized and set(_metric_columns(metrics)) <= set(TABLE_METRICS):
        table = period_posts_table(ctx, params)
        if table is not None:
            return f"WITH wc AS ({channels_cte(ctx, params)}),\nb AS (SELECT * FROM {table})"
    if wide:
        where = "p.created_at >= $wlo AND p.created_at < $whi"
    else:
        where = IN_PERIODS_SQL.format(col="p.created_at")
    per = PER_SQL.format(col="p.created_at")
    # (an unused local_ts costs nothing: DuckDB drops the columns a query does not read)
    local = local_time_sql("p.created_at", ctx.timezone, params["wlo"], params["whi"])
    ctes = [
        f"wc AS ({channels_cte(ctx, params)})",
        f"""pp AS (
    SELECT p.rowid AS pid, p.network, p.account, p.post_id, p.created_at, wc.owner,
           wc.is_client, {per} AS per, {local} AS local_ts
    FROM posts p JOIN wc ON p.network = wc.network AND p.account = wc.account
    WHERE p.kind <> 'repost' AND {where})""",
    ]
    last = "pp"
    wanted = _metric_columns(metrics)
    if wanted:
        # the store keeps the latest snapshot of each post (one row per post) as it writes
        cols = ", ".join(f"m.{c}" for c in wanted)
        ctes.append(
            f"""pmx AS (
    SELECT pp.*, {cols}
    FROM pp LEFT JOIN post_metrics_latest m
      ON m.network = pp.network AND m.account = pp.account AND m.post_id = pp.post_id)"""
        )
        last = "pmx"
    if followers:
        ctes.extend(followers_ctes(last, "pf"))
        last = "pf"
    derived = []
    if set(ENGAGEMENT_COLUMNS) <= set(wanted):
        derived.append(f"{ENGAGEMENTS_SQL} AS engagements")
    if {"views", "impressions"} <= set(wanted):
        derived.append("coalesce(views, impressions) AS views_or_impressions")
    derived_sql = "".join(", " + d for d in derived)
    ctes.append(f"b AS (SELECT *, 1 AS posts{derived_sql} FROM {last})")
    return "WITH " + ",\n".join(ctes)


TABLE_METRICS = ("likes", "reposts", "replies", "quotes", "views", "impressions")
"""The counters the per-context table keeps (those the built-in KPIs use); a KPI needing
another (reach, clicks, saves) runs its own query."""

_CACHE_ATTR = "_smm_kpis_period_posts"
_WINDOW_ATTR = "_smm_kpis_period_posts_window"
_TABLES_PER_CONNECTION = 4
_tables: dict[int, list[str]] = {}
_lock = threading.Lock()


def period_posts_table(ctx: KPIContext, params: dict[str, Any]) -> str | None:
    """The name of a TEMP table holding :func:`posts_ctes`'s ``b`` over ``wlo..whi`` (both
    periods and their 16-week windows; ``per`` is NULL outside the periods) with the
    :data:`TABLE_METRICS` counters, ``followers``, ``engagements``, ``views_or_impressions``
    and ``local_ts``, built once per ``ctx`` so the KPIs of one report read the posts and
    their latest counters once. ``None`` when it cannot be built (or
    ``ctx.options["kpi_cache"]`` is false): callers then inline the query."""
    if ctx.options.get("kpi_cache", True) is False:
        return None
    with _lock:
        name = ctx.__dict__.get(_CACHE_ATTR)
        if name:
            return name
        name = f"smm_kpis_posts_{uuid.uuid4().hex[:16]}"
        build: dict[str, Any] = dict(params)
        body = posts_ctes(
            ctx,
            build,
            metrics=TABLE_METRICS,
            followers=True,
            wide=True,
            materialized=False,
        )
        used = set(_PARAM_RE.findall(body))
        try:
            ctx.con.execute(
                f"CREATE TEMP TABLE {name} AS {body}\nSELECT * FROM b",
                {k: v for k, v in build.items() if k in used},
            )
        except Exception:  # a connection that cannot hold temp tables: inline instead
            return None
        ctx.__dict__[_CACHE_ATTR] = name
        ctx.__dict__[_WINDOW_ATTR] = (build["wlo"], build["whi"])
        older = _tables.setdefault(id(ctx.con), [])
        older.append(name)
        while len(older) > _TABLES_PER_CONNECTION:
            stale = older.pop(0)
            with contextlib.suppress(Exception):
                ctx.con.execute(f"DROP TABLE IF EXISTS {stale}")
        return name


def built_posts_table(ctx: KPIContext, lo: Any, hi: Any, timezone: str) -> str | None:
    """The per-context table of :func:`period_posts_table` when ``ctx`` already has one that
    holds every post created in ``[lo, hi)`` with local times in ``timezone``; else ``None``
    (never builds it)."""
    name = ctx.__dict__.get(_CACHE_ATTR)
    window = ctx.__dict__.get(_WINDOW_ATTR)
    if not name or window is None or ctx.timezone != timezone:
        return None
    return name if window[0] <= lo and hi <= window[1] else None


ENGAGEMENT_COLUMNS = ("likes", "reposts", "replies", "quotes")
DERIVED_COLUMNS: dict[str, tuple[str, ...]] = {
    "engagements": ENGAGEMENT_COLUMNS,
    "views_or_impressions": ("views", "impressions"),
}


def _metric_columns(metrics: bool | Iterable[str]) -> list[str]:
    if metrics is True:
        return list(METRIC_COLUMNS)
    if metrics is False:
        return []
    needed: set[str] = set()
    for name in metrics:
        needed.update(DERIVED_COLUMNS.get(name, (name,)))
    return [c for c in METRIC_COLUMNS if c in needed]


def followers_ctes(source: str, name: str) -> list[str]:
    """CTEs adding ``followers`` on the day of posting to the posts of ``source`` as ``name``:
    the last snapshot of the posting day in the client's time zone, or the latest before it.

    Each channel gets one value per day ``$dlo..$dhi`` (the daily snapshots carried forward,
    seeded with the last one before ``$dlo``), and posts join it on their local day
    (``source``'s ``local_ts``, their wall-clock time): far cheaper than an ASOF join per post.
    Needs the ``wc`` CTE and the ``tz``, ``dlo`` and ``dhi`` parameters."""
    return [
        """fd AS (
    SELECT s.network, s.account, CAST(timezone($tz, s.captured_at) AS DATE) AS day,
           arg_max(s.followers, s.captured_at) AS followers
    FROM account_snapshots s JOIN wc ON s.network = wc.network AND s.account = wc.account
    WHERE s.followers IS NOT NULL
    GROUP BY ALL)""",
        """fdays AS (
    SELECT network, account,
           CAST(unnest(generate_series(CAST($dlo AS TIMESTAMP), CAST($dhi AS TIMESTAMP),
                                       INTERVAL 1 DAY)) AS DATE) AS day
    FROM wc)""",
        """fseed AS (
    SELECT network, account, arg_max(followers, day) AS followers
    FROM fd WHERE day < CAST($dlo AS DATE) GROUP BY ALL)""",
        """fdd AS (
    SELECT d.network, d.account, d.day,
           last_value(coalesce(f.followers,
                               CASE WHEN d.day = CAST($dlo AS DATE) THEN s.followers END)
                      IGNORE NULLS)
             OVER (PARTITION BY d.network, d.account ORDER BY d.day
                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS followers
    FROM fdays d
    LEFT JOIN fd f ON f.network = d.network AND f.account = d.account AND f.day = d.day
    LEFT JOIN fseed s ON s.network = d.network AND s.account = d.account)""",
        f"""{name} AS (
    SELECT x.*, fdd.followers
    FROM {source} x LEFT JOIN fdd
      ON fdd.network = x.network AND fdd.account = x.account
     AND fdd.day = CAST(x.local_ts AS DATE))""",
    ]


def period_of(ctx: KPIContext, per: int) -> Period:
    """The period tagged ``per`` (0 current, 1 previous)."""
    return ctx.period if per == 0 else ctx.previous
