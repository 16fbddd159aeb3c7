"""Reporter helpers: numbers, units, changes and dates in the report's language.

Every reporter (first-party or not) formats values the same way: ``1,234.5`` in English and
``1.234,5`` in Italian, ``n/a`` (``n.d.``) for an unknown value, never ``0``. Pure functions;
Babel's locale data is imported on first use::

    from smmcore.reportkit import day, number, with_unit

    with_unit(row.client.value, row.unit, report.language)
"""

from __future__ import annotations

from datetime import date, datetime

from smmcore import i18n
from smmcore.i18n import t

__all__ = ["day", "moment", "number", "pct", "signed", "with_unit"]


def number(value: float | None, lang: str = "en", digits: int | None = None) -> str:
    """``1,234.5`` in English, ``1.234,5`` in Italian (CLDR, through Babel); whole numbers
    without decimals, values under 1 with two significant digits; ``n/a`` (``n.d.``) for
    ``None``."""
    return i18n.number(value, lang, digits)


def with_unit(value: float | None, unit: str, lang: str = "en") -> str:
    """The value followed by its unit (``3.2%``, ``4.5 posts/week``); a share under 0.01%
    reads ``< 0.01%``, never ``0.00%``."""
    if value is None:
        return t("unknown", lang)
    if unit == "%":
        return i18n.percent(value, lang)
    if unit in ("", "count"):
        return number(value, lang)
    return f"{number(value, lang)} {unit}"


def signed(value: float | None, unit: str = "", lang: str = "en") -> str:
    """A change with its sign: ``+12``, ``-3.4 pp`` (percentage points for a % KPI);
    ``n/a`` for ``None``."""
    if value is None:
        return t("unknown", lang)
    sign = "+" if value > 0 else ("-" if value < 0 else "±")
    body = number(abs(value), lang)
    if unit == "%":
        body += " " + t("pp", lang)
    return f"{sign}{body}"


def pct(value: float | None, lang: str = "en") -> str:
    """A relative change: ``+12.5%``; ``n/a`` for ``None``."""
    if value is None:
        return t("unknown", lang)
    sign = "+" if value > 0 else ("-" if value < 0 else "±")
    return f"{sign}{number(abs(value), lang, 1)}%"


def day(value: date | datetime, lang: str = "en") -> str:
    """``2026-03-01`` in English, ``01/03/2026`` in Italian."""
    return i18n.day(value, lang)


def moment(value: datetime, timezone: str, lang: str = "en") -> str:
    """A timestamp in the client's time zone, to the minute."""
    from zoneinfo import ZoneInfo

    local = value.astimezone(ZoneInfo(timezone))
    return f"{day(local, lang)} {local:%H:%M}"
