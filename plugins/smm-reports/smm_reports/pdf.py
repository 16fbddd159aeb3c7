"""The ``pdf`` format: the HTML report printed on A4 by headless Chromium.

Chromium is the engine that draws the HTML report in a browser, so the PDF shows the same
charts, fonts and right-to-left text; it embeds the fonts it uses (Noto for Arabic and emoji
on Debian). Playwright (the ``smm-reports[pdf]`` extra) drives a Chromium installed on the
machine (``SMM_CHROMIUM``, else ``chromium``, ``chromium-browser``, ``google-chrome`` on the
PATH); it never downloads a browser. Each page has a header with the client and the period
and a footer with ``Page N of M``; charts, table rows and the summary never break across pages.
"""

from __future__ import annotations

import os
import shutil
from typing import Any, BinaryIO

from markupsafe import escape

from smm_reports import fmt
from smm_reports.html import render_html
from smmcore.contracts import Reporter
from smmcore.errors import SmmError
from smmcore.i18n import t
from smmcore.report_model import Report

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = (
    "install the PDF extra and a Chromium browser: pip install 'smm-reports[pdf]' (or "
    "'smmcore[pdf]'), then on Debian/Ubuntu apt-get install chromium fonts-noto-core "
    "fonts-noto-color-emoji; or set SMM_CHROMIUM to a Chromium or Chrome executable"
)


def find_browser() -> str:
    """The Chromium executable to print with.

    :raises SmmError: when none is found.
    """
    configured = os.environ.get("SMM_CHROMIUM")
    if configured:
        if shutil.which(configured) or os.access(configured, os.X_OK):
            return shutil.which(configured) or configured
        raise SmmError(f"SMM_CHROMIUM={configured!r} is not an executable", hint=INSTALL_HINT)
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise SmmError("the PDF report needs a Chromium browser and none was found", hint=INSTALL_HINT)


def _header(report: Report) -> str:
    period = fmt.period_text(report)
    return (
        '<div style="font-size:8px;width:100%;margin:0 14mm;display:flex;'
        'justify-content:space-between;color:#6b7280;font-family:sans-serif">'
        f"<span>{escape(t('report_title', report.language))}: {escape(report.client.name)}</span>"
        f"<span>{escape(t('period', report.language))}: {escape(period)}</span></div>"
    )


def _footer(report: Report) -> str:
    text = str(escape(t("page_of", report.language)))
    text = text.replace("{page}", '<span class="pageNumber"></span>').replace(
        "{pages}", '<span class="totalPages"></span>'
    )
    return (
        '<div style="font-size:8px;width:100%;text-align:center;color:#6b7280;'
        f'font-family:sans-serif">{text}</div>'
    )


def render_pdf(report: Report, *, browser: str | None = None) -> bytes:
    """The PDF of ``report`` (A4, header and page numbers, fonts embedded).

    :raises SmmError: when Playwright or a Chromium browser is missing, or printing fails.
    """
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SmmError(
            "the PDF report needs the smm-reports[pdf] extra (Playwright)", hint=INSTALL_HINT
        ) from None
    executable = browser or find_browser()
    html = render_html(report, for_print=True)
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(
                executable_path=executable, args=["--no-sandbox", "--disable-gpu"]
            )
            try:
                page = chromium.new_page()
                page.set_content(html, wait_until="load")
                page.emulate_media(media="print")
                return page.pdf(
                    format="A4",
                    print_background=True,
                    display_header_footer=True,
                    header_template=_header(report),
                    footer_template=_footer(report),
                    margin={"top": "16mm", "bottom": "14mm", "left": "12mm", "right": "12mm"},
                )
            finally:
                chromium.close()
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SmmError(
            f"Chromium ({executable}) could not print the PDF: {first}", hint=INSTALL_HINT
        ) from exc


class PDFReporter(Reporter):
    """Writes the PDF bytes to a binary stream (``ReporterSpec.binary``)."""

    binary = True
    """Callers that hold only the instance (``smm serve``) see it writes bytes too."""

    def render(self, report: Report, out: Any) -> None:
        data = render_pdf(report)
        stream: BinaryIO = out.buffer if hasattr(out, "encoding") else out  # a text stream
        stream.write(data)
