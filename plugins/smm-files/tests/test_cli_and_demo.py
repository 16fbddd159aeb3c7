"""``smm files`` commands and the demo generator."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import duckdb
from click.testing import CliRunner
from smm_files.demo import ESCAPING_TEXT, generate_export, write_demo_workspace

from smmcore.cli.app import App
from smmcore.cli.main import cli
from smmcore.workspace import load_workspace

END = date(2026, 11, 25)


def run(workspace: Path, *args: str):
    return CliRunner().invoke(cli, list(args), obj=App(workspace_dir=workspace))


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_check_reports_bad_rows_and_exits_1(tmp_path: Path, make_export, posts_csv) -> None:
    folder = make_export(tmp_path / "x", posts=posts_csv + "instagram,forno,p9,later\n")
    result = run(tmp_path, "files", "check", str(folder))
    assert result.exit_code == 1
    assert "posts.csv: 4 rows" in result.output
    assert "posts.csv row 5: expected 17 fields, found 4" in result.output

    good = make_export(tmp_path / "y", posts=posts_csv)
    result = run(tmp_path, "files", "check", str(good))
    assert result.exit_code == 0, result.output
    assert "All rows are valid." in result.output


def test_check_with_mapping_and_timezone_options(tmp_path: Path, make_export) -> None:
    folder = make_export(
        tmp_path / "x",
        posts="network,account,Post ID,Published\ninstagram,a,1,2026-03-01 10:00\n",
    )
    result = run(tmp_path, "files", "check", str(folder))
    assert result.exit_code == 1
    # 'smm' prints an SmmError as "Error: <message>. <hint>"
    assert "has no column post_id, created_at" in str(result.exception)
    assert "mapping" in result.exception.hint
    result = run(
        tmp_path, "files", "check", str(folder),
        "--map", "post_id=Post ID", "--map", "created_at=Published", "--timezone", "Europe/Rome",
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def test_import_into_the_workspace_is_idempotent(tmp_path: Path) -> None:
    ws = write_demo_workspace(tmp_path / "demo", end_date=END)
    first = run(ws, "files", "import", str(ws / "data"))
    assert first.exit_code == 0, first.output
    assert "posts: 1,300 rows" in first.output
    con = duckdb.connect(str(ws / ".smm" / "store.duckdb"), read_only=True)
    counts = con.execute(
        "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM post_metrics)"
    ).fetchone()
    cursor = con.execute("SELECT unit_key FROM sync_state").fetchall()
    con.close()
    assert counts == (1300, 1283)
    assert cursor == [("files:data",)]  # the same unit as 'smm sync' with path = "data"
    second = run(ws, "files", "import", str(ws / "data"))
    assert second.exit_code == 0, second.output
    con = duckdb.connect(str(ws / ".smm" / "store.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM posts").fetchone()[0] == 1300
    con.close()


def test_import_with_bad_rows_imports_nothing(tmp_path: Path, make_export, posts_csv) -> None:
    ws = write_demo_workspace(tmp_path / "demo", end_date=END)
    folder = make_export(tmp_path / "bad", posts=posts_csv + "instagram,forno,p9,later\n")
    result = run(ws, "files", "import", str(folder))
    assert result.exit_code != 0
    assert not (ws / ".smm" / "store.duckdb").exists() or _posts(ws) == 0
    result = run(ws, "files", "import", str(folder), "--skip-bad")
    assert result.exit_code == 0, result.output
    assert "posts: 2 rows" in result.output  # p1 (two snapshots) and 109
    assert _posts(ws) == 2


def _posts(ws: Path) -> int:
    con = duckdb.connect(str(ws / ".smm" / "store.duckdb"), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM posts").fetchone()[0]
    finally:
        con.close()


def test_demo_data_command(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        "files",
        "demo-data",
        str(tmp_path / "out"),
        "--end-date",
        "2026-11-25",
        "--no-audience",
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["accounts.csv", "posts.csv"]
    assert "posts.csv: 1,300 rows" in result.output


def test_generator_is_deterministic(tmp_path: Path) -> None:
    generate_export(tmp_path / "a", end_date=END, seed=7)
    generate_export(tmp_path / "b", end_date=END, seed=7)
    generate_export(tmp_path / "c", end_date=END, seed=8)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a")["posts.csv"] != digest(tmp_path / "c")["posts.csv"]


def test_demo_workspace_content(tmp_path: Path) -> None:
    ws = write_demo_workspace(tmp_path / "demo", end_date=END)
    config = load_workspace(ws).config
    assert config.client.name == "Forno Rossi" and config.client.timezone == "Europe/Rome"
    assert [(c.network, c.source) for c in config.channels] == [
        ("instagram", "files"),
        ("facebook", "files"),
        ("mastodon", "files"),
    ]
    assert [(c.name, len(c.channels)) for c in config.competitors] == [
        ("Panificio Bianchi", 2),
        ("Pasticceria Neri", 1),
    ]
    assert "lievito madre" in config.keywords.terms
    assert config.plugins["files"] == {"path": "data"}

    con = duckdb.connect()
    posts = f"read_csv('{ws / 'data' / 'posts.csv'}', all_varchar = true)"
    # the escaping post is there, on the client's Instagram, in the last month
    assert (
        con.execute(
            f"SELECT account, created_at FROM {posts} WHERE text = ?", [ESCAPING_TEXT]
        ).fetchall()[0][0]
        == "fornorossi.bologna"
    )
    assert '<script>alert(1)</script> "quotes" & ampersand' in ESCAPING_TEXT
    # views are unknown on Mastodon, known on the client's Instagram
    views = dict(
        con.execute(
            f"SELECT network, count(views) FROM {posts} WHERE account LIKE 'fornorossi%' GROUP BY 1"
        ).fetchall()
    )
    assert views["mastodon"] == 0 and views["instagram"] > 0
    # 12 months of daily snapshots for each of the 6 accounts, ending on END
    accounts = f"read_csv('{ws / 'data' / 'accounts.csv'}', all_varchar = true)"
    assert con.execute(
        f"SELECT count(*), count(DISTINCT account), max(captured_at) FROM {accounts}"
    ).fetchone() == (2190, 6, "2026-11-25T23:30:00+01:00")
    # Saturday posts get more engagement per follower than Monday posts
    by_day = dict(
        con.execute(
            f"SELECT dayofweek(CAST(created_at AS TIMESTAMPTZ) AT TIME ZONE 'Europe/Rome'), "
            f"median(CAST(likes AS INT)) FROM {posts} "
            "WHERE account = 'fornorossi.bologna' GROUP BY 1"
        ).fetchall()
    )
    assert by_day[6] > by_day[1]
    # an audience of a few thousand with some influencers
    audience = f"read_csv('{ws / 'data' / 'audience.csv'}', all_varchar = true)"
    n, influencers = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE CAST(followers AS INT) >= 20000) FROM {audience}"
    ).fetchone()
    assert 2000 <= n <= 5000 and 5 <= influencers <= 40


def test_demo_data_sizes_and_seed(tmp_path: Path) -> None:
    """--posts and --accounts size the export; --seed picks it: the same seed writes the
    same bytes, another seed other posts."""

    def demo(out: str, *args: str) -> dict[str, str]:
        result = run(tmp_path, "files", "demo-data", str(tmp_path / out),
                     "--end-date", "2026-11-25", "--no-audience", *args)  # fmt: skip
        assert result.exit_code == 0, result.output
        return digest(tmp_path / out)

    a = demo("a", "--posts", "200", "--accounts", "8", "--seed", "7")
    con = duckdb.connect()
    posts = con.execute(f"SELECT count(*) FROM read_csv('{tmp_path / 'a' / 'posts.csv'}')")
    assert posts.fetchone()[0] == 200
    accounts = con.execute(
        f"SELECT count(DISTINCT (network, account)) FROM read_csv('{tmp_path / 'a' / 'posts.csv'}')"
    )
    assert accounts.fetchone()[0] == 8
    assert demo("b", "--posts", "200", "--accounts", "8", "--seed", "7") == a
    assert (
        demo("c", "--posts", "200", "--accounts", "8", "--seed", "8")["posts.csv"] != a["posts.csv"]
    )
    result = run(tmp_path, "files", "demo-data", str(tmp_path / "d"), "--accounts", "5")
    assert result.exit_code == 2 and "5 is not in the range x>=6" in result.output


def test_import_with_mapping_and_timezone_options(tmp_path: Path, make_export) -> None:
    """--map reads a canonical column from the export's own header; --timezone says what a
    timestamp without an offset means (10:00 in Rome in March is 09:00 UTC)."""
    ws = write_demo_workspace(tmp_path / "demo", end_date=END)
    folder = make_export(
        tmp_path / "x",
        posts="network,account,Post ID,Published,Reactions,captured_at\n"
        "instagram,forno,1,2026-03-01 10:00,7,2026-03-02 10:00\n",
    )
    result = run(ws, "files", "import", str(folder))
    assert result.exit_code == 1 and "has no column post_id, created_at" in str(result.exception)
    result = run(
        ws, "files", "import", str(folder), "--map", "post_id=Post ID",
        "--map", "created_at=Published", "--map", "likes=Reactions", "--timezone", "Europe/Rome",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(ws / ".smm" / "store.duckdb"), read_only=True)
    try:
        row = con.execute(
            "SELECT p.post_id, strftime(p.created_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M'), "
            "m.likes FROM posts p JOIN post_metrics m USING (network, account, post_id)"
        ).fetchall()
    finally:
        con.close()
    assert row == [("1", "2026-03-01 09:00", 7)]
