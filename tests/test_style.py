"""The code base stays ruff-clean (lint and format), as configured in pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]])
def test_ruff(args: list[str], needs) -> None:
    found = shutil.which("ruff", path=str(Path(sys.executable).parent))
    needs(found is not None, "ruff is not installed in this environment (it is in the dev group)")
    completed = subprocess.run(
        [str(found), *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
