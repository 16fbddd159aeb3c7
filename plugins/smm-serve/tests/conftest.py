"""Fixtures of the smm serve tests: one demo workspace, one dashboard server and one headless
Chromium per test session (each is slow to start; the tests only read, except the sync test,
which runs an idempotent sync)."""

from __future__ import annotations

import os
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# the test plugin (smm_serve_test_pages) is imported by name, like an installed plugin
sys.path.insert(0, str(Path(__file__).resolve().parent))

CHROMIUM = "/usr/bin/chromium"
END_DATE = "2026-03-31"


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace (12 months to 2026-03-31), synced."""
    from click.testing import CliRunner

    from smmcore.cli.app import App
    from smmcore.cli.main import cli

    folder = tmp_path_factory.mktemp("serve") / "forno"
    result = CliRunner().invoke(
        cli, ["demo", "--out", str(folder), "--end-date", END_DATE], obj=App()
    )
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="session")
def host() -> Any:
    from smmcore.plugins import PluginHost

    return PluginHost()


class Running:
    """A dashboard served by uvicorn on 127.0.0.1 in a thread."""

    def __init__(self, site: Any) -> None:
        import uvicorn
        from smm_serve.app import create_app
        from smm_serve.cli import bind

        ready = threading.Event()

        class Server(uvicorn.Server):
            async def startup(self, sockets: list[Any] | None = None) -> None:
                try:
                    await super().startup(sockets=sockets)
                finally:
                    ready.set()

        def run() -> None:
            try:
                self.server.run(sockets=[self.sock])
            finally:
                ready.set()  # a start-up that fails early wakes the test as well

        self.site = site
        self.sock = bind("127.0.0.1", 0)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(site), log_level="warning", access_log=False)
        self.server = Server(config)
        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        # uvicorn has started (or given up) when startup returns: no polling
        assert ready.wait(60) and self.server.started, "the dashboard did not start"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@pytest.fixture(scope="session")
def server(demo_dir: Path, host: Any) -> Iterator[Running]:
    """The demo workspace's dashboard, sync allowed (the browser tests' server)."""
    from smm_serve.site import Site

    running = Running(Site({"forno": demo_dir}, host, allow_sync=True))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium, driven by Playwright: one for all the tests of a module
    (the browser tests live in one). Not for the whole session: Playwright's sync API keeps
    an event loop running in this thread while it is open, and later tests call
    ``asyncio.run``."""
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if os.environ.get("SMM_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser tab (its own cookies), 1280 px wide, that fails the test on any
    script dialog (alert, confirm) a page opens."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    tab.dialogs = []  # type: ignore[attr-defined]

    def on_dialog(dialog: Any) -> None:
        tab.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    # console errors include Content-Security-Policy violations and failed loads
    tab.errors = []  # type: ignore[attr-defined]
    tab.on(
        "console",
        lambda m: tab.errors.append(m.text) if m.type == "error" else None,  # type: ignore[attr-defined]
    )
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))  # type: ignore[attr-defined]
    yield tab
    context.close()


@pytest.fixture(scope="session")
def json_report(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """``smm report --format json`` of the demo workspace for a period spec and language
    (run through the real command line, in this process)."""
    import json

    from click.testing import CliRunner

    from smmcore.cli.app import App
    from smmcore.cli.main import cli

    out = tmp_path_factory.mktemp("json")
    cache: dict[tuple[str, ...], Any] = {}

    def run(period: str = "30d", language: str = "it", compare: str = "previous") -> Any:
        key = (period, language, compare)
        if key not in cache:
            target = out / f"r{len(cache)}.json"
            args = ["-w", str(demo_dir), "report", "--format", "json", "-o", str(target)]
            args += ["--period", period, "--language", language, "--compare", compare]
            args += ["--no-cache"]  # computed afresh, not the dashboard's cached copy
            result = CliRunner().invoke(cli, args, obj=App())
            assert result.exit_code == 0, result.output
            cache[key] = json.loads(target.read_text("utf-8"))
        return cache[key]

    return run
