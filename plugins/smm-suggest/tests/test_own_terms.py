"""The ``own-terms`` tool over a real workspace store (DuckDB), with hand-computed numbers.

The client's own posts (mastodon forno@example.social), engagements = likes + reposts +
replies + quotes of the latest snapshot:

1. "Il nostro #caffè espresso del mattino"        10 + 2 + 0 = 12
2. "Caffè e cornetto, la colazione perfetta ..."  20 + 4 + 1 = 25  (an older snapshot: 3)
3. "Pane caldo appena sfornato #pane"             5
4. "Il pane con il lievito madre #pane ..."       7 + 1 = 8

average = (12 + 25 + 5 + 8) / 4 = 12.5. Left out: a repost (100 likes), a competitor's post
(1000 likes), a post with no known count, and a post older than the timeframe.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from smm_suggest.own_terms import OwnTermsTool, clean_text, mentions, post_terms
from smm_suggest.settings import OwnTermsSettings

from smmcore.contracts import ChannelRef, KeywordContext, KeywordQuery
from smmcore.models import Post, PostMetrics
from smmcore.store import Store

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
CLIENT = ChannelRef("mastodon", "forno@example.social", "Forno Rossi", True)
RIVAL = ChannelRef("mastodon", "rival@example.social", "Rivale", False)


def post(n: int, text: str, *, account=CLIENT.account, kind="post", days_ago=3, **counts):
    created = NOW - timedelta(days=days_ago)
    return [
        Post(
            network="mastodon",
            account=account,
            post_id=str(n),
            created_at=created,
            kind=kind,
            text=text,
        ),
        PostMetrics(
            network="mastodon",
            account=account,
            post_id=str(n),
            captured_at=created + timedelta(days=1),
            **counts,
        ),
    ]


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "history.duckdb") as st:
        items = [
            *post(
                1,
                "<p>Il nostro <a href='https://x.it/tags/caff%C3%A8'>#<span>caffè</span></a> "
                "espresso del mattino ☕ https://forno.example/menu</p>",
                likes=10,
                reposts=2,
                replies=0,
            ),
            *post(
                2,
                "Caffè e cornetto, la colazione perfetta #colazione #caffè @amica@altro.it",
                likes=20,
                reposts=4,
                replies=1,
            ),
            PostMetrics(
                network="mastodon",
                account=CLIENT.account,
                post_id="2",
                captured_at=NOW - timedelta(days=2, hours=23),
                likes=3,
            ),
            *post(3, "Pane caldo appena sfornato #pane", likes=5),
            *post(4, "Il pane con il lievito madre #pane #lievitomadre", likes=7, reposts=1),
            *post(5, "#caffè", kind="repost", likes=100),
            *post(6, "#caffè dal rivale", account=RIVAL.account, likes=1000),
            *post(7, "Caffè senza numeri #caffè"),
            *post(8, "Caffè di due anni fa #caffè", days_ago=800, likes=500),
        ]
        st.write(items)
        yield st


def run(store, terms, **settings):
    tool = OwnTermsTool(OwnTermsSettings(**settings))
    ctx = KeywordContext(store=store, now=NOW, channels=(CLIENT, RIVAL))
    return asyncio.run(tool.related_queries(KeywordQuery(terms=tuple(terms)), ctx))


def test_text_cleaning_and_terms():
    text = clean_text("<p>L'espresso di @bar@x.it &amp; #Caffè https://t.co/x</p>")
    assert text == "l'espresso di & #caffè"
    assert post_terms(text) == ({"#caffè"}, {"espresso"})
    assert mentions(text, "Caffè") and mentions(text, "#caffè") and not mentions(text, "caff")


def test_hashtags_ranked_by_engagement_per_post(store):
    signals = run(store, ["#"])
    assert [(s.item, s.value) for s in signals] == [("#caffè", 18.5), ("#pane", 6.5)]
    assert signals[0].note == (
        "18.5 engagements/post over 2 posts (37 engagements, 1.5x the average post)"
    )
    assert {(s.metric, s.unit, s.term) for s in signals} == {
        ("own_engagement", "engagements/post", "#")
    }


def test_a_term_and_what_goes_with_it(store):
    signals = run(store, ["caffè"], min_posts=1)
    assert [(s.item, s.value) for s in signals] == [
        ("caffè", 18.5),
        ("#colazione", 25.0),
        ("colazione", 25.0),
        ("cornetto", 25.0),
        ("perfetta", 25.0),
        ("espresso", 12.0),
        ("mattino", 12.0),
    ]
    assert signals[0].note.startswith("18.5 engagements/post over 2 posts")


def test_all_terms_with_min_posts(store):
    signals = run(store, ["*"])
    # the word "caffè" (not the hashtag) is only in post 2: under min_posts=2
    assert [(s.item, s.value) for s in signals] == [
        ("#caffè", 18.5),
        ("#pane", 6.5),
        ("pane", 6.5),
    ]


def test_unknown_term_and_empty_store(store, tmp_path):
    (signal,) = run(store, ["cornetto salato"])
    assert signal.value is None and signal.item == ""
    assert signal.note == "no own post of the timeframe mentions 'cornetto salato'"
    with Store.open(tmp_path / "empty.duckdb") as empty:
        (signal,) = run(empty, ["#"])
    assert signal.value is None and "no hashtag" in signal.note
