"""The segmenters on small audiences whose answers can be checked by hand."""

from __future__ import annotations

import json
import pickle
from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest
from smm_segments.communities import CommunitySegmenter
from smm_segments.influencers import InfluencerSegmenter
from smm_segments.renewal import RenewalSegmenter, monthly_renewal
from smm_segments.rfm import RFM_SEGMENT_SQL, SEGMENTS, RFMSegmenter, rfm_segment
from smm_segments.rules import RuleSegmenter
from smm_segments.tiers import TIER_SQL, TIERS, TierSegmenter, TierSettings, tier_of

from smmcore.contracts import AudienceContext, ChannelRef, Period
from smmcore.errors import SmmError
from smmcore.models import Segment
from smmcore.store.migrations import MIGRATIONS

UTC = UTC
OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
CHANNELS = [
    ChannelRef("mastodon", "forno", "Forno Rossi", True),
    ChannelRef("mastodon", "rival", "Pane & Co", False),
]


def make_db() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for _version, _description, sql in MIGRATIONS:
        con.execute(sql)
    con.execute(
        "CREATE TEMP TABLE workspace_channels (network VARCHAR, account VARCHAR, owner VARCHAR, "
        "is_client BOOLEAN, label VARCHAR)"
    )
    con.executemany(
        "INSERT INTO workspace_channels VALUES (?, ?, ?, ?, ?)",
        [(c.network, c.account, c.owner, c.is_client, c.label) for c in CHANNELS],
    )
    return con


def member(
    con,
    name,
    *,
    followers=None,
    language=None,
    location=None,
    bio=None,
    account="forno",
    is_follower=True,
) -> None:
    con.execute(
        "INSERT INTO audience_members (network, account, member, bio, language, location, "
        "followers, is_follower, updated_at) VALUES ('mastodon', ?, ?, ?, ?, ?, ?, ?, now())",
        [account, name, bio, language, location, followers, is_follower],
    )


def post(con, post_id, text="", account="forno", when=datetime(2026, 10, 5, 10, tzinfo=UTC)):
    con.execute(
        "INSERT INTO posts (network, account, post_id, created_at, kind, text) "
        "VALUES ('mastodon', ?, ?, ?, 'post', ?)",
        [account, post_id, when, text],
    )


def act(
    con, who, kind, post_id=None, when=datetime(2026, 10, 10, 12, tzinfo=UTC), account="forno", n=1
) -> None:
    for i in range(n):
        con.execute(
            "INSERT INTO interactions (network, account, interaction_id, member, kind, post_id, "
            "occurred_at) VALUES ('mastodon', ?, ?, ?, ?, ?, ?)",
            [
                account,
                f"{who}-{kind}-{post_id}-{when.isoformat()}-{i}",
                who,
                kind,
                post_id,
                when + timedelta(minutes=i),
            ],
        )


def ctx(con, rules=None, period=OCTOBER, **options) -> AudienceContext:
    return AudienceContext(
        con=con,
        period=period,
        timezone="Europe/Rome",
        channels=CHANNELS,
        rules=rules or {},
        options=options,
    )


def by_name(segments):
    return {s.name: s for s in segments}


def names(segment):
    return [m.member for m in segment.members]


# ----------------------------------------------------------------------------- rules


def test_rule_segments_combine_tests_and_leave_unknown_counts_out() -> None:
    con = make_db()
    member(con, "anna", language="it", location="Bologna, Italia", bio="Amo il pane", followers=500)
    member(con, "bob", language="en", location="London", bio="bread lover", followers=20000)
    member(con, "carla", language="it", location="bologna", bio="cucina", followers=None)
    member(con, "dario", language="it", location="Roma", bio="pane e vino", followers=90)
    member(con, "eve", language="it", location="Bologna", account="rival", followers=800)
    rules = {
        "local": {"description": "Bolognesi", "language": "it", "location": "bologna"},
        "mid": {"followers": {"min": 100, "max": 10000}},
        "bread": {
            "any": [{"bio_any": ["pane", "bread"]}, {"followers": {"min": 10000}}],
            "not": {"language": "en"},
        },
    }
    segments = by_name(RuleSegmenter(name="rules").segment(ctx(con, rules)))
    # eve follows the competitor, not the client: never in the client's segments.
    assert names(segments["rules:local"]) == ["anna", "carla"]
    assert segments["rules:local"].description == "Bolognesi"
    # carla's followers are unknown: not in a follower range.
    assert names(segments["rules:mid"]) == ["anna"]
    assert names(segments["rules:bread"]) == ["anna", "dario"]


def test_a_rule_reads_every_column_its_nested_tests_name() -> None:
    """Each rule's query aggregates only the profile columns it tests, however deep."""
    con = make_db()
    member(con, "fan", bio="pane", is_follower=True, location="Bologna", followers=5)
    member(con, "visitor", bio="pane", is_follower=False, location="Bologna", followers=50)
    rules = {
        "deep": {"all": [{"any": [{"not": {"is_follower": False}}]}, {"bio_all": ["pane"]}]},
        "where": {"not": {"all": [{"location": "roma"}]}},
    }
    segments = by_name(RuleSegmenter().segment(ctx(con, rules)))
    assert names(segments["rules:deep"]) == ["fan"]
    assert names(segments["rules:where"]) == ["visitor", "fan"]  # by followers


def test_invalid_rules_get_one_clear_error_per_problem() -> None:
    con = make_db()
    rules = {
        "typo": {"langauge": "it"},
        "range": {"followers": {"min": 10, "max": 5}},
        "empty": {"description": "nothing to test"},
    }
    with pytest.raises(SmmError) as info:
        RuleSegmenter().segment(ctx(con, rules))
    message = str(info.value)
    assert "segments.typo.langauge: Extra inputs are not permitted" in message
    assert "segments.range.followers: Value error, min (10) is greater than max (5)" in message
    assert "segments.empty: Value error, a rule needs at least one test" in message


# ----------------------------------------------------------------------------- tiers


def test_tier_thresholds() -> None:
    s = TierSettings()
    assert [tier_of(n, 0, s) for n in (0, 1, 2, 3, 9, 10)] == [
        "silent",
        "occasional",
        "occasional",
        "regular",
        "regular",
        "advocate",
    ]
    assert tier_of(3, 3, s) == "advocate"  # three replies/reposts make an advocate


def test_tiers_on_a_small_audience() -> None:
    con = make_db()
    for name in ("quiet", "once", "thrice", "fan", "talker"):
        member(con, name)
    post(con, "p1")
    act(con, "once", "like", "p1")
    act(con, "thrice", "like", "p1", n=3)
    act(con, "fan", "like", "p1", n=10)
    act(con, "talker", "reply", "p1", n=3)
    act(con, "stranger", "like", "p1", n=2)  # interacted without being in the audience
    act(con, "quiet", "like", "p1", when=datetime(2026, 9, 1, tzinfo=UTC))  # before October
    segments = by_name(TierSegmenter(name="tiers").segment(ctx(con)))
    assert names(segments["tiers:advocate"]) == ["fan", "talker"]
    assert names(segments["tiers:regular"]) == ["thrice"]
    assert names(segments["tiers:occasional"]) == ["stranger", "once"]
    assert names(segments["tiers:silent"]) == ["quiet"]
    talker = segments["tiers:advocate"].members[1]
    assert talker.scores == {"interactions": 3.0, "deep_interactions": 3.0}


# ----------------------------------------------------------------------------- RFM


def test_rfm_segment_rules() -> None:
    assert rfm_segment(5, 5, 5) == "champions"
    assert rfm_segment(1, 5, 2) == "loyal"
    assert rfm_segment(5, 1, 1) == "new"
    assert rfm_segment(2, 3, 3) == "at-risk"
    assert rfm_segment(1, 1, 1) == "hibernating"
    assert rfm_segment(3, 3, 3) == "needs-attention"


def test_rfm_scores_by_hand() -> None:
    con = make_db()
    post(con, "p1")
    end = datetime(2026, 10, 31, 12, tzinfo=UTC)
    # five members: recency 0.5..40.5 days, frequency 1..5, value grows with both.
    act(con, "m1", "like", "p1", when=end - timedelta(days=40), n=1)
    act(con, "m2", "like", "p1", when=end - timedelta(days=30), n=2)
    act(con, "m3", "like", "p1", when=end - timedelta(days=20), n=3)
    act(con, "m4", "reply", "p1", when=end - timedelta(days=10), n=4)
    act(con, "m5", "repost", "p1", when=end, n=5)
    segments = by_name(RFMSegmenter(name="rfm").segment(ctx(con)))
    m5 = segments["rfm:champions"].members[0]
    assert m5.member == "m5"
    # 5 members, cume_dist steps of 0.2: the best member scores 5 on every axis.
    assert (m5.scores["R"], m5.scores["F"], m5.scores["V"]) == (5.0, 5.0, 5.0)
    assert m5.scores["value"] == 20.0  # 5 reposts x 4
    # m4: 2nd most recent (R4), 4 interactions (F4), 4 replies x 3 = 12 (V4): a champion too.
    assert names(segments["rfm:champions"]) == ["m5", "m4"]
    m3 = segments["rfm:needs-attention"].members[0]  # cume_dist 0.6 -> score 3, not 4
    assert (m3.member, m3.scores["R"], m3.scores["F"], m3.scores["V"]) == ("m3", 3.0, 3.0, 3.0)
    assert names(segments["rfm:hibernating"]) == ["m2", "m1"]  # R2 F2 V2 and R1 F1 V1
    assert names(segments["rfm:loyal"]) == [] and names(segments["rfm:new"]) == []


# ----------------------------------------------------------------------------- communities


def two_communities(con) -> None:
    for name in ("a1", "a2", "a3", "a4"):
        member(con, name, bio="panettiere, amo il pane e il lievito madre")
    for name in ("b1", "b2", "b3", "b4"):
        member(con, name, bio="barista, caffè espresso ogni mattina")
    post(con, "p1", "Il nostro pane al lievito madre")
    post(con, "p2", "Pane caldo alle sette")
    post(con, "p3", "Il caffè del mattino")
    post(con, "p4", "Espresso e cornetto")
    for name in ("a1", "a2", "a3", "a4"):
        act(con, name, "like", "p1")
        act(con, name, "like", "p2")
    for name in ("b1", "b2", "b3", "b4"):
        act(con, name, "like", "p3")
        act(con, name, "reply", "p4")


def test_two_obvious_communities() -> None:
    con = make_db()
    two_communities(con)
    segments = CommunitySegmenter(name="communities").segment(ctx(con))
    groups = sorted(sorted(names(s)) for s in segments)
    assert groups == [["a1", "a2", "a3", "a4"], ["b1", "b2", "b3", "b4"]]
    by_members = {names(s)[0][0]: s for s in segments}
    assert "pane" in by_members["a"].description
    assert "caffè" in by_members["b"].description or "espresso" in by_members["b"].description
    # b members replied (weight 3) to p4 and liked p3: strength 4 each.
    assert by_members["b"].members[0].scores["strength"] == 4.0


def test_communities_are_repeatable() -> None:
    con = make_db()
    two_communities(con)
    first = [names(s) for s in CommunitySegmenter().segment(ctx(con))]
    assert first == [names(s) for s in CommunitySegmenter().segment(ctx(con))]


# ----------------------------------------------------------------------------- influencers


def test_a_star_influencer_ranks_first_and_is_explained() -> None:
    con = make_db()
    member(con, "star", followers=50000)
    for i in range(6):
        member(con, f"fan{i}", followers=100)
        post(con, f"p{i}")
        act(con, "star", "repost", f"p{i}")
        act(con, f"fan{i}", "like", f"p{i}")
    member(con, "famous_but_silent", followers=1_000_000)
    segment = InfluencerSegmenter(name="influencers").segment(ctx(con, top=3))[0]
    assert [m.member for m in segment.members][:1] == ["star"]
    star = segment.members[0]
    # engagement 6 reposts x 4 = 24 (the most: 1.0); k-core 1 like everyone (1.0);
    # reach log(50001)/log(1000001) = 0.7833.
    assert star.scores["engagement"] == 1.0 and star.scores["core"] == 1.0
    assert star.scores["reach"] == pytest.approx(0.7833, abs=1e-4)
    assert star.scores["score"] == pytest.approx(0.35 * 0.7833 + 0.35 + 0.30, abs=1e-3)
    assert "50,000 followers" in star.reason and "24 weighted interactions" in star.reason
    assert len(segment.members) == 3


# ----------------------------------------------------------------------------- renewal


def test_renewal_new_retained_lapsed() -> None:
    con = make_db()
    post(con, "p1")
    sept = datetime(2026, 9, 15, tzinfo=UTC)
    octo = datetime(2026, 10, 15, tzinfo=UTC)
    act(con, "kept", "like", "p1", when=sept)
    act(con, "kept", "like", "p1", when=octo)
    act(con, "gone", "like", "p1", when=sept)
    act(con, "fresh", "like", "p1", when=octo)
    act(con, "back", "like", "p1", when=datetime(2026, 6, 1, tzinfo=UTC))
    act(con, "back", "like", "p1", when=octo)
    segments = by_name(RenewalSegmenter(name="renewal").segment(ctx(con)))
    assert names(segments["renewal:new-contacts"]) == ["back", "fresh"]
    assert {m.member: m.scores["first_time"] for m in segments["renewal:new-contacts"].members} == {
        "back": 0.0,
        "fresh": 1.0,
    }
    assert names(segments["renewal:retained"]) == ["kept"]
    assert names(segments["renewal:lapsed"]) == ["gone"]
    # 2 of the 3 engaged in October were not engaged in September.
    assert "renewal rate 66.7%" in segments["renewal:new-contacts"].method
    rows = {r["month"]: r for r in monthly_renewal(con, "Europe/Rome", date(2026, 10, 1), 2)}
    assert rows["2026-10"] == {
        "month": "2026-10",
        "engaged": 3,
        "new": 2,
        "returning": 1,
        "first_time": 1,
        "renewal_rate": pytest.approx(66.666, abs=1e-2),
    }
    assert rows["2026-09"]["renewal_rate"] == 100.0


# ----------------------------------------------------------------------------- empty audience


@pytest.mark.parametrize(
    "segmenter",
    [TierSegmenter, RFMSegmenter, CommunitySegmenter, InfluencerSegmenter, RenewalSegmenter],
)
def test_an_empty_audience_gives_empty_segments_not_errors(segmenter) -> None:
    segments = segmenter().segment(ctx(make_db()))
    assert all(s.size == 0 for s in segments)


def test_members_without_interactions_are_silent_and_not_influential() -> None:
    con = make_db()
    member(con, "lurker", followers=None)
    tiers = by_name(TierSegmenter().segment(ctx(con)))
    assert names(tiers["tiers:silent"]) == ["lurker"]
    assert InfluencerSegmenter().segment(ctx(con))[0].members == []


# ----------------------------------------------------------------------------- reasons


def test_reasons_only_for_the_members_asked_for() -> None:
    """``options={"reasons": N}`` (the report asks for 0): the same members, in the same
    order, with the same scores; only the first N of each segment carry their reason."""
    con = make_db()
    two_communities(con)
    for segmenter in (CommunitySegmenter(), TierSegmenter(), RFMSegmenter(), RenewalSegmenter()):
        full = segmenter.segment(ctx(con))
        short = segmenter.segment(ctx(con, reasons=1))
        assert [names(s) for s in full] == [names(s) for s in short]
        assert [[m.scores for m in s.members] for s in full] == [
            [m.scores for m in s.members] for s in short
        ]
        for segment in full:
            assert all(m.reason for m in segment.members)
        for segment in short:
            reasons = [m.reason for m in segment.members]
            assert all(reasons[:1]) and not any(reasons[1:])


# ----------------------------------------------------------------------------- SQL = Python


def test_the_sql_classifications_agree_with_the_documented_rules() -> None:
    """Tiers and RFM segments are assigned in the database: for every combination the SQL
    gives what :func:`tier_of` and :func:`rfm_segment` say."""
    con = duckdb.connect()
    for settings in (TierSettings(), TierSettings(regular_min=4, advocate_min=12, deep_min=2)):
        values = ", ".join(f"({n}, {d})" for n in range(16) for d in range(min(n, 5) + 1))
        rows = con.execute(
            f"SELECT n, deep, {TIER_SQL} FROM (VALUES {values}) t(n, deep)",
            settings.model_dump(include={"regular_min", "advocate_min", "deep_min"}),
        ).fetchall()
        assert [TIERS[code] for _, _, code in rows] == [tier_of(n, d, settings) for n, d, _ in rows]
    values = ", ".join(
        f"({r}, {f}, {v})" for r in range(1, 6) for f in range(1, 6) for v in range(1, 6)
    )
    rows = con.execute(
        f"SELECT r, f, v, {RFM_SEGMENT_SQL} FROM (VALUES {values}) t(r, f, v)"
    ).fetchall()
    assert len(rows) == 125
    assert [SEGMENTS[code][0] for *_, code in rows] == [rfm_segment(r, f, v) for r, f, v, _ in rows]


# ----------------------------------------------------------------------------- members read lazily


def test_members_built_when_read_are_the_same_everywhere_they_go() -> None:
    """Segments build their members when read: reading one, a slice, all of them, the JSON
    (what the CLI and the dashboard export), a copy through pickle and a validated copy all
    give the same members."""
    con = make_db()
    two_communities(con)
    member(con, "lurker", location="Bologna", followers=12)
    rules = {"bologna": {"location": "bologna"}}
    segmenters = (RuleSegmenter(), TierSegmenter(), RFMSegmenter(), CommunitySegmenter(),
                  InfluencerSegmenter(), RenewalSegmenter())  # fmt: skip
    seen = 0
    for segmenter in segmenters:
        for segment in segmenter.segment(ctx(con, rules=rules)):
            listed = list(segment.members)
            seen += len(listed)
            assert segment.size == len(listed) == len(segment.members)
            assert segment.members[:2] == listed[:2] and segment.members[1:] == listed[1:]
            if listed:
                assert segment.members[0] == listed[0] and segment.members[-1] == listed[-1]
                with pytest.raises(IndexError):
                    segment.members[len(listed)]
            dumped = json.loads(segment.model_dump_json())
            assert dumped["members"] == [m.model_dump(mode="json") for m in listed]
            assert Segment.model_validate(dumped) == segment
            assert pickle.loads(pickle.dumps(segment)) == segment
    assert seen > 20


# ----------------------------------------------------------------------------- more by hand


def test_influencers_without_interactions_rank_by_reach_and_strangers_count() -> None:
    con = make_db()
    member(con, "big", followers=10000)
    member(con, "small", followers=100)
    member(con, "unknown")
    segment = InfluencerSegmenter().segment(ctx(con))[0]
    assert names(segment) == ["big", "small"]  # unknown followers and no interaction: 0
    big = segment.members[0]
    assert big.scores["reach"] == 1.0 and big.scores["score"] == 0.35
    assert big.scores["k_core"] == 0.0 and big.scores["engagement"] == 0.0
    assert "10,000 followers" in big.reason and "0 weighted interactions" in big.reason
    # log(101) / log(10001) = 0.5011, x 0.35
    assert segment.members[1].scores["score"] == pytest.approx(0.1754, abs=1e-4)
    post(con, "p1")
    act(con, "stranger", "like", "p1")  # engaged without being in the audience
    segment = InfluencerSegmenter().segment(ctx(con))[0]
    assert names(segment) == ["stranger", "big", "small"]
    stranger = segment.members[0]
    assert stranger.scores["score"] == 0.65 and stranger.scores["followers"] is None
    assert "followers unknown" in stranger.reason and "(k-core 1)" in stranger.reason


def test_an_interaction_without_a_time_is_dated_by_its_post() -> None:
    """The one dating rule (smmcore.interactions): no time of its own, or an implausible one
    (year 1), means its post's publication time; neither means no period holds it."""
    con = make_db()
    post(con, "oct", when=datetime(2026, 10, 3, tzinfo=UTC))
    post(con, "sep", when=datetime(2026, 9, 3, tzinfo=UTC))
    for who, post_id, when in (
        ("undated", "oct", None),
        ("year_one", "oct", datetime(1, 1, 1, tzinfo=UTC)),
        ("september", "sep", None),
        ("nowhere", "gone", None),
    ):
        con.execute(
            "INSERT INTO interactions (network, account, interaction_id, member, kind, "
            "post_id, occurred_at) VALUES ('mastodon', 'forno', ?, ?, 'reply', ?, ?)",
            [who, who, post_id, when],
        )
    tiers = by_name(TierSegmenter().segment(ctx(con)))
    assert names(tiers["tiers:occasional"]) == ["undated", "year_one"]
    assert names(tiers["tiers:silent"]) == []
    renewal = by_name(RenewalSegmenter().segment(ctx(con)))
    assert names(renewal["renewal:new-contacts"]) == ["undated", "year_one"]
    assert names(renewal["renewal:lapsed"]) == ["september"]
    communities = CommunitySegmenter(settings=None).segment(ctx(con))
    assert communities == []  # two members on one post: under min_size 3
