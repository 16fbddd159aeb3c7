"""``smm store migrate``: the demo workspace goes to the lake and back with equal reports and
checked counts; a target that holds rows is refused unless --replace."""

from __future__ import annotations

import shutil
from pathlib import Path

from smm_ducklake.testing import differences, report_json, smm

from smmcore.store.transfer import row_counts
from smmcore.workspace import load_workspace


def _set_backend(ws: Path, backend: str) -> None:
    toml = ws / "smm.toml"
    text = toml.read_text(encoding="utf-8")
    start = text.index("[store]")
    line = text.index("backend = ", start)
    end = text.index("\n", line)
    toml.write_text(text[:line] + f'backend = "{backend}"' + text[end:], encoding="utf-8")


def _counts(ws: Path) -> dict[str, int]:
    with load_workspace(ws).open_store(read_only=True) as store:
        return row_counts(store)


def test_migrate_round_trips_the_demo_workspace_with_equal_reports(
    demo_ws, lake, tmp_path: Path
) -> None:
    ws = demo_ws(
        "demo",
        store=f'\n[store]\nbackend = "duckdb"\ncatalog = "{lake["catalog"]}"\n'
        f'data_path = "{lake["data_path"]}"\nschema = "demo"\n',
    )
    smm(ws, "sync")
    before = report_json(ws, tmp_path / "before.json")
    counts = _counts(ws)
    assert counts["posts"] > 100 and counts["sync_state"] == 1

    done = smm(ws, "store", "migrate", "--to", "ducklake")
    assert f"posts: {counts['posts']:,} row(s) copied, counts checked" in done.stdout
    assert 'Next: set backend = "ducklake"' in done.stdout
    _set_backend(ws, "ducklake")
    assert _counts(ws) == counts
    assert differences(before, report_json(ws, tmp_path / "lake.json")) == []

    # back into the DuckDB file: it still holds the old history, so --replace is needed
    refused = smm(ws, "store", "migrate", "--to", "duckdb", check=False)
    assert refused.returncode == 1
    assert "already holds rows" in refused.stderr and "--replace" in refused.stderr
    shutil.move(ws / ".smm" / "store.duckdb", tmp_path / "old.duckdb")
    smm(ws, "store", "migrate", "--to", "duckdb")
    _set_backend(ws, "duckdb")
    assert _counts(ws) == counts
    assert differences(before, report_json(ws, tmp_path / "back.json")) == []
    # --replace overwrites a target that holds rows (the lake), counts still equal
    smm(ws, "store", "migrate", "--to", "ducklake", "--replace")
    _set_backend(ws, "ducklake")
    assert _counts(ws) == counts
    # the lake changes, the DuckDB file next to it does not: the report follows the lake
    # (no report cache keyed on the old file)
    with load_workspace(ws).open_store() as store:
        store.transaction(  # the snapshots and the latest of each post, as the store keeps it
            lambda: store.con.execute("DELETE FROM post_metrics; DELETE FROM post_metrics_latest")
        )
    after = report_json(ws, tmp_path / "after.json")
    assert differences(before, after) != []


def test_migrate_to_the_backend_in_use_is_refused(write_ws_text) -> None:
    ws = write_ws_text("")
    done = smm(ws, "store", "migrate", "--to", "duckdb", check=False)
    assert done.returncode == 1
    assert "already 'duckdb'" in done.stderr
