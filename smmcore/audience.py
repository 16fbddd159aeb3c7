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
from smmcore.errors import SmmError
from smmcore.i18n import language_of

if TYPE_CHECKING:
    from smmcore.models import Segment
    from smmcore.plugins import PluginHost
    from smmcore.store import Store
    from smmcore.workspace import Workspace


@dataclass
class SegmentationResult:
    """Segments in segmenter order, and one line per segmenter that failed."""

    period: Period
    segments: list[Segment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def find(self, name: str) -> Segment:
        """One segment by name, or a clear error listing the names there are."""
        for segment in self.segments:
            if segment.name == name:
                return segment
        known = ", ".join(s.name for s in self.segments) or "none"
        raise SmmError(f"no segment named {name!r} (segments: {known})")


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
