"""Keyword tools keep what they got (issue 10): one engine or one term failing never
discards the others' answers; ``smm keywords`` exits 0 when every term is answered, 1 when
some failed (counted in terms), 2 for wrong usage. Against servers on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest


class Server:
    """Wikimedia pageviews for Pane and Focaccia, a malformed answer for Pizza; Google's
    autocomplete answers 404, DuckDuckGo's answers (documented shapes, constructed values)."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                status, body = 404, {"detail": "not found"}
                if parts.path.startswith("/pv/"):
                    article = parts.path.split("/")[5]
                    views = {"Pane": 10, "Focaccia": 7}
                    if article == "Pizza":
                        status, body = 200, {"unexpected": True}
                    elif article in views:
                        item = {
                            "project": "it.wikipedia",
                            "article": article,
                            "granularity": "daily",
                            "timestamp": "2026030100",
                            "access": "all-access",
                            "agent": "user",
                            "views": views[article],
                        }
                        status, body = 200, {"items": [item]}
                elif parts.path == "/ac/":
                    q = parse_qs(parts.query)["q"][0]
                    status, body = 200, [q, [f"{q} fatto in casa"] if q == "pane" else []]
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def workspace(tmp_path: Path):
    server = Server()
    (tmp_path / "smm.toml").write_text(
        f"""
[client]
name = "Forno"
language = "it"

[keywords]
terms = ["pane", "pizza", "focaccia"]
tools = ["wikipedia"]
timeframe = "2026-01-01 2026-03-31"

[plugins.wikipedia]
search = false
pageviews_url = "{server.base}/pv"

[plugins.suggest]
google_url = "{server.base}/complete/search"
duckduckgo_url = "{server.base}/ac/"
delay = 0
expansions = []
""",
        encoding="utf-8",
    )
    yield tmp_path
    server.close()


def smm(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "smmcore", "-w", str(ws), "keywords", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=120,
    )


def test_report_keeps_the_answered_terms_and_exits_1(workspace: Path) -> None:
    done = smm(workspace, "report")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "wikipedia: 1 of 3 terms failed" in done.stderr
    assert "Traceback" not in done.stderr
    rows = {line.split("│")[0].strip(): line for line in done.stdout.splitlines() if "│" in line}
    assert "failed" in rows["pizza"] and "unexpected shape" in rows["pizza"]
    assert "avg 10" in rows["pane"] and "avg 7" in rows["focaccia"]
    con = duckdb.connect(str(workspace / ".smm" / "store.duckdb"), read_only=True)
    try:
        stored = con.execute(
            "SELECT term, value FROM keyword_signals WHERE tool = 'wikipedia' ORDER BY term"
        ).fetchall()
    finally:
        con.close()
    assert stored == [("focaccia", 7.0), ("pane", 10.0)]  # pizza: nothing, not a 0

    as_json = smm(workspace, "report", "--format", "json")
    assert as_json.returncode == 1
    (result,) = json.loads(as_json.stdout)["results"]
    assert list(result["failed"]) == ["pizza"] and result["error"] is None


def test_one_engine_404_still_answers_and_exits_0(workspace: Path) -> None:
    done = smm(workspace, "suggest", "pane")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pane fatto in casa" in done.stdout
    assert "google autocomplete answered HTTP 404" in done.stderr


def test_single_command_with_a_failed_term_exits_1(workspace: Path) -> None:
    done = smm(workspace, "trends", "pane", "pizza", "--tool", "wikipedia")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "wikipedia: 1 of 2 terms failed" in done.stderr
    assert "Failed for 'pizza' with wikipedia" in done.stdout


def test_wrong_usage_exits_2(workspace: Path) -> None:
    assert smm(workspace, "report", "--no-such-option").returncode == 2


# --------------------------------------------------------------------------- the Python API


def _research(ws: Path, lines: list[str]):
    from smmcore.keyword_research import KeywordResearch
    from smmcore.plugins import PluginHost
    from smmcore.workspace import load_workspace

    host = PluginHost(env={"SMM_LOAD_PLUGINS": "smm-wikipedia,smm-suggest"})
    return KeywordResearch(load_workspace(ws), host, progress=lambda e: lines.append(e.text))


def test_api_report_keeps_the_answered_terms(workspace: Path) -> None:
    report = _research(workspace, []).report()
    assert not report.ok and report.failures() == "wikipedia: 1 of 3 terms failed"
    (result,) = report.results
    assert list(result.failed) == ["pizza"] and "unexpected shape" in result.failed["pizza"]
    assert result.error is None
    assert sorted((s.term, s.value) for s in result.signals) == [("focaccia", 7.0), ("pane", 10.0)]


def test_api_one_engine_404_still_answers(workspace: Path) -> None:
    lines: list[str] = []
    result = _research(workspace, lines).suggestions("pane")
    assert [s.item for s in result.signals] == ["pane fatto in casa"] and not result.failed
    assert any("google autocomplete answered HTTP 404" in line for line in lines)


def test_api_a_failed_term_is_data_not_an_exception(workspace: Path) -> None:
    result = _research(workspace, []).trends(["pane", "pizza"], tool="wikipedia")
    assert list(result.failed) == ["pizza"] and [s.term for s in result.signals] == ["pane"]
