"""The sync pipeline: units run concurrently, each in one transaction with its cursor; a failing
unit is reported with its cause and stops nothing; ``smm sync`` exit codes and summary."""

from __future__ import annotations

import asyncio
import sys
import types
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel, SecretStr

from smmcore import hookimpl
from smmcore.cli.app import App
from smmcore.cli.main import cli
from smmcore.contracts import RecordBatch, Source, SourceContext, SourceError, SyncCursor, SyncUnit
from smmcore.models import Account, AccountSnapshot, Post, PostMetrics
from smmcore.plugins import PluginHost
from smmcore.registry import SourceSpec
from smmcore.store import Store
from smmcore.sync import SyncProgress, parse_since, run_sync
from smmcore.workspace import load_workspace

T0 = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
MOD = "smm_test_sync_sources"
SEEN: list[SourceContext] = []
"""Every context the fake sources received, in order (reset by the fixture)."""


class FakeSource(Source):
    """Posts p1..pN of the unit's account (N = option ``posts``, default 3), one metric
    snapshot each, and a follower snapshot; resumes after the cursor's ``last`` post."""

    async def fetch(self, unit: SyncUnit, ctx: SourceContext) -> AsyncIterator[object]:
        SEEN.append(ctx)
        await asyncio.sleep(0)
        net, acc = unit.network, unit.account or ""
        yield Account(network=net, account=acc, display_name=acc.title())
        yield AccountSnapshot(network=net, account=acc, captured_at=T0, followers=100)
        start = (ctx.cursor or {}).get("last", 0)
        total = int(unit.options.get("posts", 3))
        for i in range(start + 1, total + 1):
            created = T0 + timedelta(hours=i)
            yield Post(network=net, account=acc, post_id=f"p{i}", created_at=created)
            yield PostMetrics(
                network=net, account=acc, post_id=f"p{i}", captured_at=T0, likes=i, views=None
            )
        yield SyncCursor({"last": total})


class SuspendedSource(Source):
    """Writes a post, then fails with a SourceError: nothing of the unit may remain."""

    async def fetch(self, unit: SyncUnit, ctx: SourceContext) -> AsyncIterator[object]:
        yield Post(network=unit.network, account="ghost", post_id="g1", created_at=T0)
        raise SourceError("the account is suspended", kind="suspended", hint="check the handle")


class CrashingSource(Source):
    """A bug in a plugin: an unexpected exception after some records."""

    async def fetch(self, unit: SyncUnit, ctx: SourceContext) -> AsyncIterator[object]:
        yield RecordBatch(
            "posts",
            {
                "network": ["crash"],
                "account": ["c"],
                "post_id": ["c1"],
                "created_at": [T0],
            },
        )
        raise ValueError("index out of range in page 2")


class TokenSettings(BaseModel):
    token: SecretStr
    instance: str = "https://example.social"


class TokenSource(Source):
    """Needs a token from [plugins.tokened]; records which instance it saw."""

    async def fetch(self, unit: SyncUnit, ctx: SourceContext) -> AsyncIterator[object]:
        assert self.settings.token.get_secret_value() == "s3cr3t"
        yield Account(network=unit.network, account=unit.account or "", url=self.settings.instance)


class LeakySource(Source):
    """A careless plugin whose error and log line carry its token."""

    async def fetch(self, unit: SyncUnit, ctx: SourceContext) -> AsyncIterator[object]:
        token = self.settings.token.get_secret_value()
        ctx.log(f"GET https://example.social/api?access_token={token}")
        raise RuntimeError(f"GET https://example.social/api?access_token={token} failed")
        yield  # pragma: no cover


GATE: dict[str, asyncio.Event] = {}
PINGS: list[str] = []
"""``start X`` / ``end X`` of each ping unit, in order (reset by the tests using it)."""


class PingSource(Source):
    """Two units that can only finish when both run at the same time (with ``GATE`` set up:
    each waits for the other to start); without, each only records when it starts and ends."""

    async def fetch(self, unit: SyncUnit, ctx: SourceContext) -> AsyncIterator[object]:
        me, other = unit.account or "", "b" if unit.account == "a" else "a"
        PINGS.append(f"start {me}")
        if GATE:
            GATE[me].set()
            await asyncio.wait_for(GATE[other].wait(), timeout=120)  # a deadlock guard only
        await asyncio.sleep(0)
        PINGS.append(f"end {me}")
        yield Account(network="ping", account=me)


@hookimpl
def smm_register_sources(register):
    register(SourceSpec(name="fake", description="Fake.", impl=f"{MOD}:FakeSource",
                        networks=("fake",)))  # fmt: skip
    register(SourceSpec(name="suspended", description="Fails.", impl=f"{MOD}:SuspendedSource",
                        networks=("suspended",)))  # fmt: skip
    register(SourceSpec(name="crash", description="Crashes.", impl=f"{MOD}:CrashingSource",
                        networks=("crash",)))  # fmt: skip
    register(SourceSpec(name="tokened", description="Needs a token.", impl=f"{MOD}:TokenSource",
                        settings=f"{MOD}:TokenSettings", networks=("tokened",)))  # fmt: skip
    register(SourceSpec(name="leaky", description="Leaks.", impl=f"{MOD}:LeakySource",
                        settings=f"{MOD}:TokenSettings", networks=("leaky",)))  # fmt: skip
    register(SourceSpec(name="ping", description="Concurrency.", impl=f"{MOD}:PingSource",
                        networks=("ping",)))  # fmt: skip


@pytest.fixture
def host(monkeypatch: pytest.MonkeyPatch) -> PluginHost:
    module = types.ModuleType(MOD)
    for obj in (FakeSource, SuspendedSource, CrashingSource, TokenSettings, TokenSource,
                LeakySource):  # fmt: skip
        setattr(module, obj.__name__, obj)
    module.PingSource = PingSource
    monkeypatch.setitem(sys.modules, MOD, module)
    SEEN.clear()
    GATE.clear()
    plugin = types.SimpleNamespace(smm_register_sources=smm_register_sources)
    return PluginHost(plugins=[("fake-sources", plugin)], discover=False, strict=True, env={})


CHANNELS = """
[[channels]]
network = "fake"
handle = "forno"
options = { posts = 3 }

[[channels]]
network = "suspended"
handle = "ghost"

[[channels]]
network = "crash"
handle = "c"

[[competitors]]
name = "Rival"

[[competitors.channels]]
network = "fake"
handle = "rival"
options = { posts = 2 }
"""


def count(store_path: Path, sql: str) -> list[tuple]:
    with Store.open(store_path, read_only=True) as s:
        return s.con.execute(sql).fetchall()


def test_units_fail_alone_and_leave_nothing_half_written(write_ws, host) -> None:
    ws = load_workspace(write_ws(CHANNELS))
    report = run_sync(ws, host)

    by_key = {u.key: u for u in report.units}
    assert set(by_key) == {
        "fake:fake:forno",
        "fake:fake:rival",
        "suspended:suspended:ghost",
        "crash:crash:c",
    }
    assert not report.ok
    assert by_key["fake:fake:forno"].status == "ok"
    assert by_key["fake:fake:forno"].written == {
        "accounts": 1,
        "account_snapshots": 1,
        "posts": 3,
        "post_metrics": 3,
    }
    assert by_key["fake:fake:rival"].written["posts"] == 2
    assert by_key["suspended:suspended:ghost"].error == (
        "the account is suspended (check the handle)"
    )
    assert by_key["crash:crash:c"].error == "ValueError: index out of range in page 2"
    assert [u.key for u in report.failed] == ["suspended:suspended:ghost", "crash:crash:c"]

    # 3 + 2 posts of the good units; nothing from the failed ones
    assert count(ws.store_path, "SELECT account, count(*) FROM posts GROUP BY 1 ORDER BY 1") == [
        ("forno", 3),
        ("rival", 2),
    ]
    state = dict(count(ws.store_path, "SELECT unit_key, last_error FROM sync_state"))
    assert state == {
        "fake:fake:forno": None,
        "fake:fake:rival": None,
        "suspended:suspended:ghost": "the account is suspended (check the handle)",
        "crash:crash:c": "ValueError: index out of range in page 2",
    }


def test_incremental_by_cursor_and_full_ignores_it(write_ws, host) -> None:
    folder = write_ws(CHANNELS)
    ws = load_workspace(folder)
    run_sync(ws, host, channels=["fake:forno"])
    assert SEEN[-1].cursor is None

    text = (folder / "smm.toml").read_text().replace("posts = 3", "posts = 5")
    (folder / "smm.toml").write_text(text)
    ws = load_workspace(folder)
    report = run_sync(ws, host, channels=["fake:forno"])
    assert SEEN[-1].cursor == {"last": 3}
    # only p4 and p5 were fetched this time
    assert report.units[0].written["posts"] == 2
    assert count(ws.store_path, "SELECT count(*) FROM posts") == [(5,)]

    report = run_sync(ws, host, channels=["@fake:forno".lstrip("@")], full=True)
    assert SEEN[-1].cursor is None and SEEN[-1].full is True
    assert report.units[0].written["posts"] == 5
    assert count(ws.store_path, "SELECT count(*) FROM posts") == [(5,)]


def test_context_carries_since_options_and_the_shared_client(write_ws, host) -> None:
    ws = load_workspace(write_ws(CHANNELS))
    run_sync(ws, host, channels=["fake:forno", "fake:rival"], since="2026-01-01",
             options={"skip_bad": True})  # fmt: skip
    assert len(SEEN) == 2
    # midnight in the client's time zone (Europe/Rome is UTC+1 in January)
    assert SEEN[0].since == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    assert SEEN[0].options == {"skip_bad": True}
    assert SEEN[0].workspace_dir == ws.dir
    assert SEEN[0].http is not None and SEEN[0].http is SEEN[1].http
    assert SEEN[0].http.is_closed  # closed when the run ends


def test_units_run_concurrently(write_ws, host) -> None:
    body = "".join(f'[[channels]]\nnetwork = "ping"\nhandle = "{h}"\n' for h in "ab")
    ws = load_workspace(write_ws(body))
    GATE.clear()
    GATE.update(a=asyncio.Event(), b=asyncio.Event())
    report = run_sync(ws, host)  # each unit finishes only once the other has started
    assert [u.status for u in report.units] == ["ok", "ok"]
    # one at a time: the second starts when the first has ended
    GATE.clear()
    PINGS.clear()
    report = run_sync(ws, host, concurrency=1)
    assert [u.status for u in report.units] == ["ok", "ok"]
    assert PINGS in (
        ["start a", "end a", "start b", "end b"],
        ["start b", "end b", "start a", "end a"],
    )


def test_missing_source_and_unset_secret_fail_only_their_channels(
    write_ws, host, monkeypatch
) -> None:
    body = """
[[channels]]
network = "fake"
handle = "forno"

[[channels]]
network = "myspace"
handle = "tom"

[[channels]]
network = "tokened"
handle = "forno"

[plugins.tokened]
token = "${SMM_TEST_TOKEN}"
"""
    monkeypatch.delenv("SMM_TEST_TOKEN", raising=False)
    ws = load_workspace(write_ws(body))
    report = run_sync(ws, host)
    by_key = {u.key: u for u in report.units}
    assert by_key["fake:fake:forno"].status == "ok"
    assert "no source plugin serves the network 'myspace'" in by_key["myspace:tom"].error
    token_error = by_key["tokened:tokened:forno"].error
    assert "SMM_TEST_TOKEN is not set" in token_error
    assert "plugins.tokened.token" in token_error

    monkeypatch.setenv("SMM_TEST_TOKEN", "s3cr3t")
    report = run_sync(load_workspace(ws.dir), host, channels=["tokened:forno"])
    assert report.ok
    assert count(ws.store_path, "SELECT url FROM accounts WHERE network = 'tokened'") == [
        ("https://example.social",)
    ]


def test_unknown_channel_filter_is_an_error(write_ws, host) -> None:
    from smmcore.errors import SmmError

    ws = load_workspace(write_ws(CHANNELS))
    with pytest.raises(SmmError, match=r"--channel 'fake:nobody' is not a channel"):
        run_sync(ws, host, channels=["fake:nobody"])
    with pytest.raises(SmmError, match="expected NETWORK:HANDLE"):
        run_sync(ws, host, channels=["forno"])


def test_progress_events(write_ws, host) -> None:
    events: list[str] = []

    class Recorder(SyncProgress):
        def unit_started(self, unit):
            events.append(f"start {unit.key}")

        def unit_done(self, result):
            events.append(f"done {result.key} {result.status}")

    ws = load_workspace(write_ws(CHANNELS))
    run_sync(ws, host, channels=["fake:forno"], progress=Recorder())
    assert events == ["start fake:fake:forno", "done fake:fake:forno ok"]


def test_parse_since() -> None:
    assert parse_since("2026-03-01", "UTC") == datetime(2026, 3, 1, tzinfo=UTC)
    assert parse_since("2026-03-01T10:00:00+02:00").astimezone(UTC) == datetime(
        2026, 3, 1, 8, tzinfo=UTC
    )
    assert abs(parse_since("30d") - (datetime.now(UTC) - timedelta(days=30))) < timedelta(seconds=5)
    from smmcore.errors import SmmError

    with pytest.raises(SmmError, match="cannot read the date 'yesterday'"):
        parse_since("yesterday")


# ------------------------------------------------------------------ smm sync


def test_cli_sync_summary_and_exit_codes(write_ws, host) -> None:
    folder = write_ws(CHANNELS)
    runner = CliRunner()
    result = runner.invoke(cli, ["sync"], obj=App(workspace_dir=folder, host=host))
    assert result.exit_code == 1, result.output
    out = result.output
    assert "Sync summary" in out
    assert "fake:fake:forno" in out and "posts 3, post_metrics 3" in out
    assert "the account is suspended (check the handle)" in out
    assert "ValueError: index out of range in page 2" in out
    assert "2 of 4 unit(s) synced" in out and "2 failed" in out
    # plain log lines (not a terminal)
    assert "sync: crash:crash:c: FAILED: ValueError" in out

    result = runner.invoke(
        cli,
        ["sync", "--channel", "fake:forno", "--channel", "fake:rival", "--skip-bad"],
        obj=App(workspace_dir=folder, host=host),
    )
    assert result.exit_code == 0, result.output
    assert "2 of 2 unit(s) synced" in result.output
    assert SEEN[-1].options == {"skip_bad": True}


def test_cli_sync_without_workspace_says_init(tmp_path, host) -> None:
    result = CliRunner().invoke(cli, ["sync"], obj=App(workspace_dir=tmp_path, host=host))
    assert result.exit_code == 1
    assert "smm init" in result.exception.format_message()


def test_cli_sync_with_no_channels_says_what_to_add(write_ws, host) -> None:
    result = CliRunner().invoke(cli, ["sync"], obj=App(workspace_dir=write_ws(""), host=host))
    assert result.exit_code == 0
    assert "lists no channels" in result.output and "[[channels]]" in result.output


def test_large_units_stage_in_a_worker_thread_with_the_same_result(
    write_ws, host, monkeypatch
) -> None:
    from smmcore.store import db as store_db

    monkeypatch.setattr(store_db, "MODEL_BATCH_ROWS", 1)
    monkeypatch.setattr(store_db, "STAGE_ROWS", 2)
    ws = load_workspace(write_ws(CHANNELS.replace("posts = 3", "posts = 7")))
    report = run_sync(ws, host, channels=["fake:forno"])
    assert report.ok
    assert report.units[0].written["posts"] == 7
    got = count(ws.store_path, "SELECT post_id, likes FROM post_metrics ORDER BY likes")
    assert got == [(f"p{i}", i) for i in range(1, 8)]


def test_secrets_are_scrubbed_from_errors_and_logs(write_ws, host, monkeypatch) -> None:
    body = '[[channels]]\nnetwork = "leaky"\nhandle = "x"\n'
    body += '[plugins.leaky]\ntoken = "${SMM_TEST_TOKEN}"\n'
    monkeypatch.setenv("SMM_TEST_TOKEN", "s3cr3t-value")
    lines: list[str] = []

    class Recorder(SyncProgress):
        def log(self, line):
            lines.append(line)

    ws = load_workspace(write_ws(body))
    report = run_sync(ws, host, progress=Recorder())
    assert report.units[0].error == (
        "RuntimeError: GET https://example.social/api?access_token=REDACTED failed"
    )
    assert lines == ["leaky:leaky:x: GET https://example.social/api?access_token=REDACTED"]
    assert "s3cr3t" not in str(count(ws.store_path, "SELECT last_error FROM sync_state"))


def test_cli_sync_json(write_ws, host) -> None:
    import json

    folder = write_ws(CHANNELS)
    result = CliRunner().invoke(
        cli, ["sync", "--json", "--channel", "fake:rival", "--channel", "crash:c"],
        obj=App(workspace_dir=folder, host=host),
    )  # fmt: skip
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert data["totals"] == {"accounts": 1, "account_snapshots": 1, "posts": 2, "post_metrics": 2}
    assert [(u["key"], u["status"], u["error"]) for u in data["units"]] == [
        ("fake:fake:rival", "ok", None),
        ("crash:crash:c", "failed", "ValueError: index out of range in page 2"),
    ]
