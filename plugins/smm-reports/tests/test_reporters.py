"""Every format renders the same model; network text is always escaped."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
from smm_reports.sample import HOSTILE_TEXT, sample_report

from smmcore.report_model import Report, SeriesPoint


def render(name: str, report: Report) -> str:
    import smm_reports.plugin

    from smmcore.plugins import PluginHost

    host = PluginHost([("reports", smm_reports.plugin)], discover=False)
    impl = host.reporters()[name].load()
    out = io.StringIO()
    impl(name=name).render(report, out)
    return out.getvalue()


def test_registrations() -> None:
    import smm_reports.plugin

    from smmcore.plugins import PluginHost

    host = PluginHost([("reports", smm_reports.plugin)], discover=False)
    specs = host.reporters()
    assert sorted(specs) == ["csv", "html", "json", "markdown", "pdf", "terminal"]
    assert specs["html"].extension == ".html" and specs["html"].media_type == "text/html"
    assert specs["pdf"].binary and not specs["html"].binary
    assert not host.problems()


def test_html_escapes_network_text() -> None:
    html = render("html", sample_report())
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;q&#34; &amp; x" in html
    assert HOSTILE_TEXT not in html
    assert "<script" not in html.lower()
    # a competitor name with markup is escaped inside the SVG too
    assert "Pane &lt;b&gt;Bianchi&lt;/b&gt;" in html and "<b>Bianchi" not in html
    # a javascript: link from a network is dropped, an https one is kept
    assert "javascript:" not in html
    assert 'href="https://example.com/p/2"' in html


def test_html_is_self_contained_with_svg_charts() -> None:
    html = render("html", sample_report())
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") >= 4  # followers, engagement, heatmap, benchmark bars
    for chart in ("line-chart", "heatmap", "bars"):
        assert f'class="chart {chart}"' in html
    # nothing is fetched: no external src/href other than the post links, no @import
    assert not re.search(r'\s(src|href)="(?!https://example\.com/p/2")', html)
    assert "@import" not in html and "<link" not in html
    # the heatmap outlines the best slot (Tuesday 18:00)
    assert "Best slots: Tue 18:00, Thu 12:00</p>" in html


def test_html_italian_labels() -> None:
    html = render("html", sample_report("it"))
    assert '<html lang="it">' in html
    assert "Orario migliore per pubblicare" in html and "Fasce migliori: Mar 18:00" in html
    assert "3,25%" in html  # Italian decimal comma


def test_json_is_the_model() -> None:
    report = sample_report()
    text = render("json", report)
    assert Report.model_validate_json(text) == report
    assert json.loads(text)["schema_version"] == 1


def test_csv_is_the_kpi_table() -> None:
    rows = list(csv.DictReader(io.StringIO(render("csv", sample_report()))))
    client = [r for r in rows if r["kpi"] == "follower_growth" and r["scope"] == "client"]
    assert client == [
        {
            "kpi": "follower_growth",
            "label": "Follower growth",
            "unit": "count",
            "direction": "higher_is_better",
            "aggregation": "sum over channels",
            "formula": "followers at end - followers at start",
            "scope": "client",
            "scope_id": "Forno Rossi",
            "scope_label": "Forno Rossi",
            "period_start": "2026-03-01",
            "period_end": "2026-03-31",
            "value": "180",
            "previous": "120",
            "change": "60",
            "change_pct": "50",
            "status": "ok",
        }
    ]
    unknown = next(r for r in rows if r["kpi"] == "engagement_rate_views")
    assert unknown["value"] == "" and unknown["status"] == "no_data"  # unknown is empty, not 0
    assert [r["scope_id"] for r in rows if r["kpi"] == "follower_growth"] == [
        "Forno Rossi",
        "instagram:forno",
        "mastodon:forno@example.social",
    ]


def test_markdown_neutralises_html_and_tables() -> None:
    md = render("markdown", sample_report())
    assert "&lt;script&gt;alert\\(1\\)" not in md  # parentheses are harmless in Markdown
    assert '&lt;script&gt;alert(1)&lt;/script&gt; "q" &amp; x' in md
    assert "<script>" not in md
    assert "| Engagement rate by followers | 3.25% | 4% | -0.75 pp | -18.8% |" in md


def test_terminal_prints_network_text_literally() -> None:
    report = sample_report()
    report.top_posts[1].text = "[bold red]not markup[/bold red]"
    text = render("terminal", report)
    assert "[bold red]not markup" in text
    assert "Forno Rossi" in text and "+50.0%" in text
    assert "Best slots: Tue 18:00, Thu 12:00" in text


@pytest.mark.parametrize("name", ["terminal", "markdown", "json", "csv", "html"])
def test_minimal_report_renders(name: str) -> None:
    from smmcore.testing.reports import minimal_report

    assert render(name, minimal_report())


def test_html_draws_keyword_interest_over_time() -> None:
    report = sample_report()
    section = report.keywords[0]
    start = section.points[0].date
    more = [*section.points, SeriesPoint(date=start + timedelta(days=7), value=80.0)]
    report = report.model_copy(update={"keywords": [section.model_copy(update={"points": more})]})
    html = render("html", report)
    keywords = html[html.index('<section id="keywords">') :]
    keywords = keywords[: keywords.index("</section>")]
    assert "<figcaption><bdi>trends (relative interest, 0-100)</bdi></figcaption>" in keywords
    assert keywords.count('class="chart line-chart"') == 1
    assert "pane &amp; &lt;dolci&gt;" in keywords  # the term as the line's legend, escaped


def test_terminal_and_markdown_summarise_keyword_interest() -> None:
    report = sample_report()
    section = report.keywords[0]
    start = section.points[0].date
    points = [
        SeriesPoint(date=start + timedelta(days=7 * i), value=v)
        for i, v in enumerate([20.0, None, 50.0, 80.0])
    ]
    report = report.model_copy(update={"keywords": [section.model_copy(update={"points": points})]})
    markdown = render("markdown", report)
    assert "relative interest, 0-100: 20 → 80 (20\u201380, " in markdown
    terminal = render("terminal", report)
    assert "▁ ▅█ 20 → 80" in terminal  # 20 lowest, unknown blank, 50 at 4/7, 80 highest


def test_axis_labels_share_one_format_with_round_steps() -> None:
    from smm_reports.svg import axis_labels

    # the y axis: 3350, 3.4k, 3350 mixed; now one format, no repeated label
    assert axis_labels([3350, 3400, 3450], 50, "en") == ["3,350", "3,400", "3,450"]
    assert axis_labels([3350, 3400, 3450], 50, "it") == ["3.350", "3.400", "3.450"]
    nbsp = "\u00a0"
    assert axis_labels([0, 2500, 5000, 7500, 10000], 2500, "it") == [
        f"0,0{nbsp}mila", f"2,5{nbsp}mila", f"5,0{nbsp}mila", f"7,5{nbsp}mila", f"10,0{nbsp}mila"
    ]  # fmt: skip
    assert axis_labels([0, 20000, 40000], 20000, "en") == ["0k", "20k", "40k"]
    assert axis_labels([0, 0.25, 0.5], 0.25, "it", "%") == ["0,00%", "0,25%", "0,50%"]


@pytest.mark.parametrize(
    ("value", "en", "it"),
    [
        (549_755_800_000, "549.8B", "549,8\u00a0Mld"),  # billions, not 549755.8M
        (2_400_000, "2.4M", "2,4\u00a0Mln"),
        (15_400, "15.4k", "15,4\u00a0mila"),
        (5_400, "5,400", "5.400"),
    ],
)
def test_large_numbers_carry_the_suffix_of_the_language(value: float, en: str, it: str) -> None:
    from smmcore.i18n import compact

    assert compact(value, "en") == en and compact(value, "it") == it


def test_a_partial_last_week_is_drawn_dashed_and_labelled() -> None:
    report = sample_report("it")  # the window ends on Tuesday 31 March: 2 days of that week
    series = report.series.engagement[0]
    series.points.append(SeriesPoint(date=date(2026, 3, 30), value=40.0))
    assert fmt_partial(report) == {date(2026, 3, 30): 2}
    html = render("html", report)
    engagement = html[html.index("<h2>Interazioni per settimana</h2>") :]
    engagement = engagement[: engagement.index("</figure>")]
    assert 'stroke-dasharray="5 4" class="partial"' in engagement
    assert "Settimana parziale: 2 giorni su 7" in engagement
    assert ">parziale</text>" in engagement
    assert "tratteggio: una settimana parziale" in engagement  # and the legend says why


def fmt_partial(report: Report) -> dict:
    from smm_reports.fmt import partial_weeks

    return partial_weeks(report, [p.date for p in report.series.engagement[0].points])


def test_charts_have_axis_titles_localised_ticks_and_a_heatmap_scale() -> None:
    html = render("html", sample_report("it"))
    titles = re.findall(r'class="axis-title">([^<]+)<', html)
    assert {"Interazioni", "Settimana (da lunedì)", "Follower", "Data", "Ora del giorno"} <= set(
        titles
    )
    x_ticks = re.findall(r'class="x-tick">([^<]+)<', html)
    assert "2 mar" in x_ticks and not any(re.match(r"\d{4}-\d\d-\d\d", x) for x in x_ticks)
    assert 'class="heat-scale"' in html and "Interazioni per post" in html
    assert "nessun post" in html and "bordo: fasce migliori" in html


def test_client_view_leads_with_a_summary_and_moves_formulas_to_an_appendix() -> None:
    report = sample_report("it").model_copy(update={"audience": "client"})
    html = render("html", report)
    assert html.index('id="summary"') < html.index('id="kpis"') < html.index('id="appendix"')
    summary = html[html.index('id="summary"') : html.index('id="kpis"')]
    assert "Follower growth: in aumento da 120 a 180 (+50,0%)." in summary
    assert '<span class="badge good">bene</span>' in summary
    assert '(-0,75 p.p.). <span class="badge bad">da seguire</span>' in summary
    kpis = html[html.index('id="kpis"') : html.index('id="appendix"')]
    assert 'class="formula"' not in kpis.split("</table>")[0]  # no formula inline
    assert "followers at end - followers at start" in html[html.index('id="appendix"') :]
    md = render("markdown", report)
    assert md.index("## Sintesi") < md.index("## KPI") < md.index("## Appendice")
    analyst = render("html", sample_report("it"))
    assert 'id="summary"' not in analyst and 'class="formula"' in analyst


def test_the_terminal_formula_is_never_cut() -> None:
    report = sample_report()
    row = report.kpis[0]
    long = "first part; second part (interactions with a known time; an account is network)"
    report.kpis[0] = row.model_copy(update={"formula": long})
    text = " ".join(render("terminal", report).split())
    assert "an account is network)" in text.replace("│", " ").replace("  ", " ") or (
        "network)" in text
    )
