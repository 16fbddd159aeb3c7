"""Number, date and change formatting shared by the reporters (locale-aware, no heavy imports)."""

from __future__ import annotations

from datetime import date, timedelta

from smmcore import i18n
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


def partial_weeks(report: Report, days: list[date]) -> dict[date, int]:
    """The weekly buckets (first day of each week) among ``days`` that hold fewer than 7 days
    of data: the window's first or last week, or a week the data stops in. Maps each to
    its days of data."""
    window = report.series.window
    if window is None:
        return {}
    first = window.start
    last = window.end
    if report.history.last is not None:
        last = min(last, report.history.last)
    found = {}
    for d in days:
        start, end = max(d, first), min(d + timedelta(days=6), last)
        covered = (end - start).days + 1
        if 0 < covered < 7:
            found[d] = covered
    return found


def short(text: str | None, limit: int) -> str:
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


def value_rows(report: Report) -> list[KPIRow]:
    """The KPIs shown as numbers (not as a chart or a list)."""
    return [row for row in report.kpis if row.section is None]


def change_text(row: KPIRow, sv: ScopeValue, lang: str) -> str:
    """The change a reader compares: percentage points for a % KPI, else the relative
    change (``+12.5%``), else the absolute one."""
    if row.unit == "%" or sv.change_pct is None:
        return signed(sv.change, row.unit, lang)
    return pct(sv.change_pct, lang)


def summary(report: Report, limit: int = 4) -> list[tuple[KPIRow, ScopeValue, str, str]]:
    """The KPIs that moved most (largest relative change of the client's value), as
    ``(row, value, sentence, trend)`` where ``trend`` is ``good``, ``bad`` or ``flat``."""
    lang = report.language
    moved = []
    for row in value_rows(report):
        sv = row.client
        if sv is None or sv.value is None or sv.previous is None or sv.change is None:
            continue
        size = abs(sv.change_pct) if sv.change_pct is not None else abs(sv.change) * 100
        moved.append((size, row, sv))
    moved.sort(key=lambda item: -item[0])
    lines = []
    for _size, row, sv in moved[:limit]:
        key = "moved_up" if sv.change > 0 else ("moved_down" if sv.change < 0 else "moved_flat")
        sentence = t(key, lang).format(
            kpi=row.label,
            previous=with_unit(sv.previous, row.unit, lang),
            value=with_unit(sv.value, row.unit, lang),
            change=change_text(row, sv, lang),
        )
        lines.append((row, sv, sentence, trend(row, sv)))
    return lines


def trend_word(kind: str, lang: str) -> str:
    """``good`` / ``to watch`` / ``neither good nor bad`` in ``lang``."""
    return t({"good": "good_news", "bad": "bad_news"}.get(kind, "neutral_news"), lang)


def keyword_unit(unit: str, lang: str) -> str:
    """A keyword tool's unit in words (``relative`` -> ``relative interest, 0-100``)."""
    key = {
        "relative": "unit_relative",
        "views": "unit_views",
        "engagements/post": "unit_engagements_post",
    }.get(unit)
    return t(key, lang) if key else i18n.unit_label(unit, lang)
