"""Clear faults (issue 10): permission denied, a full disk, a damaged store, a store from a
newer version, memory running out and a lock held each give one message naming the path and
what to do, exit code 1, and no "unexpected ... report it" (kept for real bugs).

Each fault is provoked for real where this machine allows it (a damaged file, a newer schema,
a lock held by another process); where it cannot be made (a full disk; permission denied
when the tests run as root, who may write anywhere; memory) the exact error the OS or DuckDB
raises is injected at the point it would come from.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import duckdb
import pytest

from smmcore.cli.app import App
from smmcore.cli.main import main
from smmcore.store import Store
from smmcore.testing import local_http_server

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Blog</title><link>http://example.org/</link>
<description>d</description>
<item><title>Uno</title><link>http://example.org/1</link><guid>g-1</guid>
<pubDate>Mon, 02 Mar 2026 08:00:00 +0000</pubDate></item>
</channel></rss>
"""


@pytest.fixture
def feed_url():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(RSS)))
            self.end_headers()
            self.wfile.write(RSS)

        def log_message(self, *args: object) -> None:
            pass

    with local_http_server(Handler) as base:
        yield f"{base}/feed"


@pytest.fixture
def ws(tmp_path: Path, feed_url: str) -> Path:
    (tmp_path / "smm.toml").write_text(
        f'[client]\nname = "Forno"\n\n[[channels]]\nnetwork = "rss"\nhandle = "blog"\n'
        f'url = "{feed_url}"\n\n[keywords]\nterms = []\n',
        encoding="utf-8",
    )
    return tmp_path


def smm(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args), app=App())
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def store_file(ws: Path) -> Path:
    return ws / ".smm" / "store.duckdb"


def one_error(err: str) -> str:
    lines = [li for li in err.splitlines() if li.startswith("Error:")]
    assert len(lines) == 1, err
    assert "unexpected" not in err and "report it" not in err and "Traceback" not in err
    return lines[0]


def posts(ws: Path) -> int:
    con = duckdb.connect(str(store_file(ws)), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM posts").fetchone()[0]
    finally:
        con.close()


def test_damaged_store(ws: Path, capsys) -> None:
    store_file(ws).parent.mkdir()
    store_file(ws).write_bytes(b"\x00garbage, not a database\x00" * 2000)
    before = store_file(ws).read_bytes()
    code, _, err = smm(capsys, "-w", str(ws), "report", "-f", "json", "-o", "-")
    assert code == 1
    line = one_error(err)
    assert f"the history store {store_file(ws)} is damaged" in line
    assert "smm sync --full" in line and f"mv {store_file(ws)}" in line
    assert store_file(ws).read_bytes() == before  # nothing touched


def test_store_from_a_newer_smm(ws: Path, capsys) -> None:
    Store.open(store_file(ws)).close()
    con = duckdb.connect(str(store_file(ws)))
    con.execute("INSERT INTO schema_version SELECT 999, 'from the future', now()")
    con.close()
    code, _, err = smm(capsys, "-w", str(ws), "sync")
    assert code == 1
    line = one_error(err)
    assert "newer" in line and str(store_file(ws)) in line


def test_store_file_from_a_newer_duckdb(ws: Path, capsys, monkeypatch) -> None:
    Store.open(store_file(ws)).close()
    real = duckdb.connect

    def newer(path: str, *args: Any, **kwargs: Any) -> Any:
        if str(path) == str(store_file(ws)):
            # DuckDB's own message (from its binary), for a file of a newer storage version
            raise duckdb.IOException(
                "IO Error: Trying to read a database file with storage version number 99, but "
                "we can only read storage versions between 64 and 67."
            )
        return real(path, *args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", newer)
    code, _, err = smm(capsys, "-w", str(ws), "report", "-f", "json", "-o", "-")
    assert code == 1
    line = one_error(err)
    assert f"the history store {store_file(ws)} was written by a newer version" in line
    # which DuckDB wrote it (the file's header), which one is here, and what to do
    assert f"DuckDB (v{duckdb.__version__})" in line
    assert f"the duckdb {duckdb.__version__} installed here cannot read" in line
    assert "upgrade duckdb" in line.lower() and "the file was not changed" in line.lower()


def test_permission_denied(ws: Path, capsys, monkeypatch) -> None:
    smm_dir = ws / ".smm"
    if os.geteuid() != 0:
        ws.chmod(0o555)  # a read-only workspace folder: .smm cannot be created
    else:  # root may write anywhere: inject the OS's answer where it would come
        real = Path.mkdir

        def denied(self: Path, *args: Any, **kwargs: Any) -> None:
            if self == smm_dir:
                raise PermissionError(errno.EACCES, "Permission denied", str(self))
            real(self, *args, **kwargs)

        monkeypatch.setattr(Path, "mkdir", denied)
    try:
        code, _, err = smm(capsys, "-w", str(ws), "sync")
    finally:
        ws.chmod(0o755)
    assert code == 1
    line = one_error(err)
    assert f"permission denied: {smm_dir}" in line and "ls -l" in line
    assert not smm_dir.exists()


def test_disk_full_while_saving_a_unit(ws: Path, capsys, monkeypatch) -> None:
    code, _, _ = smm(capsys, "-w", str(ws), "sync")  # a first good sync
    assert code == 0 and posts(ws) == 1
    wal = f"{store_file(ws)}.wal"

    def full(self: Store, writers: Any) -> Any:
        # DuckDB's message when the write-ahead log cannot grow (format from its binary)
        raise duckdb.IOException(f'IO Error: Could not write file "{wal}": No space left on device')

    monkeypatch.setattr(Store, "commit_units", full)
    code, out, err = smm(capsys, "-w", str(ws), "sync", "--full")
    assert code == 1
    text = out + err
    assert f"the disk is full (writing {wal})" in err and "free some space" in err.lower()
    assert "unexpected" not in text and "report it" not in text
    assert posts(ws) == 1  # the store kept its previous state


def test_disk_full_opening_the_store(ws: Path, capsys, monkeypatch) -> None:
    def full(self: Path, *args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "mkdir", full)
    code, _, err = smm(capsys, "-w", str(ws), "sync")
    assert code == 1
    assert f"the disk is full (writing {ws / '.smm'})" in one_error(err)


def test_out_of_memory(ws: Path, capsys, monkeypatch) -> None:
    import smmcore.workspace as workspace

    def oom(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise MemoryError()

    monkeypatch.setattr(workspace.Workspace, "open_store", oom)
    code, _, err = smm(capsys, "-w", str(ws), "report", "-f", "json", "-o", "-")
    assert code == 1
    line = one_error(err)
    assert "out of memory" in line and "SMM_STORE_MEMORY_LIMIT" in line


def test_out_of_memory_in_duckdb_fails_the_unit_clearly(ws: Path, capsys, monkeypatch) -> None:
    def oom(self: Store, writers: Any) -> Any:
        raise duckdb.OutOfMemoryException(
            "Out of Memory Error: Failed to allocate block of 262144 bytes (bad allocation)"
        )

    monkeypatch.setattr(Store, "commit_units", oom)
    code, out, err = smm(capsys, "-w", str(ws), "sync")
    assert code == 1
    assert "out of memory" in out + err and "report it" not in out + err


def test_lock_held_by_another_process(ws: Path, capsys) -> None:
    Store.open(store_file(ws)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True);"
            " time.sleep(60)",
            str(store_file(ws)),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        code, _, err = smm(capsys, "-w", str(ws), "sync")
    finally:
        holder.kill()
        holder.wait()
    assert code == 1
    line = one_error(err)
    assert str(store_file(ws)) in line and ("lock" in line.lower() or "in use" in line)


def test_a_real_bug_still_says_report_it(ws: Path, capsys, monkeypatch) -> None:
    import smmcore.workspace as workspace

    def bug(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("an impossible state")

    monkeypatch.setattr(workspace.Workspace, "open_store", bug)
    code, _, err = smm(capsys, "-w", str(ws), "report", "-f", "json", "-o", "-")
    assert code == 1
    assert "unexpected ValueError: an impossible state" in err and "report it" in err
