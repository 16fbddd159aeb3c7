"""Entry point of the smm-segments plugin: registrations only, nothing heavy is imported here."""

from __future__ import annotations

from smmcore import SegmenterSpec, hookimpl

_SEGMENTERS = [
    (
        "rules",
        "Rule segments written in smm.toml: language, location, bio keywords, followers.",
        "smm_segments.rules:RuleSegmenter",
        "smm_segments.rules:RuleSettings",
    ),
    (
        "tiers",
        "Engagement tiers (participation inequality): silent, occasional, regular, advocate.",
        "smm_segments.tiers:TierSegmenter",
        "smm_segments.tiers:TierSettings",
    ),
    (
        "rfm",
        "RFM for social: recency, frequency and weighted value, quintile scores 1-5.",
        "smm_segments.rfm:RFMSegmenter",
        "smm_segments.rfm:RFMSettings",
    ),
    (
        "communities",
        "Communities: Louvain on the member-post interaction graph, with dominant terms.",
        "smm_segments.communities:CommunitySegmenter",
        "smm_segments.communities:CommunitySettings",
    ),
    (
        "influencers",
        "Influencers: reach, engagement and k-core (Pei et al. 2014) combined, explained.",
        "smm_segments.influencers:InfluencerSegmenter",
        "smm_segments.influencers:InfluencerSettings",
    ),
    (
        "renewal",
        "Network renewal: the period's new contacts and the lapsed ones to win back.",
        "smm_segments.renewal:RenewalSegmenter",
        None,
    ),
]


@hookimpl
def smm_register_segmenters(register):
    """Register the six first-party segmenters."""
    for name, description, impl, settings in _SEGMENTERS:
        register(
            SegmenterSpec(
                name=name,
                description=description,
                impl=impl,
                settings=settings,
                capabilities=("audience",),
            )
        )
