"""Find what a blog URL serves: a feed, a WordPress REST API, or an HTML page linking them.

WordPress announces its API with ``Link: <https://site/wp-json/>; rel="https://api.w.org/"``
(header and ``<link>`` tag); sites announce feeds with ``<link rel="alternate"
type="application/rss+xml" href="...">``. When a page offers both, WordPress wins: its API
has the whole history, the post count and comment counts.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx

WP_REL = "https://api.w.org/"
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")


@dataclass(frozen=True)
class Detected:
    """``kind`` is ``"feed"`` or ``"wordpress"``; ``endpoint`` the feed URL or API root."""

    kind: str
    endpoint: str


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "link":
            self.links.append({k.lower(): (v or "") for k, v in attrs})


def looks_like_feed(response: httpx.Response) -> bool:
    """Whether the answer is XML (RSS, Atom, RDF) rather than an HTML page."""
    ctype = response.headers.get("content-type", "").lower()
    if any(t in ctype for t in ("rss", "atom", "/xml", "+xml")):
        return True
    head = response.content[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf"))


def discover(response: httpx.Response) -> Detected | None:
    """The WordPress API or the feed an HTML page (or its ``Link`` header) points to."""
    base = str(response.url)
    header = response.links.get(WP_REL)
    if header and header.get("url"):
        return Detected("wordpress", urljoin(base, header["url"]))
    parser = _Links()
    with contextlib.suppress(Exception):  # a broken page: the links read so far count
        parser.feed(response.text[:500_000])
    feed: str | None = None
    for link in parser.links:
        rels = link.get("rel", "").lower().split()
        if WP_REL in rels and link.get("href"):
            return Detected("wordpress", urljoin(base, link["href"]))
        if (
            feed is None
            and "alternate" in rels
            and link.get("type", "").lower() in FEED_TYPES[:2]
            and link.get("href")
        ):
            feed = urljoin(base, link["href"])
    return Detected("feed", feed) if feed else None
