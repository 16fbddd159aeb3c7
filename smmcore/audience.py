"""Running audience segmenters over a workspace's store.

The CLI (``smm audience``) and the report builder both go through :func:`run_segmenters`, so
a segmenter plugin shows up in both without further wiring. When an interaction happened and
what network renewal means are defined once, in :mod:`smmcore.interactions`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from smmcore.contracts import AudienceContext, Period
from smmcore.dates import plausible_sql
from smmcore.errors import NotFoundError, SmmError
from smmcore.i18n import language_of
from smmcore.tabular import Tabular

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from smmcore.models import Segment
    from smmcore.plugins import PluginHost
    from smmcore.store import Store
    from smmcore.workspace import Workspace


SEGMENT_COLUMNS = ("name", "segmenter", "description", "method", "size")
"""The columns of a table of segments."""

MEMBER_COLUMNS = ("segment", "network", "member", "reason")
"""The first columns of a table of members; each score follows as ``score_<name>``."""

RENEWAL_COLUMNS = ("month", "engaged", "new", "returning", "first_time", "renewal_rate")
"""The columns of the month-by-month renewal table."""


@dataclass
class SegmentationResult(Tabular):
    """Segments in segmenter order, and one line per segmenter that failed. As a table
    (``to_pandas()``): one row per segment with its size; :meth:`members` has the people."""

    period: Period
    segments: list[Segment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def find(self, name: str) -> Segment:
        """One segment by name, or a clear error listing the names there are."""
        for segment in self.segments:
            if segment.name == name:
                return segment
        known = ", ".join(s.name for s in self.segments) or "none"
        raise NotFoundError(f"no segment named {name!r} (segments: {known})")

    columns = SEGMENT_COLUMNS

    def rows(self) -> list[dict[str, Any]]:
        """One row per segment: name, segmenter, description, method, size."""
        return segment_rows(self.segments)

    def members(self) -> MemberTable:
        """Every member of every segment, one row each with the reason."""
        return MemberTable(list(self.segments))

    def to_json(self) -> dict[str, Any]:
        """``smm audience segments --format json``: the period, the segments, the problems."""
        return {"period": str(self.period), "segments": self.rows(), "problems": self.problems}


def latest_activity_day(store: Store, timezone: str) -> date | None:
    """The day (in ``timezone``) of the newest interaction or post in the store (times that
    are not plausible are left out)."""
    row = store.con.execute(
        "SELECT max(ts) FROM (SELECT max(occurred_at) AS ts FROM interactions WHERE "
        f"{plausible_sql('occurred_at')} UNION ALL SELECT max(created_at) FROM posts WHERE "
        f"{plausible_sql('created_at')}) t"
    ).fetchone()
    if not row or row[0] is None:
        return None
    from zoneinfo import ZoneInfo

    return row[0].astimezone(ZoneInfo(timezone)).date()


def resolve_period(store: Store, timezone: str, spec: str) -> Period:
    """Parse ``--period`` relative to the newest activity in the store (or today)."""
    from smmcore.periods import parse_period, today_in

    anchor = latest_activity_day(store, timezone) or today_in(timezone)
    return parse_period(spec, anchor)


def run_segmenters(
    workspace: Workspace,
    host: PluginHost,
    store: Store,
    period: Period,
    *,
    names: Iterable[str] | None = None,
    options: Mapping[str, Any] | None = None,
    strict: bool = False,
    language: str | None = None,
    timings: dict[str, float] | None = None,
) -> SegmentationResult:
    """Run the named segmenters (default: all registered) on the client's audience.

    A segmenter that fails is reported in ``problems`` and the others still run; with
    ``strict`` the first failure raises (the CLI does that when one segmenter is asked for).
    ``language`` (the report's; default English, the language of the CLI) is passed on to the
    segmenters for their texts.
    ``timings`` gets the seconds of each (``"segmenter:<name>"``). ``options`` reach every
    segmenter as ``AudienceContext.options``; ``{"reasons": N}`` says only the first N members
    of each segment need their reason text (the report asks for 0: it shows none).
    """
    specs = host.segmenters()
    wanted = list(names) if names else list(specs)
    ctx = AudienceContext(
        con=store.con,
        period=period,
        timezone=workspace.config.client.timezone,
        channels=[c for c in workspace.channel_refs() if c.is_client],
        rules=workspace.config.segments,
        options=dict(options or {}),
        language=language_of(language),
    )
    result = SegmentationResult(period=period)
    for name in wanted:
        spec = host.get("segmenters", name)
        clock = time.perf_counter()
        try:
            segmenter = host.implementation(spec, workspace)
            result.segments.extend(segmenter.segment(ctx))
        except SmmError as exc:
            if strict:
                raise
            result.problems.append(f"segmenter {name!r}: {exc.format_message()}")
        except Exception as exc:
            if strict:
                raise SmmError(
                    f"segmenter {name!r} (plugin {spec.plugin!r}) failed: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
            result.problems.append(f"segmenter {name!r} failed: {type(exc).__name__}: {exc}")
        finally:
            if timings is not None:
                timings[f"segmenter:{name}"] = time.perf_counter() - clock
    return result


# --------------------------------------------------------------------------- the Python API
# ``ws.audience`` and what ``smm audience`` shows (issue 16): tables of segments and members,
# contact lists, the renewal table. Kept apart from the segmenter machinery above.


def segment_rows(segments: Sequence[Segment]) -> list[dict[str, Any]]:
    """One row per segment (:data:`SEGMENT_COLUMNS`)."""
    return [
        {
            "name": s.name,
            "segmenter": s.segmenter,
            "description": s.description,
            "method": s.method,
            "size": s.size,
        }
        for s in segments
    ]


def member_rows(segment: Segment, limit: int | None = None) -> list[dict[str, Any]]:
    """One row per member of ``segment`` (the first ``limit``): :data:`MEMBER_COLUMNS`, then
    each score as ``score_<name>``."""
    members = segment.members[:limit] if limit else segment.members
    return [
        {
            "segment": segment.name,
            "network": m.network,
            "member": m.member,
            "reason": m.reason,
            **{f"score_{k}": v for k, v in m.scores.items()},
        }
        for m in members
    ]


def write_member_csv(rows: Sequence[dict[str, Any]], stream: Any) -> None:
    """Write member (or any) rows as CSV, columns in order of first appearance, cells safe
    for spreadsheets (formulas neutralised)."""
    from smmcore.safeout import safe_csv_writer

    fields: list[str] = []
    for row in rows:
        fields.extend(k for k in row if k not in fields)
    writer = safe_csv_writer(stream, fieldnames=fields or ["segment"], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)


@dataclass
class MemberTable(Tabular):
    """The members of one or more segments (``ws.audience.segment(...)``), one row each with
    why the member is there; :meth:`export` writes it as a CSV contact list."""

    segments: list[Segment]
    columns = MEMBER_COLUMNS

    @property
    def segment(self) -> Segment:
        """The segment, when the table holds exactly one."""
        if len(self.segments) != 1:
            raise SmmError(f"this table holds {len(self.segments)} segments, not one")
        return self.segments[0]

    def rows(self, limit: int | None = None) -> list[dict[str, Any]]:
        """One row per member (the first ``limit`` of each segment)."""
        return [row for s in self.segments for row in member_rows(s, limit)]

    def __len__(self) -> int:
        return sum(s.size for s in self.segments)

    def export(self, path: str | Path) -> int:
        """Write the members as a CSV contact list at ``path`` (``-``: standard output);
        returns how many were written."""
        from smmcore.safeout import open_output

        rows = self.rows()
        with open_output(str(path)) as handle:
            write_member_csv(rows, handle)
        return len(rows)


@dataclass
class RenewalTable(Tabular):
    """Month by month: engaged accounts, new, returning and first-time ones and the renewal
    rate (engaged this month and not the month before / engaged x 100; ``None`` when nobody
    engaged)."""

    months: list[dict[str, Any]]
    columns = RENEWAL_COLUMNS

    def rows(self) -> list[dict[str, Any]]:
        """One dict per month (:data:`RENEWAL_COLUMNS`)."""
        return [dict(m) for m in self.months]


class Audience:
    """The client's audience in one workspace (``ws.audience``): segments, members,
    influencers, communities and renewal, as ``smm audience`` shows them.

    :param period: each call's period (``30d``, ``2026-10``, ``2026-Q3``, ``FROM..TO``), read
        relative to the newest activity in the store; ``None``: ``[report] period``.

    Raises :class:`~smmcore.errors.SmmError` (a bad period, an unknown segment or
    segmenter, a segmenter that failed when it alone was asked for).
    """

    def __init__(self, workspace: Workspace, host: PluginHost | None = None) -> None:
        if host is None:
            from smmcore.plugins import PluginHost

            host = PluginHost()
        self.workspace = workspace
        self.host = host

    def _run(self, period: str | None, names: list[str] | None, **options: Any) -> Any:
        workspace = self.workspace
        store = workspace.open_store(read_only=True)
        try:
            spec = period or workspace.config.report.period
            resolved = resolve_period(store, workspace.config.client.timezone, spec)
            return run_segmenters(
                workspace,
                self.host,
                store,
                resolved,
                names=names,
                options=options,
                strict=bool(names),
            )
        finally:
            store.close()

    def segments(
        self, segmenters: Sequence[str] | None = None, *, period: str | None = None
    ) -> SegmentationResult:
        """Every segment of the named segmenters (default: all; a failing one is listed in
        ``problems`` and the others still run, unless segmenters were named)."""
        return self._run(period, list(segmenters) if segmenters else None)

    def segment(self, name: str, *, period: str | None = None) -> MemberTable:
        """One segment's members and why each is there (``name`` like
        ``"tiers:advocate"``; only its segmenter runs)."""
        result = self._run(period, [name.split(":", 1)[0]])
        return MemberTable([result.find(name)])

    def influencers(self, top: int = 25, *, period: str | None = None) -> MemberTable:
        """The ``top`` most influential members: reach, engagement and k-core, explained."""
        result = self._run(period, ["influencers"], top=top)
        return MemberTable([result.find("influencers:top")])

    def communities(self, *, period: str | None = None) -> SegmentationResult:
        """Communities in the interaction graph, with size, top members and dominant terms."""
        return self._run(period, ["communities"])

    def renewal(self, months: int = 12) -> RenewalTable:
        """The renewal of the network over the last ``months`` months (and the month before),
        as the segmenter registered as ``renewal`` defines it."""
        from smmcore.periods import today_in

        workspace = self.workspace
        timezone = workspace.config.client.timezone
        store = workspace.open_store(read_only=True)
        try:
            # the segmenter registered as "renewal" (smm-segments has one) owns the definition
            spec = self.host.segmenters().get("renewal")
            segmenter = self.host.implementation(spec, workspace) if spec is not None else None
            if not callable(getattr(segmenter, "monthly", None)):
                raise SmmError(
                    "the renewal table needs a 'renewal' segmenter with a monthly table",
                    hint="install the smm-segments plugin: smm plugins install smm-segments",
                )
            last = latest_activity_day(store, timezone) or today_in(timezone)
            return RenewalTable(segmenter.monthly(store.con, timezone, last, months))
        finally:
            store.close()
