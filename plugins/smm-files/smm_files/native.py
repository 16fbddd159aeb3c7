"""Native export files: recognise them by their headers and hand them over as canonical text.

The seam with the reader is small on purpose. :func:`locate` finds, next to the canonical
files, every CSV or workbook sheet that a registered :class:`~smmcore.exports.ExportFormat`
recognises, and returns it as a :class:`NativeFile` (it behaves like the file's path for the
reader's bookkeeping). :func:`read_raw` turns one into a stream of the canonical text columns
(``network``, ``account``, ``post_id``, ``created_at`` as ISO 8601 with an offset, counts as
plain whole numbers, ...) plus ``_row``, which the reader's vectorised validation then checks
like any canonical file: a cell that could not be read is passed on as it was written, so it
becomes a bad row with its row number and the reason.

Spreadsheets are read with python-calamine (imported only when a workbook is read).
"""

from __future__ import annotations

import csv
import fnmatch
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smmcore.contracts import SourceError
from smmcore.daily import DAILY_METRICS
from smmcore.exports import ExportFormat, HeaderMatch, best_match, load_format

if TYPE_CHECKING:
    import pyarrow as pa

    from smm_files.settings import FilesSettings

SPREADSHEETS = (".xlsx", ".xls", ".xlsm")
TEXT_FILES = (".csv", ".tsv", ".txt")
SCAN_DEPTH = 3
"""Folder levels searched for native files (a YouTube ZIP unpacks into a sub-folder)."""

_formats_cache: list[tuple[str, ExportFormat]] | None = None


def registered_formats() -> list[tuple[str, ExportFormat]]:
    """Every export format the installed plugins register, as ``(name, format)``."""
    global _formats_cache
    if _formats_cache is None:
        from smmcore.plugins import PluginHost

        host = PluginHost()
        _formats_cache = [(name, load_format(spec)) for name, spec in host.export_formats().items()]
    return _formats_cache


def set_formats(formats: list[tuple[str, ExportFormat]] | None) -> None:
    """Use these formats instead of the registered ones (``None``: the registered ones)."""
    global _formats_cache
    _formats_cache = formats


# --------------------------------------------------------------------------- the file


def shown(name: str) -> str:
    """A file name (outside text) fit for one line of output: escape sequences and every
    character that is not printable (line breaks, bidi overrides, ...) removed."""
    from smmcore.safeout import clean_terminal

    return "".join(c for c in clean_terminal(name) if c.isprintable())


@dataclass(frozen=True)
class Unread:
    """A CSV/spreadsheet file of an export folder that nothing reads: no export format
    recognises its headers, or (``error``) it cannot be opened."""

    name: str
    error: str | None = None

    def __str__(self) -> str:
        return self.name if self.error is None else f"{self.name} (cannot be read: {self.error})"

    def note(self, folder: Path) -> str:
        """One line naming the file, why it was not read and how to fix it."""
        check = f"see 'smm files check {shown(str(folder))}' and 'smm files formats'"
        if self.error is not None:
            return (
                f"{shown(self.name)} was not read: it cannot be read ({shown(self.error)}); "
                f"{check}, or save it again as CSV or .xlsx"
            )
        return (
            f"{shown(self.name)} was not read: no export format recognises its headers; "
            f"{check}, or for your own columns set [plugins.files.posts] file and mapping "
            "(or another kind's) in smm.toml"
        )


@dataclass(eq=False)
class NativeFile:
    """One recognised native file (or workbook sheet) of an export folder.

    It answers ``name``, ``suffix``, ``stat()`` and ``open()`` like the file's path, so the
    reader's fingerprint and bad-row reports treat it as a file.
    """

    path: Path
    rel: str
    sheet: str | None
    format_name: str
    match: HeaderMatch
    header_index: int
    encoding: str | None = None
    delimiter: str | None = None
    account: str | None = None
    """The account of every row when a channel claims the file or the file names none."""
    account_names: dict[str, str] = field(default_factory=dict)
    """Name in the file (casefolded) -> the channel's account (``export_name``)."""
    problem: SourceError | None = None
    """Why the file cannot be imported (no channel says whose rows it holds)."""
    network: str | None = None
    """The network of its rows when the file (a title line) or its channel says it; else
    the format's."""
    metric: str | None = None
    """The daily metric a one-metric-per-file export holds (from its title line)."""
    title: str | None = None
    """The title line above the header, for formats that read their metric from it."""
    part: str | None = None
    """``"daily"`` for the daily numbers of a posts file that also carries them."""
    skip_reason: str | None = None
    """Why a recognised file is not stored (an unknown metric title)."""

    @property
    def format(self) -> ExportFormat:
        return self.match.format

    @property
    def kind(self) -> str | None:
        """The canonical file it is read as (``posts``, ``accounts``, ``daily``) or ``None``."""
        if self.part is not None:
            return self.part
        if self.skip_reason is not None:
            return None
        return self.format.fills

    @property
    def row_network(self) -> str:
        """The network its rows are stored under."""
        return self.network or self.format.network

    @property
    def name(self) -> str:
        """The file (and sheet) as messages name it, without control characters."""
        base = f"{self.rel} [{self.sheet}]" if self.sheet else self.rel
        base = shown(base)
        return f"{base} (daily numbers)" if self.part == "daily" else base

    def daily_part(self) -> NativeFile:
        """The same file read for its :attr:`ExportFormat.daily_columns`."""
        from dataclasses import replace

        return replace(self, part="daily")

    def stored_metrics(self) -> list[str]:
        """The daily metrics this file stores (those whose columns it has)."""
        if self.metric:
            return [self.metric]
        pairs = self.match.daily_columns if self.format.fills == "posts" else self.match.columns
        return list(dict.fromkeys(c.to for c, _ in pairs if c.to in DAILY_METRICS))

    @property
    def suffix(self) -> str:
        return ".native"

    def stat(self) -> Any:
        return self.path.stat()

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return self.path.open(*args, **kwargs)

    def __str__(self) -> str:
        return self.name

    def describe(self) -> list[str]:
        """Lines for ``smm files check``: the format, columns used, ignored and missing."""
        m = self.match
        lang = f", {m.language}" if m.language else ""
        fills = f"read as {self.kind}" if self.kind else "recognised, nothing stored"
        if self.kind == "daily":
            fills = "read as daily metrics"
        lines = [f"{self.name}: {self.format_name} ({self.row_network}{lang}), {fills}"]
        lines.append("  columns used: " + (", ".join(m.used) or "none"))
        daily = self.stored_metrics() if not self.skip_reason else []
        if daily:
            per = "per day and post" if self.format.fills == "posts" else "per day"
            lines.append(f"  stores daily metrics ({per}): " + ", ".join(daily))
        if m.ignored:
            lines.append("  columns ignored: " + ", ".join(m.ignored))
        if m.missing:
            lines.append("  expected, not found (unknown): " + ", ".join(m.missing))
        if self.account:
            lines.append(f"  account: {self.account} (from the channel configured for it)")
        if self.problem is not None:
            lines.append(f"  cannot be imported: {self.problem.args[0]}. {self.problem.hint}")
        if self.skip_reason is not None:
            lines.append(f"  why: {self.skip_reason}")
        elif not self.kind and self.format.notes:
            lines.append(f"  why: {self.format.notes[0]}")
        return lines


# --------------------------------------------------------------------------- raw rows


def _encoding(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the 1 MB boundary
            return "cp1252"
    return "utf-8-sig"


def _sniff(lines: list[str]) -> tuple[str, int]:
    """The delimiter, and 1 when the first line is an Excel ``sep=X`` hint."""
    if lines and lines[0].strip().lower().startswith("sep=") and len(lines[0].strip()) == 5:
        return lines[0].strip()[4], 1
    counts = {d: sum(line.count(d) for line in lines[:5]) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return (best if counts[best] else ","), 0


def _csv_rows(path: Path, encoding: str, delimiter: str | None = None) -> Iterator[list[Any]]:
    with path.open("r", encoding=encoding, newline="") as fh:
        head = [fh.readline() for _ in range(6)]
        fh.seek(0)
        sniffed, sep_line = _sniff(head)
        if sep_line:
            fh.readline()
            yield [head[0].strip()]
        yield from csv.reader(fh, delimiter=delimiter or sniffed)


_last_workbook: dict[str, Any] = {}
"""The rows of the sheets of the last workbook read, keyed by path, size and mtime: finding
the header parses the whole sheet, so reading it afterwards reuses that parse."""


def _sheet_rows(path: Path, sheet: str, nrows: int | None = None) -> list[list[Any]]:
    import python_calamine

    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    if _last_workbook.get("key") != key:
        _last_workbook.clear()
        _last_workbook["key"] = key
    if sheet not in _last_workbook:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        try:
            _last_workbook[sheet] = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        finally:
            wb.close()
    rows = _last_workbook[sheet]
    return rows if nrows is None else rows[:nrows]


def _sheet_names(path: Path) -> list[str]:
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        return list(wb.sheet_names)
    finally:
        wb.close()


def _find_header(
    rows: Sequence[list[Any]], formats: list[tuple[str, ExportFormat]], sheet: str | None
) -> tuple[int, str, HeaderMatch] | None:
    best: tuple[int, str, HeaderMatch] | None = None
    for index, row in enumerate(rows):
        usable = [(n, f) for n, f in formats if index < f.header_within]
        if not usable:
            break
        found = best_match(usable, row, sheet)
        if found is not None and (best is None or found[1].score > best[2].score):
            best = (index, *found)
    return best


# --------------------------------------------------------------------------- locating


def _claims(pattern: Any, rel: str) -> bool:
    patterns = [pattern] if isinstance(pattern, str) else list(pattern or [])
    return any(fnmatch.fnmatchcase(rel, p.strip().lstrip("./")) for p in patterns)


def _names(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value or []]


def _bind(nf: NativeFile, channels: list[dict[str, Any]]) -> None:
    """Set whose rows the file holds, from the channels configured for the folder."""
    fmt = nf.format
    if nf.network is not None or not fmt.title_metrics:
        networks = [nf.row_network]
    else:  # the title names no network: any network the format's titles name may own it
        named = {t.rpartition(":")[0] for t in fmt.title_metrics.values()}
        networks = sorted(n for n in named if n) or [fmt.network]
    network = " or ".join(networks)
    mine = [c for c in channels if str(c.get("network", "")).lower() in networks]
    for c in mine:
        for name in _names(c.get("export_name")):
            nf.account_names[name.strip().casefold()] = c["account"]
    claimed = [c for c in mine if _claims(c.get("export_files"), nf.rel)]
    if len(claimed) > 1:
        nf.problem = SourceError(
            f"{nf.name} is claimed by several {network} channels "
            f"({', '.join(c['account'] for c in claimed)})",
            kind="invalid_data",
            hint="make the channels' options.export_files patterns match different files",
        )
        return
    if claimed:
        nf.account = claimed[0]["account"]
        nf.network = str(claimed[0]["network"]).lower()
        return
    has_account = any(col.to == "account" for col, _ in nf.match.columns)
    if has_account or not nf.format.fills:
        return
    if len(mine) == 1:
        nf.account = mine[0]["account"]
        nf.network = str(mine[0]["network"]).lower()
        return
    which = (
        f"the {network} channels {', '.join(c['account'] for c in mine)} all could be its owner"
        if mine
        else f'no {network} channel with source = "files" is configured'
    )
    nf.problem = SourceError(
        f"{nf.name} ({nf.format_name}) does not say which account its rows belong to, and {which}",
        kind="invalid_data",
        hint=f'add a {network} channel with source = "files" to smm.toml; with several, '
        f'give the right one options = {{ export_files = ["{shown(nf.rel)}"] }}',
    )


def _title(nf: NativeFile, above: Sequence[list[Any]]) -> None:
    """Read the metric (and network) of a one-metric-per-file export from its title line."""
    fmt = nf.format
    if not fmt.title_metrics:
        return
    titles = [
        str(row[0]).strip()
        for row in above
        if row
        and row[0] is not None
        and str(row[0]).strip()
        and not str(row[0]).strip().lower().startswith("sep=")
        and not any(str(c).strip() for c in row[1:] if c is not None)
    ]
    nf.title = titles[-1] if titles else None
    found = fmt.title_metric(nf.title) if nf.title else None
    if found is None:
        known = ", ".join(fmt.title_metrics)
        nf.skip_reason = (
            f"its metric {nf.title!r} is not one this format stores (known: {known})"
            if nf.title
            else f"it has no title line naming its metric (known: {known})"
        )
        return
    nf.network, nf.metric = found


def scan(
    folder: Path, settings: FilesSettings, taken: set[Path] | None = None
) -> tuple[list[NativeFile], list[Unread]]:
    """Every recognised native file in ``folder`` and the unrecognised CSV/spreadsheet
    files. ``taken``: files already read as canonical files."""
    taken = {p.resolve() for p in taken or ()}
    formats = registered_formats()
    found: list[NativeFile] = []
    unknown: list[Unread] = []
    if not formats:
        return found, unknown
    depth_max = max(f.header_within for _, f in formats)
    candidates = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SPREADSHEETS + TEXT_FILES
        and len(p.relative_to(folder).parts) <= SCAN_DEPTH
        and not any(part.startswith((".", "__MACOSX")) for part in p.relative_to(folder).parts)
        and p.resolve() not in taken
    )
    channels = settings.native_channels()
    for path in candidates:
        rel = path.relative_to(folder).as_posix()
        recognised = False
        try:
            if path.suffix.lower() in SPREADSHEETS:
                sheet_formats = [(n, f) for n, f in formats if set(f.file_types) & {"xls", "xlsx"}]
                for sheet in _sheet_names(path):
                    rows = _sheet_rows(path, sheet, depth_max)
                    hit = _find_header(rows, sheet_formats, sheet)
                    if hit is not None:
                        nf = NativeFile(path, rel, sheet, hit[1], hit[2], hit[0])
                        _bind(nf, channels)
                        found.append(nf)
                        recognised = True
            else:
                encoding = _encoding(path)
                rows = []
                for row in _csv_rows(path, encoding):
                    rows.append(row)
                    if len(rows) >= depth_max:
                        break
                csv_formats = [(n, f) for n, f in formats if "csv" in f.file_types]
                hit = _find_header(rows, csv_formats, None)
                if hit is not None:
                    nf = NativeFile(path, rel, None, hit[1], hit[2], hit[0], encoding=encoding)
                    _title(nf, rows[: hit[0]])
                    _bind(nf, channels)
                    found.append(nf)
                    recognised = True
        except SourceError:
            raise
        except Exception as exc:  # an unreadable file is named, the others go on
            unknown.append(Unread(rel, f"{type(exc).__name__}: {exc}"))
            continue
        if not recognised:
            unknown.append(Unread(rel))
    return found, unknown


def locate(
    folder: Path,
    settings: FilesSettings,
    taken: set[Path] | None = None,
    unread: list[Unread] | None = None,
) -> list[tuple[str, NativeFile]]:
    """The recognised native files whose rows the store keeps, as ``(kind, file)``; the
    files nothing reads are added to ``unread``."""
    found, unknown = scan(folder, settings, taken)
    if unread is not None:
        unread.extend(unknown)
    out: list[tuple[str, NativeFile]] = []
    for nf in found:
        if nf.kind and nf.problem is not None:
            raise nf.problem
        if nf.kind:
            out.append((nf.kind, nf))
        if nf.kind == "posts" and nf.match.daily_columns:
            out.append(("daily", nf.daily_part()))
    return out


# --------------------------------------------------------------------------- reading


def _count(value: Any, style: Any) -> str | None:
    number = style.parse(value)
    if number is None or isinstance(number, str):
        return number
    if number >= 0 and float(number).is_integer():
        return str(int(number))
    return str(value).strip()


_SCI_RE = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def read_table(nf: NativeFile, settings: FilesSettings) -> pa.Table:
    """The file's rows as canonical text columns plus ``_row`` (spreadsheet row numbers).

    Column by column: each distinct cell value of a column is converted once (exports repeat
    dates, types and small numbers), then the column is mapped through those results."""
    import pyarrow as pa

    fmt = nf.format
    if nf.sheet is not None:
        rows: Any = _sheet_rows(nf.path, nf.sheet)
    else:
        rows = _csv_rows(nf.path, nf.encoding or "utf-8-sig")
    style = fmt.number_style(nf.match.language)
    zone = settings.timezone
    captured = datetime.fromtimestamp(int(nf.path.stat().st_mtime), UTC)
    kinds = {k.casefold(): v for k, v in fmt.kinds.items()}
    data_rows: list[list[Any]] = []
    numbers: list[int] = []
    for number, row in enumerate(rows, start=1):
        if number > nf.header_index + 1 and any(
            cell is not None and (not isinstance(cell, str) or cell.strip()) for cell in row
        ):
            data_rows.append(row)
            numbers.append(number)
    n = len(data_rows)
    out: dict[str, list[str | None]] = {}
    pairs = list(nf.match.columns)
    if nf.part == "daily":  # the daily numbers of a posts file: its post id and daily columns
        pairs = [(c, i) for c, i in pairs if c.to == "post_id"] + list(nf.match.daily_columns)
    for col, index in pairs:
        cells = [r[index] if index < len(r) else None for r in data_rows]
        if col.pattern:
            rx = re.compile(col.pattern)
            found = {v: rx.search(str(v)) for v in set(cells) if v is not None}
            cells = [m.group(1) if (m := found.get(v)) else None for v in cells]
        if col.parse == "id":
            _check_ids(nf, col.to, cells, numbers)
        converted = {
            v: _convert(col.parse, v, fmt, style, zone, captured, kinds) for v in set(cells)
        }
        values = [converted[v] for v in cells]
        previous = out.get(col.to)
        out[col.to] = (
            values
            if previous is None
            else [a if a is not None else b for a, b in zip(previous, values, strict=True)]
        )
    if nf.match.lifetime_index is not None:
        _check_lifetime(nf, data_rows, numbers, zone)
    keep: list[bool] | None = None
    for target, skipped in fmt.skip_values.items():
        wanted = {v.casefold() for v in skipped}
        column = out.get(target) or [None] * n
        mask = [(v or "").casefold() not in wanted for v in column]
        keep = mask if keep is None else [a and b for a, b in zip(keep, mask, strict=True)]
    out["network"] = [nf.row_network] * n
    if nf.kind == "daily":
        return _daily_table(nf, out, numbers, keep)
    for target, constant in fmt.constants.items():
        out[target] = [constant if v is None else v for v in out.get(target) or [None] * n]
    if nf.account is not None:
        out["account"] = [nf.account] * n
    elif "account" in out and nf.account_names:
        names = nf.account_names
        out["account"] = [
            names.get(v.strip().casefold(), v) if v is not None else None for v in out["account"]
        ]
    else:
        out.setdefault("account", [None] * n)
    if fmt.fills == "posts" and fmt.captured_at == "file" and "captured_at" not in out:
        out["captured_at"] = [captured.isoformat()] * n
    if keep is not None and not all(keep):
        out = {k: [v for v, ok in zip(col, keep, strict=True) if ok] for k, col in out.items()}
        numbers = [v for v, ok in zip(numbers, keep, strict=True) if ok]
    data = {k: pa.array(v, type=pa.string()) for k, v in out.items() if not k.startswith("_")}
    data["_row"] = pa.array(numbers, type=pa.int64())
    return pa.table(data)


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}T")


def _daily_table(
    nf: NativeFile, out: dict[str, list[str | None]], numbers: list[int], keep: list[bool] | None
) -> pa.Table:
    """The wide daily rows (a day, one column per metric) as canonical ``daily`` rows:
    one (network, account, day, metric, post_id, value) row per day and metric."""
    import pyarrow as pa

    n = len(numbers)
    if nf.metric:  # one metric per file, named by its title line
        metrics = [(nf.metric, out.get("value") or [None] * n)]
    else:
        metrics = [(name, out[name]) for name in nf.stored_metrics() if name in out]
    days = [v[:10] if v is not None and _ISO_DAY.match(v) else v for v in out.get("day", [])]
    account = nf.account
    accounts = out.get("account") or [account] * n
    posts = out.get("post_id") or [None] * n
    rows = [i for i in range(n) if keep is None or keep[i]]
    cols: dict[str, list[Any]] = {
        k: [] for k in ("network", "account", "day", "metric", "post_id", "value", "_row")
    }
    for i in rows:
        for name, values in metrics:
            cols["network"].append(out["network"][i])
            cols["account"].append(account if account is not None else accounts[i])
            cols["day"].append(days[i] if i < len(days) else None)
            cols["metric"].append(name)
            cols["post_id"].append(posts[i])
            cols["value"].append(values[i])
            cols["_row"].append(numbers[i])
    data = {k: pa.array(v, type=pa.string()) for k, v in cols.items() if k != "_row"}
    data["_row"] = pa.array(cols["_row"], type=pa.int64())
    return pa.table(data)


def _check_ids(nf: NativeFile, to: str, cells: list[Any], numbers: list[int]) -> None:
    """Refuse ids a spreadsheet rounded (``1.22158E+17``): they no longer name the post."""
    for cell, number in zip(cells, numbers, strict=True):
        if isinstance(cell, str) and _SCI_RE.match(cell.strip()):
            raise SourceError(
                f"{nf.name} row {number}: {to} {cell.strip()!r} lost its digits (a "
                "spreadsheet re-saved the file and wrote the id as a rounded number)",
                kind="invalid_data",
                hint="download the export again and put it in the folder unchanged",
            )


def _convert(
    parse: str,
    cell: Any,
    fmt: ExportFormat,
    style: Any,
    zone: str | None,
    captured: datetime,
    kinds: dict[str, str],
) -> str | None:
    if parse == "count":
        return _count(cell, style)
    if parse == "number":
        number = style.parse(cell)
        return number if number is None or isinstance(number, str) else repr(float(number))
    if parse in ("timestamp", "date"):
        value = fmt.dates.parse(cell, date_only=parse == "date", zone=zone, captured=captured)
        return value.isoformat() if isinstance(value, datetime) else value
    if parse == "kind":
        text = _text(cell)
        return kinds.get(text.casefold(), "post") if text else None
    return _text(cell)


def _check_lifetime(
    nf: NativeFile, rows: list[list[Any]], numbers: list[int], zone: str | None
) -> None:
    """Refuse a per-day breakdown: a date where a per-post export says ``Lifetime``."""
    index = nf.match.lifetime_index
    assert index is not None
    dated = {}
    for row, number in zip(rows, numbers, strict=True):
        cell = row[index] if index < len(row) else None
        text = _text(cell)
        if text is None:
            continue
        if text not in dated:
            dated[text] = isinstance(nf.format.dates.parse(cell, zone=zone), datetime)
        if dated[text]:
            raise SourceError(
                f"{nf.name} is a per-day breakdown (row {number} says {text!r} where a "
                "per-post export says 'Lifetime'): each post would be counted once per day",
                kind="invalid_data",
                hint="export the content again with per-post totals (Lifetime), not by day",
            )


def read_raw(nf: NativeFile, settings: FilesSettings) -> pa.Table:
    """:func:`read_table`, with a read failure turned into one clear message."""
    try:
        return read_table(nf, settings)
    except SourceError:
        raise
    except (UnicodeDecodeError, csv.Error, OSError, ValueError) as exc:
        raise SourceError(
            f"{nf.name} cannot be read: {type(exc).__name__}: {str(exc).splitlines()[0]}",
            kind="invalid_data",
            hint="download the export again; if it keeps failing, report the file's headers",
        ) from exc


def settings_key(settings: FilesSettings) -> list[Any]:
    """What of the settings the native reading depends on beyond the model's fields (the
    channels bound to the folder), for the sync cursor."""
    return settings.native_channels()


__all__ = [
    "NativeFile",
    "locate",
    "read_raw",
    "read_table",
    "registered_formats",
    "scan",
    "set_formats",
]
