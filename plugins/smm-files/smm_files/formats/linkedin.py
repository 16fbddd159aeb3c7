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


def _split(metric: str, header: str, required: bool = False) -> tuple[ExportColumn, ...]:
    """``<header> (total)``, ``(organic)`` and ``(sponsored)`` as ``metric``, ``metric_organic``
    and ``metric_sponsored``."""
    return (
        _c(metric, "count", False, f"{header} (total)"),
        _c(f"{metric}_organic", "count", required, f"{header} (organic)"),
        _c(f"{metric}_sponsored", "count", False, f"{header} (sponsored)"),
    )


LINKEDIN_PAGE_METRICS = ExportFormat(
    network="linkedin",
    fills="daily",
    sheets=("Metrics",),
    columns=(
        _c("day", "date", True, "Date"),
        *_split("impressions", "Impressions", required=True),
        _c("unique_impressions_organic", "count", False, "Unique impressions (organic)"),
        _c("clicks", "count", False, "Clicks (total)", "clicks(total)"),
        _c("clicks_organic", "count", False, "Clicks (organic)"),
        _c("clicks_sponsored", "count", False, "Clicks (sponsored)"),
        *_split("likes", "Reactions"),
        *_split("replies", "Comments"),
        _c("reposts", "count", False, "Reposts (total)", "Shares (total)"),
        _c("reposts_organic", "count", False, "Reposts (organic)", "Shares (organic)"),
        _c("reposts_sponsored", "count", False, "Reposts (sponsored)", "Shares (sponsored)"),
        _c("engagement_rate", "number", False, "Engagement rate (total)"),
        _c("engagement_rate_organic", "number", False, "Engagement rate (organic)"),
        _c("engagement_rate_sponsored", "number", False, "Engagement rate (sponsored)"),
    ),
    dates=_DATES,
    notes=(
        "Daily totals of the Page, stored as daily metrics: impressions, clicks, reactions "
        "(likes), comments (replies), reposts, each total/organic/sponsored, and the engagement "
        "rate (a ratio, 0-1, never added up over days) [L1 L4 L5].",
    ),
    **_WORKBOOK,  # type: ignore[arg-type]
)

LINKEDIN_FOLLOWERS = ExportFormat(
    network="linkedin",
    fills="daily",
    sheets=("New followers",),
    columns=(
        _c("day", "date", True, "Date"),
        _c("new_followers", "count", True, "Total followers"),
        _c("new_followers_organic", "count", True, "Organic followers"),
        _c("new_followers_sponsored", "count", False, "Sponsored followers"),
        _c("new_followers_invited", "count", False, "Auto-invited followers"),
    ),
    dates=_DATES,
    notes=(
        "New followers per day (Total followers is the day's new followers, not the follower "
        "count), stored as the daily metric new_followers with its organic, sponsored and "
        "auto-invited parts [L4 M5]. The follower total comes from an accounts.csv.",
    ),
    **_WORKBOOK,  # type: ignore[arg-type]
)

LINKEDIN_VISITORS = ExportFormat(
    network="linkedin",
    fills="daily",
    columns=(
        _c("day", "date", True, "Date"),
        _c("page_views", "count", True, "Total page views (total)"),
        _c("page_views_desktop", "count", False, "Total page views (desktop)"),
        _c("page_views_mobile", "count", False, "Total page views (mobile)"),
        _c("unique_visitors", "count", False, "Total unique visitors (total)"),
        _c("unique_visitors_desktop", "count", False, "Total unique visitors (desktop)"),
        _c("unique_visitors_mobile", "count", False, "Total unique visitors (mobile)"),
    ),
    dates=_DATES,
    notes=(
        "Page views and unique visitors per day, stored as daily metrics (page_views, "
        "unique_visitors, each also by desktop and mobile) [L4]. Daily unique visitors are not "
        "added up over a period (a visitor may come on several days).",
    ),
    **_WORKBOOK,  # type: ignore[arg-type]
)
