"""The installed plugins' entry points, remembered between runs.

Finding them means reading the metadata of every installed distribution
(:func:`importlib.metadata.entry_points`), which cost more than importing click: most of what
``smm --help`` spent beyond click itself. The result is kept in the user's cache folder
(``$XDG_CACHE_HOME/smm``, else ``~/.cache/smm``) together with what it depends on: the
interpreter, the folders of ``sys.path`` and their modification times (installing, upgrading
or removing a distribution adds or removes a folder there), and the ``entry_points.txt`` of
every distribution that declared a plugin. When any of them differs, the metadata is read
again. A timestamp less than :data:`SETTLE_SECONDS` old is not trusted (a file system with
coarse timestamps could hide a change made in the same tick), so nothing is remembered right
after an install. A cache that cannot be read or written is ignored.
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
    folders = _search_path()
    cache = _cache_file(folders)
    if cache is not None:
        cached = _read(cache, group, folders)
        if cached is not None:
            return cached, True
    found, files = _scan(group)
    if cache is not None:
        _write(cache, group, folders, found, files)
    return found, False


def _search_path() -> list[str]:
    return [os.path.abspath(p) if p else os.getcwd() for p in sys.path]


def _cache_file(folders: list[str]) -> Path | None:
    """One file per interpreter and search path (``smm`` and ``python -m smmcore`` search
    different folders first, and would otherwise replace each other's)."""
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.path.join(os.path.expanduser("~"), ".cache") if os.path.expanduser("~") != "~" else ""
    )
    if not base:
        return None
    import zlib

    key = zlib.crc32("\n".join([sys.executable, *folders]).encode())
    return Path(base) / "smm" / f"entry-points-{key:08x}.json"


def _stamp(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _read(cache: Path, group: str, folders: list[str]) -> list[PluginEntryPoint] | None:
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if (
            data.get("format") != _FORMAT
            or data.get("python") != sys.version
            or data.get("group") != group
            or data.get("path") != folders
        ):
            return None
        if any(_stamp(path) != stamp for path, stamp in data["stamps"].items()):
            return None
        return [PluginEntryPoint(*item) for item in data["entry_points"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
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


def _write(
    cache: Path,
    group: str,
    folders: list[str],
    found: list[PluginEntryPoint],
    files: list[str],
) -> None:
    stamps = {path: _stamp(path) for path in [*folders, *files]}
    settled = time.time_ns() - int(SETTLE_SECONDS * 1e9)
    if any(stamp is not None and stamp > settled for stamp in stamps.values()):
        return  # too recent to tell a later change from this one
    data = {
        "format": _FORMAT,
        "python": sys.version,
        "group": group,
        "path": folders,
        "stamps": stamps,
        "entry_points": [[e.name, e.value, e.distribution, e.version] for e in found],
    }
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(data), encoding="utf-8")
        os.replace(partial, cache)
    except OSError:
        pass
