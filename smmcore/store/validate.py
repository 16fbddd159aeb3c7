"""Checks every record before it reaches the store, on every path (models and batches).

Pydantic validates a model when a source builds it, but ``model_construct`` skips that, and a
:class:`~smmcore.contracts.RecordBatch` is never a model: a naive timestamp would be stored as
UTC and ``likes = -5`` as a number. The unit writer calls these checks, so an invalid record
fails its unit (nothing of it is stored) with a message that names the table, the row and what
was expected. Vectorised for batches; a handful of attribute reads per model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any

from smmcore.errors import StoreError

_OFFSET = re.compile(r"(Z|z|[+-]\d{2}(:?\d{2})?)$")
"""An ISO 8601 time ending in a UTC offset (``Z``, ``+01:00``, ``+0100``, ``+01``)."""


class InvalidRecord(StoreError):
    """A record that breaks the models' rules (naive time, negative count, missing id)."""


@cache
def _rules(table: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """``(aware timestamps, counts, required non-empty texts)`` of a record table, read from
    the model in :mod:`smmcore.models` whose rows it stores."""
    from smmcore import models

    model = next((m for m, t in models.RECORD_TABLES.items() if t == table), None)
    if model is None:
        return (), (), ()
    times, counts, required = [], [], []
    for name, field in model.model_fields.items():
        text = str(field.annotation)
        if field.annotation == models.Count:
            counts.append(name)
        elif "datetime" in text and "_aware" in text + str(field.metadata):
            times.append(name)
        elif field.annotation is str and field.is_required():
            required.append(name)
    return tuple(times), tuple(counts), tuple(required)


def check_model(item: Any, table: str) -> None:
    """Raise :class:`InvalidRecord` when ``item`` (a record model) breaks the rules."""
    times, counts, required = _rules(table)
    kind = type(item).__name__
    for name in required:
        value = getattr(item, name, None)
        if not isinstance(value, str) or not value:
            raise InvalidRecord(f"a {kind} record has no {name} (a non-empty text is expected)")
    for name in times:
        value = getattr(item, name, None)
        if isinstance(value, datetime) and (
            value.tzinfo is None or value.tzinfo.utcoffset(value) is None
        ):
            raise InvalidRecord(
                f"a {kind} record has a naive {name} ({value.isoformat()}): a time zone or UTC "
                "offset is expected"
            )
    for name in counts:
        value = getattr(item, name, None)
        if isinstance(value, int) and value < 0:
            raise InvalidRecord(
                f"a {kind} record has {name} = {value}: counts are >= 0, or None when unknown"
            )


def check_columns(table: str, data: Mapping[str, Any]) -> None:
    """Check the raw columns of a batch (a mapping of column -> values) before conversion:
    Python datetimes and ISO strings of time columns must carry an offset."""
    times, _counts, _required = _rules(table)
    for name in times:
        values = data.get(name)
        if values is None or hasattr(values, "type"):  # an Arrow array: checked by type
            continue
        for row, value in enumerate(values):
            if isinstance(value, datetime):
                naive = value.tzinfo is None or value.tzinfo.utcoffset(value) is None
            elif isinstance(value, str):
                naive = not _OFFSET.search(value.strip())
            else:
                continue
            if naive:
                raise InvalidRecord(
                    f"a RecordBatch for {table!r} has a naive {name} in row {row + 1} "
                    f"({value!s}): a time zone or UTC offset is expected"
                )


def check_arrow(table: str, data: Any) -> None:
    """Check a converted batch (a ``pyarrow.Table``): time columns carry a time zone, counts
    are not negative, required texts are present and not empty."""
    import pyarrow as pa
    import pyarrow.compute as pc

    times, counts, required = _rules(table)
    names = set(data.column_names)
    for name in times:
        if name in names:
            kind = data.schema.field(name).type
            if pa.types.is_timestamp(kind) and kind.tz is None:
                raise InvalidRecord(
                    f"a RecordBatch for {table!r} has naive timestamps in {name}: a time zone "
                    "or UTC offset is expected"
                )
            if pa.types.is_string(kind) or pa.types.is_large_string(kind):
                ok = pc.match_substring_regex(data.column(name), _OFFSET.pattern)
                bad = pc.invert(pc.fill_null(ok, True))
                if pc.any(bad).as_py():
                    row = pc.index(bad, True).as_py()
                    raise InvalidRecord(
                        f"a RecordBatch for {table!r} has a naive {name} in row {row + 1} "
                        f"({data.column(name)[row].as_py()}): a time zone or UTC offset is "
                        "expected"
                    )
    for name in counts:
        if name in names and pa.types.is_integer(data.schema.field(name).type):
            low = pc.min(data.column(name)).as_py()
            if low is not None and low < 0:
                row = pc.index(data.column(name), low).as_py()
                raise InvalidRecord(
                    f"a RecordBatch for {table!r} has {name} = {low} in row {row + 1}: counts "
                    "are >= 0, or null when unknown"
                )
    for name in required:
        if name not in names:
            continue
        column = data.column(name)
        missing = column.null_count
        empty = 0
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            empty = pc.sum(pc.equal(pc.utf8_length(column), 0)).as_py() or 0
        if missing or empty:
            raise InvalidRecord(
                f"a RecordBatch for {table!r} has {missing + empty} row(s) without {name} "
                "(a non-empty text is expected)"
            )
