"""Parsing --period and --compare into periods of calendar days."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from smmcore.contracts import Period
from smmcore.errors import SmmError
from smmcore.periods import comparison_period, parse_period, resolve_periods, today_in

ANCHOR = date(2026, 3, 15)


def test_last_30_days_end_on_the_anchor() -> None:
    period, previous = resolve_periods("30d", "previous", ANCHOR)
    assert period == Period(date(2026, 2, 14), date(2026, 3, 15))
    assert period.days == 30
    assert previous == Period(date(2026, 1, 15), date(2026, 2, 13))


def test_90d_and_weeks() -> None:
    assert parse_period("90d", ANCHOR) == Period(date(2025, 12, 16), date(2026, 3, 15))
    assert parse_period("2w", ANCHOR) == Period(date(2026, 3, 2), date(2026, 3, 15))


def test_month_compares_with_the_previous_calendar_month() -> None:
    period, previous = resolve_periods("2026-03", "previous", ANCHOR)
    assert period == Period(date(2026, 3, 1), date(2026, 3, 31))
    assert previous == Period(date(2026, 2, 1), date(2026, 2, 28))
    _, january = resolve_periods("2026-01", "previous", ANCHOR)
    assert january == Period(date(2025, 12, 1), date(2025, 12, 31))


def test_year_comparison_takes_the_same_dates_a_year_earlier() -> None:
    period, year = resolve_periods("2026-03", "year", ANCHOR)
    assert year == Period(date(2025, 3, 1), date(2025, 3, 31))
    leap = Period(date(2024, 2, 1), date(2024, 2, 29))
    assert comparison_period(leap, "year") == Period(date(2023, 2, 1), date(2023, 2, 28))
    assert period.start == date(2026, 3, 1)


def test_explicit_range() -> None:
    period, previous = resolve_periods("2026-01-01..2026-01-31", "previous", ANCHOR)
    assert period == Period(date(2026, 1, 1), date(2026, 1, 31))
    assert previous == Period(date(2025, 12, 1), date(2025, 12, 31))
    _, year = resolve_periods("2026-01-01..2026-01-31", "year", ANCHOR)
    assert year == Period(date(2025, 1, 1), date(2025, 1, 31))


def test_whole_year() -> None:
    period, previous = resolve_periods("2025", "previous", ANCHOR)
    assert period == Period(date(2025, 1, 1), date(2025, 12, 31))
    assert previous == Period(date(2024, 1, 1), date(2024, 12, 31))


@pytest.mark.parametrize(
    ("spec", "why"),
    [
        ("", "empty"),
        ("last month", "unrecognised"),
        ("2026-13", "no month 13"),
        ("2026-01-31..2026-01-01", "ends (2026-01-01) before it starts"),
        ("2026-01-01..tomorrow", "'tomorrow' is not a date"),
        ("0d", "at least one day"),
    ],
)
def test_invalid_periods_say_what_is_accepted(spec: str, why: str) -> None:
    with pytest.raises(SmmError) as info:
        parse_period(spec, ANCHOR)
    message = info.value.format_message()
    assert why in message
    assert "30d" in message and "YYYY-MM" in message and "FROM..TO" in message


def test_invalid_comparison() -> None:
    with pytest.raises(SmmError, match="invalid comparison 'last'"):
        resolve_periods("30d", "last", ANCHOR)


def test_today_follows_the_client_time_zone() -> None:
    late = datetime(2026, 3, 15, 23, 30, tzinfo=UTC)
    assert today_in("Europe/Rome", late) == date(2026, 3, 16)
    assert today_in("America/New_York", late) == date(2026, 3, 15)


@pytest.mark.parametrize(
    ("spec", "period", "previous"),
    [
        ("2026-Q3", ("2026-07-01", "2026-09-30"), ("2026-04-01", "2026-06-30")),
        ("2026-q1", ("2026-01-01", "2026-03-31"), ("2025-10-01", "2025-12-31")),
        ("2026-H1", ("2026-01-01", "2026-06-30"), ("2025-07-01", "2025-12-31")),
        ("2026-H2", ("2026-07-01", "2026-12-31"), ("2026-01-01", "2026-06-30")),
    ],
)
def test_quarters_and_halves_compare_with_the_one_before(spec, period, previous) -> None:
    p, c = resolve_periods(spec, "previous", date(2026, 11, 25))
    assert (p.start.isoformat(), p.end.isoformat()) == period
    assert (c.start.isoformat(), c.end.isoformat()) == previous
    y = resolve_periods(spec, "year", date(2026, 11, 25))[1]
    assert y.start.year == p.start.year - 1 and y.start.month == p.start.month


@pytest.mark.parametrize(("spec", "why"), [("2026-Q5", "Q1 to Q4"), ("2026-H3", "H1 to H2")])
def test_a_quarter_or_half_that_does_not_exist(spec: str, why: str) -> None:
    with pytest.raises(SmmError) as info:
        parse_period(spec, date(2026, 11, 25))
    assert why in info.value.format_message() and "YYYY-Qn (2026-Q3)" in info.value.format_message()
