"""The ``own-terms`` keyword tool: which terms and hashtags of the client's own posts drive
engagement.

It reads the workspace store (no network): the client's latest own posts (reposts excluded,
at most ``max_posts``) created in the query's timeframe, each with the engagements of its
latest metric snapshot (likes + reposts + replies + quotes, unknown counts left out; posts
with no known count are skipped).
Per query term it answers (metric ``own_engagement``, unit ``engagements/post``):

- the term itself: engagements per post of the posts that mention it (a word, phrase or
  hashtag, case-insensitive);
- then the hashtags and words that appear in those posts, ranked by engagements per post
  (at least ``min_posts`` posts each).

Two special query terms rank the whole timeframe: ``#`` (hashtags only) and ``*`` (words
and hashtags). Each note says the number of posts, the engagements and the ratio to the
average post.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from smm_suggest.settings import OwnTermsSettings
from smm_suggest.stopwords import STOPWORDS
from smmcore.contracts import KeywordContext, KeywordQuery, KeywordTool
from smmcore.kpitools import ENGAGEMENTS_SQL
from smmcore.models import KeywordSignal

_BLOCK_TAG_RE = re.compile(r"<\s*/?\s*(?:br|p|div|li|ul|ol|h\d|blockquote)\b[^>]*>", re.I)
_TAG_RE = re.compile(r"<[^>]+>")
"""Block tags separate words; inline ones (Mastodon's ``#<span>tag</span>``) do not."""
_URL_RE = re.compile(r"(?:https?://|www\.)\S+")
_MENTION_RE = re.compile(r"(?<![\w@])@[\w.-]+(?:@[\w.-]+)?")
_HASHTAG_RE = re.compile(r"(?<![\w#])#(\w+)")
_WORD_RE = re.compile(r"[^\W\d_]+")
"""Runs of letters: apostrophes split elisions ("l'espresso" -> "l", "espresso")."""

ALL_HASHTAGS = "#"
ALL_TERMS = "*"


def clean_text(text: str) -> str:
    """Post text without HTML tags, entities, links and @mentions, case-folded."""
    # each step only where its marker appears: most posts have no tag, entity or link
    plain = _TAG_RE.sub("", _BLOCK_TAG_RE.sub(" ", text)) if "<" in text else text
    if "&" in plain:
        plain = html.unescape(plain)
    if "/" in plain or "www." in plain:
        plain = _URL_RE.sub(" ", plain)
    if "@" in plain:
        plain = _MENTION_RE.sub(" ", plain)
    return " ".join(plain.casefold().split())


def post_terms(
    clean: str, *, min_length: int = 3, stopwords: Iterable[str] = ()
) -> tuple[set[str], set[str]]:
    """(hashtags as ``#tag``, words) of a cleaned post text."""
    stop = STOPWORDS | set(stopwords)
    hashtags = {f"#{tag}" for tag in _HASHTAG_RE.findall(clean)}
    words = {
        w
        for w in _WORD_RE.findall(_HASHTAG_RE.sub(" ", clean))
        if len(w) >= min_length and w not in stop
    }
    return hashtags, words


def mentions(clean: str, term: str) -> bool:
    """Whether a cleaned post text mentions ``term`` (a word, a phrase or ``#tag``)."""
    return mentioning(term)(clean)


@lru_cache(maxsize=256)
def mentioning(term: str) -> Any:
    """A test ``f(clean) -> bool``: whether a cleaned post text mentions ``term`` (compiled
    once per term; a substring check first, the word-boundary pattern only on a hit)."""
    needle = " ".join(term.casefold().split())
    if not needle:
        return lambda clean: False
    pattern = re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)")
    return lambda clean: needle in clean and pattern.search(clean) is not None


@lru_cache(maxsize=65_536)
def _terms_of(
    clean: str, min_length: int, stopwords: frozenset[str]
) -> tuple[frozenset[str], frozenset[str]]:
    """:func:`post_terms`, memoised: one post is ranked once per query term."""
    hashtags, words = post_terms(clean, min_length=min_length, stopwords=stopwords)
    return frozenset(hashtags), frozenset(words)


@dataclass(frozen=True)
class OwnPost:
    """One own post: its cleaned text and its engagements."""

    text: str
    engagements: int


def load_posts(
    store: Any, channels: Sequence[Any], start: datetime, end: datetime, limit: int = 20_000
) -> list[OwnPost]:
    """The client's latest ``limit`` own posts created in ``[start, end)`` (all posts when
    no channel is the client's), with their latest engagements."""
    con = getattr(store, "con", store)
    own = sorted({(c.network, c.account) for c in channels if c.is_client})
    join, params, latest = "", [], "post_metrics_latest"
    if own:
        values = ", ".join("(?, ?)" for _ in own)
        join = (
            f"JOIN (VALUES {values}) AS own(network, account) "
            "ON own.network = p.network AND own.account = p.account"
        )
        # the own channels' latest snapshots first: the join then meets those only
        latest = (
            f"(SELECT l.* FROM post_metrics_latest l JOIN (VALUES {values}) AS o(network, "
            "account) ON o.network = l.network AND o.account = l.account)"
        )
        params = [v for pair in own for v in pair] * 2
    # the latest own posts with a metric snapshot (the store keeps each post's latest)
    rows = con.execute(
        f"""
        WITH recent AS (
            SELECT p.text, p.created_at, m.likes, m.reposts, m.replies, m.quotes
            FROM posts p
            {join}
            JOIN {latest} m
              ON m.network = p.network AND m.account = p.account AND m.post_id = p.post_id
            WHERE p.kind <> 'repost' AND p.text IS NOT NULL
              AND p.created_at >= ? AND p.created_at < ?
            ORDER BY p.created_at DESC
            LIMIT ?
        )
        SELECT text, {ENGAGEMENTS_SQL} AS engagements
        FROM recent
        WHERE ({ENGAGEMENTS_SQL}) IS NOT NULL
        ORDER BY created_at DESC
        """,
        [*params, start, end, limit],
    ).fetchall()
    return [OwnPost(clean_text(text), int(engagements)) for text, engagements in rows]


@dataclass
class TermStats:
    """Posts and engagements behind one term or hashtag."""

    posts: int = 0
    engagements: int = 0

    @property
    def per_post(self) -> float:
        """Engagements per post."""
        return self.engagements / self.posts if self.posts else 0.0


def describe(stats: TermStats, average: float) -> str:
    """The note of a ranked term: posts, engagements, ratio to the average post."""
    text = (
        f"{stats.per_post:.1f} engagements/post over {stats.posts} "
        f"post{'s' if stats.posts != 1 else ''} ({stats.engagements} engagements"
    )
    if average > 0:
        text += f", {stats.per_post / average:.1f}x the average post"
    return text + ")"


def rank_terms(
    posts: Sequence[OwnPost],
    *,
    hashtags_only: bool = False,
    exclude: Iterable[str] = (),
    min_posts: int = 2,
    min_length: int = 3,
    stopwords: Iterable[str] = (),
) -> list[tuple[str, TermStats]]:
    """Hashtags and words of ``posts`` by engagements per post (then posts, then name)."""
    table: dict[str, TermStats] = defaultdict(TermStats)
    skip = set(exclude)
    stop = frozenset(stopwords)
    for post in posts:
        hashtags, words = _terms_of(post.text, min_length, stop)
        for term in hashtags if hashtags_only else hashtags | words:
            if term in skip:
                continue
            table[term].posts += 1
            table[term].engagements += post.engagements
    ranked = [(t, s) for t, s in table.items() if s.posts >= min_posts]
    return sorted(ranked, key=lambda ts: (-ts[1].per_post, -ts[1].posts, ts[0]))


class OwnTermsTool(KeywordTool):
    """Own-content performance of terms and hashtags (reads the store)."""

    uses_network = False

    def __init__(
        self, settings: OwnTermsSettings | None = None, *, name: str = "own-terms"
    ) -> None:
        super().__init__(settings or OwnTermsSettings(), name=name)

    @property
    def _settings(self) -> OwnTermsSettings:
        assert isinstance(self.settings, OwnTermsSettings)
        return self.settings

    async def related_queries(
        self, query: KeywordQuery, ctx: KeywordContext
    ) -> list[KeywordSignal]:
        """Per term: its own performance, then co-occurring hashtags and words, ranked."""
        from smmcore.keywords import no_data_signal, timeframe_dates

        s = self._settings
        now = ctx.now or datetime.now(UTC)
        if ctx.store is None:
            return [
                no_data_signal(
                    self.name,
                    t,
                    "own_engagement",
                    "engagements/post",
                    query,
                    now,
                    "no workspace store to read own posts from",
                )
                for t in dict.fromkeys(query.terms)
            ]
        first, last = timeframe_dates(query.timeframe, now.date())
        start = datetime.combine(first, datetime.min.time(), UTC)
        end = datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC)
        posts = load_posts(ctx.store, ctx.channels, start, end, s.max_posts)
        average = sum(p.engagements for p in posts) / len(posts) if posts else 0.0
        options = {"min_length": s.min_length, "stopwords": s.stopwords}

        def signal(term: str, item: str, stats: TermStats) -> KeywordSignal:
            return KeywordSignal(
                tool=self.name,
                term=term,
                metric="own_engagement",
                unit="engagements/post",
                value=round(stats.per_post, 2),
                item=item,
                geo=query.geo,
                language=query.language,
                timeframe=query.timeframe,
                retrieved_at=now,
                note=describe(stats, average),
            )

        signals: list[KeywordSignal] = []
        for term in dict.fromkeys(query.terms):
            if term in (ALL_HASHTAGS, ALL_TERMS):
                ranked = rank_terms(
                    posts, hashtags_only=term == ALL_HASHTAGS, min_posts=s.min_posts, **options
                )
                found = [signal(term, t, st) for t, st in ranked[: s.limit]]
                why = f"no {'hashtag' if term == ALL_HASHTAGS else 'term'} in at least "
                why += f"{s.min_posts} own posts of the timeframe"
            else:
                test = mentioning(term)
                using = [p for p in posts if test(p.text)]
                found = []
                if using:
                    own = TermStats(len(using), sum(p.engagements for p in using))
                    found.append(signal(term, term, own))
                    words = set(term.casefold().split()) | {f"#{term.casefold().replace(' ', '')}"}
                    ranked = rank_terms(using, exclude=words, min_posts=s.min_posts, **options)
                    found += [signal(term, t, st) for t, st in ranked[: s.limit - 1]]
                why = f"no own post of the timeframe mentions {term!r}"
            signals.extend(
                found
                or [
                    no_data_signal(
                        self.name, term, "own_engagement", "engagements/post", query, now, why
                    )
                ]
            )
        return signals
