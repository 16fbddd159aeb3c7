"""Commands and options no other test ran through the CLI: what a user sees from each.

One demo workspace (English, fixed end date) serves the report and audience tests; the sync
tests work on copies of it.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from smmcore.cli.app import App
from smmcore.cli.main import cli, main


def smm(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), obj=App(), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "demo"
    code, stdout, stderr = smm(
        "demo", "--out", str(out), "--end-date", "2026-03-31", "--language", "en"
    )
    assert code == 0, stdout + stderr
    # --language en: the demo client's Italian is replaced in what is printed
    assert "Social media report: Forno Rossi" in stdout and "Period: 2026-03-02" in stdout
    assert "Periodo" not in stdout
    return out


def test_demo_language_en_writes_an_english_html_report(demo: Path) -> None:
    html = (demo / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in html and "Follower growth" in html
    assert "Crescita follower" not in html


def test_report_language_switches_the_labels(demo: Path) -> None:
    _, italian, _ = smm("-w", str(demo), "report", "--period", "2026-03", "-f", "terminal")
    code, english, err = smm(
        "-w", str(demo), "report", "--period", "2026-03", "-f", "terminal", "--language", "en"
    )
    assert code == 0, err
    assert "Periodo: 01/03/2026" in italian and "Crescita follower" in italian
    assert "Period: 2026-03-01" in english and "Follower growth" in english
    assert "Crescita follower" not in english


def test_report_compare_year_compares_with_the_same_period_a_year_earlier(demo: Path) -> None:
    code, out, err = smm(
        "-w", str(demo), "report", "--period", "2026-03", "--compare", "year", "--language", "en",
        "-f", "json", "-o", "-",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    text = json.dumps(data)
    assert "2025-03-01" in text and "2025-03-31" in text  # the comparison period
    code, out, _ = smm(
        "-w", str(demo), "report", "--period", "2026-03", "--compare", "year", "-f", "terminal",
        "--language", "en",
    )  # fmt: skip
    assert code == 0
    assert "2025-03-01 \u2013 2025-03-31" in out and "a year earlier" in out


def test_report_writes_markdown_and_csv_together_into_a_folder(demo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    code, out, err = smm(
        "-w", str(demo), "report", "--period", "2026-03", "-f", "markdown", "-f", "csv",
        "-o", str(folder), "--language", "en",
    )  # fmt: skip
    assert code == 0, err
    assert sorted(p.name for p in folder.iterdir()) == ["report.csv", "report.md"]
    markdown = (folder / "report.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Social media report: Forno Rossi")
    assert "Follower growth" in markdown and "| " in markdown  # a Markdown table
    rows = list(csv.DictReader(io.StringIO((folder / "report.csv").read_text("utf-8"))))
    growth = [r for r in rows if r["kpi"] == "follower_growth" and r["scope"] == "client"]
    assert len(growth) == 1 and growth[0]["period_start"] == "2026-03-01"
    assert growth[0]["value"] not in ("", "n/a")
    assert "report.md" in out + err and "report.csv" in out + err


def test_audience_communities_in_each_format(demo: Path, tmp_path: Path) -> None:
    code, table, err = smm("-w", str(demo), "audience", "communities", "--period", "2026-03")
    assert code == 0, err
    assert "Community 1" in table or "communities:1" in table
    code, out, err = smm(
        "-w", str(demo), "audience", "communities", "--period", "2026-03", "--format", "json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["period"] == "2026-03-01..2026-03-31"
    sizes = [s["size"] for s in data["segments"]]
    assert len(sizes) >= 2 and all(size > 0 for size in sizes)
    assert all(s["segmenter"] == "communities" for s in data["segments"])
    export = tmp_path / "contacts.csv"
    code, out, err = smm(
        "-w", str(demo), "audience", "communities", "--period", "2026-03",
        "--format", "csv", "--export", str(export),
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines()[0].startswith(("segment", "name"))
    contacts = list(csv.DictReader(io.StringIO(export.read_text("utf-8"))))
    assert contacts and sum(sizes) >= len({c.get("member_id") or str(c) for c in contacts}) > 0


@pytest.fixture
def synced_copy(demo: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "ws"
    shutil.copytree(demo, copy)
    return copy


def _sync_json(ws: Path, *args: str) -> dict:
    code, out, err = smm("-w", str(ws), "sync", "--json", *args)
    assert code == 0, out + err
    return json.loads(out)


def test_sync_since_and_full(synced_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    since = _sync_json(synced_copy, "--since", "2026-03-01")
    full = _sync_json(synced_copy, "--full")
    # --since reads only the content from that day on; --full everything again
    assert 0 < since["totals"]["posts"] < full["totals"]["posts"]
    assert since["totals"]["interactions"] < full["totals"]["interactions"]
    assert full["totals"]["posts"] >= 12 * 4 * 3  # a year of posts on 3 channels
    # a date it cannot read: one Error line saying which forms it takes, no traceback
    with pytest.raises(SystemExit) as exit_info:
        main(["-w", str(synced_copy), "sync", "--since", "March"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 1
    assert "Error: cannot read the date 'March'" in err and "YYYY-MM-DD" in err
    assert "Traceback" not in err


def test_files_formats_json_lists_every_recognised_export() -> None:
    code, out, err = smm("files", "formats", "--json")
    assert code == 0, err
    formats = json.loads(out)
    names = {f["name"] for f in formats}
    assert "linkedin-content" in names and len(names) == len(formats)
    for spec in formats:
        assert spec["network"] and spec["fills"] and spec["recognised_by"], spec


def test_plugins_info_json_shows_what_a_plugin_registers() -> None:
    code, out, err = smm("plugins", "info", "smm-kpis", "--json")
    assert code == 0, err
    info = json.loads(out)
    assert (info["distribution"], info["status"], info["problems"]) == ("smm-kpis", "ok", [])
    assert "follower_growth" in {k["name"] for k in info["registers"]["kpis"]}


def test_audience_segments_of_one_segmenter_and_one_segment_shown(demo: Path) -> None:
    ws = str(demo)
    code, out, err = smm(
        "-w", ws, "audience", "segments", "--segmenter", "tiers", "--period", "2026-03",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    segments = json.loads(out)["segments"]
    assert segments and {s["segmenter"] for s in segments} == {"tiers"}
    advocates = next(s for s in segments if s["name"] == "tiers:advocate")
    code, out, err = smm(
        "-w", ws, "audience", "show", "tiers:advocate", "--period", "2026-03",
        "--format", "json", "--limit", "3",
    )  # fmt: skip
    assert code == 0, err
    shown = json.loads(out)
    assert shown["size"] == advocates["size"] > 3  # the whole segment's size ...
    assert len(shown["members"]) == 3  # ... and only the members asked for
    assert all(m["reason"] and m["segment"] == "tiers:advocate" for m in shown["members"])


def test_audience_influencers_of_a_period(demo: Path) -> None:
    code, march, err = smm(
        "-w", str(demo), "audience", "influencers", "--period", "2026-03", "--format", "json"
    )
    assert code == 0, err
    code, february, err = smm(
        "-w", str(demo), "audience", "influencers", "--period", "2026-02", "--format", "json"
    )
    assert code == 0, err
    march_top, february_top = json.loads(march), json.loads(february)
    assert march_top["name"] == "influencers:top" and march_top["members"]
    assert february_top["members"] and march_top != february_top  # the period is applied
