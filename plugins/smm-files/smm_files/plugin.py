"""Entry point of the smm-files plugin: registrations only, nothing heavy is imported here."""

from __future__ import annotations

from collections.abc import Callable

from smmcore import CommandSpec, DemoSpec, ExportFormatSpec, SourceSpec, hookimpl


@hookimpl
def smm_register_sources(register: Callable[[SourceSpec], None]) -> None:
    register(
        SourceSpec(
            name="files",
            description="Analytics exports (CSV or JSON Lines) in a folder, any network.",
            impl="smm_files.source:FilesSource",
            settings="smm_files.settings:FilesSettings",
            capabilities=("accounts", "posts", "metrics", "audience", "interactions", "offline"),
            networks=(),
        )
    )


@hookimpl
def smm_register_commands(register: Callable[[CommandSpec], None]) -> None:
    register(
        CommandSpec(
            name="files",
            description="Check and import analytics exports; write the demo data.",
            impl="smm_files.cli:files",
        )
    )


# name, network, fills, languages, module:attribute, description
_FORMATS = (
    ("meta-facebook-posts", "facebook", "posts", ("en", "it", "sv", "pt"), "meta:FACEBOOK_POSTS",
     "Meta Business Suite Facebook Page content export (posts, reels, stories), CSV."),
    ("meta-instagram-posts", "instagram", "posts", ("en", "it", "sv", "pt"),
     "meta:INSTAGRAM_POSTS", "Meta Business Suite Instagram content export (posts, reels), CSV."),
    ("meta-instagram-stories", "instagram", "posts", ("en", "it", "sv", "pt"),
     "meta:INSTAGRAM_STORIES", "Meta Business Suite Instagram stories export, CSV."),
    ("meta-daily-series", "meta", "daily", ("en",), "meta:META_DAILY_SERIES",
     "Meta Business Suite overview time series (UTF-16, one metric per day), CSV."),
    ("linkedin-content", "linkedin", "posts", ("en",), "linkedin:LINKEDIN_POSTS",
     "LinkedIn Page analytics content workbook, sheet All posts (XLS/XLSX)."),
    ("linkedin-content-metrics", "linkedin", "daily", ("en",), "linkedin:LINKEDIN_PAGE_METRICS",
     "LinkedIn Page analytics content workbook, sheet Metrics (daily Page totals)."),
    ("linkedin-followers", "linkedin", "daily", ("en",), "linkedin:LINKEDIN_FOLLOWERS",
     "LinkedIn Page analytics followers workbook, sheet New followers (daily new followers)."),
    ("linkedin-visitors", "linkedin", "daily", ("en",), "linkedin:LINKEDIN_VISITORS",
     "LinkedIn Page analytics visitors workbook (daily page views and unique visitors)."),
    ("tiktok-content", "tiktok", "posts", ("en", "es"), "tiktok:TIKTOK_VIDEOS",
     "TikTok Studio Content download (one row per video), CSV."),
    ("tiktok-followers", "tiktok", "accounts", ("en",), "tiktok:TIKTOK_FOLLOWERS",
     "TikTok Studio FollowerHistory download (followers per day), CSV."),
    ("tiktok-overview", "tiktok", "daily", ("en",), "tiktok:TIKTOK_OVERVIEW",
     "TikTok Studio Overview download (daily account totals), CSV."),
    ("x-tweet-activity", "x", "posts", ("en",), "x:X_TWEET_ACTIVITY",
     "X (Twitter) classic tweet_activity_metrics CSV."),
    ("x-post-content", "x", "posts", ("en",), "x:X_POST_CONTENT",
     "X account_analytics_content CSV (2024 and later)."),
    ("youtube-table", "youtube", "posts", ("en", "it"), "youtube:YOUTUBE_TABLE",
     "YouTube Studio advanced analytics export, Table data.csv (one row per video)."),
    ("youtube-chart", "youtube", "posts+daily", ("en", "it"), "youtube:YOUTUBE_CHART",
     "YouTube Studio advanced analytics export, Chart data.csv (one row per day and video)."),
)  # fmt: skip


@hookimpl
def smm_register_export_formats(register: Callable[[ExportFormatSpec], None]) -> None:
    for name, network, fills, languages, ref, description in _FORMATS:
        register(
            ExportFormatSpec(
                name=name,
                description=description,
                impl=f"smm_files.formats.{ref}",
                network=network,
                fills=tuple(fills.split("+")) if fills else (),
                languages=languages,
            )
        )


@hookimpl
def smm_register_demos(register: Callable[[DemoSpec], None]) -> None:
    register(
        DemoSpec(
            name="forno-rossi",
            description="Forno Rossi, a bakery in Bologna: 3 channels, 2 competitors, 12 months.",
            impl="smm_files.demo:write_demo_workspace",
        )
    )
