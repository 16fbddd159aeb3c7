"""YouTube Studio analytics exports (Analytics > Advanced mode > Export > CSV).

Facts (user guide, "Native exports" sources): a ZIP with ``Table data.csv``, ``Chart data.csv``
and ``Totals.csv`` inside a folder named ``Content <range> <channel>`` [Y3, Y5, Y6]; UTF-8,
a BOM tolerated; ``Table data`` row 2 is a ``Total`` row [Y1, Y3]; ``Video publish time`` is
``Sep 20, 2026``, ``2026-09-01`` or ``2026-07-20 13:18:00`` [Y3, Y7, Y11]; the older
``Impressions`` columns are called ``Thumbnail impressions`` in current exports [Y2]. Italian
headers from a third-party mapper [M8]. The numbers cover the date range chosen in Studio,
not necessarily the video's lifetime. No column says whose channel it is: the account comes
from the YouTube channel configured for the folder.
"""

from __future__ import annotations

from smmcore.exports import DateStyle, ExportColumn, ExportFormat, NumberStyle


def _c(to: str, parse: str = "count", required: bool = False, **headers: str | tuple[str, ...]):
    return ExportColumn(to=to, parse=parse, required=required, headers=headers)  # type: ignore[arg-type]


_DATES = DateStyle(
    formats=("%b %d, %Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d %b %Y"),
    source="Y3 Y7 Y11 (time zone unconfirmed)",
)
_VIDEO = (
    _c("post_id", "id", True, en="Content"),
    _c("text", "text", en="Video title", it="Titolo video"),
    _c("created_at", "timestamp", True, en="Video publish time", it="Ora pubblicazione video"),
)

YOUTUBE_TABLE = ExportFormat(
    network="youtube",
    fills="posts",
    account_from_channel=True,
    columns=(
        *_VIDEO,
        _c("views", en="Views", it="Visualizzazioni"),
        _c("likes", en="Likes"),
        _c("replies", en="Comments added"),
        _c("reposts", en="Shares"),
        _c("impressions", en=("Thumbnail impressions", "Impressions")),
    ),
    absent=("Date",),
    skip_values={"post_id": ("Total", "Totale")},
    numbers_by_language={"it": NumberStyle(thousands=(".",), decimal=",")},
    constants={"kind": "video"},
    dates=_DATES,
    notes=(
        "The numbers cover the date range chosen in Studio (lifetime only with a lifetime "
        "range); the snapshot time is the file's modification time.",
        "Reach, clicks and saves are unknown; Comments added count as replies, Shares as "
        "reposts, Thumbnail impressions (older: Impressions) as impressions.",
        "The Italian name of the Content column is unconfirmed.",
    ),
)

YOUTUBE_CHART = ExportFormat(
    network="youtube",
    fills="posts",
    account_from_channel=True,
    columns=(*_VIDEO, _c("_date", "text", True, en="Date")),
    daily_columns=(
        _c("day", "date", False, en="Date"),
        _c("views", en="Views", it="Visualizzazioni"),
        _c("engaged_views", en="Engaged views"),
    ),
    constants={"kind": "video"},
    dates=_DATES,
    notes=(
        "One row per day and video: the videos (id, title, publish time) are imported as "
        "posts, and the day's Views (or Engaged views) as daily metrics of that video "
        "(daily_metrics with its post id), never as a cumulative snapshot. Use Table data "
        "for the videos' totals.",
    ),
)
