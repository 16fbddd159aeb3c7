"""The ``html`` format: one self-contained file (inline CSS and SVG; no script, font or CDN).

The template is rendered by jinja2 with autoescaping on, so every string from the report
model (post texts, account names, search terms) is escaped; the charts are built by
:mod:`smm_reports.svg`, which escapes its own text.
"""

from __future__ import annotations

from typing import Any, TextIO

from smm_reports import fmt, svg
from smmcore.contracts import Reporter
from smmcore.i18n import t, weekdays
from smmcore.report_model import Report


def _safe_url(url: str | None) -> str | None:
    """Only http(s) links are kept (no ``javascript:`` or ``data:`` from a network)."""
    if url and url.strip().lower().startswith(("https://", "http://")):
        return url.strip()
    return None


def _charts(report: Report) -> dict[str, Any]:
    lang = report.language
    empty = t("no_data", lang)
    labels = {c.id: c.label for c in report.channels}

    def lines(series: list[Any]) -> list[svg.Line]:
        return [
            (s.label or labels.get(s.channel or "", s.key), [(p.date, p.value) for p in s.points])
            for s in series
        ]

    client_followers = [s for s in report.series.followers if s.is_client]
    client_engagement = [s for s in report.series.engagement if s.is_client]
    band = (report.period.start, report.period.end)
    followers = []
    for i, (label, points) in enumerate(lines(client_followers)):
        known = [v for _d, v in points if v is not None]
        caption = label
        if known:
            caption += f": {fmt.number(known[0], lang)} \u2192 {fmt.number(known[-1], lang)}"
        chart = svg.line_chart(
            [(label, points)],
            title=label,
            empty=empty,
            width=480,
            height=200,
            legend=False,
            color=svg.PALETTE[i % len(svg.PALETTE)],
            band=band,
        )
        followers.append((caption, chart))
    charts: dict[str, Any] = {
        "followers": followers,
        "engagement": svg.line_chart(
            lines(client_engagement),
            title=t("engagement_over_time", lang),
            empty=empty,
            zero_based=True,
            band=band,
        ),
        "heatmap": None,
        "benchmark": [],
    }
    heat = report.series.best_time
    if heat is not None:
        charts["heatmap"] = svg.heatmap(
            heat.values,
            weekdays=weekdays(lang),
            title=t("best_time", lang),
            best=heat.best,
            empty=empty,
        )
    owners = report.benchmark.owners
    if owners:
        rows = {row.name: row for row in report.kpis}
        if any(o.share_of_voice is not None for o in owners):
            charts["benchmark"].append(
                (
                    t("share_of_voice", lang),
                    svg.bar_chart(
                        [(o.owner, o.share_of_voice, o.is_client) for o in owners],
                        title=t("share_of_voice", lang),
                        unit="%",
                        empty=empty,
                    ),
                )
            )
        for name in report.benchmark.kpis:
            row = rows.get(name)
            label = row.label if row else name
            unit = row.unit if row else ""
            charts["benchmark"].append(
                (
                    f"{label}" + (f" ({unit})" if unit and unit != "count" else ""),
                    svg.bar_chart(
                        [(o.owner, o.values.get(name), o.is_client) for o in owners],
                        title=label,
                        unit=unit,
                        empty=empty,
                    ),
                )
            )
    charts["keywords"] = _keyword_charts(report, empty)
    return charts


def _keyword_charts(report: Report, empty: str) -> list[tuple[str, Any]]:
    """One interest-over-time chart per keyword tool and unit, a line per term (a tool's
    relative values are comparable across its terms: smm-trends rescales its batches)."""
    grouped: dict[tuple[str, str], list[svg.Line]] = {}
    for k in report.keywords:
        if k.points:
            points = [(p.date, p.value) for p in k.points]
            grouped.setdefault((k.tool, k.unit), []).append((k.term, points))
    charts = []
    for (tool, unit), lines in grouped.items():
        caption = f"{tool} ({unit})" if unit else tool
        charts.append((caption, svg.line_chart(lines, title=caption, empty=empty, zero_based=True)))
    return charts


def _finalize(value: Any) -> Any:
    """Every inserted text without control characters or escape sequences (markup built
    here, such as the charts, is already clean)."""
    from markupsafe import Markup

    from smmcore.safeout import clean_terminal

    if isinstance(value, str) and not isinstance(value, Markup):
        return clean_terminal(value)
    return value


class HTMLReporter(Reporter):
    """Renders ``templates/report.html.j2`` with autoescaping; charts as inline SVG."""

    def render(self, report: Report, out: TextIO) -> None:
        out.write(render_html(report))


def render_html(report: Report) -> str:
    """The whole HTML document of ``report``."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("smm_reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    template = env.get_template("report.html.j2")
    lang = report.language
    client_channels = [c for c in report.channels if c.is_client]
    value_rows = [row for row in report.kpis if row.section is None]
    return template.render(
        r=report,
        lang=lang,
        t=lambda key: t(key, lang),
        f=fmt,
        charts=_charts(report),
        value_rows=value_rows,
        client_channels=client_channels,
        channel_table=[
            (row, [{sv.scope_id: sv for sv in row.channels}.get(c.id) for c in client_channels])
            for row in value_rows
            if row.channels
        ],
        safe_url=_safe_url,
        weekdays=weekdays(lang),
    )
