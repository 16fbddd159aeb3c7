"""docs/data-reference.md, generated from the record models and the store schema, is current
and covers every field and every column (issue 11, item 3)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from smmcore import models

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_reference_docs", ROOT / "scripts" / "gen_reference_docs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_data_reference_is_up_to_date(gen: ModuleType) -> None:
    assert gen.OUTPUT.read_text(encoding="utf-8") == gen.render(), (
        "docs/data-reference.md is stale: run uv run python scripts/gen_reference_docs.py"
    )


def test_every_field_and_table_is_documented(gen: ModuleType) -> None:
    text = gen.render()
    for model, table in models.RECORD_TABLES.items():
        assert f"### `{model.__name__}` (table `{table}`)" in text
        assert f"### `{table}`" in text
        for name in model.model_fields:
            assert f"| `{name}` |" in text, (model.__name__, name)
    assert "### `post_metrics_latest`\n\nOne row per post" in text
    assert "| `likes` | count or null | count | `null`: the network does not report it" in text


def test_check_mode_reports_a_stale_file(gen: ModuleType, tmp_path: Path, monkeypatch) -> None:
    stale = tmp_path / "data-reference.md"
    stale.write_text("old\n")
    monkeypatch.setattr(gen, "OUTPUT", stale)
    assert gen.main(["--check"]) == 1
    assert gen.main([]) == 0
    assert gen.main(["--check"]) == 0
