"""Unknown stays unknown from the change computation to every renderer: n/a, empty or null,
never 0, and a change against a previous 0 has no percentage (not 0%, not infinity)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from smm_reports.sample import sample_report

from smmcore.models import change_of
from smmcore.plugins import PluginHost


@pytest.mark.parametrize(
    ("value", "previous", "expected"),
    [
        (None, 4.0, (None, None)),
        (5.0, None, (None, None)),
        (5.0, 0.0, (5.0, None)),  # from 0: a change, no percentage
        (0.0, 0.0, (0.0, None)),
        (-2.0, 4.0, (-6.0, -150.0)),
        (3.0, -2.0, (5.0, 250.0)),  # against the size of a negative previous value
    ],
)
def test_change_of(value, previous, expected) -> None:
    assert change_of(value, previous) == expected


def _render(name: str, report) -> str:
    import smm_reports.plugin

    host = PluginHost([("reports", smm_reports.plugin)], discover=False)
    out = io.StringIO()
    host.reporters()[name].load()(name=name).render(report, out)
    return out.getvalue()


def _unknown_report():
    report = sample_report()
    row = report.kpis[0]
    assert row.client is not None
    row.client.value, row.client.previous = None, 0.0
    row.client.change, row.client.change_pct = change_of(None, 0.0)
    return report, row


def test_every_renderer_shows_an_unknown_value_as_unknown() -> None:
    report, row = _unknown_report()
    label = row.label
    md_line = next(
        li for li in _render("markdown", report).splitlines() if li.startswith(f"| {label} |")
    )
    cells = [c.strip() for c in md_line.strip("|").split("|")]
    assert cells[1] == "n/a" and cells[3] == "n/a" and cells[4] == "n/a", md_line
    rows = list(csv.DictReader(io.StringIO(_render("csv", report))))
    mine = next(r for r in rows if r["kpi"] == row.name and r["scope"] == "client")
    assert (mine["value"], mine["change"], mine["change_pct"]) == ("", "", "")
    data = json.loads(_render("json", report))
    client = next(k for k in data["kpis"] if k["name"] == row.name)["client"]
    assert client["value"] is None and client["change_pct"] is None
    terminal = _render("terminal", report)
    line = next(li for li in terminal.splitlines() if label in li)
    cells = [c.strip() for c in line.strip("│ ").split("│")]
    assert cells[1:] == ["n/a", "0", "n/a", "n/a"], line  # the previous 0 is a known 0


def test_the_html_report_shows_an_unknown_value_as_unknown() -> None:
    import re

    from smm_reports.html import render_html

    report, row = _unknown_report()
    html = render_html(report)
    section = html.split('<section id="kpis">', 1)[1].split("</section>", 1)[0]
    (tr,) = [t for t in section.split("<tr>") if f"<td>{row.label}<div" in t]
    cells = [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r'<td class="num[^"]*">(.*?)</td>', tr)
    ]
    assert cells == ["n/a", "0", "n/a", "n/a"], tr  # the previous 0 is a known 0
    assert 'class="num flat"' in tr  # an unknown change is neither good nor bad


def test_a_series_gap_stays_a_gap_in_the_chart() -> None:
    """A day without a value breaks the line into two segments; it is never drawn at 0."""
    import re
    from datetime import date

    from smm_reports import svg

    days = [date(2026, 3, d) for d in range(1, 6)]
    values = [4.0, 5.0, None, 6.0, 7.0]
    chart = str(svg.line_chart([("Forno", list(zip(days, values, strict=True)))], title="t"))
    lines = re.findall(r'<polyline[^>]*points="([^"]+)"', chart)
    assert [len(points.split()) for points in lines] == [2, 2], chart  # 1-2, then 4-5
    # the y axis fits the known values: 0 is not on it (an unknown drawn as 0 would be)
    assert 'y-tick">0<' not in chart


def test_csv_numbers_are_exact_and_whole_numbers_have_no_decimals() -> None:
    report = sample_report()
    row = report.kpis[0]
    assert row.client is not None
    row.client.value, row.client.previous = 12.0, 0.1 + 0.2
    row.client.change, row.client.change_pct = change_of(12.0, 0.1 + 0.2)
    rows = list(csv.DictReader(io.StringIO(_render("csv", report))))
    mine = next(r for r in rows if r["kpi"] == row.name and r["scope"] == "client")
    assert (mine["value"], mine["previous"]) == ("12", "0.30000000000000004")  # round-trips
    assert float(mine["change"]) == 12.0 - (0.1 + 0.2)
