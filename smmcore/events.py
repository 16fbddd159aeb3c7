"""Typed progress events of a sync, for a callback: ``ws.sync(progress=callback)``.

The callback receives one event object at a time, in the order things happen, from the
thread that runs the sync. The CLI renders them with rich (or as log lines); a notebook can
render them its own way, collect them, or pass no callback at all::

    def show(event: smmcore.SyncEvent) -> None:
        if isinstance(event, smmcore.UnitFinished):
            print(event.result.key, event.result.status, event.result.records)

    ws.sync(progress=show)

An exception raised by the callback stops the sync like any other error; keep callbacks
quick (they run between network reads).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from smmcore.sync import SyncProgress

if TYPE_CHECKING:
    from smmcore.contracts import SyncUnit
    from smmcore.http import WaitEvent
    from smmcore.sync import SyncReport, UnitResult

__all__ = [
    "LogLine",
    "ProgressCallback",
    "SyncEvent",
    "SyncFinished",
    "SyncStarted",
    "UnitFinished",
    "UnitRecords",
    "UnitStarted",
    "UnitWaiting",
    "callback_progress",
]


@dataclass(frozen=True)
class SyncStarted:
    """The sync planned its units; none has run yet.

    :param units: every unit of the run, in plan order (``unit.key`` names it).
    """

    units: tuple[SyncUnit, ...]


@dataclass(frozen=True)
class UnitStarted:
    """A unit began fetching."""

    unit: SyncUnit


@dataclass(frozen=True)
class UnitRecords:
    """A unit has received ``records`` rows so far (not yet written: a unit is written
    whole when it finishes)."""

    unit: SyncUnit
    records: int


@dataclass(frozen=True)
class UnitWaiting:
    """A unit started a wait (``wait.seconds > 0``: a rate limit or a retry; ``wait.line()``
    says which host, how long and why) or finished it (``wait.seconds == 0``)."""

    unit: SyncUnit
    wait: WaitEvent

    @property
    def started(self) -> bool:
        """Whether the wait begins (``False``: it is over)."""
        return self.wait.seconds > 0


@dataclass(frozen=True)
class UnitFinished:
    """A unit finished: written (``ok``, ``no_data``), ``failed``, ``deferred`` or
    ``interrupted``; ``result`` holds its records per table, error and waits."""

    result: UnitResult


@dataclass(frozen=True)
class LogLine:
    """A line of text from the pipeline or a source (announced waits included), secrets
    already removed."""

    text: str


@dataclass(frozen=True)
class SyncFinished:
    """Every unit finished; ``result`` is what :meth:`smmcore.Workspace.sync` returns."""

    result: SyncReport


SyncEvent: TypeAlias = (
    SyncStarted | UnitStarted | UnitRecords | UnitWaiting | UnitFinished | LogLine | SyncFinished
)
"""Any of the sync progress events."""

ProgressCallback: TypeAlias = Callable[[SyncEvent], object]
"""A function receiving each :data:`SyncEvent` (its return value is ignored)."""


class _CallbackProgress(SyncProgress):
    """Turns the pipeline's progress calls into events for one callback."""

    def __init__(self, callback: ProgressCallback) -> None:
        self.callback = callback

    def start(self, units: Sequence[SyncUnit]) -> None:
        self.callback(SyncStarted(tuple(units)))

    def unit_started(self, unit: SyncUnit) -> None:
        self.callback(UnitStarted(unit))

    def unit_records(self, unit: SyncUnit, records: int) -> None:
        self.callback(UnitRecords(unit, records))

    def unit_waiting(self, unit: SyncUnit, event: WaitEvent) -> None:
        self.callback(UnitWaiting(unit, event))

    def unit_done(self, result: UnitResult) -> None:
        self.callback(UnitFinished(result))

    def log(self, line: str) -> None:
        self.callback(LogLine(line))

    def finish(self, report: SyncReport) -> None:
        self.callback(SyncFinished(report))


def callback_progress(callback: ProgressCallback | None) -> SyncProgress | None:
    """The pipeline's progress receiver for ``callback`` (``None`` for none)."""
    return None if callback is None else _CallbackProgress(callback)
