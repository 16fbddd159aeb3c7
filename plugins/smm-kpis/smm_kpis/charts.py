"""The data of the report's standard charts: followers over time and weekly engagements.

Registered through ``smm_register_chart_series`` (names ``followers`` and ``engagement``);
the report builder labels the series and the reporters draw them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from smm_kpis.sqlbase import built_posts_table
from smmcore.contracts import ChartContext, ChartSeriesBuilder
from smmcore.kpitools import ENGAGEMENTS_SQL, bounds, local_time_sql
from smmcore.report_model import Series, SeriesPoint


def _series(found: dict[str, list[SeriesPoint]], ctx: ChartContext) -> list[Series]:
    out = []
    for ref in ctx.channels:
        cid = f"{ref.network}:{ref.account}"
        if cid in found:
            out.append(
                Series(
                    key=cid,
                    label=ref.label or cid,
                    owner=ref.owner,
                    is_client=ref.is_client,
                    network=ref.network,
                    channel=cid,
                    points=found[cid],
                )
            )
    return out


class FollowersSeries(ChartSeriesBuilder):
    """Followers at the end of each local day (or week), per channel: the last snapshot of
    the bucket; buckets without a snapshot are left out (unknown, not 0)."""

    def series(self, ctx: ChartContext) -> list[Series]:
        lo, hi = bounds(ctx.window.start, ctx.window.end, ctx.timezone)
        bucket = "date_trunc('week', day)" if ctx.granularity == "week" else "day"
        rows = ctx.con.execute(
            f"""
            WITH d AS (
                SELECT s.network, s.account, s.captured_at, s.followers,
                       CAST(timezone($tz, s.captured_at) AS DATE) AS day
                FROM account_snapshots s JOIN workspace_channels wc USING (network, account)
                WHERE s.captured_at >= $lo AND s.captured_at < $hi AND s.followers IS NOT NULL)
            SELECT network, account, CAST({bucket} AS DATE) AS b,
                   arg_max(followers, captured_at) AS followers
            FROM d GROUP BY ALL ORDER BY network, account, b
            """,
            {"tz": ctx.timezone, "lo": lo, "hi": hi},
        ).fetchall()
        found: dict[str, list[SeriesPoint]] = {}
        for network, account, day, followers in rows:
            found.setdefault(f"{network}:{account}", []).append(
                SeriesPoint(date=day, value=float(followers))
            )
        return _series(found, ctx)


class EngagementSeries(ChartSeriesBuilder):
    """Engagements (likes + reposts + replies + quotes, latest snapshot) of the own posts
    published each week (Monday first), per channel; a week without posts is 0, a week whose
    posts have no known counter is unknown."""

    def series(self, ctx: ChartContext) -> list[Series]:
        start, end = ctx.window.start, ctx.window.end
        lo, hi = bounds(start, end, ctx.timezone)
        rows = self._from_kpis(ctx, lo, hi)
        if rows is None:
            rows = self._query(ctx, lo, hi)
        weeks: list[date] = []
        week = start - timedelta(days=start.weekday())
        while week <= end:
            weeks.append(week)
            week += timedelta(days=7)
        values: dict[str, dict[date, float | None]] = {}
        for network, account, wk, engagements in rows:
            values.setdefault(f"{network}:{account}", {})[wk] = (
                None if engagements is None else float(engagements)
            )
        found = {
            f"{r.network}:{r.account}": [
                SeriesPoint(date=w, value=values.get(f"{r.network}:{r.account}", {}).get(w, 0.0))
                for w in weeks
            ]
            for r in ctx.channels
        }
        return _series(found, ctx)

    @staticmethod
    def _from_kpis(ctx: ChartContext, lo: Any, hi: Any) -> list[Any] | None:
        """The rows from the posts table the report's KPIs built (same store state, posts,
        counters and local times), or ``None`` when there is none covering the window."""
        kpi = ctx.kpi
        if kpi is None or kpi.con is not ctx.con:
            return None
        if {(c.network, c.account) for c in kpi.channels} != {
            (c.network, c.account) for c in ctx.channels
        }:
            return None
        table = built_posts_table(kpi, lo, hi, ctx.timezone)
        if table is None:
            return None
        return ctx.con.execute(
            f"""
            SELECT network, account,
                   CAST(date_trunc('week', CAST(local_ts AS DATE)) AS DATE) AS wk,
                   sum(engagements) AS engagements
            FROM {table} WHERE created_at >= $lo AND created_at < $hi
            GROUP BY ALL ORDER BY network, account, wk
            """,
            {"lo": lo, "hi": hi},
        ).fetchall()

    @staticmethod
    def _query(ctx: ChartContext, lo: Any, hi: Any) -> list[Any]:
        local = local_time_sql("p.created_at", ctx.timezone, lo, hi)
        return ctx.con.execute(
            f"""
            WITH p AS (
                SELECT p.network, p.account, p.post_id,
                       CAST(date_trunc('week', CAST({local} AS DATE)) AS DATE) AS wk
                FROM posts p JOIN workspace_channels wc USING (network, account)
                WHERE p.kind <> 'repost' AND p.created_at >= $lo AND p.created_at < $hi),
            m AS (
                SELECT p.network, p.account, p.wk, l.likes, l.reposts, l.replies, l.quotes
                FROM p LEFT JOIN post_metrics_latest l USING (network, account, post_id))
            SELECT network, account, wk, sum({ENGAGEMENTS_SQL}) AS engagements
            FROM m GROUP BY ALL ORDER BY network, account, wk
            """,
            {"lo": lo, "hi": hi},
        ).fetchall()
