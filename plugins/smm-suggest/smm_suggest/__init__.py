"""Autocomplete suggestions expanded AnswerThePublic-style."""

__version__ = "0.1.0"
