"""The Python API on the team store: ``ws.store.migrate`` moves a workspace to the lake and
back with the same counts and the same report as ``smm store migrate``; ``ws.queue_sync`` and
``ws.queue_status`` fill and show the queue that ``smm worker`` empties, as ``smm sync
--queue`` and ``smm sync --status`` do."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from smm_ducklake.testing import differences, report_json, smm, store_toml

import smmcore
from smmcore.errors import SmmError
from smmcore.store.transfer import row_counts


def _use_backend(ws: Path, backend: str) -> None:
    toml = ws / "smm.toml"
    text = toml.read_text(encoding="utf-8")
    line = text.index("backend = ", text.index("[store]"))
    end = text.index("\n", line)
    toml.write_text(text[:line] + f'backend = "{backend}"' + text[end:], encoding="utf-8")


def _counts(ws: Path) -> dict[str, int]:
    with smmcore.open(ws).loaded.open_store(read_only=True) as store:
        return row_counts(store)


def test_store_migrate_through_the_api_round_trips_with_equal_reports(
    demo_ws, lake, tmp_path: Path
) -> None:
    folder = demo_ws(
        "api",
        store=f'\n[store]\nbackend = "duckdb"\ncatalog = "{lake["catalog"]}"\n'
        f'data_path = "{lake["data_path"]}"\nschema = "api"\n',
    )
    ws = smmcore.open(folder)
    assert ws.sync().ok
    before = report_json(folder, tmp_path / "before.json")
    counts = _counts(folder)
    assert counts["posts"] > 100

    with pytest.raises(SmmError, match="already 'duckdb'"):
        ws.store.migrate("duckdb")
    moved = ws.store.migrate("ducklake")
    assert (moved.source, moved.target) == ("duckdb", "ducklake")
    assert moved.counts == counts
    _use_backend(folder, "ducklake")
    assert _counts(folder) == counts
    assert differences(before, report_json(folder, tmp_path / "lake.json")) == []

    # back into the DuckDB file: it still holds the old history, so it is refused unless
    # replaced, with the CLI's message
    lake_ws = smmcore.open(folder)
    with pytest.raises(SmmError, match="already holds rows"):
        lake_ws.store.migrate("duckdb")
    shutil.move(folder / ".smm" / "store.duckdb", tmp_path / "old.duckdb")
    back = lake_ws.store.migrate("duckdb")
    assert back.counts == counts
    _use_backend(folder, "duckdb")
    assert differences(before, report_json(folder, tmp_path / "back.json")) == []


def test_queue_sync_and_status_through_the_api_match_the_cli(demo_ws, lake) -> None:
    one = demo_ws("one", seed=1, store=store_toml(lake, "client_one"))
    two = demo_ws("two", seed=2, store=store_toml(lake, "client_two"))
    ws = smmcore.open(one)

    queued = ws.queue_sync(also=[two])
    assert [(Path(w), unit) for w, unit, _ in queued] == [
        (one.resolve(), "files:data"),
        (two.resolve(), "files:data"),
    ]
    assert {outcome for *_, outcome in queued} == {"queued"}
    # queued twice: the unit is not doubled
    assert [outcome for *_, outcome in ws.queue_sync()] == ["already queued"]

    jobs = ws.queue_status(also=[two])
    cli = json.loads(smm(one, "sync", "--status", "--json", "--also", str(two)).stdout)
    assert json.loads(json.dumps(jobs, default=str)) == cli
    assert [(j["unit"], j["status"]) for j in jobs] == [("files:data", "todo")] * 2

    worker = subprocess.run(
        [sys.executable, "-m", "smmcore", "-w", str(one), "worker", "--once"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert worker.returncode == 0, worker.stderr
    done = ws.queue_status(also=[two])
    assert [j["status"] for j in done] == ["succeeded", "succeeded"]
    assert _counts(one)["posts"] > 100
