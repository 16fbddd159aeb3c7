"""TikTok Studio analytics downloads (Overview, Content, Followers tabs).

Facts (user guide, "Native exports" sources): CSV, UTF-8, one file per tab [T3]; daily files
have a ``Date`` without a year, in the UI language (``August 31``, ``23 August``, Spanish
``1 de febrero``) [T2, T3, T6]: the year is the latest that does not put the day after the
file's download (its modification time). Content headers come from parser fixtures only
(no real file was found) [T4, T5]; numbers may be ``1.2K`` or ``"18,400"``. The time zone of
``Post time`` is unconfirmed: your ``timezone`` setting is used, else UTC. Only the Content
file says whose videos they are (the link holds ``@user``); the others take the account of the
TikTok channel configured for the folder.
"""

from __future__ import annotations

from smmcore.exports import DateStyle, ExportColumn, ExportFormat

_DAYS = DateStyle(
    formats=("%b %d", "%d %b", "%d/%m/%Y", "%Y-%m-%d"),
    year="infer",
    source="T2 T3 T6 (no year; day-first and month-first; localised month names)",
)


def _c(
    to: str,
    parse: str = "count",
    required: bool = False,
    pattern: str | None = None,
    **headers: str | tuple[str, ...],
) -> ExportColumn:
    return ExportColumn(to=to, parse=parse, required=required, headers=headers, pattern=pattern)  # type: ignore[arg-type]


TIKTOK_VIDEOS = ExportFormat(
    network="tiktok",
    fills="posts",
    columns=(
        # the video id and the handle live in the link: https://www.tiktok.com/@<user>/video/<id>
        _c("post_id", "id", True, r"/video/(\d+)", en="Video link", es="Enlace del video"),
        _c("url", "text", en="Video link", es="Enlace del video"),
        _c("account", "text", False, r"/@([^/?#]+)", en="Video link", es="Enlace del video"),
        _c(
            "created_at",
            "timestamp",
            True,
            en=("Post time", "Video publish time"),
            es="Hora de publicación",
        ),
        _c("text", "text", en="Video title", es="Título del video"),
        _c("views", en="Total views", es="Visualizaciones totales"),
        _c("likes", en="Total likes", es="Me gusta totales"),
        _c("replies", en="Total comments", es="Comentarios totales"),
        _c("reposts", en="Total shares", es="Veces compartido"),
        _c("saves", en=("Add to favorites", "Total bookmarks")),
        _c("reach", en="Reach"),
    ),
    constants={"kind": "video"},
    dates=DateStyle(
        formats=("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%b %d", "%d %b"),
        year="infer",
        source="T4 T5 T8 (time zone unconfirmed)",
    ),
    notes=(
        "Headers from third-party parser fixtures (T4 T5); no real file was found.",
        "Impressions and clicks are not in the export (unknown); comments count as replies, "
        "shares as reposts, favorites as saves.",
    ),
)
TIKTOK_FOLLOWERS = ExportFormat(
    network="tiktok",
    fills="accounts",
    captured_at="column",
    account_from_channel=True,
    columns=(
        _c("captured_at", "date", True, en="Date"),
        _c("followers", "count", True, en=("Followers", "Total Followers")),
        _c("_difference", "text", False, en="Difference in followers from previous day"),
    ),
    dates=_DAYS,
    notes=(
        "Followers per day (the total): one account snapshot per day at 00:00 in your timezone "
        "setting (UTC without it). 'undefined' is unknown.",
    ),
)

TIKTOK_OVERVIEW = ExportFormat(
    network="tiktok",
    fills="daily",
    account_from_channel=True,
    columns=(
        _c("day", "date", True, en="Date"),
        _c("views", "count", True, en="Video Views"),
        _c("profile_views", "count", True, en="Profile Views"),
        _c("likes", "count", False, en="Likes"),
        _c("replies", "count", False, en="Comments"),
        _c("reposts", "count", False, en="Shares"),
    ),
    dates=_DAYS,
    notes=(
        "Daily account totals, stored as daily metrics: Video Views as views, Profile Views as "
        "profile_views, Likes as likes, Comments as replies, Shares as reposts [T2 T3]. A "
        "negative count (comments deleted) is kept as TikTok wrote it.",
    ),
)
