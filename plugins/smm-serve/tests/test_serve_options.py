"""``smm serve --workspaces DIR --allow-sync --open`` through the CLI: what it prints, which
dashboard it builds and which address it opens. The server itself is replaced (the other
tests serve the same site object over HTTP); so is the browser, which records the address."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from smm_serve.app import create_app
from starlette.testclient import TestClient

from smmcore.cli.app import App
from smmcore.cli.main import main


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What ``smm serve`` would serve and open: ``site``, ``port``, ``opened`` (URLs) and
    ``browser`` (an event set when the browser is opened)."""
    import webbrowser

    import smm_serve.cli

    opened = threading.Event()  # the browser opens in a thread beside the server
    seen: dict[str, Any] = {"opened": [], "browser": opened}

    def run_server(site: Any, sock: Any) -> None:
        seen["site"], seen["port"] = site, sock.getsockname()[1]
        sock.close()

    def open_browser(url: str, *args: Any, **kwargs: Any) -> bool:
        seen["opened"].append(url)
        opened.set()
        return True

    monkeypatch.setattr(smm_serve.cli, "run_server", run_server)
    monkeypatch.setattr(smm_serve.cli, "_prewarm", lambda site: None)
    monkeypatch.setattr(webbrowser, "open", open_browser)
    return seen


def smm(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args), app=App())
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_workspaces_allow_sync_and_open(
    demo_dir: Path, tmp_path: Path, served: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    clients = tmp_path / "clients"
    for name in ("Forno Rossi", "bar"):
        shutil.copytree(demo_dir, clients / name, ignore=shutil.ignore_patterns(".smm"))
    (clients / "notes").mkdir()  # no smm.toml: not a workspace
    code, out, err = smm(
        capsys, "serve", "--workspaces", str(clients), "--allow-sync", "--open", "--port", "0"
    )
    assert code == 0, out + err
    url = f"http://127.0.0.1:{served['port']}/"
    assert f"smm serve: 2 workspace(s) at {url}" in out
    assert "sync allowed from the page" in out
    assert served["browser"].wait(60), "the browser was never opened"
    assert served["opened"] == [url]  # --open: the browser gets the printed address
    site = served["site"]
    assert sorted(site.workspaces) == ["bar", "forno-rossi"]
    with TestClient(create_app(site), base_url="http://127.0.0.1") as page:
        index = page.get("/", follow_redirects=True).text
        assert "/w/forno-rossi/" in index and "/w/bar/" in index
        sync = page.get("/w/bar/sync?lang=en").text
        assert '<form method="post"' in sync and 'id="sync-off"' not in sync

    # without the options: read-only, the current workspace only, no browser
    served["opened"].clear()
    code, out, err = smm(capsys, "-w", str(clients / "bar"), "serve", "--port", "0")
    assert code == 0, out + err
    assert "smm serve: 1 workspace(s)" in out and "sync allowed" not in out
    assert served["opened"] == [] and list(served["site"].workspaces) == ["bar"]


def test_workspaces_of_a_folder_without_any(
    tmp_path: Path, served: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = smm(capsys, "serve", "--workspaces", str(tmp_path), "--port", "0")
    assert code == 1 and "site" not in served
    assert f"Error: {tmp_path} holds no workspace (no sub-folder with smm.toml)" in err
    assert "smm init FOLDER" in err and "Traceback" not in err
