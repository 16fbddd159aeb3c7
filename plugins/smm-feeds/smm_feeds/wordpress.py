"""The WordPress REST API (``/wp-json/wp/v2/posts``): posts, post count, comment counts.

- Pages of 100 posts, newest first, with only the fields used (``_fields``); paging stops at
  ``X-WP-TotalPages``, at a ``400 rest_post_invalid_page_number``, at an empty page, at the
  sync cursor (minus ``refresh_days``), at ``--since`` or at ``max_posts``.
- Sites without pretty permalinks answer 404 under ``/wp-json/``: the source retries with
  ``?rest_route=/wp/v2/posts``.
- ``date_gmt`` (UTC without an offset) -> ``created_at``; ``title.rendered`` and
  ``excerpt.rendered`` stripped of HTML -> ``text``; ``link`` -> ``url``; ``kind="article"``.
- ``X-WP-Total`` of the first page -> ``AccountSnapshot.posts_count`` (followers ``None``).
- Comment counts: ``/wp/v2/comments?post=<id>&per_page=1`` and its ``X-WP-Total``, for at most
  ``comment_counts`` posts per sync (newest first); a site that hides comments (401/403/404)
  gets no counts, never 0.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from smm_feeds.net import Web
from smm_feeds.text import html_to_text, join_text
from smmcore.contracts import SourceError
from smmcore.http import raise_for_response, redact_url
from smmcore.models import Account, Post

POST_FIELDS = "id,date_gmt,link,title,excerpt,type,status"
PER_PAGE = 100
RESTRICTED_HINT = (
    "the site may restrict its REST API (a security plugin); read its RSS feed instead: "
    'options.kind = "rss" and url = the feed URL'
)


@dataclass
class Api:
    """Where the API lives: ``root`` (``https://site/wp-json/``) or the ``?rest_route=`` form."""

    root: str
    rest_route: bool = False

    @classmethod
    def from_root(cls, root: str) -> Api:
        parts = urlsplit(root)
        if "rest_route=" in parts.query:
            return cls(urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", "")), True)
        return cls(root if root.endswith("/") else root + "/")

    @classmethod
    def for_site(cls, url: str) -> Api:
        """The default API root of a site URL (or of a URL already under ``/wp-json``)."""
        parts = urlsplit(url)
        if "rest_route=" in parts.query:
            return cls.from_root(url)
        path = parts.path
        if "/wp-json" in path:
            path = path[: path.index("/wp-json")]
        return cls(urlunsplit((parts.scheme, parts.netloc, path.rstrip("/") + "/wp-json/", "", "")))

    def site(self) -> str:
        """The site URL the ``?rest_route=`` form hangs off."""
        if self.rest_route:
            return self.root
        parts = urlsplit(self.root)
        path = parts.path[: parts.path.index("/wp-json")] if "/wp-json" in parts.path else ""
        return urlunsplit((parts.scheme, parts.netloc, path + "/", "", ""))

    def route(self, route: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """URL and query parameters of ``route`` (``/wp/v2/posts``)."""
        if self.rest_route:
            return self.site(), {"rest_route": route, **params}
        return self.root.rstrip("/") + route, params


def _wp_error(response: httpx.Response, what: str) -> SourceError:
    try:
        body = response.json()
    except ValueError:
        body = None
    code = body.get("code") if isinstance(body, dict) else None
    message = html_to_text(body.get("message")) if isinstance(body, dict) else ""
    said = f" {code}" if code else ""
    detail = f": {message}" if message else ""
    asked = _requested(response)
    if response.status_code in (401, 403):
        return SourceError(
            f"the WordPress REST API of {what} refused {asked} "
            f"({response.status_code}{said}){detail}",
            kind="auth" if response.status_code == 401 else "blocked",
            hint=RESTRICTED_HINT,
        )
    if response.status_code == 404:
        return SourceError(
            f"no WordPress REST API at {what}: {asked} answered 404{said}",
            kind="not_found",
            hint="check the URL in smm.toml, or read the blog's RSS feed instead",
        )
    try:
        raise_for_response(response, network=f"the WordPress site {what}")
    except SourceError as exc:
        return exc
    return SourceError(f"unexpected answer {response.status_code} from {what} for {asked}")


def _requested(response: httpx.Response) -> str:
    """The URL actually requested (credentials redacted): ``GET https://.../wp-json/...``."""
    try:
        request = response.request
    except RuntimeError:
        return "the request"
    return f"{request.method} {redact_url(request.url)}"


def _json(response: httpx.Response, what: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise SourceError(
            f"the WordPress site {what} sent a response that is not JSON for "
            f"{_requested(response)}",
            kind="invalid_data",
            hint="a caching or security plugin may be answering with a web page",
        ) from None


def _total(response: httpx.Response, header: str) -> int | None:
    try:
        value = int(response.headers.get(header, ""))
    except ValueError:
        return None
    return value if value >= 0 else None


def _created(item: dict[str, Any]) -> datetime | None:
    raw = item.get("date_gmt")
    if not isinstance(raw, str) or not raw:
        return None
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _rendered(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("rendered")
    return html_to_text(value if isinstance(value, str) else "")


def post_of(network: str, account: str, item: dict[str, Any]) -> Post | None:
    """A ``wp/v2/posts`` item as ``Post(kind="article")``; ``None`` without ``date_gmt``."""
    created = _created(item)
    if created is None or item.get("id") is None:
        return None
    return Post(
        network=network,
        account=account,
        post_id=str(item["id"]),
        created_at=created,
        kind="article",
        text=join_text(_rendered(item.get("title")), _rendered(item.get("excerpt"))),
        url=item.get("link") or None,
    )


class WordPressSite:
    """Reads one WordPress site for one unit."""

    def __init__(self, web: Web, api: Api, what: str, log: Any) -> None:
        self.web = web
        self.api = api
        self.what = what
        self.log = log
        self.total_posts: int | None = None
        self.comments_available = True

    async def account(self, network: str, account: str) -> Account:
        """The site as an :class:`Account` from the API index (name, description, home);
        only the URL when the index is not readable."""
        url, params = self.api.route("/", {"_fields": "name,description,url,home"})
        try:
            response = await self.web.get(url, params=params, what=self.what, raise_status=False)
            info = response.json() if response.status_code == 200 else {}
        except (SourceError, ValueError):
            info = {}
        if not isinstance(info, dict):
            info = {}
        return Account(
            network=network,
            account=account,
            display_name=html_to_text(info.get("name")) or None,
            url=info.get("home") or info.get("url") or self.api.site().rstrip("/"),
            bio=html_to_text(info.get("description")) or None,
        )

    async def _page(self, page: int) -> tuple[list[dict[str, Any]], int | None] | None:
        """One page of posts and ``X-WP-TotalPages``; ``None`` past the last page."""
        params = {
            "per_page": PER_PAGE,
            "page": page,
            "orderby": "date",
            "order": "desc",
            "_fields": POST_FIELDS,
        }
        url, query = self.api.route("/wp/v2/posts", params)
        response = await self.web.get(url, params=query, what=self.what, raise_status=False)
        if response.status_code == 404 and page == 1 and not self.api.rest_route:
            self.log(f"feeds: {self.what} has no /wp-json/ route; trying ?rest_route=")
            self.api = Api(self.api.site(), rest_route=True)
            url, query = self.api.route("/wp/v2/posts", params)
            response = await self.web.get(url, params=query, what=self.what, raise_status=False)
        if response.status_code == 400:
            body = _json(response, self.what)
            if isinstance(body, dict) and body.get("code") == "rest_post_invalid_page_number":
                return None
        if response.status_code >= 400:
            raise _wp_error(response, self.what)
        items = _json(response, self.what)
        if not isinstance(items, list):
            raise SourceError(
                f"the WordPress site {self.what} sent an unexpected answer for its posts "
                f"({_requested(response)})",
                kind="invalid_data",
            )
        if page == 1:
            self.total_posts = _total(response, "X-WP-Total")
        return [i for i in items if isinstance(i, dict)], _total(response, "X-WP-TotalPages")

    async def posts(
        self, *, floor: datetime | None, since: datetime | None, max_posts: int
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Pages of post items newer than ``floor`` and ``since``, newest first."""
        page, seen = 1, 0
        while True:
            got = await self._page(page)
            if got is None:
                return
            items, total_pages = got
            keep: list[dict[str, Any]] = []
            reached_old = not items
            for item in items:
                created = _created(item)
                if created is not None and (
                    (floor is not None and created <= floor)
                    or (since is not None and created < since)
                ):
                    reached_old = True
                    continue
                if seen >= max_posts:
                    reached_old = True
                    break
                seen += 1
                keep.append(item)
            if keep:
                yield keep
            if reached_old or (total_pages is not None and page >= total_pages):
                return
            page += 1

    async def comment_count(self, post_id: str) -> int | None:
        """The number of approved comments of a post, or ``None`` when the site hides them."""
        if not self.comments_available:
            return None
        url, query = self.api.route(
            "/wp/v2/comments", {"post": post_id, "per_page": 1, "_fields": "id"}
        )
        response = await self.web.get(url, params=query, what=self.what, raise_status=False)
        if response.status_code in (401, 403, 404):
            self.comments_available = False
            self.log(f"feeds: {self.what} does not list comments ({response.status_code})")
            return None
        if response.status_code >= 400:
            raise _wp_error(response, self.what)
        return _total(response, "X-WP-Total")

    async def comment_counts(self, post_ids: list[str]) -> dict[str, int | None]:
        """Comment counts of ``post_ids``: the first alone (to learn whether the site lists
        comments at all), the rest concurrently."""
        if not post_ids:
            return {}
        first = await self.comment_count(post_ids[0])
        if not self.comments_available:
            return dict.fromkeys(post_ids)
        rest = await asyncio.gather(*(self.comment_count(pid) for pid in post_ids[1:]))
        return dict(zip(post_ids, [first, *rest], strict=True))


def cursor_floor(cursor: dict[str, Any] | None, refresh_days: float) -> datetime | None:
    """The oldest post date worth reading again, from a cursor's ``newest_date_gmt``."""
    if not cursor or not isinstance(cursor.get("newest_date_gmt"), str):
        return None
    try:
        newest = datetime.fromisoformat(cursor["newest_date_gmt"])
    except ValueError:
        return None
    return newest - timedelta(days=refresh_days)
