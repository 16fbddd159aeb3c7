"""The ``wikipedia`` keyword tool: Wikimedia pageviews of the article behind a term.

Pageviews are absolute daily views (metric ``pageviews``, unit ``views``), a steady proxy for
interest that, unlike Google Trends, compares across requests. The article for a term is
found with the language edition's opensearch (else the term itself is the title: first
letter upper-cased, spaces as underscores, URL-encoded: ``caffè`` -> ``Caff%C3%A8``).

A 404 from the pageviews API means no data (no such article, or no views in the range); the
answer is a no-data signal with a note. Data exist from 2015-07-01 and up to yesterday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from smm_wikipedia import __version__
from smm_wikipedia.settings import WikipediaSettings
from smmcore.contracts import (
    KeywordContext,
    KeywordQuery,
    KeywordTermsFailed,
    KeywordTool,
    SourceError,
)
from smmcore.models import KeywordSignal

FIRST_DAY = date(2015, 7, 1)
"""The first day the pageviews API has data for."""


def article_title(term: str) -> str:
    """The title a term would have as an article: first letter upper-cased (MediaWiki's
    rule), surrounding spaces dropped."""
    text = " ".join(term.split())
    return text[:1].upper() + text[1:]


def article_path(title: str) -> str:
    """A title as the pageviews API wants it in the URL: spaces as underscores, every
    reserved character (including ``/``) percent-encoded as UTF-8."""
    return quote(title.replace(" ", "_"), safe="")


def _refused(service: str) -> SourceError:
    return SourceError(
        f"{service} refused (429): too many requests",
        kind="rate_limited",
        hint="wait a minute and retry, with fewer terms",
    )


class WikipediaTool(KeywordTool):
    """Wikimedia pageviews per article, daily."""

    def __init__(
        self, settings: WikipediaSettings | None = None, *, name: str = "wikipedia"
    ) -> None:
        super().__init__(settings or WikipediaSettings(), name=name)

    @property
    def _settings(self) -> WikipediaSettings:
        assert isinstance(self.settings, WikipediaSettings)
        return self.settings

    @property
    def user_agent(self) -> str:
        """The descriptive User-Agent sent with every request."""
        s = self._settings
        return f"{s.user_agent} {s.contact}".strip() if s.contact else s.user_agent

    async def _get(self, http: Any, url: str, params: dict[str, Any] | None = None) -> Any:
        import httpx

        try:
            return await http.get(url, params=params, headers={"User-Agent": self.user_agent})
        except httpx.HTTPError as exc:
            raise SourceError(
                f"cannot reach Wikimedia: {type(exc).__name__}",
                kind="network",
                hint="check the connection and try again",
            ) from exc

    async def find_articles(self, http: Any, term: str, lang: str) -> list[str]:
        """The titles of the articles matching ``term`` in the ``lang`` edition (opensearch),
        or the term itself as a title when the search finds none."""
        s = self._settings
        if s.search:
            response = await self._get(
                http,
                s.search_url.format(lang=lang),
                {
                    "action": "opensearch",
                    "search": term,
                    "limit": s.articles_per_term,
                    "namespace": 0,
                    "redirects": "resolve",
                    "format": "json",
                },
            )
            if response.status_code == 429:
                raise _refused("Wikipedia search")
            if response.status_code == 200:
                try:
                    body = response.json()
                    titles = [t for t in body[1] if isinstance(t, str) and t]
                except (ValueError, IndexError, TypeError, KeyError):
                    titles = []
                if titles:
                    return titles[: s.articles_per_term]
        return [article_title(term)]

    async def pageviews(
        self, http: Any, lang: str, title: str, start: date, end: date
    ) -> list[tuple[date, int]] | None:
        """Daily views of one article, days without views in between as 0; ``None`` when
        Wikimedia has no data (404)."""
        s = self._settings
        url = (
            f"{s.pageviews_url.rstrip('/')}/{lang}.wikipedia/{s.access}/{s.agent}/"
            f"{article_path(title)}/daily/{start:%Y%m%d}/{end:%Y%m%d}"
        )
        response = await self._get(http, url)
        if response.status_code == 404:
            return None
        if response.status_code == 429:
            raise _refused("Wikimedia")
        if response.status_code != 200:
            raise SourceError(
                f"Wikimedia answered HTTP {response.status_code} for {title!r}",
                kind="network",
                hint="try again later",
            )
        try:
            items = response.json()["items"]
            views = {
                datetime.strptime(str(item["timestamp"])[:8], "%Y%m%d").date(): int(item["views"])
                for item in items
            }
        except (ValueError, KeyError, TypeError) as exc:
            raise SourceError(
                "Wikimedia answered in an unexpected shape",
                kind="invalid_data",
                hint="report it with the term you asked for",
            ) from exc
        if not views:
            return None
        first, last = min(views), max(views)
        days = (last - first).days + 1
        return [
            (first + timedelta(days=i), views.get(first + timedelta(days=i), 0))
            for i in range(days)
        ]

    async def interest_over_time(
        self, query: KeywordQuery, ctx: KeywordContext
    ) -> list[KeywordSignal]:
        """Daily pageviews of each term's article(s) (item = the article title)."""
        from smmcore.keywords import timeframe_dates

        now = ctx.now or datetime.now(UTC)
        lang = (query.language or "en").lower()
        try:
            start, end = timeframe_dates(query.timeframe, now.date())
        except ValueError as exc:
            raise SourceError(str(exc), kind="config") from exc
        start, end = max(start, FIRST_DAY), min(end, now.date() - timedelta(days=1))
        from smmcore.http import shared_client

        async with shared_client(ctx, user_agent_extra=f"smm-wikipedia/{__version__}") as http:
            return await self._collect(http, query, lang, start, end, now)

    async def _collect(
        self, http: Any, query: KeywordQuery, lang: str, start: date, end: date, now: datetime
    ) -> list[KeywordSignal]:
        signals: list[KeywordSignal] = []
        failed: dict[str, str] = {}
        refused: SourceError | None = None
        for term in dict.fromkeys(query.terms):
            if refused is not None:  # Wikimedia said stop: do not insist with the others
                failed[term] = f"not asked: {refused}"
                continue
            try:
                mine = await self._term(http, query, term, lang, start, end, now)
            except SourceError as exc:  # one bad answer never discards the other terms
                failed[term] = str(exc)
                if exc.kind == "rate_limited":
                    refused = exc
                continue
            signals.extend(mine)
        if failed:
            raise KeywordTermsFailed(
                signals,
                failed,
                kind=refused.kind if refused else "error",
                hint=refused.hint if refused else None,
            )
        return signals

    async def _term(
        self,
        http: Any,
        query: KeywordQuery,
        term: str,
        lang: str,
        start: date,
        end: date,
        now: datetime,
    ) -> list[KeywordSignal]:
        """The daily pageviews of one term's article(s), or one no-data signal."""
        from smmcore.keywords import no_data_signal

        signals: list[KeywordSignal] = []
        found = False
        titles = await self.find_articles(http, term, lang) if start <= end else []
        for title in titles:
            points = await self.pageviews(http, lang, title, start, end)
            for day, views in points or []:
                found = True
                signals.append(
                    KeywordSignal(
                        tool=self.name,
                        term=term,
                        metric="pageviews",
                        unit="views",
                        value=float(views),
                        item=title,
                        period_start=day,
                        geo=query.geo,
                        language=query.language,
                        timeframe=query.timeframe,
                        retrieved_at=now,
                        note=f"{lang}.wikipedia",
                    )
                )
        if not found:
            tried = ", ".join(repr(t) for t in titles) or "no article"
            signals.append(
                no_data_signal(
                    self.name,
                    term,
                    "pageviews",
                    "views",
                    query,
                    now,
                    f"no {lang}.wikipedia pageviews for {tried} in {start}..{end}",
                )
            )
        return signals
