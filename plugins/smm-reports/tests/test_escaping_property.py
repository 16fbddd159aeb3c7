"""Every reporter escapes every text that came from outside, for any text (Hypothesis).

The sample report's outside texts (client, channel and competitor names, series labels, post
text and authors, segment descriptions, keyword terms, notes) are replaced by generated
strings rich in markup, quotes, table pipes, formula leaders and control characters; each
distinct original keeps its own replacement, so the model's joins hold. The rendering's
structure must not depend on the text: the same HTML tags and attributes, the same Markdown
table cells, the same CSV rows and columns with no live formula, no control character on
the terminal.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from smm_reports.sample import sample_report

from smmcore.report_model import Report

OUTSIDE: dict[str, set[str]] = {
    "ClientInfo": {"name"},
    "ChannelInfo": {"label", "owner", "account"},
    "Series": {"label", "owner"},
    "TopPost": {"text", "owner", "account"},
    "ScopeValue": {"label"},
    "BenchmarkOwner": {"owner"},
    "SegmentSummary": {"description"},
    "RelatedQuery": {"query"},
    "Note": {"text"},
}

HOSTILE = st.text(
    alphabet=st.sampled_from(
        list("<>&\"'=+-@|\\`*_[]()#!/;: \t\r\n\x1b\x07\x00\u202e\u200b") + list("aZ9é")
    ),
    min_size=1,
    max_size=12,
)


def _render(name: str, report: Report) -> str:
    import smm_reports.plugin

    from smmcore.plugins import PluginHost

    host = PluginHost([("reports", smm_reports.plugin)], discover=False)
    out = io.StringIO()
    host.reporters()[name].load()(name=name).render(report, out)
    return out.getvalue()


def _replace(report: Report, text: str) -> Report:
    """A copy of ``report`` whose outside texts are ``text`` plus a number per original."""
    copy = report.model_copy(deep=True)
    mapping: dict[str, str] = {}

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
            return
        fields = getattr(type(node), "model_fields", None)
        if fields is None:
            return
        wanted = OUTSIDE.get(type(node).__name__, set())
        for field in fields:
            value = getattr(node, field)
            if field in wanted and isinstance(value, str) and value:
                new = mapping.setdefault(value, f"{text}{len(mapping)}")
                setattr(node, field, new)
            else:
                visit(value)

    visit(copy)
    return copy


class _Shape(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[str, ...]]] = []
        self.comments = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(sorted(name for name, _ in attrs))))

    def handle_comment(self, data: str) -> None:
        self.comments += 1


def _html_shape(html: str) -> tuple[list[tuple[str, tuple[str, ...]]], int]:
    parser = _Shape()
    parser.feed(html)
    parser.close()
    return parser.tags, parser.comments


def _markdown_shape(md: str) -> list[int]:
    """Unescaped table pipes per table line."""
    return [len(re.findall(r"(?<!\\)\|", line)) for line in md.splitlines() if line.startswith("|")]


NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")

BASELINE = _replace(sample_report(), "plain")
# 40 generated strings per test; 10 under the mutation run (scripts/mutation.sh), where each
# test runs once per mutant and the examples that matter (markup characters) come early
EXAMPLES = 10 if os.environ.get("MUTANT_UNDER_TEST") else 40
PROPERTY = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY
@given(HOSTILE)
def test_html_structure_never_depends_on_outside_text(text: str) -> None:
    assert _html_shape(_render("html", _replace(sample_report(), text))) == _html_shape(
        _render("html", BASELINE)
    )


@PROPERTY
@given(HOSTILE)
def test_markdown_tables_and_markup_never_depend_on_outside_text(text: str) -> None:
    md = _render("markdown", _replace(sample_report(), text))
    base = _render("markdown", BASELINE)
    assert _markdown_shape(md) == _markdown_shape(base)
    assert md.count("<") == base.count("<")  # no raw HTML reaches a Markdown viewer
    assert not any(unicodedata.category(c) == "Cc" and c not in "\n" for c in md)


@PROPERTY
@given(HOSTILE)
def test_csv_keeps_its_shape_and_no_cell_is_a_formula(text: str) -> None:
    rows = list(csv.reader(io.StringIO(_render("csv", _replace(sample_report(), text)))))
    base = list(csv.reader(io.StringIO(_render("csv", BASELINE))))
    assert [len(r) for r in rows] == [len(r) for r in base]
    for cell in (c for row in rows for c in row):
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.fullmatch(cell):
            raise AssertionError(f"a live formula in the CSV: {cell!r}")


@PROPERTY
@given(HOSTILE)
def test_terminal_output_holds_no_control_character(text: str) -> None:
    out = _render("terminal", _replace(sample_report(), text))
    bad = {c for c in out if unicodedata.category(c) == "Cc" and c != "\n"}
    assert not bad, f"control characters reach the terminal: {sorted(map(ord, bad))}"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.data: list[str] = []

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def _shown(html: str, text: str) -> set[str]:
    """The numbers n for which ``text + n`` reads back from the HTML's text."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return set(re.findall(re.escape(text) + r"(\d+)", "\n".join(parser.data)))


def test_outside_text_is_shown_escaped_not_dropped() -> None:
    """Escaping keeps the text: each outside text the HTML shows for a plain name (the
    charts' labels and legends included) reads back exactly for a name full of markup
    characters, as text, never as markup."""
    import html as html_lib

    text = "<b>&\"'"
    plain = _shown(_render("html", BASELINE), "plain")
    html = _render("html", _replace(sample_report(), text))
    assert len(plain) >= 10 and _shown(html, text) == plain
    assert "<b>" not in html  # never markup
    charts = re.findall(r"<svg.*?</svg>", html, re.S)
    assert charts and "None" not in "".join(charts)
    plain_charts = re.findall(r"<svg.*?</svg>", _render("html", BASELINE), re.S)
    assert [html_lib.unescape(c).count(text) for c in charts] == [
        c.count("plain") for c in plain_charts
    ]


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("javascript:alert(2)", None),
        ("data:text/html,<b>x</b>", None),
        ("ftp://example.com/p", None),
        ("", None),
        ("https://example.com/p/2", "https://example.com/p/2"),
        ("http://example.com/p/3", "http://example.com/p/3"),
        (" HTTPS://Example.com/p/4 ", "HTTPS://Example.com/p/4"),
    ],
)
def test_a_post_link_from_a_network_is_http_or_nothing(url: str, href: str | None) -> None:
    report = sample_report()
    report.top_posts[0].url = url
    html = _render("html", report)
    row = html.split('<td class="post-text"', 1)[1].split("</td>", 1)[0]
    links = re.findall(r'<a href="([^"]*)"', row)
    assert links == ([href] if href else []), row


def test_markdown_escapes_outside_text_into_entities_and_backslashes() -> None:
    """Markdown viewers render HTML: an outside text's ``<``, ``>`` and ``&`` become
    entities and its Markdown punctuation is backslash-escaped, so it reads back as typed."""
    md = _render("markdown", _replace(sample_report(), "<i>&x*"))
    assert "<i>" not in md
    assert "&lt;i&gt;&amp;x\\*0" in md  # the client's name, exactly
    assert "&lt;i&gt;&amp;x\\*" in md.split("## ", 2)[2]  # and in the tables below


def test_markdown_tables_align_numbers_right_and_text_left() -> None:
    md = _render("markdown", sample_report())
    aligns = [line for line in md.splitlines() if line.startswith("| ---")]
    kpis = aligns[0]
    assert kpis.startswith("| --- | ---: |")  # the KPI table: name left, numbers right
    # top posts: date, channel and text left, numbers right; segments: only the size right
    assert "| --- | --- | --- | ---: | ---: |" in aligns
    assert "| --- | ---: | --- |" in aligns


def test_an_empty_chart_says_so_in_its_middle() -> None:
    from smm_reports import svg

    chart = str(svg.line_chart([("<b>", [])], title="t", empty="<no data>", width=400, height=200))
    assert 'class="chart empty"><text x="200.0" y="100.0"' in chart
    assert ">&lt;no data&gt;</text>" in chart
