"""Keyword research from Python: the ``ws.keywords`` namespace and what ``smm keywords`` shows.

:class:`KeywordResearch` checks a request (terms, geo, language, timeframe, tool), runs it
through the :class:`~smmcore.keywords.KeywordService` (answers from the workspace store while
fresh, stored when new; nothing stored without a workspace) and returns
:class:`~smmcore.keywords.KeywordResult` objects. The functions below it shape a result into
what the tables show (a summary per series, regions by interest, related queries, grouped
suggestions), so the CLI only formats them::

    kw = smmcore.open("clients/forno-rossi").keywords
    result = kw.trends(["pane", "focaccia"], geo="IT")
    result.to_pandas()                         # one row per (term, day)
    kw.related("pane").failed                  # {} when every term was answered
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from smmcore.errors import InvalidArgument, KeywordToolError, NotFoundError, SmmError
from smmcore.keywords import SIGNAL_COLUMNS
from smmcore.tabular import Tabular

if TYPE_CHECKING:
    import httpx

    from smmcore.contracts import KeywordQuery
    from smmcore.events import LogLine
    from smmcore.keywords import KeywordRefreshSummary, KeywordResult, KeywordService
    from smmcore.models import KeywordSignal
    from smmcore.plugins import PluginHost
    from smmcore.workspace import Workspace

KINDS = ("interest", "regions", "related", "suggestions")
"""The kinds of keyword request."""

DEFAULT_TOOLS = {
    "interest": "trends",
    "regions": "trends",
    "related": "trends",
    "suggestions": "suggest",
}
"""The tool each kind uses when none is named and it is installed."""

GEO_RE = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
LANG_RE = re.compile(r"^[a-z]{2,3}$")


@dataclass
class KeywordReport(Tabular):
    """What :meth:`KeywordResearch.report` found: one result per (tool, kind) and the
    summary of the run (requests fetched, answered from the store, failures)."""

    terms: list[str]
    tools: list[str]
    results: list[KeywordResult]
    summary: KeywordRefreshSummary

    columns = SIGNAL_COLUMNS

    @property
    def ok(self) -> bool:
        """Every term answered by every tool (no data counts as an answer)."""
        return self.summary.ok

    def failures(self) -> str:
        """``"wikipedia: 1 of 3 terms failed"`` per tool that failed some term ('' if none)."""
        return self.summary.failures() if self.summary.errors else ""

    def rows(self) -> list[dict[str, Any]]:
        """Every result's rows (see :meth:`~smmcore.keywords.KeywordResult.rows`)."""
        return [row for result in self.results for row in result.rows()]


class KeywordResearch:
    """Keyword research for one workspace (``ws.keywords``), or with none (nothing stored).

    :param workspace: the loaded workspace: its ``[keywords]`` defaults, ``[plugins.<tool>]``
        settings and store (answers are reused while fresh and stored when new). ``None``
        runs the tools with their default settings and stores nothing.
    :param host: the plugin host with the keyword tools (default: the installed plugins).
    :param progress: receives a :class:`~smmcore.events.LogLine` for each line of progress (a
        back-off, an engine that failed while the others answered), as ``ws.sync`` does;
        each call may pass its own. Default: none.
    :param http: an HTTP client to use (tests hand one with a mock transport).
    :param now: the retrieval time of the answers (default: the current time).
    :param release: called before the store is opened for writing (``ws.keywords`` closes
        the read-only connection of ``ws.sql`` with it: DuckDB allows one kind per process).

    Every method raises :class:`~smmcore.errors.InvalidArgument` for a bad argument (its
    ``param`` names the CLI option), :class:`~smmcore.errors.NotFoundError` for a tool that
    is not installed, :class:`~smmcore.errors.KeywordToolError` when the tool refused the
    whole request, and :class:`~smmcore.errors.SmmError` for the rest. A term that
    failed while others were answered is not an exception: see ``result.failed``.
    """

    def __init__(
        self,
        workspace: Workspace | None = None,
        host: PluginHost | None = None,
        *,
        progress: Callable[[LogLine], object] | None = None,
        http: httpx.AsyncClient | None = None,
        now: datetime | None = None,
        release: Callable[[], object] | None = None,
    ) -> None:
        if host is None:
            from smmcore.plugins import PluginHost

            host = PluginHost()
        self.workspace = workspace
        self.host = host
        self.progress = progress
        self.http = http
        self.now = now
        self.release = release

    # ------------------------------------------------------------------ checking

    @property
    def defaults(self) -> dict[str, str]:
        """Geo, language and timeframe used when a call leaves them out (``[keywords]``)."""
        from smmcore.keywords import query_defaults

        return query_defaults(self.workspace.config if self.workspace else None)

    def query(
        self,
        terms: Sequence[str],
        *,
        geo: str | None = None,
        language: str | None = None,
        timeframe: str | None = None,
    ) -> KeywordQuery:
        """A checked request: terms cleaned and de-duplicated, geo upper-case, language
        lower-case, timeframe normalised (``None``: the workspace default)."""
        from smmcore.contracts import KeywordQuery
        from smmcore.keywords import timeframe_dates

        if isinstance(terms, str):
            terms = [terms]
        defaults = self.defaults
        clean = tuple(dict.fromkeys(" ".join(t.split()) for t in terms if t.strip()))
        if not clean:
            raise InvalidArgument("give at least one non-empty TERM")
        geo_code = (defaults["geo"] if geo is None else geo).strip().upper()
        if geo_code and not GEO_RE.match(geo_code):
            raise InvalidArgument(
                f"{geo_code!r} is not a country or region code: use 'IT', 'US', 'IT-25' or ''",
                param="--geo",
            )
        lang = (defaults["language"] if language is None else language).strip().lower()
        if lang and not LANG_RE.match(lang):
            raise InvalidArgument(
                f"{lang!r} is not a language code: use 'it', 'en', ...", param="--lang"
            )
        frame = timeframe or defaults["timeframe"]
        try:
            timeframe_dates(frame, date.today())
        except ValueError as exc:
            raise InvalidArgument(str(exc), param="--timeframe") from None
        return KeywordQuery(
            terms=clean, geo=geo_code, language=lang, timeframe=" ".join(frame.split())
        )

    def tools(self, kind: str | None = None) -> list[str]:
        """The installed keyword tools (that answer ``kind`` requests, when given)."""
        specs = self.host.keyword_tools()
        return sorted(n for n, s in specs.items() if kind is None or kind in s.capabilities)

    def tool_for(self, kind: str, tool: str | None = None) -> str:
        """The tool ``tool`` (checked: installed and answering ``kind``), else the default
        tool for ``kind``."""
        specs = self.host.keyword_tools()
        able = self.tools(kind)
        if tool:
            if tool not in specs:
                known = ", ".join(sorted(specs)) or "none installed"
                raise NotFoundError(
                    f"no keyword tool named {tool!r} (installed: {known})",
                    hint="'smm plugins list' shows the installed plugins",
                )
            if kind not in specs[tool].capabilities:
                raise SmmError(
                    f"keyword tool {tool!r} does not answer {kind!r} requests",
                    hint=f"tools for {kind!r}: {', '.join(able) or 'none installed'}",
                )
            return tool
        default = DEFAULT_TOOLS.get(kind)
        if default in able:
            return default
        if able:
            return able[0]
        raise SmmError(
            f"no installed keyword tool answers {kind!r} requests",
            hint="install smm-trends, smm-wikipedia or smm-suggest ('smm plugins install ...')",
        )

    # ------------------------------------------------------------------ running

    def _execute(
        self,
        work: Callable[[KeywordService], Coroutine[Any, Any, Any]],
        progress: Callable[[LogLine], object] | None = None,
    ) -> Any:
        """Run ``await work(service)`` with a service over the workspace store (if any)."""
        from smmcore.contracts import SourceError
        from smmcore.events import LogLine
        from smmcore.keywords import KeywordService, _run_coro

        callback = progress or self.progress

        def log(line: str) -> None:
            if callback is not None:
                callback(LogLine(line))

        store = None
        if self.workspace is not None:
            if self.release is not None:
                self.release()
            store = self.workspace.open_store()
        options: dict[str, Any] = {"log": log, "http": self.http, "now": self.now}

        async def go() -> Any:
            if self.workspace is not None:
                service = KeywordService.for_workspace(self.workspace, self.host, store, **options)
            else:
                service = KeywordService(self.host, None, **options)
            async with service:
                return await work(service)

        try:
            return _run_coro(go)
        except SourceError as exc:
            message = exc.args[0] if exc.args else str(exc)
            raise KeywordToolError(message, kind=exc.kind, hint=exc.hint) from exc
        finally:
            if store is not None:
                store.close()

    def run(
        self,
        kind: str,
        terms: Sequence[str],
        *,
        tool: str | None = None,
        geo: str | None = None,
        language: str | None = None,
        timeframe: str | None = None,
        refresh: bool = False,
        progress: Callable[[LogLine], object] | None = None,
    ) -> KeywordResult:
        """Answer one request of ``kind`` (one of :data:`KINDS`) for ``terms``: from the
        store while fresh (unless ``refresh``), else from the tool, storing its answer."""
        if kind not in KINDS:
            raise InvalidArgument(
                f"unknown kind of keyword request {kind!r}: use {', '.join(KINDS)}"
            )
        query = self.query(terms, geo=geo, language=language, timeframe=timeframe)
        name = self.tool_for(kind, tool)

        async def work(service: KeywordService) -> KeywordResult:
            return await service.run(name, kind, query, refresh=refresh)

        return self._execute(work, progress)

    def trends(
        self,
        terms: Sequence[str],
        *,
        regions: bool = False,
        tool: str | None = None,
        geo: str | None = None,
        language: str | None = None,
        timeframe: str | None = None,
        refresh: bool = False,
        progress: Callable[[LogLine], object] | None = None,
    ) -> KeywordResult:
        """Interest over time of ``terms`` (``smm keywords trends``), or by region with
        ``regions=True``. Default tool: trends (wikipedia answers pageviews)."""
        kind = "regions" if regions else "interest"
        return self.run(
            kind,
            terms,
            tool=tool,
            geo=geo,
            language=language,
            timeframe=timeframe,
            refresh=refresh,
            progress=progress,
        )

    def regions(self, terms: Sequence[str], **options: Any) -> KeywordResult:
        """Interest by region of ``terms``: ``trends(terms, regions=True, ...)``."""
        return self.trends(terms, regions=True, **options)

    def related(
        self,
        term: str,
        *,
        tool: str | None = None,
        geo: str | None = None,
        language: str | None = None,
        timeframe: str | None = None,
        refresh: bool = False,
        progress: Callable[[LogLine], object] | None = None,
    ) -> KeywordResult:
        """Related queries of ``term``, top and rising (``smm keywords related``; a rising
        value of ``None`` is a breakout); tool ``own-terms`` scores the client's own posts."""
        return self.run(
            "related",
            [term],
            tool=tool,
            geo=geo,
            language=language,
            timeframe=timeframe,
            refresh=refresh,
            progress=progress,
        )

    def suggestions(
        self,
        term: str,
        *,
        tool: str | None = None,
        geo: str | None = None,
        language: str | None = None,
        timeframe: str | None = None,
        refresh: bool = False,
        progress: Callable[[LogLine], object] | None = None,
    ) -> KeywordResult:
        """Autocomplete suggestions of ``term`` with its expansions (``smm keywords
        suggest``); each signal's ``note`` says which expansion found it."""
        return self.run(
            "suggestions",
            [term],
            tool=tool,
            geo=geo,
            language=language,
            timeframe=timeframe,
            refresh=refresh,
            progress=progress,
        )

    def report(
        self,
        *,
        tools: Sequence[str] | None = None,
        geo: str | None = None,
        language: str | None = None,
        timeframe: str | None = None,
        refresh: bool = False,
        progress: Callable[[LogLine], object] | None = None,
    ) -> KeywordReport:
        """Every tracked term of the workspace (``[keywords] terms``) with every tool
        (``tools``, else ``[keywords] tools``, else every installed one): fresh answers
        from the store, the others fetched and stored (``smm keywords report``). A failing
        tool or term is recorded in the report, never raised."""
        from smmcore.config import KeywordsConfig
        from smmcore.keywords import refresh_keywords, workspace_tools

        workspace = self.workspace
        if workspace is None:
            raise SmmError(
                "no workspace: keyword reports need one (smm.toml not found)",
                hint="open a workspace first (smmcore.open(FOLDER)); 'smm init' creates one",
            )
        config = workspace.config
        terms = config.keywords.terms
        if not terms:
            raise SmmError(
                "the workspace tracks no keywords",
                hint='add them to smm.toml: [keywords] terms = ["...", "..."]',
            )
        query = self.query(terms, geo=geo, language=language, timeframe=timeframe)
        if tools:
            chosen = [self.tool_for(_first_kind(self.host, t), t) for t in tools]
        else:
            chosen = workspace_tools(config, self.host)
        if not chosen:
            raise SmmError("no keyword tool is installed", hint="install smm-trends or smm-suggest")
        run_config = config.model_copy(
            update={
                "keywords": KeywordsConfig(
                    **{
                        **config.keywords.model_dump(),
                        "geo": query.geo,
                        "language": query.language,
                        "timeframe": query.timeframe,
                    }
                )
            }
        )

        async def work(service: KeywordService) -> Any:
            return await refresh_keywords(
                service, run_config, terms=query.terms, tools=chosen, refresh=refresh
            )

        summary, results = self._execute(work, progress)
        return KeywordReport(
            terms=list(query.terms), tools=list(chosen), results=results, summary=summary
        )


def _first_kind(host: PluginHost, tool: str) -> str:
    spec = host.keyword_tools().get(tool)
    kinds = [c for c in (spec.capabilities if spec else ()) if c in DEFAULT_TOOLS]
    return kinds[0] if kinds else "interest"


# --------------------------------------------------------------------------- shaping results


@dataclass
class SeriesSummary:
    """One series of an interest result (a term, or a term's article for pageviews)."""

    term: str
    item: str
    points: list[KeywordSignal] = field(default_factory=list)

    @property
    def values(self) -> list[float | None]:
        """The values in time order (``None`` where unknown)."""
        return [p.value for p in self.points]

    @property
    def average(self) -> float | None:
        """The mean of the known values (``None`` when none is known)."""
        known = [v for v in self.values if v is not None]
        return sum(known) / len(known) if known else None

    @property
    def latest(self) -> float | None:
        """The last value."""
        return self.points[-1].value if self.points else None

    @property
    def peak(self) -> KeywordSignal:
        """The point with the highest value (the first one when none is known)."""
        return max(self.points, key=lambda p: p.value if p.value is not None else -1)


def interest_series(result: KeywordResult) -> list[SeriesSummary]:
    """The time series of an interest result, one per (term, item), points in time order."""
    found: dict[tuple[str, str], SeriesSummary] = {}
    for s in result.signals:
        if s.period_start is not None and s.metric in ("interest", "pageviews"):
            found.setdefault((s.term, s.item), SeriesSummary(s.term, s.item)).points.append(s)
    for series in found.values():
        series.points.sort(key=lambda s: s.period_start)
    return list(found.values())


def region_rows(result: KeywordResult) -> list[tuple[str, dict[str, float | None]]]:
    """``(region, {term: interest})`` ordered by the first term's interest, highest first."""
    terms = list(result.query.terms)
    table: dict[str, dict[str, float | None]] = {}
    for s in result.signals:
        if s.metric == "region_interest":
            table.setdefault(s.item, {})[s.term] = s.value
    return sorted(table.items(), key=lambda kv: -(kv[1].get(terms[0]) or 0))


@dataclass
class RelatedQueries:
    """The related queries of one term: top (score order), rising (breakouts first, then
    growth) and the client's own posts (the term itself first, then by engagement)."""

    term: str
    top: list[KeywordSignal]
    rising: list[KeywordSignal]
    own: list[KeywordSignal]


def related_queries(result: KeywordResult) -> list[RelatedQueries]:
    """Per term of a related result, its top, rising and own-content signals, ordered."""
    out = []
    for term in result.query.terms:
        mine = [s for s in result.signals if s.term == term]
        top = sorted((s for s in mine if s.metric == "related_top"), key=lambda s: -(s.value or 0))
        rising = sorted(
            (s for s in mine if s.metric == "related_rising"),
            key=lambda s: (s.value is not None, -(s.value or 0)),
        )
        own = sorted(
            (s for s in mine if s.metric == "own_engagement"),
            key=lambda s: (s.item != term, -(s.value or 0), s.item),
        )
        out.append(RelatedQueries(term, top, rising, own))
    return out


SUGGESTION_GROUPS = ("seed", "questions", "prepositions", "comparisons", "alphabet")
"""The expansions of autocomplete suggestions, in the order AnswerThePublic shows them."""


def _suggestion_order(s: KeywordSignal) -> tuple[int, float, str]:
    group = (s.note or "").split(":", 1)[0]
    index = SUGGESTION_GROUPS.index(group) if group in SUGGESTION_GROUPS else len(SUGGESTION_GROUPS)
    return (index, s.value or 0, s.item)


def grouped_suggestions(result: KeywordResult) -> dict[str, list[KeywordSignal]]:
    """Term -> its suggestions, by expansion group, then rank, then text."""
    return {
        term: sorted((s for s in result.signals if s.term == term), key=_suggestion_order)
        for term in result.query.terms
    }


def term_signals(result: KeywordResult, term: str) -> list[KeywordSignal]:
    """The signals of ``result`` about ``term``."""
    return [s for s in result.signals if s.term == term]


def term_series(result: KeywordResult, term: str) -> SeriesSummary:
    """Every signal of ``term`` (all its items) in time order, as one series."""
    points = sorted(term_signals(result, term), key=lambda s: s.period_start or date.min)
    return SeriesSummary(term, "", points)


__all__ = [
    "DEFAULT_TOOLS",
    "KINDS",
    "SUGGESTION_GROUPS",
    "KeywordReport",
    "KeywordResearch",
    "RelatedQueries",
    "SeriesSummary",
    "grouped_suggestions",
    "interest_series",
    "region_rows",
    "related_queries",
    "term_series",
    "term_signals",
]
