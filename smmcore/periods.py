"""Parsing report periods: ``--period 30d|90d|YYYY-MM|FROM..TO`` and ``--compare previous|year``.

Periods are calendar days in the client's time zone. Relative periods (``30d``) end on the
*anchor*: the day of the latest data in the store, or today when the store is empty, so a
report over an export that stopped last week is not a report of empty days.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from smmcore.contracts import Period
from smmcore.errors import SmmError

PERIOD_FORMS = (
    "Nd (30d, 90d), Nw (12w), YYYY-MM (2026-03), YYYY-Qn (2026-Q3), YYYY-Hn (2026-H1), "
    "YYYY (2026) or FROM..TO (2026-01-01..2026-01-31)"
)
COMPARE_FORMS = ("previous", "year")

_DAYS_RE = re.compile(r"^(\d{1,4})\s*([dw])$")
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR_RE = re.compile(r"^(\d{4})$")
_PART_RE = re.compile(r"^(\d{4})-([qh])(\d)$", re.IGNORECASE)
"""``2026-Q3`` (a quarter) or ``2026-H1`` (a half year)."""


def today_in(timezone: str, now: datetime | None = None) -> date:
    """The calendar day it is in ``timezone`` at ``now`` (default: the current time)."""
    now = now or datetime.now(ZoneInfo("UTC"))
    if now.tzinfo is None:
        now = now.replace(tzinfo=ZoneInfo("UTC"))
    return now.astimezone(ZoneInfo(timezone)).date()


def _bad(spec: str, why: str) -> SmmError:
    return SmmError(f"invalid period {spec!r}: {why}", hint=f"use {PERIOD_FORMS}")


def _parse_date(spec: str, text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise _bad(spec, f"{text.strip()!r} is not a date (YYYY-MM-DD)") from None


def _month(year: int, month: int) -> Period:
    start = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return Period(start, nxt - timedelta(days=1))


def _months(year: int, first: int, count: int) -> Period:
    start = _month(year, first).start
    end = _month(year + (first + count - 2) // 12, (first + count - 2) % 12 + 1).end
    return Period(start, end)


def _part(spec: str, year: int, kind: str, index: int) -> Period:
    """Quarter ``index`` (1-4) or half ``index`` (1-2) of ``year``."""
    size = 3 if kind == "q" else 6
    count = 12 // size
    if not 1 <= index <= count:
        name = "quarter" if kind == "q" else "half"
        raise _bad(spec, f"a year has {count} {name}s: {kind.upper()}1 to {kind.upper()}{count}")
    return _months(year, (index - 1) * size + 1, size)


def parse_period(spec: str, anchor: date) -> Period:
    """Turn a period spec into a :class:`~smmcore.contracts.Period`.

    :param spec: ``"30d"`` (the 30 days ending on ``anchor``), ``"12w"`` (12 weeks, the same),
        ``"2026-03"`` (that month), ``"2026-Q3"`` (that quarter), ``"2026-H1"`` (that half
        year), ``"2026"`` (that year) or ``"2026-01-01..2026-01-31"``.
    :param anchor: the last day of relative periods (the day of the latest data, or today).
    :raises SmmError: with the accepted forms, when ``spec`` is none of them.
    """
    text = (spec or "").strip().lower()
    if not text:
        raise _bad(spec, "it is empty")
    if m := _DAYS_RE.match(text):
        count = int(m.group(1)) * (7 if m.group(2) == "w" else 1)
        if count < 1:
            raise _bad(spec, "a period lasts at least one day")
        return Period(anchor - timedelta(days=count - 1), anchor)
    if m := _MONTH_RE.match(text):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise _bad(spec, f"there is no month {month:02d}")
        return _month(year, month)
    if m := _PART_RE.match(text):
        return _part(spec, int(m.group(1)), m.group(2).lower(), int(m.group(3)))
    if m := _YEAR_RE.match(text):
        year = int(m.group(1))
        return Period(date(year, 1, 1), date(year, 12, 31))
    if ".." in text:
        left, _, right = text.partition("..")
        start, end = _parse_date(spec, left), _parse_date(spec, right)
        if end < start:
            raise _bad(spec, f"it ends ({end}) before it starts ({start})")
        return Period(start, end)
    raise _bad(spec, "unrecognised form")


def comparison_period(period: Period, compare: str, spec: str = "") -> Period:
    """The period to compare ``period`` with.

    ``"previous"``: the period of the same length just before (for a calendar month spec such
    as ``"2026-03"``, the previous calendar month; for a quarter or a half year, the previous
    one; for a year, the previous year).
    ``"year"``: the same dates one year earlier.
    """
    mode = (compare or "").strip().lower()
    if mode == "year":
        return period.year_before()
    if mode != "previous":
        raise SmmError(
            f"invalid comparison {compare!r}", hint="use --compare previous or --compare year"
        )
    text = (spec or "").strip()
    if _MONTH_RE.match(text):
        before = period.start - timedelta(days=1)
        return _month(before.year, before.month)
    if m := _PART_RE.match(text):
        kind, index, year = m.group(2).lower(), int(m.group(3)), int(m.group(1))
        count = 4 if kind == "q" else 2
        if index == 1:
            return _part(text, year - 1, kind, count)
        return _part(text, year, kind, index - 1)
    if _YEAR_RE.match(text):
        return Period(date(period.start.year - 1, 1, 1), date(period.start.year - 1, 12, 31))
    return period.previous()


def resolve_periods(spec: str, compare: str, anchor: date) -> tuple[Period, Period]:
    """Parse ``spec`` and ``compare`` together: ``(period, comparison)``."""
    period = parse_period(spec, anchor)
    return period, comparison_period(period, compare, spec)
