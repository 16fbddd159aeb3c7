"""The KPIs of smm-example-plugin, computed with SQL inside the workspace store."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from smmcore.contracts import KPI, KPIContext, Period
from smmcore.models import KPIValue, change_of

# One row per workspace channel: (network, account, owner, is_client, numerator, denominator)
# over the own posts (reposts excluded) created in [start, end), with the latest metric
# snapshot of each post. Posts whose saves or views are unknown do not count.
SAVES_SQL = """
SELECT c.network, c.account, c.owner, c.is_client,
       sum(m.saves) AS numerator,
       sum(m.views) AS denominator
FROM workspace_channels AS c
JOIN posts AS p ON p.network = c.network AND p.account = c.account
JOIN post_metrics_latest AS m
  ON m.network = p.network AND m.account = p.account AND m.post_id = p.post_id
WHERE p.kind <> 'repost' AND p.created_at >= ? AND p.created_at < ?
  AND m.saves IS NOT NULL AND m.views IS NOT NULL
GROUP BY c.network, c.account, c.owner, c.is_client
"""


def period_bounds(period: Period, timezone: str) -> tuple[datetime, datetime]:
    """The period as [first midnight, midnight after the last day) in the client's zone."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(period.start, time(), zone)
    return start, datetime.combine(period.end + timedelta(days=1), time(), zone)


def _sums(ctx: KPIContext, sql: str, period: Period) -> dict[tuple[str, str], list[float]]:
    sums: dict[tuple[str, str], list[float]] = {}
    for network, account, owner, is_client, num, den in ctx.con.execute(
        sql, list(period_bounds(period, ctx.timezone))
    ).fetchall():
        owner_scope = ("client" if is_client else "competitor", owner)
        for key in (("channel", f"{network}:{account}"), owner_scope):
            total = sums.setdefault(key, [0.0, 0.0])
            total[0] += float(num or 0)
            total[1] += float(den or 0)
    return sums


def ratio_by_scope(
    ctx: KPIContext, kpi: str, sql: str, *, scale: float = 1.0, detail: dict[str, Any] | None = None
) -> list[KPIValue]:
    """A ratio of sums for every channel and every owner (client, competitors) of the
    workspace; ``None`` where the denominator is 0 (nothing to measure)."""
    now, before = _sums(ctx, sql, ctx.period), _sums(ctx, sql, ctx.previous)
    scopes: list[tuple[str, str]] = []
    for ch in ctx.channels:
        scopes.append(("channel", f"{ch.network}:{ch.account}"))
    for ch in ctx.channels:
        owner = ("client" if ch.is_client else "competitor", ch.owner)
        if owner not in scopes:
            scopes.append(owner)

    def ratio(sums: dict[tuple[str, str], list[float]], key: tuple[str, str]) -> float | None:
        num, den = sums.get(key, (0.0, 0.0))
        return num / den * scale if den else None

    values = []
    for scope, scope_id in scopes:
        value, previous = ratio(now, (scope, scope_id)), ratio(before, (scope, scope_id))
        change, change_pct = change_of(value, previous)
        num, den = now.get((scope, scope_id), (0.0, 0.0))
        values.append(
            KPIValue(
                kpi=kpi,
                scope=scope,  # type: ignore[arg-type]
                scope_id=scope_id,
                period_start=ctx.period.start,
                period_end=ctx.period.end,
                value=value,
                previous=previous,
                change=change,
                change_pct=change_pct,
                detail={"numerator": num, "denominator": den, **(detail or {})},
            )
        )
    return values


class SavesRate(KPI):
    """Saves per 100 views: 100 x sum(saves) / sum(views) over own posts with both known."""

    name = "saves_rate"

    def compute(self, ctx: KPIContext) -> list[KPIValue]:
        return ratio_by_scope(ctx, self.name, SAVES_SQL, scale=100.0)
