"""Reddit users and subreddits: profile and submissions."""

__version__ = "0.1.0"
