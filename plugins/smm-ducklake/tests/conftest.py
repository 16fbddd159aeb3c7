"""Fixtures of the smm-ducklake tests: a real PostgreSQL (Debian's server, started for the
session as the ``postgres`` user when the tests run as root) and lake workspaces on it."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from smm_ducklake.testing import PostgresServer, store_toml, unavailable_reason

END = date(2026, 6, 30)
_dbs = itertools.count(1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A running PostgreSQL for the whole session (skipped, with the reason, where none can
    be started)."""
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def lake(postgres: PostgresServer, tmp_path: Path) -> dict[str, str]:
    """A fresh lake: its own PostgreSQL database (catalog) and data folder."""
    conninfo = postgres.createdb(f"lake{next(_dbs)}")
    return {"catalog": f"postgres:{conninfo}", "data_path": str(tmp_path / "lake-data")}


@pytest.fixture
def demo_ws(tmp_path: Path) -> Callable[..., Path]:
    """Write a demo workspace (smm-files export; ``seed`` varies the data)."""

    def write(name: str, *, seed: int = 7, store: str = "") -> Path:
        from smm_files.demo import write_demo_workspace

        folder = write_demo_workspace(tmp_path / name, END, posts_scale=0.25, seed=seed)
        if store:
            with open(folder / "smm.toml", "a", encoding="utf-8") as handle:
                handle.write(store)
        return folder

    return write


CLIENT = """\
[client]
name = "Forno Rossi"
segment = "bakery"
language = "it"
timezone = "Europe/Rome"
"""


@pytest.fixture
def write_ws_text(tmp_path: Path) -> Callable[[str], Path]:
    """A workspace folder whose smm.toml is a [client] table and ``body``."""
    counter = itertools.count()

    def write(body: str, name: str | None = None) -> Path:
        folder = tmp_path / (name or f"ws{next(counter)}")
        folder.mkdir()
        (folder / "smm.toml").write_text(CLIENT + body, encoding="utf-8")
        return folder

    return write


@pytest.fixture
def write_lake_ws(write_ws_text, lake) -> Callable[[str], Path]:
    """A workspace (no channels) in schema ``name`` of the test's lake."""
    return lambda name: write_ws_text(store_toml(lake, name), name)
