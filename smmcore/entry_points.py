"""The installed plugins' entry points, remembered between runs.

Finding them means reading the metadata of every installed distribution
(:func:`importlib.metadata.entry_points`), which cost more than importing click: most of what
``smm --help`` spent beyond click itself. The result is kept in the user's cache folder
(``$SMM_CACHE_DIR``, else ``$XDG_CACHE_HOME/smm``, else ``~/.cache/smm``) together with what it
depends on: the interpreter, the folders of ``sys.path`` and their modification times
(installing, upgrading or removing a distribution adds or removes a folder there), and the
``entry_points.txt`` of every distribution that declared a plugin. When any of them differs,
the metadata is read again. A timestamp less than :data:`SETTLE_SECONDS` old is not trusted (a
file system with coarse timestamps could hide a change made in the same tick), so nothing is
remembered right after an install. A cache that cannot be read or written is ignored.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SETTLE_SECONDS = 2.0
"""How old a timestamp must be before a scan that depends on it is remembered."""

KEEP = 8
"""Entries (search paths, plugin selections) a cache file keeps, the most recent first."""

_FORMAT = 1
_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


@dataclass(frozen=True)
class PluginEntryPoint:
    """One entry point of the group: ``name = value`` declared by ``distribution``."""

    name: str
    value: str
    distribution: str | None
    version: str | None

    def load(self) -> Any:
        """Import the object ``value`` names (``module`` or ``module:attr.attr``), as
        :meth:`importlib.metadata.EntryPoint.load` does."""
        match = _VALUE.match(self.value)
        if match is None:
            raise ValueError(f"malformed entry point value {self.value!r}")
        module = importlib.import_module(match.group("module"))
        attrs = filter(None, (match.group("attr") or "").split("."))
        return functools.reduce(getattr, attrs, module)


def plugin_entry_points(group: str) -> tuple[list[PluginEntryPoint], bool]:
    """The entry points of ``group``, each ``(name, value)`` once, and whether they came from
    the cache (``SMM_TRACE_PLUGINS`` says so)."""
    cached = load_stamped("entry-points", group)
    if cached is not None:
        try:
            return [PluginEntryPoint(*item) for item in cached], True
        except TypeError:
            pass
    found, files = _scan(group)
    data = [[e.name, e.value, e.distribution, e.version] for e in found]
    save_stamped("entry-points", group, data, files)
    return found, False


def load_stamped(kind: str, key: str) -> Any:
    """What :func:`save_stamped` kept under ``kind`` and ``key`` for this interpreter and
    search path, or ``None`` when it is missing, damaged, or any file or folder it depends
    on changed since."""
    folders = _search_path()
    cache = _cache_file(kind)
    if cache is None:
        return None
    try:
        for entry in _entries(cache):
            if entry.get("key") == key and entry.get("path") == folders:
                if any(_stamp(path) != stamp for path, stamp in entry["stamps"].items()):
                    return None
                return entry["data"]
    except (TypeError, KeyError, AttributeError):
        return None
    return None


def save_stamped(kind: str, key: str, data: Any, files: list[str]) -> None:
    """Keep ``data`` (JSON-ready) under ``kind`` and ``key``, valid while the folders of
    ``sys.path`` and ``files`` keep their modification times. Nothing is kept when one of
    them changed in the last :data:`SETTLE_SECONDS`, or when the cache cannot be written.
    A file keeps the :data:`KEEP` most recent entries (search paths and keys) of its kind."""
    folders = _search_path()
    cache = _cache_file(kind)
    if cache is None:
        return
    stamps = {path: _stamp(path) for path in [*folders, *files]}
    settled = time.time_ns() - int(SETTLE_SECONDS * 1e9)
    if any(stamp is not None and stamp > settled for stamp in stamps.values()):
        return  # too recent to tell a later change from this one
    entry = {"key": key, "path": folders, "stamps": stamps, "data": data}
    others = [
        e
        for e in _entries(cache)
        if isinstance(e, dict) and (e.get("key"), e.get("path")) != (key, folders)
    ]
    record = {"format": _FORMAT, "python": sys.version, "entries": [entry, *others][:KEEP]}
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(record), encoding="utf-8")
        os.replace(partial, cache)
    except OSError:
        pass


def _entries(cache: Path) -> list[Any]:
    try:
        record = json.loads(cache.read_text(encoding="utf-8"))
        if record.get("format") != _FORMAT or record.get("python") != sys.version:
            return []
        entries = record.get("entries")
        return entries if isinstance(entries, list) else []
    except (OSError, ValueError, AttributeError):
        return []


def _search_path() -> list[str]:
    return [os.path.abspath(p) if p else os.getcwd() for p in sys.path]


def _cache_file(kind: str) -> Path | None:
    """One file per kind and interpreter, in ``$SMM_CACHE_DIR`` when set (the test suite keeps
    its own there), else ``$XDG_CACHE_HOME/smm``, else ``~/.cache/smm``."""
    folder = os.environ.get("SMM_CACHE_DIR")
    if not folder:
        home = os.path.expanduser("~")
        base = os.environ.get("XDG_CACHE_HOME") or (
            os.path.join(home, ".cache") if home != "~" else ""
        )
        if not base:
            return None
        folder = os.path.join(base, "smm")
    import zlib

    key = zlib.crc32(sys.executable.encode())
    return Path(folder) / f"{kind}-{key:08x}.json"


def _stamp(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _scan(group: str) -> tuple[list[PluginEntryPoint], list[str]]:
    from importlib import metadata

    seen: set[tuple[str, str]] = set()
    found: list[PluginEntryPoint] = []
    files: list[str] = []
    for ep in metadata.entry_points(group=group):
        if (ep.name, ep.value) in seen:
            continue  # the same distribution found twice on sys.path
        seen.add((ep.name, ep.value))
        dist = getattr(ep, "dist", None)
        found.append(
            PluginEntryPoint(
                ep.name, ep.value, dist.name if dist else None, dist.version if dist else None
            )
        )
        folder = getattr(dist, "_path", None)  # a PathDistribution's .dist-info folder
        if folder is not None:
            files.append(os.path.join(str(folder), "entry_points.txt"))
    return found, files
