"""``smm serve``: the local web dashboard of the workspace (or of every workspace in a folder)."""

from __future__ import annotations

import ipaddress
import os
import secrets
import socket
import threading
from pathlib import Path
from typing import Any

import click

from smmcore.cli.app import App, pass_app
from smmcore.errors import SmmError

DEFAULT_PORT = 8765


def is_loopback(host: str) -> bool:
    """``host`` is a loopback address (or ``localhost``)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, or a clear error (port in use, bad address)."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        return socket.create_server((host.strip("[]"), port), family=family, backlog=128)
    except OSError as exc:
        raise SmmError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="pick another port with --port N, or stop what is using it",
        ) from None


def _url(host: str, port: int) -> str:
    if host in ("0.0.0.0", "::"):
        host = socket.gethostname()
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


@click.command("serve")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on (0: any free port, printed at start-up).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Off loopback (0.0.0.0, a LAN address) every request needs "
    "the token printed at start-up.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the dashboard in a browser.")
@click.option(
    "--workspaces",
    "workspaces_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Serve every workspace (sub-folder with smm.toml) of DIR, one per client.",
)
@click.option(
    "--allow-sync",
    is_flag=True,
    help="Show a 'Sync now' button that runs smm sync (otherwise the dashboard is read-only).",
)
@pass_app
def serve(
    app: App,
    port: int,
    host: str,
    open_browser: bool,
    workspaces_dir: Path | None,
    allow_sync: bool,
) -> None:
    """Serve a local web dashboard of the workspace: KPIs, channels, competitors, top posts,
    best time, audience, keywords, sync status and report downloads.

    Read-only and on this computer only (127.0.0.1) by default; Ctrl-C stops it.
    """
    from smm_serve.site import Site, discover_workspaces, slugify

    if workspaces_dir is not None:
        found = discover_workspaces(workspaces_dir)
        if not found:
            raise SmmError(
                f"{workspaces_dir} holds no workspace (no sub-folder with smm.toml)",
                hint="create one per client with 'smm init FOLDER' inside it",
            )
    else:
        ws = app.workspace()  # a clear error when smm.toml is missing or invalid
        found = {slugify(ws.dir.name): ws.dir}
    for folder in found.values():
        from smmcore.workspace import load_workspace

        load_workspace(folder)  # every workspace is valid before anything is served
    loopback = is_loopback(host)
    token = None
    if not loopback:
        token = os.environ.get("SMM_SERVE_TOKEN") or secrets.token_urlsafe(24)
    site = Site(found, app.host, allow_sync=allow_sync, token=token, loopback=loopback)
    # listening before the address is printed: a browser (or script) that connects at once
    # waits in the socket's backlog until the server takes it, it is never refused
    sock = bind(host, port)
    port = sock.getsockname()[1]
    url = _url(host, port)
    if token:
        url += f"?token={token}"
    click.echo(f"smm serve: {len(found)} workspace(s) at {url}")
    if token:
        click.echo("  (the token is printed only now; anyone with this URL sees the dashboard)")
    click.echo(
        "  read-only" + (", sync allowed from the page" if allow_sync else "") + "; Ctrl-C stops it"
    )
    threading.Thread(target=_prewarm, args=(site,), daemon=True).start()
    if open_browser:
        import webbrowser

        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    run_server(site, sock)


def _prewarm(site: Any) -> None:
    """Build each workspace's default report once, so the first page is served from cache."""
    from smm_serve.site import parse_selection

    for slug in site.workspaces:
        try:
            ws = site.workspace(slug)
            site.report(slug, ws, parse_selection({}, ws.config))
        except Exception:  # the page will show the error when it is opened
            continue


def run_server(site: Any, sock: socket.socket) -> None:
    """Serve ``site`` on the listening socket until interrupted."""
    import uvicorn

    from smm_serve.app import create_app

    config = uvicorn.Config(
        create_app(site), log_level="warning", access_log=False, server_header=False
    )
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
