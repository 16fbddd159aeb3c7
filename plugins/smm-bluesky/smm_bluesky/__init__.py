"""Bluesky accounts through the public AppView: profile, posts, followers, likes."""

__version__ = "0.1.0"
