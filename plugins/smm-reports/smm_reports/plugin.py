"""Entry point of the smm-reports plugin: registrations only, nothing heavy is imported here."""

from __future__ import annotations

from smmcore import hookimpl  # noqa: F401
