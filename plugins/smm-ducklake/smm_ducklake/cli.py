"""``smm worker``: take sync units from the team queue and sync them into the lake."""

from __future__ import annotations

import asyncio
from typing import Any

import click

from smmcore.cli.app import App, pass_app


@click.command("worker")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Units this worker syncs at a time.",
)
@click.option(
    "--once",
    is_flag=True,
    help="Exit when the queue is drained (no unit left to do or being done) instead of "
    "waiting for more.",
)
@click.option("--name", help="The worker's name in the queue (default: procrastinate's).")
@click.option(
    "--stalled-after",
    type=click.FloatRange(4, 3600),
    default=30,
    show_default=True,
    metavar="SECONDS",
    help="A worker without a heartbeat (every 2 s) this long is dead: its unit is retried.",
)
@pass_app
def worker(app: App, concurrency: int, once: bool, name: str | None, stalled_after: float) -> None:
    """Take sync units from the team queue ('smm sync --queue') and sync them into the lake.

    Start one or more on any machine that reaches the lake's PostgreSQL and data folder and
    sees the workspace folders at the same paths. Each unit is synced with the ordinary
    pipeline (this worker's own per-host limits, retries, cursors) and committed to the
    workspace's schema in one transaction. A unit whose worker died is retried by another.
    Stop with Ctrl-C (the unit in progress finishes first).
    """
    queue = app.workspace().store_queue(app.host)
    asyncio.run(_work(queue.conninfo, concurrency, once, name, stalled_after))


async def _work(
    conninfo: str, concurrency: int, once: bool, name: str | None, stalled_after: float
) -> None:
    from smm_ducklake.queue import HEARTBEAT, QUEUE, ensure_schema, make_app, retry_stalled

    app = make_app(conninfo)
    await ensure_schema(app)
    async with app.open_async():
        _say(app, await retry_stalled(app, stalled_after))

        async def reaper() -> None:
            while True:
                await asyncio.sleep(stalled_after / 2)
                _say(app, await retry_stalled(app, stalled_after))

        reaping = asyncio.create_task(reaper())
        options: dict[str, Any] = {
            "queues": [QUEUE],
            "concurrency": concurrency,
            "update_heartbeat_interval": HEARTBEAT,
            "stalled_worker_timeout": stalled_after,
        }
        if name:
            options["name"] = name
        try:
            if not once:
                await app.run_worker_async(wait=True, **options)
                return
            while True:
                await app.run_worker_async(wait=False, install_signal_handlers=False, **options)
                if not await _unfinished(app):
                    return
                await asyncio.sleep(HEARTBEAT)  # a unit retried later, or another's in progress
                _say(app, await retry_stalled(app, stalled_after))
        finally:
            reaping.cancel()
            from smm_ducklake.queue import close_workspaces

            close_workspaces()


async def _unfinished(app: Any) -> bool:
    """Whether a unit of the queue is still to do (perhaps later) or being done."""
    from smm_ducklake.queue import TASK

    row = await app.connector.execute_query_one_async(
        "SELECT count(*) AS n FROM procrastinate_jobs WHERE task_name = %(task)s "
        "AND status IN ('todo', 'doing')",
        task=TASK,
    )
    return bool(row["n"])


def _say(app: Any, retried: list[int]) -> None:
    if retried:
        jobs = ", ".join(str(i) for i in retried)
        click.echo(f"worker: retried job(s) {jobs} of a worker that stopped", err=True)
