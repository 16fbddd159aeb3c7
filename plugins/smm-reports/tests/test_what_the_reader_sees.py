"""What a reader sees in the rendered report, values worked out by hand: the change each
KPI's summary gives (percentage points for a % KPI, the relative change otherwise, the
absolute one against a previous 0, never 0%), the post excerpts cut where documented with
their ellipsis, Markdown tables that parse as the tables meant, and the terminal's colours."""

from __future__ import annotations

import io
import re

import pytest
from smm_reports.sample import sample_report

from smmcore.models import change_of
from smmcore.report_model import KPIRow, Report, ScopeValue


def _render(name: str, report: Report) -> str:
    import smm_reports.plugin

    from smmcore.plugins import PluginHost

    host = PluginHost([("reports", smm_reports.plugin)], discover=False)
    out = io.StringIO()
    host.reporters()[name].load()(name=name).render(report, out)
    return out.getvalue()


def _with_posts_from_zero(lang: str) -> Report:
    """The sample report for the client, plus a count KPI whose previous value is 0."""
    report = sample_report(lang)
    report.audience = "client"
    change, change_pct = change_of(5.0, 0.0)
    report.kpis.insert(
        1,
        KPIRow(
            name="posts",
            label="Posts",
            formula="count(posts)",
            unit="count",
            direction="neutral",
            aggregation="sum",
            client=ScopeValue(
                scope="client",
                scope_id="Forno Rossi",
                label="Forno Rossi",
                value=5.0,
                previous=0.0,
                change=change,
                change_pct=change_pct,
            ),
        ),
    )
    return report


SUMMARY = {
    # largest move first: from 0 the size is the absolute change
    "en": [
        "- Posts: up from 0 to 5 (+5). **neither good nor bad**",
        "- Follower growth: up from 120 to 180 (+50.0%). **good**",
        "- Engagement rate by followers: down from 4% to 3.25% (-0.75 pp). **to watch**",
    ],
    "it": [
        "- Posts: in aumento da 0 a 5 (+5). **né bene né male**",
        "- Follower growth: in aumento da 120 a 180 (+50,0%). **bene**",
        "- Engagement rate by followers: in calo da 4% a 3,25% (-0,75 p.p.). **da seguire**",
    ],
}


@pytest.mark.parametrize("lang", ["en", "it"])
def test_the_summary_gives_points_for_a_percentage_and_no_percentage_from_zero(
    lang: str,
) -> None:
    """Follower growth 120 -> 180 is +50% (60 / 120); the engagement rate 4% -> 3.25% moved
    -0.75 percentage points (its -18.75% would mislead); 0 -> 5 posts is +5, not +0% or n/a."""
    md = _render("markdown", _with_posts_from_zero(lang))
    summary = md.split("\n## ", 2)[1].splitlines()
    assert [line for line in summary if line.startswith("- ")] == SUMMARY[lang], md


HTML_SUMMARY_TABLE = {
    "en": [
        ("Follower growth", "180", "+50.0%"),
        ("Posts", "5", "+5"),
        ("Engagement rate by followers", "3.25%", "-0.75 pp"),
        ("Engagement rate by views", "n/a", "no comparison"),
    ],
    "it": [
        ("Follower growth", "180", "+50,0%"),
        ("Posts", "5", "+5"),
        ("Engagement rate by followers", "3,25%", "-0,75 p.p."),
        ("Engagement rate by views", "n.d.", "nessun confronto"),
    ],
}


@pytest.mark.parametrize("lang", ["en", "it"])
def test_the_html_summary_table_shows_the_change_a_reader_compares(lang: str) -> None:
    html = _render("html", _with_posts_from_zero(lang))
    section = html.split('<section class="summary" id="summary">', 1)[1].split("</section>")[0]
    table = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = [
        tuple(
            re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", tr)
        )
        for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]
    assert rows[:4] == HTML_SUMMARY_TABLE[lang], table


# --------------------------------------------------------------------------- excerpts

EXACT = "abcdefghi " * 9 + "abcdefghij"  # 100 characters: the Markdown limit
ON_A_SPACE = "a" * 98 + " " + "b" * 20  # the cut (99 characters) ends on the space
IN_A_WORD = "Fresh\n\n\tbread  " + "c" * 100  # 112 characters once on one line


def _posts_report(*texts: str | None) -> Report:
    report = sample_report()
    template = report.top_posts[1]
    report.top_posts = [
        template.model_copy(update={"post_id": f"p{i}", "text": text, "url": None})
        for i, text in enumerate(texts)
    ]
    return report


def _markdown_table(md: str, heading: str) -> list[list[str]]:
    """The cells of the table under ``## heading``, as a CommonMark + tables parser reads
    them (header row first)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    start = next(
        i
        for i, tok in enumerate(tokens)
        if tok.type == "inline" and tok.content == heading and tokens[i - 1].tag == "h2"
    )
    rows: list[list[str]] = []
    for tok in tokens[start + 1 :]:
        if tok.type == "table_close" or tok.type == "heading_open":
            break
        if tok.type == "tr_open":
            rows.append([])
        elif tok.type == "inline" and rows:
            rows[-1].append(tok.content)
    return rows


def test_a_post_excerpt_is_cut_at_its_limit_with_an_ellipsis() -> None:
    """The Markdown report shows 100 characters of a post on one line: a longer text is
    cut to 99 characters (without the trailing space) and ``…``; no text is an empty cell."""
    md = _render("markdown", _posts_report(EXACT, ON_A_SPACE, IN_A_WORD, None))
    excerpts = [row[2] for row in _markdown_table(md, "Top posts")[1:]]
    assert excerpts == [
        EXACT,  # exactly at the limit: whole, no ellipsis
        "a" * 98 + "…",
        "Fresh bread " + "c" * 87 + "…",  # newlines and runs of spaces become one space
        "",
    ]
    assert [len(e) for e in excerpts] == [100, 99, 100, 0]


# --------------------------------------------------------------------------- tables


def test_markdown_tables_parse_as_the_tables_meant() -> None:
    """Each table reads back, header and rows, through a CommonMark parser with tables; the
    line after a table is blank, so no following text joins it as a row."""
    md = _render("markdown", sample_report())
    assert _markdown_table(md, "KPIs") == [
        ["KPI", "Value", "Previous", "Change", "Change %"],
        ["Follower growth", "180", "120", "+60", "+50.0%"],
        ["Engagement rate by followers", "3.25%", "4%", "-0.75 pp", "-18.8%"],
        ["Engagement rate by views", "n/a", "n/a", "n/a", "n/a"],
        ["Broken KPI", "error", "", "", ""],
        # the per-channel table follows under its own ### heading, not as rows here
    ]
    assert _markdown_table(md, "Audience segments") == [
        ["Segment", "Members", "Method"],
        ["superfans", "12", "10+ interactions"],
    ]
    assert _markdown_table(md, "Benchmark against competitors") == [
        ["KPI", "Forno Rossi", "Pane &lt;b&gt;Bianchi&lt;/b&gt;"],
        ["Share of voice", "60%", "40%"],
        ["Engagement rate by followers", "3.25%", "2.50%"],
    ]
    for line in md.splitlines():
        if line.startswith("|"):
            assert line.endswith(" |") and not line.startswith("| |"), line


# --------------------------------------------------------------------------- terminal


def test_a_colour_terminal_shows_good_changes_green_and_bad_ones_red(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With colours forced (``FORCE_COLOR=1 smm report ... | less -R``): the follower growth
    (up, higher is better) is green, the engagement rate (down) red, an error red, and the
    client view's summary title bold."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    report = sample_report()
    report.audience = "client"
    out = _render("terminal", report)
    styled = re.compile(r"\x1b\[([\d;]+)m\s*([^\x1b]*?)\s*\x1b\[0m")

    def row(label: str) -> list[tuple[str, str]]:
        line = next(li for li in out.splitlines() if li.startswith(f"│ {label} "))
        return styled.findall(line)

    assert row("Follower growth") == [("32", "+60"), ("32", "+50.0%")]
    assert row("Engagement rate by followers") == [("31", "-0.75 pp"), ("31", "-18.8%")]
    assert row("Broken KPI") == [("31", "error")]
    assert "\x1b[1mSummary\x1b[0m\n" in out
