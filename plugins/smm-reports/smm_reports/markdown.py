"""The ``markdown`` format: a document for a wiki, an email or a pull request."""

from __future__ import annotations

import re
from typing import TextIO

from smm_reports import fmt
from smmcore.contracts import Reporter
from smmcore.i18n import t, weekdays
from smmcore.report_model import Report

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md_escape(text: str) -> str:
    """Text from a network made inert in Markdown: HTML characters become entities, Markdown
    punctuation is backslash-escaped, newlines become spaces (it goes in table cells), escape
    sequences and control characters are dropped (the file may be printed on a terminal)."""
    from smmcore.safeout import clean_terminal

    one = " ".join(clean_terminal(text).split())
    one = one.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", one)


def _table(
    header: list[str], rows: list[list[str]], right_from: int = 1, right_to: int | None = None
) -> list[str]:
    end = len(header) if right_to is None else right_to
    align = ["---:" if right_from <= i < end else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return [*lines, ""]


class MarkdownReporter(Reporter):
    """GitHub-flavoured Markdown with tables; every network text escaped."""

    def render(self, report: Report, out: TextIO) -> None:
        lang = report.language
        lines: list[str] = [
            f"# {t('report_title', lang)}: {md_escape(report.client.name)}",
            "",
            f"- **{t('period', lang)}:** {fmt.period_text(report)}"
            + ("" if report.period.complete else f" ({t('incomplete', lang)})"),
            f"- **{t('comparison', lang)}:** {fmt.period_text(report, 'comparison')} "
            f"({fmt.compare_text(report)})",
            f"- **{t('timezone', lang)}:** {report.timezone}",
            f"- **{t('generated', lang)}:** "
            f"{fmt.moment(report.generated_at, report.timezone, lang)}",
            "",
        ]
        client_view = report.audience == "client"
        if client_view:
            lines += [f"## {t('summary', lang)}", ""]
            moved = fmt.summary(report)
            if moved:
                intro = t("summary_intro", lang).format(comparison=fmt.compare_text(report))
                lines += [intro, ""]
                lines += [
                    f"- {md_escape(sentence)} **{fmt.trend_word(kind, lang)}**"
                    for _row, _sv, sentence, kind in moved
                ]
            else:
                lines.append(t("summary_none", lang))
            lines.append("")
        lines += [f"## {t('kpis', lang)}", ""]
        rows = []
        for row in report.kpis:
            if row.section is not None:
                continue
            sv = row.client
            if sv is None:
                status = t("error" if row.status == "error" else "no_data", lang)
                rows.append([md_escape(row.label), status, "", "", ""])
                continue
            rows.append(
                [
                    md_escape(row.label),
                    fmt.with_unit(sv.value, row.unit, lang),
                    fmt.with_unit(sv.previous, row.unit, lang),
                    fmt.signed(sv.change, row.unit, lang),
                    fmt.pct(sv.change_pct, lang),
                ]
            )
        header = [t(k, lang) for k in ("kpi", "value", "previous", "change", "change_pct")]
        lines += _table(header, rows)

        client_channels = [c for c in report.channels if c.is_client]
        value_rows = [r for r in report.kpis if r.section is None and r.channels]
        if client_channels and value_rows:
            lines += [f"### {t('per_channel', lang)}", ""]
            rows = []
            for row in value_rows:
                by_id = {sv.scope_id: sv for sv in row.channels}
                rows.append(
                    [md_escape(row.label)]
                    + [
                        fmt.with_unit(by_id[c.id].value if c.id in by_id else None, row.unit, lang)
                        for c in client_channels
                    ]
                )
            lines += _table([t("kpi", lang), *[md_escape(c.label) for c in client_channels]], rows)

        if report.benchmark.owners:
            owners = report.benchmark.owners
            lines += [f"## {t('benchmark', lang)}", ""]
            units = {row.name: (row.label, row.unit) for row in report.kpis}
            rows = [
                [t("share_of_voice", lang)]
                + [fmt.with_unit(o.share_of_voice, "%", lang) for o in owners]
            ]
            for name in report.benchmark.kpis:
                label, unit = units.get(name, (name, ""))
                rows.append(
                    [md_escape(label)]
                    + [fmt.with_unit(o.values.get(name), unit, lang) for o in owners]
                )
            lines += _table([t("kpi", lang), *[md_escape(o.owner) for o in owners]], rows)

        heat = report.series.best_time
        if heat is not None and heat.best:
            names = weekdays(lang)
            slots = ", ".join(f"{names[d]} {h:02d}:00" for d, h in heat.best[:5])
            lines += [f"## {t('best_time', lang)}", "", f"{t('best_slots', lang)}: {slots}", ""]

        if report.top_posts:
            lines += [f"## {t('top_posts', lang)}", ""]
            rows = []
            for post in report.top_posts:
                text = md_escape(fmt.short(post.text, 100))
                if post.url and post.url.startswith(("https://", "http://")):
                    text += f" ([{t('open_link', lang)}](<{md_escape(post.url)}>))"
                rows.append(
                    [
                        fmt.moment(post.created_at, report.timezone, lang),
                        md_escape(f"{post.network}:{post.account}"),
                        text,
                        fmt.number(post.engagements, lang),
                        fmt.with_unit(post.engagement_rate, "%", lang),
                    ]
                )
            header = [
                t(k, lang)
                for k in ("published", "channel", "post", "engagements", "engagement_rate")
            ]
            lines += _table(header, rows, right_from=3)

        if report.segments:
            lines += [f"## {t('segments', lang)}", ""]
            rows = [
                [md_escape(s.name), fmt.number(s.size, lang), md_escape(s.method)]
                for s in report.segments
            ]
            header = [t("segment", lang), t("size", lang), t("method", lang)]
            lines += _table(header, rows, right_to=2)

        if report.keywords:
            lines += [f"## {t('keywords', lang)}", ""]
            for kw in report.keywords:
                parts = [f"**{md_escape(kw.term)}** ({md_escape(kw.tool)})"]
                if kw.points:
                    trend = fmt.interest_text([(p.date, p.value) for p in kw.points], lang)
                    unit = fmt.keyword_unit(kw.unit, lang) if kw.unit else t("axis_interest", lang)
                    parts.append(f"{md_escape(unit)}: {trend}")
                if kw.rising:
                    parts.append(
                        f"{t('rising', lang)}: "
                        + ", ".join(md_escape(r.query) for r in kw.rising[:8])
                    )
                if kw.scores:
                    parts.append(
                        f"{t('own_terms', lang)}: "
                        + ", ".join(
                            f"{md_escape(q.query)} ({fmt.number(q.value, lang)})"
                            for q in kw.scores[:8]
                        )
                    )
                if kw.suggestions:
                    parts.append(
                        f"{t('suggestions', lang)}: "
                        + ", ".join(md_escape(s) for s in kw.suggestions[:8])
                    )
                lines.append("- " + "; ".join(parts))
            lines.append("")

        for section in report.sections:  # contributed by plugins
            lines += [f"## {md_escape(section.title)}", ""]
            if section.text:
                lines += [md_escape(section.text), ""]
            if section.table is not None:
                cells = [
                    [md_escape(c) if isinstance(c, str) else fmt.number(c, lang) for c in row]
                    for row in section.table.rows
                ]
                lines += _table([md_escape(c) for c in section.table.columns], cells)
            for series in section.series:
                last = series.points[-1].value if series.points else None
                lines.append(
                    f"- {md_escape(series.label)}: {fmt.with_unit(last, section.unit, lang)}"
                )
            if section.series:
                lines.append("")

        formulas: list[str] = []
        if report.kpis:
            formulas += [f"## {t('appendix' if client_view else 'formulas', lang)}", ""]
            formulas += [
                f"- **{md_escape(row.label)}** ({md_escape(row.aggregation)}): "
                f"{md_escape(row.formula)}"
                for row in report.kpis
            ]
            formulas.append("")
        if not client_view:
            lines += formulas

        if report.notes:
            lines += [f"## {t('notes', lang)}", ""]
            lines += [f"- {md_escape(n.text)}" for n in report.notes]
            lines.append("")
        if client_view:
            lines += formulas
        lines.append(f"_{t('footer_client' if client_view else 'footer', lang)}_")
        out.write("\n".join(lines) + "\n")
