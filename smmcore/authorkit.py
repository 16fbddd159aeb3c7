"""Create a new plugin package from the built-in template (``smm plugins new``).

The template lives in ``smmcore/templates/plugin/``: every file ends in ``.tmpl`` (so neither
pytest nor ruff picks it up) and is rendered with :class:`string.Template` (``$name``,
``${package}``; ``$$`` is a literal dollar). A folder named ``__package__`` becomes the Python
package; a file named ``dot-<name>`` becomes ``.<name>``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from smmcore import __version__
from smmcore.errors import SmmError

TEMPLATE_SUFFIX = ".tmpl"
KINDS = ("source", "kpi", "reporter", "export-format")
"""What ``smm plugins new --kind`` can generate (several at once)."""
DEFAULT_KINDS = ("source", "kpi")

_FILE_KINDS: dict[str, str] = {
    "__package__/source.py.tmpl": "source",
    "tests/test_source.py.tmpl": "source",
    "tests/cassettes/api.json.tmpl": "source",
    "__package__/kpis.py.tmpl": "kpi",
    "tests/test_kpis.py.tmpl": "kpi",
    "__package__/reporter.py.tmpl": "reporter",
    "tests/test_reporter.py.tmpl": "reporter",
    "__package__/formats.py.tmpl": "export-format",
    "tests/test_formats.py.tmpl": "export-format",
}
"""Template files generated only for one kind; the others are always generated."""

_SPEC_CLASSES = {
    "source": "SourceSpec",
    "kpi": "KPISpec",
    "reporter": "ReporterSpec",
    "export-format": "ExportFormatSpec",
}
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
    reporter_name: str = ""
    """The name of its example report format: ``tiktok-summary``."""


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
        reporter_name=f"{plain}-summary",
    )


def template_root() -> Traversable:
    """The folder of the plugin template inside the installed smmcore."""
    return resources.files("smmcore").joinpath("templates", "plugin")


def _walk(folder: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    found: list[tuple[str, Traversable]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__" or entry.name.startswith("_hooks"):
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


def check_kinds(kinds: Sequence[str] | None) -> tuple[str, ...]:
    """The kinds to generate, in template order (default: a source and a KPI)."""
    wanted = tuple(dict.fromkeys(k.strip().lower() for k in (kinds or DEFAULT_KINDS)))
    unknown = [k for k in wanted if k not in KINDS]
    if unknown:
        raise SmmError(
            f"unknown plugin kind {unknown[0]!r}",
            hint=f"choose among {', '.join(KINDS)} (repeat --kind for several)",
        )
    return tuple(k for k in KINDS if k in wanted)


_README_ROWS = {
    "source": "| source | `{n.name}` | accounts, follower counts, posts and post metrics from the "
    "{n.name} API |",
    "kpi": "| KPI | `{n.kpi_name}` | replies per own post in the period (ratio of sums) |",
    "reporter": "| report format | `{n.reporter_name}` | a plain-text summary of the KPIs "
    "(`smm report --format {n.reporter_name}`) |",
    "export-format": "| export format | `{n.name}-posts` | the {n.name} analytics export of "
    "posts, read by smm-files without a column mapping |",
}

_README_CONFIGURE = {
    "source": """
In the workspace's `smm.toml`:

```toml
[[channels]]
network = "{n.name}"
handle = "your-account"

[plugins.{n.name}]
base_url = "https://api.{n.name}.example"
token = "${{{n.env_prefix}_TOKEN}}"   # read from the environment, never written here
```

Then `smm sync` and `smm report`.
""",
    "kpi": """
`[plugins.{n.kpi_name}] min_posts = 3` makes a scope with fewer than 3 posts unknown.
""",
    "reporter": """
`smm report --format {n.reporter_name}` writes `report.txt`;
`[plugins.{n.reporter_name}] title = "..."` sets its first line.
""",
    "export-format": """
Put the {n.name} export in the folder of the smm-files source and sync:
`smm files check` names the file as `{n.name}-posts`, `smm sync` imports it.
""",
}


def render_plugin(
    names: PluginNames,
    *,
    description: str | None = None,
    author: str | None = None,
    kinds: Sequence[str] | None = None,
) -> dict[str, str]:
    """Render the template files of ``kinds``: relative path in the new package -> text."""
    chosen = check_kinds(kinds)
    major, minor, *_ = [*__version__.split("."), "0", "0"][:3]
    hooks = "".join(
        template_root().joinpath("_hooks", f"{kind}.tmpl").read_text(encoding="utf-8")
        for kind in chosen
    )
    configure = "".join(_README_CONFIGURE[k].format(n=names) for k in chosen)
    variables = {
        "reporter_name": names.reporter_name,
        "spec_imports": ", ".join(sorted(_SPEC_CLASSES[k] for k in chosen)),
        "readme_rows": "\n".join(_README_ROWS[k].format(n=names) for k in chosen),
        "readme_configure": ("\n## Configure\n" + configure) if configure else "",
        "extra_dependencies": '    "httpx>=0.27",\n' if "source" in chosen else "",
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
        if _FILE_KINDS.get(relative, chosen[0]) not in chosen:
            continue
        text = entry.read_text(encoding="utf-8")
        if relative == "__package__/plugin.py.tmpl":
            # the hooks are templates too: substitute them inside the module
            text = text.replace("${hooks}", hooks)
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
    kinds: Sequence[str] | None = None,
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
    files = render_plugin(names, description=description, author=author, kinds=kinds)
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target
