"""X (Twitter) post analytics exports.

Facts (user guide, "Native exports" sources): the classic ``tweet_activity_metrics_*.csv``
(a real sample [X1]; 2015 files say ``favorites`` [X2]; ``time`` is ``YYYY-MM-DD HH:MM +0000``,
UTC [X1, X3]; counters written as floats, ``"29.0"``; a BOM sometimes [X10]); and the newer
``account_analytics_content_*.csv`` (third-party fixtures only [X4, X5]: ``Date`` like
``Fri, Feb 27, 2026``, time zone unconfirmed, read in your ``timezone`` setting or UTC;
numbers may carry thousand separators [X7]). The handle comes from the post link.
"""

from __future__ import annotations

from smmcore.exports import DateStyle, ExportColumn, ExportFormat

_HANDLE = r"(?:twitter|x)\.com/([^/?#]+)/status"


def _c(to: str, parse: str = "count", required: bool = False, *en: str, pattern: str | None = None):
    return ExportColumn(to=to, parse=parse, required=required, headers={"en": en}, pattern=pattern)  # type: ignore[arg-type]


X_TWEET_ACTIVITY = ExportFormat(
    network="x",
    fills="posts",
    columns=(
        _c("post_id", "id", True, "Tweet id"),
        _c("url", "text", False, "Tweet permalink"),
        _c("account", "text", True, "Tweet permalink", pattern=_HANDLE),
        _c("text", "text", False, "Tweet text"),
        _c("created_at", "timestamp", True, "time"),
        _c("impressions", "count", True, "impressions"),
        _c("likes", "count", False, "likes", "favorites"),
        _c("reposts", "count", False, "retweets"),
        _c("replies", "count", False, "replies"),
        _c("clicks", "count", False, "url clicks"),
    ),
    dates=DateStyle(formats=("%Y-%m-%d %H:%M %z",), timezone="UTC", source="X1 X3 (+0000)"),
    notes=(
        "url clicks count as clicks (link clicks; profile, hashtag and detail clicks are not "
        "added). Views, reach, saves and quotes are not in the export (unknown).",
    ),
)

X_POST_CONTENT = ExportFormat(
    network="x",
    fills="posts",
    columns=(
        _c("post_id", "id", True, "Post id"),
        _c("url", "text", False, "Post Link"),
        _c("account", "text", True, "Post Link", pattern=_HANDLE),
        _c("text", "text", False, "Post text"),
        _c("created_at", "date", True, "Date"),
        _c("impressions", "count", True, "Impressions"),
        _c("likes", "count", False, "Likes"),
        _c("reposts", "count", False, "Reposts"),
        _c("replies", "count", False, "Replies"),
        _c("saves", "count", False, "Bookmarks"),
        _c("clicks", "count", False, "URL Clicks"),
    ),
    dates=DateStyle(formats=("%a, %b %d, %Y", "%b %d, %Y"), source="X5 X6 (time zone unconfirmed)"),
    notes=(
        "Headers from third-party fixtures (X4 X5); no real 2024+ file was found.",
        "Date has no time: posts are placed at 00:00 in your timezone setting (UTC without it).",
        "Bookmarks count as saves, URL Clicks as clicks; views and reach are unknown.",
    ),
)
