"""A real PostgreSQL for tests and benchmarks: Debian's server, started in a temporary folder.

PostgreSQL refuses to run as root, so when this process is root the server runs as the
``postgres`` user the Debian package creates. Nothing here is a mock: :class:`PostgresServer`
is the real server on a free port of 127.0.0.1, with trust authentication for local use.
"""

from __future__ import annotations

import glob
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


def find_bindir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl`` (``SMM_PG_BINDIR``, else Debian's newest)."""
    explicit = os.environ.get("SMM_PG_BINDIR")
    if explicit:
        return Path(explicit) if (Path(explicit) / "initdb").exists() else None
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def unavailable_reason() -> str | None:
    """Why a PostgreSQL cannot be started here, or ``None`` when it can."""
    if find_bindir() is None:
        return (
            "PostgreSQL is not installed (no initdb): 'apt-get install -y postgresql' "
            "(.ci/run does it) or set SMM_PG_BINDIR"
        )
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run PostgreSQL as"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """Start with :meth:`start` (or ``with PostgresServer() as pg``); :attr:`conninfo` is a
    libpq string for the database ``dbname``."""

    def __init__(self, dbname: str = "smm") -> None:
        self.dbname = dbname
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="smm-pg-"))
        self.bindir = find_bindir()
        self._as_postgres = os.geteuid() == 0

    @property
    def conninfo(self) -> str:
        return f"dbname={self.dbname} host=127.0.0.1 port={self.port} user=postgres"

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.dir)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:1])} failed: {done.stderr or done.stdout}")

    def start(self) -> PostgresServer:
        reason = unavailable_reason()
        if reason:
            raise RuntimeError(reason)
        if self._as_postgres:
            shutil.chown(self.dir, user="postgres")
        data = self.dir / "data"
        self._run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self._run(
            "pg_ctl",
            "-D",
            str(data),
            "-o",
            f"-p {self.port} -k {self.dir} -h 127.0.0.1 -c fsync=off",
            "-l",
            str(self.dir / "server.log"),
            "-w",
            "start",
        )
        self._run(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", self.dbname
        )
        return self

    def createdb(self, name: str) -> str:
        """Create another database; return its conninfo."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return f"dbname={name} host=127.0.0.1 port={self.port} user=postgres"

    def stop(self) -> None:
        if (self.dir / "data" / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ------------------------------------------------------------------ running smm as a user would


def store_toml(lake: dict[str, str], schema: str) -> str:
    """The ``[store]`` table putting a workspace into ``schema`` of ``lake`` (``catalog``,
    ``data_path``)."""
    return (
        f'\n[store]\nbackend = "ducklake"\ncatalog = "{lake["catalog"]}"\n'
        f'data_path = "{lake["data_path"]}"\nschema = "{schema}"\n'
    )


def smm(ws: Path | None, *args: str, check: bool = True, timeout: float = 300) -> Any:
    """Run ``smm [-w WS] ARGS`` in a new process; return the CompletedProcess."""
    command = [sys.executable, "-m", "smmcore"]
    if ws is not None:
        command += ["-w", str(ws)]
    env = {**os.environ, "COLUMNS": "200"}
    done = subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=timeout, env=env
    )
    if check and done.returncode != 0:
        raise AssertionError(f"smm {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return done


def report_json(ws: Path, out: Path) -> dict[str, Any]:
    """``smm report --format json`` of ``ws`` (without its generation time)."""
    smm(ws, "report", "--format", "json", "-o", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    data.pop("generated_at", None)
    return data


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    """Where two reports differ; floats are equal to 1e-9 relative (DuckDB may sum in
    another order on another storage: the last bits of a float differ)."""
    if isinstance(a, float) and isinstance(b, float | int):
        return [] if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) else [f"{path}: {a} != {b}"]
    if type(a) is not type(b):
        return [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, dict):
        if set(a) != set(b):
            return [f"{path}: keys {sorted(set(a) ^ set(b))}"]
        return [d for k in a for d in differences(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)}"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in differences(x, y, f"{path}[{i}]")
        ]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]
