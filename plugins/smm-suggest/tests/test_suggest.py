"""smm-suggest's ``suggest`` tool, offline: httpx.MockTransport answering like the endpoints.

Fixture provenance:
- verbatim: the answers for "café cr" (Google ``client=firefox``: ``["café cr", ["café crêpe
  express", "café crema", ...], [], {"google:suggestsubtypes": ...}]``; DuckDuckGo
  ``type=list``: ``["café cr", ["cafe cruiser", "cafe cruz", ...]]``), from public test
  fixtures that captured the live endpoints.
- constructed in the same shapes: every answer for "caffè" and its expansions, the 429 and the
  captcha page.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime

import httpx
import pytest
from smm_suggest.engines import parse_suggestions
from smm_suggest.expansions import expand
from smm_suggest.settings import SuggestSettings
from smm_suggest.tool import SuggestTool

from smmcore.contracts import KeywordContext, KeywordQuery, SourceError

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
GOOGLE = "http://google.test/complete/search"
DDG = "http://ddg.test/ac/"

GOOGLE_CAFE_CR = [
    "café cr",
    [
        "café crêpe express",
        "café crema",
        "café crème",
        "café cristal",
        "café crème sky vs original",
        "café croissant",
        "café crème sky",
        "café crème original",
        "café crème cigars",
        "café crêperie",
    ],
    [],
    {"google:suggestsubtypes": [[512]] * 10},
]
DDG_CAFE_CR = [
    "café cr",
    [
        "cafe cruiser",
        "cafe cruz",
        "cafe crepe",
        "cafe crevier denville",
        "cafe cravings",
        "cafe creme austin",
        "cafe crispy",
        "cafe cremerie chicago",
    ],
]


class FakeSuggest:
    """Answers per engine from a dict query -> suggestions (unknown queries: none)."""

    def __init__(self, google=None, ddg=None, google_status=200, ddg_status=200, captcha=False):
        self.google = google or {}
        self.ddg = ddg or {}
        self.google_status = google_status
        self.ddg_status = ddg_status
        self.captcha = captcha
        self.requests: list[httpx.Request] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.started: dict[str, list[float]] = {"google.test": [], "ddg.test": []}
        self.now = 0.0  # the pacing's injected clock (test_polite_rate_and_concurrency)
        self.latency_turns = 10
        """A request's latency, in turns of the event loop instead of real time: long
        enough that requests started one after another overlap."""

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        host = request.url.host
        self.started[host].append(self.now)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            for _turn in range(self.latency_turns):  # in flight while the others run
                await asyncio.sleep(0)
            q = request.url.params["q"]
            if host == "google.test":
                if self.google_status != 200:
                    return httpx.Response(self.google_status, text="<html>sorry</html>")
                if self.captcha:
                    return httpx.Response(200, text="<html>/sorry/index captcha</html>")
                if q == "café cr":
                    return httpx.Response(200, json=GOOGLE_CAFE_CR)
                return httpx.Response(200, json=[q, self.google.get(q, []), [], {}])
            if self.ddg_status != 200:
                return httpx.Response(self.ddg_status, text="")
            if q == "café cr":
                return httpx.Response(200, json=DDG_CAFE_CR)
            return httpx.Response(200, json=[q, self.ddg.get(q, [])])
        finally:
            self.in_flight -= 1


def run(fake: FakeSuggest, query: KeywordQuery, log=None, **settings) -> list:
    options = {"google_url": GOOGLE, "duckduckgo_url": DDG, "delay": 0.0, **settings}
    tool = SuggestTool(SuggestSettings(**options))

    async def go():
        async with httpx.AsyncClient(transport=httpx.MockTransport(fake)) as http:
            ctx = KeywordContext(http=http, now=NOW, log=log or (lambda _l: None))
            return await tool.suggestions(query, ctx)

    return asyncio.run(go())


def test_italian_expansions_are_answer_the_public_style():
    texts = [(e.group, e.text) for e in expand("caffè", "it")]
    assert texts[0] == ("seed", "caffè")
    questions = [t for g, t in texts if g == "questions"]
    assert questions == [
        "come caffè",
        "cosa caffè",
        "perché caffè",
        "quando caffè",
        "dove caffè",
        "chi caffè",
        "quale caffè",
        "quanto caffè",
    ]
    assert [t for g, t in texts if g == "prepositions"] == [
        "caffè per",
        "caffè con",
        "caffè senza",
        "caffè vicino",
    ]
    assert [t for g, t in texts if g == "comparisons"] == ["caffè vs", "caffè o"]
    alphabet = [t for g, t in texts if g == "alphabet"]
    assert len(alphabet) == 26 and alphabet[0] == "caffè a" and alphabet[-1] == "caffè z"
    assert len(texts) == 1 + 8 + 4 + 2 + 26


def test_english_and_unknown_languages_use_english_words():
    en = [e.text for e in expand("coffee", "en") if e.group == "questions"]
    assert en[:3] == ["how coffee", "what coffee", "why coffee"] and len(en) == 9
    assert [e.text for e in expand("kaffee", "de") if e.group == "comparisons"] == [
        "kaffee vs",
        "kaffee or",
    ]


def test_parse_both_shapes():
    assert parse_suggestions(GOOGLE_CAFE_CR)[:2] == ["café crêpe express", "café crema"]
    assert parse_suggestions(DDG_CAFE_CR)[-1] == "cafe cremerie chicago"
    assert parse_suggestions([{"phrase": "swift concert cincinnati parking"}]) == [
        "swift concert cincinnati parking"
    ]
    with pytest.raises(ValueError):
        parse_suggestions({"error": "nope"})


def test_recorded_answers_non_ascii_seed():
    fake = FakeSuggest()
    signals = run(fake, KeywordQuery(terms=("café cr",), language="fr"), expansions=[])
    items = [s.item for s in signals]
    # Google's 10 first (seed, google), then DuckDuckGo's 8: no overlap between them
    assert items[:3] == ["café crêpe express", "café crema", "café crème"]
    assert len(items) == 18
    cafe_crema = next(s for s in signals if s.item == "café crema")
    assert (cafe_crema.value, cafe_crema.unit, cafe_crema.metric) == (2, "rank", "suggestion")
    assert cafe_crema.note == "seed: 'café cr' via google"
    cruz = next(s for s in signals if s.item == "cafe cruz")
    assert cruz.note == "seed: 'café cr' via duckduckgo" and cruz.value == 2
    google_request = next(r for r in fake.requests if r.url.host == "google.test")
    assert google_request.url.params["client"] == "firefox"
    assert google_request.url.params["hl"] == "fr"
    assert (
        b"caf%C3%A9+cr" in google_request.url.query or b"caf%C3%A9%20cr" in google_request.url.query
    )


def test_dedup_keeps_best_rank_and_the_expansion_that_found_it():
    fake = FakeSuggest(
        google={
            "caffè": ["caffè", "caffè espresso", "caffè decaffeinato"],
            "come caffè": ["come fare il caffè", "Caffè Espresso"],
            "caffè senza": ["caffè senza caffeina", "caffè espresso"],
        },
        ddg={"caffè vs": ["caffè vs tè", "caffè vs"], "caffè a": ["caffè americano"]},
    )
    signals = run(fake, KeywordQuery(terms=("caffè",), language="it", geo="IT"))
    rows = [(s.item, s.value, s.note) for s in signals]
    assert rows == [
        ("caffè espresso", 2, "seed: 'caffè' via google"),
        ("caffè decaffeinato", 3, "seed: 'caffè' via google"),
        ("come fare il caffè", 1, "questions: 'come caffè' via google"),
        ("caffè senza caffeina", 1, "prepositions: 'caffè senza' via google"),
        ("caffè vs tè", 1, "comparisons: 'caffè vs' via duckduckgo"),
        ("caffè americano", 1, "alphabet: 'caffè a' via duckduckgo"),
    ]
    # 41 expansions x 2 engines
    assert len(fake.requests) == 82
    ddg_request = next(r for r in fake.requests if r.url.host == "ddg.test")
    assert ddg_request.url.params["type"] == "list" and ddg_request.url.params["kl"] == "it-it"


def test_polite_rate_and_concurrency(monkeypatch):
    import smm_suggest.tool

    fake = FakeSuggest()

    async def sleep(seconds: float) -> None:  # the pacing's waits take no real time
        target = fake.now + seconds
        await asyncio.sleep(0)
        fake.now = max(fake.now, target)

    real = smm_suggest.tool._Pacer
    monkeypatch.setattr(
        smm_suggest.tool, "_Pacer", lambda delay: real(delay, clock=lambda: fake.now, sleep=sleep)
    )
    run(
        fake,
        KeywordQuery(terms=("caffè",), language="it"),
        delay=0.05,
        expansions=["comparisons"],
    )
    # requests overlap (six at once without the limit), never more than concurrency = 2
    assert fake.max_in_flight == 2, fake.max_in_flight
    for starts in fake.started.values():
        assert len(starts) == 3
        gaps = [b - a for a, b in itertools.pairwise(starts)]
        assert min(gaps) >= 0.05 - 1e-9  # one start per delay per engine, on the clock


def test_max_requests_caps_a_run():
    fake = FakeSuggest()
    lines: list[str] = []
    run(fake, KeywordQuery(terms=("caffè", "città")), log=lines.append, max_requests=10)
    assert len(fake.requests) == 10
    # English words: (1 seed + 9 questions + 4 prepositions + 2 comparisons + 26 letters)
    # x 2 engines x 2 terms = 168
    assert lines == ["suggest: 168 requests planned, sending the first 10 (max_requests)"]


def test_one_engine_refusing_does_not_stop_the_other():
    fake = FakeSuggest(
        ddg={"città": ["città metropolitana", "città di castello"]}, google_status=429
    )
    lines: list[str] = []
    signals = run(fake, KeywordQuery(terms=("città",), language="it"), log=lines.append)
    assert [s.item for s in signals] == ["città metropolitana", "città di castello"]
    # google asked once, then left alone for the rest of the run
    assert sum(1 for r in fake.requests if r.url.host == "google.test") <= 2
    assert any("google refused (429)" in line for line in lines)


def test_every_engine_refusing_is_a_clear_error():
    fake = FakeSuggest(google_status=429, ddg_status=429)
    with pytest.raises(SourceError) as info:
        run(fake, KeywordQuery(terms=("caffè",)))
    assert info.value.kind == "rate_limited"
    assert "refused (429): wait and retry" in str(info.value)


def test_a_captcha_page_counts_as_a_refusal():
    fake = FakeSuggest(captcha=True, ddg_status=429)
    with pytest.raises(SourceError):
        run(fake, KeywordQuery(terms=("caffè",)), engines=["google"])


def test_no_suggestions_is_an_empty_answer():
    assert run(FakeSuggest(), KeywordQuery(terms=("zzqxj",))) == []


def test_one_engine_answering_404_keeps_the_other_engines_answers():
    """Issue 10: an engine answering 404 (or unreachable) failed the whole command."""
    fake = FakeSuggest(
        ddg={"città": ["città metropolitana", "città di castello"]}, google_status=404
    )
    lines: list[str] = []
    signals = run(fake, KeywordQuery(terms=("città",), language="it"), log=lines.append)
    assert [s.item for s in signals] == ["città metropolitana", "città di castello"]
    assert any("google autocomplete answered HTTP 404" in line for line in lines), lines
    assert sum(1 for r in fake.requests if r.url.host == "google.test") <= 2


def test_an_unreachable_engine_keeps_the_other_engines_answers():
    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "google.test":
            raise httpx.ConnectError("connection refused", request=request)
        q = request.url.params["q"]
        return httpx.Response(200, json=[q, ["caffè lungo"] if q == "caffè" else []])

    signals = run(handler, KeywordQuery(terms=("caffè",), language="it"))
    assert [s.item for s in signals] == ["caffè lungo"]


def test_every_engine_failing_is_a_clear_error():
    fake = FakeSuggest(google_status=404, ddg_status=500)
    with pytest.raises(SourceError) as info:
        run(fake, KeywordQuery(terms=("caffè",)))
    assert "every autocomplete engine failed" in str(info.value)
