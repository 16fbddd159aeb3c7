"""The dashboard's charts: the report's own inline SVG charts (:mod:`smm_reports.svg`), drawn
from the report model. Every label is escaped by the chart functions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from smm_serve.text import t
from smmcore.i18n import weekdays
from smmcore.report_model import Report, Series


def _lines(series: Iterable[Series]) -> list[Any]:
    return [(s.label or s.key, [(p.date, p.value) for p in s.points]) for s in series]


def followers(report: Report, series: list[Series], *, title: str | None = None) -> Any:
    """Followers of ``series`` (one line each) over the report's chart window."""
    from smm_reports import svg

    lang = report.language
    return svg.line_chart(
        _lines(series),
        title=title or t("followers_over_time", lang),
        empty=t("no_data", lang),
        band=(report.period.start, report.period.end),
        height=240,
    )


def engagement(report: Report, series: list[Series], *, title: str | None = None) -> Any:
    """Engagements per week of ``series``."""
    from smm_reports import svg

    lang = report.language
    return svg.line_chart(
        _lines(series),
        title=title or t("engagement_over_time", lang),
        empty=t("no_data", lang),
        zero_based=True,
        band=(report.period.start, report.period.end),
        height=240,
    )


def heatmap(report: Report) -> Any:
    """The best-time grid, or ``None`` when the report has none."""
    from smm_reports import svg

    heat = report.series.best_time
    if heat is None:
        return None
    lang = report.language
    return svg.heatmap(
        heat.values,
        weekdays=weekdays(lang),
        title=t("best_time", lang),
        best=heat.best,
        empty=t("no_data", lang),
    )


def benchmark(report: Report) -> list[tuple[str, Any]]:
    """One bar chart per benchmarked KPI (share of voice first), the client highlighted."""
    from smm_reports import svg

    lang = report.language
    owners = report.benchmark.owners
    charts: list[tuple[str, Any]] = []
    if not owners:
        return charts
    empty = t("no_data", lang)
    if any(o.share_of_voice is not None for o in owners):
        label = t("share_of_voice", lang)
        bars = [(o.owner, o.share_of_voice, o.is_client) for o in owners]
        charts.append((label, svg.bar_chart(bars, title=label, unit="%", empty=empty)))
    rows = {row.name: row for row in report.kpis}
    for name in report.benchmark.kpis:
        row = rows.get(name)
        label = row.label if row else name
        unit = row.unit if row else ""
        bars = [(o.owner, o.values.get(name), o.is_client) for o in owners]
        caption = label + (f" ({unit})" if unit and unit != "count" else "")
        charts.append((caption, svg.bar_chart(bars, title=label, unit=unit, empty=empty)))
    return charts


def keywords(report: Report) -> list[tuple[str, Any]]:
    """One interest-over-time chart per keyword tool and unit, a line per term."""
    from smm_reports import svg

    grouped: dict[tuple[str, str], list[Any]] = {}
    for k in report.keywords:
        if k.points:
            grouped.setdefault((k.tool, k.unit), []).append(
                (k.term, [(p.date, p.value) for p in k.points])
            )
    out = []
    for (tool, unit), lines in grouped.items():
        caption = f"{tool} ({unit})" if unit else tool
        out.append(
            (
                caption,
                svg.line_chart(
                    lines, title=caption, empty=t("no_data", report.language), zero_based=True
                ),
            )
        )
    return out


def section(report: Report, part: Any) -> Any:
    """The time series of a plugin's report section as one line chart, or ``None``."""
    from smm_reports import svg

    if not part.series:
        return None
    return svg.line_chart(
        _lines(part.series),
        title=part.title + (f" ({part.unit})" if part.unit else ""),
        empty=t("no_data", report.language),
        band=(report.period.start, report.period.end),
    )
