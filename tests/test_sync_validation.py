"""Records are checked at sync time on every path (issue 11, item 8): an invalid record (naive
time, negative count, missing id), from a model or a columnar batch, fails its unit with the
source and unit named, and nothing of the unit is stored. Sources learn the client's time zone;
channel options are validated by the source's options model."""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path

import pytest

from smmcore.testing import make_host, make_workspace

IMPLS = '''
from datetime import datetime, timezone

import pyarrow as pa
from pydantic import BaseModel, ConfigDict

from smmcore.contracts import RecordBatch, Source
from smmcore.models import Post, PostMetrics

SEEN = {}
UTC = timezone.utc


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")
    case: str = "valid"


def good_posts():
    return {
        "network": ["x", "x"],
        "account": ["forno", "forno"],
        "post_id": ["1", "2"],
        "created_at": ["2026-03-01T09:00:00Z", "2026-03-02T09:00:00+01:00"],
    }


class CaseSource(Source):
    """Yields one kind of record per channel option ``case``."""

    async def fetch(self, unit, ctx):
        SEEN["timezone"] = ctx.timezone
        case = unit.options.get("case", "valid")
        posts = good_posts()
        if case == "valid":
            yield RecordBatch("posts", posts)
            yield PostMetrics(network="x", account="forno", post_id="1",
                              captured_at=datetime(2026, 3, 3, tzinfo=UTC), likes=4)
        elif case == "negative_batch":
            yield RecordBatch("posts", posts)
            yield RecordBatch("post_metrics", {
                "network": ["x"], "account": ["forno"], "post_id": ["1"],
                "captured_at": [datetime(2026, 3, 3, tzinfo=UTC)], "likes": [-5]})
        elif case == "naive_batch":
            posts["created_at"] = [datetime(2026, 3, 1, 9, tzinfo=UTC), datetime(2026, 3, 2, 9)]
            yield RecordBatch("posts", posts)
        elif case == "naive_string":
            posts["created_at"][1] = "2026-03-02 09:00"
            yield RecordBatch("posts", posts)
        elif case == "naive_arrow":
            table = pa.table({**posts, "created_at": pa.array(
                [datetime(2026, 3, 1), datetime(2026, 3, 2)], type=pa.timestamp("us"))})
            yield RecordBatch("posts", table)
        elif case == "missing_id":
            posts["post_id"][1] = None
            yield RecordBatch("posts", posts)
        elif case == "constructed":
            yield RecordBatch("posts", good_posts())
            yield Post.model_construct(network="x", account="forno", post_id="3",
                                       created_at=datetime(2026, 3, 4, 9), kind="post")
        elif case == "negative_model":
            yield PostMetrics.model_construct(network="x", account="forno", post_id="1",
                                              captured_at=datetime(2026, 3, 3, tzinfo=UTC),
                                              likes=-5)
        elif case == "pydantic":
            yield Post(network="x", account="forno", created_at=datetime(2026, 3, 1, tzinfo=UTC))
'''


@pytest.fixture
def impls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "validation_impls.py").write_text(textwrap.dedent(IMPLS))
    monkeypatch.syspath_prepend(str(folder))
    importlib.invalidate_caches()
    yield importlib.import_module("validation_impls")
    sys.modules.pop("validation_impls", None)


def _host():
    from types import SimpleNamespace

    from smmcore import SourceSpec, hookimpl

    def smm_register_sources(register):
        register(
            SourceSpec(
                name="cases",
                description="Test cases.",
                impl="validation_impls:CaseSource",
                options="validation_impls:Options",
                networks=("x",),
            )
        )

    return make_host(
        ("casepack", SimpleNamespace(smm_register_sources=hookimpl(smm_register_sources)))
    )


def _sync(tmp_path: Path, case: str, option: str = "case"):
    from smmcore.sync import run_sync

    ws = make_workspace(
        tmp_path / "ws",
        f"""
[client]
name = "Forno"
timezone = "Europe/Rome"

[[channels]]
network = "x"
handle = "forno"
options = {{ {option} = "{case}" }}
""",
    )
    result = run_sync(ws, _host())
    store = ws.open_store(read_only=True)
    try:
        counts = {
            t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("posts", "post_metrics")
        }
    finally:
        store.close()
    (unit,) = result.units
    return unit, counts


def test_a_valid_unit_is_stored_and_the_source_knows_the_time_zone(impls, tmp_path) -> None:
    unit, counts = _sync(tmp_path, "valid")
    assert unit.status == "ok", unit.error
    assert counts == {"posts": 2, "post_metrics": 1}
    assert impls.SEEN["timezone"] == "Europe/Rome"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("negative_batch", "'post_metrics' has likes = -5 in row 1: counts are >= 0"),
        ("naive_batch", "'posts' has a naive created_at in row 2 (2026-03-02 09:00:00)"),
        ("naive_string", "'posts' has a naive created_at in row 2 (2026-03-02 09:00)"),
        ("naive_arrow", "a RecordBatch for 'posts' has naive timestamps in created_at"),
        ("missing_id", "a RecordBatch for 'posts' has 1 row(s) without post_id"),
        ("constructed", "a Post record has a naive created_at (2026-03-04T09:00:00)"),
        ("negative_model", "a PostMetrics record has likes = -5: counts are >= 0, or None"),
    ],
)  # fmt: skip
def test_invalid_records_fail_their_unit_and_nothing_is_stored(impls, tmp_path, case, expected):
    unit, counts = _sync(tmp_path, case)
    assert unit.status == "failed"
    assert "source 'cases', unit 'cases:x:forno'" in unit.error
    assert expected in unit.error
    assert counts == {"posts": 0, "post_metrics": 0}  # nothing of the unit, not even valid rows


def test_a_record_the_source_could_not_build_is_named(impls, tmp_path) -> None:
    unit, _counts = _sync(tmp_path, "pydantic")
    assert unit.status == "failed"
    assert unit.error.startswith("the source built an invalid Post record: post_id: Field required")


def test_channel_options_are_validated_with_did_you_mean(impls, tmp_path) -> None:
    unit, counts = _sync(tmp_path, "valid", option="cas")
    assert unit.status == "failed"
    assert "invalid channel options for source 'cases'" in unit.error
    assert "smm.toml:9 channels[0].options.cas: unknown key (did you mean 'case'?)" in unit.error
    assert counts == {"posts": 0, "post_metrics": 0}


def test_the_kit_fixture_syncs_and_reports_in_process(impls, smm_sync_and_report) -> None:
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from smmcore import SourceSpec, hookimpl

    def smm_register_sources(register):
        register(
            SourceSpec(
                name="cases", description="Cases.", impl="validation_impls:CaseSource",
                networks=("x",),
            )
        )  # fmt: skip

    plugin = SimpleNamespace(smm_register_sources=hookimpl(smm_register_sources))
    synced, report = smm_sync_and_report(
        '[client]\nname = "Forno"\n[[channels]]\nnetwork = "x"\nhandle = "forno"\n',
        ("cases", plugin),
        installed=True,
        period="2026-03",
        now=datetime(2026, 4, 2, tzinfo=UTC),
    )
    assert synced.ok and synced.units[0].written == {"posts": 2, "post_metrics": 1}
    assert report.history.posts == 2
    posts = {row.name: row for row in report.kpis}["posts_per_week"]
    assert posts.client is not None and posts.client.value is not None
