"""Entry point of the smm-reports plugin: registrations only, nothing heavy is imported here."""

from __future__ import annotations

from collections.abc import Callable

from smmcore import ReporterSpec, hookimpl


@hookimpl
def smm_register_reporters(register: Callable[[ReporterSpec], None]) -> None:
    """Register the terminal, Markdown, JSON, CSV, HTML and PDF report formats."""
    register(
        ReporterSpec(
            name="terminal",
            description="Rich tables in the terminal.",
            impl="smm_reports.terminal:TerminalReporter",
            extension=".txt",
            media_type="text/plain",
        )
    )
    register(
        ReporterSpec(
            name="markdown",
            description="A Markdown document (KPI table, top posts, benchmark, notes).",
            impl="smm_reports.markdown:MarkdownReporter",
            extension=".md",
            media_type="text/markdown",
        )
    )
    register(
        ReporterSpec(
            name="json",
            description="The report model as JSON (schema in docs/report-schema.md).",
            impl="smm_reports.json_reporter:JSONReporter",
            extension=".json",
            media_type="application/json",
        )
    )
    register(
        ReporterSpec(
            name="csv",
            description="The KPI table as CSV, one row per KPI and scope.",
            impl="smm_reports.csv_reporter:CSVReporter",
            extension=".csv",
            media_type="text/csv",
        )
    )
    register(
        ReporterSpec(
            name="html",
            description="One self-contained HTML file with inline SVG charts, no network use.",
            impl="smm_reports.html:HTMLReporter",
            extension=".html",
            media_type="text/html",
        )
    )
    register(
        ReporterSpec(
            name="pdf",
            description="The HTML report printed on A4 by Chromium: page numbers, a header with "
            "client and period, fonts embedded (extra smm-reports[pdf] and a Chromium browser).",
            impl="smm_reports.pdf:PDFReporter",
            extension=".pdf",
            media_type="application/pdf",
            binary=True,
        )
    )
