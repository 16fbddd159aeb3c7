"""Rows of plain Python values as Arrow tables and, when installed, pandas or polars frames.

Results of the Python API that are tables (keyword signals, segment members, the renewal
table) subclass :class:`Tabular`: they list their rows as dicts and get ``to_arrow()``,
``to_pandas()`` and ``to_polars()`` from here. pyarrow is a dependency; pandas and polars are
optional and imported only when asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def rows_to_arrow(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> Any:
    """A ``pyarrow.Table`` with ``columns`` in this order (types inferred, ``None`` is null)."""
    import pyarrow as pa

    return pa.table({name: [row.get(name) for row in rows] for name in columns})


def optional_module(name: str) -> Any:
    """Import an optional library (``pandas``, ``polars``), or raise
    :class:`~smmcore.errors.MissingExtraError` naming the extra that installs it."""
    from smmcore.frames import need

    return need(name, name)


class Tabular:
    """Mixin: ``to_arrow()``, ``to_pandas()``, ``to_polars()`` from :meth:`rows`."""

    columns: tuple[str, ...] = ()
    """The column names, in order (also when there are no rows)."""

    def rows(self) -> list[dict[str, Any]]:
        """One dict per row, keyed by :attr:`columns`."""
        raise NotImplementedError

    def to_arrow(self) -> Any:
        """The rows as a ``pyarrow.Table``."""
        rows = self.rows()
        columns = list(self.columns)
        for row in rows:  # columns some rows add (e.g. a segmenter's scores)
            columns.extend(k for k in row if k not in columns)
        return rows_to_arrow(rows, columns)

    def to_pandas(self) -> Any:
        """The rows as a ``pandas.DataFrame`` (needs pandas)."""
        optional_module("pandas")
        return self.to_arrow().to_pandas()

    def to_polars(self) -> Any:
        """The rows as a ``polars.DataFrame`` (needs polars)."""
        polars = optional_module("polars")
        return polars.from_arrow(self.to_arrow())
