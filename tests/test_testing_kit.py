"""The plugin author kit itself: replay transport, fixtures and conformance classes.

The conformance classes are run with pytester against good and deliberately broken
implementations: a good one passes every inherited test, each broken one fails exactly the
tests that catch its defect.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from smmcore import KPISpec, hookimpl
from smmcore.errors import PluginError
from smmcore.testing import UnexpectedRequest, make_host, replay_transport

# --------------------------------------------------------------------------- replay transport


RECORDING = {
    "GET https://api.test/v1/items?b=2&a=1": {"status": 200, "json": {"items": [1, 2]}},
    "GET https://api.test/v1/pages": [
        {"status": 429, "headers": {"Retry-After": "0"}},
        {"status": 200, "text": "second"},
    ],
    "POST https://api.test/v1/login": {"status": 401, "body": "denied"},
}


def test_replay_serves_recorded_responses_whatever_the_query_order() -> None:
    client = httpx.Client(transport=replay_transport(RECORDING))
    response = client.get("https://api.test/v1/items", params={"a": "1", "b": "2"})
    assert (response.status_code, response.json()) == (200, {"items": [1, 2]})
    again = client.get("https://api.test/v1/items?b=2&a=1")  # one response answers every time
    assert again.json() == {"items": [1, 2]}
    denied = client.post("https://api.test/v1/login")
    assert (denied.status_code, denied.text) == (401, "denied")


def test_replay_serves_a_list_in_order_then_fails() -> None:
    transport = replay_transport(RECORDING)
    client = httpx.Client(transport=transport)
    first = client.get("https://api.test/v1/pages")
    assert (first.status_code, first.headers["Retry-After"]) == (429, "0")
    assert client.get("https://api.test/v1/pages").text == "second"
    with pytest.raises(UnexpectedRequest, match="was recorded 2 time"):
        client.get("https://api.test/v1/pages")
    assert transport.unexpected == ["GET https://api.test/v1/pages"]


def test_replay_fails_loudly_on_unrecorded_request_and_lists_the_recorded_ones() -> None:
    transport = replay_transport(RECORDING)
    client = httpx.Client(transport=transport)
    with pytest.raises(UnexpectedRequest) as info:
        client.get("https://api.test/v1/items", params={"a": "1"})
    message = str(info.value)
    assert "GET https://api.test/v1/items?a=1 (is not recorded)" in message
    assert "GET https://api.test/v1/items?a=1&b=2" in message  # what was recorded instead
    # an AssertionError, so `except httpx.HTTPError` in a source cannot swallow it
    assert isinstance(info.value, AssertionError)
    assert not isinstance(info.value, httpx.HTTPError)
    assert transport.unused() == [
        "GET https://api.test/v1/items?a=1&b=2",
        "GET https://api.test/v1/pages",
        "POST https://api.test/v1/login",
    ]


def test_replay_reads_a_cassette_file_and_works_with_async_clients(tmp_path: Path) -> None:
    cassette = tmp_path / "cassette.json"
    cassette.write_text(
        json.dumps(
            {
                "interactions": [
                    {
                        "request": {"method": "get", "url": "https://api.test/a?x=1"},
                        "response": {"status": 200, "json": [1]},
                    },
                    {
                        "request": {"url": "https://api.test/a?x=1"},
                        "response": {"status": 500, "text": "oops"},
                    },
                ]
            }
        )
    )

    async def run() -> list[int]:
        async with httpx.AsyncClient(transport=replay_transport(cassette)) as client:
            one = await client.get("https://api.test/a?x=1")
            two = await client.get("https://api.test/a?x=1")
            return [one.status_code, two.status_code]

    assert asyncio.run(run()) == [200, 500]


def test_replay_rejects_a_malformed_recording(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown keys"):
        httpx.Client(transport=replay_transport({"GET https://a.test/": {"stat": 200}})).get(
            "https://a.test/"
        )
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="cannot read the cassette"):
        replay_transport(bad)


# --------------------------------------------------------------------------- hosts


def _kpi_plugin(name: str) -> SimpleNamespace:
    def smm_register_kpis(register):
        register(
            KPISpec(
                name=name,
                description="A KPI.",
                impl="x.y:Z",
                label="L",
                formula="a / b",
                unit="%",
                aggregation="ratio of sums",
            )
        )

    return SimpleNamespace(smm_register_kpis=hookimpl(smm_register_kpis))


def test_make_host_holds_only_the_given_plugins_and_ignores_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SMM_DISABLE_PLUGINS", "mine")
    monkeypatch.setenv("SMM_LOAD_PLUGINS", "")
    host = make_host(("mine", _kpi_plugin("reach")))
    assert [p.name for p in host.plugins] == ["mine"]  # no installed plugin, not disabled
    assert list(host.kpis()) == ["reach"]


def test_make_host_is_strict_by_default() -> None:
    with pytest.raises(PluginError, match="duplicate kpi name 'reach'"):
        make_host(("one", _kpi_plugin("reach")), ("two", _kpi_plugin("reach"))).kpis()
    lenient = make_host(("one", _kpi_plugin("reach")), ("two", _kpi_plugin("reach")), strict=False)
    assert list(lenient.kpis()) == ["reach"]
    assert len(lenient.problems()) == 1


PLUGIN_A = _kpi_plugin("alpha")


@pytest.mark.smm_plugins(("a", PLUGIN_A))
def test_smm_plugin_host_fixture_uses_the_marker(smm_plugin_host) -> None:
    assert list(smm_plugin_host.kpis()) == ["alpha"]
    assert smm_plugin_host.plugin("a").status == "ok"


def test_smm_store_fixture_is_an_empty_writable_store(smm_store) -> None:
    from datetime import UTC, datetime

    from smmcore.models import Post

    assert smm_store.con.execute("SELECT count(*) FROM posts").fetchone() == (0,)
    post = Post(network="x", account="a", post_id="1", created_at=datetime(2026, 1, 1, tzinfo=UTC))
    smm_store.write([post, post])
    assert smm_store.con.execute("SELECT count(*) FROM posts").fetchone() == (1,)


def test_smm_workspace_fixture_loads_a_minimal_workspace(smm_workspace) -> None:
    assert smm_workspace.config.client.name == "Test Client"
    assert (smm_workspace.dir / "smm.toml").is_file()


def test_the_pytest_plugin_imports_nothing_heavy() -> None:
    code = (
        "import sys, smmcore.testing.plugin, smmcore.testing; "
        "print(sorted(m for m in ('httpx', 'pydantic', 'duckdb', 'pyarrow', "
        "'smmcore.testing.contracts') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr


# --------------------------------------------------------------------------- contracts

IMPLS = """
from datetime import UTC, datetime

from smmcore.contracts import (
    KPI, KeywordTool, Reporter, Segmenter, Source, SourceError, SyncCursor
)
from smmcore.models import Account, KeywordSignal, KPIValue, Post, Segment, SegmentMember

T = datetime(2026, 3, 10, 12, tzinfo=UTC)


def post(account, i):
    return Post(network="example", account=account, post_id=str(i), created_at=T)


class GoodSource(Source):
    async def fetch(self, unit, ctx):
        if unit.account == "ghost":
            raise SourceError("no account 'ghost'", kind="not_found")
        since = int((ctx.cursor or {}).get("since", 0))
        yield Account(network="example", account=unit.account)
        for i in range(since + 1, 4):
            yield post(unit.account, i)
        yield SyncCursor({"since": 3})


class NaiveSource(Source):
    async def fetch(self, unit, ctx):
        yield Post.model_construct(
            network="example", account="a", post_id="1", created_at=datetime(2026, 3, 10),
            kind="post", text=None, url=None, language=None,
        )


class TwoCursorSource(Source):
    async def fetch(self, unit, ctx):
        yield SyncCursor({"page": 1})
        yield post(unit.account, 1)
        yield SyncCursor({"page": 2})


class DuplicateSource(Source):
    async def fetch(self, unit, ctx):
        yield post(unit.account, 1)
        yield post(unit.account, 1)


class ForgetfulSource(Source):
    async def fetch(self, unit, ctx):
        yield post(unit.account, 1)
        yield SyncCursor({"since": 1})


class DictSource(Source):
    async def fetch(self, unit, ctx):
        yield {"network": "example", "account": "a"}


class SwallowingSource(Source):
    async def fetch(self, unit, ctx):
        try:
            await ctx.http.get("https://api.test/unrecorded")
        except Exception:
            return
        yield post(unit.account, 1)


class WrappingSource(Source):
    async def fetch(self, unit, ctx):
        try:
            await ctx.http.get("https://api.test/unrecorded")
        except Exception as exc:
            raise SourceError(f"cannot reach the API: {exc}", kind="network") from exc
        yield post(unit.account, 1)


class PostCount(KPI):
    zero = None

    def compute(self, ctx):
        rows = ctx.con.execute(
            "SELECT c.network || ':' || c.account, count(p.post_id) FROM workspace_channels c "
            "LEFT JOIN posts p ON p.network = c.network AND p.account = c.account GROUP BY 1"
        ).fetchall()
        return [
            KPIValue(kpi=self.kpi_name, scope="channel", scope_id=key,
                     period_start=ctx.period.start, period_end=ctx.period.end,
                     value=float(n) if n else self.zero)
            for key, n in rows
        ]

    kpi_name = "posts"


class ZeroPostCount(PostCount):
    zero = 0.0


class MisnamedPostCount(PostCount):
    kpi_name = "other"


class PlainReporter(Reporter):
    def render(self, report, out):
        out.write(f"Report for {report.client.name}\\n")
        for post in report.top_posts:
            out.write(f"<p>{post.text}</p>\\n")


class SilentReporter(Reporter):
    def render(self, report, out):
        pass


class Everyone(Segmenter):
    label = "everyone"

    def segment(self, ctx):
        members = [
            SegmentMember(network=n, member=m, reason="in the audience")
            for n, m in ctx.con.execute(
                "SELECT network, member FROM audience_members ORDER BY member"
            ).fetchall()
        ]
        return [Segment(name="all", segmenter=self.label, description="Everyone",
                        method="every audience member", members=members)]


class Misnamed(Everyone):
    label = "someone-else"


class Nobody(Everyone):
    def segment(self, ctx):
        return []


class Suggest(KeywordTool):
    metric = "suggestion"

    async def suggestions(self, query, ctx):
        return [
            KeywordSignal(tool=self.name, term=t, metric=self.metric, unit="rank", value=1,
                          item=f"{t} near me", retrieved_at=ctx.now)
            for t in query.terms
        ]


class WrongMetric(Suggest):
    metric = "interest"


def _mixed_kpis(register):
    from smmcore import KPISpec

    register(KPISpec(name="posts", description="Posts.", impl="impls:PostCount", label="Posts",
                     formula="count(posts)", unit="posts", aggregation="sum"))
    # invalid: no formula; it must fail its own tests only
    register(KPISpec(name="broken", description="Broken.", impl="impls:PostCount",
                     label="Broken", formula="", unit="posts", aggregation="sum"))


def _mixed():
    from types import SimpleNamespace

    from smmcore import hookimpl

    return SimpleNamespace(smm_register_kpis=hookimpl(_mixed_kpis))


MIXED = _mixed()
"""

CONTRACT_TESTS = """
from smmcore import KeywordToolSpec, KPISpec, ReporterSpec, SegmenterSpec, SourceSpec
from smmcore.contracts import SyncUnit
from smmcore.models import AudienceMember
from smmcore.testing import (
    KeywordToolContract, KPIContract, ReporterContract, SegmenterContract, SourceContract
)


def src(impl):
    return SourceSpec(name="fake", description="A fake source.", impl=f"impls:{impl}")


UNIT = SyncUnit(source="fake", key="fake:example:a", network="example", account="a")


class TestGoodSource(SourceContract):
    source_spec = src("GoodSource")
    units = [UNIT]
    expected_counts = {"accounts": 1, "posts": 3}
    error_units = [(SyncUnit(source="fake", key="k", network="example", account="ghost"),
                    "not_found")]


class TestNaiveSource(SourceContract):
    source_spec = src("NaiveSource")
    units = [UNIT]


class TestTwoCursorSource(SourceContract):
    source_spec = src("TwoCursorSource")
    units = [UNIT]


class TestDuplicateSource(SourceContract):
    source_spec = src("DuplicateSource")
    units = [UNIT]


class TestForgetfulSource(SourceContract):
    source_spec = src("ForgetfulSource")
    units = [UNIT]


class TestDictSource(SourceContract):
    source_spec = src("DictSource")
    units = [UNIT]


class TestSwallowingSource(SourceContract):
    source_spec = src("SwallowingSource")
    units = [UNIT]
    responses = {}


class TestWrappingSource(SourceContract):
    source_spec = src("WrappingSource")
    units = [UNIT]
    responses = {}
    error_units = [(UNIT, "network")]  # a missing recording is not a network error


def kpi(impl):
    return KPISpec(name="posts", description="Posts.", impl=f"impls:{impl}", label="Posts",
                   formula="count(posts)", unit="posts", aggregation="sum")


class TestPostCount(KPIContract):
    kpi_spec = kpi("PostCount")
    seed = [
        __import__("impls").post("forno", 1),
        __import__("impls").post("forno", 2),
    ]
    expected = {"channel:example:forno": 2.0, "channel:example:rival": None}


class TestValidKPIOfAMixedPlugin(KPIContract):
    plugin = __import__("impls").MIXED
    plugin_name = "mixed"
    name = "posts"


class TestInvalidKPIOfAMixedPlugin(KPIContract):
    plugin = __import__("impls").MIXED
    plugin_name = "mixed"
    name = "broken"


class TestZeroPostCount(KPIContract):
    kpi_spec = kpi("ZeroPostCount")


class TestMisnamedPostCount(KPIContract):
    kpi_spec = kpi("MisnamedPostCount")
    seed = [__import__("impls").post("forno", 1)]


def rep(impl, media_type="text/plain"):
    return ReporterSpec(name="plain", description="Plain.", impl=f"impls:{impl}",
                        media_type=media_type)


class TestPlainReporter(ReporterContract):
    reporter_spec = rep("PlainReporter")


class TestSilentReporter(ReporterContract):
    reporter_spec = rep("SilentReporter")


class TestUnescapedHtmlReporter(ReporterContract):
    reporter_spec = rep("PlainReporter", media_type="text/html")


AUDIENCE = [
    AudienceMember(network="example", account="forno", member="anna"),
    AudienceMember(network="example", account="forno", member="bruno"),
]


class TestEveryone(SegmenterContract):
    segmenter_spec = SegmenterSpec(name="everyone", description="All.", impl="impls:Everyone")
    seed = AUDIENCE
    expected = {"all": {"anna", "bruno"}}


class TestMisnamedSegmenter(SegmenterContract):
    segmenter_spec = SegmenterSpec(name="everyone", description="All.", impl="impls:Misnamed")
    seed = AUDIENCE


class TestNobodySegmenter(SegmenterContract):
    segmenter_spec = SegmenterSpec(name="everyone", description="All.", impl="impls:Nobody")
    seed = AUDIENCE


def tool(impl):
    return KeywordToolSpec(name="sugg", description="Suggestions.", impl=f"impls:{impl}",
                           capabilities=("suggestions",))


class TestSuggest(KeywordToolContract):
    keyword_tool_spec = tool("Suggest")


class TestWrongMetric(KeywordToolContract):
    keyword_tool_spec = tool("WrongMetric")


def test_replay_fixture_fails_a_test_whose_code_swallowed_an_unexpected_request(
    smm_replay_transport,
):
    import httpx

    client = httpx.Client(transport=smm_replay_transport({}))
    try:
        client.get("https://api.test/nothing")
    except Exception:
        pass
"""

CONFTEST = """
import json
import os

OUTCOMES = {}


def pytest_runtest_logreport(report):
    key = "::".join(report.nodeid.split("::")[1:])
    if report.when == "call" or report.outcome != "passed":
        outcome = report.outcome
        if report.when != "call" and report.failed:
            outcome = "error"
        if OUTCOMES.get(key) not in ("failed", "error"):
            OUTCOMES[key] = outcome


def pytest_sessionfinish(session):
    with open(os.environ["SMM_KIT_REPORT"], "w") as fh:
        json.dump(OUTCOMES, fh)
"""


@pytest.fixture(scope="module")
def contract_outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Run the contract classes above once (in a subprocess, so the fake modules stay out of
    this process); map "Class::test" -> passed/failed/skipped."""
    folder = tmp_path_factory.mktemp("contracts")
    (folder / "impls.py").write_text(textwrap.dedent(IMPLS))
    (folder / "test_contracts.py").write_text(textwrap.dedent(CONTRACT_TESTS))
    (folder / "conftest.py").write_text(textwrap.dedent(CONFTEST))
    report = folder / "report.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(folder),
            str(folder / "test_contracts.py"),
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(folder), "SMM_KIT_REPORT": str(report)},
        timeout=120,
    )
    assert report.exists(), done.stdout + done.stderr
    return json.loads(report.read_text())


def _failed(outcomes: dict[str, str], cls: str) -> set[str]:
    return {
        key.split("::")[1]
        for key, v in outcomes.items()
        if key.startswith(f"{cls}::") and v == "failed"
    }


def _outcome(outcomes: dict[str, str], cls: str) -> dict[str, str]:
    return {k.split("::")[1]: v for k, v in outcomes.items() if k.startswith(f"{cls}::")}


def test_good_implementations_pass_every_contract_test(contract_outcomes) -> None:
    for cls in (
        "TestGoodSource",
        "TestPostCount",
        "TestPlainReporter",
        "TestEveryone",
        "TestSuggest",
    ):
        outcome = _outcome(contract_outcomes, cls)
        assert outcome, f"{cls} did not run"
        assert "failed" not in outcome.values(), (cls, outcome)
    good_source = _outcome(contract_outcomes, "TestGoodSource")
    for name in (
        "test_rerun_with_cursor_repeats_nothing",
        "test_expected_counts",
        "test_records_write_to_store_idempotently",
        "test_errors_are_source_errors",
    ):
        assert good_source[name] == "passed", name
    assert _outcome(contract_outcomes, "TestPostCount")["test_expected_values"] == "passed"


@pytest.mark.parametrize(
    ("cls", "failing"),
    [
        # the store refuses the naive time too (checked at sync time on every path)
        (
            "TestNaiveSource",
            {"test_records_are_valid", "test_records_write_to_store_idempotently"},
        ),
        # the first cursor is taken, so the rerun also fetches again
        (
            "TestTwoCursorSource",
            {
                "test_fetch_yields_only_records_then_one_cursor",
                "test_rerun_with_cursor_repeats_nothing",
            },
        ),
        ("TestDuplicateSource", {"test_no_duplicate_keys_in_one_run"}),
        ("TestForgetfulSource", {"test_rerun_with_cursor_repeats_nothing"}),
        (
            "TestDictSource",
            {
                "test_fetch_yields_only_records_then_one_cursor",
                "test_records_write_to_store_idempotently",
            },
        ),
        ("TestZeroPostCount", {"test_empty_store_gives_unknown_values"}),
        (
            "TestMisnamedPostCount",
            {"test_compute_on_seeded_store", "test_empty_store_gives_unknown_values"},
        ),
        ("TestSilentReporter", {"test_renders_minimal_report", "test_renders_sample_report"}),
        ("TestUnescapedHtmlReporter", {"test_renders_sample_report"}),
        (
            "TestMisnamedSegmenter",
            {"test_empty_audience_gives_empty_segments", "test_segments_of_seeded_store"},
        ),
        # no segment at all: vacuously fine for every check but the seeded one
        ("TestNobodySegmenter", {"test_segments_of_seeded_store"}),
        ("TestWrongMetric", {"test_declared_capabilities_return_signals"}),
    ],
)
def test_each_defect_fails_exactly_the_tests_that_catch_it(
    contract_outcomes, cls: str, failing: set[str]
) -> None:
    assert _failed(contract_outcomes, cls) == failing


def test_one_invalid_registration_fails_only_its_own_tests(contract_outcomes) -> None:
    valid = _outcome(contract_outcomes, "TestValidKPIOfAMixedPlugin")
    assert valid and "failed" not in valid.values(), valid
    invalid = _outcome(contract_outcomes, "TestInvalidKPIOfAMixedPlugin")
    assert invalid and set(invalid.values()) <= {"failed", "skipped"}, invalid
    assert "failed" in invalid.values()


def test_a_swallowed_or_wrapped_unrecorded_request_still_fails(contract_outcomes) -> None:
    failed = _failed(contract_outcomes, "TestSwallowingSource")
    assert "test_fetch_yields_only_records_then_one_cursor" in failed
    assert "test_records_are_valid" in failed
    wrapped = _failed(contract_outcomes, "TestWrappingSource")
    assert "test_errors_are_source_errors" in wrapped
    assert "test_fetch_yields_only_records_then_one_cursor" in wrapped


def test_the_replay_fixture_fails_a_test_that_swallowed_an_unexpected_request(
    contract_outcomes,
) -> None:
    key = "test_replay_fixture_fails_a_test_whose_code_swallowed_an_unexpected_request"
    assert contract_outcomes[key] == "error"
