"""Waits the user sees and stalls that end: ``smm sync`` against feed servers on 127.0.0.1.

One server answers ``429 Retry-After: 100`` (the Bluesky case of issue 10), another serves
feeds; the run announces the wait at once, defers that unit, finishes the others and ends
well inside the cap. Those runs are in-process on an injected clock (the ``fake_time``
fixture): the waits take no real time and the test reads when each happened on that clock.
A last test sends SIGINT to a running ``smm sync`` process and checks what it says it saved
against the store; it waits on events, never on the clock.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from smmcore.cli.app import App
from smmcore.cli.main import main

# A minimal RSS 2.0 document (constructed; element names from the RSS 2.0 specification).
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{name}</title><link>http://example.org/</link>
<description>Feed {name}</description>
<item><title>{name} one</title><link>http://example.org/{name}/1</link>
<guid>{name}-1</guid><pubDate>Mon, 02 Mar 2026 08:00:00 +0000</pubDate></item>
<item><title>{name} two</title><link>http://example.org/{name}/2</link>
<guid>{name}-2</guid><pubDate>Tue, 03 Mar 2026 08:00:00 +0000</pubDate></item>
</channel></rss>
"""

Answer = tuple[int, dict[str, str], bytes]


class Server:
    """A threaded HTTP server on 127.0.0.1 answering through ``handler(path)``; each hit is
    recorded with the time of ``clock`` (the test's injected clock)."""

    def __init__(
        self, handler: Callable[[str], Answer], clock: Callable[[], float] = lambda: 0.0
    ) -> None:
        outer = self
        self.hits: list[tuple[float, str]] = []
        self.hit = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.hits.append((clock(), self.path))
                outer.hit.set()
                status, headers, body = handler(self.path)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(OSError):
                    self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def feed(name: str) -> Answer:
    return 200, {"Content-Type": "application/rss+xml"}, RSS.format(name=name).encode()


def write_workspace(path: Path, urls: dict[str, str], extra: str = "") -> Path:
    channels = "".join(
        f'\n[[channels]]\nnetwork = "rss"\nhandle = "{handle}"\nurl = "{url}"\n'
        for handle, url in urls.items()
    )
    (path / "smm.toml").write_text(
        f'[client]\nname = "Forno"\n{channels}\n{extra}\n[keywords]\nterms = []\n',
        encoding="utf-8",
    )
    return path


def smm_sync(capsys: pytest.CaptureFixture[str], ws: Path, *args: str) -> tuple[int, str, str]:
    """``smm -w WS sync ARGS`` in this process: (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exited:
        main(["-w", str(ws), "sync", *args], app=App())
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_retry_after_100_is_announced_deferred_and_the_rest_finishes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_time
) -> None:
    clock = fake_time.clock
    refusing = Server(
        lambda path: (
            429,
            {"Retry-After": "100", "Content-Type": "application/json"},
            b'{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}',
        ),
        clock,
    )
    short = {"n": 0}

    def briefly_refusing(path: str) -> Answer:
        short["n"] += 1
        if short["n"] == 1:
            return 429, {"Retry-After": "2"}, b""
        return feed("brief")

    with (
        refusing,
        Server(lambda path: feed(path.strip("/")), clock) as good,
        Server(briefly_refusing, clock) as brief,
    ):
        ws = write_workspace(
            tmp_path,
            {
                "limited": f"{refusing.base}/feed",
                "limited2": f"{refusing.base}/other",  # same host: waits for the same window
                "alpha": f"{good.base}/alpha",
                "beta": f"{good.base}/beta",
                "brief": f"{brief.base}/feed",
            },
            "[sync]\nmax_wait = 5\n",
        )
        code, out, err = smm_sync(capsys, ws)

    assert code == 0, err + out  # deferred is not a failure
    # the 100 s wait is announced, with host, how long and why, and never waited
    host = refusing.base.removeprefix("http://")
    announced = [line for kind, line in fake_time.events if kind == "announced"]
    (deferral, *_) = [li for li in announced if "deferred" in li and host in li]
    assert "100 s" in deferral and "Retry-After" in deferral and "max_wait" in deferral
    assert deferral in err
    assert len(refusing.hits) == 1  # no hammering of the refusing host
    # the other unit on that host is not silent either: deferred at once, with the reason
    assert [li for li in err.splitlines() if "limited2" in li and "deferred to the next sync" in li]
    # the 2 s wait fits under the cap: announced when it starts, then made, then the unit
    # finishes; it is the run's only wait of a second or more (nothing waits the 100 s)
    (waiting,) = [li for li in announced if "waiting 2 s" in li]
    assert "Retry-After of HTTP 429" in waiting and brief.base.removeprefix("http://") in waiting
    assert waiting in err
    long_waits = [event for event in fake_time.events if event[0] == "slept"]
    assert [round(s) for _, s in long_waits] == [2], fake_time.events
    assert fake_time.events.index(("announced", waiting)) < fake_time.events.index(long_waits[0])
    assert brief.hits[1][0] - brief.hits[0][0] >= 1.9  # the second request came after it
    # the summary: three units synced, one deferred with the time the network gave
    assert "3 of 5 unit(s) synced" in out and "2 deferred to the next sync" in out, out
    assert "deferred" in out and "answers again after" in out
    con = duckdb.connect(str(tmp_path / ".smm" / "store.duckdb"), read_only=True)
    try:
        posts = dict(con.execute("SELECT account, count(*) FROM posts GROUP BY 1").fetchall())
        state = dict(con.execute("SELECT unit_key, last_error FROM sync_state").fetchall())
        cursors = dict(con.execute("SELECT unit_key, cursor FROM sync_state").fetchall())
    finally:
        con.close()
    assert posts.get("alpha") == 2 and posts.get("beta") == 2 and posts.get("brief") == 2
    assert "limited" not in posts and "limited2" not in posts
    for name in ("limited", "limited2"):
        key = next(k for k in state if k.endswith(f":{name}"))
        assert "deferred to the next sync" in state[key]
        assert cursors[key] is None  # the next sync starts this unit from scratch


def start_smm(ws: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "COLUMNS": "200", "SMM_WORKSPACE": str(ws)}
    env.pop("SMM_DEBUG", None)
    return subprocess.Popen(
        [sys.executable, "-m", "smmcore", "sync", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_ctrl_c_stops_promptly_and_says_what_was_saved(tmp_path: Path) -> None:
    """A real process gets a real SIGINT while one unit waits on a server that answers only
    after the test: the process ends without that answer and says what was saved."""
    release = threading.Event()

    def slow(path: str) -> Answer:
        release.wait(600)  # answers only when the test ends
        return feed("slow")

    with Server(lambda path: feed("quick")) as quick, Server(slow) as stalled:
        ws = write_workspace(
            tmp_path, {"quick": f"{quick.base}/feed", "stalled": f"{stalled.base}/feed"}
        )
        proc = start_smm(ws)
        try:
            assert proc.stderr is not None
            seen = []
            for line in proc.stderr:
                seen.append(line)
                if "quick: ok" in line:
                    break
            else:
                pytest.fail("".join(seen))
            assert stalled.hit.wait(120), "".join(seen)  # the stalled request was sent
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=300)
            # it stopped on the signal, not on the answer (sent only now)
            answered_before_stop = release.is_set()
        finally:
            release.set()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert not answered_before_stop
    assert proc.returncode == 130, out + err
    assert "Traceback" not in err and "Aborted!" not in err
    assert "Interrupted: 1 unit(s) saved, 1 not saved" in out, out
    assert "stalled" in out and "next 'smm sync' resumes" in out
    con = duckdb.connect(str(tmp_path / ".smm" / "store.duckdb"), read_only=True)
    try:
        posts = dict(con.execute("SELECT account, count(*) FROM posts GROUP BY 1").fetchall())
        cursors = dict(con.execute("SELECT unit_key, cursor FROM sync_state").fetchall())
    finally:
        con.close()
    assert posts == {"quick": 2}
    assert any(k.endswith(":quick") and v for k, v in cursors.items())
    assert not any(k.endswith(":stalled") and v for k, v in cursors.items())


def test_the_progress_display_shows_a_waiting_unit_as_waiting() -> None:
    from datetime import UTC, datetime

    from smmcore.cli.sync_cmd import RichProgress
    from smmcore.contracts import SyncUnit
    from smmcore.http import WaitEvent

    unit = SyncUnit("feeds", "feeds:rss:blog", "rss", "blog")
    progress = RichProgress()
    progress.start([unit])
    try:
        progress.unit_started(unit)
        now = datetime.now(UTC)
        progress.unit_waiting(
            unit, WaitEvent("feeds:rss:blog", "h.example", 12, "Retry-After", now)
        )
        (task,) = progress.progress.tasks
        assert "waiting 12 s for h.example" in task.description
        progress.unit_waiting(unit, WaitEvent("feeds:rss:blog", "h.example", 0, "Retry-After", now))
        assert "waiting" not in task.description
    finally:
        progress.close()


def test_max_wait_option_overrides_the_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_time
) -> None:
    """--max-wait 1 defers a unit told to wait 5 s at once (the setting allows 60 s)."""
    refusing = Server(lambda path: (429, {"Retry-After": "5"}, b""), fake_time.clock)
    with refusing, Server(lambda path: feed("quick")) as good:
        ws = write_workspace(
            tmp_path,
            {"limited": f"{refusing.base}/feed", "quick": f"{good.base}/feed"},
            "[sync]\nmax_wait = 60\n",
        )
        code, out, err = smm_sync(capsys, ws, "--max-wait", "1", "--json")
    assert code == 0, out + err  # deferred is not a failure
    outcome = json.loads(out)
    status = {u["key"].rsplit(":", 1)[-1]: u["status"] for u in outcome["units"]}
    assert status == {"limited": "deferred", "quick": "ok"}, outcome
    limited = next(u for u in outcome["units"] if u["key"].endswith(":limited"))
    assert limited["retry_at"] and "max_wait" in (limited["error"] or "") + err
    assert len(refusing.hits) == 1  # asked once, then deferred without waiting the 5 s
    assert not [event for event in fake_time.events if event[0] == "slept"]
