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
import re
import unicodedata
from html.parser import HTMLParser
from typing import Any

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
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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
