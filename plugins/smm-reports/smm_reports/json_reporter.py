"""The ``json`` format: the report model itself (see docs/report-schema.md)."""

from __future__ import annotations

from typing import TextIO

from smmcore.contracts import Reporter
from smmcore.report_model import Report


class JSONReporter(Reporter):
    """Writes ``report.model_dump_json()``, indented, with a final newline."""

    def render(self, report: Report, out: TextIO) -> None:
        out.write(report.model_dump_json(indent=2))
        out.write("\n")
