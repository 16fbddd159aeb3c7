"""`smm demo`: the README's main-job command, offline, end to end."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from smmcore.cli.app import App
from smmcore.cli.main import cli


def invoke(args: list[str], app: App | None = None):
    return CliRunner().invoke(cli, args, obj=app or App(), catch_exceptions=False)


def test_demo_writes_a_workspace_a_store_and_an_html_report(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = invoke(["demo", "--out", str(out), "--end-date", "2026-03-31"])
    assert result.exit_code == 0, result.output
    # the run reports its own wall time (target: under 10 s; not asserted, machines vary)
    assert re.search(r"rows imported, \d+\.\d s\)", result.output)

    assert (out / "smm.toml").is_file() and (out / ".smm" / "store.duckdb").is_file()
    # the terminal report, in the demo client's language (Italian)
    assert "Forno Rossi" in result.output
    assert "Periodo: 02/03/2026 \u2013 31/03/2026" in result.output
    assert "Confronto con i concorrenti" in result.output
    assert f"HTML report:    {out / 'report.html'}" in result.output

    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= 6
    for chart in ("line-chart", "heatmap", "bars"):
        assert f'class="chart {chart}"' in html
    assert "<polyline" in html  # the followers and engagement lines have points
    # self-contained: no scripts and nothing loaded from the network
    assert "<script" not in html.lower()
    assert not re.search(r'\ssrc="', html) and "<link" not in html
    # the demo's hostile post text is escaped wherever it appears
    assert "<script>alert(1)</script>" not in html


def test_demo_explains_missing_plugins(tmp_path: Path) -> None:
    from smmcore.plugins import PluginHost

    app = App(host=PluginHost(discover=False))
    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path / "d")], obj=app)
    assert result.exit_code != 0
    message = str(result.exception)
    assert "smm-files" in message and "smm-kpis" in message and "smm-reports" in message
    assert "smmcore[standard]" in result.exception.format_message()
    assert not (tmp_path / "d").exists()


def test_demo_never_overwrites_a_real_workspace(tmp_path: Path) -> None:
    (tmp_path / "smm.toml").write_text('[client]\nname = "Mine"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path)], obj=App())
    assert result.exit_code != 0
    assert "not the demo" in str(result.exception)
    assert (tmp_path / "smm.toml").read_text(encoding="utf-8") == '[client]\nname = "Mine"\n'
