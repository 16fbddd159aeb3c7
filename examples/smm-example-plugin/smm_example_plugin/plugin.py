"""Entry point of the example plugin."""

from smmcore import hookimpl  # noqa: F401
