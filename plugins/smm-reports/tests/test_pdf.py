"""The PDF report and the HTML report as a reader sees them: printed by Chromium, pages
rendered to images with poppler (pdftoppm), text read back with pdftotext, the HTML viewed
in a real browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from smmcore.cli.app import App
from smmcore.cli.main import cli

END = date(2026, 3, 31)  # a Tuesday: the last week of the engagement chart has 2 days
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MISSING = CHROMIUM is None or shutil.which("pdftoppm") is None
if MISSING and os.environ.get("SMM_REQUIRE_BROWSER"):  # CI: never skip silently
    raise RuntimeError("SMM_REQUIRE_BROWSER is set but chromium or poppler-utils is missing")
needs_browser = pytest.mark.skipif(
    MISSING, reason="needs Debian's chromium and poppler-utils (.ci/run installs them)"
)
pytest.importorskip("playwright", reason="needs the smm-reports[pdf] extra")


def run(ws: Path, *args: str):
    return CliRunner().invoke(cli, list(args), obj=App(workspace_dir=ws), catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from smm_files.demo import write_demo_workspace

    ws = write_demo_workspace(tmp_path_factory.mktemp("pdf") / "ws", end_date=END)
    assert run(ws, "sync").exit_code == 0
    return ws


@pytest.fixture(scope="module")
def pdf(demo_ws: Path) -> Path:
    target = demo_ws / "report.pdf"
    result = run(demo_ws, "report", "--format", "pdf", "--audience", "client", "-o", str(target))
    assert result.exit_code == 0, result.output
    return target


def pages_text(path: Path) -> list[str]:
    count = page_count(path)
    return [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(path), "-"],
            capture_output=True, text=True, check=True,
        ).stdout
        for i in range(1, count + 1)
    ]  # fmt: skip


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))


def ink(ppm: bytes) -> float:
    """The share of non-white bytes of a binary PPM/PGM image."""
    parts = ppm.split(b"\n", 3)  # magic, size, max value, pixels
    pixels = parts[3]
    return sum(1 for b in pixels[::7] if b < 200) / max(len(pixels[::7]), 1)


@needs_browser
def test_pdf_pages_are_a4_numbered_with_a_header(pdf: Path) -> None:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "(A4)" in info.stdout
    pages = pages_text(pdf)
    assert 3 <= len(pages) <= 20
    for number, text in enumerate(pages, start=1):
        assert f"Pagina {number} di {len(pages)}" in text
        assert "Report social media: Forno Rossi" in text
        assert "Periodo: 02/03/2026 \u2013 31/03/2026" in text
    # the client view: the summary alone on the first page, the formulas in an appendix
    assert "Sintesi" in pages[0] and "Follower nel tempo" not in pages[0]
    assert "Appendice: come si calcola ogni KPI" in pages[-1] or any(
        "Appendice" in p for p in pages[-2:]
    )


@needs_browser
def test_pdf_pages_render_to_images(pdf: Path, tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "30", "-gray", str(pdf), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.pgm"))
    assert len(images) == page_count(pdf)
    for image in images:  # every page has at least its header and page number
        assert ink(image.read_bytes()) > 0.001, f"{image.name} is blank"
    assert ink(images[0].read_bytes()) > 0.01  # the summary page is full


@needs_browser
def test_no_chart_is_split_across_pages(pdf: Path) -> None:
    pages = pages_text(pdf)

    def page_of(*texts: str) -> set[int]:
        return {i for i, p in enumerate(pages) for text in texts if text in p}

    # each chart's heading, top (axis title), bottom (x axis, legend) on one page
    engagement = page_of("Interazioni per settimana", "Settimana (da lunedì)", "tratteggio")
    assert len(engagement) == 1, engagement
    heatmap = page_of("Interazioni per post per giorno", "Ora del giorno", "bordo: fasce migliori")
    assert len(heatmap) == 1, heatmap
    text = pages[engagement.pop()]
    assert "parziale" in text  # the partial last week is labelled


@needs_browser
def test_pdf_embeds_fonts_for_arabic_and_emoji(tmp_path: Path) -> None:
    from smm_reports.pdf import render_pdf
    from smm_reports.sample import sample_report

    report = sample_report("it")
    report.top_posts[0].text = "مخبز الحي 🍞 pane caldo"
    target = tmp_path / "rtl.pdf"
    target.write_bytes(render_pdf(report))
    fonts = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all(row[-5] == "yes" for row in rows)  # the "emb" column: all embedded
    assert any("Arabic" in line for line in fonts.splitlines())
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True).stdout
    assert "pane caldo" in text and "مخبز" in text


def test_a_missing_browser_is_one_clear_message(demo_ws: Path, monkeypatch) -> None:
    monkeypatch.setenv("SMM_CHROMIUM", "/nonexistent/chromium")
    result = CliRunner().invoke(
        cli, ["report", "-f", "pdf", "-o", str(demo_ws / "x.pdf")], obj=App(workspace_dir=demo_ws)
    )
    assert result.exit_code == 1
    message = result.exception.format_message()
    assert "SMM_CHROMIUM='/nonexistent/chromium' is not an executable" in message
    assert "apt-get install chromium" in message and "smm-reports[pdf]" in message
    assert not (demo_ws / "x.pdf").exists()


@needs_browser
def test_the_html_in_a_browser_shows_partial_weeks_axis_titles_and_the_heat_scale(
    demo_ws: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    target = demo_ws / "report.html"
    assert run(demo_ws, "report", "--format", "html", "-o", str(target)).exit_code == 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(target.as_uri())
            chart = page.locator("#charts figure.chart-block").filter(
                has=page.locator("text=tratteggio")
            )
            assert chart.count() == 1
            for text in ("parziale", "Interazioni", "Settimana (da lunedì)"):
                label = chart.locator("text", has_text=text).first
                assert label.is_visible(), text
                box = label.bounding_box()
                assert box and box["width"] > 0 and box["height"] > 0
            heat = page.locator("svg.heatmap g.heat-scale")
            assert heat.is_visible() and "Interazioni per post" in (heat.text_content() or "")
            assert heat.bounding_box()["width"] > 200  # a drawn scale, not an empty group
            shot = chart.screenshot(path=str(tmp_path / "engagement.png"))
            assert len(shot) > 5000  # a drawn chart, not an empty box
            assert page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
        finally:
            browser.close()
