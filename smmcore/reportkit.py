"""Reporter helpers: numbers, units, changes and dates in the report's language.

Every reporter (first-party or not) formats values the same way: ``1,234.5`` in English and
``1.234,5`` in Italian, ``n/a`` (``n.d.``) for an unknown value, never ``0``. Pure functions,
no heavy imports::

    from smmcore.reportkit import day, number, with_unit

    with_unit(row.client.value, row.unit, report.language)
"""

from __future__ import annotations

from datetime import date, datetime

from smmcore.i18n import t

__all__ = ["day", "moment", "number", "pct", "signed", "with_unit"]


def number(value: float | None, lang: str = "en", digits: int | None = None) -> str:
    """``1,234.5`` in English, ``1.234,5`` in Italian; ``n/a`` (``n.d.``) for ``None``."""
    if value is None:
        return t("unknown", lang)
    if digits is None:
        digits = (
            0 if float(value).is_integer() and abs(value) >= 1 else (1 if abs(value) >= 100 else 2)
        )
    text = f"{value:,.{digits}f}"
    if lang == "it":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def with_unit(value: float | None, unit: str, lang: str = "en") -> str:
    """The value followed by its unit (``3.2%``, ``4.5 posts/week``)."""
    if value is None:
        return t("unknown", lang)
    if unit == "%":
        return number(value, lang) + "%"
    if unit in ("", "count"):
        return number(value, lang)
    return f"{number(value, lang)} {unit}"


def signed(value: float | None, unit: str = "", lang: str = "en") -> str:
    """A change with its sign: ``+12``, ``-3.4%``; ``n/a`` for ``None``."""
    if value is None:
        return t("unknown", lang)
    sign = "+" if value > 0 else ("-" if value < 0 else "±")
    body = number(abs(value), lang)
    if unit == "%":
        body += " pp" if lang == "en" else " p.p."
    return f"{sign}{body}"


def pct(value: float | None, lang: str = "en") -> str:
    """A relative change: ``+12.5%``; ``n/a`` for ``None``."""
    if value is None:
        return t("unknown", lang)
    sign = "+" if value > 0 else ("-" if value < 0 else "±")
    return f"{sign}{number(abs(value), lang, 1)}%"


def day(value: date | datetime, lang: str = "en") -> str:
    """``2026-03-01`` in English, ``01/03/2026`` in Italian."""
    d = value.date() if isinstance(value, datetime) else value
    return d.strftime("%d/%m/%Y") if lang == "it" else d.isoformat()


def moment(value: datetime, timezone: str, lang: str = "en") -> str:
    """A timestamp in the client's time zone, to the minute."""
    from zoneinfo import ZoneInfo

    local = value.astimezone(ZoneInfo(timezone))
    return f"{day(local, lang)} {local:%H:%M}"
