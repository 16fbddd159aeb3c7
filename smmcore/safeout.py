"""Outputs that cannot be turned against the reader.

* :func:`open_output`: the one writer for every file the tool writes (``-o``, ``--export``,
  ``--out``). A regular file (or a new path) is written to a temporary file beside it and
  renamed over it, so a reader never sees half a file; an existing device, FIFO or socket
  (``/dev/null``, ``/dev/stdout``, a named pipe) is written into directly, because renaming
  over it would replace it (as root, ``/dev/null`` would become a regular file); ``-`` is
  standard output.
* :func:`csv_cell` / :func:`safe_csv_writer`: text cells that a spreadsheet would run as a
  formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) get a leading
  ``'``, OWASP's rule; numbers (and text that is exactly a number) stay numbers.
* :func:`clean_terminal`: escape sequences (ANSI CSI, OSC hyperlinks and titles, DCS, ...) and
  control characters removed from text bound for a terminal; :class:`TerminalStream` and
  :func:`safe_console` apply it to everything ``smm`` prints to one.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?            # CSI: colours, cursor moves, screen clears
    | \x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?   # OSC: titles, hyperlinks, clipboard
    | \x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?        # DCS, SOS, PM, APC strings
    | \x1b[ -/]*[0-~]?                  # other ESC sequences (charset, keypad, reset)
    | \x9b[0-?]*[ -/]*[@-~]?            # 8-bit CSI
    | [\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x9c)?   # 8-bit DCS/SOS/OSC/PM/APC
    """,
    re.VERBOSE,
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_terminal(text: str) -> str:
    """``text`` without escape sequences or control characters (newline and tab stay)."""
    if not text or (text.isprintable() and "\x1b" not in text):
        return text
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


class TerminalStream(io.TextIOBase):
    """A text stream that strips :func:`clean_terminal` from everything written to it.

    ``rich_proxied_file`` hands rich the stream underneath, so a :func:`safe_console` keeps
    its own colours while the texts it prints are cleaned segment by segment.
    """

    def __init__(self, raw: IO[str]) -> None:
        self.raw = raw
        self.rich_proxied_file = raw

    def write(self, text: str) -> int:  # type: ignore[override]
        self.raw.write(clean_terminal(text))
        return len(text)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw, "encoding", "utf-8")

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.raw, "errors", None)

    @property
    def buffer(self) -> Any:
        return self.raw.buffer  # type: ignore[attr-defined]


def protect_terminal() -> None:
    """Route standard output and error through :class:`TerminalStream` when they are
    terminals (files and pipes receive the data as it is)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None or isinstance(stream, TerminalStream):
            continue
        try:
            tty = stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        if tty:
            setattr(sys, name, TerminalStream(stream))


def safe_console(**options: Any) -> Any:
    """A :class:`rich.console.Console` whose printed texts pass through
    :func:`clean_terminal` (its own styles still reach the terminal)."""
    from rich.console import Console
    from rich.segment import Segment

    class SafeConsole(Console):
        def render(self, renderable: Any, options: Any = None) -> Iterable[Segment]:
            for segment in super().render(renderable, options):
                if segment.control or not segment.text:
                    yield segment
                else:
                    text = clean_terminal(segment.text)
                    yield segment if text == segment.text else Segment(text, segment.style)

    return SafeConsole(**options)


# --------------------------------------------------------------------------- CSV

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value: Any) -> Any:
    """``value`` made inert for a spreadsheet: text starting with ``=``, ``+``, ``-``, ``@``,
    tab or carriage return gets a leading ``'`` unless it is exactly a number; numbers,
    booleans and ``None`` pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        if _NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value


class _SafeWriter:
    """Cells through :func:`csv_cell`; a row with a carriage return in a cell is written with
    every cell quoted (the csv module quotes only the characters of its ``\n`` line end, and
    a bare CR splits the row in spreadsheets and in Python's own reader)."""

    def __init__(self, writer: Any, quoted: Any) -> None:
        self._writer = writer
        self._quoted = quoted

    def _pick(self, cells: Iterable[Any]) -> Any:
        return (
            self._quoted if any(isinstance(c, str) and "\r" in c for c in cells) else self._writer
        )

    def writerow(self, row: Any) -> Any:
        if isinstance(row, dict):
            safe = {k: csv_cell(v) for k, v in row.items()}
            return self._pick(safe.values()).writerow(safe)
        cells = [csv_cell(v) for v in row]
        return self._pick(cells).writerow(cells)

    def writerows(self, rows: Iterable[Any]) -> None:
        for row in rows:
            self.writerow(row)

    def writeheader(self) -> Any:
        return self._writer.writeheader()


def safe_csv_writer(out: IO[str], fieldnames: list[str] | None = None, **options: Any) -> Any:
    """A :func:`csv.writer` (or :class:`csv.DictWriter` with ``fieldnames``) whose cells pass
    through :func:`csv_cell`."""
    options.setdefault("lineterminator", "\n")
    import csv  # imported here: every smm command imports this module at start-up

    quoted = {**options, "quoting": csv.QUOTE_ALL}
    if fieldnames is not None:
        return _SafeWriter(
            csv.DictWriter(out, fieldnames=fieldnames, **options),
            csv.DictWriter(out, fieldnames=fieldnames, **quoted),
        )
    return _SafeWriter(csv.writer(out, **options), csv.writer(out, **quoted))


# --------------------------------------------------------------------------- files


def _is_special(path: Path) -> bool:
    """``True`` when ``path`` exists and is not a regular file or folder (device, FIFO,
    socket): it must be written into, never replaced."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def open_output(
    target: str | os.PathLike[str], *, binary: bool = False, encoding: str = "utf-8"
) -> Iterator[IO[Any]]:
    """Open ``target`` for writing the way every ``smm`` output should be written.

    ``-`` is standard output; an existing device, FIFO or socket is opened and written into;
    anything else is written to a temporary file in the same folder and renamed over
    ``target`` when the block ends without an error (a symbolic link to a regular file
    keeps pointing at the same, updated file). On an error the temporary file is removed and
    ``target`` keeps its previous content. Missing parent folders are created.
    """
    if str(target) == "-":
        stream: Any = sys.stdout.buffer if binary else sys.stdout
        try:
            yield stream
        finally:
            stream.flush()
        return
    path = Path(target)
    if _is_special(path):
        mode = "wb" if binary else "w"
        with open(path, mode, **({} if binary else {"encoding": encoding, "newline": ""})) as out:
            yield out
        return
    final = Path(os.path.realpath(path)) if path.is_symlink() else path
    final.parent.mkdir(parents=True, exist_ok=True)
    try:
        keep_mode = stat.S_IMODE(final.stat().st_mode)
    except OSError:
        keep_mode = 0o666 & ~_umask()
    import tempfile

    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    tmp = Path(tmp_name)
    try:
        if binary:
            handle: Any = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding=encoding, newline="")
        with handle:
            yield handle
        os.chmod(tmp, keep_mode)
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)  # never leave half a file behind
        raise


def write_output(target: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` to ``target`` through :func:`open_output`."""
    with open_output(target, binary=isinstance(data, bytes)) as out:
        out.write(data)
