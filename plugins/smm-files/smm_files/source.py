"""The ``files`` source: one sync unit per export folder, everything in it imported."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smm_files.settings import FilesSettings
from smmcore.contracts import (
    NoData,
    RecordBatch,
    Source,
    SourceContext,
    SourceItem,
    SyncCursor,
    SyncUnit,
)

if TYPE_CHECKING:
    from smm_files.native import Unread
    from smmcore.config import ChannelConfig


def unit_key(path: str | Path, workspace_dir: Path | None = None) -> str:
    """The sync-unit key of an export folder: ``files:<path>``, relative to the workspace
    when the folder is inside it (so ``smm files import data`` and ``smm sync`` share it)."""
    p = Path(path)
    if workspace_dir is not None:
        resolved = (workspace_dir / p).resolve()
        try:
            p = resolved.relative_to(workspace_dir.resolve())
        except ValueError:
            p = resolved
    return f"files:{p.as_posix()}"


class FilesSource(Source):
    """Imports an export folder (see the plugin README for the format).

    Channels with ``source = "files"`` share one unit per folder: the folder from the
    channel's ``options.path``, else ``[plugins.files] path``. Every row in the folder is
    imported, competitors' and unknown accounts' included.
    """

    settings: FilesSettings

    def __init__(self, settings: FilesSettings | None = None, *, name: str = "files") -> None:
        super().__init__(settings or FilesSettings(), name=name or "files")

    def plan(self, channels: Sequence[ChannelConfig]) -> list[SyncUnit]:
        """One unit per distinct export folder named by these channels."""
        folders: dict[str, list[str]] = {}
        bindings: dict[str, list[dict[str, Any]]] = {}
        for ch in channels:
            path = str(ch.options.get("path") or self.settings.path)
            folders.setdefault(path, []).append(f"{ch.network}:{ch.account}")
            bindings.setdefault(path, []).append(channel_binding(ch))
        return [
            SyncUnit(
                source=self.name,
                key=unit_key(path),
                network="*",
                account=None,
                options={"path": path, "channels": names, "bindings": bindings[path]},
            )
            for path, names in folders.items()
        ]

    async def fetch(self, unit: SyncUnit, ctx: SourceContext) -> AsyncIterator[SourceItem]:
        """Validate the folder and stream it as :class:`RecordBatch` chunks (bounded memory;
        a bad row found on the way ends the stream with a :class:`SourceError`, so the unit
        writes nothing), then the cursor. An unchanged folder (same files, sizes, mtimes,
        hashes and settings) yields only the cursor unless ``ctx.full``."""
        from smm_files.reader import StreamSummary, fingerprint, iter_export

        folder = Path(str(unit.options.get("path") or self.settings.path))
        if not folder.is_absolute():
            folder = ctx.workspace_dir / folder
        skip_bad = bool(ctx.options.get("skip_bad") or self.settings.skip_bad)
        settings = self.settings.with_channels(list(unit.options.get("bindings") or []))
        unread: list[Unread] = []
        current = await asyncio.to_thread(fingerprint, folder, settings, unread)
        # a run limited by --since imports less: a later run without it must not skip
        current["since"] = ctx.since.isoformat() if ctx.since else None
        channels = list(unit.options.get("channels") or [])
        if not ctx.full and ctx.cursor is not None and _same(ctx.cursor, current):
            ctx.log(f"{folder}: unchanged since the last import, skipped (--full re-imports)")
            for file in unread:  # still say which files nothing reads
                ctx.log(f"warning: {file.note(folder)}")
            found = ctx.cursor.get("found")
            if found is not None:  # still say which channels the export has nothing for
                current["found"] = found
                for item in no_data(channels, [tuple(pair) for pair in found], folder):
                    yield item
            yield SyncCursor(current)
            return
        summary = StreamSummary(folder=folder)
        chunks = iter_export(
            folder, settings, skip_bad=skip_bad, since=ctx.since, log=ctx.log,
            summary=summary,
        )  # fmt: skip
        # parse and check the next chunk in a worker thread while the store stages this one:
        # the event loop goes on meanwhile, and memory stays at a few chunks
        pending = asyncio.ensure_future(asyncio.to_thread(next, chunks, None))
        try:
            while True:
                chunk = await pending
                if chunk is None:
                    break
                pending = asyncio.ensure_future(asyncio.to_thread(next, chunks, None))
                yield RecordBatch(*chunk)
        finally:
            if not pending.done():
                with contextlib.suppress(BaseException):
                    await pending
            chunks.close()
        counts = ", ".join(f"{n} {t}" for t, n in summary.counts().items())
        ctx.log(f"{folder}: read {counts or 'nothing'}")
        for item in no_data(channels, summary.found, folder):
            yield item
        current["found"] = [list(pair) for pair in summary.found]
        yield SyncCursor(current)


def channel_binding(ch: ChannelConfig) -> dict[str, Any]:
    """What native export files need to know of a channel: its network and account, and the
    ``export_name`` / ``export_files`` options that say which rows and files are its own."""
    return {
        "network": ch.network.lower(),
        "account": ch.account,
        "export_name": ch.options.get("export_name"),
        "export_files": ch.options.get("export_files"),
    }


def no_data(
    channels: Sequence[str], found: Sequence[tuple[str, str]], folder: Path
) -> list[NoData]:
    """A :class:`NoData` for each ``NETWORK:HANDLE`` of ``channels`` that has no row in the
    export, saying what the export holds and which of it is close (case, ``@``, spelling)."""
    import difflib

    present = {f"{network}:{account}" for network, account in found}
    by_norm: dict[str, str] = {}
    for name in sorted(present):
        by_norm.setdefault(_loose(name), name)
    items = []
    for channel in channels:
        if channel in present:
            continue
        guess = by_norm.get(_loose(channel))
        if guess is None:
            close = difflib.get_close_matches(_loose(channel), list(by_norm), n=1, cutoff=0.6)
            guess = by_norm[close[0]] if close else None
        holds = sorted(present)
        listed = ", ".join(holds[:12]) + (f" and {len(holds) - 12} more" if len(holds) > 12 else "")
        detail = f"the export in {folder} has no rows for it"
        if guess is not None:
            detail += f"; did you mean {guess}?"
            if _loose(guess) == _loose(channel):
                detail += " (the store keeps names exactly as the export writes them)"
        detail += f" It holds: {listed or 'no account at all'}"
        items.append(NoData(channel, detail))
    return items


def _loose(name: str) -> str:
    """A channel name without case, ``@`` or spaces (for the did-you-mean)."""
    network, _, account = name.partition(":")
    return f"{network.strip().lower()}:{account.strip().lstrip('@').lower()}"


def _same(saved: Any, current: dict[str, Any]) -> bool:
    keys = ("format", "files", "settings", "since")
    return all(saved.get(k) == current.get(k) for k in keys)
