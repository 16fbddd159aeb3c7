"""The examples of the user guide and the README still match the code.

- Every ``smm ...`` line in a shell code block (```` ```sh ````, ``bash``, ``shell``,
  ``console``) of ``docs/user-guide.md`` and ``README.md`` names a command and subcommand that
  exist, with options they accept. Commands are resolved through the real click tree
  (``smmcore.cli.main:cli``) with a PluginHost that discovers the installed plugins, so plugin
  commands such as ``smm files`` count. Output belongs in ``text`` blocks, which are not read.
  A block marked ```` ```sh team ```` shows the team store's commands (smm-ducklake, which
  lives in its own environment): tests/test_team_environment.py resolves those there.
- Every ```` ```toml ```` block is a whole ``smm.toml``: it parses with tomllib and validates
  with :class:`smmcore.config.WorkspaceConfig`. A partial example is marked
  ```` ```toml snippet ````: it must parse, and it validates once a minimal ``[client]`` is
  added. In both, each ``[plugins.NAME]`` table validates against the settings model of the
  registration ``NAME``, ``[segments.*]`` against the rule grammar and ``[kpis.*]`` against the
  declarative KPI grammar.
- The guide's KPI table lists exactly the KPIs smm-kpis registers, with their unit, direction
  and aggregation.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest

from smmcore.cli.app import App
from smmcore.cli.main import cli
from smmcore.config import WorkspaceConfig
from smmcore.plugins import PluginHost

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "user-guide.md"
README = ROOT / "README.md"
SHELL_LANGUAGES = {"sh", "bash", "shell", "console"}
_FENCE = re.compile(r"^(`{3,}|~{3,})\s*(.*)$")
_ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_OPERATOR = re.compile(r"^[;&|<>()]+$")


@dataclass
class Block:
    """A fenced code block: its file, the line of its opening fence, info string and text."""

    path: Path
    line: int
    info: str
    text: str

    @property
    def language(self) -> str:
        return self.info.split()[0].lower() if self.info.split() else ""

    @property
    def team(self) -> bool:
        """Marked ``team``: resolved in the team store's environment, not here."""
        return "team" in self.info.split()[1:]

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def code_blocks(path: Path) -> list[Block]:
    """The fenced code blocks of a Markdown file (fences of ``` or ~~~, any length)."""
    blocks: list[Block] = []
    fence: str | None = None
    start, info, body = 0, "", []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if fence is None:
            match = _FENCE.match(stripped)
            if match:
                fence, start, info, body = match.group(1), number, match.group(2).strip(), []
            continue
        if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
            blocks.append(Block(path, start, info, "\n".join(body) + "\n"))
            fence = None
            continue
        body.append(line)
    return blocks


def smm_invocations(text: str) -> list[list[str]]:
    """The arguments after ``smm`` of every smm command in a shell snippet: prompts (``$``),
    comments, ``VAR=value`` prefixes, ``uv run``, redirections and ``&&``/``;``/``|`` chains are
    understood."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = pending + raw
        if line.rstrip().endswith("\\"):
            pending = line.rstrip()[:-1] + " "
            continue
        pending = ""
        logical.append(line.strip().removeprefix("$ "))
    found: list[list[str]] = []
    for line in logical:
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        tokens = list(lexer)
        command: list[str] = []
        for token in [*tokens, ";"]:
            if not _OPERATOR.match(token):
                command.append(token)
                continue
            if token[0] in "<>" and command and command[-1].isdigit():
                command.pop()  # the file descriptor of 2>&1
            while command and _ENV_ASSIGNMENT.match(command[0]):
                command.pop(0)
            if command[:2] == ["uv", "run"]:
                command = command[2:]
            if command and Path(command[0]).name == "smm":
                found.append(command[1:])
            # after a redirection the rest of this command is its target: drop it
            command = []
    return found


@pytest.fixture(scope="module")
def host() -> PluginHost:
    """The installed plugins, ignoring the SMM_*_PLUGINS variables of the caller."""
    return PluginHost(env={})


def _options(command: click.Command) -> dict[str, bool]:
    """Option spelling -> whether it takes a value."""
    found = {"-h": False, "--help": False}
    for param in command.params:
        if isinstance(param, click.Option):
            takes_value = not param.is_flag and not param.count
            for spelling in (*param.opts, *param.secondary_opts):
                found[spelling] = takes_value
    return found


def resolve(args: list[str], host: PluginHost) -> tuple[list[str], list[str]]:
    """Walk ``args`` down the click tree: ``(command path, problems)``."""
    ctx = click.Context(cli, info_name="smm", obj=App(host=host))
    command: click.Command = cli
    path = ["smm"]
    problems: list[str] = []
    index = 0
    while index < len(args):
        token = args[index]
        index += 1
        if token.startswith("-") and token != "-":
            name = token.split("=", 1)[0]
            options = _options(command)
            if name not in options:
                problems.append(f"'{' '.join(path)}' has no option {name}")
            elif options[name] and "=" not in token:
                index += 1  # its value
            continue
        if isinstance(command, click.Group):
            sub = command.get_command(ctx, token)
            if sub is None:
                problems.append(f"'{' '.join(path)}' has no command {token!r}")
                break
            ctx = click.Context(sub, parent=ctx, info_name=token)
            command = sub
            path.append(token)
    return path, problems


def _shell_blocks() -> list[Block]:
    return [
        b for path in (GUIDE, README) for b in code_blocks(path) if b.language in SHELL_LANGUAGES
    ]


def _toml_blocks() -> list[Block]:
    return [b for path in (GUIDE, README) for b in code_blocks(path) if b.language == "toml"]


def test_the_documents_have_examples_to_check() -> None:
    shell = _shell_blocks()
    commands = [args for block in shell for args in smm_invocations(block.text)]
    assert len(commands) >= 50, "the guide and the README lost their smm examples"
    assert len(_toml_blocks()) >= 6


def test_invocations_are_parsed_like_a_shell() -> None:
    text = (
        "$ smm -w demo report --format json -o - | jq .kpis   # a comment\n"
        "SMM_TRACE_PLUGINS=1 uv run smm kpis show \\\n  follower_growth 2>&1\n"
        'cd my-client && $EDITOR smm.toml; smm keywords related "#" --tool own-terms\n'
        "uv run pytest\n"
    )
    assert smm_invocations(text) == [
        ["-w", "demo", "report", "--format", "json", "-o", "-"],
        ["kpis", "show", "follower_growth"],
        ["keywords", "related", "#", "--tool", "own-terms"],
    ]


def test_resolve_reports_unknown_commands_and_options(host: PluginHost) -> None:
    assert resolve(["-w", "x", "audience", "influencers", "--top", "5"], host) == (
        ["smm", "audience", "influencers"],
        [],
    )
    assert resolve(["kpis", "explain", "x"], host)[1] == ["'smm kpis' has no command 'explain'"]
    assert resolve(["sync", "--since=30d", "--dry-run"], host)[1] == [
        "'smm sync' has no option --dry-run"
    ]


@pytest.mark.parametrize("block", [b for b in _shell_blocks() if not b.team], ids=lambda b: b.where)
def test_every_smm_command_in_the_docs_exists(block: Block, host: PluginHost) -> None:
    problems = []
    for args in smm_invocations(block.text):
        _path, found = resolve(args, host)
        problems.extend(f"smm {shlex.join(args)}: {p}" for p in found)
    assert not problems, f"{block.where}:\n" + "\n".join(problems)


class _AnyEnv(dict):
    """An environment in which every variable is set (``${VAR}`` references expand)."""

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> str:
        return "test-value"


def _settings_models(host: PluginHost) -> dict[str, Any]:
    specs: dict[str, Any] = {}
    for registry in (host.sources, host.keyword_tools, host.segmenters, host.kpis):
        for name, spec in registry().items():
            specs.setdefault(name, spec)
    return specs


@pytest.mark.parametrize("block", _toml_blocks(), ids=lambda b: b.where)
def test_every_smm_toml_example_is_valid(block: Block, host: PluginHost, tmp_path: Path) -> None:
    from smmcore.workspace import Workspace

    data = tomllib.loads(block.text)
    snippet = "snippet" in block.info.split()[1:]
    if snippet:
        data.setdefault("client", {"name": "Example client"})
    config = WorkspaceConfig.model_validate(data)

    workspace = Workspace(dir=tmp_path, config=config, raw=data, text=block.text, env=_AnyEnv())
    specs = _settings_models(host)
    for name in config.plugins:
        assert name in specs, f"{block.where}: [plugins.{name}]: no installed plugin uses it"
        model = specs[name].load_settings_model()
        assert model is not None, f"{block.where}: [plugins.{name}]: {name} takes no settings"
        workspace.plugin_settings(name, model)  # raises ConfigError when invalid
    if config.segments:
        rules = pytest.importorskip("smm_segments.rules")
        rules.parse_rules(config.segments)
    if config.kpis:
        custom = pytest.importorskip("smm_kpis.custom")
        assert len(custom.custom_kpis(config)) == len(config.kpis)


def _guide_kpi_table() -> dict[str, dict[str, str]]:
    lines = GUIDE.read_text(encoding="utf-8").splitlines()
    header = "| name | label | formula | unit | direction | aggregation |"
    start = lines.index(header)
    rows: dict[str, dict[str, str]] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        name, _label, _formula, unit, direction, aggregation = cells
        rows[name.strip("`")] = {"unit": unit, "direction": direction, "aggregation": aggregation}
    return rows


def test_the_guides_kpi_table_matches_smm_kpis(host: PluginHost) -> None:
    registered = {name: spec for name, spec in host.kpis().items() if spec.plugin == "kpis"}
    if not registered:
        pytest.skip("smm-kpis is not installed")
    table = _guide_kpi_table()
    assert sorted(table) == sorted(registered)
    for name, spec in registered.items():
        direction = (
            "neutral"
            if spec.higher_is_better is None
            else ("higher is better" if spec.higher_is_better else "lower is better")
        )
        expected = {"unit": spec.unit, "direction": direction, "aggregation": spec.aggregation}
        assert table[name] == expected, name
