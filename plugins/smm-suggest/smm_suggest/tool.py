"""The ``suggest`` keyword tool: autocomplete suggestions, expanded like AnswerThePublic.

Each seed term is sent as is and with its expansions (questions, prepositions, comparisons,
a-z; :mod:`smm_suggest.expansions`) to every configured engine, at most ``concurrency``
requests at a time and one request per ``delay`` seconds per engine. Suggestions are
deduplicated per term (case-insensitively); each keeps its best rank (metric ``suggestion``,
unit ``rank``, 1 = first in the list) and, in its note, the expansion and engine that found
it first.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from smm_suggest import __version__
from smm_suggest.engines import EngineRefused, parse_suggestions, request_for
from smm_suggest.expansions import Expansion, expand
from smm_suggest.settings import SuggestSettings
from smmcore.contracts import (
    KeywordContext,
    KeywordQuery,
    KeywordTermsFailed,
    KeywordTool,
    SourceError,
)
from smmcore.models import KeywordSignal


class _Pacer:
    """At most one start per ``delay`` seconds (``clock`` and ``sleep``: tests inject fakes)."""

    def __init__(
        self,
        delay: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.delay = delay
        self.clock = clock
        self.sleep = sleep
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            pause = self._next - self.clock()
            if pause > 0:
                await self.sleep(pause)
            self._next = self.clock() + self.delay


@dataclass(frozen=True)
class Found:
    """One answer: the suggestions an engine gave for one expansion of one term."""

    term: str
    engine: str
    expansion: Expansion
    order: int
    """Expansion index x 10 + engine index: the order answers are merged in."""
    suggestions: tuple[str, ...]


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def merge(term: str, answers: list[Found]) -> list[tuple[str, int, str]]:
    """Deduplicate one term's answers into (suggestion, rank, how it was found).

    Each suggestion keeps the answer where it ranked best (the earliest expansion on a tie);
    the list is ordered by that answer's expansion, then by rank. The seed itself and a query
    sent back verbatim are left out.
    """
    best: dict[str, tuple[int, int, str, str]] = {}
    seed = _key(term)
    for found in sorted(answers, key=lambda f: f.order):
        for rank, text in enumerate(found.suggestions, start=1):
            key = _key(text)
            if not key or key in (seed, _key(found.expansion.text)):
                continue
            if key not in best or rank < best[key][1]:
                how = f"{found.expansion.group}: {found.expansion.text!r} via {found.engine}"
                best[key] = (found.order, rank, text.strip(), how)
    ordered = sorted(best.values(), key=lambda e: (e[0], e[1], e[2]))
    return [(text, rank, how) for _order, rank, text, how in ordered]


class SuggestTool(KeywordTool):
    """Autocomplete suggestions from Google and DuckDuckGo."""

    def __init__(self, settings: SuggestSettings | None = None, *, name: str = "suggest") -> None:
        super().__init__(settings or SuggestSettings(), name=name)

    @property
    def _settings(self) -> SuggestSettings:
        assert isinstance(self.settings, SuggestSettings)
        return self.settings

    async def _ask(
        self, http: Any, engine: str, expansion: Expansion, query: KeywordQuery
    ) -> list[str]:
        import httpx

        s = self._settings
        url, params = request_for(engine, s, expansion.text, query.language, query.geo)
        try:
            response = await http.get(
                url, params=params, headers={"User-Agent": s.user_agent}, timeout=s.timeout
            )
        except httpx.HTTPError as exc:
            raise SourceError(
                f"cannot reach {engine}: {type(exc).__name__}",
                kind="network",
                hint="check the connection and try again",
            ) from exc
        if response.status_code in (403, 429):
            raise EngineRefused(engine, response.status_code, "too many requests")
        if response.status_code != 200:
            raise SourceError(
                f"{engine} autocomplete answered HTTP {response.status_code}",
                kind="network",
                hint="try again later",
            )
        try:
            return parse_suggestions(response.json())
        except ValueError as exc:
            raise EngineRefused(
                engine, 200, "not an autocomplete answer (a captcha page?)"
            ) from exc

    async def suggestions(self, query: KeywordQuery, ctx: KeywordContext) -> list[KeywordSignal]:
        """Every term's suggestions, ranked, with the expansion that found each."""
        from smmcore.http import shared_client

        async with shared_client(ctx, user_agent_extra=f"smm-suggest/{__version__}") as http:
            return await self._run(http, query, ctx)

    async def _run(
        self, http: Any, query: KeywordQuery, ctx: KeywordContext
    ) -> list[KeywordSignal]:
        s = self._settings
        now = ctx.now or datetime.now(UTC)
        jobs: list[tuple[str, str, Expansion, int]] = []
        for term in dict.fromkeys(query.terms):
            for index, expansion in enumerate(expand(term, query.language, s.expansions)):
                jobs.extend(
                    (term, engine, expansion, index * 10 + n) for n, engine in enumerate(s.engines)
                )
        if len(jobs) > s.max_requests:
            ctx.log(
                f"suggest: {len(jobs)} requests planned, sending the first {s.max_requests} "
                "(max_requests)"
            )
            jobs = jobs[: s.max_requests]
        pacers = {engine: _Pacer(s.delay) for engine in s.engines}
        slots = asyncio.Semaphore(s.concurrency)
        refused: dict[str, EngineRefused] = {}
        broken: dict[str, SourceError] = {}
        """Engines that failed (unreachable, 404, 5xx): not asked again in this run."""
        answers: list[Found] = []
        answered: set[str] = set()

        async def one(term: str, engine: str, expansion: Expansion, order: int) -> None:
            async with slots:
                if engine in refused or engine in broken:
                    return
                await pacers[engine].wait()
                if engine in refused or engine in broken:
                    return
                try:
                    got = await self._ask(http, engine, expansion, query)
                except EngineRefused as exc:
                    if engine not in refused:
                        refused[engine] = exc
                        ctx.log(f"suggest: {exc}; not asking {engine} again in this run")
                    return
                except SourceError as exc:  # one engine failing keeps the others' answers
                    if engine not in broken:
                        broken[engine] = exc
                        ctx.log(f"suggest: {exc}; not asking {engine} again in this run")
                    return
                answered.add(term)
                answers.append(Found(term, engine, expansion, order, tuple(got)))

        await asyncio.gather(*(one(*job) for job in jobs))
        if not answered and refused and not broken:
            first = next(iter(refused.values()))
            raise SourceError(
                f"{first.engine.capitalize()} refused ({first.status}): wait and retry, "
                "or reduce the number of terms",
                kind="rate_limited",
                hint="autocomplete endpoints are unofficial; raise [plugins.suggest] delay",
            )
        if not answered and (refused or broken):
            why = "; ".join(str(e) for e in [*refused.values(), *broken.values()])
            raise SourceError(
                f"every autocomplete engine failed: {why}",
                kind="network",
                hint="check the connection and the engine URLs in [plugins.suggest]; "
                "try again later",
            )
        signals: list[KeywordSignal] = []
        for term in dict.fromkeys(query.terms):
            for text, rank, how in merge(term, [a for a in answers if a.term == term]):
                signals.append(
                    KeywordSignal(
                        tool=self.name,
                        term=term,
                        metric="suggestion",
                        unit="rank",
                        value=float(rank),
                        item=text,
                        geo=query.geo,
                        language=query.language,
                        timeframe=query.timeframe,
                        retrieved_at=now,
                        note=how,
                    )
                )
        asked = dict.fromkeys(term for term, *_ in jobs)
        failed = {
            term: "; ".join(str(e) for e in [*refused.values(), *broken.values()]) or "not answered"
            for term in asked
            if term not in answered
        }
        if failed:
            raise KeywordTermsFailed(signals, failed)
        return signals
