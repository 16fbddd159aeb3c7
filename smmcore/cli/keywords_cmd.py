"""``smm keywords``: keyword research from the command line.

``trends TERM...`` (interest over time, or ``--regions``), ``related TERM``, ``suggest TERM``
and ``report`` (every tracked term of the workspace with every tool). Answers come from the
workspace store while fresh (``[keywords] freshness_hours``, 24 h by default) and are stored
when new; ``--refresh`` asks the tools again. Without a workspace nothing is stored.
"""

from __future__ import annotations

import asyncio
import functools
import io
import json
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date
from typing import Any

import click

from smmcore.cli.app import App, pass_app
from smmcore.errors import SmmError

FORMATS = ("table", "json", "csv")
DEFAULT_TOOLS = {"interest": "trends", "regions": "trends", "related": "trends"}
DEFAULT_TOOLS["suggestions"] = "suggest"
CSV_FIELDS = (
    "tool",
    "term",
    "metric",
    "item",
    "period_start",
    "value",
    "unit",
    "geo",
    "language",
    "timeframe",
    "retrieved_at",
    "cached",
    "note",
)
SPARKS = "▁▂▃▄▅▆▇█"
GEO_RE = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
LANG_RE = re.compile(r"^[a-z]{2,3}$")
PIVOT_MAX_POINTS = 60
"""Interest series up to this many points are also shown point by point in tables."""


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class QueryOptions:
    """The options every keyword command shares (``None``: the smm.toml default)."""

    geo: str | None
    lang: str | None
    timeframe: str | None
    fmt: str
    refresh: bool


def _query_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Add --geo, --lang, --timeframe, --format and --refresh, handed to the command as one
    ``options: QueryOptions`` argument."""

    @functools.wraps(f)
    def wrapper(
        *args: Any, geo: Any, lang: Any, timeframe: Any, fmt: str, refresh: bool, **kwargs: Any
    ) -> Any:
        options = QueryOptions(geo, lang, timeframe, fmt, refresh)
        return f(*args, options=options, **kwargs)

    for decorator in reversed(
        (  # click lists options in the reverse order of application
            click.option(
                "--geo",
                help="Country or region code (IT, US, IT-25); '' = worldwide "
                "[default: [keywords] geo].",
            ),
            click.option(
                "--lang",
                help="Language code (it, en) [default: [keywords] language or the client's].",
            ),
            click.option(
                "--timeframe",
                help="Time range: 'today 12-m', 'today 5-y', 'now 7-d', 'all' or "
                "'YYYY-MM-DD YYYY-MM-DD' [default: [keywords] timeframe, 'today 12-m'].",
            ),
            click.option(
                "--format",
                "fmt",
                type=click.Choice(FORMATS),
                default="table",
                show_default=True,
                help="Output format.",
            ),
            click.option(
                "--refresh", is_flag=True, help="Ask the tools again, even when the store is fresh."
            ),
        )
    ):
        wrapper = decorator(wrapper)
    return wrapper


def _check_timeframe(value: str) -> str:
    from smmcore.keywords import timeframe_dates

    try:
        timeframe_dates(value, date.today())
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--timeframe") from None
    return " ".join(value.split())


# --------------------------------------------------------------------------- running


class _Run:
    """The workspace (if any), its store and the query defaults of one command."""

    def __init__(self, app: App) -> None:
        from smmcore.keywords import query_defaults

        self.app = app
        self.workspace = None
        if (app.workspace_dir / "smm.toml").exists():
            self.workspace = app.workspace()
        self.config = self.workspace.config if self.workspace else None
        self.defaults = query_defaults(self.config)

    def query(
        self, terms: Sequence[str], geo: str | None, lang: str | None, timeframe: str | None
    ) -> Any:
        from smmcore.contracts import KeywordQuery

        clean = tuple(dict.fromkeys(" ".join(t.split()) for t in terms if t.strip()))
        if not clean:
            raise click.UsageError("give at least one non-empty TERM")
        geo_code = (self.defaults["geo"] if geo is None else geo).strip().upper()
        if geo_code and not GEO_RE.match(geo_code):
            raise click.BadParameter(
                f"{geo_code!r} is not a country or region code: use 'IT', 'US', 'IT-25' or ''",
                param_hint="--geo",
            )
        language = (self.defaults["language"] if lang is None else lang).strip().lower()
        if language and not LANG_RE.match(language):
            raise click.BadParameter(
                f"{language!r} is not a language code: use 'it', 'en', ...", param_hint="--lang"
            )
        return KeywordQuery(
            terms=clean,
            geo=geo_code,
            language=language,
            timeframe=_check_timeframe(timeframe or self.defaults["timeframe"]),
        )

    def execute(self, work: Callable[[Any], Any]) -> Any:
        """Run ``await work(service)`` with a service over the workspace store (if any)."""
        from smmcore.contracts import SourceError
        from smmcore.keywords import KeywordService

        store = self.workspace.open_store() if self.workspace else None

        def log(line: str) -> None:
            click.echo(line, err=True)

        async def go() -> Any:
            if self.workspace is not None:
                service = KeywordService.for_workspace(
                    self.workspace, self.app.host, store, log=log
                )
            else:
                service = KeywordService(self.app.host, None, log=log)
            async with service:
                return await work(service)

        try:
            return asyncio.run(go())
        except SourceError as exc:
            raise SmmError(exc.args[0] if exc.args else str(exc), hint=exc.hint) from exc
        finally:
            if store is not None:
                store.close()

    def tool_for(self, kind: str, wanted: str | None) -> str:
        """The tool named by ``--tool`` (checked), else the default one for ``kind``."""
        specs = self.app.host.keyword_tools()
        able = sorted(n for n, s in specs.items() if kind in s.capabilities)
        if wanted:
            if wanted not in specs:
                known = ", ".join(sorted(specs)) or "none installed"
                raise SmmError(
                    f"no keyword tool named {wanted!r} (installed: {known})",
                    hint="'smm plugins list' shows the installed plugins",
                )
            if kind not in specs[wanted].capabilities:
                raise SmmError(
                    f"keyword tool {wanted!r} does not answer {kind!r} requests",
                    hint=f"tools for {kind!r}: {', '.join(able) or 'none installed'}",
                )
            return wanted
        default = DEFAULT_TOOLS.get(kind)
        if default in able:
            return default
        if able:
            return able[0]
        raise SmmError(
            f"no installed keyword tool answers {kind!r} requests",
            hint="install smm-trends, smm-wikipedia or smm-suggest ('smm plugins install ...')",
        )


# --------------------------------------------------------------------------- output


def _retrieved(result: Any) -> str:
    at = result.retrieved_at
    when = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if at else "?"
    if result.cached:
        return f"(cached, retrieved {when}; --refresh to ask again)"
    return f"(retrieved {when} from {result.tool})"


def _number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    if digits == 0 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def sparkline(values: Sequence[float | None], width: int = 40) -> str:
    """A one-line chart of ``values`` (averaged into at most ``width`` cells)."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    if len(values) > width:
        size = len(values) / width
        cells = []
        for i in range(width):
            chunk = [v for v in values[int(i * size) : int((i + 1) * size)] if v is not None]
            cells.append(sum(chunk) / len(chunk) if chunk else None)
        values = cells
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    return "".join(
        " " if v is None else SPARKS[min(len(SPARKS) - 1, int((v - low) / span * len(SPARKS)))]
        for v in values
    )


def _console() -> tuple[Any, io.StringIO]:
    from rich.console import Console

    buffer = io.StringIO()
    width = max(100, shutil.get_terminal_size((120, 24)).columns)
    return Console(file=buffer, width=width, color_system=None, highlight=False), buffer


def _table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Any:
    """A plain table under a one-line title (the title never wraps to the table's width)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(show_edge=False, pad_edge=False)
    for name in columns:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(Text(str(cell)) for cell in row))  # network text: no markup
    return Group(Text(title, style="bold"), table) if title else table


def _series(result: Any) -> dict[tuple[str, str], list[Any]]:
    found: dict[tuple[str, str], list[Any]] = {}
    for s in result.signals:
        if s.period_start is not None and s.metric in ("interest", "pageviews"):
            found.setdefault((s.term, s.item), []).append(s)
    for points in found.values():
        points.sort(key=lambda s: s.period_start)
    return found


def render_interest(console: Any, result: Any) -> None:
    """Summary per term (and article), then every point when the series is short."""
    series = _series(result)
    unit = next((s.unit for s in result.signals), "")
    rows = []
    for (term, item), points in series.items():
        values = [p.value for p in points]
        known = [v for v in values if v is not None]
        peak = max(points, key=lambda p: p.value if p.value is not None else -1)
        rows.append(
            [
                term,
                item or "-",
                len(points),
                _number(sum(known) / len(known), 1) if known else "-",
                _number(values[-1], 1),
                f"{_number(peak.value, 1)} ({peak.period_start})",
                sparkline(values),
            ]
        )
    what = "pageviews (absolute, per day)" if unit == "views" else "interest (relative 0-100)"
    q = result.query
    title = f"{result.tool}: {what}, {q.timeframe}, geo {q.geo or 'worldwide'}"
    if rows:
        console.print(
            _table(
                title,
                [
                    "term",
                    "article" if unit == "views" else "item",
                    "points",
                    "average",
                    "latest",
                    "peak",
                    "trend",
                ],
                rows,
            )
        )
    lengths = {len(p) for p in series.values()}
    if series and max(lengths) <= PIVOT_MAX_POINTS:
        keys = list(series)
        days = sorted({p.period_start for points in series.values() for p in points})
        lookup = {(k, p.period_start): p.value for k, points in series.items() for p in points}
        headers = ["period"] + [t if not i else f"{t} ({i})" for t, i in keys]
        console.print(
            _table(
                "",
                headers,
                [[d.isoformat(), *(_number(lookup.get((k, d)), 1) for k in keys)] for d in days],
            )
        )
    notes = sorted({s.note for s in result.signals if s.note and "rescaled" in s.note})
    for note in notes:
        console.print(f"note: {note}")


def render_regions(console: Any, result: Any) -> None:
    """Regions by interest, one column per term."""
    terms = list(result.query.terms)
    table: dict[str, dict[str, float | None]] = {}
    for s in result.signals:
        if s.metric == "region_interest":
            table.setdefault(s.item, {})[s.term] = s.value
    rows = sorted(table.items(), key=lambda kv: -(kv[1].get(terms[0]) or 0))
    console.print(
        _table(
            f"{result.tool}: interest by region (relative 0-100), {result.query.timeframe}",
            ["region", *terms],
            [[name, *(_number(v.get(t), 1) for t in terms)] for name, v in rows[:30]],
        )
    )


def render_related(console: Any, result: Any) -> None:
    """Top and rising related queries (or own-content performance) per term."""
    for term in result.query.terms:
        mine = [s for s in result.signals if s.term == term]
        top = [s for s in mine if s.metric == "related_top"]
        rising = [s for s in mine if s.metric == "related_rising"]
        own = [s for s in mine if s.metric == "own_engagement"]
        if top:
            top.sort(key=lambda s: -(s.value or 0))
            console.print(
                _table(
                    f"{term}: top related queries (relative 0-100)",
                    ["query", "score"],
                    [[s.item, _number(s.value)] for s in top],
                )
            )
        if rising:
            rising.sort(key=lambda s: (s.value is not None, -(s.value or 0)))
            console.print(
                _table(
                    f"{term}: rising related queries (growth)",
                    ["query", "growth"],
                    [
                        [s.item, "Breakout" if s.value is None else f"+{s.value:,.0f}%"]
                        for s in rising
                    ],
                )
            )
        if own:
            own.sort(key=lambda s: (s.item != term, -(s.value or 0), s.item))
            console.print(
                _table(
                    f"{term}: in the client's own posts (engagements per post)",
                    ["term or hashtag", "eng./post", "detail"],
                    [[s.item, _number(s.value, 1), s.note or ""] for s in own],
                )
            )


def _suggestion_order(s: Any) -> tuple[int, float, str]:
    groups = ("seed", "questions", "prepositions", "comparisons", "alphabet")
    group = (s.note or "").split(":", 1)[0]
    return (groups.index(group) if group in groups else len(groups), s.value or 0, s.item)


def render_suggestions(console: Any, result: Any) -> None:
    """Suggestions per term, grouped like AnswerThePublic, with the expansion that found
    each."""
    for term in result.query.terms:
        mine = sorted((s for s in result.signals if s.term == term), key=_suggestion_order)
        if mine:
            console.print(
                _table(
                    f"{term}: {len(mine)} suggestions",
                    ["suggestion", "rank", "found by"],
                    [[s.item, _number(s.value), s.note or ""] for s in mine],
                )
            )


RENDERERS = {
    "interest": render_interest,
    "regions": render_regions,
    "related": render_related,
    "suggestions": render_suggestions,
}


def _summary(result: Any, term: str) -> str:
    """One line about what ``result`` says of ``term`` (``smm keywords report``)."""
    mine = [s for s in result.signals if s.term == term]
    if result.error:
        return f"failed: {result.error}"
    if term in result.failed:
        return f"failed: {result.failed[term]}"
    if not mine:
        return result.no_data.get(term, "no data")
    if result.kind == "interest":
        values = [s.value for s in sorted(mine, key=lambda s: s.period_start or date.min)]
        known = [v for v in values if v is not None]
        unit = "views/day" if mine[0].unit == "views" else "relative"
        avg = sum(known) / len(known) if known else None
        latest = _number(values[-1], 1)
        return f"avg {_number(avg, 1)} {unit}, latest {latest}  {sparkline(values, 24)}"
    if result.kind == "related":
        own = [s for s in mine if s.metric == "own_engagement"]
        if own:
            head = next((s for s in own if s.item == term), None)
            others = [s.item for s in own if s.item != term][:4]
            text = f"{_number(head.value, 1)} eng./post ({head.note})" if head else ""
            return (text + (" · with " + ", ".join(others) if others else "")).strip(" ·")
        top = [
            s.item for s in sorted(mine, key=lambda s: -(s.value or 0)) if s.metric == "related_top"
        ][:3]
        rising = [
            f"{s.item} ({'Breakout' if s.value is None else f'+{s.value:,.0f}%'})"
            for s in sorted(mine, key=lambda s: (s.value is not None, -(s.value or 0)))
            if s.metric == "related_rising"
        ][:3]
        parts = []
        if top:
            parts.append("top: " + ", ".join(top))
        if rising:
            parts.append("rising: " + ", ".join(rising))
        return " · ".join(parts)
    if result.kind == "suggestions":
        from smmcore.keywords import long_tail

        best = [s.item for s in long_tail(mine)][:4]
        return f"{len(mine)} suggestions: " + ", ".join(best)
    return f"{len(mine)} values"


def _csv_rows(results: Sequence[Any]) -> list[dict[str, Any]]:
    rows = []
    for result in results:
        for s in result.signals:
            rows.append(
                {
                    "tool": s.tool,
                    "term": s.term,
                    "metric": s.metric,
                    "item": s.item,
                    "period_start": s.period_start.isoformat() if s.period_start else "",
                    "value": "" if s.value is None else s.value,
                    "unit": s.unit,
                    "geo": s.geo,
                    "language": s.language,
                    "timeframe": s.timeframe,
                    "retrieved_at": s.retrieved_at.isoformat(),
                    "cached": result.cached,
                    "note": s.note or "",
                }
            )
        for term, note in result.no_data.items():
            rows.append(
                {
                    **dict.fromkeys(CSV_FIELDS, ""),
                    "tool": result.tool,
                    "term": term,
                    "geo": result.query.geo,
                    "language": result.query.language,
                    "timeframe": result.query.timeframe,
                    "retrieved_at": result.retrieved_at.isoformat() if result.retrieved_at else "",
                    "cached": result.cached,
                    "note": note,
                }
            )
    return rows


def emit(results: Sequence[Any], fmt: str, *, report: bool = False) -> None:
    """Print results as a table, JSON (``{"results": [...]}``) or CSV (one row per value)."""
    if fmt == "json":
        click.echo(
            json.dumps({"results": [r.to_json() for r in results]}, ensure_ascii=False, indent=2)
        )
        return
    if fmt == "csv":
        from smmcore.safeout import safe_csv_writer

        out = io.StringIO()
        writer = safe_csv_writer(out, fieldnames=CSV_FIELDS)
        writer.writeheader()
        writer.writerows(_csv_rows(results))
        click.echo(out.getvalue(), nl=False)
        return
    console, buffer = _console()
    if report:
        terms = list(dict.fromkeys(t for r in results for t in r.query.terms))
        rows = [
            [term, r.tool, r.kind, _summary(r, term), "cached" if r.cached else "new"]
            for term in terms
            for r in results
            if term in r.query.terms
        ]
        console.print(_table("keywords", ["term", "tool", "kind", "summary", "data"], rows))
        for r in results:
            if r.retrieved_at and not r.error:
                console.print(f"{r.tool} {r.kind}: {_retrieved(r)}")
    else:
        for r in results:
            RENDERERS[r.kind](console, r)
            for term, note in r.no_data.items():
                console.print(f"No data for {term!r} from {r.tool}: {note}")
            for term, why in r.failed.items():
                console.print(f"Failed for {term!r} with {r.tool}: {why}")
            console.print(_retrieved(r))
    click.echo(buffer.getvalue(), nl=False)


# --------------------------------------------------------------------------- commands


def _single(
    app: App, kind: str, terms: Sequence[str], tool: str | None, options: QueryOptions
) -> None:
    run = _Run(app)
    query = run.query(terms, options.geo, options.lang, options.timeframe)
    name = run.tool_for(kind, tool)
    result = run.execute(lambda service: service.run(name, kind, query, refresh=options.refresh))
    emit([result], options.fmt)
    if result.failed:
        total = len(dict.fromkeys(query.terms))
        click.echo(
            f"{name}: {len(result.failed)} of {total} terms failed; the answers for the others "
            "are shown (and stored)",
            err=True,
        )
        raise click.exceptions.Exit(1)


@click.group("keywords")
def keywords() -> None:
    """Keyword research: Google Trends, Wikipedia pageviews, autocomplete suggestions and the
    terms of the client's own posts.

    Answers are kept in the workspace store and reused while fresh ([keywords]
    freshness_hours, 24 h by default); --refresh asks again. Outside a workspace nothing is
    stored. A term or engine that fails never discards the answers of the others.

    Exit codes: 0 every term answered (no data counts as an answer); 1 some term failed
    (the others are shown and stored) or an error; 2 wrong usage.
    """


@keywords.command("trends")
@click.argument("terms", nargs=-1, required=True)
@click.option("--regions", is_flag=True, help="Interest by region instead of over time.")
@click.option("--tool", help="Keyword tool [default: trends; wikipedia for pageviews].")
@_query_options
@pass_app
def trends(
    app: App, terms: tuple[str, ...], regions: bool, tool: str | None, options: QueryOptions
) -> None:
    """Interest over time of TERMS (more than 5 are batched around the first one, so they
    stay comparable), or by region with --regions."""
    kind = "regions" if regions else "interest"
    _single(app, kind, terms, tool, options)


@keywords.command("related")
@click.argument("term")
@click.option("--tool", help="Keyword tool [default: trends; own-terms for your own posts].")
@_query_options
@pass_app
def related(app: App, term: str, tool: str | None, options: QueryOptions) -> None:
    """Related queries of TERM: top and rising (Breakout = more than 5000% growth)."""
    _single(app, "related", [term], tool, options)


@keywords.command("suggest")
@click.argument("term")
@click.option("--tool", help="Keyword tool [default: suggest].")
@_query_options
@pass_app
def suggest(app: App, term: str, tool: str | None, options: QueryOptions) -> None:
    """Autocomplete suggestions of TERM with questions, prepositions, comparisons and a-z in
    the client's language, as AnswerThePublic shows them."""
    _single(app, "suggestions", [term], tool, options)


@keywords.command("report")
@click.option(
    "--tool",
    "tools",
    multiple=True,
    help="Only this tool (repeatable) [default: [keywords] tools, else all].",
)
@_query_options
@pass_app
def report(app: App, tools: tuple[str, ...], options: QueryOptions) -> None:
    """Every tracked term of the workspace ([keywords] terms) with every keyword tool:
    fresh answers from the store, the others fetched and stored."""
    from smmcore.keywords import refresh_keywords, workspace_tools

    run = _Run(app)
    if run.workspace is None:
        raise SmmError(
            f"no workspace in {app.workspace_dir} (smm.toml not found)",
            hint="run it inside a workspace, or pass -w FOLDER; 'smm init' creates one",
        )
    terms = run.config.keywords.terms
    if not terms:
        raise SmmError(
            "the workspace tracks no keywords",
            hint='add them to smm.toml: [keywords] terms = ["...", "..."]',
        )
    query = run.query(terms, options.geo, options.lang, options.timeframe)
    names = [run.tool_for(_first_kind(app, t), t) for t in tools] if tools else None
    chosen = names if names is not None else workspace_tools(run.config, app.host)
    if not chosen:
        raise SmmError("no keyword tool is installed", hint="install smm-trends or smm-suggest")

    async def work(service: Any) -> Any:
        from smmcore.config import KeywordsConfig

        config = run.config.model_copy(
            update={
                "keywords": KeywordsConfig(
                    **{
                        **run.config.keywords.model_dump(),
                        "geo": query.geo,
                        "language": query.language,
                        "timeframe": query.timeframe,
                    }
                )
            }
        )
        return await refresh_keywords(
            service, config, terms=query.terms, tools=chosen, refresh=options.refresh
        )

    summary, results = run.execute(work)
    emit(results, options.fmt, report=True)
    if summary.errors:
        click.echo(f"{summary.failures()}; the other answers are shown (and stored).", err=True)
        raise click.exceptions.Exit(1)


def _first_kind(app: App, tool: str) -> str:
    spec = app.host.keyword_tools().get(tool)
    kinds = [c for c in (spec.capabilities if spec else ()) if c in DEFAULT_TOOLS]
    return kinds[0] if kinds else "interest"


__all__ = ["emit", "keywords", "sparkline"]
