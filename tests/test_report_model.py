"""The report model, its documented JSON schema, and the builder end to end on a small store."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from smmcore.models import AccountSnapshot, Post, PostMetrics
from smmcore.report_model import SCHEMA_VERSION, Report, report_json_schema

ROOT = Path(__file__).resolve().parents[1]
ROME = ZoneInfo("Europe/Rome")
HOSTILE = '<script>alert(1)</script> "q" & x'

TOML = """
[client]
name = "Forno Rossi"
language = "{lang}"
timezone = "Europe/Rome"

[[channels]]
network = "mastodon"
handle = "forno@example.social"
label = "Forno on Mastodon"

[[competitors]]
name = "Pane Bianchi"
[[competitors.channels]]
network = "mastodon"
handle = "pane@example.social"

[report]
period = "2026-03"
"""


def test_documented_schema_matches_the_model() -> None:
    doc = (ROOT / "docs" / "report-schema.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)\n```", doc, re.S)
    assert block, "docs/report-schema.md must hold the JSON Schema in a ```json block"
    assert json.loads(block.group(1)) == report_json_schema(), (
        "regenerate: uv run python -m smmcore.report_model --update docs/report-schema.md"
    )
    assert f"schema_version` is {SCHEMA_VERSION}" in doc


def test_schema_is_versioned_and_roundtrips() -> None:
    from smmcore.testing.reports import minimal_report

    report = minimal_report()
    assert report.schema_version == SCHEMA_VERSION
    data = json.loads(report.model_dump_json())
    assert data["schema_version"] == SCHEMA_VERSION
    assert Report.model_validate(data) == report
    assert "schema_version" in report_json_schema()["properties"]


def _write_store(ws) -> None:
    items: list = []
    day0 = datetime(2026, 1, 1, 23, 0, tzinfo=ROME)
    for i in range(90):  # 2026-01-01 .. 2026-03-31, one snapshot a day
        at = day0 + timedelta(days=i)
        items.append(
            AccountSnapshot(
                network="mastodon",
                account="forno@example.social",
                captured_at=at,
                followers=100 + i,
            )
        )
        items.append(
            AccountSnapshot(
                network="mastodon", account="pane@example.social", captured_at=at, followers=200
            )
        )
    posts = [
        # (account, id, local time, text, likes, reposts, replies)
        ("forno@example.social", "f1", datetime(2026, 2, 10, 9, 0), "febbraio", 4, 1, 1),
        ("forno@example.social", "m1", datetime(2026, 3, 10, 18, 30), "cornetti", 10, 2, 3),
        ("forno@example.social", "m2", datetime(2026, 3, 20, 12, 0), HOSTILE, 4, None, None),
        ("pane@example.social", "c1", datetime(2026, 3, 11, 8, 0), "pane", 5, 0, 0),
    ]
    captured = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
    for account, pid, local, text, likes, reposts, replies in posts:
        created = local.replace(tzinfo=ROME)
        items.append(
            Post(
                network="mastodon",
                account=account,
                post_id=pid,
                created_at=created,
                text=text,
                url=f"https://example.social/{pid}",
            )
        )
        items.append(
            PostMetrics(
                network="mastodon",
                account=account,
                post_id=pid,
                captured_at=captured,
                likes=likes,
                reposts=reposts,
                replies=replies,
            )
        )
    with ws.open_store() as store:
        store.write(items)


def _workspace(tmp_path: Path, lang: str = "en"):
    from smmcore.workspace import load_workspace

    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "smm.toml").write_text(TOML.format(lang=lang), encoding="utf-8")
    ws = load_workspace(tmp_path)
    _write_store(ws)
    return ws


def _host():
    import smm_kpis.plugin
    import smm_reports.plugin

    from smmcore.plugins import PluginHost

    return PluginHost([("kpis", smm_kpis.plugin), ("reports", smm_reports.plugin)], discover=False)


NOW = datetime(2026, 4, 2, 10, 0, tzinfo=UTC)


def test_report_on_a_small_store(tmp_path: Path) -> None:
    from smmcore.report import build_report

    report = build_report(_workspace(tmp_path), _host(), now=NOW)
    assert report.period.start == date(2026, 3, 1) and report.period.end == date(2026, 3, 31)
    assert (report.comparison.start, report.comparison.end) == (date(2026, 2, 1), date(2026, 2, 28))
    assert report.period.complete

    # KPI table: share of voice by engagements, client 19 of 19 + 5
    sov = report.kpi("share_of_voice")
    assert sov is not None and sov.client is not None
    assert sov.client.value == pytest.approx(19 / 24 * 100)
    assert sov.formula and sov.unit == "%" and sov.direction == "higher_is_better"
    posts = report.kpi("posts_per_week")
    assert posts is not None and posts.client is not None
    assert posts.client.value == pytest.approx(2 / (31 / 7))
    assert posts.client.previous == pytest.approx(1 / 4)
    assert all(row.status != "error" for row in report.kpis), [r.error for r in report.kpis]

    # benchmark: client first, then the competitor, with share of voice
    owners = [(o.owner, o.is_client) for o in report.benchmark.owners]
    assert owners == [("Forno Rossi", True), ("Pane Bianchi", False)]
    assert report.benchmark.owners[1].share_of_voice == pytest.approx(5 / 24 * 100)

    # top posts: the client's March posts by engagements
    assert [p.post_id for p in report.top_posts] == ["m1", "m2"]
    assert report.top_posts[0].engagements == 15 and report.top_posts[1].text == HOSTILE

    # series: followers per day over at least 12 weeks, engagement per week
    forno = next(s for s in report.series.followers if s.key == "mastodon:forno@example.social")
    last = forno.points[-1]
    assert (last.date, last.value) == (date(2026, 3, 31), 189.0)
    eng = next(s for s in report.series.engagement if s.key == "mastodon:forno@example.social")
    by_week = {p.date: p.value for p in eng.points}
    assert by_week[date(2026, 3, 9)] == 15.0  # Monday of the week of 10 March
    assert by_week[date(2026, 3, 16)] == 4.0
    assert by_week[date(2026, 3, 2)] == 0.0
    assert report.series.best_time is not None
    assert report.series.best_time.values[1][18] == 15.0  # Tuesday 18:00 local time

    # notes: 3 full months of history, best time needs 16 weeks
    codes = {n.code: n for n in report.notes}
    assert "3 months of history" in codes["history"].text
    assert "mom_ok" in codes
    assert codes["best_time_weeks"].params["weeks"] == 7  # posts since 10 Feb, to 31 Mar

    text = io.StringIO()
    from smm_reports.terminal import TerminalReporter

    TerminalReporter().render(report, text)
    assert "Forno Rossi" in text.getvalue() and "Share of voice" in text.getvalue()


def test_a_failing_kpi_becomes_a_note(tmp_path: Path) -> None:
    from smmcore import KPISpec, hookimpl
    from smmcore.plugins import PluginHost
    from smmcore.report import build_report

    class Broken:
        @hookimpl
        def smm_register_kpis(self, register):
            register(
                KPISpec(
                    name="broken",
                    description="Always fails.",
                    impl="builtins:ZeroDivisionError",
                    label="Broken",
                    formula="1 / 0",
                    unit="%",
                    aggregation="none",
                )
            )

    host = PluginHost([("broken", Broken())], discover=False)
    report = build_report(_workspace(tmp_path), host, "2026-03", now=NOW)
    row = report.kpi("broken")
    assert row is not None and row.status == "error"
    assert any(n.code == "kpi_failed" and "broken" in n.text for n in report.notes)


def test_italian_labels(tmp_path: Path) -> None:
    from smm_reports.markdown import MarkdownReporter
    from smm_reports.terminal import TerminalReporter

    from smmcore.report import build_report

    report = build_report(_workspace(tmp_path, lang="it"), _host(), now=NOW)
    assert report.language == "it"
    assert report.kpi("follower_growth").label == "Crescita follower"
    assert any("mesi di storico" in n.text for n in report.notes)
    out = io.StringIO()
    TerminalReporter().render(report, out)
    assert "Periodo: 01/03/2026 \u2013 31/03/2026" in out.getvalue()
    md = io.StringIO()
    MarkdownReporter().render(report, md)
    assert "## Confronto con i concorrenti" in md.getvalue()
    # the report.language override wins over the client's language
    english = build_report(_workspace(tmp_path / "en", lang="it"), _host(), language="en", now=NOW)
    assert english.kpi("follower_growth").label == "Follower growth"


def test_smm_report_command(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from smmcore.cli.app import App
    from smmcore.cli.main import cli

    ws = _workspace(tmp_path)

    def run(*args: str):
        return CliRunner().invoke(cli, ["-w", str(ws.dir), "report", *args], obj=App())

    # default: the terminal report on screen and report.html in the workspace
    result = run()
    assert result.exit_code == 0, result.output
    assert "Forno Rossi" in result.output and "Share of voice" in result.output
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;q&#34; &amp; x" in html

    result = run("--format", "json", "-o", "-", "--period", "2026-02-01..2026-02-28")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["period"]["start"] == "2026-02-01" and data["schema_version"] == SCHEMA_VERSION

    result = run("--format", "docx")
    assert result.exit_code == 1
    assert "unknown report format 'docx'" in str(result.exception)
    available = str(result.exception).split("available formats: ")[1]
    assert {"csv", "html", "json", "markdown", "pdf", "terminal"} <= set(available.split(", "))

    result = run("--period", "yesterday")
    assert result.exit_code == 1 and "invalid period 'yesterday'" in str(result.exception)


def test_declarative_kpis_from_smm_toml(tmp_path: Path) -> None:
    from smmcore.report import build_report
    from smmcore.workspace import load_workspace

    ws = _workspace(tmp_path)
    text = ws.config_path.read_text(encoding="utf-8")
    text += (
        '\n[kpis.likes_per_post]\nlabel = "Likes per post"\nnumerator = "likes"\n'
        'denominator = "posts"\nunit = "likes/post"\n'
    )
    ws.config_path.write_text(text, encoding="utf-8")
    report = build_report(load_workspace(tmp_path), _host(), now=NOW)
    row = report.kpi("likes_per_post")
    assert row is not None and row.label == "Likes per post"
    assert row.client is not None and row.client.value == pytest.approx((10 + 4) / 2)
    assert row.client.previous == pytest.approx(4.0)

    bad = text.replace('numerator = "likes"', 'numerator = "import os"')
    ws.config_path.write_text(bad, encoding="utf-8")
    report = build_report(load_workspace(tmp_path), _host(), now=NOW)
    assert report.kpi("likes_per_post") is None
    assert report.kpi("share_of_voice") is not None  # the other KPIs are still there
    failed = [n for n in report.notes if n.code == "kpi_failed"]
    assert failed and "likes_per_post" in failed[0].text
