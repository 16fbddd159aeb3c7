"""The team queue on a real PostgreSQL: ``smm sync --queue`` fills it, ``smm worker``
processes empty it into the lake, ``smm sync --status`` shows it; a worker killed mid-unit
leaves the unit to another worker and nothing is stored twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from smm_ducklake.testing import differences, report_json, smm, store_toml

from smmcore.store.transfer import row_counts
from smmcore.workspace import load_workspace


def _worker(ws: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "smmcore", "-w", str(ws), "worker", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _status(ws: Path, *also: Path) -> list[dict]:
    """The queue's jobs of ``ws`` (and ``also``), read in this process."""
    workspaces = [load_workspace(w) for w in (ws, *also)]
    return workspaces[0].store_queue().status(workspaces)


def _status_cli(ws: Path, *also: Path) -> list[dict]:
    args = ["sync", "--status", "--json"]
    for other in also:
        args += ["--also", str(other)]
    return json.loads(smm(ws, *args).stdout)


def _counts(ws: Path) -> dict[str, int]:
    with load_workspace(ws).open_store(read_only=True) as store:
        counts = row_counts(store)
        distinct = store.con.execute(
            "SELECT count(DISTINCT (network, account, post_id)) FROM posts"
        ).fetchone()[0]
    assert distinct == counts["posts"]  # no post twice
    return counts


def test_two_workers_sync_two_workspaces_into_one_lake_like_a_duckdb_file(
    demo_ws, lake, tmp_path: Path
) -> None:
    one = demo_ws("one", seed=1, store=store_toml(lake, "client_one"))
    two = demo_ws("two", seed=2, store=store_toml(lake, "client_two"))
    file_one, file_two = demo_ws("file_one", seed=1), demo_ws("file_two", seed=2)
    smm(file_one, "sync")
    smm(file_two, "sync")

    queued = smm(one, "sync", "--queue", "--also", str(two))
    assert "2 unit(s) queued of 2" in queued.stdout
    again = smm(one, "sync", "--queue")
    assert "files:data: already queued" in again.stdout
    assert [j["status"] for j in _status(one, two)] == ["todo", "todo"]

    workers = [
        _worker(one, "--once", "--stalled-after", "6"),
        _worker(one, "--once", "--concurrency", "2", "--name", "second"),
    ]
    for proc in workers:
        _out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    jobs = _status_cli(one, two)
    assert [(j["unit"], j["status"]) for j in jobs] == [("files:data", "succeeded")] * 2
    assert {j["workspace"] for j in jobs} == {str(one.resolve()), str(two.resolve())}
    listed = smm(one, "sync", "--status", "--also", str(two)).stdout
    assert "2 succeeded" in listed

    for lake_ws, file_ws in ((one, file_one), (two, file_two)):
        a = report_json(file_ws, tmp_path / f"{file_ws.name}.json")
        b = report_json(lake_ws, tmp_path / f"{lake_ws.name}.json")
        assert differences(a, b) == []
        assert _counts(lake_ws) == _counts(file_ws)


def test_a_unit_whose_worker_is_killed_is_retried_and_nothing_is_doubled(
    demo_ws, lake, tmp_path: Path
) -> None:
    ws = demo_ws("killed", seed=3, store=store_toml(lake, "killed"))
    reference = demo_ws("reference", seed=3)
    smm(reference, "sync")
    smm(ws, "sync", "--queue")

    first = _worker(ws, "--stalled-after", "6")
    seen = []
    for line in first.stderr:  # the worker says when it takes the unit: no polling
        seen.append(line)
        if "files:data: started" in line:
            break
    else:
        pytest.fail("the worker never took the unit:\n" + "".join(seen))
    os.kill(first.pid, signal.SIGKILL)  # dies mid-unit: no goodbye, no heartbeat
    _out, err = first.communicate()
    assert "files:data: ok" not in err  # killed before the unit was stored
    assert _status(ws)[0]["status"] == "doing"  # still held by the dead worker

    second = _worker(ws, "--once", "--stalled-after", "6")
    _out, err = second.communicate(timeout=600)
    assert second.returncode == 0, err
    assert "retried job(s)" in err and "of a worker that stopped" in err
    (job,) = _status(ws)
    assert job["status"] == "succeeded"
    assert job["attempts"] >= 1
    assert _counts(ws) == _counts(reference)
    assert (
        differences(
            report_json(reference, tmp_path / "reference.json"),
            report_json(ws, tmp_path / "killed.json"),
        )
        == []
    )
    # and a sync queued again finds the data in place: still nothing twice
    smm(ws, "sync", "--queue")
    done = _worker(ws, "--once")
    assert done.wait(timeout=600) == 0
    assert _counts(ws) == _counts(reference)


def test_units_of_a_worker_that_finish_together_are_committed_in_one_transaction(
    tmp_path: Path,
) -> None:
    """A worker's store (GroupCommits): units finishing while another commits wait and then
    go in together, in one commit_units call; each gets its own outcome, all are stored."""
    import threading
    from datetime import UTC, datetime

    from smm_ducklake.queue import GroupCommits

    from smmcore.models import Post
    from smmcore.store import Store

    store = Store.open(tmp_path / "store.duckdb")  # the grouping is the worker's, any backend
    calls: list[int] = []
    real = store.commit_units

    leading = threading.Event()

    def counting(writers):
        calls.append(len(writers))
        leading.set()
        return real(writers)

    store.commit_units = counting  # type: ignore[method-assign]
    group = GroupCommits(store)
    t = datetime(2026, 1, 5, tzinfo=UTC)
    writers = []
    for n in range(4):
        writer = store.unit_writer(f"u{n}", "t")
        writer.add(Post(network="m", account=f"a{n}", post_id="1", created_at=t))
        writers.append(writer)
    outcomes: dict[int, list] = {}

    def finish(n: int) -> None:
        outcomes[n] = group.commit_units([writers[n]])

    queued = threading.Condition()

    class Pending(list):  # the group's waiting units, telling the test as each one queues
        def append(self, slot) -> None:
            with queued:
                super().append(slot)
                queued.notify_all()

    threads = [threading.Thread(target=finish, args=(n,)) for n in range(4)]
    with store.lock:  # the first unit's commit waits here; the three others queue up
        threads[0].start()
        assert leading.wait(60), "the first unit never reached the store"
        group._pending = Pending(group._pending)  # the leader took its batch already
        for thread in threads[1:]:
            thread.start()
        with queued:
            assert queued.wait_for(lambda: len(group._pending) == 3, timeout=60)
    for thread in threads:
        thread.join(timeout=60)
    assert calls == [1, 3]
    assert outcomes == {n: [None] for n in range(4)}
    assert store.con.execute("SELECT count(*) FROM posts").fetchone()[0] == 4
    assert len(store.sync_state()) == 4
    store.close()
