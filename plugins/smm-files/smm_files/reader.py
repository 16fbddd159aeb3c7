"""Read an export folder into validated Arrow tables, vectorised.

Each file is parsed as text (pyarrow's CSV reader, or DuckDB for JSON Lines), renamed to the
canonical columns through the mapping, then typed and checked in one DuckDB query over the
Arrow data: required fields present, timestamps with an offset, counts non-negative whole
numbers, kinds from the allowed set. Rows that fail are reported with their file, row number
and reasons; the others become the store's tables (``accounts``, ``account_snapshots``,
``posts``, ``post_metrics``, ``audience_members``, ``interactions``).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smm_files.schema import (
    EXTENSIONS,
    FILE_KINDS,
    INTERACTION_KINDS,
    METRICS,
    POST_KINDS,
    Column,
    FileKind,
)
from smm_files.settings import FilesSettings
from smmcore.contracts import SourceError
from smmcore.store.ingest import int64_array, seq_array

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from smm_files.native import Unread

MAX_REPORTED = 20
"""How many bad rows a report lists before it only counts them."""

_OFFSET_RE = r"[0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?\s*([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)\s*$"
_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0")

STORE_TABLES: tuple[str, ...] = (
    "accounts",
    "account_snapshots",
    "posts",
    "post_metrics",
    "audience_members",
    "interactions",
    "daily_metrics",
)
"""The store tables an export fills, in the order they are yielded."""


@dataclass(frozen=True)
class BadRow:
    """One rejected row: the file, its row (CSV, header = row 1) or line (JSON Lines), why."""

    file: str
    row: int | None
    reason: str
    unit: str = "row"

    def __str__(self) -> str:
        from smm_files.native import shown  # a file name is outside text

        where = f"{self.unit} {self.row}" if self.row is not None else f"a {self.unit}"
        return f"{shown(self.file)} {where}: {self.reason}"


@dataclass
class ExportData:
    """The validated content of an export folder.

    :param tables: store table -> Arrow table of good rows (columns of the store table).
    :param bad_rows: the first :data:`MAX_REPORTED` bad rows, in file and row order.
    :param bad_count: how many rows were bad in all.
    :param rows_read: file name -> data rows read.
    :param notes: lines worth telling the user (mapped headers not found, ignored columns).
    """

    folder: Path
    tables: dict[str, pa.Table] = field(default_factory=dict)
    bad_rows: list[BadRow] = field(default_factory=list)
    bad_count: int = 0
    rows_read: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Rows per store table."""
        return {name: t.num_rows for name, t in self.tables.items()}

    def bad_report(self, *, header: str | None = None) -> str:
        """The bad rows as text: a header line, up to 20 rows, then how many more."""
        lines = [header or f"{self.bad_count} bad row(s) in {self.folder}:"]
        lines += [f"  {b}" for b in self.bad_rows]
        more = self.bad_count - len(self.bad_rows)
        if more > 0:
            lines.append(f"  ... and {more} more")
        return "\n".join(lines)


# --------------------------------------------------------------------------- locating files


def locate_files(
    folder: Path, settings: FilesSettings, unread: list[Unread] | None = None
) -> list[tuple[str, Path]]:
    """The export's files as ``(kind, path)``, in import order.

    ``kind`` is a key of :data:`~smm_files.schema.FILE_KINDS`. A kind's file is
    ``<kind>.csv``, ``<kind>.jsonl`` or ``<kind>.ndjson`` (several may exist), or the name or glob
    in ``[plugins.files.<kind>] file``. The CSV/spreadsheet files nothing reads (no export
    format recognises them) are added to ``unread``.
    """
    if not folder.is_dir():
        raise SourceError(
            f"the export folder {folder} does not exist",
            kind="not_found",
            hint="set [plugins.files] path in smm.toml, or write one with 'smm files demo-data'",
        )
    found: list[tuple[str, Path]] = []
    for kind in FILE_KINDS:
        pattern = settings.for_file(kind).file
        if pattern:
            paths = sorted(p for p in folder.glob(pattern) if p.is_file())
            if not paths:
                raise SourceError(
                    f"no file matches {pattern!r} ([plugins.files.{kind}] file) in {folder}",
                    kind="not_found",
                    hint="check the file name; it is relative to the export folder",
                )
        else:
            paths = [folder / f"{kind}{ext}" for ext in EXTENSIONS]
            paths = [p for p in paths if p.is_file()]
        found.extend((kind, p) for p in paths)
    from smm_files.native import locate, shown  # native exports (Meta, LinkedIn, ...)

    unknown: list[Unread] = []
    found.extend(locate(folder, settings, {p for _, p in found}, unknown))
    if unread is not None:
        unread.extend(unknown)
    if not found:
        names = ", ".join(shown(u.name) for u in unknown[:10])
        if len(unknown) > 10:
            names += f" and {len(unknown) - 10} more"
        raise SourceError(
            f"no export files in {folder}" + (f" (not recognised: {names})" if names else ""),
            kind="not_found",
            hint="expected accounts.csv, posts.csv, audience.csv, interactions.csv "
            "(or .jsonl); see the smm-files README for the format"
            + (
                f"; 'smm files check {shown(str(folder))}' says why a file is not read, "
                "'smm files formats' lists the native exports recognised"
                if unknown
                else ""
            ),
        )
    return found


def fingerprint(
    folder: Path, settings: FilesSettings, unread: list[Unread] | None = None
) -> dict[str, Any]:
    """What the sync cursor remembers: each file's size, mtime and SHA-256, and the settings.

    An export whose fingerprint equals the saved cursor is skipped by an incremental sync.
    The files nothing reads are added to ``unread`` (they are not part of the fingerprint).
    """
    files: dict[str, Any] = {}
    for _kind, path in locate_files(folder, settings, unread):
        stat = path.stat()
        with path.open("rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        files[path.name] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}
    dumped = settings.model_dump(mode="json")
    if settings.native_channels():  # channels that own native files: a change re-reads them
        dumped["native_channels"] = settings.native_channels()
    settings_json = json.dumps(dumped, sort_keys=True)
    return {
        "format": 1,
        "files": files,
        "settings": hashlib.sha256(settings_json.encode()).hexdigest()[:16],
    }


# --------------------------------------------------------------------------- raw text tables


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _norm(header: str) -> str:
    return header.strip().lower()


def _resolve_columns(
    kind: FileKind, headers: list[str], settings: FilesSettings, file_name: str
) -> tuple[dict[str, str], list[str]]:
    """Canonical column -> header present in the file, and notes for the user."""
    per_file = settings.for_file(kind.name)
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(_norm(h), h)
    chosen: dict[str, str] = {}
    notes: list[str] = []
    for col in kind.columns:
        wanted = per_file.mapping.get(col.name) or settings.mapping.get(col.name)
        if wanted is not None:
            header = by_norm.get(_norm(wanted))
            if header is None:
                header = by_norm.get(col.name)
                where = (
                    f"[plugins.files.{kind.name}] mapping"
                    if col.name in per_file.mapping
                    else "[plugins.files] mapping"
                )
                notes.append(
                    f"{file_name}: {where} reads {col.name} from {wanted!r}, which is not a "
                    f"header of the file, so "
                    + (
                        f"{col.name} is read from its own column {header!r}"
                        if header is not None
                        else f"{col.name} is not read (headers: {', '.join(headers)})"
                    )
                )
        else:
            header = by_norm.get(col.name)
        if header is not None:
            chosen[col.name] = header
    unread = [h for h in headers if h.strip() and h not in chosen.values()]
    if unread:
        absent = [c.name for c in kind.columns if c.name not in chosen]
        hint = ""
        if absent:
            hint = f"; columns of {kind.name} not in the file: {', '.join(absent)}"
            guess = _guess_mapping(unread, absent)
            if guess:
                hint += (
                    f" (to read them: [plugins.files.{kind.name}] mapping = "
                    f"{{{', '.join(f'{c} = {h!r}' for c, h in guess)}}})"
                )
        notes.append(
            f"{file_name}: column(s) {', '.join(repr(h) for h in unread)} not read: no "
            f"column of {kind.name} has that name{hint}"
        )
    missing = [
        c.name
        for c in kind.columns
        if c.required and c.name not in chosen and c.name not in per_file.values
    ]
    if missing:
        first = missing[0]
        raise SourceError(
            f"{file_name} has no column {', '.join(missing)} (required); "
            f"its headers are: {', '.join(headers) or '(none)'}",
            kind="invalid_data",
            hint=f"map your header in smm.toml ([plugins.files] mapping = "
            f'{{{first} = "Your header"}}) or give a constant '
            f'([plugins.files.{kind.name}] values = {{{first} = "..."}})',
        )
    return chosen, notes


def _guess_mapping(unread: list[str], absent: list[str]) -> list[tuple[str, str]]:
    """Likely ``(canonical, header)`` pairs: a header that is part of a missing column's
    name or close to it (``at`` -> ``occurred_at``)."""
    import difflib

    pairs = []
    for canonical in absent:
        for header in unread:
            h = _norm(header).replace(" ", "_")
            parts = canonical.split("_")
            if h in parts or difflib.SequenceMatcher(None, h, canonical).ratio() >= 0.75:
                pairs.append((canonical, header))
                break
    return pairs


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
    # max() keeps the first of equals: a line with none of them reads as comma separated
    return max(counts, key=lambda d: counts[d])


CSV_BLOCK_SIZE = 2 << 20
"""Bytes of CSV parsed per batch: the raw text of one batch is all that is held at a time."""

MAX_FIELD_BYTES = 64 << 20
"""The longest field the careful (row by row) CSV reading accepts: a longer one is almost
always an opening quote that is never closed."""

_EXACT_BATCH = 65_536
"""Rows per batch when a CSV file is read row by row."""


@dataclass
class _Raw:
    """One file as a stream of text batches with canonical column names and ``_row``.

    :param structural: rows that cannot be read as the header says (wrong number of fields,
        a field that never ends), with their exact numbers; filled while streaming.
    :param rows: data rows read so far, bad ones included.
    :param columns: the file's headers and what each feeds (canonical name or ``None``).
    """

    batches: pa.RecordBatchReader
    notes: list[str]
    structural: list[BadRow] = field(default_factory=list)
    rows: int = 0
    delimiter: str | None = None
    fields: int = 0
    error: Exception | None = None


def _csv_header(path: Path, settings: FilesSettings) -> tuple[str, list[str]]:
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        first_line = fh.readline()
    if not first_line.strip():
        raise SourceError(
            f"{path.name} is empty (no header row)",
            kind="invalid_data",
            hint="export the file again with its header row, or remove it from the folder",
        )
    delimiter = settings.delimiter or _sniff_delimiter(first_line)
    return delimiter, next(csv.reader([first_line], delimiter=delimiter))


def _trailing_fields(path: Path, delimiter: str, width: int) -> int:
    """How many empty fields the first data row has beyond the header (a spreadsheet that
    ends every row with a delimiter), 0 when it has none or cannot be read."""
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            next(reader, None)
            for record in reader:
                if not any(cell.strip() for cell in record):
                    continue
                extra = record[width:]
                return len(extra) if extra and not any(c.strip() for c in extra) else 0
    except (csv.Error, UnicodeDecodeError):
        pass
    return 0


def _field_count_reason(width: int, found: int) -> str:
    return f"expected {width} fields, found {found}"


def _read_csv_text(path: Path, kind: FileKind, settings: FilesSettings) -> _Raw:
    """A CSV file streamed as text columns renamed to canonical names, plus ``_row``
    (the spreadsheet row number: the header is row 1).

    pyarrow parses it in blocks; at the first row it cannot take as it is (a wrong number of
    fields, a field longer than a block, a quote never closed) the rest of the file is read
    row by row with the ``csv`` module instead, so every bad row gets its exact number and
    every good one is still read (a delimiter that is not ASCII is read row by row from the
    start: pyarrow splits on one byte). Empty fields after the last header on every row (a
    trailing delimiter) are read as nothing; a value there makes the row bad.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    delimiter, headers = _csv_header(path, settings)
    chosen, notes = _resolve_columns(kind, headers, settings, path.name)
    width = len(headers)
    extra = _trailing_fields(path, delimiter, width)
    extra_names = [f"\x00extra{i}" for i in range(extra)]
    raw = _Raw(batches=None, notes=notes, delimiter=delimiter, fields=width)  # type: ignore[arg-type]
    invalid: list[Any] = []
    failed: list[bool] = []

    def on_invalid(row: Any) -> str:
        invalid.append(row)
        return "skip"

    names = [*chosen, "_row"]
    schema = pa.schema([(n, pa.int64() if n == "_row" else pa.string()) for n in names])
    wanted = sorted(set(chosen.values()))
    index = {h: i for i, h in enumerate(headers)}

    def fast() -> Any:
        """pyarrow's batches until the first row it cannot take; returns rows read."""
        if not delimiter.isascii():  # pyarrow splits on one byte: the csv module reads it
            failed.append(True)
            return 0
        try:
            reader = open_reader()
        except pa.ArrowInvalid:
            failed.append(True)
            return 0
        start = 2
        try:
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    return start - 2
                except pa.ArrowInvalid:
                    failed.append(True)  # a field longer than a block, a quote never closed
                    return start - 2
                if invalid:
                    # this batch or one before it parsed around a bad row: its numbers are
                    # no longer exact, so the rest is read row by row
                    return start - 2
                n = batch.num_rows
                rows = seq_array(start, n)
                arrays = [batch.column(header) for header in chosen.values()]
                if extra:
                    rows, arrays = drop_filled_extras(batch, rows, arrays)
                start += n
                raw.rows += n
                yield pa.RecordBatch.from_arrays([*arrays, rows], schema=schema)
        finally:
            reader.close()

    def drop_filled_extras(batch: Any, rows: Any, arrays: list[Any]) -> tuple[Any, list[Any]]:
        """Rows with a value after the last header become bad rows."""
        import pyarrow.compute as pc

        filled = pc.is_valid(batch.column(extra_names[0]))
        for name in extra_names[1:]:
            filled = pc.or_(filled, pc.is_valid(batch.column(name)))
        if not pc.any(filled).as_py():
            return rows, arrays
        for number in pc.filter(rows, filled).to_pylist():
            raw.structural.append(
                BadRow(path.name, number, _field_count_reason(width, width + extra))
            )
        keep = pc.invert(filled)
        return pc.filter(rows, keep), [pc.filter(a, keep) for a in arrays]

    def open_reader() -> Any:
        return pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(
                block_size=CSV_BLOCK_SIZE,
                column_names=[*headers, *extra_names] if extra else None,
                skip_rows=1 if extra else 0,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in [*headers, *extra_names]},
                include_columns=[*wanted, *extra_names],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )

    def exact(skip: int) -> Any:
        """The rows after the first ``skip`` data rows, read one by one."""
        limit = csv.field_size_limit()
        csv.field_size_limit(max(limit, MAX_FIELD_BYTES))
        cols: dict[str, list[str | None]] = {h: [] for h in wanted}
        numbers: list[int] = []

        def flush() -> Any:
            data = [pa.array(cols[h], type=pa.string()) for h in chosen.values()]
            batch = pa.RecordBatch.from_arrays(
                [*data, pa.array(numbers, type=pa.int64())], schema=schema
            )
            for values in cols.values():
                values.clear()
            numbers.clear()
            return batch

        try:
            with path.open("r", encoding="utf-8-sig", newline="") as fh:
                reader = csv.reader(fh, delimiter=delimiter)
                next(reader, None)
                number = 1
                seen = 0
                while True:
                    try:
                        record = next(reader)
                    except StopIteration:
                        break
                    except csv.Error as exc:
                        raw.structural.append(
                            BadRow(
                                path.name,
                                number + 1,
                                f'cannot be read ({exc}); a quote (") that opens a field '
                                "is probably never closed, so the rest of the file is not read",
                            )
                        )
                        raw.rows += 1
                        break
                    if not record:
                        continue  # an empty line holds no row (pyarrow skips it too)
                    number += 1
                    seen += 1
                    if seen <= skip or not any(cell.strip() for cell in record):
                        continue  # read before, or a row of empty cells
                    raw.rows += 1
                    if len(record) != width and (
                        len(record) < width or any(c.strip() for c in record[width:])
                    ):
                        reason = _field_count_reason(width, len(record))
                        if any("\n" in c and c.count(delimiter) for c in record):
                            reason += (
                                '; a field runs over several lines: a quote (") is '
                                "probably not closed"
                            )
                        raw.structural.append(BadRow(path.name, number, reason))
                        continue
                    numbers.append(number)
                    for h in wanted:
                        value = record[index[h]]
                        cols[h].append(value if value != "" else None)
                    if len(numbers) >= _EXACT_BATCH:
                        yield flush()
        finally:
            csv.field_size_limit(limit)
        if numbers:
            yield flush()

    def stream() -> Any:
        try:
            done = yield from fast()
            if invalid or failed:
                yield from exact(done)
        except Exception as exc:  # DuckDB reads this stream: keep the cause for the message
            raw.error = exc
            raise

    raw.batches = pa.RecordBatchReader.from_batches(schema, stream())
    return raw


def _read_jsonl_text(
    con: duckdb.DuckDBPyConnection, path: Path, kind: FileKind, settings: FilesSettings
) -> _Raw:
    """A JSON Lines file as text columns renamed to canonical names, plus ``_row``."""
    import duckdb
    import numpy as np

    src = f"read_ndjson_objects({_sql_str(str(path))})"
    try:
        keys = [
            r[0]
            for r in con.sql(
                f"SELECT DISTINCT k FROM (SELECT unnest(json_keys(json)) AS k FROM {src}) "
                "ORDER BY k"
            ).fetchall()
        ]
    except duckdb.Error as exc:
        raise SourceError(
            f"{path.name} is not valid JSON Lines: {_first_bad_json_line(path) or exc}",
            kind="invalid_data",
            hint="write one JSON object per line",
        ) from exc
    if not keys:
        problem = _first_bad_json_line(path)
        raise SourceError(
            f"{path.name} is not valid JSON Lines: {problem}"
            if problem
            else f"{path.name} is empty (no JSON object)",
            kind="invalid_data",
            hint="write one JSON object per line, or remove the file from the folder",
        )
    chosen, notes = _resolve_columns(kind, keys, settings, path.name)
    exprs = [
        f"json_extract_string(json, {_sql_str('$.' + json.dumps(header))}) AS {_ident(canon)}"
        for canon, header in chosen.items()
    ]
    table = con.sql(f"SELECT {', '.join(exprs) or 'NULL AS _none'} FROM {src}").to_arrow_table()
    if "_none" in table.column_names:
        table = table.drop_columns(["_none"])
    lines = _jsonl_line_numbers(path)
    if len(lines) != table.num_rows:  # should not happen; never report wrong numbers
        lines = np.arange(1, table.num_rows + 1, dtype=np.int64)
    table = table.append_column("_row", int64_array(lines))
    return _Raw(batches=table.to_reader(), notes=notes, rows=table.num_rows)


def _jsonl_line_numbers(path: Path) -> Any:
    """The line number of every non-blank line (blank lines hold no record)."""
    import numpy as np

    with path.open("rb") as fh:
        return np.fromiter(
            (i for i, line in enumerate(fh, start=1) if line.strip()), dtype=np.int64
        )


def _first_bad_json_line(path: Path) -> str | None:
    """``line N: <reason>`` for the first line that is not a JSON object."""
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError as exc:
                return f"line {number}: {exc}"
            if not isinstance(value, dict):
                return f"line {number}: not a JSON object"
    return None


# --------------------------------------------------------------------------- validation


def _typed(col: Column, raw: str, tz: str | None, fmt: str | None = None) -> tuple[str, str | None]:
    """SQL for the typed value and for the error message (NULL when fine)."""
    n = col.name
    q = f"'''' || left({raw}, 40) || ''''"
    if col.type == "key":
        value = f"NULLIF(trim({raw}), '')"
        if n == "network":
            value = f"lower({value})"
        elif n in ("account", "member"):
            value = f"NULLIF(ltrim(trim({raw}), '@'), '')"
        return value, f"CASE WHEN {value} IS NULL THEN '{n} is empty' END"
    if col.type == "text":
        return f"NULLIF({raw}, '')", None
    if col.type == "timestamp":
        has_offset = f"regexp_matches({raw}, {_sql_str(_OFFSET_RE)})"
        if fmt and "%z" in fmt:
            other = f"try_strptime({raw}, {_sql_str(fmt)})"
        elif fmt:
            other = (
                f"timezone({_sql_str(tz)}, try_strptime({raw}, {_sql_str(fmt)}))" if tz else "NULL"
            )
        else:
            other = f"timezone({_sql_str(tz)}, TRY_CAST({raw} AS TIMESTAMP))" if tz else "NULL"
        with_offset = f"TRY_CAST({raw} AS TIMESTAMPTZ)"
        if fmt and "%z" in fmt:  # the format's own times end in an offset too
            with_offset = f"coalesce({with_offset}, {other})"
        value = (
            f"CASE WHEN {raw} IS NULL THEN NULL WHEN {has_offset} "
            f"THEN {with_offset} ELSE {other} END"
        )
        shown = f"'{n} ' || {q}"
        if fmt and ("%z" in fmt or tz):
            problem = f"{shown} || ' matches neither ISO 8601 nor ' || {_sql_str(fmt)}"
        elif fmt:
            problem = f"{shown} || ' has no UTC offset: set timezone for timestamp_format'"
        elif tz:
            problem = f"{shown} || ' is not an ISO 8601 timestamp'"
        else:
            problem = (
                f"CASE WHEN {has_offset} OR TRY_CAST({raw} AS TIMESTAMP) IS NULL "
                f"THEN {shown} || ' is not an ISO 8601 timestamp' "
                f"ELSE {shown} || ' has no UTC offset (write ISO 8601 with an offset, "
                f"e.g. 2026-03-01T09:30:00+01:00, or set timezone)' END"
            )
        err = (
            f"CASE WHEN {raw} IS NOT NULL AND {n}_ IS NULL THEN {problem}"
            + (f" WHEN {raw} IS NULL THEN '{n} is empty'" if col.required else "")
            + " END"
        )
        return value, err
    if col.type == "count":
        # TRY_CAST alone would round "12.5" and accept "1e3": reject those explicitly
        value = (
            f"CASE WHEN TRY_CAST({raw} AS BIGINT) >= 0 AND NOT contains({raw}, '.') "
            f"AND NOT contains({raw}, 'e') AND NOT contains({raw}, 'E') "
            f"THEN TRY_CAST({raw} AS BIGINT) END"
        )
        err = (
            f"CASE WHEN {raw} IS NOT NULL AND {n}_ IS NULL THEN "
            f"'{n} must be a whole number >= 0, got ' || {q} END"
        )
        return value, err
    if col.type in ("post_kind", "interaction_kind"):
        allowed = POST_KINDS if col.type == "post_kind" else INTERACTION_KINDS
        default = "'post'" if col.type == "post_kind" else "NULL"
        value = f"coalesce(NULLIF(lower(trim({raw})), ''), {default})"
        listed = ", ".join(_sql_str(k) for k in allowed)
        err = (
            f"CASE WHEN {n}_ IS NULL THEN '{n} is empty' WHEN {n}_ NOT IN ({listed}) THEN "
            f"'{n} ''' || left({n}_, 40) || ''' is not one of {', '.join(allowed)}' END"
        )
        return value, err
    if col.type == "date":
        value = f"TRY_CAST(trim({raw}) AS DATE)"
        err = (
            f"CASE WHEN {raw} IS NOT NULL AND {n}_ IS NULL THEN '{n} ' || {q} || "
            f"' is not a day (YYYY-MM-DD)' WHEN {raw} IS NULL THEN '{n} is empty' END"
        )
        return value, err
    if col.type == "number":
        number = f"TRY_CAST(trim({raw}) AS DOUBLE)"
        value = f"CASE WHEN isfinite({number}) THEN {number} END"
        err = (
            f"CASE WHEN {raw} IS NOT NULL AND {n}_ IS NULL THEN '{n} is not a number: ' || {q} END"
        )
        return value, err
    if col.type == "daily_metric":
        from smmcore.daily import DAILY_METRICS

        value = f"NULLIF(trim({raw}), '')"
        listed = ", ".join(_sql_str(k) for k in DAILY_METRICS)
        err = (
            f"CASE WHEN {n}_ IS NULL THEN '{n} is empty' WHEN {n}_ NOT IN ({listed}) THEN "
            f"'{n} ''' || left({n}_, 40) || ''' is not a daily metric (see smmcore.daily)' END"
        )
        return value, err
    if col.type == "bool":
        low = f"lower(trim({raw}))"
        t = ", ".join(_sql_str(v) for v in _TRUE)
        f = ", ".join(_sql_str(v) for v in _FALSE)
        value = f"CASE WHEN {low} IN ({t}) THEN TRUE WHEN {low} IN ({f}) THEN FALSE END"
        err = (
            f"CASE WHEN NULLIF(trim({raw}), '') IS NOT NULL AND {n}_ IS NULL THEN "
            f"'{n} must be true or false, got ' || {q} END"
        )
        return value, err
    raise AssertionError(col.type)


EARLIEST = datetime(2004, 1, 1, tzinfo=UTC)
"""No social network export holds a time before this (Facebook opened in 2004)."""
LATEST_SLACK = timedelta(days=1)
"""How far past the capture time (the import) a timestamp may be: time zones, clocks."""


def _validation_sql(
    kind: FileKind,
    present: set[str],
    values: dict[str, str],
    tz: str | None,
    fmt: str | None = None,
    *,
    delimiter: str | None,
    fields: int,
    now: datetime,
) -> str:
    """One query: raw text -> typed columns (``<name>``), ``_row`` and ``_err`` (reasons).

    A timestamp before :data:`EARLIEST` or later than ``now`` plus :data:`LATEST_SLACK` is
    a bad row. With ``delimiter`` and ``fields`` (CSV; ``None`` and 0 otherwise), a text
    cell holding line breaks followed by what looks like a whole row of the file is a bad
    row: a quote that opens a field and is closed only rows later swallows those rows.
    """
    latest = now + LATEST_SLACK
    lo, hi = _sql_str(EARLIEST.isoformat()), _sql_str(latest.isoformat())
    raw_exprs, typed_exprs, errs = [], [], []
    for col in kind.columns:
        raw = _ident(col.name) if col.name in present else "NULL::VARCHAR"
        if col.name in values:
            raw = f"coalesce(NULLIF({raw}, ''), {_sql_str(values[col.name])})"
        raw_exprs.append(f"{raw} AS r_{col.name}")
        value, err = _typed(col, f"r_{col.name}", tz, fmt)
        typed_exprs.append(f"{value} AS {col.name}_")
        if err:
            errs.append(err)
        if col.type == "date":
            errs.append(
                f"CASE WHEN {col.name}_ < DATE '{EARLIEST:%Y-%m-%d}' OR {col.name}_ > "
                f"DATE '{latest:%Y-%m-%d}' THEN '{col.name} ' || strftime({col.name}_, "
                f"'%Y-%m-%d') || ' is not plausible: before 2004 or later than the import "
                f"day plus a day' END"
            )
        if col.type == "timestamp":
            errs.append(
                f"CASE WHEN {col.name}_ < TIMESTAMPTZ {lo} OR {col.name}_ > TIMESTAMPTZ {hi} "
                f"THEN '{col.name} ' || strftime({col.name}_, '%Y-%m-%d %H:%M') || "
                f"' UTC is not plausible: before 2004 or later than the import time plus "
                f"a day ({latest:%Y-%m-%d %H:%M} UTC)' END"
            )
        if delimiter and fields > 2 and col.name in present and col.type in ("text", "key"):
            pattern = _sql_str("\n([^\n]*" + re.escape(delimiter) + "){" + str(fields - 1) + "}")
            errs.append(
                f"CASE WHEN contains(r_{col.name}, chr(10)) AND "
                f"regexp_matches(r_{col.name}, {pattern}) THEN '{col.name} runs over several "
                f'lines that look like rows of the file: a quote (") opens the field and is '
                f"closed only rows later, so those rows were read into it' END"
            )
    if kind.name == "posts":
        any_metric = " OR ".join(f"{m}_ IS NOT NULL" for m in METRICS)
        errs.append(
            f"CASE WHEN captured_at_ IS NULL AND r_captured_at IS NULL AND ({any_metric}) "
            f"THEN 'captured_at is empty but the row has metrics' END"
        )
        errs.append(
            "CASE WHEN created_at_ > captured_at_ + INTERVAL 1 DAY THEN "
            "'created_at is later than captured_at (the post cannot be measured before it "
            "exists)' END"
        )
    outputs = ", ".join(f"{c.name}_ AS {c.name}" for c in kind.columns)
    if kind.name == "interactions":  # the default id, as smmcore.models.Interaction's
        outputs = outputs.replace(
            "interaction_id_ AS interaction_id",
            "coalesce(interaction_id_, kind_ || ':' || coalesce(post_id_, '') || ':' || member_) "
            "AS interaction_id",
        )
    return (
        f"SELECT _row, {outputs}, NULLIF(concat_ws('; ', {', '.join(errs)}), '') AS _err "
        f"FROM (SELECT *, {', '.join(typed_exprs)} FROM "
        f"(SELECT _row, {', '.join(raw_exprs)} FROM raw))"
    )


# --------------------------------------------------------------------------- store tables

_POST_COLUMNS = ("network", "account", "post_id", "created_at", "kind", "text", "url", "language")
_METRIC_COLUMNS = ("network", "account", "post_id", "captured_at", *METRICS)
_SNAPSHOT_COLUMNS = ("network", "account", "captured_at", "followers", "following", "posts_count")
_AUDIENCE_COLUMNS = (
    "network", "account", "member", "display_name", "bio", "language", "location",
    "followers", "following", "is_follower", "first_seen",
)  # fmt: skip
_INTERACTION_COLUMNS = (
    "network", "account", "interaction_id", "member", "kind", "post_id", "occurred_at",
)  # fmt: skip
_DAILY_COLUMNS = ("network", "account", "day", "metric", "post_id", "value")
_SINCE_COLUMN = {"accounts": "captured_at", "posts": "created_at", "interactions": "occurred_at"}

_ACCOUNTS_SQL = """
WITH a AS (
    SELECT network, account,
           arg_max(display_name, captured_at) FILTER (WHERE display_name IS NOT NULL)
               AS display_name,
           arg_max(url, captured_at) FILTER (WHERE url IS NOT NULL) AS url,
           arg_max(bio, captured_at) FILTER (WHERE bio IS NOT NULL) AS bio
    FROM accounts GROUP BY network, account
), p AS (SELECT DISTINCT network, account FROM posts)
SELECT network, account, a.display_name, a.url, a.bio, NULL::TIMESTAMPTZ AS created_at
FROM a FULL OUTER JOIN p USING (network, account)
ORDER BY network, account
"""


def _keep(table: pa.Table, mask: pa.ChunkedArray) -> pa.Table:
    """``table`` filtered by ``mask``, without a copy when every row is kept."""
    import pyarrow.compute as pc

    if mask.null_count == 0 and pc.all(mask).as_py():
        return table
    return table.filter(mask)


_KEEP_KNOWN = {
    "posts", "post_metrics", "account_snapshots", "audience_members", "interactions",
    "daily_metrics",
}  # fmt: skip
"""Tables whose rows merge value by value (an empty cell keeps the value read before), as the
store merges them (every table an export fills)."""


def _last_per_key(
    con: duckdb.DuckDBPyConnection,
    table: pa.Table,
    keys: tuple[str, ...],
    order: str = "_row DESC",
    store_table: str | None = None,
) -> pa.Table:
    """One row per key: the first by ``order`` (by default the last row in the file); for a
    table in :data:`_KEEP_KNOWN`, each column takes the first value by ``order`` that is not
    empty.

    Only sorts when a key repeats; a table with unique keys is returned as it is.
    """
    if table.num_rows < 2:
        return table
    cols = ", ".join(keys)
    con.register("_dedupe", table)
    try:
        # distinct 64-bit hashes need far less memory than distinct keys; a collision only
        # costs the exact (sorting) pass below
        (repeated,) = con.sql(
            f"SELECT count(*) > count(DISTINCT hash({cols})) FROM _dedupe"
        ).fetchall()[0]
        if not repeated:
            return table
        if store_table in _KEEP_KNOWN:
            merged = ", ".join(
                f"first({_ident(c)} ORDER BY {order}) FILTER (WHERE {_ident(c)} IS NOT NULL) "
                f"AS {_ident(c)}"
                if c not in keys
                else _ident(c)
                for c in table.column_names
            )
            return (
                con.sql(f"SELECT {merged} FROM _dedupe GROUP BY {cols} ORDER BY _row")
                .to_arrow_table()
                .cast(table.schema)
            )
        return con.sql(
            f"SELECT * FROM _dedupe QUALIFY row_number() OVER (PARTITION BY {cols} "
            f"ORDER BY {order}) = 1 ORDER BY _row"
        ).to_arrow_table()
    finally:
        con.unregister("_dedupe")


def _store_tables(
    con: duckdb.DuckDBPyConnection, good: dict[str, pa.Table], since: datetime | None
) -> dict[str, pa.Table]:
    """The store's tables from the validated files, one row per natural key.

    They are column selections of the typed tables (no copy) unless a key repeats: then the
    last row of the key wins (for ``posts``, the row with the latest ``captured_at``).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if since is not None:
        bound = pa.scalar(since, pa.timestamp("us", tz="UTC"))
        for name, col in _SINCE_COLUMN.items():
            if name in good:
                values = good[name].column(col)
                good[name] = _keep(
                    good[name], pc.or_kleene(pc.is_null(values), pc.greater_equal(values, bound))
                )
    out: dict[str, pa.Table] = {}
    if "accounts" in good or "posts" in good:
        empty = {n: _empty(k) for n, k in FILE_KINDS.items()}
        for name in ("accounts", "posts"):
            if name in good:
                con.register(name, good[name])
            else:
                con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {empty[name]}")
        out["accounts"] = con.sql(_ACCOUNTS_SQL).to_arrow_table()
    if "accounts" in good:
        snaps = _last_per_key(con, good["accounts"], ("network", "account", "captured_at"))
        out["account_snapshots"] = snaps.select(list(_SNAPSHOT_COLUMNS))
    if "posts" in good:
        posts = good["posts"]
        latest = "captured_at DESC NULLS LAST, _row DESC"
        unique = _last_per_key(con, posts, ("network", "account", "post_id"), latest, "posts")
        out["posts"] = unique.select(list(_POST_COLUMNS))
        has_metric = pc.is_valid(posts.column(METRICS[0]))
        for m in METRICS[1:]:
            has_metric = pc.or_(has_metric, pc.is_valid(posts.column(m)))
        keep = pc.and_(pc.is_valid(posts.column("captured_at")), has_metric)
        metrics = _keep(posts.select([*_METRIC_COLUMNS, "_row"]), keep)
        if unique is not posts:  # a post repeats: so may a (post, captured_at) snapshot
            key = ("network", "account", "post_id", "captured_at")
            metrics = _last_per_key(con, metrics, key)
        out["post_metrics"] = metrics.select(list(_METRIC_COLUMNS))
    if "audience" in good:
        members = _last_per_key(
            con, good["audience"], ("network", "account", "member"), store_table="audience_members"
        )
        out["audience_members"] = members.select(list(_AUDIENCE_COLUMNS))
    if "interactions" in good:
        # interaction_id holds its default already (the validation query gives it)
        t = _last_per_key(
            con,
            good["interactions"],
            ("network", "account", "interaction_id"),
            store_table="interactions",
        )
        out["interactions"] = t.select(list(_INTERACTION_COLUMNS))
    if "daily" in good:
        key = ("network", "account", "day", "metric", "post_id")
        daily = _last_per_key(con, good["daily"], key, store_table="daily_metrics")
        out["daily_metrics"] = daily.select(list(_DAILY_COLUMNS))
    return {name: out[name] for name in STORE_TABLES if name in out}


def _empty(kind: FileKind) -> str:
    types = {
        "key": "VARCHAR",
        "text": "VARCHAR",
        "timestamp": "TIMESTAMPTZ",
        "count": "BIGINT",
        "post_kind": "VARCHAR",
        "interaction_kind": "VARCHAR",
        "bool": "BOOLEAN",
        "date": "DATE",
        "number": "DOUBLE",
        "daily_metric": "VARCHAR",
    }
    cols = ", ".join(f"NULL::{types[c.type]} AS {c.name}" for c in kind.columns)
    return f"SELECT NULL::BIGINT AS _row, {cols} WHERE FALSE"


# --------------------------------------------------------------------------- entry point


def _read_file(
    con: duckdb.DuckDBPyConnection, path: Path, kind: FileKind, settings: FilesSettings
) -> tuple[_Raw, pa.Table, list[BadRow], str]:
    """Read and check one file: its raw stream, the checked table, rows that could not be
    read as the header says, and how its records are counted (``row`` or ``line``)."""
    import pyarrow as pa

    raw, reader, unit = _open_checked(con, path, kind, settings)
    schema = reader.schema
    tables = list(_checked_chunks(con, path, raw, reader))
    checked = pa.concat_tables(tables) if tables else schema.empty_table()
    return raw, checked, list(raw.structural), unit


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection set up for parsing (UTC session time zone)."""
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")
    con.execute("SET memory_limit = '256MB'")
    return con


def read_export(
    folder: Path,
    settings: FilesSettings | None = None,
    *,
    skip_bad: bool = False,
    since: datetime | None = None,
    log: Callable[[str], None] | None = None,
) -> ExportData:
    """Read and validate the export in ``folder``.

    Raises :class:`~smmcore.contracts.SourceError` (kind ``invalid_data``) listing the bad rows
    when any row is bad and ``skip_bad`` is false: then nothing is returned to import. With
    ``skip_bad`` the good rows are returned and the bad ones are in
    :attr:`ExportData.bad_rows` (and sent to ``log``).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    settings = settings or FilesSettings()
    folder = Path(folder)
    data = ExportData(folder=folder)
    con = connect()
    try:
        good: dict[str, list[pa.Table]] = {}
        bad: list[BadRow] = []
        unread: list[Unread] = []
        located = locate_files(folder, settings, unread)
        data.notes.extend(u.note(folder) for u in unread)
        for kind_name, path in located:
            kind = FILE_KINDS[kind_name]
            raw, checked, structural, unit = _read_file(con, path, kind, settings)
            data.notes.extend(raw.notes)
            data.rows_read[path.name] = checked.num_rows + len(structural)
            err = checked.column("_err")
            n_bad = checked.num_rows - err.null_count
            bad.extend(structural)
            data.bad_count += len(structural) + n_bad
            if n_bad:
                mask = pc.is_valid(err)
                sample = checked.filter(mask).select(["_row", "_err"]).slice(0, MAX_REPORTED)
                bad.extend(
                    BadRow(path.name, r, e, unit)
                    for r, e in zip(
                        sample.column("_row").to_pylist(),
                        sample.column("_err").to_pylist(),
                        strict=True,
                    )
                )
                checked = checked.filter(pc.invert(mask))
            good.setdefault(kind_name, []).append(checked.drop_columns(["_err"]))
        bad.sort(key=lambda b: (b.file, b.row or 0))
        data.bad_rows = bad[:MAX_REPORTED]
        if data.bad_count and not skip_bad:
            raise SourceError(
                data.bad_report(
                    header=f"{data.bad_count} bad row(s) in {folder}, nothing imported:"
                ),
                kind="invalid_data",
                hint="fix those rows, or import the good ones with --skip-bad "
                "(or skip_bad = true in [plugins.files])",
            )
        if data.bad_count and log is not None:
            log(data.bad_report(header=f"skipped {data.bad_count} bad row(s) in {folder}:"))
        for note in data.notes:
            if log is not None:
                log(note)
        merged = {
            name: tables[0] if len(tables) == 1 else pa.concat_tables(tables)
            for name, tables in good.items()
        }
        data.tables = _store_tables(con, merged, since)
    finally:
        con.close()
    return data


# --------------------------------------------------------------------------- streaming

STREAM_ROWS = 65_536
"""Rows per yielded chunk when streaming an export into the store."""

_KIND_TABLES = {
    "accounts": (("account_snapshots", _SNAPSHOT_COLUMNS),),
    "posts": (("posts", _POST_COLUMNS), ("post_metrics", _METRIC_COLUMNS)),
    "audience": (("audience_members", _AUDIENCE_COLUMNS),),
    "interactions": (("interactions", _INTERACTION_COLUMNS),),
    "daily": (("daily_metrics", _DAILY_COLUMNS),),
}


_CHUNK_KEYS = {
    "account_snapshots": ("network", "account", "captured_at"),
    "posts": ("network", "account", "post_id"),
    "post_metrics": ("network", "account", "post_id", "captured_at"),
    "audience_members": ("network", "account", "member"),
    "interactions": ("network", "account", "interaction_id"),
    "daily_metrics": ("network", "account", "day", "metric", "post_id"),
}
_CHUNK_ORDER = {"posts": "captured_at DESC NULLS LAST, _row DESC"}


@dataclass
class StreamSummary:
    """What :func:`iter_export` read, filled while it streams (final when it returns).

    :param rows: rows yielded per store table.
    :param files: file name -> data rows read (bad ones included).
    :param notes: what was ignored or not found (mapped headers, columns nothing reads).
    :param conflicts: store table -> keys given more than once with different values.
    :param conflict_examples: a few of them, with their file rows.
    :param found: the ``(network, account)`` pairs the export holds rows for.
    """

    folder: Path
    rows: dict[str, int] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)
    bad_rows: list[BadRow] = field(default_factory=list)
    bad_count: int = 0
    notes: list[str] = field(default_factory=list)
    conflicts: dict[str, int] = field(default_factory=dict)
    conflict_examples: list[str] = field(default_factory=list)
    found: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Rows yielded per store table (a post repeated in the file counts each time)."""
        return dict(self.rows)

    def warnings(self) -> list[str]:
        """The notes, then one line about keys given twice with different values."""
        lines = list(self.notes)
        if self.conflicts:
            what = ", ".join(f"{n:,} {t}" for t, n in sorted(self.conflicts.items()))
            lines.append(
                f"the same key is given more than once with different values ({what}); "
                "the value read last wins, an empty cell never erases a value: "
                + "; ".join(self.conflict_examples)
            )
        return lines


_READ_ERRORS: tuple[type[Exception], ...] = (UnicodeDecodeError, csv.Error, OSError)


def _open_checked(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    kind: FileKind,
    settings: FilesSettings,
    *,
    now: datetime | None = None,
) -> tuple[_Raw, pa.RecordBatchReader, str]:
    """A file's checked rows as a stream of batches (typed columns, ``_row``, ``_err``)."""
    import duckdb
    import pyarrow as pa

    raw: _Raw | None = None
    try:
        if path.suffix == ".native":  # a recognised native export: canonical text already
            from smm_files.native import read_raw

            table = read_raw(path, settings)
            import pyarrow.compute as pc

            # file rows, not values: a daily file gives one value per day and metric
            read = pc.count_distinct(table.column("_row")).as_py() if table.num_rows else 0
            raw, unit = _Raw(batches=table.to_reader(), notes=[], rows=read), "row"
        elif path.suffix.lower() != ".csv":
            raw = _read_jsonl_text(con, path, kind, settings)
            unit = "line"
        else:
            raw = _read_csv_text(path, kind, settings)
            unit = "row"
        per_file = settings.for_file(kind.name)
        tz = per_file.timezone or settings.timezone
        fmt = per_file.timestamp_format or settings.timestamp_format
        present = set(raw.batches.schema.names) - {"_row"}
        con.register("raw", raw.batches)
        sql = _validation_sql(
            kind, present, per_file.values, tz, fmt,
            delimiter=raw.delimiter, fields=raw.fields, now=now or datetime.now(UTC),
        )  # fmt: skip
        return raw, con.sql(sql).to_arrow_reader(STREAM_ROWS), unit
    except (*_READ_ERRORS, pa.ArrowInvalid, duckdb.Error) as exc:
        raise _unreadable(path, (raw.error if raw else None) or exc) from exc


def _unreadable(path: Path, exc: BaseException) -> SourceError:
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, UnicodeDecodeError) or "utf" in reason.lower():
        reason = "it is not UTF-8 text"
    return SourceError(
        f"{path.name} cannot be read: {reason}",
        kind="invalid_data",
        hint="export it again as UTF-8 CSV (comma, semicolon or tab separated) or as JSON Lines",
    )


def _checked_chunks(
    con: duckdb.DuckDBPyConnection, path: Path, raw: _Raw, reader: pa.RecordBatchReader
) -> Any:
    """Yield the checked rows of one file as tables of about :data:`STREAM_ROWS` rows."""
    import duckdb
    import pyarrow as pa

    pending: list[pa.RecordBatch] = []
    rows = 0
    try:
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except (*_READ_ERRORS, pa.ArrowInvalid, duckdb.Error) as exc:
                raise _unreadable(path, raw.error or exc) from exc
            # the reader hands over one CSV block at a time: gather STREAM_ROWS rows, so
            # each chunk costs the store a few statements, not hundreds
            pending.append(batch)
            rows += batch.num_rows
            if rows >= STREAM_ROWS:
                yield pa.Table.from_batches(pending)
                pending, rows = [], 0
        if pending:
            yield pa.Table.from_batches(pending)
    finally:
        reader.close()
        con.unregister("raw")


def _checked_batches(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    kind: FileKind,
    settings: FilesSettings,
    now: datetime | None = None,
) -> Any:
    """Yield ``(raw, table, unit)``: the checked rows of one file, about
    :data:`STREAM_ROWS` at a time."""
    raw, reader, unit = _open_checked(con, path, kind, settings, now=now)
    for table in _checked_chunks(con, path, raw, reader):
        yield raw, table, unit


def iter_export(
    folder: Path,
    settings: FilesSettings | None = None,
    *,
    skip_bad: bool = False,
    since: datetime | None = None,
    log: Callable[[str], None] | None = None,
    summary: StreamSummary | None = None,
    require_rows: bool = True,
) -> Any:
    """Stream the export in ``folder`` as ``(store table, Arrow table)`` chunks of at most
    :data:`STREAM_ROWS` rows, checked as :func:`read_export` checks them, in bounded memory.

    A key may repeat across chunks: the store keeps, column by column, the last value
    written that is not unknown (for ``posts``, the row with the latest ``captured_at`` is
    written last: when a later row of a post holds an older snapshot, the winning rows are
    yielded again at the end). ``accounts`` comes last (it needs every row). Keys that
    repeat with different values are counted in ``summary.conflicts``.

    Bad rows are found while streaming: unless ``skip_bad``, the stream ends by raising
    :class:`~smmcore.contracts.SourceError` listing them (the caller must then discard what
    it received: the store's unit writer does). A file whose rows are all bad, or an export
    with no data row at all, also ends it with an error (``require_rows``). ``summary`` is
    filled as it goes.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    settings = settings or FilesSettings()
    folder = Path(folder)
    summary = summary if summary is not None else StreamSummary(folder=folder)
    con = connect()
    side = con.cursor()
    empty = {n: _empty(k) for n, k in FILE_KINDS.items()}
    side.execute(
        "CREATE TABLE accounts AS SELECT network, account, captured_at, display_name, url, "
        f"bio FROM ({empty['accounts']})"
    )
    side.execute("CREATE TABLE posts (network VARCHAR, account VARCHAR)")
    side.execute("CREATE TABLE found (network VARCHAR, account VARCHAR)")
    side.execute(
        "CREATE TABLE seen (f INTEGER, _row BIGINT, kh UBIGINT, post_id VARCHAR, "
        "captured_at TIMESTAMPTZ, hc UINTEGER, hk UINTEGER, ht UINTEGER, hu UINTEGER, "
        "hl UINTEGER, hm UINTEGER)"
    )
    side.execute("CREATE TABLE keyed (tbl VARCHAR, f INTEGER, _row BIGINT, kh UBIGINT, vh UBIGINT)")
    bound = pa.scalar(since, pa.timestamp("us", tz="UTC")) if since is not None else None
    post_files: list[tuple[int, Path]] = []
    files: dict[int, str] = {}
    bad: list[BadRow] = []
    empty_files: list[str] = []
    now = datetime.now(UTC)

    def emit(table: str, rows: pa.Table) -> Any:
        summary.rows[table] = summary.rows.get(table, 0) + rows.num_rows
        return table, rows

    try:
        unread: list[Unread] = []
        located = locate_files(folder, settings, unread)
        summary.notes.extend(u.note(folder) for u in unread)
        for number, (kind_name, path) in enumerate(located):
            kind = FILE_KINDS[kind_name]
            files[number] = path.name
            raw, reader, unit = _open_checked(con, path, kind, settings, now=now)
            n_bad = n_good = n_kept = 0
            for t in _checked_chunks(con, path, raw, reader):
                err = t.column("_err")
                if err.null_count < t.num_rows:
                    mask = pc.is_valid(err)
                    n_bad += t.num_rows - err.null_count
                    if len(bad) < MAX_REPORTED:
                        sample = t.filter(mask).select(["_row", "_err"]).slice(0, MAX_REPORTED)
                        bad.extend(
                            BadRow(path.name, r, e, unit)
                            for r, e in zip(
                                sample.column("_row").to_pylist(),
                                sample.column("_err").to_pylist(),
                                strict=True,
                            )
                        )
                    t = t.filter(pc.invert(mask))
                n_good += t.num_rows
                if bound is not None and kind_name in _SINCE_COLUMN:
                    values = t.column(_SINCE_COLUMN[kind_name])
                    t = _keep(t, pc.or_kleene(pc.is_null(values), pc.greater_equal(values, bound)))
                if not t.num_rows:
                    continue
                n_kept += t.num_rows
                side.register("_chunk", t)
                try:
                    if kind_name in ("audience", "interactions"):
                        # the accounts of posts and snapshots are in the side tables below
                        side.execute(
                            "INSERT INTO found SELECT DISTINCT network, account FROM _chunk"
                        )
                    if kind_name == "accounts":
                        side.execute(
                            "INSERT INTO accounts SELECT network, account, captured_at, "
                            "display_name, url, bio FROM _chunk WHERE display_name IS NOT NULL "
                            "OR url IS NOT NULL OR bio IS NOT NULL UNION ALL SELECT DISTINCT "
                            "network, account, NULL, NULL, NULL, NULL FROM _chunk"
                        )
                    if kind_name == "posts":
                        side.execute(f"INSERT INTO seen {_SEEN_SQL.format(f=number)}")
                        side.execute(
                            "INSERT INTO posts SELECT DISTINCT network, account FROM _chunk"
                        )
                    else:
                        table = _KIND_TABLES[kind_name][0][0]
                        side.execute(f"INSERT INTO keyed {_keyed_sql(table, kind_name, number)}")
                finally:
                    side.unregister("_chunk")
                for table, columns in _KIND_TABLES[kind_name]:
                    rows = t
                    if table == "post_metrics":
                        has_metric = pc.is_valid(t.column(METRICS[0]))
                        for m in METRICS[1:]:
                            has_metric = pc.or_(has_metric, pc.is_valid(t.column(m)))
                        keep = pc.and_(pc.is_valid(t.column("captured_at")), has_metric)
                        rows = _keep(rows, keep)
                    # one row per key within a chunk (values merged as the store merges
                    # them); across chunks the store merges them
                    order = _CHUNK_ORDER.get(table, "_row DESC")
                    rows = _last_per_key(side, rows, _CHUNK_KEYS[table], order, table)
                    if rows.num_rows:
                        yield emit(table, rows.select(list(columns)))
            summary.notes.extend(raw.notes)
            n_bad += len(raw.structural)
            bad.extend(raw.structural[:MAX_REPORTED])
            summary.files[path.name] = raw.rows
            summary.bad_count += n_bad
            if not raw.rows:
                empty_files.append(path.name)
                summary.notes.append(f"{path.name} has no data rows (only a header): nothing read")
            elif require_rows and not n_good and skip_bad:
                raise SourceError(
                    f"nothing imported: every row of {path.name} is bad "
                    f"({raw.rows:,} rows, for example "
                    f"{next((str(b) for b in bad if b.file == path.name), 'see smm files check')})",
                    kind="invalid_data",
                    hint=f"run 'smm files check {folder}' to see why, fix the file or its "
                    "mapping, then import again",
                )
            if kind_name == "posts":
                post_files.append((number, path))
        bad.sort(key=lambda b: (b.file, b.row or 0))
        summary.bad_rows = bad[:MAX_REPORTED]
        if summary.bad_count and not skip_bad:
            report = ExportData(
                folder=folder, bad_rows=summary.bad_rows, bad_count=summary.bad_count
            )
            raise SourceError(
                report.bad_report(
                    header=f"{summary.bad_count} bad row(s) in {folder}, nothing imported:"
                ),
                kind="invalid_data",
                hint="fix those rows, or import the good ones with --skip-bad "
                "(or skip_bad = true in [plugins.files])",
            )
        if require_rows and not any(summary.files.values()):
            raise SourceError(
                f"nothing imported: no file in {folder} has a data row "
                f"({', '.join(empty_files)}: only a header)",
                kind="invalid_data",
                hint="export the data again (the files hold their headers and nothing else)",
            )
        summary.conflicts, summary.conflict_examples = _conflicts(side, files)
        summary.found = sorted(
            side.execute(
                "SELECT network, account FROM found UNION SELECT network, account FROM posts "
                "UNION SELECT network, account FROM accounts"
            ).fetchall()
        )
        if log is not None:
            if summary.bad_count:
                report = ExportData(
                    folder=folder, bad_rows=summary.bad_rows, bad_count=summary.bad_count
                )
                header = f"skipped {summary.bad_count} bad row(s) in {folder}:"
                log(report.bad_report(header=header))
            for note in summary.warnings():
                log(f"warning: {note}")
        yield from _latest_posts_again(con, side, settings, post_files, bound, emit, now)
        accounts = side.sql(_ACCOUNTS_SQL).to_arrow_table()
        if accounts.num_rows:
            yield emit("accounts", accounts)
    finally:
        side.close()
        con.close()


_SEEN_SQL = (
    "SELECT {f}, _row, hash(network, account, post_id), post_id, captured_at, "
    + ", ".join(
        f"CASE WHEN {c} IS NOT NULL THEN hash({c}) % 4294967296 END"
        for c in ("created_at", "kind", "text", "url", "language")
    )
    + f", hash({', '.join(METRICS)}) % 4294967296 FROM _chunk"
)
"""What :func:`iter_export` remembers of each post row: where it is, its key, a hash of each
value (to find a post given twice with different values, and the latest capture)."""


def _keyed_sql(table: str, kind_name: str, number: int) -> str:
    keys = _CHUNK_KEYS[table]
    values = [c.name for c in FILE_KINDS[kind_name].columns if c.name not in keys]
    return (
        f"SELECT '{table}', {number}, _row, hash({', '.join(keys)}), "
        f"hash({', '.join(values)}) FROM _chunk"
    )


_CONFLICT_SQL = """
WITH twice AS (SELECT kh FROM seen GROUP BY kh HAVING count(*) > 1),
s AS (SELECT * FROM seen SEMI JOIN twice USING (kh)),
posts AS (
    SELECT kh, 'posts' AS tbl, any_value(post_id) AS what, list(f ORDER BY f, _row) AS fs,
           list(_row ORDER BY f, _row) AS rows_,
           concat_ws(', ',
               CASE WHEN count(DISTINCT hc) > 1 THEN 'created_at' END,
               CASE WHEN count(DISTINCT hk) > 1 THEN 'kind' END,
               CASE WHEN count(DISTINCT ht) > 1 THEN 'text' END,
               CASE WHEN count(DISTINCT hu) > 1 THEN 'url' END,
               CASE WHEN count(DISTINCT hl) > 1 THEN 'language' END) AS cols
    FROM s GROUP BY kh
), snaps AS (
    SELECT kh, 'post_metrics' AS tbl, any_value(post_id) AS what,
           list(f ORDER BY f, _row) AS fs, list(_row ORDER BY f, _row) AS rows_,
           'metrics captured at ' || strftime(any_value(captured_at), '%Y-%m-%d %H:%M') AS cols
    FROM s WHERE captured_at IS NOT NULL
    GROUP BY kh, captured_at HAVING count(DISTINCT hm) > 1
), twice_keyed AS (SELECT tbl, kh FROM keyed GROUP BY tbl, kh HAVING count(*) > 1),
others AS (
    SELECT kh, tbl, NULL AS what, list(f ORDER BY f, _row) AS fs,
           list(_row ORDER BY f, _row) AS rows_, 'values' AS cols
    FROM keyed SEMI JOIN twice_keyed USING (tbl, kh)
    GROUP BY tbl, kh HAVING count(DISTINCT vh) > 1
)
SELECT tbl, what, fs, rows_, cols FROM posts WHERE cols <> ''
UNION ALL SELECT tbl, what, fs, rows_, cols FROM snaps
UNION ALL SELECT tbl, what, fs, rows_, cols FROM others
"""


def _conflicts(
    side: duckdb.DuckDBPyConnection, files: dict[int, str]
) -> tuple[dict[str, int], list[str]]:
    """Keys given more than once with different values: how many per table, and examples."""
    side.execute(f"CREATE TEMP TABLE conflicts AS {_CONFLICT_SQL}")
    counts = dict(side.execute("SELECT tbl, count(*) FROM conflicts GROUP BY tbl").fetchall())
    examples = []
    for tbl, what, fs, rows, cols in side.execute(
        "SELECT * FROM conflicts ORDER BY tbl, rows_[1] LIMIT 5"
    ).fetchall():
        where = " and ".join(
            f"{files[f]} row {r:,}" for f, r in list(zip(fs, rows, strict=True))[:3]
        )
        label = {"posts": "post", "post_metrics": "post"}.get(tbl, tbl.rstrip("s"))
        name = f" {what}" if what else ""
        examples.append(f"{label}{name}: {where} differ in {cols}")
    return counts, examples


def _latest_posts_again(
    con: duckdb.DuckDBPyConnection,
    side: duckdb.DuckDBPyConnection,
    settings: FilesSettings,
    post_files: list[tuple[int, Path]],
    bound: Any,
    emit: Callable[[str, Any], Any],
    now: datetime,
) -> Any:
    """Yield again the post rows that must win over a later row of the same post (one with
    an older or no ``captured_at``): nothing when no post repeats out of order."""
    import pyarrow as pa
    import pyarrow.compute as pc

    (repeated,) = side.execute("SELECT count(*) > count(DISTINCT kh) FROM seen").fetchall()[0]
    if not repeated:
        return
    side.execute(
        "CREATE TABLE winners AS SELECT f, _row FROM (SELECT f, _row, "
        "row_number() OVER (PARTITION BY kh "
        "ORDER BY captured_at DESC NULLS LAST, f DESC, _row DESC) AS by_time, "
        "row_number() OVER (PARTITION BY kh ORDER BY f DESC, "
        "_row DESC) AS by_order FROM seen) WHERE by_time = 1 AND by_order > 1"
    )
    for number, path in post_files:
        rows = side.execute("SELECT _row FROM winners WHERE f = ?", [number]).fetchall()
        if not rows:
            continue
        wanted = pa.array([r[0] for r in rows], pa.int64())
        for _raw, t, _unit in _checked_batches(con, path, FILE_KINDS["posts"], settings, now):
            t = t.filter(pc.and_(pc.is_null(t.column("_err")), pc.is_in(t.column("_row"), wanted)))
            if bound is not None:
                values = t.column("created_at")
                t = _keep(t, pc.or_kleene(pc.is_null(values), pc.greater_equal(values, bound)))
            if t.num_rows:
                yield emit("posts", t.select(list(_POST_COLUMNS)))
