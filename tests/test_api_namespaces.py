"""``ws.keywords``, ``ws.audience`` and ``smmcore.plugins`` on a workspace opened through the
API: bound to the workspace, and the same numbers as ``smm audience`` / ``smm keywords``
(every behaviour of the three command groups is tested through the API in
test_keywords.py, test_keywords_partial.py, test_audience_cli.py and test_plugins_api.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import smmcore
from smmcore.cli.app import App
from smmcore.cli.main import cli

END = "2026-11-25"


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> smmcore.Workspace:
    return smmcore.demo(tmp_path_factory.mktemp("namespaces") / "demo", end_date=END)


def _cli_json(ws: smmcore.Workspace, *args: str) -> object:
    done = CliRunner().invoke(cli, ["-w", str(ws.path), *args], obj=App())
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def test_keywords_use_the_workspace(demo_ws: smmcore.Workspace) -> None:
    kw = demo_ws.keywords
    assert isinstance(kw, smmcore.KeywordResearch) and kw.host is demo_ws.host
    assert kw.defaults["language"] == demo_ws.config.client.language
    own = kw.related("pane", tool="own-terms")
    assert isinstance(own, smmcore.KeywordResult) and not own.failed
    head = next(s for s in own.signals if s.item == "pane")
    assert head.unit == "engagements/post" and head.value > 0
    cli_result = _cli_json(
        demo_ws, "keywords", "related", "pane", "--tool", "own-terms", "--format", "json"
    )
    (same,) = cli_result["results"]  # type: ignore[index]
    assert [(s["item"], s["value"]) for s in same["signals"]] == [
        (s.item, s.value) for s in own.signals
    ]


def test_audience_segments_are_the_clis(demo_ws: smmcore.Workspace) -> None:
    result = demo_ws.audience.segments(period="2026-10")
    assert isinstance(result, smmcore.SegmentationResult) and not result.problems
    printed = _cli_json(demo_ws, "audience", "segments", "--period", "2026-10", "--format", "json")
    assert printed == json.loads(json.dumps(result.to_json()))
    sizes = result.to_pandas().set_index("name")["size"]
    assert sizes["tiers:silent"] > 0 and sizes.sum() == sum(s.size for s in result.segments)


def test_audience_renewal_is_the_clis(demo_ws: smmcore.Workspace) -> None:
    table = demo_ws.audience.renewal(months=3)
    assert isinstance(table, smmcore.RenewalTable)
    assert table.rows() == _cli_json(
        demo_ws, "audience", "renewal", "--months", "3", "--format", "json"
    )
    assert [r["month"] for r in table.rows()][-1] == "2026-11"


def test_influencers_export_like_the_cli(demo_ws: smmcore.Workspace, tmp_path: Path) -> None:
    top = demo_ws.audience.influencers(top=5, period="2026-10")
    assert isinstance(top, smmcore.MemberTable) and len(top) == 5
    assert top.export(tmp_path / "api.csv") == 5
    done = CliRunner().invoke(
        cli,
        ["-w", str(demo_ws.path), "audience", "influencers", "--top", "5", "--period", "2026-10",
         "--export", str(tmp_path / "cli.csv")],
        obj=App(),
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert (tmp_path / "api.csv").read_bytes() == (tmp_path / "cli.csv").read_bytes()


def test_plugins_namespace_after_a_bare_import() -> None:
    code = (
        "import smmcore\n"
        "records = smmcore.plugins.list()\n"
        "print(sorted(r.name for r in records if r.status == 'ok')[:3])\n"
        "print(smmcore.plugins.info('segments').record.distribution)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    names, distribution = done.stdout.splitlines()
    assert names.startswith("[") and distribution == "smm-segments"
    with pytest.raises(smmcore.NotFoundError, match="no plugin named 'nope'"):
        smmcore.plugins.info("nope")


def test_tables_as_polars_or_a_missing_extra(demo_ws: smmcore.Workspace, monkeypatch) -> None:
    polars = pytest.importorskip("polars")
    renewal = demo_ws.audience.renewal(months=2)
    frame = renewal.to_polars()
    assert isinstance(frame, polars.DataFrame) and frame["month"].to_list()[-1] == "2026-11"
    monkeypatch.setitem(sys.modules, "polars", None)  # as if not installed
    with pytest.raises(smmcore.MissingExtraError) as caught:
        renewal.to_polars()
    assert caught.value.extra == "polars"
