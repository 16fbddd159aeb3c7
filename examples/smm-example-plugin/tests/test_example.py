"""Tests of smm-example-plugin, built on the smmcore testing kit.

The contract classes bring the tests every smmcore plugin must pass; the values below are
computed by hand. Run them with ``pytest``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from smmcore.contracts import SourceError, SyncUnit
from smmcore.models import AccountSnapshot, Post, PostMetrics
from smmcore.testing import KPIContract, SourceContract

from smm_example_plugin import plugin

DATA = Path(__file__).parent / "data"


def unit(account: str, **options: str) -> SyncUnit:
    return SyncUnit(
        source="followers-file",
        key=f"followers-file:instagram:{account}",
        network="instagram",
        account=account,
        options=options,
    )


class TestFollowersFile(SourceContract):
    plugin = plugin
    plugin_name = "example"
    name = "followers-file"
    workspace_dir = DATA
    units = [unit("forno"), unit("rival")]
    # forno: 1 account + 3 snapshots; rival: 1 account + 1 snapshot
    expected_counts = {"accounts": 2, "account_snapshots": 4}
    error_units = [
        (unit("nobody"), "not_found"),
        (unit("forno", path="missing.json"), "config"),
        (unit("broken"), "invalid_data"),  # a timestamp without UTC offset
    ]

    def test_cursor_resumes_after_the_last_snapshot(self, tmp_path: Path) -> None:
        first = self.fetch(unit("forno"), tmp_path)
        cursor = first[-1].value
        assert cursor == {"last_captured_at": "2026-03-31T08:00:00+02:00"}
        second = self.fetch(unit("forno"), tmp_path, cursor=cursor)
        # nothing new: the account again, no snapshot, the same cursor
        assert [type(i).__name__ for i in second] == ["Account", "SyncCursor"]
        assert second[-1].value == cursor

    def test_unknown_counts_stay_unknown(self, tmp_path: Path) -> None:
        (snap,) = [i for i in self.fetch(unit("rival"), tmp_path) if isinstance(i, AccountSnapshot)]
        assert (snap.followers, snap.following, snap.posts_count) == (5400, None, None)

    def test_settings_path_is_used_without_channel_option(self, tmp_path: Path) -> None:
        (tmp_path / "counts.json").write_text(
            '[{"account": "solo", "captured_at": "2026-03-02T10:00:00Z", "followers": 7}]'
        )
        self.settings = {"path": "counts.json"}
        self.workspace_dir = tmp_path
        items = self.fetch(unit("solo"), tmp_path)
        assert [i.followers for i in items if isinstance(i, AccountSnapshot)] == [7]

    def test_missing_file_message_names_the_file(self, tmp_path: Path) -> None:
        with pytest.raises(SourceError, match=r"missing\.json"):
            self.fetch(unit("forno", path="missing.json"), tmp_path)


def _post(account: str, post_id: str, day: int, month: int = 3, kind: str = "post") -> Post:
    created = datetime(2026, month, day, 12, tzinfo=UTC)
    return Post(network="example", account=account, post_id=post_id, created_at=created, kind=kind)


def _metrics(
    account: str, post_id: str, saves: int | None, views: int | None, day: int = 31
) -> PostMetrics:
    captured = datetime(2026, 3, day, 20, tzinfo=UTC)
    return PostMetrics(
        network="example",
        account=account,
        post_id=post_id,
        captured_at=captured,
        saves=saves,
        views=views,
    )


class TestSavesRate(KPIContract):
    plugin = plugin
    plugin_name = "example"
    name = "saves_rate"
    # The default channels: example:forno (client "Test Client"), example:rival (competitor
    # "Rival"); the default period is March 2026, the previous one 29 Jan - 28 Feb 2026.
    seed = [
        _post("forno", "1", 10),
        _metrics("forno", "1", 2, 100, day=11),  # an older snapshot: the latest one counts
        _metrics("forno", "1", 6, 200),
        _post("forno", "2", 20),
        _metrics("forno", "2", 3, 400),
        _post("forno", "3", 22),
        _metrics("forno", "3", None, 1000),  # saves unknown: the post does not count
        _post("forno", "4", 23, kind="repost"),  # not own content
        _metrics("forno", "4", 500, 500),
        _post("forno", "5", 15, month=2),  # previous period
        _metrics("forno", "5", 1, 50),
        _post("rival", "9", 5),
        _metrics("rival", "9", 1, 400),
    ]
    # forno: 100 x (6 + 3) / (200 + 400) = 1.5; rival: 100 x 1 / 400 = 0.25
    expected = {
        "channel:example:forno": 1.5,
        "client:Test Client": 1.5,
        "channel:example:rival": 0.25,
        "competitor:Rival": 0.25,
    }

    def test_previous_period_and_change(self, smm_store) -> None:
        values = {f"{v.scope}:{v.scope_id}": v for v in self.compute(smm_store)}
        forno = values["channel:example:forno"]
        assert forno.previous == 2.0  # February: 100 x 1 / 50
        assert forno.change == pytest.approx(-0.5)
        assert forno.change_pct == pytest.approx(-25.0)
        assert forno.detail == {"numerator": 9.0, "denominator": 600.0}


def test_installed_entry_point_registers_both() -> None:
    """The package's entry point, as smm discovers it when the package is installed."""
    from smmcore.plugins import PluginHost

    host = PluginHost(discover=True, strict=False, env={"SMM_LOAD_PLUGINS": "smm-example-plugin"})
    record = host.plugin("example")
    assert (record.distribution, record.status) == ("smm-example-plugin", "ok")
    assert list(host.sources()) == ["followers-file"]
    assert list(host.kpis()) == ["saves_rate"]
