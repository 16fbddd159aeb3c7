"""Create a new plugin package from the built-in template (``smm plugins new``).

The template lives in ``smmcore/templates/plugin/``: every file ends in ``.tmpl`` (so neither
pytest nor ruff picks it up) and is rendered with :class:`string.Template` (``$name``,
``${package}``; ``$$`` is a literal dollar). A folder named ``__package__`` becomes the Python
package; a file named ``dot-<name>`` becomes ``.<name>``.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from smmcore import __version__
from smmcore.errors import SmmError

TEMPLATE_SUFFIX = ".tmpl"
_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
_DIST_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class PluginNames:
    """The names a new plugin package uses, all derived from its plugin name."""

    name: str
    """The plugin (entry-point) name and the name of its source: ``tiktok``."""
    distribution: str
    """The distribution on PyPI: ``smm-tiktok``."""
    package: str
    """The Python package: ``smm_tiktok``."""
    class_prefix: str
    """The prefix of its class names: ``Tiktok``."""
    kpi_name: str
    """The name of its example KPI: ``tiktok_replies_per_post``."""
    env_prefix: str
    """The prefix of its environment variables: ``TIKTOK``."""


def plugin_names(name: str, distribution: str | None = None) -> PluginNames:
    """Validate ``name`` (``smm-`` prefix optional) and derive the other names from it."""
    raw = name.strip().lower()
    plain = raw.removeprefix("smm-").removeprefix("smm_")
    if not _NAME_RE.match(plain):
        raise SmmError(
            f"invalid plugin name {name!r}",
            hint="use lowercase letters and digits, words joined by '-' (for example 'tiktok' "
            "or 'my-network'); the package becomes smm-<name>",
        )
    dist = (distribution or f"smm-{plain}").strip().lower().replace("_", "-")
    if not _DIST_RE.match(dist):
        raise SmmError(
            f"invalid distribution name {distribution!r}",
            hint="use lowercase letters, digits and '-', for example 'smm-tiktok'",
        )
    snake = plain.replace("-", "_")
    return PluginNames(
        name=plain,
        distribution=dist,
        package=dist.replace("-", "_"),
        class_prefix="".join(part.capitalize() for part in snake.split("_")),
        kpi_name=f"{snake}_replies_per_post",
        env_prefix=snake.upper(),
    )


def template_root() -> Traversable:
    """The folder of the plugin template inside the installed smmcore."""
    return resources.files("smmcore").joinpath("templates", "plugin")


def _walk(folder: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    found: list[tuple[str, Traversable]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        relative = f"{prefix}{entry.name}"
        if entry.is_dir():
            found.extend(_walk(entry, relative + "/"))
        elif entry.name.endswith(TEMPLATE_SUFFIX):
            found.append((relative, entry))
    return found


def _target_path(relative: str, names: PluginNames) -> str:
    parts = []
    for part in relative.removesuffix(TEMPLATE_SUFFIX).split("/"):
        part = names.package if part == "__package__" else part
        if part.startswith("dot-"):
            part = "." + part.removeprefix("dot-")
        parts.append(part)
    return "/".join(parts)


def render_plugin(
    names: PluginNames, *, description: str | None = None, author: str | None = None
) -> dict[str, str]:
    """Render every template file: relative path in the new package -> text."""
    major, minor, *_ = [*__version__.split("."), "0", "0"][:3]
    variables = {
        "name": names.name,
        "distribution": names.distribution,
        "package": names.package,
        "class_prefix": names.class_prefix,
        "kpi_name": names.kpi_name,
        "env_prefix": names.env_prefix,
        "description": (description or f"An smmcore plugin for {names.name}.").strip(),
        "author": (author or "Your Name").strip(),
        "smmcore_min": f"{major}.{minor}",
        "smmcore_next": f"{major}.{int(minor) + 1}" if major == "0" else f"{int(major) + 1}",
    }
    for key in ("description", "author"):
        if '"' in variables[key] or "\n" in variables[key]:
            raise SmmError(f"the {key} must be one line without double quotes")
    rendered: dict[str, str] = {}
    for relative, entry in _walk(template_root()):
        text = entry.read_text(encoding="utf-8")
        try:
            rendered[_target_path(relative, names)] = string.Template(text).substitute(variables)
        except (KeyError, ValueError) as exc:  # a broken template is a bug in smmcore
            raise SmmError(f"the plugin template {relative} is broken: {exc!r}") from exc
    return rendered


def create_plugin(
    name: str,
    directory: Path | str = ".",
    *,
    description: str | None = None,
    author: str | None = None,
    distribution: str | None = None,
) -> Path:
    """Create ``<directory>/<distribution>/`` with a ready-to-test plugin package.

    Returns the package folder. Refuses to write into a folder that exists and is not empty.
    """
    names = plugin_names(name, distribution)
    target = Path(directory) / names.distribution
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise SmmError(
            f"{target} already exists and is not empty",
            hint="choose another --dir or name, or remove the folder",
        )
    files = render_plugin(names, description=description, author=author)
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target
