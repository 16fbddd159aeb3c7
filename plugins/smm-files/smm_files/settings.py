"""Settings of the files source: ``[plugins.files]`` in ``smm.toml``."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from smm_files.schema import FILE_KINDS


def _check_timezone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {value!r}: use an IANA name such as 'Europe/Rome'"
        ) from exc
    return value


def _check_mapping(mapping: dict[str, str], kinds: list[str]) -> dict[str, str]:
    known = {name for k in kinds for name in FILE_KINDS[k].column_names}
    unknown = sorted(set(mapping) - known)
    if unknown:
        raise ValueError(
            f"mapping names unknown canonical column(s) {', '.join(unknown)}; "
            f"the keys are canonical names (likes, created_at, ...), the values your headers"
        )
    return mapping


class FileSettings(BaseModel):
    """Per-file overrides (``[plugins.files.posts]``).

    :param file: the file name, or a glob such as ``"Facebook_posts_*.csv"``, relative to the
        export folder (default ``posts.csv`` / ``posts.jsonl``).
    :param mapping: canonical column -> header in your file, for this file only.
    :param values: canonical column -> constant used where the file has no such column or
        the cell is empty (``network = "facebook"`` for a single-network export).
    :param timezone: time zone of naive timestamps in this file.
    :param timestamp_format: strptime format of this file's timestamps.
    """

    model_config = ConfigDict(extra="forbid")

    file: str | None = None
    mapping: dict[str, str] = Field(default_factory=dict)
    values: dict[str, str] = Field(default_factory=dict)
    timezone: str | None = None
    timestamp_format: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        return _check_timezone(value)


class FilesSettings(BaseModel):
    """``[plugins.files]``: where the export is and how to read it.

    :param path: the export folder, relative to the workspace (default ``data``).
    :param mapping: canonical column -> header in your files, for every file
        (``mapping = {likes = "Reactions", created_at = "Publish time"}``).
    :param timezone: IANA time zone of timestamps written without an offset; without it such
        timestamps are bad rows.
    :param timestamp_format: strptime format (``"%d/%m/%Y %H:%M"``) of timestamps that are not
        ISO 8601; ISO 8601 with an offset is always accepted. Without ``%z`` in it, the
        ``timezone`` setting says where the times are.
    :param skip_bad: import the good rows and log the bad ones instead of importing nothing.
    :param delimiter: the CSV delimiter, any one character; when unset, the most frequent
        of ``,`` ``;`` tab ``|`` in the header row (a comma when it holds none).
    """

    model_config = ConfigDict(extra="forbid")

    path: str = "data"
    mapping: dict[str, str] = Field(default_factory=dict)
    timezone: str | None = None
    timestamp_format: str | None = None
    skip_bad: bool = False
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    accounts: FileSettings = Field(default_factory=FileSettings)
    posts: FileSettings = Field(default_factory=FileSettings)
    audience: FileSettings = Field(default_factory=FileSettings)
    interactions: FileSettings = Field(default_factory=FileSettings)
    daily: FileSettings = Field(default_factory=FileSettings)

    _channels: list[dict[str, Any]] = PrivateAttr(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        return _check_timezone(value)

    def with_channels(self, channels: list[dict[str, Any]]) -> FilesSettings:
        """A copy that knows the channels reading this folder (``network``, ``account``,
        ``export_name``, ``export_files``): native files that name no account take theirs."""
        copy = self.model_copy()
        copy._channels = [dict(c) for c in channels]
        return copy

    def native_channels(self) -> list[dict[str, Any]]:
        """The channels given to :meth:`with_channels`."""
        return list(self._channels)

    @model_validator(mode="after")
    def _known_columns(self) -> FilesSettings:
        _check_mapping(self.mapping, list(FILE_KINDS))
        for kind in FILE_KINDS:
            per_file: FileSettings = getattr(self, kind)
            _check_mapping(per_file.mapping, [kind])
            _check_mapping(per_file.values, [kind])
        return self

    def for_file(self, kind: str) -> FileSettings:
        """The settings of one canonical file."""
        return getattr(self, kind)
