"""``smm sync`` of a workspace with a Facebook Page and an Instagram account, end to end,
against a Graph API server on 127.0.0.1 answering the documented shapes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import meta_graph_payloads as g

from smmcore.testing.replay import request_key


class GraphServer:
    """Answers ``g.responses(base=<this server>)``; 404 with a Graph error otherwise."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.seen.append((self.path, self.headers.get("Authorization", "")))
                answers = outer.table.get(request_key("GET", outer.base + self.path))
                if isinstance(answers, list):
                    answer = answers.pop(0) if len(answers) > 1 else answers[0]
                else:
                    answer = answers or {
                        "status": 404,
                        "json": g.error(
                            803, "(#803) Some of the aliases you requested do not exist"
                        ),
                    }
                body = json.dumps(answer.get("json")).encode()
                self.send_response(answer.get("status", 200))
                for key, value in (answer.get("headers") or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.table: dict[str, Any] = {
            request_key("GET", key.split(" ", 1)[1]): value
            for key, value in g.responses(base=self.base).items()
        }
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> GraphServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _workspace(path: Path, base: str) -> Path:
    (path / "smm.toml").write_text(
        f"""
[client]
name = "Forno Rossi"
timezone = "Europe/Rome"

[[channels]]
network = "instagram"
handle = "{g.IG_USER}"

[[channels]]
network = "facebook"
handle = "{g.PAGE_ID}"

[keywords]
terms = []

[plugins.meta]
access_token = "${{META_ACCESS_TOKEN}}"
base_url = "{base}"
""",
        encoding="utf-8",
    )
    return path


def _smm(ws: Path, *args: str, token: str | None = g.TOKEN) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("META_ACCESS_TOKEN", None)
    if token is not None:
        env["META_ACCESS_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "smmcore", "-w", str(ws), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_smm_sync_imports_a_page_and_an_instagram_account(tmp_path: Path) -> None:
    with GraphServer() as server:
        ws = _workspace(tmp_path, server.base)
        done = _smm(ws, "sync")
        again = _smm(ws, "sync")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 of 2 unit(s) synced" in done.stdout
    assert (
        f"meta:instagram:{g.IG_USER}" in done.stdout and f"meta:facebook:{g.PAGE_ID}" in done.stdout
    )
    for output in (done.stdout, done.stderr, again.stdout, again.stderr):
        assert g.TOKEN not in output
    assert all(auth == f"Bearer {g.TOKEN}" for _, auth in server.seen)
    assert not any(g.TOKEN in path for path, _ in server.seen)
    assert again.returncode == 0, again.stdout + again.stderr

    con = duckdb.connect(str(tmp_path / ".smm" / "store.duckdb"), read_only=True)
    try:
        kinds = con.execute(
            "SELECT network, kind, count(*) FROM posts GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        followers = con.execute(
            "SELECT network, followers FROM account_snapshots ORDER BY network"
        ).fetchall()
        reel = con.execute(
            "SELECT likes, replies, views, reach, saves, reposts, impressions FROM post_metrics "
            "WHERE post_id = '18000000000000004' ORDER BY captured_at DESC LIMIT 1"
        ).fetchone()
        replies = con.execute("SELECT count(*) FROM interactions WHERE kind = 'reply'").fetchone()
        state = con.execute(
            "SELECT string_agg(coalesce(cursor, '') || coalesce(last_error, ''), ' ') "
            "FROM sync_state"
        ).fetchone()
    finally:
        con.close()
    assert kinds == [
        ("facebook", "carousel", 1),
        ("facebook", "post", 1),
        ("facebook", "video", 1),
        ("instagram", "carousel", 1),
        ("instagram", "post", 1),
        ("instagram", "reel", 1),
        ("instagram", "story", 1),
        ("instagram", "video", 1),
    ]
    assert ("facebook", 3310) in followers and ("instagram", 1520) in followers
    assert reel == (240, 2, 5100, 3900, 41, 17, None)
    assert replies == (4,)  # stored once though the second sync ran too
    assert g.TOKEN not in (state[0] or "")


def test_smm_sync_without_a_token_fails_the_meta_units_clearly(tmp_path: Path) -> None:
    with GraphServer() as server:
        ws = _workspace(tmp_path, server.base)
        done = _smm(ws, "sync", token=None)
    assert done.returncode == 1
    assert "META_ACCESS_TOKEN" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
