"""The built-in KPI objects, one module attribute per registration name.

The per-post rates reuse the declarative engine (:mod:`smm_kpis.declarative`); follower
growth, share of voice, best time to post, top posts and network renewal have their own
query. Each runs one SQL query for every scope and both periods.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from smm_kpis import sqlbase
from smm_kpis.declarative import DeclarativeKPI, build_definition
from smm_kpis.definitions import (
    BEST_TIME_MIN_POSTS,
    BEST_TIME_WEEKS,
    BUILTINS,
    TOP_POSTS_N,
)
from smm_kpis.sqlbase import ScopeKey
from smmcore.contracts import KPI, KPIContext, Period
from smmcore.interactions import DATED_INTERACTIONS, RENEWAL_ENGAGED_SQL, renewal_baseline
from smmcore.kpitools import _has_table
from smmcore.models import KPIValue

Values = dict[ScopeKey, tuple[float | None, dict[str, Any]]]
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _f(value: Any) -> float | None:
    return None if value is None else float(value)


# --------------------------------------------------------------------------- follower growth


class FollowerGrowth(KPI):
    """Absolute follower growth (``rate=False``) or growth rate in % (``rate=True``)."""

    def __init__(self, name: str, *, rate: bool) -> None:
        self.name = name
        self.rate = rate

    def sql(self, ctx: KPIContext, params: dict[str, Any]) -> str:
        """Per channel: followers at the end and start of each period; then per scope."""
        wc = sqlbase.channels_cte(ctx, params)
        per_cols = []
        for tag, lo, hi in (("c", "cs", "ce"), ("p", "ps", "pe")):
            inside = f"captured_at >= ${lo} AND captured_at < ${hi}"
            per_cols.append(
                f"arg_max(followers, captured_at) FILTER (WHERE {inside}) AS {tag}_end, "
                f"arg_max(followers, captured_at) FILTER (WHERE captured_at < ${lo}) "
                f"AS {tag}_before, "
                f"arg_min(followers, captured_at) FILTER (WHERE {inside}) AS {tag}_first, "
                f"count(*) FILTER (WHERE {inside}) AS {tag}_n"
            )
        both = "f_end IS NOT NULL AND f_start IS NOT NULL"
        return f"""WITH wc AS ({wc}),
ch AS (
    SELECT s.network, s.account, wc.owner, wc.is_client, {", ".join(per_cols)}
    FROM account_snapshots s JOIN wc ON s.network = wc.network AND s.account = wc.account
    WHERE s.followers IS NOT NULL AND s.captured_at < greatest($ce, $pe)
    GROUP BY ALL),
g AS (
    -- one snapshot in the period and none before it: a start, not a growth
    SELECT network, account, owner, is_client, 0 AS per, c_end AS f_end,
           coalesce(c_before, CASE WHEN c_n > 1 THEN c_first END) AS f_start FROM ch
    UNION ALL
    SELECT network, account, owner, is_client, 1 AS per, p_end AS f_end,
           coalesce(p_before, CASE WHEN p_n > 1 THEN p_first END) AS f_start FROM ch)
SELECT {sqlbase.SCOPE_COLUMNS},
       sum(f_end - f_start) FILTER (WHERE {both}) AS growth,
       sum(f_start) FILTER (WHERE {both}) AS start_sum,
       sum(f_end) FILTER (WHERE {both}) AS end_sum,
       count(*) FILTER (WHERE {both}) AS channels_known
FROM g GROUP BY {sqlbase.SCOPE_GROUPING}"""

    def compute(self, ctx: KPIContext) -> list[KPIValue]:
        """Growth per scope for both periods, from account snapshots."""
        params = sqlbase.period_params(ctx)
        cur: Values = {}
        prev: Values = {}
        for row in sqlbase.fetch_dicts(ctx.con, self.sql(ctx, params), params):
            scope = sqlbase.scope_of_row(row)
            if scope is None:
                continue
            growth, start = _f(row["growth"]), _f(row["start_sum"])
            detail = {
                "followers_start": start,
                "followers_end": _f(row["end_sum"]),
                "channels_known": int(row["channels_known"]),
            }
            if self.rate:
                value = None if growth is None or not start else growth / start * 100.0
            else:
                value = growth
            (cur if row["per"] == 0 else prev)[scope] = (value, detail)
        scopes = sqlbase.all_scopes(sqlbase.channels(ctx))
        return sqlbase.make_values(self.name, ctx, scopes, cur, prev)


# --------------------------------------------------------------------------- share of voice


class ShareOfVoice(KPI):
    """Each owner's share of the panel's engagements (client + every competitor)."""

    name = "share_of_voice"

    def sql(self, ctx: KPIContext, params: dict[str, Any]) -> str:
        """Engagements per owner and period, with the panel total."""
        base = sqlbase.posts_ctes(ctx, params, metrics=["engagements"])
        return f"""{base},
o AS (SELECT per, owner, is_client, sum(engagements) AS e, count(engagements) AS n
      FROM b WHERE per IS NOT NULL GROUP BY per, owner, is_client)
SELECT per, owner, is_client, e, n, sum(e) OVER (PARTITION BY per) AS total FROM o"""

    def compute(self, ctx: KPIContext) -> list[KPIValue]:
        """Shares for the client and each competitor, both periods."""
        params = sqlbase.period_params(ctx)
        cur: Values = {}
        prev: Values = {}
        totals: dict[int, float | None] = {}
        for row in sqlbase.fetch_dicts(ctx.con, self.sql(ctx, params), params):
            scope = ScopeKey("client" if row["is_client"] else "competitor", row["owner"])
            e, total = _f(row["e"]), _f(row["total"])
            totals[row["per"]] = total
            value = None if e is None or not total else e / total * 100.0
            detail = {"engagements": e, "panel_engagements": total}
            (cur if row["per"] == 0 else prev)[scope] = (value, detail)
        scopes = sqlbase.all_scopes(sqlbase.channels(ctx), kinds=("client", "competitor"))
        for per, target in ((0, cur), (1, prev)):
            total = totals.get(per)
            for scope in scopes:  # no posts while the panel has engagements: a 0% share
                if scope not in target and total:
                    target[scope] = (0.0, {"engagements": 0.0, "panel_engagements": total})
        return sqlbase.make_values(self.name, ctx, scopes, cur, prev)


# --------------------------------------------------------------------------- best time


class BestTimeToPost(KPI):
    """Mean engagements per post by weekday x hour (client's time zone) over 16 weeks."""

    name = "best_time_to_post"

    def sql(self, ctx: KPIContext, params: dict[str, Any]) -> str:
        """One scan over both windows; cells per scope with per-window means and counts."""
        base = sqlbase.posts_ctes(ctx, params, metrics=["engagements"], wide=True)
        return f"""{base},
c AS (SELECT owner, is_client, network, account, isodow(local_ts) - 1 AS dow,
             hour(local_ts) AS hr, engagements,
             created_at >= $bs0 AND created_at < $be0 AS in0,
             created_at >= $bs1 AND created_at < $be1 AS in1
      FROM b WHERE engagements IS NOT NULL)
SELECT owner, is_client, network, account,
       GROUPING(account) AS g_account, GROUPING(owner) AS g_owner, dow, hr,
       avg(engagements) FILTER (WHERE in0) AS m0, count(*) FILTER (WHERE in0) AS n0,
       avg(engagements) FILTER (WHERE in1) AS m1, count(*) FILTER (WHERE in1) AS n1
FROM c
GROUP BY GROUPING SETS ((owner, is_client, network, account, dow, hr),
                        (is_client, network, dow, hr), (owner, is_client, dow, hr))"""

    def compute(self, ctx: KPIContext) -> list[KPIValue]:
        """The best cell's mean per scope, with the grid and best slots in ``detail``."""
        params = sqlbase.period_params(ctx)
        sql = self.sql(ctx, params)
        grids: dict[tuple[int, ScopeKey], tuple[list, list]] = {}
        for row in sqlbase.fetch_dicts(ctx.con, sql, params):
            scope = sqlbase.scope_of_row(row)
            if scope is None:
                continue
            for per in (0, 1):
                n = int(row[f"n{per}"])
                if not n:
                    continue
                grid = grids.get((per, scope))
                if grid is None:  # (not setdefault: it would build two grids per row)
                    grid = grids[(per, scope)] = (
                        [[None] * 24 for _ in range(7)],
                        [[0] * 24 for _ in range(7)],
                    )
                means, counts = grid
                means[row["dow"]][row["hr"]] = float(row[f"m{per}"])
                counts[row["dow"]][row["hr"]] = n
        scopes = sqlbase.all_scopes(sqlbase.channels(ctx))
        cur: Values = {}
        prev: Values = {}
        for per, target in ((0, cur), (1, prev)):
            window = sqlbase.long_window(ctx.period if per == 0 else ctx.previous)
            for scope in scopes:
                means, counts = grids.get(
                    (per, scope), ([[None] * 24 for _ in range(7)], [[0] * 24 for _ in range(7)])
                )
                target[scope] = self._summarise(means, counts, window)
        return sqlbase.make_values(self.name, ctx, scopes, cur, prev)

    @staticmethod
    def _summarise(
        means: list[list[float | None]], counts: list[list[int]], window: Period
    ) -> tuple[float | None, dict[str, Any]]:
        cells = [
            (means[d][h], counts[d][h], d, h)
            for d in range(7)
            for h in range(24)
            if means[d][h] is not None
        ]
        ranked = [c for c in cells if c[1] >= BEST_TIME_MIN_POSTS] or cells
        ranked.sort(key=lambda c: (-c[0], -c[1], c[2], c[3]))  # type: ignore[operator]
        best = ranked[:3]
        detail = {
            "metric": "mean engagements per post",
            "unit": "engagements/post",
            "values": means,
            "posts": counts,
            "weeks": BEST_TIME_WEEKS,
            "window_start": window.start.isoformat(),
            "window_end": window.end.isoformat(),
            "min_posts": BEST_TIME_MIN_POSTS,
            "best": [[d, h] for _m, _n, d, h in best],
            "best_slots": [
                {
                    "weekday": d,
                    "weekday_name": WEEKDAYS[d],
                    "hour": h,
                    "mean_engagements": m,
                    "posts": n,
                }
                for m, n, d, h in best
            ],
        }
        return (best[0][0] if best else None), detail


# --------------------------------------------------------------------------- top posts


class TopPosts(KPI):
    """The number of posts in the period; the top N by engagements in ``detail["posts"]``."""

    name = "top_posts"

    def sql(self, ctx: KPIContext, params: dict[str, Any]) -> str:
        """Per channel and period: its post count and, for the current period, its top N
        (a top-N aggregate; ties go to the newest post)."""
        params["top_n"] = self._n(ctx)
        base = sqlbase.posts_ctes(ctx, params, metrics=sqlbase.TABLE_METRICS, followers=True)
        fields = ", ".join(
            f"'{c}': {c}"
            for c in (
                "post_id",
                "created_at",
                "likes",
                "reposts",
                "replies",
                "quotes",
                "views",
                "impressions",
                "engagements",
                "followers",
            )
        )
        return f"""{base},
c AS (SELECT per, owner, is_client, network, account, count(*) AS n_channel,
             max_by({{{fields}}}, {{'e': engagements, 't': created_at, 'id': post_id}}, $top_n)
               FILTER (WHERE per = 0 AND engagements IS NOT NULL) AS top
      FROM b WHERE per IS NOT NULL GROUP BY ALL),
t AS (SELECT per, owner, is_client, network, account, unnest(top, recursive := true)
      FROM c WHERE top IS NOT NULL)
SELECT per, owner, is_client, network, account, n_channel FROM c
UNION ALL BY NAME
SELECT t.*, p.kind, p.text, p.url
FROM t LEFT JOIN (SELECT network, account, post_id, kind, text, url FROM posts
                  WHERE created_at >= $cs AND created_at < $ce) p
  ON p.network = t.network AND p.account = t.account AND p.post_id = t.post_id"""

    @staticmethod
    def _n(ctx: KPIContext) -> int:
        try:
            return max(1, int(ctx.options.get("top_posts", TOP_POSTS_N)))
        except (TypeError, ValueError):
            return TOP_POSTS_N

    def compute(self, ctx: KPIContext) -> list[KPIValue]:
        """Counts per scope and both periods; the top list for the current period."""
        params = sqlbase.period_params(ctx)
        zone = ZoneInfo(ctx.timezone)
        n = self._n(ctx)
        counts: dict[tuple[int, ScopeKey], int] = {}
        tops: dict[ScopeKey, list[dict[str, Any]]] = {}
        for row in sqlbase.fetch_dicts(ctx.con, self.sql(ctx, params), params):
            channel = ScopeKey("channel", f"{row['network']}:{row['account']}")
            owner = ScopeKey("client" if row["is_client"] else "competitor", row["owner"])
            keys = [channel, owner]
            if row["is_client"]:
                keys.append(ScopeKey("network", row["network"]))
            if row["post_id"] is None:  # a count row
                for key in keys:
                    counts[(row["per"], key)] = counts.get((row["per"], key), 0) + int(
                        row["n_channel"]
                    )
            else:  # one of the channel's top posts of the current period
                post = self._post(row, zone)
                for key in keys:
                    tops.setdefault(key, []).append(post)
        scopes = sqlbase.all_scopes(sqlbase.channels(ctx))
        cur: Values = {}
        prev: Values = {}
        for scope in scopes:
            ranked = sorted(
                tops.get(scope, []),
                key=lambda p: (p["engagements"], p["_ts"], p["post_id"]),
                reverse=True,
            )[:n]
            posts = [{k: v for k, v in p.items() if k != "_ts"} for p in ranked]
            cur[scope] = (float(counts.get((0, scope), 0)), {"posts": posts, "top_n": n})
            prev[scope] = (float(counts.get((1, scope), 0)), {})
        return sqlbase.make_values(self.name, ctx, scopes, cur, prev)

    @staticmethod
    def _post(row: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
        created: datetime = row["created_at"]
        followers = row["followers"]
        eng = int(row["engagements"])
        return {
            "network": row["network"],
            "account": row["account"],
            "owner": row["owner"],
            "post_id": row["post_id"],
            "created_at": created.astimezone(zone).isoformat(),
            "kind": row["kind"],
            "text": row["text"],
            "url": row["url"],
            "likes": row["likes"],
            "reposts": row["reposts"],
            "replies": row["replies"],
            "quotes": row["quotes"],
            "views": row["views"] if row["views"] is not None else row["impressions"],
            "engagements": eng,
            "engagement_rate": eng / followers * 100.0 if followers else None,
            "_ts": created.timestamp(),
        }


# --------------------------------------------------------------------------- renewal


class NetworkRenewal(KPI):
    """Share of the accounts that engaged in a period and not in the one before it: the one
    definition of :mod:`smmcore.interactions` (also the renewal segmenter's)."""

    name = "network_renewal_rate"

    def sql(self, ctx: KPIContext, params: dict[str, Any]) -> str:
        """Distinct (network, member) per scope, flagged by the four periods involved."""
        periods = {
            "p": ctx.period,
            "pp": renewal_baseline(ctx.period),
            "q": ctx.previous,
            "qp": renewal_baseline(ctx.previous),
        }
        for tag, period in periods.items():
            params[f"{tag}_s"], params[f"{tag}_e"] = sqlbase.bounds(
                period.start, period.end, ctx.timezone
            )
        params["ilo"] = min(params[f"{t}_s"] for t in periods)
        params["ihi"] = max(params[f"{t}_e"] for t in periods)
        wc = sqlbase.channels_cte(ctx, params)
        flags = ", ".join(f"bool_or(ts >= ${t}_s AND ts < ${t}_e) AS in_{t}" for t in periods)
        return f"""WITH wc AS ({wc}),
i AS (SELECT x.network, x.account, wc.owner, wc.is_client, x.member, x.ts
      FROM ({DATED_INTERACTIONS}) x
      JOIN wc ON x.network = wc.network AND x.account = wc.account
      WHERE x.ts >= $ilo AND x.ts < $ihi AND {RENEWAL_ENGAGED_SQL}),
m AS (SELECT owner, is_client, network, account, member,
             GROUPING(account) AS g_account, GROUPING(owner) AS g_owner, {flags}
      FROM i
      GROUP BY GROUPING SETS ((owner, is_client, network, account, member),
                              (is_client, network, member), (owner, is_client, network, member)))
SELECT g_account, g_owner, owner, is_client, account,
       CASE WHEN g_account = 0 OR g_owner = 1 THEN network END AS network,
       count(*) FILTER (WHERE in_p) AS active_0,
       count(*) FILTER (WHERE in_p AND NOT in_pp) AS new_0,
       count(*) FILTER (WHERE in_q) AS active_1,
       count(*) FILTER (WHERE in_q AND NOT in_qp) AS new_1
FROM m GROUP BY ALL"""

    def compute(self, ctx: KPIContext) -> list[KPIValue]:
        """Renewal per scope for the period and the comparison period."""
        params = sqlbase.period_params(ctx)
        cur: Values = {}
        prev: Values = {}
        for row in sqlbase.fetch_dicts(ctx.con, self.sql(ctx, params), params):
            scope = sqlbase.scope_of_row(row)
            if scope is None:
                continue
            for per, target in ((0, cur), (1, prev)):
                active, new = int(row[f"active_{per}"]), int(row[f"new_{per}"])
                value = new / active * 100.0 if active else None
                target[scope] = (
                    value,
                    {"active_accounts": active, "new_accounts": new, "returning": active - new},
                )
        scopes = sqlbase.all_scopes(sqlbase.channels(ctx))
        return sqlbase.make_values(self.name, ctx, scopes, cur, prev)


# --------------------------------------------------------------------------- daily totals


class DailyTotal(KPI):
    """Σ of a daily account-level metric (``daily_metrics``, ``post_id = ''``) over the days
    of each period; with several metrics, the first one the network reports for a day."""

    def __init__(self, name: str, metrics: tuple[str, ...]) -> None:
        self.name = name
        self.metrics = metrics

    def sql(self, ctx: KPIContext, params: dict[str, Any]) -> str:
        """Per scope and period: the sum of the known days and how many days are known."""
        wc = sqlbase.channels_cte(ctx, params)
        params["cd0"], params["cd1"] = ctx.period.start, ctx.period.end
        params["pd0"], params["pd1"] = ctx.previous.start, ctx.previous.end
        pick = ", ".join(f"max(value) FILTER (WHERE metric = '{m}')" for m in self.metrics)
        wanted = ", ".join(f"'{m}'" for m in self.metrics)
        value = f"coalesce({pick})" if len(self.metrics) > 1 else pick
        return f"""WITH wc AS ({wc}),
d AS (
    SELECT network, account, day, {value} AS v
    FROM daily_metrics
    WHERE post_id = '' AND metric IN ({wanted})
      AND day BETWEEN least($cd0, $pd0) AND greatest($cd1, $pd1)
    GROUP BY network, account, day),
t AS (
    SELECT d.network, d.account, d.v, wc.owner, wc.is_client,
           CASE WHEN d.day BETWEEN $cd0 AND $cd1 THEN 0
                WHEN d.day BETWEEN $pd0 AND $pd1 THEN 1 END AS per
    FROM d JOIN wc ON d.network = wc.network AND d.account = wc.account)
SELECT {sqlbase.SCOPE_COLUMNS}, sum(v) AS total, count(v) AS days_known
FROM t WHERE per IS NOT NULL GROUP BY {sqlbase.SCOPE_GROUPING}"""

    def compute(self, ctx: KPIContext) -> list[KPIValue]:
        """The sums per scope for both periods; unknown where no day is known."""
        scopes = sqlbase.all_scopes(sqlbase.channels(ctx))
        cur: Values = {}
        prev: Values = {}
        if _has_table(ctx.con, "daily_metrics"):
            params: dict[str, Any] = {}
            for row in sqlbase.fetch_dicts(ctx.con, self.sql(ctx, params), params):
                scope = sqlbase.scope_of_row(row)
                if scope is None:
                    continue
                period = sqlbase.period_of(ctx, row["per"])
                detail = {"days_known": int(row["days_known"]), "days_in_period": period.days}
                (cur if row["per"] == 0 else prev)[scope] = (_f(row["total"]), detail)
        return sqlbase.make_values(self.name, ctx, scopes, cur, prev)


# --------------------------------------------------------------------------- instances


def _declarative(name: str) -> DeclarativeKPI:
    entry = next(e for e in BUILTINS if e["name"] == name)
    definition = build_definition(
        entry["numerator"],
        entry.get("denominator"),
        entry["kpi_aggregation"],
        scale=entry.get("scale", 1.0),
        per_week=entry.get("per_week", False),
    )
    return DeclarativeKPI(name, definition)


follower_growth = FollowerGrowth("follower_growth", rate=False)
follower_growth_rate = FollowerGrowth("follower_growth_rate", rate=True)
posts_per_week = _declarative("posts_per_week")
engagement_rate_followers = _declarative("engagement_rate_followers")
engagement_rate_views = _declarative("engagement_rate_views")
applause_rate = _declarative("applause_rate")
conversation_rate = _declarative("conversation_rate")
amplification_rate = _declarative("amplification_rate")
virality_rate = _declarative("virality_rate")
share_of_voice = ShareOfVoice()
best_time_to_post = BestTimeToPost()
top_posts = TopPosts()
network_renewal_rate = NetworkRenewal()
new_followers = DailyTotal("new_followers", ("new_followers",))
profile_views = DailyTotal("profile_views", ("profile_views", "page_views"))

BUILTIN_KPIS: dict[str, KPI] = {e["name"]: globals()[e["name"]] for e in BUILTINS}
"""Registration name -> KPI object."""
