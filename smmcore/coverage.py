"""Which channels have data for a report's periods, why the others have none, and turning
"no data" into unknown in the report's KPI rows.

A channel *has data for a period* when the store holds at least one of its posts, account
snapshots, interactions or daily metrics dated in it (times that are not plausible do not
count). A KPI value of a scope none of whose channels has data for the period is unknown
(``None``, ``n/a``), never a 0 computed over nothing: a competitor whose sync failed is not a
competitor who posted nothing. Share of voice is a share of the owners that have data; with
fewer than two such owners it is unknown.

Why a channel has no data comes from the store (what it holds) and ``sync_state`` (how its
sync units last went), found through the same planning as ``smm sync``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from smmcore.dates import plausible_sql

SHARE_OF_VOICE = "share_of_voice"
"""The KPI whose values are shares of the owners with data (see the module docstring)."""
PERIOD_INDEPENDENT_SECTIONS = ("best_time",)
"""Sections whose value covers its own window, not the period: left as computed."""
ERROR_CHARS = 200
"""A stored sync error is cut to this many characters in a note."""


@dataclass
class ChannelCoverage:
    """What the store holds for one channel: rows in the period, in the comparison period,
    in all, and the time of its latest row."""

    current: int = 0
    previous: int = 0
    total: int = 0
    posts_current: int = 0
    latest: datetime | None = None


def channel_coverage(
    con: Any,
    refs: Sequence[Any],
    current: tuple[datetime, datetime],
    previous: tuple[datetime, datetime],
) -> dict[str, ChannelCoverage]:
    """``"network:account"`` -> :class:`ChannelCoverage` for every workspace channel, in one
    query over posts, account snapshots, interactions and daily metrics. Needs
    ``workspace_channels``."""
    parts = []
    for table, column in (
        ("posts", "created_at"),
        ("account_snapshots", "captured_at"),
        ("interactions", "occurred_at"),
        # a network's day, placed at its noon UTC: inside that local day for offsets < 12 h
        ("daily_metrics", "timezone('UTC', CAST(day AS TIMESTAMP) + INTERVAL 12 HOUR)"),
    ):
        is_post = "1" if table == "posts" else "0"
        parts.append(
            f"""SELECT t.network, t.account,
                   count(*) FILTER (WHERE {column} >= $cs AND {column} < $ce) AS cur,
                   count(*) FILTER (WHERE {column} >= $ps AND {column} < $pe) AS prev,
                   count(*) AS total,
                   {is_post} * count(*) FILTER (WHERE {column} >= $cs AND {column} < $ce)
                       AS posts_cur,
                   max({column}) AS latest
            FROM {table} t JOIN workspace_channels wc
              ON wc.network = t.network AND wc.account = t.account
            WHERE {plausible_sql(column)}
            GROUP BY t.network, t.account"""
        )
    rows = con.execute(
        "SELECT network, account, sum(cur), sum(prev), sum(total), sum(posts_cur), max(latest) "
        f"FROM ({' UNION ALL '.join(parts)}) x GROUP BY network, account",
        {"cs": current[0], "ce": current[1], "ps": previous[0], "pe": previous[1]},
    ).fetchall()
    found = {f"{r.network}:{r.account}": ChannelCoverage() for r in refs}
    for network, account, cur, prev, total, posts_cur, latest in rows:
        found[f"{network}:{account}"] = ChannelCoverage(
            current=int(cur or 0),
            previous=int(prev or 0),
            total=int(total or 0),
            posts_current=int(posts_cur or 0),
            latest=latest,
        )
    return found


@dataclass
class ScopeData:
    """Whether each report scope has data in the period (``current``) and in the comparison
    period (``previous``), keyed by ``(scope, scope_id)``."""

    current: dict[tuple[str, str], bool]
    previous: dict[tuple[str, str], bool]
    owners_current: list[str]
    owners_previous: list[str]
    owners: list[str]


def scope_data(refs: Sequence[Any], coverage: Mapping[str, ChannelCoverage]) -> ScopeData:
    """Aggregate channel coverage to the report's scopes: channel, client network, client,
    competitor."""
    cur: dict[tuple[str, str], bool] = {}
    prev: dict[tuple[str, str], bool] = {}
    owners: list[str] = []
    for ref in refs:
        cid = f"{ref.network}:{ref.account}"
        cov = coverage.get(cid, ChannelCoverage())
        keys = [("channel", cid), ("client" if ref.is_client else "competitor", ref.owner)]
        if ref.is_client:
            keys.append(("network", ref.network))
        if ref.owner not in owners:
            owners.append(ref.owner)
        for key in keys:
            cur[key] = cur.get(key, False) or cov.current > 0
            prev[key] = prev.get(key, False) or cov.previous > 0

    def with_data(found: Mapping[tuple[str, str], bool]) -> list[str]:
        return [o for o in owners if found.get(("client", o)) or found.get(("competitor", o))]

    return ScopeData(cur, prev, with_data(cur), with_data(prev), owners)


def apply_coverage(rows: Iterable[Any], data: ScopeData) -> None:
    """Make every KPI value of a scope without data for its period unknown (and the change
    with it); share of voice over fewer than two owners with data is unknown too. Edits the
    :class:`~smmcore.report_model.KPIRow` objects in place."""
    for row in rows:
        if row.status == "error" or row.section in PERIOD_INDEPENDENT_SECTIONS:
            continue
        sov = row.name == SHARE_OF_VOICE
        for sv in [row.client, *row.channels, *row.networks, *row.competitors]:
            if sv is None:
                continue
            key = (sv.scope, sv.scope_id)
            if sv.scope == "workspace":
                key = ("client", sv.scope_id)
            now_known = data.current.get(key, True) and not (sov and len(data.owners_current) < 2)
            before_known = data.previous.get(key, True) and not (
                sov and len(data.owners_previous) < 2
            )
            if not now_known:
                sv.value = None
            if not before_known:
                sv.previous = None
            if not (now_known and before_known):
                sv.change = None
                sv.change_pct = None
        if row.section is None:
            scoped = [row.client, *row.channels]
            if all(sv is None or sv.value is None for sv in scoped):
                row.status = "no_data"


# --------------------------------------------------------------------------- why


def _when(value: Any, day_text: Callable[[date], str]) -> str:
    if isinstance(value, datetime):
        return day_text(value.date())
    return str(value or "?")


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= ERROR_CHARS else text[: ERROR_CHARS - 1] + "…"


def sync_states(
    workspace: Any, host: Any, store: Any, channel_ids: Iterable[str]
) -> dict[str, Any]:
    """``"network:account"`` -> how its sync units last went: ``("failed", when, error)``,
    ``("ok", when, None)``, ``("cannot", None, error)`` or ``("never", None, None)``.

    The channel's units are planned as ``smm sync`` plans them; a unit key that the source
    derives from the channel (``source:network:account``) is also matched when planning is
    not possible."""
    from smmcore.sync import plan_units

    state = {row["unit_key"]: row for row in store.sync_state()}
    scrub = _scrubber(workspace)
    found: dict[str, Any] = {}
    for cid in channel_ids:
        try:
            planned = plan_units(workspace, host, [cid])
        except Exception:  # a channel the workspace no longer has: nothing to say
            planned = []
        keys = [p.unit.key for p in planned]
        keys += [k for k in state if k.endswith(f":{cid}") and k not in keys]
        rows = [state[k] for k in keys if k in state]
        failed = [r for r in rows if r.get("last_error")]
        ok = [r for r in rows if r.get("last_success") and not r.get("last_error")]
        if failed:
            last = max(failed, key=lambda r: r["updated_at"])
            found[cid] = ("failed", last["updated_at"], scrub(_short(last["last_error"])))
        elif ok:
            found[cid] = ("ok", max(r["last_success"] for r in ok), None)
        elif any(p.error for p in planned):
            error = next(p.error for p in planned if p.error)
            found[cid] = ("cannot", None, scrub(_short(error or "")))
        else:
            found[cid] = ("never", None, None)
    return found


def _scrubber(workspace: Any) -> Callable[[str], str]:
    secrets = sorted(workspace.secret_values(), key=len, reverse=True)

    def scrub(text: str) -> str:
        for secret in secrets:
            text = text.replace(secret, "***")
        return text

    return scrub


def failed_syncs(store: Any) -> bool:
    """Whether any sync unit's last run failed (cheap: one small query)."""
    row = store.con.execute(
        "SELECT count(*) FROM sync_state WHERE last_error IS NOT NULL"
    ).fetchone()
    return bool(row and row[0])


def coverage_notes(
    workspace: Any,
    host: Any,
    store: Any,
    refs: Sequence[Any],
    coverage: Mapping[str, ChannelCoverage],
    data: ScopeData,
    note: Callable[..., None],
    day_text: Callable[[date], str],
    lang_text: Callable[..., str],
    *,
    share_of_voice: bool = True,
) -> None:
    """Add the notes on missing data: each channel without data for the period and why, each
    channel whose last sync failed although it has data, and how share of voice was
    computed. ``note(code, level, **params)`` adds a note; ``lang_text(code, **params)``
    renders a reason in the report's language."""
    missing = [r for r in refs if coverage[f"{r.network}:{r.account}"].current == 0]
    check = list(refs) if failed_syncs(store) else missing
    states = sync_states(workspace, host, store, [f"{r.network}:{r.account}" for r in check])
    for ref in refs:
        cid = f"{ref.network}:{ref.account}"
        cov = coverage[cid]
        status, when, error = states.get(cid, ("never", None, None))
        label = ref.label or cid
        if cov.current == 0:
            if status == "failed":
                reason = "sync_failed"
            elif cov.total:
                reason = "nothing_in_period"
            elif status == "ok":
                reason = "synced_empty"
            elif status == "cannot":
                reason = "cannot_sync"
            else:
                reason = "never_synced"
            why = lang_text(
                f"why_{reason}",
                when=_when(when, day_text),
                error=error or "",
                latest=_when(cov.latest, day_text),
            )
            note(
                "channel_no_data",
                "warning",
                channel=label,
                owner=ref.owner,
                reason=reason,
                why=why,
            )
        elif status == "failed":
            note(
                "channel_sync_failed",
                "warning",
                channel=label,
                owner=ref.owner,
                when=_when(when, day_text),
                error=error or "",
            )
    if share_of_voice and len(data.owners) >= 2:
        left_out = [o for o in data.owners if o not in data.owners_current]
        if len(data.owners_current) < 2:
            note("sov_unknown", "warning", owners=", ".join(data.owners_current) or "-")
        elif left_out:
            note(
                "sov_partial",
                "warning",
                owners=", ".join(data.owners_current),
                missing=", ".join(left_out),
            )
