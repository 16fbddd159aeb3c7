"""smm serve over HTTP (no browser): numbers, safety, plugin pages, cache, the command."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from smm_serve.app import CSP, create_app
from smm_serve.site import Site, parse_selection, quarter_spec
from starlette.testclient import TestClient

LOCAL = "http://127.0.0.1"


def client(site: Site, base_url: str = LOCAL) -> TestClient:
    return TestClient(create_app(site), base_url=base_url, follow_redirects=False)


@pytest.fixture(scope="module")
def plugin_host() -> Any:
    import smm_serve_test_pages

    from smmcore.plugins import PluginHost

    return PluginHost(plugins=[("pagetest", smm_serve_test_pages)])


@pytest.fixture(scope="module")
def local(demo_dir: Path, plugin_host: Any) -> TestClient:
    return client(Site({"forno": demo_dir}, plugin_host))


def cells(body: str, table_id: str) -> dict[str, str]:
    """``data-kpi`` -> the ``data-value`` of the first value cell, in one table."""
    table = body.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    found = {}
    for kpi, rest in re.findall(r'<tr data-kpi="([^"]+)"[^>]*>(.*?)</tr>', table, re.S):
        m = re.search(r'data-value="([^"]*)"', rest)
        found[kpi] = m.group(1) if m else None
    return found


def same(shown: str | None, expected: float | None) -> bool:
    if expected is None:
        return shown in ("", None)
    return shown not in ("", None) and abs(float(shown) - expected) <= 1e-9 * max(
        1.0, abs(expected)
    )


def test_overview_numbers_are_the_json_reports(local: TestClient, json_report: Any) -> None:
    for query, period in (("", "30d"), ("?period=90d&compare=year", "90d")):
        response = local.get(f"/w/forno/{query}")
        assert response.status_code == 200
        expected = json_report(period, "it", "year" if "year" in query else "previous")
        shown = cells(response.text, "kpis")
        values = [k for k in expected["kpis"] if k["section"] is None]
        assert set(shown) == {k["name"] for k in values}
        for k in values:
            want = k["client"]["value"] if k["client"] else None
            assert same(shown[k["name"]], want), (k["name"], shown[k["name"]], want)
        start, end = expected["period"]["start"], expected["period"]["end"]
        assert f'data-period-start="{start}" data-period-end="{end}"' in response.text


def test_channel_and_competitor_pages_show_their_scope(local: TestClient, json_report: Any) -> None:
    expected = json_report("30d", "en")
    cid = expected["channels"][0]["id"]
    body = local.get(f"/w/forno/channel/{cid}?lang=en").text
    shown = cells(body, "channel-kpis")
    for k in expected["kpis"]:
        if k["section"] is None:
            mine = next((v for v in k["channels"] if v["scope_id"] == cid), None)
            assert same(shown[k["name"]], mine["value"] if mine else None), k["name"]
    owner = next(c["owner"] for c in expected["channels"] if not c["is_client"])
    response = local.get(f"/w/forno/competitor/{owner}?lang=en")
    assert response.status_code == 200 and html.escape(owner) in response.text
    shown = cells(response.text, "competitor-kpis")
    for k in expected["kpis"]:
        theirs = next((v for v in k["competitors"] if v["scope_id"] == owner), None)
        if k["section"] is None and k["competitors"]:
            assert same(shown[k["name"]], theirs["value"] if theirs else None), k["name"]
    assert local.get("/w/forno/competitor/Nobody").status_code == 404
    assert local.get("/w/forno/channel/x:y").status_code == 404


def test_every_page_answers_with_a_strict_policy(local: TestClient) -> None:
    pages = [
        "/w/forno/", "/w/forno/competitors", "/w/forno/posts", "/w/forno/best-time",
        "/w/forno/audience", "/w/forno/keywords", "/w/forno/sync", "/w/forno/downloads",
        "/static/serve.css",
    ]  # fmt: skip
    for path in pages:
        response = local.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-security-policy"] == CSP
        assert "script-src" not in CSP and "default-src 'none'" in CSP  # no script runs
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert re.match(r"app;dur=\d+\.\d", response.headers["server-timing"])
        if path.startswith("/w/"):
            assert "<script" not in response.text.lower()
            assert not re.search(r'(src|href)="(https?:)?//', response.text.split("<main>")[0])


def test_network_text_is_escaped_and_only_http_links_kept(local: TestClient) -> None:
    body = local.get("/w/forno/posts").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body
    assert 'rel="noopener noreferrer nofollow"' in body
    assert "javascript:" not in body


def test_a_bad_period_is_one_clear_message(local: TestClient) -> None:
    response = local.get("/w/forno/?period=13x")
    assert response.status_code == 400
    assert "invalid period" in html.unescape(response.text)
    assert "30d, 90d" in html.unescape(response.text)  # how to fix it
    response = local.get("/w/forno/?period=month&month=2026-13")
    assert response.status_code == 400 and "YYYY-MM" in response.text
    assert local.get("/w/forno/?compare=decade").status_code == 400
    assert local.get("/w/nowhere/").status_code == 404


def test_period_presets_month_quarter_custom(local: TestClient, json_report: Any) -> None:
    body = local.get("/w/forno/?period=month&month=2026-02").text
    assert 'data-period-start="2026-02-01" data-period-end="2026-02-28"' in body
    body = local.get("/w/forno/?period=quarter&quarter=2026-q1").text
    assert 'data-period-start="2026-01-01" data-period-end="2026-03-31"' in body
    body = local.get("/w/forno/?period=custom&from=2026-01-10&to=2026-01-20").text
    assert 'data-period-start="2026-01-10" data-period-end="2026-01-20"' in body
    assert quarter_spec("2025-Q4").endswith("2025-12-31") or quarter_spec("2025-Q4") == "2025-Q4"


def test_the_language_follows_the_picker(local: TestClient) -> None:
    assert "<h1>Panoramica</h1>" in local.get("/w/forno/").text  # the client's language
    assert "<h1>Overview</h1>" in local.get("/w/forno/?lang=en").text
    assert "<h1>Panoramica</h1>" in local.get("/w/forno/?lang=xx").text  # unknown: the default


def test_downloads_in_every_installed_format(local: TestClient, plugin_host: Any) -> None:
    body = local.get("/w/forno/downloads?lang=en").text
    formats = [n for n, s in plugin_host.reporters().items() if s.extension]
    assert {"html", "csv", "json", "markdown"} <= set(formats)
    for name in formats:
        assert f'id="download-{name}"' in body
        response = local.get(f"/w/forno/download/{name}?lang=en")
        assert response.status_code == 200, name
        assert response.headers["content-disposition"].startswith("attachment; filename=")
        assert response.content
    csv_text = local.get("/w/forno/download/csv?lang=en").text
    assert "follower_growth" in csv_text
    assert local.get("/w/forno/download/nope").status_code == 404


def test_segment_export_is_a_csv_of_members(local: TestClient) -> None:
    body = local.get("/w/forno/audience?lang=en").text
    name = re.search(r'<tr data-segment="([^"]+)"', body).group(1)
    size = int(re.search(rf'data-segment="{re.escape(name)}".*?data-value="(\d+)"', body, re.S)[1])
    response = local.get("/w/forno/audience.csv", params={"segment": name})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.strip().splitlines()
    assert lines[0].startswith("segment,network,member,reason")
    assert len(lines) - 1 == size
    for line in lines[1:]:
        assert not line.startswith(("=", "+", "-", "@"))
    assert local.get("/w/forno/audience.csv", params={"segment": "nope"}).status_code == 404


def test_plugin_pages_are_linked_and_escaped(local: TestClient) -> None:
    overview = local.get("/w/forno/?lang=en").text
    assert 'data-nav="page:store-posts"' in overview and ">Store</a>" in overview
    body = local.get("/w/forno/page/store-posts?lang=en").text
    assert re.search(r'<p id="store-posts">Posts in the store: \d+</p>', body)
    assert "&lt;script&gt;" in body and "<script>alert" not in body
    plain = local.get("/w/forno/page/plain", params={"q": "<i>x</i>"}).text
    assert "&lt;b&gt;not bold&lt;/b&gt;" in plain and "<b>not bold" not in plain
    broken = local.get("/w/forno/page/broken?lang=en")
    assert broken.status_code == 500
    assert "this page is broken on purpose" in broken.text and "pagetest" in broken.text
    assert local.get("/w/forno/page/none").status_code == 404


def test_report_sections_of_plugins_appear_on_the_overview(local: TestClient) -> None:
    body = local.get("/w/forno/?lang=en").text
    section = body.split('id="section-posts-per-channel"', 1)[1].split("</section>", 1)[0]
    assert "<h2>Posts &lt;i&gt;per&lt;/i&gt; channel</h2>" in section
    assert "instagram:fornorossi.bologna" in section
    assert re.search(r'<td class="num" data-value="\d+">', section)


def test_repeated_views_come_from_the_cache(demo_dir: Path, host: Any) -> None:
    site = Site({"forno": demo_dir}, host)
    c = client(site)
    c.get("/w/forno/?period=90d")
    misses = site.cache.misses
    for path in (
        "/w/forno/?period=90d",
        "/w/forno/posts?period=90d",
        "/w/forno/best-time?period=90d",
    ):
        assert c.get(path).status_code == 200
    assert site.cache.misses == misses and site.cache.hits >= 3
    # a write to the store (what a sync does, from any process) makes the next view rebuild
    store = demo_dir / ".smm" / "store.duckdb"
    stat = store.stat()
    import os

    os.utime(store, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    c.get("/w/forno/?period=90d")
    assert site.cache.misses == misses + 1


def test_several_workspaces_one_per_client(demo_dir: Path, host: Any, tmp_path: Path) -> None:
    from smm_serve.site import discover_workspaces

    new = tmp_path / "clients" / "Bar Sport"
    new.mkdir(parents=True)
    (new / "smm.toml").write_text(
        '[client]\nname = "Bar Sport"\n\n[[channels]]\nnetwork = "mastodon"\n'
        'handle = "barsport@example.social"\n',
        encoding="utf-8",
    )
    (tmp_path / "clients" / "notes").mkdir()  # no smm.toml: not a workspace
    found = discover_workspaces(tmp_path / "clients")
    assert found == {"bar-sport": new.resolve()}
    c = client(Site({"forno": demo_dir, **found}, host))
    index = c.get("/")
    assert index.status_code == 200
    assert 'href="/w/forno/"' in index.text and 'href="/w/bar-sport/"' in index.text
    # never synced: the overview says what to do, the sync page still opens
    overview = c.get("/w/bar-sport/?lang=en")
    assert overview.status_code == 503 and "smm sync" in html.unescape(overview.text)
    sync = c.get("/w/bar-sport/sync?lang=en")
    assert sync.status_code == 200 and "never been synced" in sync.text
    assert "<h1>Overview</h1>" in c.get("/w/forno/?lang=en").text


# --------------------------------------------------------------------------- safety


def test_off_loopback_the_token_is_required(demo_dir: Path, host: Any) -> None:
    site = Site({"forno": demo_dir}, host, token="s3cret-token", loopback=False)
    c = client(site, "http://192.0.2.10:8765")
    for path in ("/", "/w/forno/", "/w/forno/posts", "/static/serve.css", "/w/forno/download/csv"):
        response = c.get(path)
        assert response.status_code == 401, path
        assert "token" in response.text and "s3cret" not in response.text
    assert c.get("/w/forno/?token=wrong").status_code == 401
    response = c.get("/w/forno/?lang=en&token=s3cret-token")
    assert response.status_code == 303
    assert response.headers["location"] == "/w/forno/?lang=en"  # the token leaves the URL
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert c.get("/w/forno/?lang=en").status_code == 200  # the cookie now opens it


def test_on_loopback_other_host_names_are_refused(demo_dir: Path, host: Any) -> None:
    c = client(Site({"forno": demo_dir}, host))
    assert c.get("/w/forno/posts").status_code == 200
    assert c.get("/w/forno/posts", headers={"host": "localhost:8765"}).status_code == 200
    rebound = c.get("/w/forno/posts", headers={"host": "attacker.example:8765"})
    assert rebound.status_code == 400 and "localhost" in rebound.text


def test_cross_site_posts_are_refused(demo_dir: Path, host: Any) -> None:
    site = Site({"forno": demo_dir}, host, allow_sync=True)
    c = client(site)
    body = c.get("/w/forno/sync").text
    token = re.search(r'name="csrf" value="([^"]+)"', body).group(1)
    assert token == site.csrf_token
    same = {"origin": LOCAL}
    cases = [
        ({"origin": "http://evil.example"}, {"csrf": token}),  # another site, even with token
        ({"origin": "null"}, {"csrf": token}),
        ({}, {"csrf": token}),  # no Origin, no Referer
        ({"origin": LOCAL, "sec-fetch-site": "cross-site"}, {"csrf": token}),
        (same, {}),  # no token
        (same, {"csrf": "guess"}),
    ]
    for headers, form in cases:
        response = c.post("/w/forno/sync", headers=headers, data=form)
        assert response.status_code == 403, (headers, form)
    assert "forno" not in site.sync_runs  # nothing ran
    response = c.post("/w/forno/sync", headers=same, data={"csrf": token})
    assert response.status_code == 303
    assert site.sync_runs["forno"].ok
    page = c.get("/w/forno/sync?lang=en").text
    assert "Sync finished" in page and 'id="sync-state"' in page


def test_sync_waits_its_turn_behind_another_smm_process(
    demo_dir: Path, host: Any, tmp_path: Path
) -> None:
    """Another process writing the store (an 'smm sync' in a terminal) holds DuckDB's file
    lock: the page's sync is refused with the CLI's message, a new report says the store is
    busy, and the store is left as it was."""
    import shutil

    folder = tmp_path / "copy"
    shutil.copytree(demo_dir, folder)
    store = folder / ".smm" / "store.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True);"
         " time.sleep(120)", str(store)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = store.stat().st_mtime_ns
        site = Site({"forno": folder}, host, allow_sync=True)
        c = client(site)
        busy = c.get("/w/forno/?lang=en")
        assert busy.status_code == 503
        assert "in use by another smm command" in html.unescape(busy.text)
        page = c.get("/w/forno/sync?lang=en")
        assert page.status_code == 200 and 'id="store-busy"' in page.text
        response = c.post(
            "/w/forno/sync", headers={"origin": LOCAL}, data={"csrf": site.csrf_token}
        )
        assert response.status_code == 303
        run = site.sync_runs["forno"]
        assert not run.ok and "in use by another smm command" in " ".join(run.lines)
        assert store.stat().st_mtime_ns == before
    finally:
        holder.kill()
        holder.wait(20)
    # once the other process is done, the dashboard reads the store again
    assert c.get("/w/forno/?lang=en").status_code == 200


def test_without_allow_sync_the_dashboard_is_read_only(local: TestClient) -> None:
    body = local.get("/w/forno/sync?lang=en").text
    assert 'id="sync-off"' in body and "--allow-sync" in body and '<form method="post"' not in body
    response = local.post("/w/forno/sync", headers={"origin": LOCAL}, data={"csrf": "x"})
    assert response.status_code == 403 and "--allow-sync" in response.text


def test_selection_defaults_to_the_workspace(demo_dir: Path) -> None:
    from smmcore.workspace import load_workspace

    cfg = load_workspace(demo_dir).config
    sel = parse_selection({}, cfg)
    assert sel.spec is None and sel.lang == "it"
    assert parse_selection({"period": "90d", "lang": "en"}, cfg).params() == {
        "period": "90d",
        "lang": "en",
    }


# --------------------------------------------------------------------------- the command


def test_smm_serve_off_loopback_prints_the_token_once(demo_dir: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "smmcore", "-w", str(demo_dir), "serve", "--host", "0.0.0.0",
         "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        line = proc.stdout.readline()
        m = re.search(r"at http://[^:]+:(\d+)/\?token=([\w-]+)", line)
        assert m, line
        port, token = m.group(1), m.group(2)
        base = f"http://127.0.0.1:{port}"
        # the URL is printed once the socket listens: the first connection is served
        response = httpx.get(f"{base}/w/forno/posts", timeout=120)
        assert response.status_code == 401
        with httpx.Client(base_url=base, follow_redirects=True, timeout=120) as c:
            assert c.get(f"/?token={token}").status_code == 200
            assert c.get("/w/forno/posts").status_code == 200
    finally:
        proc.terminate()
        rest = proc.communicate(timeout=20)[0]
    assert (line + rest).count(token) == 1  # printed once, never logged again


def test_smm_serve_says_when_the_port_is_taken(demo_dir: Path) -> None:
    from click.testing import CliRunner
    from smm_serve.cli import bind

    from smmcore.cli.app import App
    from smmcore.cli.main import cli

    sock = bind("127.0.0.1", 0)
    try:
        port = sock.getsockname()[1]
        result = CliRunner().invoke(
            cli, ["-w", str(demo_dir), "serve", "--port", str(port)], obj=App()
        )
    finally:
        sock.close()
    assert result.exit_code != 0
    assert f"cannot listen on 127.0.0.1:{port}" in str(result.exception)
    assert "--port" in result.exception.format_message()
