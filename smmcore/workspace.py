"""The workspace: a folder holding ``smm.toml`` and its history store (``.smm/store.duckdb``).

:func:`load_workspace` reads and validates ``smm.toml`` against :mod:`smmcore.config` and
reports every problem at once, each with its key path and, where it can be found, its line.
Secrets are ``${ENV_VAR}`` references in ``[plugins.*]``; they are expanded only when a plugin's
settings are validated (:meth:`Workspace.plugin_settings`) and are never printed.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from smmcore.errors import ConfigError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from smmcore.config import WorkspaceConfig
    from smmcore.contracts import ChannelRef
    from smmcore.store import Store

CONFIG_FILE = "smm.toml"
"""The name of the workspace's configuration file."""
STORE_DIR = ".smm"
"""The workspace's private folder (the store lives in it)."""
STORE_FILE = "store.duckdb"

M = TypeVar("M", bound="BaseModel")

ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
"""A secret reference in a string value: ``${ENV_VAR}``."""

_SECRET_PARTS = {
    "token",
    "key",
    "secret",
    "password",
    "passwd",
    "passphrase",
    "credential",
    "credentials",
    "apikey",
    "auth",
    "authorization",
    "cookie",
    "session",
    "pwd",
    "pass",
    "bearer",
    "jwt",
    "signature",
}


def is_secret_key(key: str) -> bool:
    """Whether a settings key looks like it holds a secret (``token``, ``api_key``,
    ``client_secret``, ``app_password``, ...). ``keywords`` or ``monkey`` do not."""
    parts = [p for p in re.split(r"[_\-.\s]+|(?<=[a-z])(?=[A-Z])", key.strip()) if p]
    return any(p.lower() in _SECRET_PARTS or p.lower().rstrip("s") in _SECRET_PARTS for p in parts)


# ------------------------------------------------------------------ key paths and lines


def format_loc(loc: tuple[Any, ...] | list[Any]) -> str:
    """``("channels", 1, "network")`` -> ``channels[1].network``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = str(part)
            if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
                text = f'"{text}"'
            out += f".{text}" if out else text
    return out


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)


def _split_dotted(text: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", text)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def toml_lines(text: str) -> dict[tuple[Any, ...], int]:
    """Map each key path of a TOML document (array-of-table elements as indexes) to the line
    (1-based) where it is defined. Best effort: good enough to point at a problem."""
    lines: dict[tuple[Any, ...], int] = {}
    counts: dict[tuple[Any, ...], int] = {}
    current: tuple[Any, ...] = ()
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        if header and not line.lstrip().startswith(("#",)):
            names = _split_dotted(header.group(2))
            path: list[Any] = []
            # resolve each prefix through the latest element of any array of tables
            for name in names[:-1]:
                path.append(name)
                if tuple(path) in counts:
                    path.append(counts[tuple(path)] - 1)
            path.append(names[-1])
            if header.group(1) == "[[":
                key = tuple(path)
                index = counts.get(key, 0)
                counts[key] = index + 1
                lines.setdefault(key, number)
                path.append(index)
            current = tuple(path)
            lines.setdefault(current, number)
            continue
        match = _KEY.match(line)
        if match:
            full = current + tuple(_split_dotted(match.group(1)))
            lines.setdefault(full, number)
            rest = line[match.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
    return lines


def line_of(lines: Mapping[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int | None:
    """The line of ``loc``, or of its closest defined parent."""
    for end in range(len(loc), 0, -1):
        found = lines.get(tuple(loc[:end]))
        if found is not None:
            return found
    return None


def _clean_message(msg: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    if msg == "Extra inputs are not permitted":
        msg = "unknown key"
    return msg[:1].lower() + msg[1:]


def _fields_at(model: Any, path: tuple[Any, ...]) -> list[str]:
    """The field names of the pydantic model found at ``path`` inside ``model`` (empty
    when the path does not lead to a model)."""
    import types
    import typing

    from pydantic import BaseModel

    def unwrap(tp: Any) -> Any:
        if typing.get_origin(tp) in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            return args[0] if len(args) == 1 else tp
        return tp

    current = unwrap(model)
    for part in path:
        origin = typing.get_origin(current)
        if origin in (list, tuple) and isinstance(part, int):
            current = unwrap(typing.get_args(current)[0])
        elif origin is dict:
            current = unwrap(typing.get_args(current)[1])
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return []
            current = unwrap(field.annotation)
        else:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def validation_problems(
    exc: Any,
    file: str,
    lines: Mapping[tuple[Any, ...], int],
    prefix: tuple[Any, ...] = (),
    model: Any = None,
) -> list[str]:
    """One ``smm.toml:LINE key.path: message`` line per error of a pydantic ValidationError;
    with ``model`` (the validated class), an unknown key suggests the closest known one."""
    import difflib

    problems: list[tuple[int, str]] = []
    for error in exc.errors():
        loc = prefix + tuple(error["loc"])
        line = line_of(lines, loc)
        where = f"{file}:{line}" if line else file
        message = _clean_message(error["msg"])
        if error.get("type") == "extra_forbidden" and model is not None and error["loc"]:
            known = _fields_at(model, tuple(error["loc"][:-1]))
            close = difflib.get_close_matches(str(error["loc"][-1]), known, n=1, cutoff=0.6)
            if close:
                message += f" (did you mean {close[0]!r}?)"
            elif known:
                message += f" (known keys: {', '.join(known)})"
        problems.append((line or 0, f"{where} {format_loc(loc) or '(top level)'}: {message}"))
    # in file order; problems without a line (a missing table) first
    return [text for _line, text in sorted(problems, key=lambda p: p[0])]


# ------------------------------------------------------------------ secrets


class _Unset(Exception):
    def __init__(self, var: str, loc: tuple[Any, ...]) -> None:
        super().__init__(var)
        self.var = var
        self.loc = loc


def expand_env(value: Any, env: Mapping[str, str], loc: tuple[Any, ...] = ()) -> Any:
    """Replace every ``${VAR}`` in the strings of ``value`` (recursively) with the
    environment's value; an unset variable raises (internally) with its key path."""
    if isinstance(value, str):

        def sub(match: re.Match[str]) -> str:
            var = match.group(1)
            if var not in env:
                raise _Unset(var, loc)
            return env[var]

        return ENV_REF.sub(sub, value)
    if isinstance(value, Mapping):
        return {k: expand_env(v, env, (*loc, k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [expand_env(v, env, (*loc, i)) for i, v in enumerate(value)]
    return value


def redact(value: Any, env: Mapping[str, str], *, secret: bool = False) -> Any:
    """A copy of ``value`` safe to print: a string holding ``${VAR}`` references shows them
    with ``(set)`` or ``(unset)``; any other value under a secret-looking key is replaced."""
    if isinstance(value, Mapping):
        return {k: redact(v, env, secret=secret or is_secret_key(str(k))) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v, env, secret=secret) for v in value]
    if isinstance(value, str) and ENV_REF.search(value):
        refs = ENV_REF.findall(value)
        shown = value if not secret else " ".join(f"${{{v}}}" for v in refs)
        if len(refs) == 1:
            return f"{shown} ({'set' if refs[0] in env else 'unset'})"
        state = ", ".join(f"{v} {'set' if v in env else 'unset'}" for v in refs)
        return f"{shown} ({state})"
    if secret and value is not None and value != "":
        return "***redacted***"
    if isinstance(value, str):
        from smmcore.redact import redact_text

        return redact_text(value)  # a password in a DSN or a token in a URL
    return value


def plain_secrets(raw: Mapping[str, Any], loc: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Key paths of ``smm.toml`` values written in plain text under a secret-looking key
    (not a ``${VAR}`` reference), and of URLs carrying a credential."""
    from smmcore.redact import has_secret

    found: list[tuple[Any, ...]] = []

    def walk(value: Any, path: tuple[Any, ...], secret: bool) -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                walk(v, (*path, k), secret or is_secret_key(str(k)))
        elif isinstance(value, list | tuple):
            for i, v in enumerate(value):
                walk(v, (*path, i), secret)
        elif (
            isinstance(value, str)
            and value
            and not ENV_REF.search(value)
            and (secret or ("://" in value and has_secret(value)))
        ):
            found.append(path)

    walk(raw, loc, False)
    return found


# ------------------------------------------------------------------ the workspace


@dataclass
class Workspace:
    """A loaded workspace.

    :ivar dir: the workspace folder.
    :ivar config: the validated ``smm.toml``.
    :ivar raw: the parsed TOML as written (``${VAR}`` references unexpanded).
    :ivar text: the file's text (for line numbers in later messages).
    :ivar env: where ``${VAR}`` references are read (``os.environ`` by default).
    """

    dir: Path
    config: WorkspaceConfig
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    text: str = field(default="", repr=False)
    env: Mapping[str, str] = field(default_factory=lambda: os.environ, repr=False, compare=False)

    @property
    def config_path(self) -> Path:
        """The workspace's ``smm.toml``."""
        return self.dir / CONFIG_FILE

    @property
    def store_path(self) -> Path:
        """The history store file, ``<workspace>/.smm/store.duckdb``."""
        return self.dir / STORE_DIR / STORE_FILE

    def channel_refs(self) -> list[ChannelRef]:
        """Every channel (the client's first, then each competitor's) as a ChannelRef."""
        from smmcore.contracts import ChannelRef

        return [
            ChannelRef(
                network=ch.network,
                account=ch.account,
                owner=owner,
                is_client=is_client,
                label=ch.label,
            )
            for owner, is_client, ch in self.config.all_channels()
        ]

    def plugin_settings(self, name: str, model: type[M] | None) -> M | None:
        """Validate ``[plugins.<name>]`` (secrets expanded) against ``model``.

        Returns ``None`` when ``model`` is ``None``. An unset ``${VAR}`` or an invalid value
        raises :class:`~smmcore.errors.ConfigError` naming the key and the variable, never a
        secret's value.
        """
        if model is None:
            return None
        return self._section_settings(
            self.config.plugins.get(name, {}),
            ("plugins", name),
            model,
            what=f"the settings [plugins.{name}]",
            fix=f"[plugins.{name}]",
            more="; 'smm plugins info PLUGIN' lists the settings",
        )

    def _section_settings(
        self,
        raw: Mapping[str, Any],
        base: tuple[str, ...],
        model: type[M],
        *,
        what: str,
        fix: str,
        more: str = "",
    ) -> M:
        """Validate the ``raw`` table at ``base`` (secrets expanded) against ``model``."""
        from pydantic import ValidationError

        lines = toml_lines(self.text)
        try:
            expanded = expand_env(raw, self.env, base)
        except _Unset as unset:
            line = line_of(lines, unset.loc)
            where = f"{CONFIG_FILE}:{line} " if line else f"{CONFIG_FILE} "
            raise ConfigError(
                f"{where}{format_loc(unset.loc)}: the environment variable {unset.var} is not set",
                hint=f"set it before running smm (export {unset.var}=...), or remove the "
                f"setting from {fix}",
            ) from None
        try:
            return model.model_validate(expanded)
        except ValidationError as exc:
            problems = validation_problems(exc, CONFIG_FILE, lines, base, model=model)
            raise ConfigError(
                f"{what} in {self.config_path} are invalid",
                problems=problems,
                hint=f"fix {fix} in smm.toml{more}",
            ) from None

    def secret_values(self) -> set[str]:
        """The values of the environment variables ``[plugins.*]`` references (the secrets
        this workspace hands to plugins); used to scrub them from messages."""
        found: set[str] = set()

        def walk(value: Any) -> None:
            if isinstance(value, str):
                for var in ENV_REF.findall(value):
                    secret = self.env.get(var)
                    if secret and len(secret) >= 4:
                        found.add(secret)
            elif isinstance(value, Mapping):
                for item in value.values():
                    walk(item)
            elif isinstance(value, list | tuple):
                for item in value:
                    walk(item)

        walk(self.config.plugins)
        walk(self.raw.get("store", {}))
        return found

    def scrub(self, text: str) -> str:
        """``text`` with every secret of :meth:`secret_values` replaced by ``***``."""
        for secret in sorted(self.secret_values(), key=len, reverse=True):
            text = text.replace(secret, "***")
        return text

    def plain_secret_warnings(self) -> list[str]:
        """One warning per secret written in plain text in ``smm.toml`` (a list counts once)."""
        lines = toml_lines(self.text)
        out: list[str] = []
        seen: set[tuple[Any, ...]] = set()
        for loc in plain_secrets(self.raw):
            while loc and isinstance(loc[-1], int):  # tokens[1] -> tokens
                loc = loc[:-1]
            if loc in seen:
                continue
            seen.add(loc)
            line = line_of(lines, loc)
            where = f"{CONFIG_FILE}:{line} {format_loc(loc)}" if line else format_loc(loc)
            key = str(loc[-1])
            if loc[0] == "plugins":
                names = [str(p) for p in loc[1:] if isinstance(p, str)]
                var = re.sub(r"[^A-Z0-9]+", "_", "_".join(names).upper()).strip("_")
                out.append(
                    f"{where} holds a secret in plain text; move it to an environment variable "
                    f'and write {key} = "${{{var}}}" instead (smm.toml is often shared)'
                )
            else:
                out.append(
                    f"{where} holds a credential in plain text (smm never shows or stores it, "
                    "but smm.toml is often shared); prefer a URL or option without it, and "
                    'keep secrets under [plugins.NAME] as "${ENV_VAR}"'
                )
        return out

    def open_store(self, read_only: bool = False) -> Store:
        """Open the workspace's history store (creating ``.smm/`` unless ``read_only``), with
        the TEMP table ``workspace_channels`` filled from this configuration."""
        from smmcore.store import Store

        store = Store.open(read_only=read_only, backend=self.store_backend())
        store.set_channels(self.channel_refs())
        return store

    def store_backend(self, name: str | None = None, host: Any = None) -> Any:
        """The :class:`~smmcore.store.backends.StoreBackend` named ``name`` (default:
        ``[store] backend``), configured from ``[store]``. ``duckdb`` is the file
        ``.smm/store.duckdb``; another name is looked up in the plugins' registrations."""
        from smmcore.store.backends import DEFAULT_BACKEND, StoreBackend

        name = name or self.config.store.backend
        if name == DEFAULT_BACKEND:
            return StoreBackend(self.store_path)
        spec, settings = self._backend_spec(name, host)
        return spec.load()(self, settings)

    def store_queue(self, host: Any = None) -> Any:
        """The sync queue of the configured store backend (``smm sync --queue``), or a
        clear error when the backend has none."""
        name = self.config.store.backend
        if name != "duckdb":
            spec, settings = self._backend_spec(name, host)
            if spec.queue:
                from smmcore.registry import resolve_reference

                return resolve_reference(spec.queue)(self, settings, host)
        raise ConfigError(
            f"the store backend {name!r} of {self.config_path} has no sync queue",
            hint="a queue needs a shared store backend that provides one ('smm plugins list' "
            "shows the store backends); set it in [store], or run 'smm sync' without --queue",
        )

    def _backend_spec(self, name: str, host: Any) -> tuple[Any, Any]:
        if host is None:
            from smmcore.plugins import PluginHost

            host = PluginHost()
        spec = host.get("store_backends", name)
        model = spec.load_settings_model()
        settings = None
        if model is not None:
            settings = self._section_settings(
                self.config.store.options(),
                ("store",),
                model,
                what=f"the settings [store] of the store backend {name!r}",
                fix="[store]",
            )
        return spec, settings

    def redacted(self) -> dict[str, Any]:
        """The resolved configuration (defaults filled in) safe to print: secrets hidden."""
        data = self.config.model_dump(mode="json")
        data["plugins"] = self.raw.get("plugins", {})
        if "store" in self.raw:
            data["store"] = self.raw["store"]
        return redact(data, self.env)


def load_workspace(path: Path | str, *, env: Mapping[str, str] | None = None) -> Workspace:
    """Read and validate the workspace in ``path`` (a folder, or its ``smm.toml``).

    Raises :class:`~smmcore.errors.ConfigError` when the file is missing (hint: ``smm init``),
    is not valid TOML, or breaks the configuration models: one problem per line, each as
    ``smm.toml:LINE key.path: message``.
    """
    from pydantic import ValidationError

    from smmcore.config import WorkspaceConfig

    path = Path(path)
    file = path if path.name == CONFIG_FILE or path.is_file() else path / CONFIG_FILE
    if not file.is_file():
        raise ConfigError(
            f"no {CONFIG_FILE} in {file.parent.resolve()}",
            hint="create a workspace there with 'smm init', or point at one with "
            "'smm --workspace DIR' (or SMM_WORKSPACE)",
        )
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {file}: {exc}") from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line = re.search(r"line (\d+)", message)
        where = f"{file.name}:{line.group(1)}" if line else file.name
        raise ConfigError(
            f"{file} is not valid TOML",
            problems=[f"{where} {message}"],
            hint="fix the syntax (https://toml.io)",
        ) from None
    try:
        config = WorkspaceConfig.model_validate(raw)
    except ValidationError as exc:
        problems = validation_problems(exc, file.name, toml_lines(text), model=WorkspaceConfig)
        count = len(problems)
        raise ConfigError(
            f"{file} has {count} problem{'s' if count != 1 else ''}",
            problems=problems,
            hint="fix them and run the command again",
        ) from None
    return Workspace(
        dir=file.parent.resolve(),
        config=config,
        raw=raw,
        text=text,
        env=os.environ if env is None else env,
    )
