"""Mastodon accounts on any instance: profile, posts, followers, interactions."""

__version__ = "0.1.0"
