"""Repository-wide test guard: tests never touch the network.

Every test of the core, the plugins and the examples runs with outbound connections limited
to the loopback interface (local test servers on 127.0.0.1 are fine). A test that tries to
reach anything else fails with a clear OSError instead of depending on the network.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import tempfile
from pathlib import Path
from typing import Any

import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address: Any) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths and the like
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if not _is_local(address):
        raise OSError(f"tests must not reach the network (tried to connect to {address!r})")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    if not _is_local(address):
        raise OSError(f"tests must not reach the network (tried to connect to {address!r})")
    return _real_connect_ex(self, address)


def pytest_configure(config: Any) -> None:
    # smm remembers plugin listings in the user's cache folder: the suite keeps its own, so it
    # never writes into (or reads a stale listing from) the developer's ~/.cache/smm
    if not os.environ.get("SMM_CACHE_DIR"):
        config._smm_cache_dir = os.environ["SMM_CACHE_DIR"] = tempfile.mkdtemp(prefix="smm-cache-")
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    _cli_coverage_configure(config)


def pytest_unconfigure(config: Any) -> None:
    import shutil

    if getattr(config, "_smm_cache_dir", None):
        shutil.rmtree(config._smm_cache_dir, ignore_errors=True)
        del os.environ["SMM_CACHE_DIR"]
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]


# --- Every command and option of `smm --help` is run by the suite -----------------------------
# Each `smm` run (in this process or in an `smm` subprocess, which inherits the variable) appends
# the command path and the options given to a log; at the end of a whole-suite run with
# SMM_CLI_COVERAGE=1 (set by .ci/run) anything `smm --help` offers, recursively and plugin
# commands included, that no test ran fails the session, except the entries of
# tests/cli_coverage_allow.txt (entries now run are reported, to be deleted). A subset (-k, -m,
# --lf, paths given) or a run with failures is never checked.

_COVERAGE_ALLOW = Path(__file__).parent / "tests" / "cli_coverage_allow.txt"


def _cli_coverage_configure(config: Any) -> None:
    from smmcore.testing import cli_coverage

    if not os.environ.get(cli_coverage.LOG_ENV):
        handle, name = tempfile.mkstemp(prefix="smm-cli-coverage-", suffix=".log")
        os.close(handle)
        os.environ[cli_coverage.LOG_ENV] = name
        config._smm_cli_log = name  # removed at the end
    cli_coverage.install()


def _cli_coverage_enforced(session: Any) -> bool:
    option = session.config.option
    return (
        os.environ.get("SMM_CLI_COVERAGE") == "1"
        and session.config.args_source == pytest.Config.ArgsSource.TESTPATHS
        and not option.keyword
        and not option.markexpr
        and not getattr(option, "lf", False)
    )


def _allowed() -> set[str]:
    if not _COVERAGE_ALLOW.exists():
        return set()
    lines = _COVERAGE_ALLOW.read_text(encoding="utf-8").splitlines()
    return {line.split("#", 1)[0].strip() for line in lines} - {""}


def cli_coverage_gaps() -> tuple[list[str], list[str]]:
    """``(never run and not allowed, allowed but now run)`` for the log of this session."""
    import click

    from smmcore.cli.app import App
    from smmcore.cli.main import cli
    from smmcore.plugins import PluginHost
    from smmcore.testing import cli_coverage

    ctx = click.Context(cli, info_name="smm", obj=App(host=PluginHost(env={})))
    wanted = cli_coverage.commands_and_options(cli, ctx)
    seen = cli_coverage.recorded(Path(os.environ[cli_coverage.LOG_ENV]))
    never = cli_coverage.missing(wanted, seen)
    allowed = _allowed()
    return [m for m in never if m not in allowed], sorted(allowed - set(never))


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    config = session.config
    if _cli_coverage_enforced(session) and session.testsfailed == 0:
        gaps, stale = cli_coverage_gaps()
        config._smm_cli_gaps = (gaps, stale)
        if gaps:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
    name = getattr(config, "_smm_cli_log", None)
    if name:
        Path(name).unlink(missing_ok=True)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    gaps, stale = getattr(config, "_smm_cli_gaps", ([], []))
    if gaps:
        terminalreporter.section("smm commands and options no test runs", red=True)
        for gap in gaps:
            terminalreporter.line(gap)
        terminalreporter.line(
            "Run each through the CLI in a test asserting what a user sees "
            f"(or, with a reason, list it in {_COVERAGE_ALLOW.name})."
        )
    if stale:
        terminalreporter.section("tests/cli_coverage_allow.txt lists what is now run", yellow=True)
        for entry in stale:
            terminalreporter.line(entry)
        terminalreporter.line("Remove these lines: the allow-list only shrinks.")


# --- Tests needing an external tool never skip silently on CI ---------------------------------
# .ci/run sets SMM_REQUIRE_TOOLS=1: there a missing tool (uv, ruff, a build backend in uv's
# cache) fails the test with what is missing and where to install it, instead of a skip that
# nobody reads. On a developer's machine the test is skipped with the same message.


def require_tool(available: bool, what: str) -> None:
    """Go on when ``available``; otherwise skip, or fail under ``SMM_REQUIRE_TOOLS=1``."""
    if available:
        return
    if os.environ.get("SMM_REQUIRE_TOOLS") == "1":
        pytest.fail(
            f"{what}; SMM_REQUIRE_TOOLS=1 (CI) requires it: install it in .ci/run",
            pytrace=False,
        )
    pytest.skip(what)


@pytest.fixture(scope="session")
def needs() -> Any:
    """:func:`require_tool` for tests: ``needs(shutil.which("uv") is not None, "uv is not
    installed")``."""
    return require_tool
