"""Number, date and change formatting shared by the reporters (locale-aware, no heavy imports)."""

from __future__ import annotations

from datetime import date

from smmcore.i18n import t
from smmcore.report_model import KPIRow, Report, ScopeValue
from smmcore.reportkit import day, moment, number, pct, signed, with_unit

__all__ = ["day", "moment", "number", "pct", "signed", "with_unit"]


def trend(row: KPIRow, value: ScopeValue | None) -> str:
    """``good``, ``bad`` or ``flat`` for a change, given the KPI's direction."""
    if value is None or value.change is None or value.change == 0 or row.direction == "neutral":
        return "flat"
    up = value.change > 0
    return "good" if up == (row.direction == "higher_is_better") else "bad"


def period_text(report: Report, which: str = "period") -> str:
    """``2026-03-01 - 2026-03-31`` (with an en dash) for the report's period or comparison."""
    p = report.period if which == "period" else report.comparison
    return f"{day(p.start, report.language)} \u2013 {day(p.end, report.language)}"


def compare_text(report: Report) -> str:
    """How the comparison period was chosen, in words."""
    return t("compare_year" if report.compare == "year" else "compare_previous", report.language)


def short(text: str | None, limit: int = 80) -> str:
    """A one-line excerpt of ``text`` (a post), at most ``limit`` characters, without control
    characters or escape sequences."""
    from smmcore.safeout import clean_terminal

    one = " ".join(clean_terminal(text or "").split())
    return one if len(one) <= limit else one[: limit - 1].rstrip() + "…"


_BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None], width: int = 24) -> str:
    """A one-line chart of ``values`` (the last ``width``), unknown points as spaces."""
    recent = values[-width:]
    known = [v for v in recent if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    return "".join(
        " " if v is None else _BLOCKS[round((v - low) / span * (len(_BLOCKS) - 1))] for v in recent
    )


def interest_text(points: list[tuple[date, float | None]], lang: str = "en") -> str:
    """``first → last (min-max, first day - last day)`` of an interest series; empty when
    nothing is known."""
    known = [(d, v) for d, v in points if v is not None]
    if not known:
        return ""
    values = [v for _, v in known]
    return (
        f"{number(values[0], lang)} → {number(values[-1], lang)} "
        f"({number(min(values), lang)}\u2013{number(max(values), lang)}, "
        f"{day(known[0][0], lang)} \u2013 {day(known[-1][0], lang)})"
    )
