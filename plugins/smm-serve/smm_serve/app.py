"""The dashboard's web application (Starlette): routes, pages and the guard in front of them.

Safety, in the order a request meets it (:class:`Guard`):

* ``Host`` check: bound to loopback, only ``localhost``/``127.0.0.1``/``[::1]`` hosts are
  served, so a page on another site cannot reach the dashboard by DNS rebinding;
* token: off loopback every request needs the token printed at start-up (once in the URL,
  then an ``HttpOnly``, ``SameSite=Strict`` cookie);
* every response carries a strict Content-Security-Policy (no script at all, styles and images
  from the dashboard only, forms only to itself, no framing) and ``nosniff``;
* the only POST (``sync``, with ``--allow-sync``) needs the page's CSRF token and an
  ``Origin`` (or ``Referer``) of the dashboard itself.

Pages are Jinja2 templates with autoescaping: every text from a network is escaped. Nothing
writes to the store except that sync.
"""

from __future__ import annotations

import csv
import hmac
import io
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from smm_serve import charts
from smm_serve.site import PRESETS, Selection, Site, parse_selection
from smm_serve.text import t
from smmcore.errors import SmmError, StoreError

HERE = Path(__file__).resolve().parent
TOKEN_COOKIE = "smm_serve_token"
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
_CSV_RISKY = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------- helpers


def safe_url(url: str | None) -> str | None:
    """Only ``http(s)`` links from a network are kept (no ``javascript:`` or ``data:``)."""
    if url and url.strip().lower().startswith(("https://", "http://")):
        return url.strip()
    return None


def csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run as a formula (``'`` before ``= + - @``)."""
    if isinstance(value, str) and value.startswith(_CSV_RISKY):
        return "'" + value
    return value


def _host_name(host_header: str) -> str:
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _same_origin(request: Request) -> bool:
    """The POST came from a page of this dashboard: ``Origin`` (else ``Referer``) names the
    host the request was sent to; a browser's ``Sec-Fetch-Site`` must not say otherwise."""
    host = request.headers.get("host", "")
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        origin = request.headers.get("referer")
        if not origin:
            return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


class Guard:
    """ASGI middleware: Host check, token, security headers and ``Server-Timing``."""

    def __init__(self, app: Any, site: Site) -> None:
        self.app = app
        self.site = site

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def send_wrapped(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS:
                    headers.append(key.decode(), value.decode())
                if "cache-control" not in headers:
                    headers.append("cache-control", "no-store")
                ms = (time.perf_counter() - start) * 1000
                headers.append("server-timing", f"app;dur={ms:.1f}")
            await send(message)

        request = Request(scope)
        refusal = self._refusal(request)
        if refusal is not None:
            await refusal(scope, receive, send_wrapped)
            return
        await self.app(scope, receive, send_wrapped)

    def _refusal(self, request: Request) -> Response | None:
        site = self.site
        if site.loopback and _host_name(request.headers.get("host", "")) not in LOOPBACK_HOSTS:
            return _plain(
                "This dashboard answers on localhost only (the Host header names another "
                "host). Open the URL smm serve printed.",
                400,
            )
        if site.token is None:
            return None
        cookie = request.cookies.get(TOKEN_COOKIE, "")
        if cookie and hmac.compare_digest(cookie.encode(), site.token.encode()):
            return None
        given = request.query_params.get("token", "")
        if given and hmac.compare_digest(given.encode(), site.token.encode()):
            if request.method in ("GET", "HEAD"):
                rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
                target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
                response = RedirectResponse(target, status_code=303)
                response.set_cookie(
                    TOKEN_COOKIE, site.token, httponly=True, samesite="strict", path="/"
                )
                return response
            return None
        return _plain(
            "This dashboard needs its token: open the URL with ?token=... that smm serve "
            "printed when it started.",
            401,
        )


def _plain(text: str, status: int) -> Response:
    return Response(text + "\n", status_code=status, media_type="text/plain; charset=utf-8")


# --------------------------------------------------------------------------- the application


class Dashboard:
    """The routes of one :class:`Site`."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        from smm_reports import fmt

        self.env.globals.update(fmt=fmt, t=t, safe_url=safe_url, presets=PRESETS)
        self.env.filters["q"] = lambda s: quote(str(s), safe="")

    # -------------------------------------------------------------- rendering

    def page(
        self,
        request: Request,
        template: str,
        *,
        slug: str | None = None,
        sel: Selection | None = None,
        report: Any = None,
        status: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        lang = sel.lang if sel else "en"

        def url(path: str = "", **override: str) -> str:
            params = sel.params(**override) if sel else dict(override)
            base = f"/w/{quote(slug or '', safe='')}/{path}"
            return base + ("?" + urlencode(params) if params else "")

        parts = request.url.path.split("/", 3)
        here = quote(parts[3], safe="/:@") if len(parts) > 3 and parts[1] == "w" else ""
        pages = []
        if slug is not None:
            pages = [
                (name, spec.title, spec.description)
                for name, spec in self.site.host.dashboard_pages().items()
            ]
        body = self.env.get_template(template).render(
            request=request,
            slug=slug,
            sel=sel,
            lang=lang,
            report=report,
            url=url,
            here=here,
            nav=request.scope.get("nav", ""),
            plugin_pages=pages,
            site=self.site,
            workspaces=list(self.site.workspaces),
            **context,
        )
        return HTMLResponse(body, status_code=status)

    def error(
        self,
        request: Request,
        exc: Exception,
        *,
        slug: str | None = None,
        sel: Selection | None = None,
        status: int = 400,
    ) -> HTMLResponse:
        message = exc.format_message() if isinstance(exc, SmmError) else str(exc)
        return self.page(
            request, "error.html.j2", slug=slug, sel=sel, status=status, message=message
        )

    def _view(
        self,
        request: Request,
        nav: str,
        build: Callable[[Any, Any, Selection], HTMLResponse | Response],
        *,
        needs_report: bool = True,
    ) -> Response:
        """Load the workspace, read the selection, build (or reuse) the report, render.

        Without ``needs_report`` a missing or busy store is no error: ``report`` is then
        ``None`` (the sync page of a workspace never synced)."""
        slug = request.path_params["slug"]
        request.scope["nav"] = nav
        if slug not in self.site.workspaces:
            return self.page(request, "error.html.j2", status=404, message=t("not_found"))
        sel = None
        try:
            ws = self.site.workspace(slug)
            sel = parse_selection(request.query_params, ws.config)
            try:
                report, _cached = self.site.report(slug, ws, sel)
            except StoreError:
                if needs_report:
                    raise
                report = None
        except StoreError as exc:
            return self.error(request, exc, slug=slug, sel=sel, status=503)
        except SmmError as exc:
            return self.error(request, exc, slug=slug, sel=sel)
        return build(ws, report, sel)

    # -------------------------------------------------------------- routes

    def index(self, request: Request) -> Response:
        if len(self.site.workspaces) == 1:
            slug = next(iter(self.site.workspaces))
            query = f"?{request.url.query}" if request.url.query else ""
            return RedirectResponse(f"/w/{quote(slug)}/{query}", status_code=303)
        return self.page(request, "index.html.j2")

    def overview(self, request: Request) -> Response:
        slug = request.path_params["slug"]

        def build(ws: Any, report: Any, sel: Selection) -> Response:
            client = [s for s in report.series.followers if s.is_client]
            client_eng = [s for s in report.series.engagement if s.is_client]
            return self.page(
                request,
                "overview.html.j2",
                slug=slug,
                sel=sel,
                report=report,
                values=[r for r in report.kpis if r.section is None],
                followers_chart=charts.followers(report, client),
                engagement_chart=charts.engagement(report, client_eng),
                heatmap=charts.heatmap(report),
                benchmark_charts=charts.benchmark(report)[:1],
                sections=[(s, charts.section(report, s)) for s in report.sections],
            )

        return self._view(request, "overview", build)

    def channel(self, request: Request) -> Response:
        slug, cid = request.path_params["slug"], request.path_params["cid"]

        def build(ws: Any, report: Any, sel: Selection) -> Response:
            info = next((c for c in report.channels if c.id == cid), None)
            if info is None:
                return self.page(
                    request, "error.html.j2", slug=slug, sel=sel, status=404,
                    message=f"{t('not_found', sel.lang)}: {cid}",
                )  # fmt: skip
            rows = []
            for row in report.kpis:
                if row.section is None:
                    value = next((v for v in row.channels if v.scope_id == cid), None)
                    rows.append((row, value))
            foll = [s for s in report.series.followers if s.channel == cid]
            eng = [s for s in report.series.engagement if s.channel == cid]
            posts = [p for p in report.top_posts if f"{p.network}:{p.account}" == cid]
            return self.page(
                request,
                "channel.html.j2",
                slug=slug,
                sel=sel,
                report=report,
                info=info,
                rows=rows,
                followers_chart=charts.followers(report, foll, title=info.label),
                engagement_chart=charts.engagement(report, eng, title=info.label),
                posts=posts,
            )

        return self._view(request, "channel", build)

    def competitors(self, request: Request) -> Response:
        slug = request.path_params["slug"]

        def build(ws: Any, report: Any, sel: Selection) -> Response:
            return self.page(
                request,
                "competitors.html.j2",
                slug=slug,
                sel=sel,
                report=report,
                rows={row.name: row for row in report.kpis},
                benchmark_charts=charts.benchmark(report),
            )

        return self._view(request, "competitors", build)

    def competitor(self, request: Request) -> Response:
        slug, owner = request.path_params["slug"], request.path_params["owner"]

        def build(ws: Any, report: Any, sel: Selection) -> Response:
            channels = [c for c in report.channels if c.owner == owner and not c.is_client]
            if not channels:
                return self.page(
                    request, "error.html.j2", slug=slug, sel=sel, status=404,
                    message=f"{t('not_found', sel.lang)}: {owner}",
                )  # fmt: skip
            rows = []
            for row in report.kpis:
                if row.section is None and row.competitors:
                    theirs = next((v for v in row.competitors if v.scope_id == owner), None)
                    rows.append((row, theirs, row.client))
            ids = {c.id for c in channels}
            foll = [s for s in report.series.followers if s.channel in ids]
            eng = [s for s in report.series.engagement if s.channel in ids]
            return self.page(
                request,
                "competitor.html.j2",
                slug=slug,
                sel=sel,
                report=report,
                owner=owner,
                channels=channels,
                rows=rows,
                followers_chart=charts.followers(report, foll),
                engagement_chart=charts.engagement(report, eng),
            )

        return self._view(request, "competitors", build)

    def posts(self, request: Request) -> Response:
        slug = request.path_params["slug"]

        def build(ws: Any, report: Any, sel: Selection) -> Response:
            return self.page(request, "posts.html.j2", slug=slug, sel=sel, report=report)

        return self._view(request, "posts", build)

    def best_time(self, request: Request) -> Response:
        slug = request.path_params["slug"]

        def build(ws: Any, report: Any, sel: Selection) -> Response:
            from smmcore.i18n import weekdays

            return self.page(
                request,
                "best_time.html.j2",
                slug=slug,
                sel=sel,
                report=report,
                heatmap=charts.heatmap(report),
                days=weekdays(sel.lang),
            )

        return self._view(request, "best-time", build)

    def audience(self, request: Request) -> Response:
        slug = request.path_params["slug"]

        def build(ws: Any, report: Any, sel: Selection) -> Response:
            influencers = [s for s in report.segments if "influencer" in s.segmenter]
            others = [s for s in report.segments if s not in influencers]
            return self.page(
                request,
                "audience.html.j2",
                slug=slug,
                sel=sel,
                report=report,
                influencers=influencers,
                segments=others,
            )

        return self._view(request, "audience", build)

    def audience_export(self, request: Request) -> Response:
        """The members of one segment (``?segment=NAME``) or all, as CSV, for the period."""
        slug = request.path_params["slug"]
        wanted = request.query_params.get("segment") or None

        def build(ws: Any, report: Any, sel: Selection) -> Response:
            from smmcore.audience import run_segmenters
            from smmcore.contracts import Period

            period = Period(report.period.start, report.period.end)
            with self.site.store_lock:
                store = ws.open_store(read_only=True)
                try:
                    result = run_segmenters(ws, self.site.host, store, period)
                finally:
                    store.close()
            segments = result.segments
            if wanted is not None:
                segments = [s for s in segments if s.name == wanted]
                if not segments:
                    return self.error(
                        request, SmmError(f"no segment named {wanted!r}"), slug=slug, sel=sel,
                        status=404,
                    )  # fmt: skip
            out = io.StringIO()
            score_keys: list[str] = []
            for s in segments:
                for m in s.members:
                    score_keys.extend(k for k in m.scores if k not in score_keys)
            writer = csv.writer(out)
            writer.writerow(
                ["segment", "network", "member", "reason", *[f"score_{k}" for k in score_keys]]
            )
            for s in segments:
                for m in s.members:
                    writer.writerow(
                        [
                            csv_cell(s.name),
                            csv_cell(m.network),
                            csv_cell(m.member),
                            csv_cell(m.reason),
                            *[m.scores.get(k) for k in score_keys],
                        ]
                    )
            name = (wanted or "audience").replace(":", "-")
            filename = f"{name}-{report.period.start}-{report.period.end}.csv"
            return Response(
                out.getvalue(),
                media_type="text/csv; charset=utf-8",
                headers={"content-disposition": _attachment(filename)},
            )

        return self._view(request, "audience", build)

    def keywords(self, request: Request) -> Response:
        slug = request.path_params["slug"]

        def build(ws: Any, report: Any, sel: Selection) -> Response:
            return self.page(
                request,
                "keywords.html.j2",
                slug=slug,
                sel=sel,
                report=report,
                keyword_charts=charts.keywords(report),
            )

        return self._view(request, "keywords", build)

    def sync_page(self, request: Request) -> Response:
        slug = request.path_params["slug"]

        def build(ws: Any, report: Any, sel: Selection) -> Response:
            state: list[dict[str, Any]] = []
            problem = ""
            if ws.store_path.exists():
                try:
                    with self.site.store_lock:
                        store = ws.open_store(read_only=True)
                        try:
                            state = store.sync_state()
                        finally:
                            store.close()
                except StoreError as exc:  # another smm command holds the store
                    problem = exc.format_message()
            units = []
            for row in state:
                cursor = row.get("cursor") or ""
                deferred = _deferred(cursor)
                units.append(
                    {
                        "key": row["unit_key"],
                        "source": row["source"],
                        "last_success": row.get("last_success"),
                        "last_error": ws.scrub(row["last_error"]) if row.get("last_error") else "",
                        "updated_at": row.get("updated_at"),
                        "deferred": deferred,
                    }
                )
            return self.page(
                request,
                "sync.html.j2",
                slug=slug,
                sel=sel,
                report=report,
                units=units,
                run=self.site.sync_runs.get(slug),
                csrf=self.site.csrf_token,
                tz=ws.config.client.timezone,
                problem=problem,
            )

        return self._view(request, "sync", build, needs_report=False)

    async def sync_post(self, request: Request) -> Response:
        slug = request.path_params["slug"]
        if slug not in self.site.workspaces:
            return _plain("No such workspace.", 404)
        if not self.site.allow_sync:
            return _plain(
                "Syncing from the dashboard is off: restart with 'smm serve --allow-sync'.", 403
            )
        if not _same_origin(request):
            return _plain("Refused: the request did not come from this dashboard.", 403)
        form = await request.form()
        given = str(form.get("csrf") or "")
        if not given or not hmac.compare_digest(given.encode(), self.site.csrf_token.encode()):
            return _plain("Refused: the form's CSRF token is missing or wrong; reload.", 403)
        from starlette.concurrency import run_in_threadpool

        await run_in_threadpool(self.site.run_sync, slug)
        back = request.query_params
        query = f"?{urlencode(list(back.multi_items()))}" if back else ""
        return RedirectResponse(f"/w/{quote(slug)}/sync{query}", status_code=303)

    def downloads(self, request: Request) -> Response:
        slug = request.path_params["slug"]

        def build(ws: Any, report: Any, sel: Selection) -> Response:
            formats = [
                spec
                for spec in self.site.host.reporters().values()
                if spec.extension  # the terminal format writes no file
            ]
            return self.page(
                request, "downloads.html.j2", slug=slug, sel=sel, report=report, formats=formats
            )

        return self._view(request, "downloads", build)

    def download(self, request: Request) -> Response:
        slug, name = request.path_params["slug"], request.path_params["fmt"]

        def build(ws: Any, report: Any, sel: Selection) -> Response:
            from smmcore.api import load_reporter

            try:
                spec, reporter = load_reporter(self.site.host, name, ws)
            except SmmError as exc:
                return self.error(request, exc, slug=slug, sel=sel, status=404)
            if not spec.extension:
                return self.error(
                    request, SmmError(f"the {name!r} format writes no file"), slug=slug,
                    sel=sel, status=404,
                )  # fmt: skip
            from smmcore.branding import load_brand

            try:  # the look smm report gives the file: audience and brand of smm.toml
                brand = load_brand(ws.config, ws.dir)
            except SmmError as exc:
                return self.error(request, exc, slug=slug, sel=sel)
            audience = str(getattr(ws.config.report, "audience", "analyst")).lower()
            report = report.model_copy(update={"audience": audience, "brand": brand})
            if getattr(reporter, "binary", False):
                buffer: Any = io.BytesIO()
                reporter.render(report, buffer)
                content: Any = buffer.getvalue()
            else:
                text = io.StringIO(newline="")
                reporter.render(report, text)
                content = text.getvalue().encode("utf-8")
            filename = f"report-{report.period.start}-{report.period.end}{spec.extension}"
            media = spec.media_type
            if media.startswith("text/") and "charset" not in media:
                media += "; charset=utf-8"
            return Response(
                content,
                media_type=media,
                headers={"content-disposition": _attachment(filename)},
            )

        return self._view(request, "downloads", build)

    def plugin_page(self, request: Request) -> Response:
        slug, name = request.path_params["slug"], request.path_params["name"]

        def build(ws: Any, report: Any, sel: Selection) -> Response:
            from smmcore.contracts import DashboardContext

            spec = self.site.host.dashboard_pages().get(name)
            if spec is None:
                return self.page(
                    request, "error.html.j2", slug=slug, sel=sel, status=404,
                    message=f"{t('not_found', sel.lang)}: {name}",
                )  # fmt: skip

            def url_for(path: str) -> str:
                return f"/w/{quote(slug, safe='')}/{path}?{urlencode(sel.params())}"

            context = DashboardContext(
                report=report,
                workspace=ws,
                language=sel.lang,
                params=dict(request.query_params),
                open_store=lambda: ws.open_store(read_only=True),
                url_for=url_for,
            )
            try:
                with self.site.store_lock:
                    body = spec.load()(context)
            except Exception as exc:
                message = f"{t('page_failed', sel.lang)} (plugin {spec.plugin}): "
                message += ws.scrub(f"{type(exc).__name__}: {exc}")
                return self.page(
                    request, "error.html.j2", slug=slug, sel=sel, report=report, status=500,
                    message=message,
                )  # fmt: skip
            content = Markup(body.__html__()) if hasattr(body, "__html__") else str(body)
            return self.page(
                request,
                "plugin_page.html.j2",
                slug=slug,
                sel=sel,
                report=report,
                spec=spec,
                content=content,
            )

        request.scope["nav"] = f"page:{name}"
        return self._view(request, f"page:{name}", build)


def _attachment(filename: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in filename)
    return f'attachment; filename="{safe}"'


def _deferred(cursor: str) -> str:
    """A wait a source recorded in its cursor (``deferred_until``, ``retry_after``, ...)."""
    import json

    try:
        data = json.loads(cursor) if cursor else {}
    except ValueError:
        return ""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if any(w in str(key).lower() for w in ("defer", "retry_after", "wait_until")):
                    if item:
                        found.append(str(item))
                else:
                    walk(item)

    walk(data)
    return ", ".join(found)


def create_app(site: Site) -> Starlette:
    """The ASGI application serving ``site``."""
    d = Dashboard(site)
    w = "/w/{slug}"
    routes = [
        Route("/", d.index),
        Route(f"{w}/", d.overview),
        Route(f"{w}/channel/{{cid:path}}", d.channel),
        Route(f"{w}/competitors", d.competitors),
        Route(f"{w}/competitor/{{owner:path}}", d.competitor),
        Route(f"{w}/posts", d.posts),
        Route(f"{w}/best-time", d.best_time),
        Route(f"{w}/audience", d.audience),
        Route(f"{w}/audience.csv", d.audience_export),
        Route(f"{w}/keywords", d.keywords),
        Route(f"{w}/sync", d.sync_page, methods=["GET"]),
        Route(f"{w}/sync", d.sync_post, methods=["POST"]),
        Route(f"{w}/downloads", d.downloads),
        Route(f"{w}/download/{{fmt}}", d.download),
        Route(f"{w}/page/{{name}}", d.plugin_page),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes)
    app.add_middleware(Guard, site=site)
    app.state.site = site
    app.state.started = datetime.now(UTC)
    return app
