"""Rows of plain Python values as Arrow tables and, when installed, pandas or polars frames.

Results of the Python API that are tables (keyword signals, segment members, the renewal
table) subclass :class:`Tabular`: they list their rows as dicts and get ``to_arrow()``,
``to_pandas()`` and ``to_polars()`` from here. pyarrow is a dependency; pandas and polars are
optional extras, imported only when asked for (:mod:`smmcore.frames`, which raises
:class:`~smmcore.errors.MissingExtraError` when one is missing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def rows_to_arrow(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> Any:
    """A ``pyarrow.Table`` with ``columns`` in this order (types inferred, ``None`` is null)."""
    import pyarrow as pa

    return pa.table({name: [row.get(name) for row in rows] for name in columns})


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
        """The rows as a ``pandas.DataFrame`` (needs the ``pandas`` extra)."""
        from smmcore.frames import to_pandas

        return to_pandas(self.to_arrow())

    def to_polars(self) -> Any:
        """The rows as a ``polars.DataFrame`` (needs the ``polars`` extra)."""
        from smmcore.frames import to_polars

        return to_polars(self.to_arrow())
