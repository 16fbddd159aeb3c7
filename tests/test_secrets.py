"""Secrets stay secret: a blog channel URL with ``?token=`` and ``user:pass@`` never shows up
in the sync lines, the summary, the stored sync state or any report; plain-text secrets in
smm.toml are warned about; ``config show`` redacts every secret-looking key."""

from __future__ import annotations

import os
import subprocess
import sys
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import duckdb
import pytest

from smmcore.http import redact_text, redact_url
from smmcore.testing import local_http_server

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Blog</title><link>http://example.org/</link>
<description>d</description>
<item><title>Uno</title><link>http://example.org/1</link><guid>g-1</guid>
<pubDate>Mon, 02 Mar 2026 08:00:00 +0000</pubDate></item>
</channel></rss>
"""

SECRET = "s3cr3tTOKENvalue"
PASSWORD = "hunter2pass"


@pytest.fixture
def feed_server():
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
        yield base.removeprefix("http://")


def smm(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "250"}
    return subprocess.run(
        [sys.executable, "-m", "smmcore", "-w", str(ws), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_channel_url_secrets_never_leave_the_config(tmp_path: Path, feed_server: str) -> None:
    url = f"http://editor:{PASSWORD}@{feed_server}/feed?token={SECRET}&lang=it"
    (tmp_path / "smm.toml").write_text(
        f'[client]\nname = "Forno"\n\n[[channels]]\nnetwork = "rss"\nurl = "{url}"\n\n'
        "[keywords]\nterms = []\n",
        encoding="utf-8",
    )
    synced = smm(tmp_path, "sync")
    again = smm(tmp_path, "sync", "--json")
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert again.returncode == 0, again.stdout + again.stderr
    out = tmp_path / "out"
    out.mkdir()
    report = smm(
        tmp_path,
        "report",
        "--period",
        "2026-03",
        "-f",
        "csv",
        "-f",
        "json",
        "-f",
        "html",
        "-f",
        "markdown",
        "-o",
        str(out),
    )
    assert report.returncode == 0, report.stdout + report.stderr
    texts = [synced.stdout, synced.stderr, again.stdout, again.stderr, report.stdout, report.stderr]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in out.iterdir()]
    con = duckdb.connect(str(tmp_path / ".smm" / "store.duckdb"), read_only=True)
    try:
        for table in ("sync_state", "accounts", "posts", "account_snapshots"):
            texts.append(str(con.execute(f"SELECT * FROM {table}").fetchall()))
    finally:
        con.close()
    for text in texts:
        assert SECRET not in text and PASSWORD not in text
    assert "token=REDACTED" in synced.stdout + synced.stderr  # still recognisable
    assert len(list(out.iterdir())) == 4


def test_redact_text_finds_urls_in_sentences() -> None:
    line = f"cannot reach https://u:{PASSWORD}@h.example/x?api_key={SECRET}&a=1, retrying"
    clean = redact_text(line)
    assert SECRET not in clean and PASSWORD not in clean
    assert clean == "cannot reach https://u:REDACTED@h.example/x?api_key=REDACTED&a=1, retrying"
    assert redact_url("https://h.example/p?pwd=x&bearer=y&q=1").count("REDACTED") == 2


CONFIG = """
[client]
name = "X"

[[channels]]
network = "rss"
url = "https://u:chanpass@h.example/feed?token=chantoken"

[plugins.alpha]
pwd = "alphapwd"
bearer = "alphabearer"
dsn = "postgresql://admin:dsnpass@db.example/lake"
tokens = ["listtok1", "listtok2"]
accounts = [{ name = "a", password = "nestedpass" }]
api_key = "${SMM_TEST_UNSET_VAR}"
plain = "visible"
"""


def test_config_show_redacts_every_secret_and_warns(tmp_path: Path) -> None:
    (tmp_path / "smm.toml").write_text(CONFIG, encoding="utf-8")
    shown = smm(tmp_path, "config", "show")
    as_json = smm(tmp_path, "config", "show", "--json")
    assert shown.returncode == 0 and as_json.returncode == 0, shown.stderr
    for out in (shown.stdout, as_json.stdout, shown.stderr):
        for secret in (
            "chanpass",
            "chantoken",
            "alphapwd",
            "alphabearer",
            "dsnpass",
            "listtok1",
            "listtok2",
            "nestedpass",
        ):
            assert secret not in out, (secret, out)
    assert "postgresql://admin:REDACTED@db.example/lake" in shown.stdout
    assert 'plain = "visible"' in shown.stdout
    assert "${SMM_TEST_UNSET_VAR} (unset)" in shown.stdout
    warnings = [li for li in shown.stderr.splitlines() if li.startswith("Warning:")]
    assert any(
        "smm.toml:10 plugins.alpha.pwd holds a secret in plain text" in w
        and 'pwd = "${ALPHA_PWD}"' in w
        for w in warnings
    ), warnings
    assert sum("plugins.alpha.tokens " in w for w in warnings) == 1
    assert any("channels[0].url holds a credential" in w for w in warnings)
    assert not any("alpha.api_key" in w or "alpha.plain " in w for w in warnings)
