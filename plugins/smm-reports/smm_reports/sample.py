"""A small hand-built report, for tests, documentation and trying a reporter without a store.

Its post text is hostile on purpose (``<script>``, quotes, ``&``): every reporter must show it
as text.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from smmcore.report_model import (
    Benchmark,
    BenchmarkOwner,
    ChannelInfo,
    ChartSeries,
    ClientInfo,
    Heatmap,
    HistoryInfo,
    KeywordSection,
    KPIRow,
    Note,
    PeriodInfo,
    RelatedQuery,
    Report,
    ScopeValue,
    SegmentSummary,
    Series,
    SeriesPoint,
    TopPost,
)

HOSTILE_TEXT = '<script>alert(1)</script> "q" & x'


def sample_report(language: str = "en") -> Report:
    """A report of a fictional bakery with two channels and one competitor."""
    start = date(2026, 3, 1)
    followers = [
        Series(
            key="instagram:forno",
            label="Instagram <forno>",
            owner="Forno Rossi",
            is_client=True,
            network="instagram",
            channel="instagram:forno",
            points=[
                SeriesPoint(date=start + timedelta(days=i), value=1000 + 5 * i) for i in range(31)
            ],
        ),
        Series(
            key="mastodon:forno@example.social",
            label="Mastodon",
            owner="Forno Rossi",
            is_client=True,
            network="mastodon",
            channel="mastodon:forno@example.social",
            points=[SeriesPoint(date=start + timedelta(days=i), value=200 + i) for i in range(31)],
        ),
    ]
    engagement = [
        Series(
            key="instagram:forno",
            label="Instagram <forno>",
            owner="Forno Rossi",
            is_client=True,
            channel="instagram:forno",
            points=[
                SeriesPoint(date=date(2026, 3, 2) + timedelta(weeks=w), value=v)
                for w, v in enumerate([120.0, 150.0, None, 90.0])
            ],
        )
    ]
    grid: list[list[float | None]] = [[None] * 24 for _ in range(7)]
    grid[1][18] = 42.0
    grid[3][12] = 30.5
    grid[5][10] = 12.0
    return Report(
        client=ClientInfo(name="Forno Rossi", segment="bakery"),
        generated_at=datetime(2026, 4, 1, 8, 0, tzinfo=UTC),
        language=language,
        timezone="Europe/Rome",
        period=PeriodInfo(start=start, end=date(2026, 3, 31), days=31),
        comparison=PeriodInfo(start=date(2026, 2, 1), end=date(2026, 2, 28), days=28),
        compare="previous",
        channels=[
            ChannelInfo(
                id="instagram:forno",
                network="instagram",
                account="forno",
                owner="Forno Rossi",
                is_client=True,
                label="Instagram <forno>",
            ),
            ChannelInfo(
                id="mastodon:forno@example.social",
                network="mastodon",
                account="forno@example.social",
                owner="Forno Rossi",
                is_client=True,
                label="Mastodon",
            ),
            ChannelInfo(
                id="instagram:pane_bianchi",
                network="instagram",
                account="pane_bianchi",
                owner="Pane Bianchi",
                is_client=False,
                label="Pane Bianchi",
            ),
        ],
        history=HistoryInfo(
            first=date(2026, 1, 1), last=date(2026, 3, 31), days=90, weeks=12, full_months=3
        ),
        kpis=[
            KPIRow(
                name="follower_growth",
                label="Follower growth",
                formula="followers at end - followers at start",
                unit="count",
                direction="higher_is_better",
                aggregation="sum over channels",
                client=ScopeValue(
                    scope="client",
                    scope_id="Forno Rossi",
                    label="Forno Rossi",
                    value=180.0,
                    previous=120.0,
                    change=60.0,
                    change_pct=50.0,
                ),
                channels=[
                    ScopeValue(
                        scope="channel",
                        scope_id="instagram:forno",
                        label="Instagram <forno>",
                        value=150.0,
                        previous=100.0,
                        change=50.0,
                        change_pct=50.0,
                    ),
                    ScopeValue(
                        scope="channel",
                        scope_id="mastodon:forno@example.social",
                        label="Mastodon",
                        value=30.0,
                        previous=20.0,
                        change=10.0,
                        change_pct=50.0,
                    ),
                ],
            ),
            KPIRow(
                name="engagement_rate_followers",
                label="Engagement rate by followers",
                formula="sum(engagements) / (posts x followers) x 100",
                unit="%",
                direction="higher_is_better",
                aggregation="ratio of sums",
                client=ScopeValue(
                    scope="client",
                    scope_id="Forno Rossi",
                    label="Forno Rossi",
                    value=3.25,
                    previous=4.0,
                    change=-0.75,
                    change_pct=-18.75,
                ),
            ),
            KPIRow(
                name="engagement_rate_views",
                label="Engagement rate by views",
                formula="sum(engagements) / sum(views) x 100",
                unit="%",
                direction="higher_is_better",
                aggregation="ratio of sums",
                status="no_data",
                client=ScopeValue(
                    scope="client", scope_id="Forno Rossi", label="Forno Rossi", value=None
                ),
            ),
            KPIRow(
                name="broken_kpi",
                label="Broken KPI",
                formula="1 / 0",
                unit="%",
                direction="neutral",
                aggregation="ratio of sums",
                status="error",
                error="ZeroDivisionError: division by zero",
            ),
            KPIRow(
                name="top_posts",
                label="Top posts",
                formula="posts ranked by engagements",
                unit="posts",
                direction="neutral",
                aggregation="rank",
                section="top_posts",
            ),
        ],
        series=ChartSeries(
            window=PeriodInfo(start=start, end=date(2026, 3, 31), days=31),
            followers=followers,
            engagement=engagement,
            best_time=Heatmap(
                metric="engagements per post", values=grid, weeks=12, best=[(1, 18), (3, 12)]
            ),
        ),
        top_posts=[
            TopPost(
                network="instagram",
                account="forno",
                owner="Forno Rossi",
                post_id="p1",
                created_at=datetime(2026, 3, 10, 17, 30, tzinfo=UTC),
                text=HOSTILE_TEXT,
                url="javascript:alert(2)",
                likes=100,
                reposts=None,
                replies=7,
                engagements=107,
                engagement_rate=10.7,
            ),
            TopPost(
                network="instagram",
                account="forno",
                owner="Forno Rossi",
                post_id="p2",
                created_at=datetime(2026, 3, 12, 9, 0, tzinfo=UTC),
                text="Cornetti caldi dalle 7",
                url="https://example.com/p/2",
                likes=80,
                reposts=3,
                replies=2,
                engagements=85,
            ),
        ],
        benchmark=Benchmark(
            kpis=["engagement_rate_followers"],
            owners=[
                BenchmarkOwner(
                    owner="Forno Rossi",
                    is_client=True,
                    values={"engagement_rate_followers": 3.25},
                    share_of_voice=60.0,
                ),
                BenchmarkOwner(
                    owner="Pane <b>Bianchi</b>",
                    is_client=False,
                    values={"engagement_rate_followers": 2.5},
                    share_of_voice=40.0,
                ),
            ],
        ),
        segments=[
            SegmentSummary(name="superfans", segmenter="rules", method="10+ interactions", size=12)
        ],
        keywords=[
            KeywordSection(
                term="pane & <dolci>",
                tool="trends",
                unit="relative",
                points=[SeriesPoint(date=start, value=55.0)],
                rising=[RelatedQuery(query="pane senza glutine", value=None, breakout=True)],
                suggestions=["pane fatto in casa"],
            )
        ],
        notes=[
            Note(code="history", text="3 months of history (2026-01-01 to 2026-03-31)."),
            Note(
                level="warning",
                code="best_time_weeks",
                text="Best time to post needs 16 weeks of posts to be reliable; you have 12.",
            ),
        ],
    )
