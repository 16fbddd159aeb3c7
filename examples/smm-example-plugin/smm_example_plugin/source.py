"""The ``followers-file`` source: follower counts over time from a local JSON file.

Useful for networks without an API, or counts copied from an analytics screen. The file is a
list of snapshots::

    [
      {"account": "forno", "captured_at": "2026-03-01T08:00:00+01:00",
       "followers": 1200, "following": 80},
      ...
    ]

A channel uses it with ``source = "followers-file"`` in ``smm.toml``; its ``options.path``
(or the plugin setting ``path``) names the file, relative to the workspace folder.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from smmcore.contracts import Source, SourceContext, SourceError, SyncCursor, SyncUnit
from smmcore.models import Account, AccountSnapshot


class FollowersFileSettings(BaseModel):
    """``[plugins.followers-file]`` in smm.toml."""

    path: str = Field(
        default="followers.json",
        description="The JSON file of snapshots, relative to the workspace folder.",
    )


class FollowersFileOptions(BaseModel):
    """A channel's ``options``: ``{ path = "data/x.json" }`` reads that file for it."""

    model_config = ConfigDict(extra="forbid")

    path: str | None = None


class FollowersFileSource(Source):
    """One unit per channel; yields the account and its snapshots newer than the cursor."""

    def _path(self, unit: SyncUnit, ctx: SourceContext) -> Path:
        settings = self.settings or FollowersFileSettings()
        path = Path(str(unit.options.get("path") or settings.path)).expanduser()
        return path if path.is_absolute() else ctx.workspace_dir / path

    def _read(self, path: Path) -> list[dict[str, Any]]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SourceError(
                f"the followers file {path} does not exist",
                kind="config",
                hint="create it, or set options.path of the channel in smm.toml",
            ) from None
        except (OSError, ValueError) as exc:
            raise SourceError(f"cannot read {path}: {exc}", kind="invalid_data") from exc
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise SourceError(
                f"{path} must hold a JSON list of snapshot objects", kind="invalid_data"
            )
        return data

    async def fetch(self, unit: SyncUnit, ctx: SourceContext) -> AsyncIterator[Any]:
        account = unit.account or ""
        path = self._path(unit, ctx)
        rows = [row for row in self._read(path) if row.get("account") == account]
        if not rows:
            raise SourceError(
                f"{path} has no snapshot of account {account!r}",
                kind="not_found",
                hint="check the handle of this channel in smm.toml",
            )
        last = None if ctx.full else (ctx.cursor or {}).get("last_captured_at")
        after = datetime.fromisoformat(last) if last else None
        newest = after
        yield Account(network=unit.network, account=account)
        for row in rows:
            try:
                snapshot = AccountSnapshot(
                    network=unit.network,
                    account=account,
                    captured_at=row.get("captured_at"),
                    followers=row.get("followers"),
                    following=row.get("following"),
                    posts_count=row.get("posts_count"),
                )
            except ValidationError as exc:
                raise SourceError(
                    f"{path}: invalid snapshot {row}: {exc.errors()[0]['msg']}",
                    kind="invalid_data",
                ) from exc
            if after is not None and snapshot.captured_at <= after:
                continue
            if ctx.since is not None and snapshot.captured_at < ctx.since:
                continue
            yield snapshot
            newest = max(newest, snapshot.captured_at) if newest else snapshot.captured_at
        if newest is not None:
            yield SyncCursor({"last_captured_at": newest.isoformat()})
