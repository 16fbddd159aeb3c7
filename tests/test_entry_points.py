"""The plugins' entry points remembered between runs (smmcore.entry_points): what a user
installs, upgrades, edits or removes is seen at the next run; nothing stale is served."""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import subprocess
import sys
import time
import zlib  # noqa: F401  (imported before sys.path is narrowed to the fake site)
from pathlib import Path

import pytest

from smmcore.entry_points import plugin_entry_points

GROUP = "smm_test_group"
OLD = time.time_ns() - 3_600 * 10**9  # an hour ago: timestamps the cache may trust


def age(*paths: Path) -> None:
    for path in paths:
        os.utime(path, ns=(OLD, OLD))


def install(site: Path, dist: str, entries: dict[str, str], *, settle: bool = True) -> Path:
    info = site / f"{dist}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    lines = "".join(f"{name} = {value}\n" for name, value in entries.items())
    (info / "entry_points.txt").write_text(f"[{GROUP}]\n{lines}")
    if settle:
        age(info / "METADATA", info / "entry_points.txt", info, site)
    return info


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A search path holding only a fake site folder, and an empty cache folder."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "fake_mod.py").write_text("VALUE = {'answer': 42}\n")
    monkeypatch.setenv("SMM_CACHE_DIR", str(tmp_path / "cache" / "smm"))
    monkeypatch.setattr(sys, "path", [str(folder)])
    importlib.invalidate_caches()
    yield folder
    sys.modules.pop("fake_mod", None)


def names(found: list) -> list[str]:
    return sorted(ep.name for ep in found)


def test_the_second_run_reads_the_cache_and_loads_the_same_objects(site: Path) -> None:
    install(site, "smm_fake_a", {"a": "fake_mod:VALUE"})
    first, cached = plugin_entry_points(GROUP)
    assert not cached and names(first) == ["a"]
    assert (first[0].distribution, first[0].version) == ("smm_fake_a", "1.0")
    second, cached = plugin_entry_points(GROUP)
    assert cached and second == first
    assert second[0].load() == {"answer": 42}


def test_an_installed_or_removed_distribution_is_seen_at_once(site: Path) -> None:
    install(site, "smm_fake_a", {"a": "fake_mod:VALUE"})
    plugin_entry_points(GROUP)
    install(site, "smm_fake_b", {"b": "fake_mod"}, settle=False)  # just installed
    found, cached = plugin_entry_points(GROUP)
    assert not cached and names(found) == ["a", "b"]
    # the folder changed less than 2 s ago: not remembered, read again next time
    assert not plugin_entry_points(GROUP)[1]
    age(site)
    plugin_entry_points(GROUP)
    assert plugin_entry_points(GROUP)[1]
    for item in (site / "smm_fake_b-1.0.dist-info").iterdir():
        item.unlink()
    (site / "smm_fake_b-1.0.dist-info").rmdir()
    found, cached = plugin_entry_points(GROUP)
    assert not cached and names(found) == ["a"]


def test_an_entry_point_edited_in_place_is_read_again(site: Path) -> None:
    info = install(site, "smm_fake_a", {"a": "fake_mod:VALUE"})
    plugin_entry_points(GROUP)
    assert plugin_entry_points(GROUP)[1]
    (info / "entry_points.txt").write_text(f"[{GROUP}]\nrenamed = fake_mod:VALUE\n")
    found, cached = plugin_entry_points(GROUP)
    assert not cached and names(found) == ["renamed"]


def test_another_search_path_or_a_damaged_cache_is_not_trusted(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(site, "smm_fake_a", {"a": "fake_mod:VALUE"})
    plugin_entry_points(GROUP)
    other = tmp_path / "other"
    other.mkdir()
    install(other, "smm_fake_c", {"c": "fake_mod"})
    monkeypatch.setattr(sys, "path", [str(other), str(site)])
    found, cached = plugin_entry_points(GROUP)
    assert not cached and names(found) == ["a", "c"]
    for cache in (tmp_path / "cache" / "smm").iterdir():
        cache.write_text("{not json")
    found, cached = plugin_entry_points(GROUP)
    assert not cached and names(found) == ["a", "c"]
    (cache,) = (tmp_path / "cache" / "smm").iterdir()  # one file, rewritten whole
    paths = [entry["path"] for entry in json.loads(cache.read_text())["entries"]]
    assert paths == [[str(other), str(site)]]


def test_smm_help_reads_no_distribution_metadata_once_cached(tmp_path: Path) -> None:
    # the cost this cache removes: importlib.metadata (and the email package it reads
    # METADATA with) is not imported by `smm --help` once the entry points are remembered
    probe = (
        "import sys\n"
        "from smmcore.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('METADATA' if 'importlib.metadata' in sys.modules else 'NO METADATA',"
        " file=sys.stderr)\n"
    )
    env = {**os.environ, "SMM_CACHE_DIR": str(tmp_path / "cache" / "smm")}
    runs = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
        )
        runs.append(done)
    if not any((tmp_path / "cache" / "smm").glob("*.json")):
        pytest.skip("a folder of sys.path changed in the last 2 s: nothing remembered yet")
    assert runs[0].stderr.strip().endswith("METADATA")
    assert runs[1].stderr.strip().endswith("NO METADATA")
    assert runs[0].stdout == runs[1].stdout  # the same commands, plugin ones included
    assert "Check and import analytics exports" in runs[1].stdout  # smm-files' command


COMMAND_PLUGIN = """
from smmcore import CommandSpec, hookimpl

@hookimpl
def smm_register_commands(register):
    register(CommandSpec(name="fake-hello", description="{words}", impl="fake_cmd:nothing"))
"""

HELP_PROBE = (
    "import sys\n"
    "from smmcore.cli.main import main\n"
    "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
    "print('PLUGIN IMPORTED' if 'fake_cmd' in sys.modules else 'NO PLUGIN', file=sys.stderr)\n"
)


def test_smm_help_lists_plugin_commands_from_the_cache_until_a_plugin_changes(
    tmp_path: Path,
) -> None:
    site, run_in = tmp_path / "site", tmp_path / "run"
    site.mkdir()
    run_in.mkdir()
    install(site, "smm_fake_cmd", {"fakecmd": "fake_cmd"})
    info = site / "smm_fake_cmd-1.0.dist-info"
    (info / "entry_points.txt").write_text("[smmcore]\nfakecmd = fake_cmd\n")
    module = site / "fake_cmd.py"
    module.write_text(COMMAND_PLUGIN.format(words="Old words."))
    age(module, info / "entry_points.txt", info, site, run_in, tmp_path)
    env = {
        **os.environ,
        "SMM_CACHE_DIR": str(tmp_path / "cache" / "smm"),
        "PYTHONPATH": str(site),
        "SMM_LOAD_PLUGINS": "smm_fake_cmd",
    }

    def help_text() -> tuple[str, str]:
        done = subprocess.run(
            [sys.executable, "-c", HELP_PROBE],
            capture_output=True,
            text=True,
            env=env,
            cwd=run_in,
            check=True,
        )
        return done.stdout, done.stderr.strip().splitlines()[-1]

    first, imported = help_text()
    assert "fake-hello" in first and "Old words. [plugin fakecmd]" in first
    assert imported == "PLUGIN IMPORTED"
    if not any((tmp_path / "cache" / "smm").glob("commands-*.json")):
        pytest.skip("a folder of sys.path changed in the last 2 s: nothing remembered yet")
    second, imported = help_text()
    assert second == first and imported == "NO PLUGIN"  # listed without importing it
    module.write_text(COMMAND_PLUGIN.format(words="New words."))  # the plugin edited
    os.utime(module, ns=(OLD + 10**9, OLD + 10**9))
    third, imported = help_text()
    assert "New words. [plugin fakecmd]" in third and imported == "PLUGIN IMPORTED"
    env["SMM_LOAD_PLUGINS"] = ""  # another selection: not the remembered listing
    fourth, _ = help_text()
    assert "fake-hello" not in fourth


def test_without_smm_cache_dir_the_cache_is_in_the_xdg_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from smmcore.entry_points import _cache_file

    monkeypatch.delenv("SMM_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _cache_file("plugins").parent == tmp_path / "xdg" / "smm"
    monkeypatch.setenv("SMM_CACHE_DIR", str(tmp_path / "own"))
    assert _cache_file("plugins").parent == tmp_path / "own"
