"""The ``csv`` format: the KPI table, one row per KPI and scope; then one row per row of each
plugin section's table (``kpi`` = ``section:<name>``, the cells joined by `` | `` in
``scope_label``)."""

from __future__ import annotations

from typing import TextIO

from smmcore.contracts import Reporter
from smmcore.report_model import Report

COLUMNS = [
    "kpi",
    "label",
    "unit",
    "direction",
    "aggregation",
    "formula",
    "scope",
    "scope_id",
    "scope_label",
    "period_start",
    "period_end",
    "value",
    "previous",
    "change",
    "change_pct",
    "status",
]


def _cell(value: float | None) -> str:
    return (
        ""
        if value is None
        else repr(float(value))
        if not float(value).is_integer()
        else str(int(value))
    )


class CSVReporter(Reporter):
    """Machine-readable numbers (dot decimals, empty cell for unknown) with localized labels.

    Scopes come in the order client, channels, networks, competitors.
    """

    def render(self, report: Report, out: TextIO) -> None:
        from smmcore.safeout import safe_csv_writer

        writer = safe_csv_writer(out)
        writer.writerow(COLUMNS)
        for row in report.kpis:
            scopes = [row.client] if row.client else []
            scopes += row.channels + row.networks + row.competitors
            if not scopes:
                scopes = [None]
            for sv in scopes:
                writer.writerow(
                    [
                        row.name,
                        row.label,
                        row.unit,
                        row.direction,
                        row.aggregation,
                        row.formula,
                        sv.scope if sv else "",
                        sv.scope_id if sv else "",
                        sv.label if sv else "",
                        report.period.start.isoformat(),
                        report.period.end.isoformat(),
                        _cell(sv.value) if sv else "",
                        _cell(sv.previous) if sv else "",
                        _cell(sv.change) if sv else "",
                        _cell(sv.change_pct) if sv else "",
                        row.status,
                    ]
                )
        for section in report.sections:
            rows = section.table.rows if section.table is not None else []
            for i, cells in enumerate(rows):
                text = " | ".join("" if c is None else str(c) for c in cells)
                empty = [""] * 5
                writer.writerow(
                    [
                        f"section:{section.name}",
                        section.title,
                        section.unit,
                        "",
                        "",
                        "",
                        "row",
                        str(i),
                        text,
                        report.period.start.isoformat(),
                        report.period.end.isoformat(),
                        *empty[:4],
                        "ok",
                    ]
                )
