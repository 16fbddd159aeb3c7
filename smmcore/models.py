"""The models plugins and the core exchange.

Counts a network does not report are ``None`` (unknown), never ``0``. Every timestamp is
timezone-aware; naive datetimes are rejected, because a report in the client's time zone must
know when a post really went out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Literal, overload

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    field_serializer,
)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError("timestamp must carry a UTC offset or time zone (ISO 8601 with offset)")
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]
Count = NonNegativeInt | None
"""A count the network reports, or ``None`` when it is unknown."""


class Account(BaseModel):
    """A social account or channel: the client's, a competitor's, or anyone's.

    ``account`` is the handle or identifier as the network spells it (``@forno@mastodon.social``
    is stored as ``forno@mastodon.social``; a YouTube channel as its ``@handle``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    network: str = Field(min_length=1)
    account: str = Field(min_length=1)
    display_name: str | None = None
    url: str | None = None
    bio: str | None = None
    created_at: AwareDatetime | None = None


class AccountSnapshot(BaseModel):
    """The counters of an account at one moment (followers over time)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    network: str = Field(min_length=1)
    account: str = Field(min_length=1)
    captured_at: AwareDatetime
    followers: Count = None
    following: Count = None
    posts_count: Count = None


PostKind = Literal[
    "post", "reply", "repost", "quote", "video", "reel", "story", "carousel", "article"
]


class Post(BaseModel):
    """A piece of content published by an account.

    A repost (reblog, retweet) is ``kind="repost"`` and is kept apart from own posts: KPIs about
    the account's content exclude it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    network: str = Field(min_length=1)
    account: str = Field(min_length=1)
    post_id: str = Field(min_length=1)
    created_at: AwareDatetime
    kind: PostKind = "post"
    text: str | None = None
    url: str | None = None
    language: str | None = None


class PostMetrics(BaseModel):
    """The counters of one post at one moment (a post metric snapshot).

    Every counter is ``None`` when the network does not report it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    network: str = Field(min_length=1)
    account: str = Field(min_length=1)
    post_id: str = Field(min_length=1)
    captured_at: AwareDatetime
    likes: Count = None
    reposts: Count = None
    replies: Count = None
    quotes: Count = None
    views: Count = None
    impressions: Count = None
    reach: Count = None
    clicks: Count = None
    saves: Count = None


class ExtraMetric(BaseModel):
    """One value of a metric the source declares beyond the standard counters
    (``SourceSpec.metrics``: TikTok's average watch time, a completion rate), for one post
    at one moment. ``value`` is ``None`` when the network does not report it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    network: str = Field(min_length=1)
    account: str = Field(min_length=1)
    post_id: str = Field(min_length=1)
    captured_at: AwareDatetime
    metric: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    value: float | None = None


class AudienceMember(BaseModel):
    """An account in the audience of one of the workspace's accounts.

    ``account`` is the workspace account whose audience this is; ``member`` is the audience
    account's handle on the same network. ``is_follower`` is ``None`` when unknown (for
    example, someone who only liked a post).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    network: str = Field(min_length=1)
    account: str = Field(min_length=1)
    member: str = Field(min_length=1)
    display_name: str | None = None
    bio: str | None = None
    language: str | None = None
    location: str | None = None
    followers: Count = None
    following: Count = None
    is_follower: bool | None = None
    first_seen: AwareDatetime | None = None


InteractionKind = Literal["like", "repost", "reply", "quote", "mention", "follow", "click", "save"]


class Interaction(BaseModel):
    """One audience member acting on the workspace account or its content.

    ``interaction_id`` is the natural key within (network, account); when a network gives no
    identifier (a like), leave it empty and it becomes ``"<kind>:<post_id>:<member>"``.
    ``occurred_at`` is ``None`` when the network does not say when (Mastodon favourites).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    network: str = Field(min_length=1)
    account: str = Field(min_length=1)
    member: str = Field(min_length=1)
    kind: InteractionKind
    post_id: str | None = None
    occurred_at: AwareDatetime | None = None
    interaction_id: str = ""

    def model_post_init(self, __context: Any) -> None:
        if not self.interaction_id:
            object.__setattr__(
                self, "interaction_id", f"{self.kind}:{self.post_id or ''}:{self.member}"
            )


SignalMetric = Literal[
    "interest",  # interest over time, one point per period_start
    "region_interest",  # interest by region, item = region code or name
    "related_top",  # related query, item = the query, value = its score
    "related_rising",  # rising related query, value = growth % (breakout = None with item set)
    "suggestion",  # autocomplete suggestion, item = the suggestion, value = its rank
    "pageviews",  # absolute views, one point per period_start
    "own_engagement",  # engagement of own posts using a term or hashtag
]


class KeywordSignal(BaseModel):
    """One value a keyword tool returned for a term, with everything needed to interpret it.

    :param unit: ``"relative"`` (0-100 within one request), ``"views"`` (absolute), ``"rank"``,
        ``"percent"`` or ``"engagements"``.
    :param item: the related query, suggestion or region the value is about; empty for a
        time-series point.
    :param period_start: the start of the period a time-series value covers; ``None`` otherwise.
    :param timeframe: the time range requested, as the tool spells it (``"today 12-m"``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    tool: str = Field(min_length=1)
    term: str = Field(min_length=1)
    metric: SignalMetric
    unit: str
    value: float | None
    item: str = ""
    period_start: date | None = None
    geo: str = ""
    language: str = ""
    timeframe: str = ""
    retrieved_at: AwareDatetime
    note: str | None = None


class SegmentMember(BaseModel):
    """A member of a segment and why it is there."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    network: str
    member: str
    scores: dict[str, float | None] = Field(default_factory=dict)
    reason: str = ""


class SegmentMembers(Sequence[SegmentMember]):
    """A segment's members, computed as columns and built as :class:`SegmentMember` objects
    only when read (``build(i)`` makes the i-th): a segment of 100,000 members costs no object
    per member until something reads them, and the report reads five.

    A read-only sequence that compares equal to the list of the same members; it serialises
    and pickles as that list. Pass it to ``Segment.model_construct(members=...)``.
    """

    __slots__ = ("_build", "_size")

    def __init__(self, size: int, build: Callable[[int], SegmentMember]) -> None:
        self._size = size
        self._build = build

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> SegmentMember: ...
    @overload
    def __getitem__(self, index: slice) -> list[SegmentMember]: ...
    def __getitem__(self, index: int | slice) -> SegmentMember | list[SegmentMember]:
        if isinstance(index, slice):
            return [self._build(i) for i in range(*index.indices(self._size))]
        position = index + self._size if index < 0 else index
        if not 0 <= position < self._size:
            raise IndexError("segment member index out of range")
        return self._build(position)

    def __iter__(self) -> Iterator[SegmentMember]:
        return map(self._build, range(self._size))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SegmentMembers | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (list, (list(self),))

    def __repr__(self) -> str:
        return f"SegmentMembers({self._size} members)"


class Segment(BaseModel):
    """A named group of audience members with the rule or method that made it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    segmenter: str
    description: str
    method: str
    # a list, or SegmentMembers (built when read) in a segment made with model_construct
    members: list[SegmentMember] = Field(default_factory=list)

    @field_serializer("members")
    def _members_as_list(self, members: Sequence[SegmentMember]) -> list[SegmentMember]:
        return members if isinstance(members, list) else list(members)

    @property
    def size(self) -> int:
        """The number of members."""
        return len(self.members)


ScopeKind = Literal["channel", "network", "client", "competitor", "workspace"]


class KPIValue(BaseModel):
    """The value of one KPI for one scope and period, with the previous period and the change.

    ``value`` is ``None`` when it cannot be computed (no data, a zero denominator, unknown
    counts). ``change`` is ``value - previous`` and ``change_pct`` is relative to
    ``previous``; both are ``None`` when either side is unknown (``change_pct`` also when
    ``previous`` is 0).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kpi: str
    scope: ScopeKind
    scope_id: str
    period_start: date
    period_end: date
    value: float | None
    previous: float | None = None
    change: float | None = None
    change_pct: float | None = None
    detail: dict[str, Any] = Field(default_factory=dict)
    """KPI-specific extra data (numerator, denominator, a heatmap, a top list)."""


def change_of(value: float | None, previous: float | None) -> tuple[float | None, float | None]:
    """Return ``(change, change_pct)`` between two values, ``None`` where undefined."""
    if value is None or previous is None:
        return None, None
    change = value - previous
    if previous == 0:
        return change, None
    return change, change / abs(previous) * 100.0


RECORD_TABLES: dict[type[BaseModel], str] = {
    Account: "accounts",
    AccountSnapshot: "account_snapshots",
    Post: "posts",
    PostMetrics: "post_metrics",
    ExtraMetric: "post_metrics_extra",
    AudienceMember: "audience_members",
    Interaction: "interactions",
    KeywordSignal: "keyword_signals",
}
"""Which store table each record type lands in."""
