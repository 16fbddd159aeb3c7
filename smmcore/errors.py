"""Errors the core raises for users: each says what is wrong and how to fix it."""

from __future__ import annotations


class SmmError(Exception):
    """A failure the user can act on. The CLI prints ``Error: <message>`` and exits 1.

    :param hint: what to do about it, printed after the message.
    """

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def format_message(self) -> str:
        """The message with its hint, on one line."""
        base = str(self)
        if not self.hint:
            return base
        return f"{base}. {self.hint[:1].upper()}{self.hint[1:]}"


class PluginError(SmmError):
    """A plugin failed to load or registered something invalid (raised in strict mode)."""


class ConfigError(SmmError):
    """``smm.toml`` is missing or invalid. ``problems`` lists one line per problem."""

    def __init__(
        self, message: str, *, problems: list[str] | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.problems = problems or []

    def format_message(self) -> str:
        lines = [super().format_message(), *(f"  - {p}" for p in self.problems)]
        return "\n".join(lines)


class StoreError(SmmError):
    """The history store cannot be opened or written."""
