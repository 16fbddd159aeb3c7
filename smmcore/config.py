"""The workspace configuration: the models behind ``smm.toml``.

Loading, ``${ENV_VAR}`` expansion and error reporting live in :mod:`smmcore.workspace`; this
module only says what a valid ``smm.toml`` is.
"""

from __future__ import annotations

from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClientConfig(_Strict):
    """Who the client is."""

    name: str = Field(min_length=1)
    segment: str = ""
    language: str = Field(default="en", pattern=r"^[a-z]{2}$")
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r}: use an IANA name such as 'Europe/Rome'"
            ) from exc
        return value


class ChannelConfig(_Strict):
    """One account or site to sync.

    ``handle`` or ``url`` identifies it; ``source`` names the source plugin explicitly
    (by default the source registered for ``network``).
    """

    network: str = Field(min_length=1)
    handle: str | None = None
    url: str | None = None
    source: str | None = None
    label: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    expect_data: bool = True
    """``false``: a sync that finds no rows for this channel (a new account, an export that
    does not cover it yet) reports ``no data`` without failing."""

    @model_validator(mode="after")
    def _needs_identity(self) -> ChannelConfig:
        if not self.handle and not self.url:
            raise ValueError("a channel needs a handle or a url")
        if self.handle:
            self.handle = self.handle.strip().removeprefix("@") or self.handle
        return self

    @property
    def account(self) -> str:
        """The account identifier the store uses for this channel: the handle, else the
        url with any credential in it redacted (this is where channel URLs enter sync keys,
        progress lines, the store and reports; the source reads ``url`` itself)."""
        if self.handle:
            return self.handle
        from smmcore.redact import redact_url

        return redact_url(self.url) if self.url else ""


class CompetitorConfig(_Strict):
    """A competitor and its channels, benchmarked against the client."""

    name: str = Field(min_length=1)
    channels: list[ChannelConfig] = Field(default_factory=list)


class KeywordsConfig(_Strict):
    """The terms the client is found by."""

    terms: list[str] = Field(default_factory=list)
    geo: str = ""
    language: str = ""
    timeframe: str = "today 12-m"
    tools: list[str] = Field(default_factory=list)
    freshness_hours: float = Field(default=24.0, ge=0)


class BrandConfig(_Strict):
    """``[report.brand]``: a logo file and two colours for the HTML and PDF reports."""

    logo: str | None = None
    """A PNG, JPEG or SVG file, relative to the workspace folder (embedded in the report)."""
    primary: str = Field(default="#2563eb", pattern=r"^#[0-9a-fA-F]{6}$")
    accent: str = Field(default="#0f766e", pattern=r"^#[0-9a-fA-F]{6}$")


class ReportConfig(_Strict):
    """Report defaults."""

    period: str = "30d"
    compare: Literal["previous", "year"] = "previous"
    kpis: list[str] = Field(default_factory=list)
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")
    formats: list[str] = Field(default_factory=lambda: ["terminal", "html"])
    audience: Literal["client", "analyst"] = "analyst"
    brand: BrandConfig | None = None


class SyncConfig(_Strict):
    """How long ``smm sync`` may wait for rate limits and retries (seconds).

    A unit whose next wait would pass ``max_wait`` (its own waits together) or the run's
    ``max_wait_run`` is deferred to the next sync instead of stalling the run.
    """

    max_wait: float = Field(default=20.0, ge=0)
    max_wait_run: float = Field(default=45.0, ge=0)


class CustomKPIConfig(_Strict):
    """A declarative KPI written in ``smm.toml`` (see the smm-kpis plugin for the grammar)."""

    label: str = Field(min_length=1)
    numerator: str = Field(min_length=1)
    denominator: str | None = None
    aggregation: Literal["ratio_of_sums", "mean_of_ratios", "sum", "mean"] = "ratio_of_sums"
    unit: str = ""
    scale: float = 1.0
    higher_is_better: bool | None = True
    description: str = ""


class StoreConfig(BaseModel):
    """``[store]``: where the history lives. ``backend`` names a store backend (``duckdb``,
    the default, is one file per workspace in ``.smm/``); the backend's own keys are
    validated by the plugin that registers it."""

    model_config = ConfigDict(extra="allow")

    backend: str = "duckdb"

    def options(self) -> dict[str, Any]:
        """The backend's own keys (everything but ``backend``), as written."""
        return dict(self.model_extra or {})


class WorkspaceConfig(_Strict):
    """The whole ``smm.toml``."""

    client: ClientConfig
    channels: list[ChannelConfig] = Field(default_factory=list)
    competitors: list[CompetitorConfig] = Field(default_factory=list)
    keywords: KeywordsConfig = Field(default_factory=KeywordsConfig)
    segments: dict[str, dict[str, Any]] = Field(default_factory=dict)
    report: ReportConfig = Field(default_factory=ReportConfig)
    sync: SyncConfig = Field(default_factory=SyncConfig)
    kpis: dict[str, CustomKPIConfig] = Field(default_factory=dict)
    plugins: dict[str, dict[str, Any]] = Field(default_factory=dict)
    store: StoreConfig = Field(default_factory=StoreConfig)

    def all_channels(self) -> list[tuple[str, bool, ChannelConfig]]:
        """Every channel as ``(owner, is_client, channel)``, the client's first."""
        found = [(self.client.name, True, ch) for ch in self.channels]
        for comp in self.competitors:
            found.extend((comp.name, False, ch) for ch in comp.channels)
        return found


# ------------------------------------------------------------------ writing TOML


def _toml_key(key: str) -> str:
    import re

    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _json(key)


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _json(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        items = ", ".join(
            f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items() if v is not None
        )
        return "{ " + items + " }" if items else "{}"
    return _json(str(value))


def to_toml(data: dict[str, Any], prefix: str = "") -> str:
    """Serialize JSON-like data as TOML (``None`` values are left out: TOML has no null)."""
    lines: list[str] = []
    tables: list[tuple[str, Any]] = []
    for key, value in data.items():
        if value is None:
            continue
        is_table_list = (
            isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
        )
        if isinstance(value, dict) or is_table_list:
            tables.append((key, value))
        else:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    out = "\n".join(lines)
    for key, value in tables:
        name = f"{prefix}.{_toml_key(key)}" if prefix else _toml_key(key)
        blocks = []
        if isinstance(value, dict):
            blocks.append((f"[{name}]", value))
        else:
            blocks.extend((f"[[{name}]]", item) for item in value)
        for header, body in blocks:
            inner = to_toml(body, name)
            out += ("\n\n" if out else "") + header + ("\n" + inner if inner else "")
    return out
