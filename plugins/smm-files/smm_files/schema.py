"""The canonical export format: which files, which columns, which types.

This module is the single source of truth for the format documented in the plugin's
README; the reader validates against it and the demo generator writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from smmcore.models import PostKind

ColumnType = Literal[
    "key",
    "text",
    "timestamp",
    "count",
    "post_kind",
    "interaction_kind",
    "bool",
    "date",
    "number",
    "daily_metric",
]
"""How a column is parsed:

``key``       a required identifier (trimmed; a leading ``@`` is dropped from handles)
``text``      free text, empty means unknown
``timestamp`` ISO 8601 with a UTC offset (or naive with the ``timezone`` setting)
``count``     a non-negative whole number, empty means unknown (never 0)
``post_kind`` one of :data:`POST_KINDS`, empty means ``post``
``interaction_kind`` one of :data:`INTERACTION_KINDS`
``bool``      true/false, yes/no, 1/0; empty means unknown
``date``      a calendar day, ``YYYY-MM-DD``
``number``    a decimal number (may be negative), empty means unknown (never 0)
``daily_metric`` a name of :data:`smmcore.daily.DAILY_METRICS`
"""

POST_KINDS: tuple[str, ...] = get_args(PostKind)
"""The post kinds of the core (:data:`smmcore.models.PostKind`): a file and a live source
store the same kinds."""
INTERACTION_KINDS: tuple[str, ...] = (
    "like",
    "repost",
    "reply",
    "quote",
    "mention",
    "follow",
    "click",
    "save",
)
METRICS: tuple[str, ...] = (
    "likes",
    "reposts",
    "replies",
    "quotes",
    "views",
    "impressions",
    "reach",
    "clicks",
    "saves",
)


@dataclass(frozen=True)
class Column:
    """One column of a canonical file."""

    name: str
    type: ColumnType
    required: bool = False


@dataclass(frozen=True)
class FileKind:
    """One canonical file (``posts`` -> ``posts.csv`` / ``posts.jsonl``)."""

    name: str
    columns: tuple[Column, ...]
    optional_file: bool = True

    @property
    def column_names(self) -> list[str]:
        """The canonical column names, in order."""
        return [c.name for c in self.columns]


def _k(name: str) -> Column:
    return Column(name, "key", required=True)


FILE_KINDS: dict[str, FileKind] = {
    "accounts": FileKind(
        "accounts",
        (
            _k("network"),
            _k("account"),
            Column("captured_at", "timestamp", required=True),
            Column("followers", "count"),
            Column("following", "count"),
            Column("posts_count", "count"),
            Column("display_name", "text"),
            Column("url", "text"),
            Column("bio", "text"),
        ),
    ),
    "posts": FileKind(
        "posts",
        (
            _k("network"),
            _k("account"),
            _k("post_id"),
            Column("created_at", "timestamp", required=True),
            Column("kind", "post_kind"),
            Column("text", "text"),
            Column("url", "text"),
            Column("language", "text"),
            *(Column(m, "count") for m in METRICS),
            Column("captured_at", "timestamp"),
        ),
    ),
    "audience": FileKind(
        "audience",
        (
            _k("network"),
            _k("account"),
            _k("member"),
            Column("display_name", "text"),
            Column("bio", "text"),
            Column("language", "text"),
            Column("location", "text"),
            Column("followers", "count"),
            Column("following", "count"),
            Column("is_follower", "bool"),
            Column("first_seen", "timestamp"),
        ),
    ),
    "interactions": FileKind(
        "interactions",
        (
            _k("network"),
            _k("account"),
            _k("member"),
            Column("kind", "interaction_kind", required=True),
            Column("post_id", "text"),
            Column("occurred_at", "timestamp"),
            Column("interaction_id", "text"),
        ),
    ),
    "daily": FileKind(
        "daily",
        (
            _k("network"),
            _k("account"),
            Column("day", "date", required=True),
            Column("metric", "daily_metric", required=True),
            Column("post_id", "text"),
            Column("value", "number"),
        ),
    ),
}
"""The canonical files, in import order (``daily``: daily account-level metrics, one row per
day and metric; ``post_id`` empty for the whole account)."""

EXTENSIONS: tuple[str, ...] = (".csv", ".jsonl", ".ndjson")
"""File extensions recognised in an export folder (CSV and JSON Lines)."""
