"""``smm keywords``: keyword research from the command line.

``trends TERM...`` (interest over time, or ``--regions``), ``related TERM``, ``suggest TERM``
and ``report`` (every tracked term of the workspace with every tool). Answers come from the
workspace store while fresh (``[keywords] freshness_hours``, 24 h by default) and are stored
when new; ``--refresh`` asks the tools again. Without a workspace nothing is stored.
"""

from __future__ import annotations

import functools
import io
import json
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import click

from smmcore.cli.app import App, pass_app
from smmcore.errors import SmmError

FORMATS = ("table", "json", "csv")
SPARKS = "▁▂▃▄▅▆▇█"
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

    def call(self) -> dict[str, Any]:
        """The keyword arguments of the API call."""
        return {
            "geo": self.geo,
            "language": self.lang,
            "timeframe": self.timeframe,
            "refresh": self.refresh,
        }


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


@contextmanager
def _usage() -> Iterator[None]:
    """The API's argument errors as click's usage errors (exit code 2)."""
    from smmcore.errors import InvalidArgument

    try:
        yield
    except InvalidArgument as exc:
        if exc.param:
            raise click.BadParameter(str(exc), param_hint=exc.param) from None
        raise click.UsageError(str(exc)) from None


def _research(app: App) -> Any:
    """``ws.keywords`` of the workspace folder, or keyword research without a workspace."""
    from smmcore.keyword_research import KeywordResearch

    workspace = app.workspace() if (app.workspace_dir / "smm.toml").exists() else None

    def show(event: Any) -> None:  # a LogLine: a back-off, an engine that failed
        click.echo(event.text, err=True)

    return KeywordResearch(workspace, app.host, progress=show)


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


def render_interest(console: Any, result: Any) -> None:
    """Summary per term (and article), then every point when the series is short."""
    from smmcore.keyword_research import interest_series

    series = interest_series(result)
    unit = next((s.unit for s in result.signals), "")
    rows = [
        [
            s.term,
            s.item or "-",
            len(s.points),
            _number(s.average, 1),
            _number(s.latest, 1),
            f"{_number(s.peak.value, 1)} ({s.peak.period_start})",
            sparkline(s.values),
        ]
        for s in series
    ]
    what = "pageviews (absolute, per day)" if unit == "views" else "interest (relative 0-100)"
    q = result.query
    title = f"{result.tool}: {what}, {q.timeframe}, geo {q.geo or 'worldwide'}"
    if rows:
        item = "article" if unit == "views" else "item"
        columns = ["term", item, "points", "average", "latest", "peak", "trend"]
        console.print(_table(title, columns, rows))
    if series and max(len(s.points) for s in series) <= PIVOT_MAX_POINTS:
        days = sorted({p.period_start for s in series for p in s.points})
        lookup = [{p.period_start: p.value for p in s.points} for s in series]
        headers = ["period"] + [s.term if not s.item else f"{s.term} ({s.item})" for s in series]
        cells = [[d.isoformat(), *(_number(values.get(d), 1) for values in lookup)] for d in days]
        console.print(_table("", headers, cells))
    notes = sorted({s.note for s in result.signals if s.note and "rescaled" in s.note})
    for note in notes:
        console.print(f"note: {note}")


def render_regions(console: Any, result: Any) -> None:
    """Regions by interest, one column per term."""
    from smmcore.keyword_research import region_rows

    terms = list(result.query.terms)
    console.print(
        _table(
            f"{result.tool}: interest by region (relative 0-100), {result.query.timeframe}",
            ["region", *terms],
            [
                [name, *(_number(v.get(t), 1) for t in terms)]
                for name, v in region_rows(result)[:30]
            ],
        )
    )


def _growth(s: Any) -> str:
    return "Breakout" if s.value is None else f"+{s.value:,.0f}%"


def render_related(console: Any, result: Any) -> None:
    """Top and rising related queries (or own-content performance) per term."""
    from smmcore.keyword_research import related_queries

    for related in related_queries(result):
        term = related.term
        if related.top:
            console.print(
                _table(
                    f"{term}: top related queries (relative 0-100)",
                    ["query", "score"],
                    [[s.item, _number(s.value)] for s in related.top],
                )
            )
        if related.rising:
            console.print(
                _table(
                    f"{term}: rising related queries (growth)",
                    ["query", "growth"],
                    [[s.item, _growth(s)] for s in related.rising],
                )
            )
        if related.own:
            console.print(
                _table(
                    f"{term}: in the client's own posts (engagements per post)",
                    ["term or hashtag", "eng./post", "detail"],
                    [[s.item, _number(s.value, 1), s.note or ""] for s in related.own],
                )
            )


def render_suggestions(console: Any, result: Any) -> None:
    """Suggestions per term, grouped like AnswerThePublic, with the expansion that found
    each."""
    from smmcore.keyword_research import grouped_suggestions

    for term, mine in grouped_suggestions(result).items():
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
    from smmcore.keyword_research import related_queries, term_series, term_signals

    mine = term_signals(result, term)
    if result.error:
        return f"failed: {result.error}"
    if term in result.failed:
        return f"failed: {result.failed[term]}"
    if not mine:
        return result.no_data.get(term, "no data")
    if result.kind == "interest":
        series = term_series(result, term)
        unit = "views/day" if mine[0].unit == "views" else "relative"
        average, latest = _number(series.average, 1), _number(series.latest, 1)
        return f"avg {average} {unit}, latest {latest}  {sparkline(series.values, 24)}"
    if result.kind == "related":
        (related,) = (r for r in related_queries(result) if r.term == term)
        if related.own:
            head = next((s for s in related.own if s.item == term), None)
            others = [s.item for s in related.own if s.item != term][:4]
            text = f"{_number(head.value, 1)} eng./post ({head.note})" if head else ""
            return (text + (" · with " + ", ".join(others) if others else "")).strip(" ·")
        parts = []
        if related.top:
            parts.append("top: " + ", ".join(s.item for s in related.top[:3]))
        if related.rising:
            rising = [f"{s.item} ({_growth(s)})" for s in related.rising[:3]]
            parts.append("rising: " + ", ".join(rising))
        return " · ".join(parts)
    if result.kind == "suggestions":
        from smmcore.keywords import long_tail

        best = [s.item for s in long_tail(mine)][:4]
        return f"{len(mine)} suggestions: " + ", ".join(best)
    return f"{len(mine)} values"


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def emit(results: Sequence[Any], fmt: str, *, report: bool = False) -> None:
    """Print results as a table, JSON (``{"results": [...]}``) or CSV (one row per value)."""
    if fmt == "json":
        click.echo(
            json.dumps({"results": [r.to_json() for r in results]}, ensure_ascii=False, indent=2)
        )
        return
    if fmt == "csv":
        from smmcore.keywords import SIGNAL_COLUMNS
        from smmcore.safeout import safe_csv_writer

        out = io.StringIO()
        writer = safe_csv_writer(out, fieldnames=SIGNAL_COLUMNS)
        writer.writeheader()
        for result in results:
            writer.writerows({k: _csv_cell(v) for k, v in row.items()} for row in result.rows())
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
    research = _research(app)
    with _usage():
        result = research.run(kind, terms, tool=tool, **options.call())
    emit([result], options.fmt)
    if result.failed:
        total = len(result.query.terms)
        click.echo(
            f"{result.tool}: {len(result.failed)} of {total} terms failed; the answers for the "
            "others are shown (and stored)",
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
    research = _research(app)
    if research.workspace is None:
        raise SmmError(
            f"no workspace in {app.workspace_dir} (smm.toml not found)",
            hint="run it inside a workspace, or pass -w FOLDER; 'smm init' creates one",
        )
    with _usage():
        found = research.report(tools=tools or None, **options.call())
    emit(found.results, options.fmt, report=True)
    if not found.ok:
        click.echo(f"{found.failures()}; the other answers are shown (and stored).", err=True)
        raise click.exceptions.Exit(1)


__all__ = ["emit", "keywords", "sparkline"]
