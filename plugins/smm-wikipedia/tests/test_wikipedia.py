"""smm-wikipedia, offline: httpx.MockTransport answering like Wikimedia.

Fixture provenance:
- verbatim shape of the pageviews answer (``{"items": [{project, article, granularity,
  timestamp "YYYYMMDD00", access, agent, views}]}``) and the first three daily values of
  ``Python_(programming_language)`` on en.wikipedia from 2021-01-01 (7238, 8449, 8669), as
  published in a real response; the 404 problem body's ``detail`` sentence as Wikimedia's
  AQS service writes it.
- constructed: the Italian articles and their views, the opensearch answers (documented
  shape ``[search, [titles], [descriptions], [urls]]``) and the 429.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime

import httpx
import pytest
from smm_wikipedia import plugin as wikipedia_plugin
from smm_wikipedia.settings import WikipediaSettings
from smm_wikipedia.tool import WikipediaTool, article_path

from smmcore.contracts import KeywordContext, KeywordQuery, SourceError
from smmcore.testing import KeywordToolContract

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
BASE = "http://wiki.test"
NOT_FOUND = {
    "type": "about:blank",
    "title": "Not Found",
    "method": "get",
    "status": 404,
    "detail": "The date(s) you used are valid, but we either do not have data for those "
    "date(s), or the project you asked for is not loaded yet.  Please check documentation "
    "for more information.",
}


def item(project: str, article: str, day: str, views: int) -> dict:
    return {
        "project": project,
        "article": article,
        "granularity": "daily",
        "timestamp": f"{day}00",
        "access": "all-access",
        "agent": "user",
        "views": views,
    }


class FakeWikimedia:
    def __init__(
        self,
        search: dict[str, list[str]],
        views: dict[str, list[tuple[str, int]]],
        status: int = 200,
    ):
        self.search = search
        self.views = views
        self.status = status
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.status != 200:
            return httpx.Response(self.status, json={"title": "Too many requests"})
        if request.url.path.endswith("/w/api.php"):
            term = request.url.params["search"]
            titles = self.search.get(term, [])
            return httpx.Response(200, json=[term, titles, [""] * len(titles), [""] * len(titles)])
        # /pv/{project}/all-access/user/{article}/daily/{start}/{end}
        raw = request.url.raw_path.decode("ascii").split("?")[0]
        parts = raw.split("/")
        project, article = parts[2], parts[5]
        rows = self.views.get(article)
        if rows is None:
            return httpx.Response(
                404, json=NOT_FOUND, headers={"Content-Type": "application/problem+json"}
            )
        return httpx.Response(200, json={"items": [item(project, article, d, v) for d, v in rows]})


def run_tool(fake: FakeWikimedia, query: KeywordQuery, **settings) -> list:
    tool = WikipediaTool(
        WikipediaSettings(
            search_url=BASE + "/{lang}/w/api.php", pageviews_url=BASE + "/pv", **settings
        )
    )

    async def go():
        async with httpx.AsyncClient(transport=httpx.MockTransport(fake)) as http:
            return await tool.interest_over_time(query, KeywordContext(http=http, now=NOW))

    return asyncio.run(go())


def test_article_path_encodes_like_wikimedia_wants():
    assert article_path("Caffè") == "Caff%C3%A8"
    assert article_path("Città metropolitana di Roma") == "Citt%C3%A0_metropolitana_di_Roma"
    assert article_path("AC/DC") == "AC%2FDC"


def test_recorded_pageviews_become_daily_views():
    fake = FakeWikimedia(
        search={"python": ["Python (programming language)"]},
        views={
            "Python_%28programming_language%29": [
                ("20210101", 7238),
                ("20210102", 8449),
                ("20210103", 8669),
            ]
        },
    )
    signals = run_tool(
        fake, KeywordQuery(terms=("python",), language="en", timeframe="2021-01-01 2021-01-03")
    )
    assert [(s.period_start, s.value) for s in signals] == [
        (date(2021, 1, 1), 7238),
        (date(2021, 1, 2), 8449),
        (date(2021, 1, 3), 8669),
    ]
    assert {(s.metric, s.unit, s.item) for s in signals} == {
        ("pageviews", "views", "Python (programming language)")
    }
    pv = fake.requests[-1]
    assert pv.url.raw_path.decode().startswith(
        "/pv/en.wikipedia/all-access/user/Python_%28programming_language%29/daily/20210101/20210103"
    )
    assert "smm-wikipedia" in pv.headers["User-Agent"]


def test_non_ascii_term_falls_back_to_the_title_and_fills_gaps():
    # opensearch finds nothing: the term becomes the title "Caffè" -> Caff%C3%A8
    fake = FakeWikimedia(search={}, views={"Caff%C3%A8": [("20261120", 310), ("20261122", 290)]})
    signals = run_tool(
        fake,
        KeywordQuery(terms=("caffè",), language="it", timeframe="2026-11-20 2026-11-22"),
        contact="social@example.it",
    )
    assert [(s.period_start.day, s.value) for s in signals] == [(20, 310), (21, 0), (22, 290)]
    assert signals[0].item == "Caffè" and signals[0].note == "it.wikipedia"
    assert (
        "/pv/it.wikipedia/all-access/user/Caff%C3%A8/daily/20261120/20261122"
        in fake.requests[-1].url.raw_path.decode()
    )
    assert fake.requests[0].url.params["search"] == "caffè"
    assert fake.requests[0].headers["User-Agent"].endswith("social@example.it")


def test_search_picks_the_article_and_the_range_stops_yesterday():
    fake = FakeWikimedia(
        search={"città": ["Città"]}, views={"Citt%C3%A0": [("20261124", 5), ("20261125", 7)]}
    )
    signals = run_tool(fake, KeywordQuery(terms=("città",), language="it", timeframe="now 7-d"))
    assert [s.value for s in signals] == [5, 7]
    # now 7-d on 2026-11-26: from 2026-11-19 to yesterday, 2026-11-25
    assert fake.requests[-1].url.raw_path.decode().endswith("/daily/20261119/20261125")


def test_404_is_no_data_with_a_note():
    fake = FakeWikimedia(search={}, views={})
    (signal,) = run_tool(
        fake, KeywordQuery(terms=("zzqxj",), language="en", timeframe="today 12-m")
    )
    assert signal.value is None and signal.item == "" and signal.period_start is None
    assert "no en.wikipedia pageviews for 'Zzqxj'" in signal.note


def test_429_is_a_clear_error():
    fake = FakeWikimedia(search={}, views={}, status=429)
    with pytest.raises(SourceError) as info:
        run_tool(fake, KeywordQuery(terms=("caffè",), language="it"), search=False)
    assert info.value.kind == "rate_limited"
    assert "429" in str(info.value)


def test_registration():
    from smm_wikipedia import plugin

    specs = []
    plugin.smm_register_keyword_tools(specs.append)
    (spec,) = specs
    assert spec.name == "wikipedia" and spec.problems() == [] and spec.capabilities == ("interest",)
    assert spec.load() is WikipediaTool
    assert json.loads(json.dumps(spec.summary()))["name"] == "wikipedia"


# --------------------------------------------------------------------------- the plugin kit

PV = "https://wikimedia.org/api/rest_v1/metrics/pageviews/per-article/it.wikipedia/all-access/user"


class TestWikipediaConformance(KeywordToolContract):
    """smmcore's conformance tests: the kit's query is "pizza" (it, IT) on 2026-04-01, so
    the range is 2025-04-01 .. 2026-03-31 (yesterday)."""

    plugin = wikipedia_plugin
    plugin_name = "wikipedia"
    name = "wikipedia"
    responses = {
        "GET https://it.wikipedia.org/w/api.php?action=opensearch&search=pizza&limit=1"
        "&namespace=0&redirects=resolve&format=json": {
            "json": ["pizza", ["Pizza"], [""], ["https://it.wikipedia.org/wiki/Pizza"]]
        },
        f"GET {PV}/Pizza/daily/20250401/20260331": {
            "json": {
                "items": [
                    item("it.wikipedia", "Pizza", "20260330", 1500),
                    item("it.wikipedia", "Pizza", "20260331", 1710),
                ]
            }
        },
    }

    def test_the_recorded_views_come_back(self) -> None:
        signals = self.call("interest")
        assert [(s.period_start, s.value) for s in signals] == [
            (date(2026, 3, 30), 1500),
            (date(2026, 3, 31), 1710),
        ]


def test_a_malformed_answer_fails_only_its_term():
    """Issue 10: the first malformed answer stopped the tool before the remaining terms."""
    from smmcore.contracts import KeywordTermsFailed

    class Broken(FakeWikimedia):
        def __call__(self, request: httpx.Request) -> httpx.Response:
            if "/Pizza/" in request.url.raw_path.decode("ascii"):
                self.requests.append(request)
                return httpx.Response(200, json={"unexpected": True})
            return super().__call__(request)

    fake = Broken(
        search={},
        views={"Pane": [("20260301", 10)], "Focaccia": [("20260301", 7)]},
    )
    query = KeywordQuery(terms=("pane", "pizza", "focaccia"), language="it", timeframe="today 12-m")
    with pytest.raises(KeywordTermsFailed) as info:
        run_tool(fake, query, search=False)
    assert list(info.value.failed) == ["pizza"]
    assert "unexpected shape" in info.value.failed["pizza"]
    kept = {(s.term, s.value) for s in info.value.signals}
    assert kept == {("pane", 10.0), ("focaccia", 7.0)}


def test_after_a_429_the_other_terms_are_not_asked():
    from smmcore.contracts import KeywordTermsFailed

    fake = FakeWikimedia(search={}, views={}, status=429)
    query = KeywordQuery(terms=("pane", "pizza"), language="it")
    with pytest.raises(KeywordTermsFailed) as info:
        run_tool(fake, query, search=False)
    assert info.value.kind == "rate_limited" and set(info.value.failed) == {"pane", "pizza"}
    assert len(fake.requests) == 1 and info.value.failed["pizza"].startswith("not asked")
