"""The smmcore conformance tests for sources, run on the demo export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import smm_files.plugin
from smm_files.demo import generate_export

from smmcore.contracts import SyncUnit
from smmcore.testing import SourceContract


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("files-contract")
    generate_export(root / "data", end_date=date(2026, 11, 25))
    return root


class TestFilesSourceContract(SourceContract):
    plugin = smm_files.plugin
    plugin_name = "files"
    name = "files"
    settings = {"path": "data"}
    units = (SyncUnit(source="files", key="files:data", network="*", options={"path": "data"}),)
    incremental_tables = ("posts", "post_metrics", "interactions", "account_snapshots")
    # the demo at a fixed end date: 6 accounts x 365 daily snapshots, 17 reposts without metrics
    expected_counts = {
        "accounts": 6,
        "account_snapshots": 2190,
        "posts": 1300,
        "post_metrics": 1283,
        "audience_members": 3700,
        "interactions": 23777,
    }
    error_units = (
        (SyncUnit(source="files", key="files:nope", network="*", options={"path": "nope"}),
         "not_found"),
    )  # fmt: skip

    @pytest.fixture(autouse=True)
    def _workspace(self, demo_dir: Path) -> None:
        self.workspace_dir = demo_dir
