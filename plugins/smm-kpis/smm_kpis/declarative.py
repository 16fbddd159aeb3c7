"""The declarative KPI engine: numerator and denominator expressions over per-post columns,
combined by a stated aggregation, computed in one SQL query for every scope and both periods.

Aggregations (the posts are the scope's own posts created in the period; reposts excluded):

``ratio_of_sums``
    Σ numerator / Σ denominator x scale, over the posts where both are known. Unknown when no
    such post exists or Σ denominator is 0.
``mean_of_ratios``
    the mean over posts of numerator / denominator x scale, over the posts where both are
    known and the denominator is not 0. Unknown when no post qualifies.
``sum``
    Σ numerator x scale over the posts where it is known; 0 when the scope has no posts at all,
    unknown when it has posts but none with a known numerator. ``per_week`` divides by the
    period's length in weeks.
``mean``
    the mean of the numerator x scale over the posts where it is known; unknown when none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smm_kpis import sqlbase
from smm_kpis.expr import EXTRA_PREFIX, Compiled, ExpressionError, compile_expression, is_extra
from smmcore.contracts import KPI, KPIContext
from smmcore.models import KPIValue

AGGREGATIONS = ("ratio_of_sums", "mean_of_ratios", "sum", "mean")

AGGREGATION_TEXT = {
    "ratio_of_sums": "ratio of sums: Σ numerator / Σ denominator over posts where both are known",
    "mean_of_ratios": "mean of ratios: the mean of per-post numerator / denominator, over posts "
    "where both are known and the denominator is not 0",
    "sum": "sum over the period's posts",
    "mean": "mean over the posts where the value is known",
}


@dataclass(frozen=True)
class Definition:
    """A validated declarative KPI definition."""

    numerator: Compiled
    denominator: Compiled | None
    aggregation: str
    scale: float = 1.0
    per_week: bool = False


def build_definition(
    numerator: str,
    denominator: str | None,
    aggregation: str,
    *,
    scale: float = 1.0,
    per_week: bool = False,
) -> Definition:
    """Validate the parts of a declarative KPI; raise :class:`ExpressionError` with the part
    at fault."""
    if aggregation not in AGGREGATIONS:
        raise ExpressionError(
            f"aggregation must be one of {', '.join(AGGREGATIONS)}, got {aggregation!r}"
        )
    try:
        num = compile_expression(numerator)
    except ExpressionError as exc:
        raise ExpressionError(f"numerator: {exc}") from None
    den = None
    if denominator is not None and str(denominator).strip():
        if aggregation in ("sum", "mean"):
            raise ExpressionError(
                f"a denominator is only used with ratio_of_sums or mean_of_ratios, "
                f"not with {aggregation}"
            )
        try:
            den = compile_expression(denominator)
        except ExpressionError as exc:
            raise ExpressionError(f"denominator: {exc}") from None
    elif aggregation in ("ratio_of_sums", "mean_of_ratios"):
        raise ExpressionError(f"{aggregation} needs a denominator")
    if not isinstance(scale, int | float) or scale != scale:  # NaN check
        raise ExpressionError("scale must be a number")
    return Definition(num, den, aggregation, float(scale), per_week)


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


class DeclarativeKPI(KPI):
    """A KPI computed from a :class:`Definition`, for every scope, in one query."""

    def __init__(self, name: str, definition: Definition) -> None:
        self.name = name
        self.definition = definition

    def sql(self, ctx: KPIContext, params: dict[str, Any]) -> str:
        """The query: aggregated rows per (period, scope level, scope)."""
        d = self.definition
        names = set(d.numerator.names) | (set(d.denominator.names) if d.denominator else set())
        extras = sorted(n for n in names if is_extra(n))
        names -= set(extras)
        base = sqlbase.posts_ctes(
            ctx, params, metrics=names - {"posts", "followers"}, followers="followers" in names
        )
        den_sql = d.denominator.sql if d.denominator else "CAST(1 AS DOUBLE)"
        source = "b"
        if extras:
            # extra metrics: the latest value of each, one column per metric (names are
            # validated identifiers, so they are safe in SQL)
            picks = ", ".join(
                f"max(value) FILTER (WHERE metric = '{n.removeprefix(EXTRA_PREFIX)}') AS {n}"
                for n in extras
            )
            base += f""",
bx AS (SELECT b.*, {", ".join(f"x.{n}" for n in extras)}
       FROM b LEFT JOIN (SELECT network, account, post_id, {picks}
                         FROM post_metrics_extra_latest GROUP BY ALL) x
       USING (network, account, post_id))"""
            source = "bx"
        return f"""{base},
v AS (SELECT per, owner, is_client, network, account,
             {d.numerator.sql} AS num, {den_sql} AS den FROM {source})
SELECT {sqlbase.SCOPE_COLUMNS},
       count(*) AS n_posts,
       count(*) FILTER (WHERE num IS NOT NULL AND den IS NOT NULL) AS n_both,
       sum(num) FILTER (WHERE num IS NOT NULL AND den IS NOT NULL) AS sum_num,
       sum(den) FILTER (WHERE num IS NOT NULL AND den IS NOT NULL) AS sum_den,
       avg(num / NULLIF(den, 0)) AS mean_ratio,
       count(num / NULLIF(den, 0)) AS n_ratio,
       sum(num) AS sum_known,
       count(num) AS n_known,
       avg(num) AS mean_known
FROM v WHERE per IS NOT NULL
GROUP BY {sqlbase.SCOPE_GROUPING}"""

    def _value(self, row: dict[str, Any], ctx: KPIContext) -> tuple[float | None, dict]:
        d = self.definition
        agg = d.aggregation
        detail: dict[str, Any] = {"posts": int(row["n_posts"])}
        value: float | None
        if agg == "ratio_of_sums":
            sn, sd = _num(row["sum_num"]), _num(row["sum_den"])
            detail.update(numerator=sn, denominator=sd, posts_used=int(row["n_both"]))
            value = None if not sd or sn is None else sn / sd * d.scale
        elif agg == "mean_of_ratios":
            detail["posts_used"] = int(row["n_ratio"])
            mr = _num(row["mean_ratio"])
            value = None if mr is None else mr * d.scale
        elif agg == "sum":
            detail["posts_used"] = int(row["n_known"])
            total = _num(row["sum_known"])
            if row["n_posts"] == 0:
                total = 0.0
            value = None if total is None else total * d.scale
            if value is not None and d.per_week:
                weeks = sqlbase.period_of(ctx, row["per"]).days / 7
                detail.update(total=total, weeks=weeks)
                value = value / weeks
        else:  # mean
            detail["posts_used"] = int(row["n_known"])
            mk = _num(row["mean_known"])
            value = None if mk is None else mk * d.scale
        return value, detail

    def compute(self, ctx: KPIContext) -> list[KPIValue]:
        """Values per scope for ``ctx.period`` and ``ctx.previous``, in one query."""
        params = sqlbase.period_params(ctx)
        rows = sqlbase.fetch_dicts(ctx.con, self.sql(ctx, params), params)
        cur: dict[sqlbase.ScopeKey, tuple[float | None, dict]] = {}
        prev: dict[sqlbase.ScopeKey, tuple[float | None, dict]] = {}
        for row in rows:
            scope = sqlbase.scope_of_row(row)
            if scope is None:
                continue
            (cur if row["per"] == 0 else prev)[scope] = self._value(row, ctx)
        default = 0.0 if self.definition.aggregation == "sum" else None
        scopes = sqlbase.all_scopes(sqlbase.channels(ctx))
        values = sqlbase.make_values(self.name, ctx, scopes, cur, prev, default=default)
        return values
