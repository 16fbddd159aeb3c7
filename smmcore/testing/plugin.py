"""The smmcore pytest plugin (entry point ``pytest11``): fixtures for plugin authors.

Loaded in every pytest run where smmcore is installed, so this module imports only pytest;
everything heavier is imported inside the fixtures.

Fixtures:

``smm_plugins``
    the plugins under test, as modules or ``(name, module)`` pairs. Empty by default; override
    it in your ``conftest.py`` or use ``@pytest.mark.smm_plugins(("name", module), ...)``.
``smm_host_factory``
    ``make(*plugins, strict=True, env=None)`` -> a fresh PluginHost holding only ``plugins``.
``smm_plugin_host``
    a fresh PluginHost holding only ``smm_plugins`` (strict: any plugin problem raises).
``smm_workspace_toml``
    the text of the temporary workspace's ``smm.toml`` (override it to add channels).
``smm_workspace``
    a temporary workspace loaded with ``smmcore.workspace.load_workspace``.
``smm_store``
    a temporary, empty history store (``smmcore.store.Store``), closed after the test.
``smm_replay_transport``
    ``make(recording)`` -> an httpx transport replaying recorded responses; the test fails if
    the code under test sent a request that is not recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "smm_plugins(*plugins): the smmcore plugins (modules or (name, module) pairs) that "
        "the smm_plugin_host fixture holds",
    )


@pytest.fixture
def smm_plugins(request: pytest.FixtureRequest) -> list[Any]:
    """The plugins under test: from the ``smm_plugins`` marker, else none."""
    marker = request.node.get_closest_marker("smm_plugins")
    return list(marker.args) if marker else []


@pytest.fixture
def smm_host_factory() -> Callable[..., Any]:
    """Build fresh plugin hosts: ``smm_host_factory(module, ("name", module), strict=True)``."""
    from smmcore.testing.helpers import make_host

    return make_host


@pytest.fixture
def smm_plugin_host(smm_plugins: list[Any], smm_host_factory: Callable[..., Any]) -> Any:
    """A fresh, strict PluginHost holding only ``smm_plugins`` (no installed plugin)."""
    return smm_host_factory(*smm_plugins)


@pytest.fixture
def smm_workspace_toml() -> str:
    """The ``smm.toml`` of ``smm_workspace``: a client and nothing else."""
    from smmcore.testing.helpers import MINIMAL_SMM_TOML

    return MINIMAL_SMM_TOML


@pytest.fixture
def smm_workspace(tmp_path: Path, smm_workspace_toml: str) -> Any:
    """A temporary workspace folder with ``smm.toml``, loaded and validated."""
    pytest.importorskip("smmcore.workspace", reason="smmcore.workspace is not available")
    from smmcore.testing.helpers import make_workspace

    return make_workspace(tmp_path / "workspace", smm_workspace_toml)


@pytest.fixture
def smm_store(tmp_path: Path) -> Iterator[Any]:
    """A temporary, empty history store, closed after the test."""
    pytest.importorskip("smmcore.store", reason="smmcore.store is not available")
    from smmcore.testing.helpers import open_store

    store = open_store(tmp_path / "smm-test.duckdb")
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def smm_replay_transport() -> Iterator[Callable[..., Any]]:
    """Make replay transports; fail the test if any received an unrecorded request."""
    from smmcore.testing.replay import replay_transport

    made: list[Any] = []

    def make(recording: Any) -> Any:
        transport = replay_transport(recording)
        made.append(transport)
        return transport

    yield make
    unexpected = [key for transport in made for key in transport.unexpected]
    if unexpected:
        pytest.fail(
            "the code under test sent requests that are not recorded:\n  "
            + "\n  ".join(unexpected),
            pytrace=False,
        )


@pytest.fixture
def smm_sync_and_report(tmp_path: Path) -> Callable[..., Any]:
    """Sync a workspace and build its report, in process:
    ``synced, report = smm_sync_and_report(toml_text, my_plugin, installed=True)``
    (see :func:`smmcore.testing.helpers.sync_and_report`)."""
    from smmcore.testing.helpers import sync_and_report

    def run(toml_text: str, *plugins: Any, **kwargs: Any) -> tuple[Any, Any]:
        return sync_and_report(tmp_path / "workspace", toml_text, *plugins, **kwargs)

    return run
