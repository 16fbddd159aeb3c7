"""Audience segments: rules, engagement tiers, RFM, communities, influencers."""

__version__ = "0.1.0"
