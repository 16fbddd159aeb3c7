"""The report cache: what a report computed, reused while the store and the settings stay the
same.

An entry is keyed by the store's **data version** (:func:`data_version`: the database file's
identity, size and modification time, and its write-ahead log's, so any committed write, by
``smm sync``, ``smm files import``, ``smm keywords`` or plain SQL, gives a new version), the
workspace's settings (``smm.toml`` as written, and the values of the environment variables it
references, hashed), the installed plugins and their versions, and what the entry depends on
(period, comparison, language, the day it is in the client's time zone). An entry is never
updated in place: a different key is a different file, so a write invalidates everything
computed before it.

Entries live in ``.smm/cache/`` next to the store, as JSON; at most :data:`MAX_ENTRIES` are
kept. ``smm report --no-cache`` or ``SMM_NO_CACHE=1`` bypasses the cache; a cache that cannot be
read or written is ignored (the report is then simply computed).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

MAX_ENTRIES = 64
"""Cache files kept per workspace (the oldest go first)."""
FORMAT = 1
"""Bumped when what is cached changes shape."""

T = TypeVar("T")


def enabled(env: Mapping[str, str] | None = None) -> bool:
    """Whether caching is on (``SMM_NO_CACHE`` unset or false)."""
    value = (os.environ if env is None else env).get("SMM_NO_CACHE", "")
    return value.strip().lower() not in {"1", "true", "yes", "on"}


def data_version(store_path: Path) -> str:
    """The store's data version: a token that changes with every committed write."""
    parts = []
    for path in (store_path, Path(f"{store_path}.wal")):
        try:
            st = path.stat()
        except OSError:
            parts.append("-")
            continue
        parts.append(f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def settings_token(workspace: Any, host: Any) -> str:
    """A digest of what the workspace's results depend on besides the data: its smm.toml,
    the environment values it references, and the plugins loaded with their versions."""
    from smmcore import __version__

    digest = hashlib.sha256()
    try:
        digest.update((Path(workspace.dir) / "smm.toml").read_bytes())
    except OSError:
        digest.update(json.dumps(workspace.raw, sort_keys=True, default=str).encode())
    for secret in sorted(workspace.secret_values()):
        digest.update(b"\0" + secret.encode())
    digest.update(f"{__version__}:strict={bool(getattr(host, 'strict', False))}".encode())
    for record in sorted(host.plugins, key=lambda r: r.name):
        line = f"\0{record.name}:{record.distribution}:{record.version}:{record.status}"
        digest.update(line.encode())
    return digest.hexdigest()


class ReportCache:
    """Get or compute entries of one workspace's cache.

    :param folder: where entries live (``.smm/cache``); ``None`` disables the cache.
    :param version: the store's data version (:func:`data_version`).
    :param settings: :func:`settings_token` of the workspace.
    """

    def __init__(self, folder: Path | None, version: str, settings: str) -> None:
        self.folder = folder
        self.version = version
        self.settings = settings
        self.hits: list[str] = []

    @classmethod
    def for_workspace(cls, workspace: Any, host: Any, *, enabled_: bool = True) -> ReportCache:
        """The cache of ``workspace`` (disabled when ``enabled_`` is false or caching is off
        in the environment)."""
        store_path = Path(workspace.store_path)
        # the version of the data is the store file's; a shared backend (a lake other
        # processes write to) has none here, so its reports are always computed
        local = workspace.config.store.backend == "duckdb"
        on = enabled_ and enabled() and local and store_path.exists()
        if not on:
            return cls(None, "", "")
        return cls(
            store_path.parent / "cache", data_version(store_path), settings_token(workspace, host)
        )

    def _path(self, kind: str, parts: Mapping[str, Any]) -> Path | None:
        if self.folder is None:
            return None
        key = json.dumps(
            {"format": FORMAT, "kind": kind, "data": self.version, "settings": self.settings,
             **parts},
            sort_keys=True,
            default=str,
        )  # fmt: skip
        return self.folder / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"

    def get(
        self,
        kind: str,
        parts: Mapping[str, Any],
        compute: Callable[[], T],
        dump: Callable[[T], Any],
        load: Callable[[Any], T],
        keep: Callable[[T], bool] | None = None,
    ) -> T:
        """The cached value of ``kind`` for ``parts``, else ``compute()`` (then stored unless
        ``keep`` says no: a result with failures is not kept, the next run tries again).

        ``dump`` turns the value into JSON-ready data, ``load`` turns it back."""
        path = self._path(kind, parts)
        if path is not None and path.is_file():
            try:
                value = load(json.loads(path.read_text(encoding="utf-8")))
            except Exception:  # a damaged or outdated entry: compute it again
                value = None
            else:
                self.hits.append(kind)
                return value
        value = compute()
        if path is not None and (keep is None or keep(value)):
            self._store(path, dump(value))
        return value

    def _store(self, path: Path, data: Any) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
            os.replace(tmp, path)
            self._prune()
        except OSError:  # a read-only workspace: no cache, same report
            with contextlib.suppress(OSError):
                tmp.unlink()

    def _prune(self) -> None:
        if self.folder is None:
            return
        entries = sorted(
            (p for p in self.folder.glob("*.json") if p.is_file()),
            key=lambda p: p.stat().st_mtime_ns,
        )
        for stale in entries[: max(len(entries) - MAX_ENTRIES, 0)]:
            with contextlib.suppress(OSError):
                stale.unlink()
