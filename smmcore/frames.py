"""Tables of a report: Arrow first, pandas and polars when their extras are installed.

The KPI table is long form, one row per (KPI, scope): the client, each channel, each
network and each competitor. A chart series table has one row per (series, date). Unknown
values are nulls, never 0. pandas and polars are imported only when asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from smmcore.errors import MissingExtraError, NotFoundError

if TYPE_CHECKING:
    import pyarrow as pa

    from smmcore.report_model import Report, Series

__all__ = [
    "SeriesTable",
    "kpi_table",
    "need",
    "series_names",
    "series_table",
    "to_pandas",
    "to_polars",
]

KPI_COLUMNS: tuple[tuple[str, str], ...] = (
    ("kpi", "string"),
    ("label", "string"),
    ("unit", "string"),
    ("direction", "string"),
    ("aggregation", "string"),
    ("status", "string"),
    ("section", "string"),
    ("scope", "string"),
    ("scope_id", "string"),
    ("scope_label", "string"),
    ("value", "float64"),
    ("previous", "float64"),
    ("change", "float64"),
    ("change_pct", "float64"),
)
"""The columns of :func:`kpi_table` and their Arrow types."""

SERIES_COLUMNS: tuple[tuple[str, str], ...] = (
    ("series", "string"),
    ("key", "string"),
    ("label", "string"),
    ("owner", "string"),
    ("is_client", "bool"),
    ("network", "string"),
    ("channel", "string"),
    ("date", "date32"),
    ("value", "float64"),
)
"""The columns of a :class:`SeriesTable` and their Arrow types."""


def _schema(columns: Iterable[tuple[str, str]]) -> pa.Schema:
    import pyarrow as pa

    types = {"string": pa.string(), "float64": pa.float64(), "bool": pa.bool_()}
    types["date32"] = pa.date32()
    return pa.schema([(name, types[kind]) for name, kind in columns])


def kpi_table(report: Report) -> pa.Table:
    """The KPIs of ``report`` as an Arrow table, one row per KPI and scope (see
    :data:`KPI_COLUMNS`), in the report's order: client, channels, networks, competitors."""
    import pyarrow as pa

    rows: dict[str, list[Any]] = {name: [] for name, _ in KPI_COLUMNS}
    for row in report.kpis:
        scopes = [row.client] if row.client is not None else []
        scopes += [*row.channels, *row.networks, *row.competitors]
        for value in scopes:
            for name, item in (
                ("kpi", row.name),
                ("label", row.label),
                ("unit", row.unit),
                ("direction", row.direction),
                ("aggregation", row.aggregation),
                ("status", row.status),
                ("section", row.section),
                ("scope", value.scope),
                ("scope_id", value.scope_id),
                ("scope_label", value.label),
                ("value", value.value),
                ("previous", value.previous),
                ("change", value.change),
                ("change_pct", value.change_pct),
            ):
                rows[name].append(item)
    return pa.Table.from_pydict(rows, schema=_schema(KPI_COLUMNS))


def series_names(report: Report) -> list[str]:
    """The chart series :func:`series_table` knows for ``report``: ``followers``,
    ``engagement``, then each plugin section that carries series (by section name)."""
    names = ["followers", "engagement"]
    names += [s.name for s in report.sections if s.series and s.name not in names]
    return names


def _series_of(report: Report, name: str) -> list[Series]:
    if name == "followers":
        return list(report.series.followers)
    if name == "engagement":
        return list(report.series.engagement)
    for section in report.sections:
        if section.name == name and section.series:
            return list(section.series)
    raise NotFoundError(
        f"the report has no chart series {name!r}",
        hint=f"known series: {', '.join(series_names(report))}",
    )


class SeriesTable:
    """One chart series of a report (every channel or owner of it), as a table.

    :ivar name: the series name (``followers``, ``engagement`` or a section's name).
    :ivar series: the :class:`~smmcore.report_model.Series` objects, one per line of the chart.
    """

    def __init__(self, name: str, series: list[Series]) -> None:
        self.name = name
        self.series = series

    def __repr__(self) -> str:
        return f"SeriesTable({self.name!r}, {len(self.series)} series)"

    def to_arrow(self) -> pa.Table:
        """One row per series and date (see :data:`SERIES_COLUMNS`); unknown values null."""
        import pyarrow as pa

        rows: dict[str, list[Any]] = {name: [] for name, _ in SERIES_COLUMNS}
        for line in self.series:
            for point in line.points:
                rows["series"].append(self.name)
                rows["key"].append(line.key)
                rows["label"].append(line.label)
                rows["owner"].append(line.owner)
                rows["is_client"].append(line.is_client)
                rows["network"].append(line.network)
                rows["channel"].append(line.channel)
                rows["date"].append(point.date)
                rows["value"].append(point.value)
        return pa.Table.from_pydict(rows, schema=_schema(SERIES_COLUMNS))

    def to_pandas(self) -> Any:
        """:meth:`to_arrow` as a ``pandas.DataFrame`` (needs the ``pandas`` extra)."""
        return to_pandas(self.to_arrow())

    def to_polars(self) -> Any:
        """:meth:`to_arrow` as a ``polars.DataFrame`` (needs the ``polars`` extra)."""
        return to_polars(self.to_arrow())


def series_table(report: Report, name: str) -> SeriesTable:
    """The chart series ``name`` of ``report``; :class:`NotFoundError` lists the known ones."""
    return SeriesTable(name, _series_of(report, name))


def need(module: str, extra: str) -> Any:
    """Import the optional ``module``, or raise :class:`MissingExtraError` naming the extra
    of smmcore that installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{module} is not installed",
            extra=extra,
            hint=f"install it with: pip install 'smmcore[{extra}]' (or pip install {module}); "
            "to_arrow() needs nothing more",
        ) from None


def to_pandas(table: pa.Table) -> Any:
    """An Arrow table as a ``pandas.DataFrame`` (nullable numbers stay ``NaN``/``None``)."""
    need("pandas", "pandas")
    return table.to_pandas()


def to_polars(table: pa.Table) -> Any:
    """An Arrow table as a ``polars.DataFrame`` (nulls stay null)."""
    polars = need("polars", "polars")
    return polars.from_arrow(table)
