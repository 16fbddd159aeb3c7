"""The KPI toolkit: what every KPI plugin needs, in one public place.

Period bounds in the client's time zone, the scopes a KPI reports on (channel, the client's
networks, client, competitors), aggregation that keeps unknowns unknown (ratio of sums, mean
of ratios), and builders of :class:`~smmcore.models.KPIValue` with the previous period and
the change. The first-party KPIs (smm-kpis), the plugin template and the example plugin all
use it; nothing here imports a plugin.

The shortest KPI is one query returning additive parts per channel::

    from smmcore.kpitools import ratio_by_scope

    SQL = '''
    SELECT c.network, c.account, c.owner, c.is_client,
           sum(m.saves) AS numerator, sum(m.views) AS denominator
    FROM workspace_channels c
    JOIN posts p USING (network, account)
    JOIN post_metrics_latest m USING (network, account, post_id)
    WHERE p.kind <> 'repost' AND p.created_at >= $start AND p.created_at < $end
      AND m.saves IS NOT NULL AND m.views IS NOT NULL
    GROUP BY ALL'''

    def compute(self, ctx):
        return ratio_by_scope(ctx, self.name, SQL, scale=100)

For a mean of ratios, return ``sum(ratio)`` and ``count(ratio)`` per channel
(:func:`mean_of_ratios_sql` writes them): a mean over the posts of several channels is the
sum of their ratios over the count of their ratios, so the same function combines them.
"""

from __future__ import annotations

import contextlib
import re
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from smmcore.contracts import ChannelRef, KPIContext, Period
from smmcore.models import KPIValue, change_of

__all__ = [
    "ENGAGEMENTS_SQL",
    "SCOPE_COLUMNS",
    "SCOPE_GROUPING",
    "ScopeKey",
    "all_scopes",
    "bounds",
    "change_of",
    "channels",
    "channels_cte",
    "fetch_dicts",
    "kpi_value",
    "local_time_sql",
    "make_values",
    "mean_of_ratios",
    "mean_of_ratios_sql",
    "period_bounds",
    "period_params",
    "ratio_by_scope",
    "ratio_of_sums",
    "ratio_of_sums_sql",
    "scope_of_row",
]

# --------------------------------------------------------------------------- periods


def bounds(day_from: date, day_to: date, tz: str) -> tuple[datetime, datetime]:
    """The instants ``[start, end)`` covering local days ``day_from``..``day_to`` in ``tz``
    (midnight of the first day to midnight after the last, so DST days have their real
    length)."""
    zone = ZoneInfo(tz)
    return (
        datetime.combine(day_from, time(0), zone),
        datetime.combine(day_to + timedelta(days=1), time(0), zone),
    )


def period_bounds(period: Period, tz: str) -> tuple[datetime, datetime]:
    """The period as ``[first midnight, midnight after the last day)`` in ``tz``."""
    return bounds(period.start, period.end, tz)


def _offsets(zone: ZoneInfo, lo: datetime, hi: datetime) -> list[tuple[datetime, int]]:
    """``(from, offset in seconds)`` of ``zone`` for the instants ``[lo, hi)``: the first at
    ``lo``, then one per change of offset (found day by day, then to the second)."""
    utc = ZoneInfo("UTC")
    lo, hi = lo.astimezone(utc), hi.astimezone(utc)

    def offset(at: datetime) -> int:
        delta = at.astimezone(zone).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    found = [(lo, offset(lo))]
    day = timedelta(days=1)
    at = lo
    while at < hi:
        step = min(at + day, hi)
        if offset(step) != found[-1][1]:
            a, b = at, step  # offset(a) is the last one found, offset(b) differs
            while b - a > timedelta(seconds=1):
                mid = a + (b - a) / 2
                a, b = (mid, b) if offset(mid) == found[-1][1] else (a, mid)
            found.append((b.replace(microsecond=0), offset(b)))
        at = step
    return found


def local_time_sql(column: str, tz: str, lo: datetime, hi: datetime) -> str:
    """SQL of the wall-clock time (a ``TIMESTAMP``) in ``tz`` of the ``TIMESTAMPTZ``
    ``column``: the same value as ``timezone('tz', column)``, about 20 times cheaper for the
    instants in ``[lo, hi)`` (their UTC offsets are worked out here, one per stretch between
    daylight-saving changes; outside, it is ``timezone()`` itself). For SQL over many rows,
    such as every post of a period."""
    zone = ZoneInfo(tz)
    stretches = _offsets(zone, lo, hi)
    ends = [start for start, _ in stretches[1:]] + [hi.astimezone(ZoneInfo("UTC"))]
    first = stretches[0][0]

    def instant(at: datetime) -> str:
        return f"TIMESTAMPTZ '{at.strftime('%Y-%m-%d %H:%M:%S.%f')}+00'"

    quoted = tz.replace("'", "''")
    slow = f"timezone('{quoted}', {column})"
    parts = [f"CASE WHEN {column} < {instant(first)} THEN {slow}"]
    for (_start, seconds), end in zip(stretches, ends, strict=True):
        parts.append(
            f"WHEN {column} < {instant(end)} "
            f"THEN make_timestamp(epoch_us({column}) + {seconds * 1_000_000})"
        )
    return " ".join([*parts, f"ELSE {slow} END"])


def period_params(ctx: KPIContext) -> dict[str, Any]:
    """Named SQL parameters: ``cs, ce`` (the current period's bounds), ``ps, pe`` (the
    previous period's) and ``tz`` (the client's time zone)."""
    cs, ce = period_bounds(ctx.period, ctx.timezone)
    ps, pe = period_bounds(ctx.previous, ctx.timezone)
    return {"cs": cs, "ce": ce, "ps": ps, "pe": pe, "tz": ctx.timezone}


# --------------------------------------------------------------------------- SQL pieces

ENGAGEMENTS_SQL = (
    "CASE WHEN likes IS NULL AND reposts IS NULL AND replies IS NULL AND quotes IS NULL "
    "THEN NULL ELSE COALESCE(likes, 0) + COALESCE(reposts, 0) + COALESCE(replies, 0) "
    "+ COALESCE(quotes, 0) END"
)
"""Engagements of one post: likes + reposts + replies + quotes; an unknown counter counts as
0, a post whose four counters are all unknown has unknown engagements."""

SCOPE_GROUPING = (
    "GROUPING SETS ((per, owner, is_client, network, account), (per, is_client, network), "
    "(per, owner, is_client))"
)
"""Channel, network and owner (client or competitor) level in one GROUP BY; the rows need
``per`` (0 current period, 1 previous), ``owner``, ``is_client``, ``network``, ``account``."""

SCOPE_COLUMNS = (
    "per, owner, is_client, network, account, "
    "GROUPING(account) AS g_account, GROUPING(owner) AS g_owner"
)
"""The SELECT columns that go with :data:`SCOPE_GROUPING` (read by :func:`scope_of_row`)."""


def ratio_of_sums_sql(numerator: str, denominator: str) -> str:
    """SELECT items ``numerator, denominator`` for a ratio of sums over rows where both
    expressions are known (``NULL`` sums when no row has both)."""
    both = f"({numerator}) IS NOT NULL AND ({denominator}) IS NOT NULL"
    return (
        f"sum({numerator}) FILTER (WHERE {both}) AS numerator, "
        f"sum({denominator}) FILTER (WHERE {both}) AS denominator"
    )


def mean_of_ratios_sql(numerator: str, denominator: str) -> str:
    """SELECT items ``numerator, denominator`` for a mean of ratios: the sum of the
    per-row ratios and their count, over rows where both are known and the denominator is
    not 0 (:func:`ratio_by_scope` divides them)."""
    ratio = f"({numerator}) / NULLIF({denominator}, 0)"
    return f"sum({ratio}) AS numerator, count({ratio}) AS denominator"


_PARAM_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def fetch_dicts(con: Any, sql: str, params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Run ``sql`` with the named parameters it uses (``$name``; others are dropped, as
    DuckDB refuses unused ones) and yield each row as a dict."""
    used = set(_PARAM_RE.findall(sql))
    cur = con.execute(sql, {k: v for k, v in params.items() if k in used})
    names = [d[0] for d in cur.description]
    for row in cur.fetchall():
        yield dict(zip(names, row, strict=True))


_FOUND: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
"""Per connection, the tables already found there (a report asks 20 times; nothing drops
them)."""


def _has_table(con: Any, name: str) -> bool:
    try:
        if name in _FOUND.get(con, ()):
            return True
    except TypeError:  # a connection object that takes no weak reference: ask every time
        pass
    row = con.execute(
        "SELECT count(*) FROM (SELECT table_name AS n FROM duckdb_tables() "
        "UNION ALL SELECT view_name FROM duckdb_views()) WHERE n = ?",
        [name],
    ).fetchone()
    found = bool(row and row[0])
    if found:
        with contextlib.suppress(TypeError):
            _FOUND.setdefault(con, set()).add(name)
    return found


def channels(ctx: KPIContext) -> list[ChannelRef]:
    """The workspace channels: ``ctx.channels``, else the ``workspace_channels`` table."""
    if ctx.channels:
        return list(ctx.channels)
    if not _has_table(ctx.con, "workspace_channels"):
        return []
    rows = ctx.con.execute(
        "SELECT network, account, owner, is_client, label FROM workspace_channels"
    ).fetchall()
    return [ChannelRef(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows]


def channels_cte(ctx: KPIContext, params: dict[str, Any]) -> str:
    """A ``(network, account, owner, is_client)`` relation for a CTE body: the store's
    ``workspace_channels`` table, or the context's channels as bound parameters (added to
    ``params``)."""
    if _has_table(ctx.con, "workspace_channels"):
        return "SELECT network, account, owner, is_client FROM workspace_channels"
    refs = list(ctx.channels)
    if not refs:
        return (
            "SELECT NULL::VARCHAR AS network, NULL::VARCHAR AS account, "
            "NULL::VARCHAR AS owner, NULL::BOOLEAN AS is_client WHERE false"
        )
    rows = []
    for i, ref in enumerate(refs):
        params[f"wn{i}"], params[f"wa{i}"] = ref.network, ref.account
        params[f"wo{i}"], params[f"wi{i}"] = ref.owner, bool(ref.is_client)
        rows.append(f"($wn{i}, $wa{i}, $wo{i}, $wi{i})")
    return "SELECT * FROM (VALUES " + ", ".join(rows) + ") v(network, account, owner, is_client)"


# --------------------------------------------------------------------------- scopes


@dataclass(frozen=True)
class ScopeKey:
    """A scope a KPI reports on: ``ScopeKey("channel", "instagram:forno")``,
    ``ScopeKey("client", "Forno")``, ``ScopeKey("network", "instagram")``,
    ``ScopeKey("competitor", "Rival")``."""

    kind: str
    id: str


def all_scopes(refs: Iterable[ChannelRef], *, kinds: Iterable[str] | None = None) -> list[ScopeKey]:
    """Every scope of the workspace, in report order: client, competitors, the client's
    networks, then every channel (``kinds`` keeps only some)."""
    refs = list(refs)
    wanted = set(kinds or ("client", "competitor", "network", "channel"))
    found: list[ScopeKey] = []

    def add(key: ScopeKey) -> None:
        if key.kind in wanted and key not in found:
            found.append(key)

    for ref in refs:
        if ref.is_client:
            add(ScopeKey("client", ref.owner))
    for ref in refs:
        if not ref.is_client:
            add(ScopeKey("competitor", ref.owner))
    for ref in refs:
        if ref.is_client:
            add(ScopeKey("network", ref.network))
    for ref in refs:
        add(ScopeKey("channel", f"{ref.network}:{ref.account}"))
    return found


def scopes_of_channel(ref: ChannelRef) -> list[ScopeKey]:
    """The scopes a channel's numbers add up into: itself, its owner and (for the client's
    channels) its network."""
    found = [
        ScopeKey("channel", f"{ref.network}:{ref.account}"),
        ScopeKey("client" if ref.is_client else "competitor", ref.owner),
    ]
    if ref.is_client:
        found.append(ScopeKey("network", ref.network))
    return found


def scope_of_row(row: Mapping[str, Any]) -> ScopeKey | None:
    """The scope of a row grouped by :data:`SCOPE_GROUPING` (``None``: a competitor's network
    subtotal, which no scope reports)."""
    if not row["g_account"]:
        return ScopeKey("channel", f"{row['network']}:{row['account']}")
    if row["g_owner"]:
        return ScopeKey("network", row["network"]) if row["is_client"] else None
    return ScopeKey("client" if row["is_client"] else "competitor", row["owner"])


# --------------------------------------------------------------------------- aggregation


def ratio_of_sums(
    numerator: float | None,
    denominator: float | None,
    scale: float = 1.0,
    *,
    min_denominator: float = 0.0,
) -> float | None:
    """``numerator / denominator x scale``; unknown (``None``) when either side is unknown
    or the denominator is 0 (nothing to measure is not 0) or below ``min_denominator`` (too
    few posts to say)."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    if denominator < min_denominator:
        return None
    return float(numerator) / float(denominator) * scale


def mean_of_ratios(
    pairs: Iterable[tuple[float | None, float | None]], scale: float = 1.0
) -> float | None:
    """The mean of ``numerator / denominator x scale`` over the pairs where both are known
    and the denominator is not 0; ``None`` when no pair qualifies."""
    ratios = [float(n) / float(d) for n, d in pairs if n is not None and d]
    return sum(ratios) / len(ratios) * scale if ratios else None


def _add(total: float | None, part: Any) -> float | None:
    if part is None:
        return total
    return float(part) if total is None else total + float(part)


# --------------------------------------------------------------------------- values


def kpi_value(
    kpi: str,
    ctx: KPIContext,
    scope: ScopeKey,
    value: float | None,
    previous: float | None,
    detail: Mapping[str, Any] | None = None,
) -> KPIValue:
    """One :class:`KPIValue` for ``scope`` in ``ctx.period``, with the change from
    ``previous`` (:func:`smmcore.models.change_of`)."""
    change, change_pct = change_of(value, previous)
    return KPIValue(
        kpi=kpi,
        scope=scope.kind,  # type: ignore[arg-type]
        scope_id=scope.id,
        period_start=ctx.period.start,
        period_end=ctx.period.end,
        value=value,
        previous=previous,
        change=change,
        change_pct=change_pct,
        detail=dict(detail or {}),
    )


def make_values(
    kpi: str,
    ctx: KPIContext,
    scopes: Sequence[ScopeKey],
    current: Mapping[ScopeKey, tuple[float | None, dict[str, Any]]],
    previous: Mapping[ScopeKey, tuple[float | None, dict[str, Any]]],
    *,
    default: float | None = None,
) -> list[KPIValue]:
    """One :class:`KPIValue` per scope from ``{scope: (value, detail)}`` of both periods;
    scopes with no entry get ``default`` (``None``; 0 only for counts where no data means
    none happened)."""
    out: list[KPIValue] = []
    for scope in scopes:
        value, detail = current.get(scope, (default, {}))
        prev, _ = previous.get(scope, (default, {}))
        out.append(kpi_value(kpi, ctx, scope, value, prev, detail))
    return out


def _parts_by_scope(
    ctx: KPIContext, sql: str, period: Period, refs: Sequence[ChannelRef]
) -> dict[ScopeKey, list[float | None]]:
    start, end = period_bounds(period, ctx.timezone)
    params = {"start": start, "end": end, "tz": ctx.timezone}
    if "?" in sql and "$" not in sql:
        cur = ctx.con.execute(sql, [start, end])
        names = [d[0] for d in cur.description]
        rows: Iterable[dict[str, Any]] = (dict(zip(names, r, strict=True)) for r in cur.fetchall())
    else:
        rows = fetch_dicts(ctx.con, sql, params)
    known = {(r.network, r.account): r for r in refs}
    sums: dict[ScopeKey, list[float | None]] = {}
    for row in rows:
        ref = known.get((row["network"], row["account"]))
        if ref is None:
            ref = ChannelRef(row["network"], row["account"], row["owner"], bool(row["is_client"]))
        for key in scopes_of_channel(ref):
            total = sums.setdefault(key, [None, None])
            total[0] = _add(total[0], row["numerator"])
            total[1] = _add(total[1], row["denominator"])
    return sums


def ratio_by_scope(
    ctx: KPIContext,
    kpi: str,
    sql: str,
    *,
    scale: float = 1.0,
    detail: Mapping[str, Any] | None = None,
    kinds: Iterable[str] | None = None,
    min_denominator: float = 0.0,
) -> list[KPIValue]:
    """A ratio KPI for every scope (channels, the client's networks, client, competitors)
    and both periods, from one query run once per period.

    ``sql`` returns one row per channel (or per post) with ``network, account, owner,
    is_client, numerator, denominator``, all additive, for the posts created in
    ``[$start, $end)`` (or two positional ``?``). Numerators and denominators add up per
    scope; the value is ``Σ numerator / Σ denominator x scale``, unknown where the scope has
    no known numerator, a zero denominator or one below ``min_denominator``. ``detail`` gets
    ``numerator`` and ``denominator`` besides what is passed.
    """
    refs = channels(ctx)
    now = _parts_by_scope(ctx, sql, ctx.period, refs)
    before = _parts_by_scope(ctx, sql, ctx.previous, refs)
    values = []
    for scope in all_scopes(refs, kinds=kinds):
        num, den = now.get(scope, (None, None))
        prev_num, prev_den = before.get(scope, (None, None))
        values.append(
            kpi_value(
                kpi,
                ctx,
                scope,
                ratio_of_sums(num, den, scale, min_denominator=min_denominator),
                ratio_of_sums(prev_num, prev_den, scale, min_denominator=min_denominator),
                {"numerator": num, "denominator": den, **(detail or {})},
            )
        )
    return values
