"""Turning records into Arrow tables.

A :class:`~smmcore.contracts.RecordBatch` is converted here once; :func:`models_to_arrow`
converts models column by column (the unit writer itself binds models as typed LIST
parameters instead). Nothing is ever inserted row by row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from smmcore.errors import StoreError

SEQ = "__smm_seq"
"""The column that numbers incoming rows, so the last of two rows with one key wins."""

_ARROW_TYPES = {
    "VARCHAR": "string",
    "BIGINT": "int64",
    "INTEGER": "int32",
    "DOUBLE": "float64",
    "BOOLEAN": "bool_",
    "DATE": "date32",
}


def arrow_type(sql_type: str) -> Any:
    """The Arrow type matching a store column type (timestamps are microseconds in UTC)."""
    import pyarrow as pa

    sql_type = sql_type.upper()
    if sql_type.startswith("TIMESTAMP"):
        return pa.timestamp("us", tz="UTC")
    name = _ARROW_TYPES.get(sql_type)
    return getattr(pa, name)() if name else None


def _array(values: Any, sql_type: str) -> Any:
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray | pa.Array):
        return values
    wanted = arrow_type(sql_type)
    if wanted is not None:
        try:
            return pa.array(values, type=wanted)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
            pass  # e.g. ISO strings for a timestamp: let the SQL CAST parse them
    return pa.array(values)


def seq_array(start: int, count: int) -> Any:
    """``start, start + 1, ...``: ``count`` sequence numbers as an Arrow array."""
    import pyarrow as pa

    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy comes with pyarrow in practice
        return pa.array(range(start, start + count), type=pa.int64())
    return int64_array(np.arange(start, start + count, dtype=np.int64))


def int64_array(values: Any) -> Any:
    """A numpy int64 array as an Arrow array, without a copy. ``pa.array(ndarray)`` would
    import pandas on first use (about a second of a fresh process)."""
    import numpy as np
    import pyarrow as pa

    values = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def arrow_columns(cols: Mapping[str, Sequence[Any]], types: Mapping[str, str]) -> Any:
    """Column -> Python values (the store columns of ``types``, and SEQ) as an Arrow table."""
    import pyarrow as pa

    arrays = {n: _array(v, types[n]) for n, v in cols.items() if n != SEQ}
    arrays[SEQ] = pa.array(cols[SEQ], type=pa.int64())
    return pa.table(arrays)


def models_to_arrow(models: Sequence[Any], columns: Mapping[str, str]) -> Any:
    """Convert models of one record type into an Arrow table of the store ``columns``
    (name -> SQL type) the model has."""
    import pyarrow as pa

    fields = type(models[0]).model_fields
    arrays = {}
    for name, sql_type in columns.items():
        if name in fields:
            arrays[name] = _array([getattr(m, name) for m in models], sql_type)
    return pa.table(arrays)


def batch_to_arrow(table: str, data: Any, columns: Mapping[str, str]) -> Any:
    """Convert the columns of a :class:`~smmcore.contracts.RecordBatch` (a mapping of column
    -> values, or a ``pyarrow.Table``) into an Arrow table; unknown columns are an error."""
    import pyarrow as pa

    if isinstance(data, pa.RecordBatch):
        data = pa.Table.from_batches([data])
    if isinstance(data, pa.Table):
        names = list(data.column_names)
    elif isinstance(data, Mapping):
        names = list(data)
    else:
        raise StoreError(
            f"a RecordBatch for {table!r} holds {type(data).__name__}",
            hint="pass a dict of column -> values or a pyarrow.Table",
        )
    from smmcore.store.validate import check_arrow, check_columns

    unknown = [n for n in names if n not in columns]
    if unknown:
        raise StoreError(
            f"a RecordBatch for {table!r} has unknown column(s): {', '.join(unknown)}",
            hint=f"the columns of {table!r} are: {', '.join(columns)}",
        )
    if isinstance(data, pa.Table):
        check_arrow(table, data)
        return data
    check_columns(table, data)
    arrays = {name: _array(data[name], columns[name]) for name in names}
    lengths = {len(a) for a in arrays.values()}
    if len(lengths) > 1:
        raise StoreError(
            f"a RecordBatch for {table!r} has columns of different lengths: "
            + ", ".join(f"{n}={len(a)}" for n, a in arrays.items()),
        )
    converted = pa.table(arrays)
    check_arrow(table, converted)
    return converted
