"""The ``trends`` keyword tool: Google Trends through pytrends, off the event loop.

Google Trends compares at most 5 terms per request, each scaled 0-100 within that request.
More terms are batched around a shared anchor (the first term is in every batch) and each
later batch is rescaled by ``anchor total in the first batch / anchor total in this batch``
(totals over the whole timeframe, or over all regions), so values stay comparable across
batches; rescaled values may exceed 100 and say so in their note.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from smm_trends.settings import TrendsSettings
from smmcore.contracts import KeywordContext, KeywordQuery, KeywordTool
from smmcore.models import KeywordSignal

K = TypeVar("K", bound=Hashable)

BREAKOUT_PERCENT = 5000
"""Google Trends shows "Breakout" for a rising query that grew by more than 5000%."""
BREAKOUT_NOTE = "breakout (>5000%)"


def anchor_batches(terms: Sequence[str], size: int = 5) -> list[tuple[str, ...]]:
    """Split terms into requests of at most ``size``; with more than ``size`` terms the
    first term (the anchor) is repeated in every batch."""
    terms = list(dict.fromkeys(terms))
    if len(terms) <= size:
        return [tuple(terms)] if terms else []
    anchor, rest = terms[0], terms[1:]
    step = size - 1
    return [(anchor, *rest[i : i + step]) for i in range(0, len(rest), step)]


def plain_batches(terms: Sequence[str], size: int = 5) -> list[tuple[str, ...]]:
    """Split terms into requests of at most ``size`` (no anchor: per-term answers)."""
    terms = list(dict.fromkeys(terms))
    return [tuple(terms[i : i + size]) for i in range(0, len(terms), size)]


def rescale_batches(
    batches: Sequence[Sequence[str]],
    answers: Sequence[dict[str, list[tuple[K, int, bool]]]],
) -> dict[str, tuple[list[tuple[K, float, bool]], str | None]]:
    """Merge per-batch answers (term -> [(key, value, flag)]) into one comparable set.

    Values of batch *k* are multiplied by ``anchor total in batch 1 / anchor total in batch
    k``. Returns term -> (rescaled points, note); the note says how a value was rescaled, or
    that it could not be (the anchor has no interest in a batch).
    """
    merged: dict[str, tuple[list[tuple[K, float, bool]], str | None]] = {}
    if not batches:
        return merged
    anchor = batches[0][0]
    base = sum(v for _k, v, _f in answers[0].get(anchor, []))
    for index, (batch, answer) in enumerate(zip(batches, answers, strict=True)):
        factor: float | None = 1.0
        note: str | None = None
        if index > 0:
            here = sum(v for _k, v, _f in answer.get(anchor, []))
            if base > 0 and here > 0:
                factor = base / here
                note = f"rescaled x{factor:.3g} to batch 1 through the anchor term {anchor!r}"
            else:
                factor = None
                note = (
                    f"not comparable with batch 1: the anchor term {anchor!r} has no interest "
                    f"in batch {index + 1}"
                )
        for term in batch:
            if term in merged or term not in answer:
                continue
            points = [
                (key, round(value * factor, 2) if factor is not None else float(value), flag)
                for key, value, flag in answer[term]
            ]
            merged[term] = (points, note)
    return merged


def google_hl(query: KeywordQuery, configured: str = "") -> str:
    """Google's ``hl`` for a query: ``"it-IT"`` from language ``it`` and geo ``IT``."""
    if configured:
        return configured
    language = query.language.lower()
    country = query.geo[:2].upper()
    if language and country:
        return f"{language}-{country}"
    return language or "en-US"


def _join(*notes: str | None) -> str | None:
    text = "; ".join(n for n in notes if n)
    return text or None


class TrendsTool(KeywordTool):
    """Google Trends: interest over time, interest by region, related queries."""

    def __init__(self, settings: TrendsSettings | None = None, *, name: str = "trends") -> None:
        super().__init__(settings or TrendsSettings(), name=name)
        self._clients: dict[str, Any] = {}

    @property
    def _settings(self) -> TrendsSettings:
        assert isinstance(self.settings, TrendsSettings)
        return self.settings

    def _client(self, query: KeywordQuery) -> Any:
        from smm_trends._pytrends import TrendsClient

        hl = google_hl(query, self._settings.hl)
        if hl not in self._clients:
            self._clients[hl] = TrendsClient(
                hl=hl, tz=self._settings.tz, timeout=self._settings.timeout
            )
        return self._clients[hl]

    async def _call(self, ctx: KeywordContext, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a blocking pytrends call in a thread, backing off on 429 (stamina)."""
        import stamina

        from smm_trends._pytrends import TooManyRequestsError, translate

        attempts = self._settings.attempts
        try:
            async for attempt in stamina.retry_context(
                on=TooManyRequestsError,
                attempts=attempts,
                timeout=None,
                wait_initial=self._settings.wait_initial,
                wait_max=self._settings.wait_max,
            ):
                with attempt:
                    if attempt.num > 1:
                        ctx.log(f"Google Trends refused (429): try {attempt.num} of {attempts}")
                    return await asyncio.to_thread(fn, *args)
        except Exception as exc:
            raise translate(exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _signal(self, query: KeywordQuery, ctx: KeywordContext, **fields: Any) -> KeywordSignal:
        return KeywordSignal(
            tool=self.name,
            geo=query.geo,
            language=query.language,
            timeframe=query.timeframe,
            retrieved_at=ctx.now or datetime.now(UTC),
            **fields,
        )

    def _no_data(
        self, query: KeywordQuery, ctx: KeywordContext, term: str, metric: str, why: str
    ) -> KeywordSignal:
        return self._signal(
            query, ctx, term=term, metric=metric, unit="relative", value=None, note=why
        )

    async def interest_over_time(
        self, query: KeywordQuery, ctx: KeywordContext
    ) -> list[KeywordSignal]:
        """Relative interest (0-100) per period, comparable across all the query's terms."""
        client = self._client(query)
        batches = anchor_batches(query.terms, self._settings.batch_size)
        answers = [
            await self._call(ctx, client.interest_over_time, batch, query.timeframe, query.geo)
            for batch in batches
        ]
        merged = rescale_batches(batches, answers)
        signals: list[KeywordSignal] = []
        for term in dict.fromkeys(query.terms):
            if term not in merged or not merged[term][0]:
                signals.append(
                    self._no_data(
                        query,
                        ctx,
                        term,
                        "interest",
                        "Google Trends has not enough search data for this term",
                    )
                )
                continue
            points, note = merged[term]
            for day, value, partial in points:
                signals.append(
                    self._signal(
                        query,
                        ctx,
                        term=term,
                        metric="interest",
                        unit="relative",
                        value=value,
                        period_start=day,
                        note=_join("partial period" if partial else None, note),
                    )
                )
        return signals

    async def interest_by_region(
        self, query: KeywordQuery, ctx: KeywordContext
    ) -> list[KeywordSignal]:
        """Relative interest (0-100) per region (country, or the geo's regions)."""
        client = self._client(query)
        batches = anchor_batches(query.terms, self._settings.batch_size)
        raw = [
            await self._call(ctx, client.interest_by_region, batch, query.timeframe, query.geo)
            for batch in batches
        ]
        answers = [
            {term: [((name, code), v, False) for name, code, v in rows] for term, rows in a.items()}
            for a in raw
        ]
        merged = rescale_batches(batches, answers)
        signals: list[KeywordSignal] = []
        for term in dict.fromkeys(query.terms):
            if term not in merged or not merged[term][0]:
                signals.append(
                    self._no_data(
                        query,
                        ctx,
                        term,
                        "region_interest",
                        "Google Trends has not enough search data by region for this term",
                    )
                )
                continue
            points, note = merged[term]
            for (name, code), value, _flag in points:
                signals.append(
                    self._signal(
                        query,
                        ctx,
                        term=term,
                        metric="region_interest",
                        unit="relative",
                        value=value,
                        item=name,
                        note=_join(f"geo {code}" if code else None, note),
                    )
                )
        return signals

    async def related_queries(
        self, query: KeywordQuery, ctx: KeywordContext
    ) -> list[KeywordSignal]:
        """Top related queries (0-100) and rising ones (growth %, breakout = ``None``)."""
        client = self._client(query)
        limit = self._settings.related_limit
        signals: list[KeywordSignal] = []
        for batch in plain_batches(query.terms, self._settings.batch_size):
            answer = await self._call(
                ctx, client.related_queries, batch, query.timeframe, query.geo
            )
            for term in batch:
                lists = answer.get(term, {})
                top, rising = lists.get("top", [])[:limit], lists.get("rising", [])[:limit]
                if not top and not rising:
                    signals.append(
                        self._no_data(
                            query,
                            ctx,
                            term,
                            "related_top",
                            "Google Trends has no related queries for this term",
                        )
                    )
                    continue
                seen: set[tuple[str, str]] = set()
                for item, value in top:
                    if ("top", item) not in seen:
                        seen.add(("top", item))
                        signals.append(
                            self._signal(
                                query,
                                ctx,
                                term=term,
                                metric="related_top",
                                unit="relative",
                                value=float(value),
                                item=item,
                            )
                        )
                for item, value in rising:
                    if ("rising", item) in seen:
                        continue
                    seen.add(("rising", item))
                    breakout = value > BREAKOUT_PERCENT
                    signals.append(
                        self._signal(
                            query,
                            ctx,
                            term=term,
                            metric="related_rising",
                            unit="percent",
                            value=None if breakout else float(value),
                            item=item,
                            note=BREAKOUT_NOTE if breakout else None,
                        )
                    )
        return signals
