"""The workspace: smm.toml validation messages, ${ENV} secrets, smm init and smm config show."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel, SecretStr

from smmcore.cli.app import App
from smmcore.cli.main import cli
from smmcore.contracts import ChannelRef
from smmcore.errors import ConfigError
from smmcore.plugins import PluginHost
from smmcore.workspace import is_secret_key, load_workspace, toml_lines


def run(args: list[str], folder: Path, **kw):
    host = PluginHost(discover=False, env={})
    return CliRunner().invoke(cli, args, obj=App(workspace_dir=folder, host=host), **kw)


# smm.toml = the [client] table (lines 1-5), a blank line, then this text from line 7 on
VALID = """
[[channels]]
network = "mastodon"
handle = "@forno@example.social"
label = "Mastodon"

[[competitors]]
name = "Rival"

[[competitors.channels]]
network = "bluesky"
handle = "rival.bsky.social"

[plugins.mastodon]
token = "${SMM_TEST_TOKEN}"
instance = "https://example.social"
"""


class MastodonSettings(BaseModel):
    token: SecretStr
    instance: str
    page_size: int = 40


# ------------------------------------------------------------------ loading


def test_load_valid_workspace(write_ws) -> None:
    folder = write_ws(VALID)
    ws = load_workspace(folder)
    assert ws.dir == folder.resolve()
    assert ws.config.client.name == "Forno Rossi"
    assert ws.store_path == folder.resolve() / ".smm" / "store.duckdb"
    assert ws.channel_refs() == [
        ChannelRef("mastodon", "forno@example.social", "Forno Rossi", True, "Mastodon"),
        ChannelRef("bluesky", "rival.bsky.social", "Rival", False, None),
    ]
    # the smm.toml path itself works too
    assert load_workspace(folder / "smm.toml").dir == ws.dir


def test_open_store_in_the_workspace_with_its_channels(write_ws) -> None:
    ws = load_workspace(write_ws(VALID))
    with ws.open_store() as store:
        assert store.path == ws.store_path
    with ws.open_store(read_only=True) as store:
        got = store.con.execute(
            "SELECT network, account, owner, is_client FROM workspace_channels ORDER BY owner"
        ).fetchall()
    assert got == [
        ("mastodon", "forno@example.social", "Forno Rossi", True),
        ("bluesky", "rival.bsky.social", "Rival", False),
    ]


def test_every_problem_with_its_key_path_and_line(write_ws) -> None:
    text = """\
[client]
name = "Forno"
language = "italian"
timezone = "Europe/Nowhere"

[[channels]]
network = "mastodon"
handle = "forno"

[[channels]]
handle = "x"

[[competitors]]
name = "Rival"

[[competitors.channels]]
network = "bluesky"
handel = "rival"

[report]
compare = "last-year"
"""
    folder = write_ws(text, with_client=False)
    with pytest.raises(ConfigError) as info:
        load_workspace(folder)
    err = info.value
    assert str(err).endswith("smm.toml has 5 problems")
    assert err.problems == [
        "smm.toml:3 client.language: string should match pattern '^[a-z]{2}$'",
        "smm.toml:4 client.timezone: unknown time zone 'Europe/Nowhere': use an IANA name "
        "such as 'Europe/Rome'",
        "smm.toml:10 channels[1].network: field required",
        "smm.toml:18 competitors[0].channels[0].handel: unknown key (did you mean 'handle'?)",
        "smm.toml:21 report.compare: input should be 'previous' or 'year'",
    ]
    assert "smm.toml:10 channels[1].network: field required" in err.format_message()


def test_unknown_keys_list_or_suggest_the_known_ones(write_ws) -> None:
    folder = write_ws('[kpis.saves]\nlabel = "Saves"\nnumerator = "saves"\nunits = "%"\n'
                      '[report]\nzzz = 1\n')  # fmt: skip
    with pytest.raises(ConfigError) as info:
        load_workspace(folder)
    assert info.value.problems == [  # in file order
        "smm.toml:10 kpis.saves.units: unknown key (did you mean 'unit'?)",
        "smm.toml:12 report.zzz: unknown key (known keys: period, compare, kpis, language, "
        "formats, audience, brand)",
    ]


def test_missing_client_table_and_model_level_errors(write_ws) -> None:
    folder = write_ws('[[channels]]\nnetwork = "mastodon"\n', with_client=False)
    with pytest.raises(ConfigError) as info:
        load_workspace(folder)
    assert info.value.problems == [
        "smm.toml client: field required",
        "smm.toml:1 channels[0]: a channel needs a handle or a url",
    ]


def test_missing_smm_toml_hints_init(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_workspace(tmp_path)
    assert f"no smm.toml in {tmp_path.resolve()}" in str(info.value)
    assert "smm init" in info.value.format_message()


def test_toml_syntax_error_has_its_line(write_ws) -> None:
    folder = write_ws('[client]\nname = "Forno"\nlanguage = it\n', with_client=False)
    with pytest.raises(ConfigError) as info:
        load_workspace(folder)
    assert "is not valid TOML" in str(info.value)
    assert info.value.problems[0].startswith("smm.toml:3 ")


def test_toml_lines_follow_arrays_of_tables_and_dotted_keys() -> None:
    text = """\
a = 1
[x]
b.c = 2
[[t]]
k = 1
[[t]]
k = 2
[[t.sub]]
z = '''
k = not a key
'''
w = 3
"""
    lines = toml_lines(text)
    assert lines[("a",)] == 1
    assert lines[("x", "b", "c")] == 3
    assert lines[("t", 0, "k")] == 5
    assert lines[("t", 1, "k")] == 7
    assert lines[("t", 1, "sub", 0, "z")] == 9
    assert lines[("t", 1, "sub", 0, "w")] == 12
    assert ("t", 1, "sub", 0, "k") not in lines


# ------------------------------------------------------------------ secrets


def test_plugin_settings_expand_env_secrets(write_ws) -> None:
    ws = load_workspace(write_ws(VALID), env={"SMM_TEST_TOKEN": "s3cr3t"})
    settings = ws.plugin_settings("mastodon", MastodonSettings)
    assert settings.token.get_secret_value() == "s3cr3t"
    assert settings.page_size == 40
    # the raw configuration keeps the reference, never the value
    assert ws.config.plugins["mastodon"]["token"] == "${SMM_TEST_TOKEN}"
    assert ws.plugin_settings("mastodon", None) is None


def test_the_workspace_repr_shows_no_environment(write_ws) -> None:
    ws = load_workspace(write_ws(VALID), env={"SMM_TEST_TOKEN": "s3cr3t"})
    assert "s3cr3t" not in repr(ws)


def test_unset_secret_names_the_variable(write_ws) -> None:
    ws = load_workspace(write_ws(VALID), env={})
    with pytest.raises(ConfigError) as info:
        ws.plugin_settings("mastodon", MastodonSettings)
    message = info.value.format_message()
    assert message.startswith(
        "smm.toml:21 plugins.mastodon.token: the environment variable SMM_TEST_TOKEN is not set"
    )
    assert "export SMM_TEST_TOKEN=" in message


def test_invalid_plugin_settings_never_show_the_secret(write_ws) -> None:
    body = VALID.replace('instance = "https://example.social"', 'page_size = "many"')
    ws = load_workspace(write_ws(body), env={"SMM_TEST_TOKEN": "s3cr3t"})
    with pytest.raises(ConfigError) as info:
        ws.plugin_settings("mastodon", MastodonSettings)
    message = info.value.format_message()
    assert "smm.toml:20 plugins.mastodon.instance: field required" in message
    assert "smm.toml:22 plugins.mastodon.page_size: input should be a valid integer" in message
    assert "s3cr3t" not in message


def test_secret_looking_keys() -> None:
    for key in ("token", "api_key", "client_secret", "app_password", "accessToken", "key"):
        assert is_secret_key(key), key
    for key in ("keywords", "instance", "monkey", "tokens_used_note"[:6] + "x"):
        assert not is_secret_key(key), key


# ------------------------------------------------------------------ smm config show


def test_config_show_redacts_secrets(write_ws, monkeypatch) -> None:
    body = VALID + 'api_key = "literal-key-123"\n\n[plugins.other]\npassword = "${SMM_UNSET_PW}"\n'
    folder = write_ws(body)
    monkeypatch.setenv("SMM_TEST_TOKEN", "s3cr3t")
    monkeypatch.delenv("SMM_UNSET_PW", raising=False)

    result = run(["config", "show"], folder)
    assert result.exit_code == 0, result.output
    assert "s3cr3t" not in result.output and "literal-key-123" not in result.output
    assert "plugins.mastodon.api_key holds a secret in plain text" in result.stderr
    data = tomllib.loads(result.stdout)
    assert data["plugins"]["mastodon"] == {
        "token": "${SMM_TEST_TOKEN} (set)",
        "instance": "https://example.social",
        "api_key": "***redacted***",
    }
    assert data["plugins"]["other"] == {"password": "${SMM_UNSET_PW} (unset)"}
    # resolved: the defaults are filled in
    assert data["report"]["period"] == "30d"
    assert data["competitors"][0]["channels"][0]["handle"] == "rival.bsky.social"

    result = run(["config", "show", "--json"], folder)
    assert result.exit_code == 0
    assert "s3cr3t" not in result.output
    as_json = json.loads(result.stdout)
    assert as_json["plugins"] == data["plugins"]
    assert as_json["client"]["timezone"] == "Europe/Rome"


def test_config_show_reports_an_invalid_file(write_ws) -> None:
    folder = write_ws('[[channels]]\nhandle = "x"\n')
    result = run(["config", "show"], folder)
    assert result.exit_code == 1
    assert isinstance(result.exception, ConfigError)
    assert "smm.toml:7 channels[0].network: field required" in result.exception.problems


# ------------------------------------------------------------------ smm init


def test_init_with_options_writes_a_valid_commented_file(tmp_path: Path) -> None:
    target = tmp_path / "client"
    args = ["init", str(target), "--name", "Forno \"Rossi\"", "--language", "it",
            "--timezone", "Europe/Rome", "--segment", "bakery"]  # fmt: skip
    result = run(args, tmp_path)
    assert result.exit_code == 0, result.output
    text = (target / "smm.toml").read_text()
    assert text.startswith("# smm.toml")
    assert "# [[channels]]" in text
    ws = load_workspace(target)
    assert ws.config.client.name == 'Forno "Rossi"'
    assert (ws.config.client.language, ws.config.client.timezone) == ("it", "Europe/Rome")
    assert ws.config.client.segment == "bakery"
    assert ".smm/" in (target / ".gitignore").read_text()


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    (tmp_path / "smm.toml").write_text("# mine\n")
    result = run(["init", "--yes"], tmp_path)
    assert result.exit_code == 1
    assert "already exists" in str(result.exception)
    assert (tmp_path / "smm.toml").read_text() == "# mine\n"

    result = run(["init", "--yes", "--force", "--name", "New"], tmp_path)
    assert result.exit_code == 0
    assert load_workspace(tmp_path).config.client.name == "New"


def test_init_asks_and_validates(tmp_path: Path) -> None:
    answers = "Pasticceria Bianchi\nit\nRome\nEurope/Rome\ndolci\n"
    result = run(["init"], tmp_path, input=answers)
    assert result.exit_code == 0, result.output
    assert "unknown time zone 'Rome'" in result.output
    client = load_workspace(tmp_path).config.client
    assert (client.name, client.language, client.timezone, client.segment) == (
        "Pasticceria Bianchi",
        "it",
        "Europe/Rome",
        "dolci",
    )


def test_init_with_invalid_option_writes_nothing(tmp_path: Path) -> None:
    result = run(["init", "--yes", "--timezone", "Mars/Base"], tmp_path)
    assert result.exit_code == 1
    assert "nothing was written" in str(result.exception)
    assert result.exception.problems == [
        "client.timezone: unknown time zone 'Mars/Base': use an IANA name such as 'Europe/Rome'"
    ]
    assert not (tmp_path / "smm.toml").exists()


def test_init_defaults_with_yes(tmp_path: Path) -> None:
    target = tmp_path / "acme"
    result = run(["init", str(target), "--yes"], tmp_path)
    assert result.exit_code == 0
    client = load_workspace(target).config.client
    assert (client.name, client.language, client.timezone) == ("acme", "en", "UTC")


def test_init_examples_are_valid_once_uncommented(tmp_path: Path) -> None:
    import re

    assert run(["init", "--yes"], tmp_path).exit_code == 0
    config = tmp_path / "smm.toml"
    lines = []
    for line in config.read_text().splitlines():
        example = re.match(r"^# (\[.*|[a-z_]+ = .*)$", line)
        lines.append(example.group(1) if example else line)
    config.write_text("\n".join(lines) + "\n")
    ws = load_workspace(tmp_path)
    assert [(c.network, c.account, c.source) for c in ws.config.channels] == [
        ("mastodon", "forno@mastodon.social", None),
        ("instagram", "forno.rossi", "files"),
    ]
    assert ws.config.competitors[0].channels[0].handle == "rival.bsky.social"
    assert ws.config.plugins["mastodon"] == {"access_token": "${MASTODON_TOKEN}"}
    # Every example plugin setting is one the installed plugin really accepts.
    from smmcore.plugins import PluginHost

    host = PluginHost(env={})
    ws.env = {"MASTODON_TOKEN": "secret-value"}
    for name in ws.config.plugins:
        model = host.get("sources", name).load_settings_model()
        assert ws.plugin_settings(name, model) is not None
