"""smm serve in a real browser: Debian's headless Chromium driven by Playwright.

The dashboard runs no script of its own; these tests click through it as a user does and
compare what the page shows with ``smm report --format json`` for the same period.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

from smm_reports import fmt

DOCS = Path(__file__).resolve().parents[3] / "docs"
SCREENSHOT = DOCS / "serve-overview.png"


def picture_stats(browser: Any, png: bytes) -> dict[str, float]:
    """Distinct colours and the share of non-white pixels of a PNG (decoded by the browser,
    in a blank tab of its own: the dashboard's pages run no script)."""
    tab = browser.new_page()
    try:
        return tab.evaluate(
            """async (src) => {
                const img = new Image(); img.src = src; await img.decode();
                const c = document.createElement('canvas');
                c.width = img.width; c.height = img.height;
                const g = c.getContext('2d'); g.drawImage(img, 0, 0);
                const d = g.getImageData(0, 0, c.width, c.height).data;
                const colours = new Set(); let ink = 0;
                for (let i = 0; i < d.length; i += 16) {
                    colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
                    if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) ink++;
                }
                return {colours: colours.size, ink: ink / (d.length / 16),
                        width: c.width, height: c.height};
            }""",
            "data:image/png;base64," + base64.b64encode(png).decode(),
        )
    finally:
        tab.close()


def kpi_values(page: Any, table: str = "#kpis") -> dict[str, tuple[str, str]]:
    """KPI name -> (data-value, text shown) of the value column."""
    return page.eval_on_selector_all(
        f"{table} tr[data-kpi]",
        """rows => Object.fromEntries(rows.map(r => {
            const cell = r.querySelector('td.value') || r.querySelector('td');
            return [r.dataset.kpi, [cell.dataset.value, cell.innerText.trim()]];
        }))""",
    )


def check_numbers(page: Any, report: dict[str, Any]) -> None:
    shown = kpi_values(page)
    values = [k for k in report["kpis"] if k["section"] is None]
    assert set(shown) == {k["name"] for k in values}
    for k in values:
        want = k["client"]["value"] if k["client"] else None
        raw, text = shown[k["name"]]
        if want is None:
            assert raw == ""
        else:
            assert abs(float(raw) - want) <= 1e-9 * max(1, abs(want)), k["name"]
        # the text a user reads is the JSON value, formatted the way the reports format it
        assert text == fmt.with_unit(want, k["unit"], report["language"]), k["name"]


def test_overview_matches_the_json_report_and_draws_its_charts(
    server: Any, page: Any, browser: Any, json_report: Any, tmp_path: Path
) -> None:
    page.goto(f"{server.url}/w/forno/?lang=en")
    assert page.inner_text("h1") == "Overview"
    check_numbers(page, json_report("30d", "en"))
    for chart in ("#chart-followers", "#chart-engagement", "#chart-heatmap", "#chart-benchmark"):
        box = page.locator(f"{chart} svg").bounding_box()
        assert box and box["width"] > 600 and box["height"] > 100, chart
    assert page.locator("#chart-followers polyline").count() == 3  # one line per own channel
    assert page.locator("#chart-heatmap rect").count() >= 7 * 24
    notes = page.locator(".notes li")
    assert notes.count() == len(json_report("30d", "en")["notes"])

    png = page.screenshot(full_page=True)
    stats = picture_stats(browser, png)
    assert stats["width"] == 1280 and stats["height"] > 1500
    assert stats["colours"] > 50 and 0.05 < stats["ink"] < 0.9  # not blank, not one block
    chart_png = page.locator("#chart-followers").screenshot()
    chart = picture_stats(browser, chart_png)
    assert chart["colours"] > 10 and chart["ink"] > 0.02  # lines and labels were painted
    target = SCREENSHOT if os.environ.get("SMM_UPDATE_SCREENSHOTS") else tmp_path / "o.png"
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(f"{server.url}/w/forno/?lang=en")  # from the top, for the docs
    page.screenshot(path=str(target))
    assert page.dialogs == []
    assert page.errors == []  # no CSP violation, nothing failed to load


def test_change_period_comparison_and_language(server: Any, page: Any, json_report: Any) -> None:
    page.goto(f"{server.url}/w/forno/")
    assert page.inner_text("h1") == "Panoramica"  # the client's language (it)
    check_numbers(page, json_report("30d", "it"))
    page.select_option("select[name=period]", "90d")
    page.select_option("select[name=compare]", "year")
    page.click("form.picker button[type=submit]")
    page.wait_for_load_state()
    expected = json_report("90d", "it", "year")
    period = page.locator("p.period")
    assert period.get_attribute("data-period-start") == expected["period"]["start"]
    check_numbers(page, expected)
    assert "stesso periodo" in period.inner_text()  # compared with the same period a year earlier

    page.click("a[data-lang=en]")
    assert page.inner_text("h1") == "Overview"
    assert "period=90d" in page.url and "compare=year" in page.url  # the choice is kept
    check_numbers(page, json_report("90d", "en", "year"))

    page.select_option("select[name=period]", "custom")
    page.fill("input[name=from]", "2026-01-01")
    page.fill("input[name=to]", "2026-01-31")
    page.click("form.picker button[type=submit]")
    check_numbers(page, json_report("2026-01-01..2026-01-31", "en", "year"))
    page.select_option("select[name=period]", "month")
    page.fill("input[name=month]", "2026-02")
    page.click("form.picker button[type=submit]")
    assert page.locator("p.period").get_attribute("data-period-end") == "2026-02-28"


def test_open_a_channel_and_a_competitor(server: Any, page: Any, json_report: Any) -> None:
    report = json_report("30d", "en")
    page.goto(f"{server.url}/w/forno/?lang=en")
    first = report["channels"][0]
    page.click(f"a[data-channel='{first['id']}']")
    assert page.inner_text("h1") == first["label"]
    shown = kpi_values(page, "#channel-kpis")
    growth = next(k for k in report["kpis"] if k["name"] == "follower_growth")
    mine = next(v for v in growth["channels"] if v["scope_id"] == first["id"])
    assert float(shown["follower_growth"][0]) == mine["value"]
    assert page.locator("#chart-followers polyline").count() == 1

    page.click("a[data-nav=competitors]")
    rival = next(o for o in report["benchmark"]["owners"] if not o["is_client"])
    page.click(f"a[data-competitor='{rival['owner']}']")
    assert page.inner_text("h1") == rival["owner"]
    assert page.locator("#competitor-kpis tr[data-kpi]").count() > 3
    assert page.locator("#chart-followers polyline").count() >= 1


def test_download_the_html_and_csv_reports(server: Any, page: Any, json_report: Any) -> None:
    page.goto(f"{server.url}/w/forno/downloads?lang=en&period=90d")
    with page.expect_download() as info:
        page.click("#download-html")
    html = Path(info.value.path()).read_text("utf-8")
    assert info.value.suggested_filename.endswith(".html")
    assert "Forno Rossi" in html and "<svg" in html
    assert "<script>alert(1)</script>" not in html
    with page.expect_download() as info:
        page.click("#download-csv")
    csv_text = Path(info.value.path()).read_text("utf-8")
    assert info.value.suggested_filename.endswith(".csv")
    expected = json_report("90d", "en")
    start = expected["period"]["start"]
    assert start in info.value.suggested_filename
    assert "follower_growth" in csv_text and "engagement_rate_followers" in csv_text


def test_a_post_holding_a_script_is_inert(server: Any, page: Any) -> None:
    page.goto(f"{server.url}/w/forno/posts?lang=en&period=90d")
    texts = page.locator("td.text").all_inner_texts()
    assert any("<script>alert(1)</script>" in text for text in texts)  # shown as text
    assert page.evaluate("document.scripts.length") == 0
    assert page.dialogs == [] and page.errors == []


def test_sync_from_the_page(server: Any, page: Any) -> None:
    page.goto(f"{server.url}/w/forno/sync?lang=en")
    assert page.locator("#sync-state tr[data-unit]").count() >= 1
    page.click("#sync-now")
    page.wait_for_selector("#sync-run")
    assert "Sync finished" in page.inner_text("#sync-run")
    assert page.dialogs == []
