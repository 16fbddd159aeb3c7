"""Errors the core raises for users: each says what is wrong and how to fix it.

Every error smmcore raises on purpose is a :class:`SmmError`; the CLI prints its
:meth:`~SmmError.format_message` as ``Error: ...`` and exits with its ``exit_code``, and the
Python API (:mod:`smmcore.api`) raises the same exception with the same message. The
hierarchy::

    SmmError                    a failure the user can act on (also the catch-all base)
    +-- ConfigError             smm.toml missing, invalid, or in the way (smm init)
    +-- StoreError              the history store cannot be opened or written
    +-- PluginError             a plugin failed, or one a command needs is missing
    +-- NotFoundError           an unknown name: KPI, report format, series, backend, ...
    +-- MissingExtraError       an optional extra (pandas, polars) is not installed
    +-- EnvironmentFault        the machine stopped the command (disk, permissions, memory)
    +-- InvalidArgument         an argument of an API call is not valid (the CLI: exit 2)
    +-- KeywordToolError        a keyword tool refused or failed a whole request

Ctrl-C during a sync raises :class:`smmcore.sync.SyncInterrupted` (a ``KeyboardInterrupt``
carrying what was saved), not an :class:`SmmError`.
"""

from __future__ import annotations

import errno
import re


class SmmError(Exception):
    """A failure the user can act on. The CLI prints ``Error: <message>`` and exits 1.

    :param hint: what to do about it, printed after the message.
    """

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def format_message(self) -> str:
        """The message with its hint, on one line."""
        base = str(self)
        if not self.hint:
            return base
        return f"{base}. {self.hint[:1].upper()}{self.hint[1:]}"


class PluginError(SmmError):
    """A plugin failed to load or registered something invalid (raised in strict mode), or
    a plugin the operation needs is not installed."""


class ConfigError(SmmError):
    """``smm.toml`` is missing or invalid. ``problems`` lists one line per problem."""

    def __init__(
        self, message: str, *, problems: list[str] | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.problems = problems or []

    def format_message(self) -> str:
        """The message with its hint, then one problem per line."""
        lines = [super().format_message(), *(f"  - {p}" for p in self.problems)]
        return "\n".join(lines)


class StoreError(SmmError):
    """The history store cannot be opened or written."""


class NotFoundError(SmmError, LookupError):
    """A name that is not known: a KPI, a report format, a chart series, a store backend.
    The message lists the names that are."""


class MissingExtraError(SmmError, ImportError):
    """An optional dependency is not installed; the message names the extra to install
    (``pip install 'smmcore[pandas]'``).

    :param extra: the extra of smmcore that provides it.
    """

    def __init__(self, message: str, *, extra: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.extra = extra


class EnvironmentFault(SmmError):
    """The machine, not smm, stopped the command: permission denied, disk full, a damaged or
    newer store, memory, a lock. The message names the path and what to do."""


_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
_PERMISSION = (errno.EPERM, errno.EACCES)
_READ_ONLY_FS = errno.EROFS
_QUOTED_PATH = re.compile(r"""["'](/[^"']+)["']""")

_NOTHING_LOST = "the store keeps its previous state"


def _path_of(exc: BaseException, default: object | None) -> str:
    name = getattr(exc, "filename", None)
    if name:
        return str(name)
    found = _QUOTED_PATH.search(str(exc))
    if found:
        return found.group(1)
    return str(default) if default else "the workspace folder"


def explain_environment(exc: BaseException, path: object | None = None) -> EnvironmentFault | None:
    """An :class:`EnvironmentFault` for an environmental failure (OS errors, DuckDB's I/O,
    corruption, version and memory errors), or ``None`` when ``exc`` looks like a bug.

    :param path: the file the caller was working on, named when the error does not say.
    """
    if isinstance(exc, EnvironmentFault):
        return exc
    text = str(exc)
    lower = text.lower()
    code = getattr(exc, "errno", None) if isinstance(exc, OSError) else None
    module = type(exc).__module__.split(".")[0]
    is_duckdb = module in ("duckdb", "_duckdb")
    if isinstance(exc, ConnectionError | TimeoutError):  # the network: a unit's business
        return None
    if not isinstance(exc, OSError | MemoryError) and not is_duckdb:
        return None
    where = _path_of(exc, path)
    if code in _DISK_FULL or "no space left on device" in lower or "disk quota" in lower:
        return EnvironmentFault(
            f"the disk is full (writing {where})",
            hint="free some space (the store needs room for the new data and its write-ahead "
            f"log), then run the command again; {_NOTHING_LOST}",
        )
    if code == _READ_ONLY_FS or "read-only file system" in lower:
        return EnvironmentFault(
            f"{where} is on a read-only file system",
            hint="copy the workspace to a writable folder and run smm there (smm --workspace)",
        )
    if code in _PERMISSION or "permission denied" in lower:
        return EnvironmentFault(
            f"permission denied: {where}",
            hint="check who owns it and its permissions (ls -l), or run smm as a user who may "
            f"write there; {_NOTHING_LOST}",
        )
    if (
        isinstance(exc, MemoryError)
        or type(exc).__name__ == "OutOfMemoryException"
        or (is_duckdb and "out of memory" in lower)
    ):
        return EnvironmentFault(
            "out of memory" + (f" ({text.strip()[:160]})" if text.strip() else ""),
            hint="close other programs, or set a lower SMM_STORE_MEMORY_LIMIT (e.g. 256MB) so "
            "the store spills more to disk, or sync fewer channels at a time (--channel); "
            "nothing was lost",
        )
    if is_duckdb and "lock" in lower and ("conflicting" in lower or "could not set" in lower):
        return EnvironmentFault(
            f"the history store {where} is in use by another smm process",
            hint="wait for it to finish (or stop it), then run the command again",
        )
    if is_duckdb and "version number" in lower and ("can only read" in lower or "newer" in lower):
        return EnvironmentFault(
            f"the history store {where} was written by a newer version of smm (DuckDB)",
            hint="upgrade smm ('pip install -U smmcore' or 'uv tool upgrade smmcore') and run "
            "the command again; the file was not changed",
        )
    damaged = (
        "not a valid duckdb database",
        "corrupt",
        "checksum",
        "invalid database",
        "failed to read database header",
        "could not read enough bytes",
    )
    if is_duckdb and any(d in lower for d in damaged):
        return EnvironmentFault(
            f"the history store {where} is damaged",
            hint=f"move it away (mv {where} {where}.damaged) and run 'smm sync --full' to "
            "rebuild it from the networks and exports; keep the damaged copy if you need "
            "to recover its history",
        )
    if isinstance(exc, OSError) and code is not None and getattr(exc, "filename", None):
        return EnvironmentFault(
            f"{where}: {exc.strerror or text}",
            hint="check the file and the disk, then run the command again",
        )
    return None


# --------------------------------------------------------------------------- API arguments
# (issue 16: the keywords, audience and plugins namespaces raise these; the CLI turns
# InvalidArgument into click's usage errors, exit code 2)


class InvalidArgument(SmmError, ValueError):
    """An argument of an API call is not valid (the CLI reports it as wrong usage, exit 2).

    :param param: the argument (and CLI option) at fault, e.g. ``"--geo"``; ``None`` when
        the call as a whole is wrong.
    """

    exit_code = 2

    def __init__(self, message: str, *, param: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.param = param


class KeywordToolError(SmmError):
    """A keyword tool refused or failed a whole request (rate limit, blocked, bad answer).

    :param kind: the tool's classification (``"rate_limited"``, ``"blocked"``, ...).
    """

    def __init__(self, message: str, *, kind: str = "error", hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.kind = kind
