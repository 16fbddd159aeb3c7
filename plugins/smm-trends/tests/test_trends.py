"""smm-trends, offline: a fake Google Trends behind requests' transport adapter.

Fixture provenance (the shapes follow pytrends 4.9.2's recorded cassettes of March 2023):
- verbatim from the recording: the guards ``)]}'`` (explore) and ``)]}',`` (widget data); the
  widget ids ``TIMESERIES``, ``GEO_MAP``, ``RELATED_QUERIES_<n>``; the field names
  (``timelineData``/``time``/``value``/``hasData``/``isPartial``, ``geoMapData``/``geoCode``/
  ``geoName``, ``rankedList``/``rankedKeyword``/``query``/``value``/``formattedValue``); the
  pizza/bagel daily values 100,83,78,49,50 / 2,2,2,1,1; the related queries "pizza hut" 100,
  "pizza near me" 68 and the rising "licorice pizza" 8550 shown as "Breakout".
- constructed: every other term, value, region and query (Italian terms with accents), the
  429 and captcha answers, and the scaling of values within a request (as Google does:
  100 = the highest point of all the request's terms).
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
import requests
import stamina
from smm_trends._pytrends import (
    REFUSED_MESSAGE,
    interest_points,
    region_values,
    related_rows,
    strip_guard,
)
from smm_trends.settings import TrendsSettings
from smm_trends.tool import TrendsTool, anchor_batches, rescale_batches

from smmcore.contracts import KeywordContext, KeywordQuery, SourceError

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
DAY1 = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp())


def _response(request: requests.PreparedRequest, status: int, ctype: str, body: str):
    resp = requests.Response()
    resp.status_code = status
    resp.headers["Content-Type"] = ctype
    resp._content = body.encode("utf-8")
    resp.url = request.url
    resp.request = request
    return resp


class FakeGoogle(requests.adapters.BaseAdapter):
    """Answers like trends.google.com for the paths pytrends 4.9.2 calls.

    :param volumes: term -> "true" search volume per day; each request scales its terms so
        that its highest point is 100.
    """

    def __init__(self, volumes=None, regions=None, related=None, refuse=0, captcha=False):
        super().__init__()
        self.volumes = volumes or {}
        self.regions = regions or {}
        self.related = related or {}
        self.refuse = refuse
        self.captcha = captcha
        self.calls: list[str] = []

    def close(self) -> None:
        pass

    def send(self, request, **_kwargs):
        parts = urlsplit(request.url)
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.calls.append(parts.path)
        if parts.path == "/trends/explore/":
            resp = _response(request, 200, "text/html; charset=UTF-8", "<html></html>")
            return resp
        if self.refuse > 0:
            self.refuse -= 1
            return _response(request, 429, "text/html", "<html>Too Many Requests</html>")
        if self.captcha:
            return _response(request, 200, "text/html", "<html>unusual traffic</html>")
        req = json.loads(params["req"])
        if parts.path == "/trends/api/explore":
            terms = [c["keyword"] for c in req["comparisonItem"]]
            return self._json(request, ")]}'\n", self._explore(terms))
        if parts.path == "/trends/api/widgetdata/multiline":
            terms = [
                c["complexKeywordsRestriction"]["keyword"][0]["value"]
                for c in req["comparisonItem"]
            ]
            return self._json(request, ")]}',\n", self._multiline(terms))
        if parts.path == "/trends/api/widgetdata/comparedgeo":
            terms = [
                c["complexKeywordsRestriction"]["keyword"][0]["value"]
                for c in req["comparisonItem"]
            ]
            return self._json(request, ")]}',\n", self._geo(terms))
        if parts.path == "/trends/api/widgetdata/relatedsearches":
            term = req["restriction"]["complexKeywordsRestriction"]["keyword"][0]["value"]
            return self._json(request, ")]}',\n", self._related(term))
        return _response(request, 404, "text/html", "not found")

    @staticmethod
    def _json(request, guard: str, payload) -> requests.Response:
        # no charset in the header on purpose: the client must decode UTF-8 itself
        return _response(
            request, 200, "application/json", guard + json.dumps(payload, ensure_ascii=False)
        )

    def _explore(self, terms):
        def restriction(term):
            return {"complexKeywordsRestriction": {"keyword": [{"type": "BROAD", "value": term}]}}

        widgets = [
            {
                "id": "TIMESERIES",
                "token": "T1",
                "request": {"comparisonItem": [restriction(t) for t in terms], "resolution": "DAY"},
            },
            {
                "id": "GEO_MAP",
                "token": "G1",
                "request": {
                    "comparisonItem": [restriction(t) for t in terms],
                    "resolution": "COUNTRY",
                },
            },
        ]
        for i, term in enumerate(terms):
            widgets.append(
                {
                    "id": f"RELATED_QUERIES_{i}",
                    "token": f"R{i}",
                    "request": {"restriction": restriction(term), "keywordType": "QUERY"},
                }
            )
        return {"widgets": widgets}

    def _multiline(self, terms):
        series = [self.volumes.get(t, []) for t in terms]
        days = max((len(s) for s in series), default=0)
        if days == 0:
            return {"default": {"timelineData": [], "averages": []}}
        peak = max(max(s) for s in series if s) or 1
        rows = []
        for d in range(days):
            values = [round(100 * s[d] / peak) if d < len(s) else 0 for s in series]
            row = {
                "time": str(DAY1 + d * 86400),
                "formattedTime": "",
                "value": values,
                "hasData": [v > 0 for v in values],
                "formattedValue": [str(v) for v in values],
            }
            if d == days - 1:
                row["isPartial"] = True
            rows.append(row)
        return {"default": {"timelineData": rows, "averages": []}}

    def _geo(self, terms):
        names = sorted({name for t in terms for name in self.regions.get(t, {})})
        peak = max((v for t in terms for v in self.regions.get(t, {}).values()), default=1)
        data = []
        for name in names:
            values = [round(100 * self.regions.get(t, {}).get(name, 0) / peak) for t in terms]
            data.append(
                {
                    "geoCode": name[:2].upper(),
                    "geoName": name,
                    "value": values,
                    "formattedValue": [str(v) for v in values],
                    "maxValueIndex": 0,
                    "hasData": [True] * len(terms),
                }
            )
        return {"default": {"geoMapData": data}}

    def _related(self, term):
        top, rising = self.related.get(term, ([], []))
        return {
            "default": {
                "rankedList": [
                    {
                        "rankedKeyword": [
                            {
                                "query": q,
                                "value": v,
                                "formattedValue": str(v),
                                "hasData": True,
                                "link": "",
                            }
                            for q, v in top
                        ]
                    },
                    {
                        "rankedKeyword": [
                            {
                                "query": q,
                                "value": v,
                                "formattedValue": "Breakout" if v > 5000 else f"+{v}%",
                                "link": "",
                            }
                            for q, v in rising
                        ]
                    },
                ]
            }
        }


@pytest.fixture
def google(monkeypatch):
    """Route every requests.Session through a FakeGoogle; never the network."""

    def install(**kwargs) -> FakeGoogle:
        fake = FakeGoogle(**kwargs)
        monkeypatch.setattr(requests.Session, "get_adapter", lambda self, url: fake)
        return fake

    return install


@pytest.fixture(autouse=True)
def no_backoff():
    with stamina.set_testing(True, attempts=2):
        yield


def run(coro):
    return asyncio.run(coro)


def ctx(log=None) -> KeywordContext:
    return KeywordContext(now=NOW, log=log or (lambda _l: None))


# --------------------------------------------------------------------------- pure helpers


def test_strip_guard_handles_both_prefixes_and_none():
    assert strip_guard(')]}\'\n{"a": 1}') == '{"a": 1}'
    assert strip_guard(')]}\',\n{"a": 1}') == '{"a": 1}'
    assert strip_guard('{"a": 1}') == '{"a": 1}'


def test_anchor_batches_repeat_the_first_term():
    assert anchor_batches(["a", "b", "c"]) == [("a", "b", "c")]
    terms = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
    assert anchor_batches(terms) == [
        ("a", "b", "c", "d", "e"),
        ("a", "f", "g", "h", "i"),
        ("a", "j"),
    ]
    assert anchor_batches(["a", "a", "b"]) == [("a", "b")]


def test_rescale_uses_the_anchor_totals():
    batches = [("a", "b"), ("a", "c")]
    answers = [
        {"a": [(1, 20, False), (2, 40, False)], "b": [(1, 100, False), (2, 50, False)]},
        {"a": [(1, 10, False), (2, 20, False)], "c": [(1, 100, False), (2, 50, False)]},
    ]
    merged = rescale_batches(batches, answers)
    # anchor total 60 in batch 1, 30 in batch 2: batch 2 values x2
    assert merged["c"][0] == [(1, 200.0, False), (2, 100.0, False)]
    assert "x2" in merged["c"][1]
    assert merged["a"] == ([(1, 20.0, False), (2, 40.0, False)], None)
    assert merged["b"][1] is None


def test_rescale_refuses_when_the_anchor_is_zero_in_a_batch():
    batches = [("a", "b"), ("a", "c")]
    answers = [
        {"a": [(1, 10, False)], "b": [(1, 100, False)]},
        {"a": [(1, 0, False)], "c": [(1, 100, False)]},
    ]
    points, note = rescale_batches(batches, answers)["c"]
    assert points == [(1, 100.0, False)]
    assert "not comparable" in note


def test_frame_adapters_read_dataframes_shaped_like_pytrends():
    index = pd.DatetimeIndex([pd.Timestamp("2021-01-01"), pd.Timestamp("2021-01-02")], name="date")
    frame = pd.DataFrame(
        {"pizza": [100, 83], "bagel": [2, 2], "isPartial": [False, True]}, index=index
    )
    assert interest_points(frame, ["pizza", "bagel", "missing"]) == {
        "pizza": [(date(2021, 1, 1), 100, False), (date(2021, 1, 2), 83, True)],
        "bagel": [(date(2021, 1, 1), 2, False), (date(2021, 1, 2), 2, True)],
    }
    assert interest_points(pd.DataFrame(), ["pizza"]) == {}
    regions = pd.DataFrame(
        {"geoCode": ["IT", "US", "FR"], "caffè": [100, 40, 0]},
        index=pd.Index(["Italy", "United States", "France"], name="geoName"),
    )
    assert region_values(regions, ["caffè"]) == {
        "caffè": [("Italy", "IT", 100), ("United States", "US", 40)]
    }
    raw = {"pizza": {"top": pd.DataFrame({"query": ["pizza hut"], "value": [100]}), "rising": None}}
    assert related_rows(raw, "pizza") == {"top": [("pizza hut", 100)], "rising": []}
    assert related_rows(raw, "bagel") == {"top": [], "rising": []}


# --------------------------------------------------------------------------- the tool, end to end


def test_interest_over_time_recorded_values(google):
    fake = google(volumes={"pizza": [100, 83, 78, 49, 50], "bagel": [2, 2, 2, 1, 1]})
    signals = run(
        TrendsTool().interest_over_time(
            KeywordQuery(terms=("pizza", "bagel"), timeframe="2021-01-01 2021-01-05"), ctx()
        )
    )
    pizza = [s for s in signals if s.term == "pizza"]
    assert [s.value for s in pizza] == [100, 83, 78, 49, 50]
    assert [s.value for s in signals if s.term == "bagel"] == [2, 2, 2, 1, 1]
    assert pizza[0].period_start == date(2026, 11, 1)
    assert {s.unit for s in signals} == {"relative"}
    assert {s.metric for s in signals} == {"interest"}
    assert pizza[-1].note == "partial period"
    assert all(s.retrieved_at == NOW for s in signals)
    assert fake.calls.count("/trends/api/explore") == 1


def test_more_than_five_terms_are_rescaled_through_the_anchor(google):
    fake = google(
        volumes={
            "a": [40, 80],
            "b": [200, 100],
            "c": [20, 20],
            "d": [10, 0],
            "e": [0, 0],
            "f": [400, 200],
        }
    )
    signals = run(TrendsTool().interest_over_time(KeywordQuery(terms=tuple("abcdef")), ctx()))
    values = {t: [s.value for s in signals if s.term == t] for t in "abcdef"}
    # batch 1 (a-e): peak b=200 -> a=[20,40], b=[100,50]; batch 2 (a,f): peak f=400 -> a=[10,20],
    # f=[100,50]; anchor totals 60 / 30 -> f x2 = [200,100] (true f is twice b's peak)
    assert values["a"] == [20, 40]
    assert values["b"] == [100, 50]
    assert values["d"] == [5, 0]
    assert values["f"] == [200, 100]
    assert fake.calls.count("/trends/api/explore") == 2
    f_note = next(s.note for s in signals if s.term == "f")
    assert "anchor term 'a'" in f_note


def test_related_queries_top_rising_and_breakout(google):
    google(
        related={
            "pizza": (
                [("pizza hut", 100), ("pizza near me", 68)],
                [("licorice pizza", 8550), ("history of pizza", 400)],
            )
        }
    )
    signals = run(TrendsTool().related_queries(KeywordQuery(terms=("pizza",)), ctx()))
    top = [(s.item, s.value, s.unit) for s in signals if s.metric == "related_top"]
    assert top == [("pizza hut", 100, "relative"), ("pizza near me", 68, "relative")]
    rising = {s.item: (s.value, s.unit, s.note) for s in signals if s.metric == "related_rising"}
    assert rising["licorice pizza"] == (None, "percent", "breakout (>5000%)")
    assert rising["history of pizza"] == (400, "percent", None)


def test_non_ascii_terms_round_trip(google):
    google(
        volumes={"caffè": [30, 60], "città": [60, 30]},
        regions={"caffè": {"Italia": 50, "Svizzera": 25}, "città": {"Italia": 10}},
        related={
            "caffè": ([("caffè espresso", 100), ("caffè città", 40)], [("caffè più buono", 250)])
        },
    )
    query = KeywordQuery(terms=("caffè", "città"), geo="IT", language="it")
    interest = run(TrendsTool().interest_over_time(query, ctx()))
    assert [s.value for s in interest if s.term == "caffè"] == [50, 100]
    assert [s.value for s in interest if s.term == "città"] == [100, 50]
    related = run(TrendsTool().related_queries(query, ctx()))
    assert [s.item for s in related if s.term == "caffè" and s.metric == "related_top"] == [
        "caffè espresso",
        "caffè città",
    ]
    assert [s.item for s in related if s.metric == "related_rising"] == ["caffè più buono"]
    regions = run(TrendsTool().interest_by_region(query, ctx()))
    assert [(s.term, s.item, s.value) for s in regions] == [
        ("caffè", "Italia", 100),
        ("caffè", "Svizzera", 50),
        ("città", "Italia", 20),
    ]


def test_empty_answers_become_no_data_signals(google):
    google(volumes={}, related={})
    query = KeywordQuery(terms=("zzqxj",))
    interest = run(TrendsTool().interest_over_time(query, ctx()))
    assert len(interest) == 1
    assert interest[0].value is None and interest[0].period_start is None
    assert "not enough search data" in interest[0].note
    related = run(TrendsTool().related_queries(query, ctx()))
    assert [(s.value, s.item) for s in related] == [(None, "")]
    assert "no related queries" in related[0].note


def test_429_backs_off_then_says_google_refused(google):
    fake = google(refuse=10)
    with pytest.raises(SourceError) as info:
        run(TrendsTool().interest_over_time(KeywordQuery(terms=("pizza",)), ctx()))
    assert info.value.kind == "rate_limited"
    assert str(info.value).startswith(REFUSED_MESSAGE)
    # stamina in test mode: 2 attempts, both refused
    assert fake.calls.count("/trends/api/explore") == 2


def test_429_once_then_success(google):
    google(volumes={"pizza": [10, 20]}, refuse=1)
    lines: list[str] = []
    signals = run(
        TrendsTool().interest_over_time(KeywordQuery(terms=("pizza",)), ctx(lines.append))
    )
    assert [s.value for s in signals] == [50, 100]
    assert lines == ["Google Trends refused (429): try 2 of 3"]


def test_a_captcha_page_is_a_clear_error(google):
    google(captcha=True)
    with pytest.raises(SourceError) as info:
        run(
            TrendsTool(TrendsSettings(attempts=1)).interest_over_time(
                KeywordQuery(terms=("pizza",)), ctx()
            )
        )
    assert info.value.kind == "blocked"
    assert "not JSON" in str(info.value)


def test_registration_is_cheap_and_complete():
    from smm_trends import plugin

    specs = []
    plugin.smm_register_keyword_tools(specs.append)
    (spec,) = specs
    assert spec.name == "trends" and spec.problems() == []
    assert spec.capabilities == ("interest", "regions", "related")
    assert spec.load() is TrendsTool


# --------------------------------------------------------------------------- through smm keywords


def test_smm_keywords_trends_stores_and_reuses(google, tmp_path, capsys):
    from smmcore.cli.app import App
    from smmcore.cli.main import main
    from smmcore.plugins import PluginHost

    fake = google(volumes={t: [10 * (i + 1), 20 * (i + 1)] for i, t in enumerate("abcdef")})
    (tmp_path / "smm.toml").write_text(
        '[client]\nname = "Forno"\nlanguage = "it"\n\n[keywords]\ngeo = "IT"\n', encoding="utf-8"
    )
    host = PluginHost(env={"SMM_LOAD_PLUGINS": "smm-trends"})

    def smm(*args: str) -> str:
        with pytest.raises(SystemExit) as info:
            main(["-w", str(tmp_path), "keywords", *args], app=App(host=host))
        out, err = capsys.readouterr()
        assert info.value.code == 0, err
        return out

    data = json.loads(smm("trends", *"abcdef", "--format", "json"))
    (result,) = data["results"]
    values = {}
    for s in result["signals"]:
        values.setdefault(s["term"], []).append(s["value"])
    # batch 1 (a-e): peak e=100 -> a=[10,20]; batch 2 (a,f): peak f=120 -> a=[8,17], f=[50,100]
    # anchor totals 30 / 25 -> f x1.2 = [60, 120]: f is 6x a, as its volumes are
    assert values["a"] == [10, 20] and values["e"] == [50, 100]
    assert values["f"] == [60, 120]
    assert (result["geo"], result["language"]) == ("IT", "it")
    sent = len(fake.calls)
    out = smm("trends", *"abcdef")
    assert len(fake.calls) == sent  # within 24 h: from the store
    assert "(cached, retrieved" in out and "rescaled x1.2" in out
