"""The ducklake store backend on a real PostgreSQL: same reports as a DuckDB file, one schema
per workspace, concurrent writers safe, clear errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

from smm_ducklake.testing import differences, report_json, smm, store_toml

from smmcore.workspace import load_workspace


def test_demo_report_on_the_lake_equals_the_report_on_a_duckdb_file(
    demo_ws, lake, tmp_path: Path
) -> None:
    """Two workspaces share one lake (one schema each); the report of each equals the
    report of the same data in a DuckDB file; a second sync stores nothing twice."""
    file_ws = demo_ws("file")
    lake_ws = demo_ws("lake", store=store_toml(lake, "forno"))
    other_ws = demo_ws("other", seed=2, store=store_toml(lake, "other_client"))
    smm(file_ws, "sync")
    done = smm(lake_ws, "sync")
    assert "1 of 1 unit(s) synced" in done.stdout
    smm(other_ws, "sync")
    assert not (lake_ws / ".smm" / "store.duckdb").exists()  # the history went to the lake
    assert list(Path(lake["data_path"]).rglob("*.parquet"))
    a = report_json(file_ws, tmp_path / "file.json")
    b = report_json(lake_ws, tmp_path / "lake.json")
    assert a["history"]["posts"] > 50
    assert differences(a, b) == []
    # the other client's schema holds other numbers, and neither sees the other's rows
    assert differences(a, report_json(other_ws, tmp_path / "other.json")) != []
    smm(lake_ws, "sync", "--full")  # syncing again stores nothing twice
    counted = []
    for ws in (file_ws, lake_ws):
        with load_workspace(ws).open_store(read_only=True) as store:
            counted.append(
                store.con.execute(
                    "SELECT count(*), count(DISTINCT (network, account, post_id)) FROM posts"
                ).fetchone()
            )
            here = store.con.execute("SELECT current_schema()").fetchone()[0]
    assert here == "forno"
    assert counted[0] == counted[1] == (counted[0][0], counted[0][0])
    with load_workspace(other_ws).open_store(read_only=True) as store:
        schemas = store.con.execute(
            "SELECT DISTINCT table_schema FROM information_schema.tables "
            "WHERE table_catalog = current_database() AND table_name = 'posts' ORDER BY 1"
        ).fetchall()
    assert schemas == [("forno",), ("other_client",)]


_WRITER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime, timedelta
    from smmcore.models import Post, PostMetrics
    from smmcore.workspace import load_workspace

    ws = load_workspace(sys.argv[1])
    me = int(sys.argv[2])
    t = datetime(2026, 1, 5, tzinfo=UTC)
    with ws.open_store() as store:
        for round in range(4):
            # every writer writes the same 20 posts (same keys) and its own metrics
            items = [Post(network="m", account="a", post_id=str(i), created_at=t,
                          text=f"w{me} r{round}") for i in range(20)]
            items += [PostMetrics(network="m", account="a", post_id=str(i),
                                  captured_at=t + timedelta(hours=me), likes=round)
                      for i in range(20)]
            store.write(items, unit_key=f"writer{me}", cursor={"round": round})
    print("done")
    """
)


def test_concurrent_writers_store_each_key_once(write_lake_ws, tmp_path: Path) -> None:
    ws = write_lake_ws("shared")
    script = tmp_path / "writer.py"
    script.write_text(_WRITER, encoding="utf-8")
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(ws), str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert out.strip() == "done"
    with load_workspace(ws).open_store(read_only=True) as store:
        con = store.con
        assert con.execute("SELECT count(*), count(DISTINCT post_id) FROM posts").fetchone() == (
            20,
            20,
        )
        # each writer's snapshot of each post, once: 3 writers x 20 posts
        assert con.execute("SELECT count(*) FROM post_metrics").fetchone()[0] == 60
        assert (
            con.execute("SELECT count(*) FROM (SELECT DISTINCT * FROM post_metrics)").fetchone()[0]
            == 60
        )
        assert con.execute("SELECT max(likes) FROM post_metrics").fetchone()[0] == 3
        states = con.execute("SELECT unit_key, cursor FROM sync_state ORDER BY 1").fetchall()
        assert states == [(f"writer{n}", '{"round": 3}') for n in range(3)]


def test_unknown_never_overwrites_known_on_the_lake(write_lake_ws) -> None:
    from smmcore.models import Post

    ws = load_workspace(write_lake_ws("known"))
    t = datetime(2026, 1, 5, tzinfo=UTC)
    with ws.open_store() as store:
        store.write([Post(network="m", account="a", post_id="1", created_at=t, text="ciao")])
        store.write([Post(network="m", account="a", post_id="1", created_at=t, text=None)])
        assert store.con.execute("SELECT text FROM posts").fetchall() == [("ciao",)]


def test_a_read_only_open_of_a_workspace_never_synced_says_what_to_do(write_lake_ws) -> None:
    ws = write_lake_ws("never")
    done = smm(ws, "report", check=False)
    assert done.returncode == 1
    assert "there is no history store at the lake schema 'never'" in done.stderr
    assert "smm sync" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unreachable_catalog_is_one_clear_message_without_the_password(
    write_ws_text, tmp_path: Path
) -> None:
    ws = write_ws_text(
        '\n[store]\nbackend = "ducklake"\n'
        'catalog = "postgres:dbname=x host=127.0.0.1 port=1 user=u password=hunter22"\n'
        f'data_path = "{tmp_path / "d"}"\n'
    )
    done = smm(ws, "sync", check=False)
    assert done.returncode == 1
    assert "the lake schema 'forno_rossi'" in done.stderr
    assert "hunter22" not in done.stderr
    assert "Traceback" not in done.stderr


def test_store_settings_are_validated_with_their_line(write_ws_text) -> None:
    ws = write_ws_text(
        '\n[store]\nbackend = "ducklake"\ncatalog = "x.ducklake"\nschema = "Bad Name"\n'
    )
    done = smm(ws, "sync", check=False)
    assert done.returncode == 1
    assert "the settings [store] of the store backend 'ducklake'" in done.stderr
    assert "data_path" in done.stderr and "schema" in done.stderr


def test_an_unknown_backend_names_the_installed_ones(write_ws_text) -> None:
    ws = write_ws_text('\n[store]\nbackend = "oracle"\n')
    done = smm(ws, "sync", check=False)
    assert done.returncode == 1
    assert "no store backend named 'oracle' (available: ducklake)" in done.stderr


def test_a_file_catalog_lake_works_on_one_machine(write_ws_text, tmp_path: Path) -> None:
    from smmcore.models import Post

    ws = load_workspace(
        write_ws_text(
            f'\n[store]\nbackend = "ducklake"\ncatalog = "{tmp_path / "cat.ducklake"}"\n'
            f'data_path = "{tmp_path / "data"}"\n'
        )
    )
    t = datetime(2026, 1, 5, tzinfo=UTC)
    with ws.open_store() as store:
        store.write([Post(network="m", account="a", post_id="1", created_at=t, text="ciao")])
    with ws.open_store(read_only=True) as store:
        assert store.con.execute("SELECT post_id, text FROM posts").fetchall() == [("1", "ciao")]
    shutil.rmtree(tmp_path / "data")


def test_the_catalog_password_comes_from_the_environment_and_is_never_printed(
    write_ws_text, tmp_path: Path
) -> None:
    ws_dir = write_ws_text(
        '\n[store]\nbackend = "ducklake"\n'
        'catalog = "postgres:dbname=smm host=127.0.0.1 user=smm password=${SMM_TEST_PW}"\n'
        f'data_path = "{tmp_path / "d"}"\n'
    )
    unset = smm(ws_dir, "sync", check=False)
    assert unset.returncode == 1
    assert "SMM_TEST_PW is not set" in unset.stderr
    ws = load_workspace(ws_dir, env={"SMM_TEST_PW": "s3cret-pw"})
    backend = ws.store_backend()
    assert backend.conninfo.endswith("password=s3cret-pw")
    assert "s3cret-pw" not in backend.location
    assert "s3cret-pw" in ws.secret_values()
    shown = json.dumps(ws.redacted())
    assert "s3cret-pw" not in shown and "${SMM_TEST_PW}" in shown
