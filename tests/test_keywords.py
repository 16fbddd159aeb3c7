"""The keyword service, its store cache, the sync and report hooks, and ``smm keywords``.

Offline: the real smm-wikipedia and smm-suggest tools answer through httpx.MockTransport
(shapes as documented for Wikimedia pageviews and the autocomplete endpoints, all values
constructed), and a fake relative-interest tool (registered in memory) counts its calls.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sys
import types
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from smmcore import KeywordToolSpec, SourceSpec, hookimpl
from smmcore.cli.app import App
from smmcore.cli.main import main
from smmcore.contracts import KeywordQuery, KeywordTool, SourceError
from smmcore.keywords import (
    KeywordService,
    keyword_section,
    refresh_workspace_keywords,
    timeframe_dates,
)
from smmcore.models import KeywordSignal, Post, PostMetrics
from smmcore.plugins import PluginHost
from smmcore.store import Store
from smmcore.workspace import load_workspace

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


# --------------------------------------------------------------------------- a fake tool


class FakeRelative(KeywordTool):
    """Relative interest: each term's value is its position in the request x 10 (so a
    value depends on the request, as with Google Trends), two days per term; rising
    related queries with a breakout. Counts calls per method."""

    calls: list[tuple[str, tuple[str, ...]]] = []
    refuse = False

    async def interest_over_time(self, query, ctx):
        FakeRelative.calls.append(("interest", query.terms))
        if FakeRelative.refuse:
            raise SourceError(
                "Google refused (429): wait and retry, or reduce the number of terms",
                kind="rate_limited",
                hint="try again in a few minutes",
            )
        out = []
        for i, term in enumerate(query.terms):
            if term == "nulla":
                continue
            for day in (date(2026, 11, 1), date(2026, 11, 8)):
                out.append(
                    KeywordSignal(
                        tool=self.name,
                        term=term,
                        metric="interest",
                        unit="relative",
                        value=float((i + 1) * 10 + day.day),
                        period_start=day,
                        retrieved_at=ctx.now,
                    )
                )
        return out

    async def interest_by_region(self, query, ctx):
        FakeRelative.calls.append(("regions", query.terms))
        return [
            KeywordSignal(
                tool=self.name,
                term=term,
                metric="region_interest",
                unit="relative",
                value=value / (i + 1),
                item=region,
                retrieved_at=ctx.now,
            )
            for i, term in enumerate(query.terms)
            for region, value in (("Lazio", 100.0), ("Sicilia", 60.0))
        ]

    async def related_queries(self, query, ctx):
        FakeRelative.calls.append(("related", query.terms))
        out = []
        for term in query.terms:
            for item, value, note in (
                (f"{term} vicino a me", 250.0, None),
                (f"{term} più buono", None, "breakout (>5000%)"),
            ):
                out.append(
                    KeywordSignal(
                        tool=self.name,
                        term=term,
                        metric="related_rising",
                        unit="percent",
                        value=value,
                        item=item,
                        note=note,
                        retrieved_at=ctx.now,
                    )
                )
        return out


FAKE_MODULE = types.ModuleType("smm_kwtest_fake")
FAKE_MODULE.FakeRelative = FakeRelative  # type: ignore[attr-defined]
sys.modules["smm_kwtest_fake"] = FAKE_MODULE


def _fake_plugin() -> SimpleNamespace:
    def smm_register_keyword_tools(register):
        register(
            KeywordToolSpec(
                name="fake",
                description="Relative interest for tests.",
                impl="smm_kwtest_fake:FakeRelative",
                capabilities=("interest", "regions", "related"),
            )
        )

    return SimpleNamespace(smm_register_keyword_tools=hookimpl(smm_register_keyword_tools))


def _offline_source_plugin() -> SimpleNamespace:
    def smm_register_sources(register):
        register(
            SourceSpec(
                name="offlinefiles",
                description="An offline import.",
                impl="smm_kwtest_fake:FakeRelative",
                networks=("mastodon",),
                capabilities=("offline",),
            )
        )

    return SimpleNamespace(smm_register_sources=hookimpl(smm_register_sources))


@pytest.fixture(scope="module")
def installed_plugins() -> list[tuple[str, Any]]:
    """The real smm-wikipedia and smm-suggest plugins (entry points read once)."""
    found = PluginHost(env={"SMM_LOAD_PLUGINS": "smm-wikipedia,smm-suggest"})
    return [(p.name, p.object) for p in found.plugins if p.status == "ok"]


@pytest.fixture
def host(installed_plugins) -> PluginHost:
    FakeRelative.calls = []
    FakeRelative.refuse = False
    assert {name for name, _ in installed_plugins} == {"wikipedia", "suggest"}
    return PluginHost([("kwfake", _fake_plugin()), *installed_plugins], discover=False)


# --------------------------------------------------------------------------- fake endpoints


class Endpoints:
    """Wikimedia (search + pageviews) and the two autocomplete endpoints, counting requests."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.pageviews = {
            "Caff%C3%A8": [("20261123", 120), ("20261124", 150), ("20261125", 90)],
            "Citt%C3%A0": [("20261125", 40)],
        }
        self.status = 200

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.status != 200:
            return httpx.Response(self.status, json={"title": "Too Many Requests"})
        path = request.url.raw_path.decode().split("?")[0]
        if path.endswith("/w/api.php"):
            term = request.url.params["search"]
            title = {"caffè": "Caffè", "città": "Città"}.get(term)
            return httpx.Response(200, json=[term, [title] if title else [], [""], [""]])
        if path.startswith("/pv/"):
            article = path.split("/")[5]
            rows = self.pageviews.get(article)
            if rows is None:
                return httpx.Response(404, json={"title": "Not Found", "status": 404})
            return httpx.Response(
                200,
                json={
                    "items": [
                        {
                            "project": "it.wikipedia",
                            "article": article,
                            "granularity": "daily",
                            "timestamp": f"{d}00",
                            "access": "all-access",
                            "agent": "user",
                            "views": v,
                        }
                        for d, v in rows
                    ]
                },
            )
        q = request.url.params["q"]
        answers = {
            "caffè": ["caffè espresso", "caffè decaffeinato"],
            "come caffè": ["come fare il caffè"],
            "caffè vs": ["caffè vs tè"],
        }
        if request.url.host == "google.test":
            return httpx.Response(200, json=[q, answers.get(q, []), [], {}])
        return httpx.Response(
            200, json=[q, [s.replace("caffè", "caffe") for s in answers.get(q, [])]]
        )

    @property
    def count(self) -> int:
        return len(self.requests)


SETTINGS = {
    "wikipedia": {
        "search_url": "http://wiki.test/{lang}/w/api.php",
        "pageviews_url": "http://wiki.test/pv",
    },
    "suggest": {
        "google_url": "http://google.test/complete/search",
        "duckduckgo_url": "http://ddg.test/ac/",
        "delay": 0.0,
        "expansions": ["questions", "comparisons"],
    },
}


def _settings_for(name: str, model: Any) -> Any:
    return model(**SETTINGS.get(name, {}))


def service_run(host, store, endpoints, tool, kind, query, *, now=NOW, refresh=False):
    async def go():
        async with httpx.AsyncClient(transport=httpx.MockTransport(endpoints)) as http:
            service = KeywordService(host, store, http=http, now=now, settings_for=_settings_for)
            return await service.run(tool, kind, query, refresh=refresh)

    return asyncio.run(go())


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "store.duckdb") as st:
        yield st


def _rows(store, tool: str) -> int:
    return store.con.execute(
        "SELECT count(*) FROM keyword_signals WHERE tool = ?", [tool]
    ).fetchone()[0]


# --------------------------------------------------------------------------- timeframes


def test_timeframe_dates():
    today = date(2026, 11, 26)
    assert timeframe_dates("today 12-m", today) == (date(2025, 11, 26), today)
    assert timeframe_dates("today 3-m", date(2026, 5, 31)) == (date(2026, 2, 28), date(2026, 5, 31))
    assert timeframe_dates("today 5-y", today) == (date(2021, 11, 26), today)
    assert timeframe_dates("now 7-d", today) == (date(2026, 11, 19), today)
    assert timeframe_dates("now  1-H", today) == (today, today)
    assert timeframe_dates("2026-01-01 2026-06-30", today) == (date(2026, 1, 1), date(2026, 6, 30))
    assert timeframe_dates("all", today)[0] == date(2004, 1, 1)
    with pytest.raises(ValueError, match="unknown timeframe"):
        timeframe_dates("last year", today)


# --------------------------------------------------------------------------- freshness


def test_second_request_within_the_window_makes_no_request(host, store):
    endpoints = Endpoints()
    query = KeywordQuery(terms=("caffè", "città"), language="it", timeframe="now 7-d")
    first = service_run(host, store, endpoints, "wikipedia", "interest", query)
    assert not first.cached
    sent = endpoints.count
    assert sent == 4  # search + pageviews per term
    # caffè: 3 days; città: 1 day
    assert [(s.term, s.period_start.day, s.value) for s in first.signals] == [
        ("caffè", 23, 120),
        ("caffè", 24, 150),
        ("caffè", 25, 90),
        ("città", 25, 40),
    ]
    assert _rows(store, "wikipedia") == 4

    later = service_run(
        host, store, endpoints, "wikipedia", "interest", query, now=NOW + timedelta(hours=23)
    )
    assert endpoints.count == sent  # answered from the store
    assert later.cached and later.retrieved_at == NOW
    assert sorted((s.term, s.period_start, s.value, s.item) for s in later.signals) == sorted(
        (s.term, s.period_start, s.value, s.item) for s in first.signals
    )

    forced = service_run(
        host,
        store,
        endpoints,
        "wikipedia",
        "interest",
        query,
        now=NOW + timedelta(hours=23),
        refresh=True,
    )
    assert endpoints.count == sent * 2 and not forced.cached

    stale = service_run(
        host, store, endpoints, "wikipedia", "interest", query, now=NOW + timedelta(hours=23 + 25)
    )
    assert endpoints.count == sent * 3 and not stale.cached
    # one row per (term, article, day): refreshing replaced, never duplicated
    assert _rows(store, "wikipedia") == 4


def test_another_geo_or_timeframe_is_another_request(host, store):
    endpoints = Endpoints()
    query = KeywordQuery(terms=("caffè",), language="it", timeframe="now 7-d")
    service_run(host, store, endpoints, "wikipedia", "interest", query)
    sent = endpoints.count
    other = KeywordQuery(terms=("caffè",), language="it", timeframe="now 7-d", geo="CH")
    assert not service_run(host, store, endpoints, "wikipedia", "interest", other).cached
    assert endpoints.count == sent * 2


def test_no_data_is_remembered_too(host, store):
    endpoints = Endpoints()
    query = KeywordQuery(terms=("zzqxj",), language="it", timeframe="now 7-d")
    first = service_run(host, store, endpoints, "wikipedia", "interest", query)
    assert first.signals == [] and "no it.wikipedia pageviews" in first.no_data["zzqxj"]
    sent = endpoints.count
    again = service_run(
        host, store, endpoints, "wikipedia", "interest", query, now=NOW + timedelta(hours=1)
    )
    assert endpoints.count == sent and again.cached
    assert again.no_data == first.no_data and again.signals == []
    # stored as one row with period_start 1970-01-01 (not a time-series point)
    row = store.con.execute(
        "SELECT period_start, value FROM keyword_signals WHERE term = 'zzqxj'"
    ).fetchall()
    assert row == [(date(1970, 1, 1), None)]


def test_relative_values_are_only_cached_from_one_request(host, store):
    def run(terms, hours):
        return service_run(
            host,
            store,
            Endpoints(),
            "fake",
            "interest",
            KeywordQuery(terms=terms),
            now=NOW + timedelta(hours=hours),
        )

    run(("pane", "pizza"), 0)
    assert run(("pane", "pizza"), 1).cached
    assert not run(("pane", "focaccia"), 2).cached  # focaccia was never asked
    # pane now comes from the second request, pizza from the first: not comparable
    assert not run(("pane", "pizza"), 3).cached
    assert [c for c in FakeRelative.calls] == [
        ("interest", ("pane", "pizza")),
        ("interest", ("pane", "focaccia")),
        ("interest", ("pane", "pizza")),
    ]
    # values from the latest request only: pane is first (10 + day), pizza second (20 + day)
    result = run(("pane", "pizza"), 4)
    assert result.cached
    assert [(s.term, s.value) for s in result.signals] == [
        ("pane", 11),
        ("pane", 18),
        ("pizza", 21),
        ("pizza", 28),
    ]


def test_suggestions_round_trip_non_ascii_and_period_none(host, store):
    endpoints = Endpoints()
    query = KeywordQuery(terms=("caffè",), language="it")
    first = service_run(host, store, endpoints, "suggest", "suggestions", query)
    # 1 seed + 8 questions + 2 comparisons, on 2 engines
    assert endpoints.count == 22
    items = [s.item for s in first.signals]
    # Google's seed answer, then DuckDuckGo's, then each expansion the same way
    assert items == [
        "caffè espresso",
        "caffè decaffeinato",
        "caffe espresso",
        "caffe decaffeinato",
        "come fare il caffè",
        "come fare il caffe",
        "caffè vs tè",
        "caffe vs tè",
    ]
    cached = service_run(
        host, store, endpoints, "suggest", "suggestions", query, now=NOW + timedelta(hours=2)
    )
    assert cached.cached and endpoints.count == 22
    assert {s.item: (s.value, s.note, s.period_start) for s in cached.signals} == {
        s.item: (s.value, s.note, None) for s in first.signals
    }


def test_store_only_tools_run_every_time_and_store_nothing(host, store):
    store.write(
        [
            Post(
                network="mastodon",
                account="forno",
                post_id="1",
                created_at=NOW - timedelta(days=2),
                text="Caffè e cornetto #colazione",
            ),
            PostMetrics(
                network="mastodon",
                account="forno",
                post_id="1",
                captured_at=NOW - timedelta(days=1),
                likes=9,
                reposts=1,
            ),
        ]
    )
    query = KeywordQuery(terms=("caffè",))
    result = service_run(host, store, Endpoints(), "own-terms", "related", query)
    assert (result.signals[0].item, result.signals[0].value) == ("caffè", 10.0)
    assert not result.cached and _rows(store, "own-terms") == 0


def test_a_tool_without_the_capability_is_a_clear_error(host, store):
    from smmcore.errors import SmmError

    with pytest.raises(SmmError, match="does not answer 'suggestions'"):
        service_run(
            host, store, Endpoints(), "wikipedia", "suggestions", KeywordQuery(terms=("caffè",))
        )


# --------------------------------------------------------------------------- sync and report


def _workspace(tmp_path: Path, body: str) -> Any:
    (tmp_path / "smm.toml").write_text(
        '[client]\nname = "Bar Roma"\nlanguage = "it"\ntimezone = "Europe/Rome"\n\n' + body,
        encoding="utf-8",
    )
    return load_workspace(tmp_path)


def test_refresh_workspace_keywords_reports_failures_without_raising(host, tmp_path):
    body = '[keywords]\nterms = ["pane", "nulla"]\ntools = ["fake", "own-terms"]\n'
    ws = _workspace(tmp_path, body)
    with ws.open_store() as st:
        summary = refresh_workspace_keywords(ws, host, st)
        # own-terms reads the store: nothing to fetch, the report computes it
        assert summary.ok and summary.fetched == ["fake:interest", "fake:related"]
        # pane: 2 points + 2 rising; nulla: 2 rising (its no-data marker is not a signal)
        assert summary.signals == 6
        again = refresh_workspace_keywords(ws, host, st)
        assert again.fetched == [] and again.cached == ["fake:interest", "fake:related"]
        FakeRelative.refuse = True
        failed = refresh_workspace_keywords(ws, host, st, refresh=True)
    assert failed.errors and "Google refused (429)" in failed.errors[0]
    assert failed.fetched == ["fake:related"]
    assert "fake: 2 of 2 terms failed" in str(failed)  # counted in terms, not requests


def test_offline_workspaces_are_not_refreshed(tmp_path):
    FakeRelative.calls = []
    host = PluginHost(
        [("kwfake", _fake_plugin()), ("offline", _offline_source_plugin())], discover=False
    )
    ws = _workspace(
        tmp_path,
        '[[channels]]\nnetwork = "mastodon"\nhandle = "bar"\nsource = "offlinefiles"\n\n'
        '[keywords]\nterms = ["pane"]\n',
    )
    lines: list[str] = []
    from smmcore.keywords import refresh_workspace_keywords_async

    with ws.open_store() as st:
        summary = asyncio.run(refresh_workspace_keywords_async(ws, host, st, log=lines.append))
    assert summary.fetched == [] and FakeRelative.calls == []
    assert "offline import" in lines[0]


def test_keyword_section_for_the_report(host, tmp_path):
    ws = _workspace(tmp_path, '[keywords]\nterms = ["caffè"]\n')
    endpoints = Endpoints()
    with ws.open_store() as st:
        st.write(
            [
                Post(
                    network="mastodon",
                    account="bar",
                    post_id="1",
                    created_at=NOW - timedelta(days=2),
                    text="Il nostro caffè #colazione",
                ),
                PostMetrics(
                    network="mastodon",
                    account="bar",
                    post_id="1",
                    captured_at=NOW - timedelta(days=1),
                    likes=4,
                ),
                Post(
                    network="mastodon",
                    account="bar",
                    post_id="2",
                    created_at=NOW - timedelta(days=3),
                    text="Cornetto caldo #colazione",
                ),
                PostMetrics(
                    network="mastodon",
                    account="bar",
                    post_id="2",
                    captured_at=NOW - timedelta(days=1),
                    likes=2,
                ),
            ]
        )
        query = KeywordQuery(terms=("caffè",), language="it")
        service_run(host, st, endpoints, "fake", "interest", query)
        service_run(host, st, endpoints, "fake", "related", query)
        service_run(host, st, endpoints, "suggest", "suggestions", query)
        sections = keyword_section(st, ws.config, host=host)
    by_tool = {(s.term, s.tool): s for s in sections}
    fake = by_tool[("caffè", "fake")]
    assert [(p.date, p.value) for p in fake.points] == [
        (date(2026, 11, 1), 11.0),
        (date(2026, 11, 8), 18.0),
    ]
    assert fake.unit == "relative"
    assert [(r.query, r.value, r.breakout) for r in fake.rising] == [
        ("caffè più buono", None, True),  # breakouts first
        ("caffè vicino a me", 250.0, False),
    ]
    suggest = by_tool[("caffè", "suggest")]
    # long tail: best rank first, then the longer (more specific) queries
    assert suggest.suggestions == [
        "come fare il caffe",
        "come fare il caffè",
        "caffe vs tè",
        "caffè vs tè",
        "caffe espresso",
        "caffè espresso",
        "caffe decaffeinato",
        "caffè decaffeinato",
    ]
    own = by_tool[("caffè", "own-terms")]
    assert own.unit == "engagements/post"
    # nothing else in 2+ posts with it; the number stays a number (reporters format it)
    assert [(q.query, q.value) for q in own.scores] == [("caffè", 4.0)] and not own.suggestions
    hashtags = by_tool[("#hashtags", "own-terms")]
    assert [(q.query, q.value) for q in hashtags.scores] == [("#colazione", 3.0)]  # (4 + 2) / 2


# --------------------------------------------------------------------------- the CLI


WORKSPACE_KEYWORDS = (
    '[keywords]\nterms = ["caffè", "città"]\nlanguage = "it"\ngeo = "IT"\n'
    'tools = ["fake", "wikipedia", "suggest"]\n\n'
    '[plugins.wikipedia]\nsearch_url = "http://wiki.test/{lang}/w/api.php"\n'
    'pageviews_url = "http://wiki.test/pv"\n\n'
    '[plugins.suggest]\ngoogle_url = "http://google.test/complete/search"\n'
    'duckduckgo_url = "http://ddg.test/ac/"\ndelay = 0.0\n'
    'expansions = ["questions", "comparisons"]\n'
)
"""The [keywords] and tool settings of the CLI and API tests (tools at the fake endpoints)."""


@pytest.fixture
def cli(host, tmp_path, monkeypatch, capsys) -> Callable[..., tuple[int, str, str]]:
    """``smm -w WS keywords ...`` against the fake endpoints (settings point at them)."""
    endpoints = Endpoints()
    monkeypatch.setattr(
        "smmcore.keywords.open_keyword_client",
        lambda log=None: httpx.AsyncClient(transport=httpx.MockTransport(endpoints)),
    )
    _workspace(tmp_path, WORKSPACE_KEYWORDS)

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as info:
            main(["-w", str(tmp_path), "keywords", *args], app=App(host=host))
        out, err = capsys.readouterr()
        return info.value.code, out, err

    run.endpoints = endpoints  # type: ignore[attr-defined]
    return run


def test_cli_suggest_table_then_cached(cli):
    code, out, err = cli("suggest", "caffè")
    assert code == 0, err
    assert "caffè: 8 suggestions" in out
    assert "come fare il caffè" in out and "questions: 'come caffè' via google" in out
    assert "(retrieved " in out and "from suggest)" in out
    sent = cli.endpoints.count
    code, out, _ = cli("suggest", "caffè")
    assert code == 0 and cli.endpoints.count == sent
    assert "(cached, retrieved " in out
    code, out, _ = cli("suggest", "caffè", "--refresh")
    assert cli.endpoints.count == sent * 2 and "(cached" not in out


def test_cli_trends_json_and_csv(cli):
    code, out, err = cli("trends", "caffè", "città", "--tool", "fake", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    (result,) = data["results"]
    assert result["tool"] == "fake" and result["cached"] is False
    assert (result["geo"], result["language"], result["timeframe"]) == ("IT", "it", "today 12-m")
    assert [(s["term"], s["period_start"], s["value"]) for s in result["signals"]] == [
        ("caffè", "2026-11-01", 11.0),
        ("caffè", "2026-11-08", 18.0),
        ("città", "2026-11-01", 21.0),
        ("città", "2026-11-08", 28.0),
    ]
    code, out, err = cli("trends", "caffè", "città", "--tool", "fake", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 4 and rows[0]["cached"] == "True"
    assert (rows[3]["term"], rows[3]["value"], rows[3]["unit"]) == ("città", "28.0", "relative")


def test_cli_trends_table_has_summary_sparkline_and_points(cli):
    code, out, err = cli(
        "trends", "caffè", "--tool", "fake", "--geo", "", "--timeframe", "today 3-m"
    )
    assert code == 0, err
    assert "fake: interest (relative 0-100), today 3-m, geo worldwide" in out
    assert "18 (2026-11-08)" in out  # the peak
    assert "▁█" in out  # 11 then 18
    assert "2026-11-01" in out and "2026-11-08" in out


def test_cli_wikipedia_pageviews_and_no_data(cli):
    code, out, err = cli(
        "trends", "caffè", "zzqxj", "--tool", "wikipedia", "--timeframe", "now 7-d"
    )
    assert code == 0, err
    assert "pageviews (absolute, per day)" in out and "Caffè" in out
    assert "No data for 'zzqxj' from wikipedia" in out


def test_cli_related_shows_breakout(cli):
    code, out, err = cli("related", "caffè", "--tool", "fake")
    assert code == 0, err
    assert "caffè più buono" in out and "Breakout" in out and "+250%" in out


def test_cli_errors_are_clear(cli):
    FakeRelative.refuse = True
    code, _out, err = cli("trends", "caffè", "--tool", "fake", "--refresh")
    assert code == 1
    assert "Error: Google refused (429): wait and retry, or reduce the number of terms" in err
    code, _out, err = cli("suggest", "caffè", "--tool", "wikipedia")
    assert code == 1 and "does not answer 'suggestions'" in err
    code, _out, err = cli("trends", "caffè", "--timeframe", "last year")
    assert code == 2 and "unknown timeframe" in err
    code, _out, err = cli("trends", "caffè", "--geo", "italia")
    assert code == 2 and "'ITALIA' is not a country or region code" in err
    code, _out, err = cli("trends", "caffè", "--lang", "italiano")
    assert code == 2 and "not a language code" in err


def test_cli_report_covers_every_term_and_tool(cli):
    code, out, err = cli("report")
    assert code == 0, err
    for text in (
        "caffè",
        "città",
        "fake",
        "wikipedia",
        "suggest",
        "interest",
        "related",
        "suggestions",
    ):
        assert text in out
    assert "rising: caffè più buono (Breakout)" in out
    code, out, err = cli("report", "--format", "json")
    results = json.loads(out)["results"]
    assert {(r["tool"], r["kind"]) for r in results} == {
        ("fake", "interest"),
        ("fake", "related"),
        ("wikipedia", "interest"),
        ("suggest", "suggestions"),
    }
    assert all(r["cached"] for r in results)


def test_cli_regions_table(cli):
    code, out, err = cli("trends", "caffè", "città", "--tool", "fake", "--regions")
    assert code == 0, err
    assert "interest by region (relative 0-100)" in out
    lines = [line for line in out.splitlines() if "Lazio" in line or "Sicilia" in line]
    # one column per term, regions ordered by the first term: città's values are halved
    assert [line.split() for line in lines] == [
        ["Lazio", "│", "100", "│", "50"],
        ["Sicilia", "│", "60", "│", "30"],
    ]


def test_cli_without_a_workspace_stores_nothing(host, tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(
            ["-w", str(tmp_path), "keywords", "trends", "pane", "--tool", "fake"],
            app=App(host=host),
        )
    out, err = capsys.readouterr()
    assert info.value.code == 0, err
    assert "(retrieved " in out and not (tmp_path / ".smm").exists()


# --------------------------------------------------------------------------- the Python API
# ``ws.keywords`` (smmcore.keyword_research.KeywordResearch): every behaviour of the CLI
# above, through the API, against the same fake endpoints.


@pytest.fixture
def api(host, tmp_path, monkeypatch):
    """The workspace's keyword research (progress lines collected in ``api.lines``)."""
    from smmcore.keyword_research import KeywordResearch

    endpoints = Endpoints()
    monkeypatch.setattr(
        "smmcore.keywords.open_keyword_client",
        lambda log=None: httpx.AsyncClient(transport=httpx.MockTransport(endpoints)),
    )
    lines: list[str] = []
    research = KeywordResearch(
        _workspace(tmp_path, WORKSPACE_KEYWORDS), host, progress=lambda e: lines.append(e.text)
    )
    research.endpoints = endpoints  # type: ignore[attr-defined]
    research.lines = lines  # type: ignore[attr-defined]
    return research


def test_api_suggestions_then_cached_then_refreshed(api):
    from smmcore.keyword_research import grouped_suggestions

    first = api.suggestions("caffè")
    assert not first.cached and first.tool == "suggest" and first.kind == "suggestions"
    groups = grouped_suggestions(first)["caffè"]
    assert len(groups) == 8
    # seed answers first, then the questions, then the comparisons (AnswerThePublic order)
    assert [s.note.split(":")[0] for s in groups] == ["seed"] * 4 + ["questions"] * 2 + [
        "comparisons"
    ] * 2
    assert any(s.note == "questions: 'come caffè' via google" for s in groups)
    sent = api.endpoints.count
    again = api.suggestions("caffè")
    assert again.cached and api.endpoints.count == sent
    assert again.retrieved_at == first.retrieved_at
    assert not api.suggestions("caffè", refresh=True).cached
    assert api.endpoints.count == sent * 2


def test_api_trends_uses_the_workspace_defaults_and_is_a_table(api):
    result = api.trends(["caffè", "città", "caffè "], tool="fake")
    q = result.query
    assert q.terms == ("caffè", "città")  # cleaned and de-duplicated
    assert (q.geo, q.language, q.timeframe) == ("IT", "it", "today 12-m")
    assert result.to_json()["signals"][3]["value"] == 28.0
    rows = result.rows()
    assert [(r["term"], r["period_start"], r["value"]) for r in rows] == [
        ("caffè", date(2026, 11, 1), 11.0),
        ("caffè", date(2026, 11, 8), 18.0),
        ("città", date(2026, 11, 1), 21.0),
        ("città", date(2026, 11, 8), 28.0),
    ]
    table = result.to_arrow()
    assert table.column_names[:6] == ["tool", "term", "metric", "item", "period_start", "value"]
    assert table.column("value").to_pylist() == [11.0, 18.0, 21.0, 28.0]
    frame = result.to_pandas()
    assert frame.groupby("term")["value"].mean().to_dict() == {"caffè": 14.5, "città": 24.5}


def test_api_trends_series_summary(api):
    from smmcore.keyword_research import interest_series

    result = api.trends("caffè", tool="fake", geo="", timeframe=" today  3-m ")
    assert (result.query.geo, result.query.timeframe) == ("", "today 3-m")
    (series,) = interest_series(result)
    assert (series.term, series.values, series.average, series.latest) == (
        "caffè",
        [11.0, 18.0],
        14.5,
        18.0,
    )
    assert (series.peak.value, series.peak.period_start) == (18.0, date(2026, 11, 8))


def test_api_pageviews_and_no_data(api):
    result = api.trends(["caffè", "zzqxj"], tool="wikipedia", timeframe="now 7-d")
    assert {s.item for s in result.signals} == {"Caffè"}
    assert {s.unit for s in result.signals} == {"views"}
    assert "zzqxj" in result.no_data and not result.failed
    no_data = [r for r in result.rows() if r["term"] == "zzqxj"]
    assert len(no_data) == 1 and no_data[0]["value"] is None and no_data[0]["note"]


def test_api_related_orders_breakouts_first(api):
    from smmcore.keyword_research import related_queries

    (related,) = related_queries(api.related("caffè", tool="fake"))
    assert [(s.item, s.value) for s in related.rising] == [
        ("caffè più buono", None),  # a breakout
        ("caffè vicino a me", 250.0),
    ]
    assert related.top == [] and related.own == []


def test_api_regions_by_the_first_term(api):
    from smmcore.keyword_research import region_rows

    result = api.regions(["caffè", "città"], tool="fake")
    assert result.kind == "regions"
    assert region_rows(result) == [
        ("Lazio", {"caffè": 100.0, "città": 50.0}),
        ("Sicilia", {"caffè": 60.0, "città": 30.0}),
    ]


def test_api_errors_are_exceptions_with_the_cli_messages(api):
    from smmcore.errors import InvalidArgument, KeywordToolError, SmmError

    FakeRelative.refuse = True
    with pytest.raises(KeywordToolError, match=r"Google refused \(429\)") as info:
        api.trends("caffè", tool="fake", refresh=True)
    assert info.value.kind == "rate_limited" and info.value.hint == "try again in a few minutes"
    with pytest.raises(SmmError, match="does not answer 'suggestions'"):
        api.suggestions("caffè", tool="wikipedia")
    with pytest.raises(SmmError, match="no keyword tool named 'nope'"):
        api.trends("caffè", tool="nope")
    cases = [
        ({"timeframe": "last year"}, "--timeframe", "unknown timeframe"),
        ({"geo": "italia"}, "--geo", "'ITALIA' is not a country or region code"),
        ({"language": "italiano"}, "--lang", "not a language code"),
    ]
    for options, param, message in cases:
        with pytest.raises(InvalidArgument, match=message) as info:
            api.trends("caffè", **options)
        assert info.value.param == param and info.value.exit_code == 2
    with pytest.raises(InvalidArgument, match="at least one non-empty TERM"):
        api.trends(["  "])
    with pytest.raises(InvalidArgument, match="unknown kind"):
        api.run("volume", ["caffè"])


def test_api_default_tool_per_kind(api, host):
    # no trends plugin here: the first installed tool answering the kind
    assert api.tool_for("interest") == "fake"
    assert api.tool_for("suggestions") == "suggest"
    assert api.tools("regions") == ["fake"]
    from smmcore.errors import SmmError
    from smmcore.keyword_research import KeywordResearch

    empty = KeywordResearch(None, PluginHost([], discover=False))
    with pytest.raises(SmmError, match="no installed keyword tool answers 'interest'"):
        empty.tool_for("interest")


def test_api_report_covers_every_term_and_tool(api):
    report = api.report()
    assert report.ok and report.failures() == ""
    assert report.terms == ["caffè", "città"] and report.tools == ["fake", "wikipedia", "suggest"]
    assert {(r.tool, r.kind) for r in report.results} == {
        ("fake", "interest"),
        ("fake", "related"),
        ("wikipedia", "interest"),
        ("suggest", "suggestions"),
    }
    assert not any(r.cached for r in report.results)
    frame = report.to_pandas()
    assert set(frame["tool"]) == {"fake", "wikipedia", "suggest"}
    again = api.report(tools=["fake"])
    assert again.tools == ["fake"] and all(r.cached for r in again.results)
    FakeRelative.refuse = True
    failed = api.report(tools=["fake"], refresh=True)
    assert not failed.ok and failed.failures() == "fake: 2 of 2 terms failed"
    interest = next(r for r in failed.results if r.kind == "interest")
    assert "Google refused (429)" in interest.error and interest.signals == []


def test_api_report_needs_a_workspace_with_terms(host, tmp_path):
    from smmcore.errors import SmmError
    from smmcore.keyword_research import KeywordResearch

    with pytest.raises(SmmError, match="no workspace"):
        KeywordResearch(None, host).report()
    bare = _workspace(tmp_path, "")
    with pytest.raises(SmmError, match="the workspace tracks no keywords") as info:
        KeywordResearch(bare, host).report()
    assert "[keywords] terms" in info.value.hint


def test_api_without_a_workspace_stores_nothing(host, tmp_path, monkeypatch):
    from smmcore.keyword_research import KeywordResearch

    monkeypatch.chdir(tmp_path)
    result = KeywordResearch(None, host).trends("pane", tool="fake")
    assert not result.cached and [s.value for s in result.signals] == [11.0, 18.0]
    assert (result.query.geo, result.query.language) == ("", "")
    assert not KeywordResearch(None, host).trends("pane", tool="fake").cached
    assert list(tmp_path.iterdir()) == []


def test_api_works_inside_a_running_event_loop(api):
    """A notebook runs an event loop: the API runs its requests on a thread of its own."""

    async def in_a_notebook():
        return api.trends("caffè", tool="fake")

    result = asyncio.run(in_a_notebook())
    assert [s.value for s in result.signals] == [11.0, 18.0]


def test_api_progress_lines_reach_the_callback(api):
    api.endpoints.status = 429
    from smmcore.errors import SmmError

    with pytest.raises(SmmError):
        api.suggestions("caffè")
    assert any("429" in line for line in api.lines)


def test_cli_every_command_passes_its_query_options(cli):
    code, out, err = cli(
        "related", "caffè", "--tool", "fake", "--geo", "it-25", "--lang", "EN",
        "--timeframe", "now 7-d", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    (result,) = json.loads(out)["results"]
    assert (result["geo"], result["language"], result["timeframe"]) == ("IT-25", "en", "now 7-d")
    code, out, _ = cli("related", "caffè", "--tool", "fake", "--geo", "it-25", "--lang", "EN",
                       "--timeframe", "now 7-d", "--format", "json", "--refresh")  # fmt: skip
    assert code == 0 and json.loads(out)["results"][0]["cached"] is False
    assert FakeRelative.calls == [("related", ("caffè",)), ("related", ("caffè",))]

    code, out, err = cli(
        "suggest", "caffè", "--geo", "", "--lang", "it", "--timeframe", "today 3-m",
        "--format", "csv",
    )  # fmt: skip
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {(r["geo"], r["language"], r["timeframe"]) for r in rows} == {("", "it", "today 3-m")}

    code, out, err = cli(
        "report", "--tool", "fake", "--geo", "CH", "--lang", "de", "--timeframe", "today 5-y",
        "--refresh", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    results = json.loads(out)["results"]
    assert {r["tool"] for r in results} == {"fake"}
    assert {(r["geo"], r["language"], r["timeframe"], r["cached"]) for r in results} == {
        ("CH", "de", "today 5-y", False)
    }
