"""Ready-made :class:`~smmcore.report_model.Report` objects for testing reporters."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

HOSTILE_TEXT = '<script>alert("smm")</script> & "quotes"'
"""A post text a network could return; HTML reporters must escape it."""


def minimal_report() -> Any:
    """The smallest valid report: a client, a period, a comparison period, nothing else."""
    from smmcore.report_model import ClientInfo, PeriodInfo, Report

    return Report(
        client=ClientInfo(name="Test Client"),
        generated_at=datetime(2026, 4, 1, 8, 0, tzinfo=UTC),
        language="en",
        timezone="UTC",
        period=PeriodInfo(start=date(2026, 3, 1), end=date(2026, 3, 31), days=31),
        comparison=PeriodInfo(start=date(2026, 1, 29), end=date(2026, 2, 28), days=31),
        compare="previous",
    )


def sample_report() -> Any:
    """A small but complete report: one channel, one KPI with values and change (one of them
    unknown), one top post whose text needs escaping, a segment, a keyword, a plugin section
    (text, table and series, hostile text included) and a note."""
    from smmcore.report_model import (
        ChannelInfo,
        KeywordSection,
        KPIRow,
        Note,
        ReportSection,
        ScopeValue,
        SectionTable,
        SegmentSummary,
        Series,
        SeriesPoint,
        TopPost,
    )

    report = minimal_report()
    channel = ChannelInfo(
        id="mastodon:forno@example.social",
        network="mastodon",
        account="forno@example.social",
        owner="Test Client",
        is_client=True,
        label="Forno on Mastodon",
    )
    kpi = KPIRow(
        name="engagement_rate",
        label="Engagement rate by followers",
        formula="(likes + reposts + replies) / followers x 100",
        unit="%",
        direction="higher_is_better",
        aggregation="ratio of sums",
        client=ScopeValue(
            scope="client",
            scope_id="Test Client",
            label="Test Client",
            value=2.5,
            previous=2.0,
            change=0.5,
            change_pct=25.0,
        ),
        channels=[
            ScopeValue(
                scope="channel",
                scope_id=channel.id,
                label=channel.label,
                value=2.5,
                previous=None,
            )
        ],
    )
    post = TopPost(
        network="mastodon",
        account="forno@example.social",
        owner="Test Client",
        post_id="1001",
        created_at=datetime(2026, 3, 14, 9, 30, tzinfo=UTC),
        text=HOSTILE_TEXT,
        url="https://example.social/@forno/1001",
        likes=40,
        reposts=5,
        replies=3,
        engagements=48,
    )
    return report.model_copy(
        update={
            "channels": [channel],
            "kpis": [kpi],
            "top_posts": [post],
            "segments": [
                SegmentSummary(
                    name="superfans", segmenter="rules", size=2, examples=["anna", "bruno"]
                )
            ],
            "keywords": [
                KeywordSection(
                    term="pane",
                    tool="trends",
                    unit="relative",
                    points=[SeriesPoint(date=date(2026, 3, 1), value=80.0)],
                )
            ],
            "sections": [
                ReportSection(
                    name="watch-time",
                    title="Average watch time",
                    plugin="test",
                    text=HOSTILE_TEXT,
                    unit="s",
                    table=SectionTable(
                        columns=["video", "seconds"],
                        rows=[[HOSTILE_TEXT, 12.5], ["Focaccia", None]],
                    ),
                    series=[
                        Series(
                            key="mastodon:forno@example.social",
                            label="Forno",
                            owner="Test Client",
                            is_client=True,
                            points=[
                                SeriesPoint(date=date(2026, 3, 1), value=10.0),
                                SeriesPoint(date=date(2026, 3, 8), value=12.5),
                            ],
                        )
                    ],
                )
            ],
            "notes": [Note(code="history_short", text="Only one month of history so far.")],
        }
    )
