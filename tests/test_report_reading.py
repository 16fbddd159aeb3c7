"""Numbers as a reader expects them, and notes that never contradict the table: the first
month of history, the best-time weeks, the comparison period without data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from smmcore.cli.app import App
from smmcore.cli.main import cli
from smmcore.reportkit import number, signed, with_unit

END = date(2026, 3, 31)  # the demo's history starts on 2025-04-01


def run(ws: Path, *args: str):
    return CliRunner().invoke(cli, list(args), obj=App(workspace_dir=ws), catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from smm_files.demo import write_demo_workspace

    ws = write_demo_workspace(tmp_path_factory.mktemp("reading") / "ws", end_date=END)
    assert run(ws, "sync").exit_code == 0
    return ws


def report(ws: Path, period: str, lang: str = "it") -> dict:
    result = run(ws, "report", "-f", "json", "-o", "-", "--period", period, "--language", lang)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def client(rep: dict, name: str) -> dict:
    return next(k for k in rep["kpis"] if k["name"] == name)["client"]


def test_first_month_of_history_says_why_renewal_is_100_and_growth_has_another_base(
    demo_ws: Path,
) -> None:
    first = report(demo_ws, "2025-04")
    assert client(first, "network_renewal_rate")["value"] == 100.0
    notes = {n["code"]: n["text"] for n in first["notes"]}
    assert "ogni account come nuovo" in notes["renewal_first_period"]
    assert "01/04/2025" in notes["renewal_first_period"]
    assert "dalla prima rilevazione" in notes["growth_first_snapshot"]
    # the next month compares with that first month: the notes say so again
    second = report(demo_ws, "2025-05")
    assert client(second, "network_renewal_rate")["previous"] == 100.0
    assert {"renewal_first_period", "growth_first_snapshot"} <= {n["code"] for n in second["notes"]}
    # from the third month on, nothing to warn about
    third = report(demo_ws, "2025-06")
    assert not {"renewal_first_period", "growth_first_snapshot"} & {
        n["code"] for n in third["notes"]
    }


@pytest.mark.parametrize("period", ["30d", "2025-04", "2025-05", "2025-08"])
def test_notes_agree_with_the_table(demo_ws: Path, period: str) -> None:
    rep = report(demo_ws, period, lang="en")
    notes = {n["code"]: n for n in rep["notes"]}
    weeks = rep["series"]["best_time"]["weeks"]
    best = notes.get("best_time_ok") or notes.get("best_time_weeks")
    assert best["params"]["weeks"] == weeks and str(weeks) in best["text"]
    if "comparison_empty" in notes:  # "changes are not available" only when none is shown
        assert all(k["client"] is None or k["client"]["change"] is None for k in rep["kpis"])


@pytest.mark.parametrize(
    ("value", "unit", "lang", "expected"),
    [
        (0, "", "it", "0"),  # not 0.00
        (0.0, "%", "en", "0%"),
        (12.0, "followers", "en", "12 followers"),  # whole counts without decimals
        (1.2e-08, "%", "it", "< 0,01%"),  # not 0.00%
        (0.0045, "", "en", "0.0045"),  # two significant digits
        (1234.5, "", "it", "1.234,5"),
        (None, "%", "it", "n.d."),
    ],
)
def test_numbers_read_as_expected(value, unit: str, lang: str, expected: str) -> None:
    assert with_unit(value, unit, lang) == expected


def test_changes_of_a_share_are_percentage_points() -> None:
    assert signed(0.45, "%", "it") == "+0,45 p.p." and signed(-3.0, "%", "en") == "-3 pp"
    assert number(-0.0001, "en", 2) == "0.00"  # never -0.00
