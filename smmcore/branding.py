"""The report's brand: ``[report.brand]`` of ``smm.toml`` turned into a
:class:`~smmcore.report_model.Brand` whose logo is embedded (a ``data:`` URI)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from smmcore.errors import SmmError
from smmcore.report_model import Brand

LOGO_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
MAX_LOGO_BYTES = 2_000_000


def load_brand(config: Any, workspace_dir: Path) -> Brand | None:
    """The brand of ``[report.brand]`` (``None`` when the table is absent).

    :raises SmmError: when the logo is missing, too large or of another type.
    """
    brand = getattr(config.report, "brand", None)
    if brand is None:
        return None
    logo = None
    if brand.logo:
        path = (workspace_dir / brand.logo).expanduser()
        kind = LOGO_TYPES.get(path.suffix.lower())
        fix = "set [report.brand] logo to a PNG, JPEG or SVG file in the workspace folder"
        if kind is None:
            raise SmmError(
                f"[report.brand] logo {brand.logo!r} is not a PNG, JPEG or SVG", hint=fix
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SmmError(
                f"[report.brand] logo {brand.logo!r} cannot be read: {exc.strerror}", hint=fix
            ) from None
        if len(data) > MAX_LOGO_BYTES:
            raise SmmError(
                f"[report.brand] logo {brand.logo!r} is {len(data):,} bytes (at most "
                f"{MAX_LOGO_BYTES:,}: it is embedded in every report)",
                hint="use a smaller image",
            )
        if kind == "image/svg+xml" and b"<script" in data.lower():
            raise SmmError(
                f"[report.brand] logo {brand.logo!r} contains a script",
                hint="export the SVG without scripts",
            )
        logo = f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
    return Brand(logo=logo, primary=brand.primary, accent=brand.accent)
