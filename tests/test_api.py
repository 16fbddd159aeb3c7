"""The Python API (``smmcore.open``, ``Workspace``): each ``smm`` command's behaviour through
the API, with the CLI's messages; the API never prints and never exits."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import smmcore
from smmcore.cli.app import App
from smmcore.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
END = "2026-11-25"


def run_cli(args: list[str], **kwargs: Any):
    return CliRunner().invoke(cli, args, obj=App(), **kwargs)


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> smmcore.Workspace:
    """One demo workspace for the module (built through the API, offline)."""
    return smmcore.demo(tmp_path_factory.mktemp("api") / "demo", end_date=END)


# ------------------------------------------------------------------ the package root


def test_import_smmcore_stays_cheap() -> None:
    """``import smmcore`` loads none of the API's heavy modules: they come on first use."""
    code = (
        "import sys, smmcore\n"
        "heavy = ('duckdb', 'pydantic', 'pyarrow', 'pandas', 'polars', 'httpx', 'rich', "
        "'click', 'smmcore.api', 'smmcore.sync', 'smmcore.report', 'smmcore.store')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
        "smmcore.Workspace\n"
        "print('smmcore.api' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, api_after = done.stdout.splitlines()
    assert loaded == "[]"
    assert api_after == "True"


def test_the_public_names_resolve_and_open_is_not_star_exported() -> None:
    for name in smmcore.__all__:
        assert getattr(smmcore, name) is not None, name
    assert "open" not in smmcore.__all__  # from smmcore import * keeps the builtin open
    assert callable(smmcore.open)
    assert set(smmcore._LAZY) - {"open"} <= set(smmcore.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        smmcore.nope  # noqa: B018


def test_the_errors_form_one_hierarchy() -> None:
    for name in ("ConfigError", "StoreError", "PluginError", "NotFoundError"):
        assert issubclass(getattr(smmcore, name), smmcore.SmmError)
    assert issubclass(smmcore.MissingExtraError, ImportError)
    assert issubclass(smmcore.MissingExtraError, smmcore.SmmError)
    assert issubclass(smmcore.NotFoundError, LookupError)
    assert issubclass(smmcore.EnvironmentFault, smmcore.SmmError)


API_MODULES = [
    "smmcore/api.py",
    "smmcore/events.py",
    "smmcore/frames.py",
    "smmcore/tabular.py",
    "smmcore/keyword_research.py",
    "smmcore/keywords.py",
    "smmcore/audience.py",
    "smmcore/plugin_manager.py",
]


@pytest.mark.parametrize("path", API_MODULES)
def test_the_api_never_prints_or_exits(path: str) -> None:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    calls = {
        ast.unparse(node.func)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)
    }
    assert not calls & {"print", "sys.exit", "exit", "click.echo", "input"}
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "click" not in imported and "rich" not in imported


# ------------------------------------------------------------------ smm init / open / config


def test_open_without_smm_toml_raises_the_clis_message(tmp_path: Path) -> None:
    with pytest.raises(smmcore.ConfigError) as caught:
        smmcore.open(tmp_path)
    cli_run = run_cli(["-w", str(tmp_path), "config", "show"])
    assert cli_run.exit_code == 1
    assert str(caught.value) == str(cli_run.exception)
    assert "smm init" in caught.value.format_message()


def test_init_creates_the_workspace_and_refuses_to_overwrite(tmp_path: Path) -> None:
    ws = smmcore.init(tmp_path / "acme", name="Acme", language="it", timezone="Europe/Rome")
    assert ws.config.client.name == "Acme" and ws.config.client.timezone == "Europe/Rome"
    assert ws.config_path.read_text(encoding="utf-8").startswith("# smm.toml: the workspace of")
    assert ".smm/" in (tmp_path / "acme" / ".gitignore").read_text(encoding="utf-8")
    before = ws.config_path.read_text(encoding="utf-8")
    with pytest.raises(smmcore.ConfigError, match="already exists; nothing was written"):
        smmcore.init(tmp_path / "acme", name="Other")
    assert ws.config_path.read_text(encoding="utf-8") == before
    # the CLI says the same
    cli_run = run_cli(["init", str(tmp_path / "acme"), "--yes"])
    assert cli_run.exit_code == 1 and "already exists; nothing was written" in str(
        cli_run.exception
    )
    smmcore.init(tmp_path / "acme", name="Other", force=True)
    assert smmcore.open(tmp_path / "acme").config.client.name == "Other"


def test_init_rejects_an_invalid_setting_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(smmcore.ConfigError) as caught:
        smmcore.init(tmp_path / "x", timezone="Mars/Olympus")
    assert caught.value.problems and "client.timezone" in caught.value.problems[0]
    assert not (tmp_path / "x" / "smm.toml").exists()
    assert smmcore.api.check_client("language", "english") is not None
    assert smmcore.api.check_client("timezone", "Europe/Rome") is None


def test_open_warns_about_a_plain_secret(tmp_path: Path) -> None:
    (tmp_path / "smm.toml").write_text(
        '[client]\nname = "A"\n\n[plugins.mastodon]\naccess_token = "abcdef123456"\n',
        encoding="utf-8",
    )
    with pytest.warns(smmcore.SmmWarning, match="plain text"):
        ws = smmcore.open(tmp_path)
    assert len(ws.warnings) == 1


def test_config_toml_is_what_smm_config_show_prints(demo_ws: smmcore.Workspace) -> None:
    cli_run = run_cli(["-w", str(demo_ws.path), "config", "show"])
    assert cli_run.exit_code == 0
    assert cli_run.output.endswith(demo_ws.config_toml() + "\n")
    as_json = run_cli(["-w", str(demo_ws.path), "config", "show", "--json"])
    assert json.loads(as_json.output) == demo_ws.redacted_config()


# ------------------------------------------------------------------ smm demo


def test_demo_refuses_a_real_workspace_and_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "smm.toml").write_text('[client]\nname = "Mine"\n', encoding="utf-8")
    with pytest.raises(smmcore.ConfigError, match="not the demo"):
        smmcore.demo(tmp_path / "mine")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(smmcore.SmmError, match="is not empty"):
        smmcore.demo(tmp_path / "full")


def test_demo_names_the_missing_plugins(tmp_path: Path) -> None:
    from smmcore.plugins import PluginHost

    with pytest.raises(smmcore.PluginError) as caught:
        smmcore.demo(tmp_path / "d", host=PluginHost(discover=False))
    assert "smm-files" in str(caught.value) and "smmcore[standard]" in (caught.value.hint or "")
    assert not (tmp_path / "d").exists()


def test_demo_syncs_and_keeps_the_result(demo_ws: smmcore.Workspace) -> None:
    result = demo_ws.last_sync
    assert result is not None and result.ok
    assert result.totals()["posts"] == demo_ws.sql("select count(*) from posts").fetchall()[0][0]


# ------------------------------------------------------------------ smm sync


def test_sync_reports_typed_events_and_per_unit_results(demo_ws: smmcore.Workspace) -> None:
    events: list[Any] = []
    result = demo_ws.sync(progress=events.append)
    assert isinstance(result, smmcore.SyncResult) and result.ok
    assert isinstance(events[0], smmcore.SyncStarted)
    assert isinstance(events[-1], smmcore.SyncFinished) and events[-1].result is result
    started = [e.unit.key for e in events if isinstance(e, smmcore.UnitStarted)]
    finished = [e.result for e in events if isinstance(e, smmcore.UnitFinished)]
    assert started == [u.key for u in events[0].units]
    assert finished == result.units
    for unit in result.units:
        assert unit.status == "ok" and unit.records == sum(unit.written.values())
        assert unit.waits == []  # a local export never waits
    assert demo_ws.last_sync is result


def test_sync_of_an_unknown_channel_raises_the_clis_message(demo_ws: smmcore.Workspace) -> None:
    with pytest.raises(smmcore.SmmError) as caught:
        demo_ws.sync("mastodon:@nobody@example.org")
    cli_run = run_cli(
        ["-w", str(demo_ws.path), "sync", "--channel", "mastodon:@nobody@example.org"]
    )
    assert cli_run.exit_code == 1
    assert str(caught.value) == str(cli_run.exception)


def test_sync_full_fetches_again_and_no_data_is_reported(
    demo_ws: smmcore.Workspace, tmp_path: Path
) -> None:
    again = demo_ws.sync()
    assert again.ok and sum(again.totals().values()) == 0  # nothing new since the last sync
    full = demo_ws.sync(full=True)
    assert full.ok and full.totals()["posts"] == demo_ws.last_sync.totals()["posts"] > 0
    # a configured channel the export has no rows for
    import shutil

    folder = tmp_path / "extra"
    shutil.copytree(demo_ws.path / "data", folder / "data")
    text = demo_ws.config_path.read_text(encoding="utf-8")
    extra = '[[channels]]\nnetwork = "instagram"\nhandle = "nobody.here"\nsource = "files"\n\n'
    (folder / "smm.toml").write_text(text.replace("[[channels]]", extra + "[[channels]]", 1))
    ws = smmcore.open(folder)
    result = ws.sync()
    assert not result.ok and [c["channel"] for c in result.no_data] == ["instagram:nobody.here"]
    cli_run = run_cli(["-w", str(folder), "sync", "--json"])
    assert cli_run.exit_code == 1 and json.loads(cli_run.stdout)["ok"] is False
    assert ws.sync(allow_no_data=True).ok


def test_the_queue_needs_a_shared_backend(demo_ws: smmcore.Workspace) -> None:
    with pytest.raises(smmcore.ConfigError, match="has no sync queue") as caught:
        demo_ws.queue_sync()
    cli_run = run_cli(["-w", str(demo_ws.path), "sync", "--queue"])
    assert cli_run.exit_code == 1 and str(cli_run.exception) == str(caught.value)
    with pytest.raises(smmcore.ConfigError, match="has no sync queue"):
        demo_ws.queue_status()


def test_sync_without_channels_is_empty(tmp_path: Path) -> None:
    ws = smmcore.init(tmp_path / "empty", name="Empty")
    result = ws.sync()
    assert result.units == [] and result.ok
    assert "Nothing to sync" in run_cli(["-w", str(ws.path), "sync"]).output


# ------------------------------------------------------------------ smm report


def test_report_numbers_equal_smm_report_json(demo_ws: smmcore.Workspace) -> None:
    report = demo_ws.report(period="2026-10", compare="previous")
    cli_run = run_cli(
        ["-w", str(demo_ws.path), "report", "--period", "2026-10", "--format", "json", "-o", "-"]
    )
    assert cli_run.exit_code == 0, cli_run.output
    data = json.loads(cli_run.output)
    assert data["period"]["start"] == "2026-10-01" and data["period"]["end"] == "2026-10-31"
    mine = report.model_dump(mode="json")
    assert mine["kpis"] == data["kpis"]
    assert mine["series"] == data["series"]
    # the long table holds exactly the report's values
    table = report.to_arrow().to_pylist()
    expected = [
        (row["name"], scope["scope_id"], scope["value"], scope["previous"])
        for row in data["kpis"]
        for scope in [row["client"], *row["channels"], *row["networks"], *row["competitors"]]
        if scope is not None
    ]
    assert [(r["kpi"], r["scope_id"], r["value"], r["previous"]) for r in table] == expected


def test_report_errors_are_the_clis(demo_ws: smmcore.Workspace) -> None:
    with pytest.raises(smmcore.SmmError) as caught:
        demo_ws.report(period="2026-13")
    cli_run = run_cli(["-w", str(demo_ws.path), "report", "--period", "2026-13", "-f", "json"])
    assert cli_run.exit_code == 1 and str(caught.value) == str(cli_run.exception)
    with pytest.raises(smmcore.SmmError, match="unknown audience"):
        demo_ws.report(audience="board")  # type: ignore[arg-type]


def test_report_audience_timings_and_cache(demo_ws: smmcore.Workspace) -> None:
    timings = smmcore.ReportTimings()
    first = demo_ws.report(period="2026-09", audience="client", timings=timings)
    assert first.audience == "client" and timings.steps and not timings.from_cache
    again = smmcore.ReportTimings()
    second = demo_ws.report(period="2026-09", timings=again)
    assert again.from_cache and second.kpis == first.kpis and second.audience == "analyst"
    fresh = smmcore.ReportTimings()
    demo_ws.report(period="2026-09", cache=False, timings=fresh)
    assert not fresh.from_cache


def test_series_tables(demo_ws: smmcore.Workspace) -> None:
    report = demo_ws.report(period="2026-10")
    followers = report.timeseries("followers").to_arrow()
    points = sum(len(s.points) for s in report.series.followers)
    assert followers.num_rows == points > 0
    assert followers.column_names[:2] == ["series", "key"]
    with pytest.raises(smmcore.NotFoundError) as caught:
        report.timeseries("likes")
    assert "Known series: followers, engagement" in caught.value.format_message()


def test_pandas_and_a_missing_extra(demo_ws: smmcore.Workspace, monkeypatch) -> None:
    report = demo_ws.report(period="2026-10")
    pandas = pytest.importorskip("pandas")
    frame = report.to_pandas()
    assert isinstance(frame, pandas.DataFrame) and len(frame) == report.to_arrow().num_rows
    client = frame[(frame.kpi == "follower_growth") & (frame.scope == "client")]
    assert client.value.iloc[0] == report.kpi("follower_growth").client.value
    monkeypatch.setitem(sys.modules, "polars", None)  # as if not installed
    with pytest.raises(smmcore.MissingExtraError) as caught:
        report.to_polars()
    assert caught.value.extra == "polars" and "smmcore[polars]" in caught.value.format_message()


def test_polars_frames_keep_unknowns_null(demo_ws: smmcore.Workspace) -> None:
    polars = pytest.importorskip("polars")
    report = demo_ws.report(period="2026-10")
    frame = report.to_polars()
    assert isinstance(frame, polars.DataFrame)
    assert frame.to_dicts() == report.to_arrow().to_pylist()
    unknown = sum(
        1
        for row in report.kpis
        for v in [row.client, *row.channels, *row.networks, *row.competitors]
        if v is not None and v.value is None
    )
    assert frame["value"].null_count() == unknown
    series = report.timeseries("engagement").to_polars()
    assert series.height == sum(len(s.points) for s in report.series.engagement)


def test_render_to_text_file_and_unknown_format(demo_ws: smmcore.Workspace, tmp_path) -> None:
    report = demo_ws.report(period="2026-10")
    text = demo_ws.render(report, "markdown")
    assert isinstance(text, str) and "Forno Rossi" in text
    written = demo_ws.render(report, "json", tmp_path / "r.json")
    assert written == tmp_path / "r.json"
    assert (
        json.loads(written.read_text(encoding="utf-8"))["kpis"]
        == report.model_dump(mode="json")["kpis"]
    )
    with pytest.raises(smmcore.NotFoundError) as caught:
        demo_ws.render(report, "docx")
    cli_run = run_cli(["-w", str(demo_ws.path), "report", "-f", "docx"])
    assert cli_run.exit_code == 1 and str(caught.value) == str(cli_run.exception)
    assert "markdown" in str(caught.value)


# ------------------------------------------------------------------ sql, smm store


def test_sql_is_read_only_and_its_results_outlive_the_connection(
    demo_ws: smmcore.Workspace,
) -> None:
    posts = demo_ws.sql("select count(*) from posts").fetchall()[0][0]
    count = demo_ws.sql("select count(*) n from posts where network = ?", ["instagram"])
    instagram = count.fetchall()[0][0]
    assert 0 < instagram < posts
    for statement in ("delete from posts", "drop table posts", "copy posts to 'x.csv'"):
        with pytest.raises(smmcore.SmmError, match=r"read-only: a [A-Z]+ statement"):
            demo_ws.sql(statement)
    with pytest.raises(smmcore.SmmError, match="one statement at a time"):
        demo_ws.sql("select 1; delete from posts")
    assert demo_ws.sql("select count(*) from posts").fetchall()[0][0] == posts
    demo_ws.close()
    assert count.filter("n > 0").fetchall() == [(instagram,)]  # still readable
    channels = demo_ws.sql("select count(*) from workspace_channels").fetchall()[0][0]
    assert channels == len(demo_ws.channels())
    demo_ws.sync()  # writes to the store while earlier results are alive
    assert count.filter("n > 0").fetchall() == [(instagram,)]


def test_sql_before_any_sync_says_to_sync(tmp_path: Path) -> None:
    ws = smmcore.init(tmp_path / "new", name="New")
    with pytest.raises(smmcore.StoreError, match="no history store") as caught:
        ws.sql("select 1")
    assert "smm sync" in caught.value.format_message()


def test_store_dates_finds_and_deletes(demo_ws: smmcore.Workspace) -> None:
    assert demo_ws.store.check_dates().total == 0
    demo_ws.close()
    import duckdb

    con = duckdb.connect(str(demo_ws.store_path))
    con.execute(
        "UPDATE posts SET created_at = TIMESTAMP '1999-01-01' WHERE post_id = "
        "(SELECT min(post_id) FROM posts)"
    )
    con.close()
    found = demo_ws.store.check_dates(examples=1)
    assert found.counts.get("posts") == 1 and len(found.examples["posts"]) == 1
    cli_run = run_cli(["-w", str(demo_ws.path), "store", "dates", "--json"])
    assert json.loads(cli_run.output)["counts"] == found.counts
    done = demo_ws.store.check_dates(delete=True)
    assert done.deleted["posts"] == 1
    assert demo_ws.store.check_dates().total == 0


def test_store_migrate_to_itself_is_refused(demo_ws: smmcore.Workspace) -> None:
    with pytest.raises(smmcore.SmmError, match="already 'duckdb'"):
        demo_ws.store.migrate("duckdb")


# ------------------------------------------------------------------ smm kpis


def test_kpi_catalog_matches_smm_kpis(demo_ws: smmcore.Workspace) -> None:
    catalog = demo_ws.kpis()
    cli_run = run_cli(["-w", str(demo_ws.path), "kpis", "list", "--json"])
    assert [info.summary() for info in catalog] == json.loads(cli_run.output)
    info = catalog.get("follower_growth")
    assert info.origin == "kpis" and info.spec.formula
    with pytest.raises(smmcore.NotFoundError, match="no KPI named 'nope'"):
        catalog.get("nope")
    metrics = [m.as_dict() for m in demo_ws.metrics()]
    cli_metrics = run_cli(["kpis", "metrics", "--json"])
    assert metrics == json.loads(cli_metrics.output)


CUSTOM = (
    '[client]\nname = "A"\n\n[kpis.{name}]\nlabel = "Saves"\nnumerator = "saves"\n'
    'denominator = "views"\naggregation = "ratio_of_sums"\nunit = "%"\nscale = 100\n'
)


def test_kpi_catalog_includes_smm_toml_kpis(tmp_path: Path) -> None:
    (tmp_path / "smm.toml").write_text(CUSTOM.format(name="saves_rate"), encoding="utf-8")
    catalog = smmcore.open(tmp_path).kpis()
    assert catalog.get("saves_rate").origin == "smm.toml" and not catalog.warnings
    assert catalog.names()[-1] == "saves_rate"
    cli_run = run_cli(["-w", str(tmp_path), "kpis", "show", "saves_rate", "--json"])
    assert json.loads(cli_run.output) == catalog.get("saves_rate").summary()


def test_kpi_catalog_warns_like_the_cli(tmp_path: Path) -> None:
    (tmp_path / "smm.toml").write_text(CUSTOM.format(name="follower_growth"), encoding="utf-8")
    catalog = smmcore.open(tmp_path).kpis()
    assert catalog.get("follower_growth").origin == "kpis"
    (warning,) = catalog.warnings
    assert "'follower_growth' is a built-in KPI" in warning
    cli_run = CliRunner().invoke(cli, ["-w", str(tmp_path), "kpis", "list"], obj=App())
    assert f"Warning: {warning}" in cli_run.stderr


# ------------------------------------------------------------------ the CLI is thin

THIN = {
    "smmcore/cli/workspace_cmd.py": 130,
    "smmcore/cli/sync_cmd.py": 420,  # two progress renderers and the summary table
    "smmcore/cli/report_cmd.py": 200,
    "smmcore/cli/demo_cmd.py": 70,
    "smmcore/cli/kpis_cmd.py": 140,
    "smmcore/cli/store_cmd.py": 90,
}
ALLOWED = {
    "smmcore.api",
    "smmcore.cli.app",
    "smmcore.errors",
    "smmcore.events",
    "smmcore.safeout",  # safe consoles for rendering
    "smmcore.sync",  # SyncInterrupted, types
    "smmcore.dates",  # the EARLIEST constant in a message
    "smmcore.contracts",  # types only
    "smmcore.http",  # types only
    "smmcore",
}


@pytest.mark.parametrize("path", sorted(THIN))
def test_the_cli_modules_hold_no_computation(path: str) -> None:
    """Each command parses options, calls the API and renders: small, importing no store,
    report, workspace or plugin internals."""
    source = (ROOT / path).read_text(encoding="utf-8")
    assert len(source.splitlines()) <= THIN[path]
    tree = ast.parse(source)
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    ours = {m for m in modules if m.startswith("smmcore")}
    assert ours <= ALLOWED, ours - ALLOWED
