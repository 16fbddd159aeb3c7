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


def charts(report: Report) -> dict[str, Any]:
    """Every chart of ``report`` as inline SVG (reusable by other HTML pages): ``followers``
    and ``benchmark`` are lists of ``(caption, svg)``, ``engagement`` and ``heatmap`` one
    SVG (``None`` without data), ``keywords`` a list of ``(caption, svg)``."""
    lang = report.language
    empty = t("no_data", lang)
    labels = {c.id: c.label for c in report.channels}
    primary = report.brand.primary if report.brand else None

    def lines(series: list[Any]) -> list[svg.Line]:
        return [
            (s.label or labels.get(s.channel or "", s.key), [(p.date, p.value) for p in s.points])
            for s in series
        ]

    client_followers = [s for s in report.series.followers if s.is_client]
    client_engagement = [s for s in report.series.engagement if s.is_client]
    band = (report.period.start, report.period.end)
    weekly = report.series.followers_granularity == "week"
    followers = []
    for i, (label, points) in enumerate(lines(client_followers)):
        known = [v for _d, v in points if v is not None]
        caption = label
        if known:
            caption += f": {fmt.number(known[0], lang)} \u2192 {fmt.number(known[-1], lang)}"
        chart = svg.line_chart(
            [(label, points)],
            title=label,
            lang=lang,
            y_title=t("axis_followers", lang),
            x_title=t("axis_week" if weekly else "axis_date", lang),
            empty=empty,
            width=480,
            height=250,
            legend=False,
            color=primary if (primary and i == 0) else svg.PALETTE[i % len(svg.PALETTE)],
            band=band,
        )
        followers.append((caption, chart))
    engagement_lines = lines(client_engagement)
    weeks = sorted({d for _label, pts in engagement_lines for d, v in pts if v is not None})
    result: dict[str, Any] = {
        "followers": followers,
        "engagement": svg.line_chart(
            engagement_lines,
            title=t("engagement_over_time", lang),
            lang=lang,
            y_title=t("axis_engagements", lang),
            x_title=t("axis_week", lang),
            empty=empty,
            zero_based=True,
            band=band,
            partial=fmt.partial_weeks(report, weeks),
            bucket_days=7,
        ),
        "heatmap": None,
        "benchmark": [],
    }
    heat = report.series.best_time
    if heat is not None:
        result["heatmap"] = svg.heatmap(
            heat.values,
            weekdays=weekdays(lang),
            title=t("best_time", lang),
            lang=lang,
            best=heat.best,
            empty=empty,
        )
    owners = report.benchmark.owners
    if owners:
        rows = {row.name: row for row in report.kpis}
        if any(o.share_of_voice is not None for o in owners):
            result["benchmark"].append(
                (
                    t("share_of_voice", lang),
                    svg.bar_chart(
                        [(o.owner, o.share_of_voice, o.is_client) for o in owners],
                        title=t("share_of_voice", lang),
                        lang=lang,
                        unit="%",
                        empty=empty,
                    ),
                )
            )
        for name in report.benchmark.kpis:
            row = rows.get(name)
            label = row.label if row else name
            unit = row.unit if row else ""
            result["benchmark"].append(
                (
                    f"{label}" + (f" ({unit})" if unit and unit != "count" else ""),
                    svg.bar_chart(
                        [(o.owner, o.values.get(name), o.is_client) for o in owners],
                        title=label,
                        lang=lang,
                        unit=unit,
                        empty=empty,
                    ),
                )
            )
    result["keywords"] = _keyword_charts(report, empty)
    return result


def _keyword_charts(report: Report, empty: str) -> list[tuple[str, Any]]:
    """One interest-over-time chart per keyword tool and unit, a line per term (a tool's
    relative values are comparable across its terms: smm-trends rescales its batches)."""
    lang = report.language
    grouped: dict[tuple[str, str], list[svg.Line]] = {}
    for k in report.keywords:
        if k.points:
            points = [(p.date, p.value) for p in k.points]
            grouped.setdefault((k.tool, k.unit), []).append((k.term, points))
    result = []
    for (tool, unit), lines in grouped.items():
        caption = f"{tool} ({fmt.keyword_unit(unit, lang)})" if unit else tool
        result.append(
            (
                caption,
                svg.line_chart(
                    lines,
                    title=caption,
                    lang=lang,
                    y_title=t("axis_interest", lang),
                    x_title=t("axis_date", lang),
                    empty=empty,
                    zero_based=True,
                ),
            )
        )
    return result


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


def render_html(report: Report, *, for_print: bool = False) -> str:
    """The whole HTML document of ``report`` (``for_print``: laid out for A4 pages)."""
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
    value_rows = fmt.value_rows(report)
    return template.render(
        r=report,
        lang=lang,
        t=lambda key, **params: t(key, lang).format(**params) if params else t(key, lang),
        f=fmt,
        charts=charts(report),
        value_rows=value_rows,
        client_channels=client_channels,
        channel_table=[
            (row, [{sv.scope_id: sv for sv in row.channels}.get(c.id) for c in client_channels])
            for row in value_rows
            if row.channels
        ],
        safe_url=_safe_url,
        weekdays=weekdays(lang),
        client_view=report.audience == "client",
        summary=fmt.summary(report),
        brand=report.brand,
        for_print=for_print,
    )
