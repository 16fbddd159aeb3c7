"""docs/python-api.md runs as written, its numbers are the CLI's, and the generated API
reference (docs/python-api-reference.md) is up to date."""

from __future__ import annotations

import importlib.util
import json
import math
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner

import smmcore
from smmcore.cli.app import App
from smmcore.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "docs" / "python-api.md"
REFERENCE = ROOT / "docs" / "python-api-reference.md"
SCRIPT = ROOT / "scripts" / "gen_api_docs.py"
REGEN = "run 'uv run python scripts/gen_api_docs.py' and commit docs/python-api-reference.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path, str]:
    """Every python block of the chapter, run in order in one namespace, in a fresh folder:
    ``(namespace, folder, printed output)``."""
    pytest.importorskip("pandas")
    import contextlib
    import io
    import os

    folder = tmp_path_factory.mktemp("walkthrough")
    namespace: dict[str, Any] = {"__name__": "__walkthrough__"}
    out = io.StringIO()
    before = Path.cwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out):
            for number, block in enumerate(python_blocks(CHAPTER.read_text("utf-8")), 1):
                exec(compile(block, f"{CHAPTER.name} block {number}", "exec"), namespace)
    finally:
        os.chdir(before)
    return namespace, folder, out.getvalue()


def _cli_report(folder: Path) -> dict[str, Any]:
    result = CliRunner().invoke(
        cli,
        ["-w", str(folder / "forno-demo"), "report", "--period", "2026-10", "--compare",
         "previous", "--language", "en", "--format", "json", "-o", "-"],
        obj=App(),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return (a is None or math.isnan(a)) and b is None
    return a == b


def test_the_chapter_has_a_walkthrough() -> None:
    blocks = python_blocks(CHAPTER.read_text("utf-8"))
    assert len(blocks) >= 10
    assert "smmcore.demo(" in blocks[0]


def test_the_walkthrough_reads_the_numbers_smm_report_prints(walkthrough) -> None:
    namespace, folder, printed = walkthrough
    data = _cli_report(folder)
    by_name = {row["name"]: row for row in data["kpis"]}
    # the numbers the walkthrough reads and prints
    rate = namespace["rate"]
    expected = by_name["engagement_rate_views"]["client"]
    assert (rate.value, rate.previous, rate.change) == (
        expected["value"],
        expected["previous"],
        expected["change"],
    )
    assert f"{rate.value}" in printed
    # the whole long table, row by row
    kpis = namespace["kpis"]
    rows = [
        (row["name"], scope["scope"], scope["scope_id"], scope["value"], scope["previous"])
        for row in data["kpis"]
        for scope in [row["client"], *row["channels"], *row["networks"], *row["competitors"]]
        if scope is not None
    ]
    table = list(kpis[["kpi", "scope", "scope_id", "value", "previous"]].itertuples(index=False))
    assert len(table) == len(rows)
    for mine, theirs in zip(table, rows, strict=True):
        assert mine[:3] == theirs[:3]
        assert _same(mine[3], theirs[3]) and _same(mine[4], theirs[4]), (mine, theirs)
    # the joined table uses the network values of the report
    spend = namespace["spend"].set_index("scope_id")
    for network in by_name["follower_growth"]["networks"]:
        assert spend.loc[network["scope_id"], "value"] == network["value"]
    # the chart series
    followers = namespace["followers"]
    points = [
        (s["key"], p["date"], p["value"]) for s in data["series"]["followers"] for p in s["points"]
    ]
    mine = [
        (k, d.isoformat(), v)
        for k, d, v in followers[["key", "date", "value"]].itertuples(index=False)
    ]
    assert len(mine) == len(points)
    assert all(a[:2] == b[:2] and _same(a[2], b[2]) for a, b in zip(mine, points, strict=True))


def test_the_walkthrough_wrote_and_checked_what_it_says(walkthrough) -> None:
    namespace, folder, printed = walkthrough
    assert namespace["result"].ok
    html = (folder / "october.html").read_text("utf-8")
    assert "<html" in html.lower() and "Forno Rossi" in html
    assert "unknown report format 'docx'" in printed and "no smm.toml in" in printed
    posts = dict(namespace["per_network"].itertuples(index=False))
    ws = smmcore.open(folder / "forno-demo")
    counted = ws.sql(
        "SELECT network, count(*) FROM posts WHERE created_at >= TIMESTAMPTZ '2026-10-01' "
        "GROUP BY 1"
    ).fetchall()
    assert posts == dict(counted)


def test_the_guide_and_the_readme_link_the_chapter() -> None:
    for doc in (ROOT / "docs" / "user-guide.md", ROOT / "README.md"):
        assert "python-api.md" in doc.read_text("utf-8"), doc


# ------------------------------------------------------------------ the generated reference


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_api_docs", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_public_name_is_documented(gen: ModuleType) -> None:
    assert gen.problems() == []


def test_the_reference_is_up_to_date(gen: ModuleType) -> None:
    assert REFERENCE.read_text("utf-8") == gen.render(), f"{REFERENCE.name} is stale: {REGEN}"


def test_the_reference_covers_every_exported_api_name(gen: ModuleType) -> None:
    text = REFERENCE.read_text("utf-8")
    for name in smmcore._LAZY:
        assert f"\n### smmcore.{name}\n" in text, name
    for error in ("NotFoundError", "MissingExtraError", "ConfigError"):
        assert re.search(rf"^\s+{error}\s", text, re.M), f"{error} not in the hierarchy"
    assert ":raises" not in text and ":param" not in text
    assert re.search(r"(?<!`)``(?!`)", text) is None  # reST markup converted


def test_check_mode_reports_a_stale_file(gen: ModuleType, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    stale = tmp_path / "ref.md"
    stale.write_text("# old\n")
    original = gen.OUTPUT
    gen.OUTPUT = stale
    try:
        assert gen.main(["--check"]) == 1
    finally:
        gen.OUTPUT = original
