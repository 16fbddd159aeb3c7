"""RSS and Atom: parse with feedparser and map to Account, Post and PostMetrics.

- ``created_at``: the entry's ``published`` date, else ``updated``, in UTC; entries with
  neither are skipped (a post needs a date).
- ``text``: the title, a blank line, then the summary (or the content) stripped of HTML.
- ``slash:comments`` (WordPress and many CMSs add it) -> ``PostMetrics.replies``; an entry
  without it gets no metric snapshot at all, since none of its counts is known.
- No :class:`AccountSnapshot`: a feed knows no followers and shows only its latest entries,
  so it cannot tell the number of posts either.
- Malformed XML: feedparser's loose parser often recovers the entries (``bozo`` set); those
  feeds are accepted with a warning in the log. A feed from which nothing can be recovered
  is an ``invalid_data`` error naming the parser's complaint.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from smm_feeds.text import html_to_text, join_text
from smmcore.contracts import SourceError
from smmcore.models import Account, Post, PostMetrics
from smmcore.redact import redact_url


def parse_feed(content: bytes, *, url: str, content_type: str | None, log: Any) -> Any:
    """Parse feed bytes; raise ``invalid_data`` when they are not a (recoverable) feed."""
    import feedparser

    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(content, response_headers=headers)
    version = parsed.get("version") or ""
    entries = parsed.get("entries") or []
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    harmless = isinstance(
        problem, feedparser.CharacterEncodingOverride | feedparser.NonXMLContentType
    )
    head = content[:256].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    is_html = "html" in (content_type or "").lower() or head.startswith(
        (b"<!doctype html", b"<html")
    )
    if not version and is_html:
        raise SourceError(
            f"{url} is not an RSS or Atom feed but an HTML page",
            kind="invalid_data",
            hint="set the channel's url to the feed itself (often /feed or /rss.xml), or "
            'leave options.kind unset ("auto") to find the feed the page links to',
        )
    if problem is not None and not harmless:
        if not version or not entries:
            raise SourceError(
                f"the feed at {url} is malformed and nothing could be recovered: "
                f"{type(problem).__name__}: {problem}",
                kind="invalid_data",
                hint="check the URL in a feed validator (validator.w3.org/feed)",
            )
        log(
            f"feeds: {url} has XML errors ({problem}); kept the {len(entries)} entries "
            "that could be recovered"
        )
    elif not version:
        raise SourceError(
            f"{url} is not an RSS or Atom feed",
            kind="invalid_data",
            hint="set the channel's url to the feed itself (often /feed or /rss.xml), "
            'or options.kind = "wordpress" for a WordPress site',
        )
    return parsed


def _when(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime(*value[:6], tzinfo=UTC)
    return None


def _language(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip().split("-")[0].split("_")[0].lower() or None
    return None


def feed_account(network: str, account: str, parsed: Any) -> Account:
    """The blog as an :class:`Account`: the feed's title, site link and subtitle."""
    feed = parsed.get("feed") or {}
    return Account(
        network=network,
        account=account,
        display_name=html_to_text(feed.get("title")) or None,
        url=redact_url(feed["link"]) if feed.get("link") else None,
        bio=html_to_text(feed.get("subtitle")) or None,
    )


def entry_id(entry: Any) -> str:
    """The entry's ``id``/``guid``, else its link, else a hash of title and date; a
    credential in it (a relative guid resolved against a feed URL with ``user:pass@`` or
    ``?token=``) is redacted."""
    for key in ("id", "link"):
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            return redact_url(value.strip())
    raw = f"{entry.get('title', '')}|{entry.get('published', entry.get('updated', ''))}"
    return "sha1:" + hashlib.sha1(raw.encode("utf-8")).hexdigest()


def entry_post(network: str, account: str, entry: Any, language: str | None) -> Post | None:
    """An entry as ``Post(kind="article")``; ``None`` when it has no date."""
    created = _when(entry)
    if created is None:
        return None
    summary = entry.get("summary")
    if not summary and entry.get("content"):
        summary = entry["content"][0].get("value")
    return Post(
        network=network,
        account=account,
        post_id=entry_id(entry),
        created_at=created,
        kind="article",
        text=join_text(html_to_text(entry.get("title")), html_to_text(summary)),
        url=redact_url(entry["link"]) if entry.get("link") else None,
        language=_language(entry.get("language")) or language,
    )


def entry_metrics(
    network: str, account: str, entry: Any, post_id: str, captured_at: datetime
) -> PostMetrics | None:
    """``slash:comments`` as replies; ``None`` (no snapshot) when the feed does not say."""
    raw = entry.get("slash_comments")
    try:
        replies = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    if replies < 0:
        return None
    return PostMetrics(
        network=network,
        account=account,
        post_id=post_id,
        captured_at=captured_at,
        replies=replies,
    )


def feed_language(parsed: Any) -> str | None:
    """The feed's language as an ISO 639-1 code (``en-US`` -> ``en``)."""
    return _language((parsed.get("feed") or {}).get("language"))
