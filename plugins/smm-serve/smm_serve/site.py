"""The dashboard's state: the workspaces it serves, the report cache, the period the user
picked, and the one lock that serialises this process's use of each store.

Reports come from :func:`smmcore.report.build_report`, exactly as ``smm report`` builds them;
a view of the same workspace, period, comparison and language is served from the cache until
the store or ``smm.toml`` changes on disk (a sync, here or in another process, writes the
store, so it invalidates the cache).
"""

from __future__ import annotations

import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from smmcore.errors import SmmError
from smmcore.i18n import SUPPORTED, language_of

PRESETS = ("30d", "90d", "month", "quarter", "custom")
"""The period picker's choices."""
COMPARES = ("previous", "year")
CACHE_SIZE = 32
"""Reports kept in memory (a report of the demo workspace is about 100 kB)."""

_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_QUARTER_RE = re.compile(r"^(\d{4})-?[qQ]([1-4])$")
_SLUG_RE = re.compile(r"[^a-z0-9_-]+")


def slugify(name: str) -> str:
    """A URL-safe name for a workspace folder."""
    return _SLUG_RE.sub("-", name.lower()).strip("-") or "workspace"


def quarter_spec(text: str) -> str:
    """``2026-Q1`` as a period spec: the core's own quarter form when it has one, else the
    ``FROM..TO`` range of the quarter's days."""
    m = _QUARTER_RE.match(text.strip())
    if not m:
        raise SmmError(f"invalid quarter {text!r}", hint="use YYYY-Qn, for example 2026-Q1")
    year, q = int(m.group(1)), int(m.group(2))
    canonical = f"{year}-Q{q}"
    from smmcore.periods import parse_period

    try:
        parse_period(canonical, date.today())
        return canonical
    except SmmError:
        pass
    start = date(year, 3 * q - 2, 1)
    nxt = date(year + (q == 4), (3 * q) % 12 + 1, 1)
    return f"{start.isoformat()}..{(nxt - timedelta(days=1)).isoformat()}"


@dataclass(frozen=True)
class Selection:
    """What the user picked: period, comparison and language (from the query string).

    :ivar spec: the period spec handed to the report builder (``None``: ``[report] period``).
    """

    preset: str
    spec: str | None
    compare: str | None
    lang: str
    month: str = ""
    quarter: str = ""
    start: str = ""
    end: str = ""
    raw: str = ""

    def params(self, **override: str) -> dict[str, str]:
        """The query parameters that select the same view (``override`` replaces some)."""
        out: dict[str, str] = {}
        if self.preset in ("30d", "90d"):
            out["period"] = self.preset
        elif self.preset == "month":
            out.update(period="month", month=self.month)
        elif self.preset == "quarter":
            out.update(period="quarter", quarter=self.quarter)
        elif self.preset == "custom":
            out.update({"period": "custom", "from": self.start, "to": self.end})
        elif self.raw:
            out["period"] = self.raw
        if self.compare:
            out["compare"] = self.compare
        out["lang"] = self.lang
        out.update(override)
        return {k: v for k, v in out.items() if v}


def parse_selection(query: Mapping[str, str], config: Any) -> Selection:
    """Read ``period`` (a preset or any ``smm report --period`` spec), ``month``,
    ``quarter``, ``from``, ``to``, ``compare`` and ``lang`` from the query string.

    :raises SmmError: for a value the user can fix (an unknown comparison, a missing month).
    """
    lang_q = (query.get("lang") or "").strip().lower()
    lang = (
        lang_q
        if lang_q in SUPPORTED
        else language_of(config.report.language or config.client.language)
    )
    compare = (query.get("compare") or "").strip().lower() or None
    if compare is not None and compare not in COMPARES:
        raise SmmError(
            f"invalid comparison {compare!r}", hint="pick 'previous' or 'year' in the form"
        )
    period = (query.get("period") or "").strip()
    base = {"compare": compare, "lang": lang}
    if not period:
        default = config.report.period
        preset = default if default in ("30d", "90d") else "default"
        return Selection(preset=preset, spec=None, **base)
    if period in ("30d", "90d"):
        return Selection(preset=period, spec=period, **base)
    if period == "month":
        month = (query.get("month") or "").strip()
        if not _MONTH_RE.match(month):
            raise SmmError(f"invalid month {month!r}", hint="pick a month (YYYY-MM) in the form")
        return Selection(preset="month", spec=month, month=month, **base)
    if period == "quarter":
        quarter = (query.get("quarter") or "").strip().upper()
        spec = quarter_spec(quarter)
        m = _QUARTER_RE.match(quarter)
        assert m is not None  # quarter_spec checked it
        return Selection(preset="quarter", spec=spec, quarter=f"{m.group(1)}-Q{m.group(2)}", **base)
    if period == "custom":
        start, end = (query.get("from") or "").strip(), (query.get("to") or "").strip()
        if not start or not end:
            raise SmmError(
                "a custom period needs both a first and a last day",
                hint="fill in 'from' and 'to' in the form",
            )
        return Selection(preset="custom", spec=f"{start}..{end}", start=start, end=end, **base)
    return Selection(preset="spec", spec=period, raw=period, **base)


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


class ReportCache:
    """A small LRU of built reports; a key carries the store's and ``smm.toml``'s file
    signatures, so a write to either makes old entries unreachable."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[Any, ...], *, count: bool = True) -> Any:
        """The cached report, or ``None``; ``count`` adds the lookup to hits or misses."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += count
                return self._items[key]
            self.misses += count
            return None

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self, slug: str | None = None) -> None:
        """Forget every report (of workspace ``slug`` only, when given)."""
        with self._lock:
            for key in [k for k in self._items if slug is None or k[0] == slug]:
                del self._items[key]


@dataclass
class SyncRun:
    """The last sync started from the dashboard."""

    ok: bool
    finished: float
    lines: list[str] = field(default_factory=list)


class Site:
    """Everything the dashboard serves.

    :param workspaces: URL name -> workspace folder.
    :param host: the plugin host whose KPIs, reporters and pages are used.
    :param allow_sync: the page may start ``smm sync`` (``--allow-sync``).
    :param token: required from every request when set (off loopback).
    :param loopback: bound to a loopback address: only loopback ``Host`` headers are served
        (a DNS-rebinding page cannot reach the dashboard).
    """

    def __init__(
        self,
        workspaces: Mapping[str, Path],
        host: Any,
        *,
        allow_sync: bool = False,
        token: str | None = None,
        loopback: bool = True,
    ) -> None:
        if not workspaces:
            raise SmmError("no workspace to serve", hint="run smm serve inside a workspace")
        self.workspaces = dict(workspaces)
        self.host = host
        self.allow_sync = allow_sync
        self.token = token
        self.loopback = loopback
        self.csrf_token = secrets.token_urlsafe(32)
        self.cache = ReportCache()
        self.store_lock = threading.RLock()
        """Held while this process reads or writes a store: a sync from the page and the
        report builds never overlap here; other processes are kept out by DuckDB's file lock."""
        self.sync_runs: dict[str, SyncRun] = {}

    def folder(self, slug: str) -> Path:
        if slug not in self.workspaces:
            raise KeyError(slug)
        return self.workspaces[slug]

    def workspace(self, slug: str) -> Any:
        """The workspace, loaded from its ``smm.toml`` now (edits show at the next view)."""
        from smmcore.workspace import load_workspace

        return load_workspace(self.folder(slug))

    def signature(self, ws: Any) -> tuple[Any, ...]:
        """What a cached report of ``ws`` depends on, on disk."""
        store = Path(ws.store_path)
        return (
            _stat(ws.config_path),
            _stat(store),
            _stat(store.with_name(store.name + ".wal")),
        )

    def report(self, slug: str, ws: Any, sel: Selection) -> tuple[Any, bool]:
        """``(report, from_cache)`` of ``ws`` for the selection.

        Two levels: this process's memory, then the workspace's report cache on disk (the one
        ``smm report`` uses, so a report either of them built serves both; ``SMM_NO_CACHE=1``
        turns it off); otherwise :func:`smmcore.report.build_report` builds it."""
        from smmcore.periods import today_in

        day = today_in(ws.config.client.timezone)
        key = (slug, sel.spec, sel.compare, sel.lang, day, self.signature(ws))
        cached = self.cache.get(key)
        if cached is not None:
            return cached, True
        from smmcore.report import build_report
        from smmcore.report_cache import ReportCache
        from smmcore.report_model import Report

        with self.store_lock:
            # built meanwhile by another request (or the prewarm)?
            cached = self.cache.get(key, count=False)
            if cached is not None:
                return cached, True
            disk = ReportCache.for_workspace(ws, self.host)
            report = disk.get(
                "report",
                {
                    "period": sel.spec,
                    "compare": sel.compare,
                    "language": sel.lang,
                    "day": day.isoformat(),
                },
                lambda: build_report(
                    ws, self.host, sel.spec, sel.compare, language=sel.lang, cache=disk
                ),
                lambda built: built.model_dump(mode="json"),
                Report.model_validate,
                keep=lambda built: (
                    not any(n.code in ("kpi_failed", "section_failed") for n in built.notes)
                ),
            )
            self.cache.put(key, report)
        return report, False

    def run_sync(self, slug: str) -> SyncRun:
        """Run ``smm sync`` of workspace ``slug`` in this process (``--allow-sync``)."""
        from smmcore.sync import run_sync

        ws = self.workspace(slug)
        lines: list[str] = []
        with self.store_lock:
            try:
                result = run_sync(ws, self.host)
            except SmmError as exc:
                run = SyncRun(ok=False, finished=time.time(), lines=[exc.format_message()])
            else:
                for unit in result.units:
                    if unit.status == "ok":
                        written = ", ".join(f"{k} {v:,}" for k, v in unit.written.items())
                        lines.append(f"{unit.key}: ok ({written or '-'})")
                    else:
                        until = getattr(unit, "retry_at", None)
                        extra = f" (until {until:%Y-%m-%d %H:%M} UTC)" if until else ""
                        lines.append(f"{unit.key}: {unit.status}: {unit.error}{extra}")
                run = SyncRun(ok=result.ok, finished=time.time(), lines=lines)
        run.lines = [ws.scrub(line) for line in run.lines]
        self.cache.clear(slug)
        self.sync_runs[slug] = run
        return run


def discover_workspaces(folder: Path) -> dict[str, Path]:
    """Every sub-folder of ``folder`` holding an ``smm.toml`` (``--workspaces DIR``)."""
    found: dict[str, Path] = {}
    for child in sorted(folder.iterdir()) if folder.is_dir() else []:
        if (child / "smm.toml").is_file():
            slug = slugify(child.name)
            while slug in found:
                slug += "-"
            found[slug] = child.resolve()
    return found


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}
