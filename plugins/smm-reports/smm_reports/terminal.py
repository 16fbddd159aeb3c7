"""The ``terminal`` format: rich tables (plain text when written to a file)."""

from __future__ import annotations

from typing import Any, TextIO

from smm_reports import fmt
from smmcore.contracts import Reporter
from smmcore.i18n import t, weekdays
from smmcore.report_model import KPIRow, Report
from smmcore.safeout import clean_terminal

_TREND_STYLE = {"good": "green", "bad": "red", "flat": ""}


def _plain(
    text: str,
    style: str = "",
) -> Any:
    """Rich text of ``text`` as plain characters: no markup, no escape sequence."""
    from rich.text import Text

    return Text(clean_terminal(text), style=style)


def _value_rows(report: Report) -> list[KPIRow]:
    return [row for row in report.kpis if row.section is None]


class TerminalReporter(Reporter):
    """Header, KPI table with changes, per-channel values, benchmark, best time, top posts,
    formulas and notes. Text from social networks goes in as plain :class:`rich.text.Text`,
    never as markup."""

    def render(self, report: Report, out: TextIO) -> None:
        from rich.panel import Panel
        from rich.table import Table
        from rich.text import Text

        lang = report.language
        is_tty = bool(getattr(out, "isatty", lambda: False)())
        from smmcore.safeout import safe_console

        console = safe_console(
            file=out, width=None if is_tty else 110, highlight=False, soft_wrap=False
        )

        head = Text()
        head.append(f"{t('report_title', lang)}: ", style="bold")
        head.append(clean_terminal(report.client.name), style="bold cyan")
        head.append(f"\n{t('period', lang)}: {fmt.period_text(report)}")
        if not report.period.complete:
            head.append(f" ({t('incomplete', lang)})", style="yellow")
        head.append(
            f"\n{t('comparison', lang)}: {fmt.period_text(report, 'comparison')} "
            f"({fmt.compare_text(report)})"
        )
        head.append(f"\n{t('timezone', lang)}: {report.timezone}")
        console.print(Panel(head, expand=False))

        client_view = report.audience == "client"
        if client_view:
            console.print(_plain(t("summary", lang), style="bold"))
            lines = fmt.summary(report)
            if lines:
                console.print(
                    _plain(t("summary_intro", lang).format(comparison=fmt.compare_text(report)))
                )
                for _row, _sv, sentence, kind in lines:
                    style = _TREND_STYLE[kind]
                    console.print(
                        Text.assemble(
                            "- ",
                            clean_terminal(sentence),
                            " ",
                            (f"[{fmt.trend_word(kind, lang)}]", style),
                        )
                    )
            else:
                console.print(_plain(t("summary_none", lang)))
            console.print()

        rows = _value_rows(report)
        table = Table(title=t("kpis", lang), title_justify="left", show_lines=False)
        table.add_column(t("kpi", lang))
        for key in ("value", "previous", "change", "change_pct"):
            table.add_column(t(key, lang), justify="right")
        for row in rows:
            sv = row.client
            if row.status == "error":
                table.add_row(_plain(row.label), _plain(t("error", lang), style="red"), "", "", "")
                continue
            if sv is None:
                table.add_row(_plain(row.label), t("no_data", lang), "", "", "")
                continue
            style = _TREND_STYLE[fmt.trend(row, sv)]
            table.add_row(
                _plain(row.label),
                fmt.with_unit(sv.value, row.unit, lang),
                fmt.with_unit(sv.previous, row.unit, lang),
                _plain(fmt.signed(sv.change, row.unit, lang), style=style),
                _plain(fmt.pct(sv.change_pct, lang), style=style),
            )
        console.print(table)

        channel_ids = [c.id for c in report.channels if c.is_client]
        if channel_ids and any(row.channels for row in rows):
            per = Table(title=t("per_channel", lang), title_justify="left")
            per.add_column(t("kpi", lang))
            labels = {c.id: c.label for c in report.channels}
            for cid in channel_ids:
                per.add_column(_plain(labels.get(cid, cid)), justify="right")
            for row in rows:
                by_id = {sv.scope_id: sv for sv in row.channels}
                if not by_id:
                    continue
                cells = []
                for cid in channel_ids:
                    sv = by_id.get(cid)
                    cells.append(fmt.with_unit(sv.value if sv else None, row.unit, lang))
                per.add_row(_plain(row.label), *cells)
            console.print(per)

        if report.benchmark.owners:
            bench = Table(title=t("benchmark", lang), title_justify="left")
            bench.add_column(t("kpi", lang))
            for owner in report.benchmark.owners:
                bench.add_column(
                    _plain(owner.owner, style="bold cyan" if owner.is_client else ""),
                    justify="right",
                )
            sov = [o.share_of_voice for o in report.benchmark.owners]
            if any(v is not None for v in sov):
                bench.add_row(
                    t("share_of_voice", lang), *[fmt.with_unit(v, "%", lang) for v in sov]
                )
            units = {row.name: (row.label, row.unit) for row in report.kpis}
            for name in report.benchmark.kpis:
                label, unit = units.get(name, (name, ""))
                bench.add_row(
                    _plain(label),
                    *[
                        fmt.with_unit(o.values.get(name), unit, lang)
                        for o in report.benchmark.owners
                    ],
                )
            console.print(bench)

        heat = report.series.best_time
        if heat is not None and heat.best:
            names = weekdays(lang)
            slots = ", ".join(f"{names[d]} {h:02d}:00" for d, h in heat.best[:5])
            console.print(Text.assemble((f"{t('best_slots', lang)}: ", "bold"), slots))

        if report.top_posts:
            top = Table(title=t("top_posts", lang), title_justify="left")
            top.add_column(t("published", lang), no_wrap=True)
            top.add_column(t("network", lang), no_wrap=True)
            top.add_column(t("post", lang), max_width=48, overflow="ellipsis", no_wrap=True)
            top.add_column(t("engagements", lang), justify="right")
            top.add_column(t("engagement_rate", lang), justify="right")
            for post in report.top_posts:
                top.add_row(
                    fmt.moment(post.created_at, report.timezone, lang),
                    _plain(post.network),
                    _plain(fmt.short(post.text, 60)),
                    fmt.number(post.engagements, lang),
                    fmt.with_unit(post.engagement_rate, "%", lang),
                )
            console.print(top)

        if report.segments:
            seg = Table(title=t("segments", lang), title_justify="left")
            seg.add_column(t("segment", lang))
            seg.add_column(t("size", lang), justify="right")
            seg.add_column(t("method", lang))
            for s in report.segments:
                seg.add_row(_plain(s.name), fmt.number(s.size, lang), _plain(s.method))
            console.print(seg)

        for kw in report.keywords:
            line = Text.assemble(
                (f"{t('term', lang)}: ", "bold"), clean_terminal(kw.term), f" ({kw.tool})"
            )
            if kw.points:
                points = [(p.date, p.value) for p in kw.points]
                spark = fmt.sparkline([v for _, v in points])
                line.append(f"  {spark} {fmt.interest_text(points, lang)}")
            if kw.rising:
                line.append(
                    f"  {t('rising', lang)}: "
                    + ", ".join(clean_terminal(r.query) for r in kw.rising[:5])
                )
            if kw.scores:
                line.append(
                    f"  {t('own_terms', lang)}: "
                    + ", ".join(
                        f"{clean_terminal(q.query)} ({fmt.number(q.value, lang)})"
                        for q in kw.scores[:5]
                    )
                )
            if kw.suggestions:
                line.append(
                    f"  {t('suggestions', lang)}: "
                    + ", ".join(clean_terminal(x) for x in kw.suggestions[:5])
                )
            console.print(line)

        for section in report.sections:  # contributed by plugins
            console.print(_plain(section.title, style="bold"))
            if section.text:
                console.print(_plain(section.text))
            if section.table is not None:
                table = Table(show_header=True)
                for column in section.table.columns:
                    table.add_column(_plain(column))
                for cells in section.table.rows:
                    table.add_row(
                        *(_plain(c) if isinstance(c, str) else fmt.number(c, lang) for c in cells)
                    )
                console.print(table)
            for series in section.series:
                values = [p.value for p in series.points]
                console.print(
                    Text.assemble(
                        clean_terminal(series.label),
                        "  ",
                        fmt.sparkline(values),
                        " ",
                        fmt.with_unit(values[-1] if values else None, section.unit, lang),
                    )
                )

        formulas = Table(
            title=t("appendix" if client_view else "formulas", lang),
            title_justify="left",
            show_header=True,
        )
        formulas.add_column(t("kpi", lang), no_wrap=True)
        formulas.add_column(t("formula", lang), ratio=3, overflow="fold")
        formulas.add_column(t("aggregation", lang), ratio=1)
        for row in report.kpis:
            formulas.add_row(_plain(row.label), _plain(row.formula), _plain(row.aggregation))
        if not client_view:
            console.print(formulas)

        if report.notes:
            console.print(_plain(t("notes", lang), style="bold"))
            for note in report.notes:
                style = {"warning": "yellow", "error": "red"}.get(note.level, "")
                console.print(_plain(f"- {note.text}", style=style))
        if client_view:
            console.print(formulas)
