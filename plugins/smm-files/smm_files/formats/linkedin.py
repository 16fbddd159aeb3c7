"""LinkedIn Page analytics exports (Page admin > Analytics > Content / Followers / Visitors).

Facts (user guide, "Native exports" sources): one Excel workbook per tab, ``.xls`` in most
parsers [L1, M5] and ``.xlsx`` in 2025 file names [L8]; the header is not on row 1 (a title
row comes first: parsers read it with ``header=1``/``skiprows=1`` [L2, L3], one scans the first
rows [L1]); headers in English only (no other language was found). Checked again while
building this: the public repository NicoMandala/salesstrategy commits a page export named
``leaf-space_content_1753863379800.xlsx`` (July 2025) and reads its ``All posts`` sheet with
``header=1``, engagement rate and CTR as decimals (``streamlit_app.py``) [L10]: ``.xlsx`` and
the title row hold for current downloads; the title row's text is still unconfirmed. Missing
values may be ``NA``, ``N/A``, ``-`` or ``--`` [L1, M5]. No file says which Page it is: the
account comes from the LinkedIn channel configured for the folder.
"""

from __future__ import annotations

from smmcore.exports import DateStyle, ExportColumn, ExportFormat

_DATES = DateStyle(
    formats=("%m/%d/%Y", "%Y-%m-%d"), source="L1 L2 M5 (MM/DD/YYYY or an Excel date)"
)
_WORKBOOK = {"file_types": ("xlsx", "xls"), "header_within": 5, "account_from_channel": True}


def _c(
    to: str, parse: str = "count", required: bool = False, *en: str, pattern: str | None = None
) -> ExportColumn:
    return ExportColumn(to=to, parse=parse, required=required, headers={"en": en}, pattern=pattern)  # type: ignore[arg-type]


LINKEDIN_POSTS = ExportFormat(
    network="linkedin",
    fills="posts",
    sheets=("All posts",),
    columns=(
        # the id inside the link: urn:li:activity:<19 digits>, ugcPost:<digits>, share:<digits>
        _c("post_id", "id", True, "Post link", pattern=r"(?:activity|ugcPost|share)(?::|%3A)(\d+)"),
        _c("created_at", "date", True, "Created date"),
        _c("url", "text", False, "Post link"),
        _c("text", "text", False, "Post title"),
        _c("kind", "kind", False, "Content Type"),
        _c("impressions", "count", False, "Impressions"),
        _c("views", "count", False, "Views"),
        _c("clicks", "count", False, "Clicks"),
        _c("likes", "count", False, "Likes"),
        _c("replies", "count", False, "Comments"),
        _c("reposts", "count", False, "Reposts", "Shares"),
    ),
    kinds={"Video": "video", "Article": "article", "Document": "post"},
    dates=_DATES,
    notes=(
        "Reach is not in the export (unknown; Impressions are not unique). Likes are all "
        "reactions, Comments count as replies, Reposts (older: Shares) as reposts.",
        "The post id is the number after activity: or ugcPost: in Post link (the full URL form "
        "is unconfirmed, L1 L2).",
        "Created date has no time: posts are placed at 00:00 in your timezone setting.",
    ),
    **_WORKBOOK,  # type: ignore[arg-type]
)
LINKEDIN_PAGE_METRICS = ExportFormat(
    network="linkedin",
    fills=None,
    sheets=("Metrics",),
    columns=(
        _c("_date", "text", True, "Date"),
        _c("_impressions", "text", True, "Impressions (total)", "Impressions (organic)"),
        _c("_clicks", "text", False, "Clicks (total)", "clicks(total)"),
        _c("_reactions", "text", False, "Reactions (total)"),
        _c("_comments", "text", False, "Comments (total)"),
        _c("_reposts", "text", False, "Reposts (total)", "Shares (total)"),
    ),
    notes=(
        "Daily totals of the Page (impressions, clicks, reactions by day): the store keeps "
        "posts and follower totals, not daily Page totals, so this sheet is not imported.",
    ),
    **_WORKBOOK,  # type: ignore[arg-type]
)

LINKEDIN_FOLLOWERS = ExportFormat(
    network="linkedin",
    fills=None,
    sheets=("New followers",),
    columns=(
        _c("_date", "text", True, "Date"),
        _c("_total", "text", True, "Total followers"),
        _c("_organic", "text", True, "Organic followers"),
        _c("_sponsored", "text", False, "Sponsored followers"),
        _c("_invited", "text", False, "Auto-invited followers"),
    ),
    notes=(
        "New followers per day, not the follower total: the store keeps totals (account "
        "snapshots), so this sheet is not imported; the total comes from an accounts.csv.",
    ),
    **_WORKBOOK,  # type: ignore[arg-type]
)

LINKEDIN_VISITORS = ExportFormat(
    network="linkedin",
    fills=None,
    columns=(
        _c("_date", "text", True, "Date"),
        _c("_views", "text", True, "Total page views (total)"),
        _c("_unique", "text", False, "Total unique visitors (total)"),
        _c("_desktop", "text", False, "Total page views (desktop)"),
        _c("_mobile", "text", False, "Total page views (mobile)"),
    ),
    notes=(
        "Page views and unique visitors per day: the store has no table for Page visits, so "
        "this file is recognised and not imported.",
    ),
    **_WORKBOOK,  # type: ignore[arg-type]
)
