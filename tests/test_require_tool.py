"""Tests needing an external tool skip on a developer's machine but fail on CI
(``SMM_REQUIRE_TOOLS=1``, set by .ci/run) with what is missing: run on a test module of
their own through pytest's ``pytester``."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

NEEDS_A_TOOL = """
def test_builds_a_wheel(needs):
    needs(False, "uv is not installed (pip install uv)")
"""


def _run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: bool):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    pytester.makeconftest((root / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_tool=NEEDS_A_TOOL)
    if ci:
        monkeypatch.setenv("SMM_REQUIRE_TOOLS", "1")
    else:
        monkeypatch.delenv("SMM_REQUIRE_TOOLS", raising=False)
    monkeypatch.delenv("SMM_CLI_COVERAGE", raising=False)
    return pytester.runpytest_inprocess("-p", "no:randomly", "-rs")


def test_a_missing_tool_fails_on_ci(pytester: pytest.Pytester, monkeypatch) -> None:
    result = _run(pytester, monkeypatch, ci=True)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*uv is not installed (pip install uv); SMM_REQUIRE_TOOLS=1 (CI) requires it*"]
    )


def test_a_missing_tool_is_a_skip_elsewhere(pytester: pytest.Pytester, monkeypatch) -> None:
    result = _run(pytester, monkeypatch, ci=False)
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*uv is not installed (pip install uv)*"])
