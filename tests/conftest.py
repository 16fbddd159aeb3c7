"""Shared fixtures of the core tests: a workspace folder writer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

CLIENT = """\
[client]
name = "Forno Rossi"
segment = "bakery"
language = "it"
timezone = "Europe/Rome"
"""


@pytest.fixture
def write_ws(tmp_path: Path) -> Callable[[str], Path]:
    """Write ``smm.toml`` (the text given, after a valid ``[client]`` table unless the text
    has its own) into a fresh folder and return the folder."""
    counter = iter(range(1000))

    def write(body: str = "", *, with_client: bool = True) -> Path:
        folder = tmp_path / f"ws{next(counter)}"
        folder.mkdir()
        text = (CLIENT + "\n" + body) if with_client else body
        (folder / "smm.toml").write_text(text, encoding="utf-8")
        return folder

    return write
